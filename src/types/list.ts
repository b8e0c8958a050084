/**
 * The list type (no protocol): a ring buffer of latin1 strings, so pushes and pops at either
 * end and LINDEX/LSET near the ends are O(1), LRANGE is O(start + count).
 *
 * OBJECT ENCODING must say what Redis 7.2 would: `listpack` while the whole list fits one
 * listpack node under list-max-listpack-size, `quicklist` beyond, and back to `listpack` when
 * it shrinks to half the limit (t_list.c listTypeTryConvertListpack/Quicklist). To decide
 * that in O(1), the list keeps the byte size its listpack encoding would have.
 */
import type { AggregateValue } from './value.js';
import { parseInt64 } from '../util/numbers.js';

/** quicklist optimization_level: byte limits for list-max-listpack-size -1..-5. */
const SIZE_LEVELS = [4096, 8192, 16384, 32768, 65536];
/** SIZE_SAFETY_LIMIT: with a count limit, a node still may not exceed 8 KB. */
const SIZE_SAFETY_LIMIT = 8192;
/** Listpack header (total bytes + count) and terminator. */
const LP_OVERHEAD = 7;

/** The bytes one element takes in a listpack (encoding + data + back-length). */
export function listpackEntrySize(s: string): number {
  const n = s.length;
  if (n <= 20) {
    const v = parseInt64(s);
    if (v !== null) {
      const x = typeof v === 'bigint' ? v : BigInt(v);
      if (x >= 0n && x <= 127n) return 2;
      if (x >= -4096n && x <= 4095n) return 3;
      if (x >= -32768n && x <= 32767n) return 4;
      if (x >= -8388608n && x <= 8388607n) return 5;
      if (x >= -2147483648n && x <= 2147483647n) return 6;
      return 10;
    }
  }
  const header = n < 64 ? 1 : n < 4096 ? 2 : 5;
  const entry = header + n;
  const back = entry <= 127 ? 1 : entry < 16383 ? 2 : entry < 2097151 ? 3 : entry < 268435455 ? 4 : 5;
  return entry + back;
}

/** quicklistNodeExceedsLimit for `fill` (list-max-listpack-size). */
export function exceedsNodeLimit(fill: number, bytes: number, count: number): boolean {
  if (fill < 0) {
    const level = Math.min(-fill - 1, SIZE_LEVELS.length - 1);
    return bytes > SIZE_LEVELS[level]!;
  }
  if (bytes > SIZE_SAFETY_LIMIT) return true;
  return count > (fill === 0 ? 1 : fill);
}

function fitsHalfLimit(fill: number, bytes: number, count: number): boolean {
  if (fill < 0) {
    const level = Math.min(-fill - 1, SIZE_LEVELS.length - 1);
    return bytes <= SIZE_LEVELS[level]! / 2;
  }
  return count <= Math.floor((fill === 0 ? 1 : fill) / 2) && bytes <= SIZE_SAFETY_LIMIT / 2;
}

export class ListValue implements AggregateValue {
  readonly kind = 'list' as const;
  private items: (string | undefined)[];
  private head = 0;
  length = 0;
  /** Size in bytes of this list as one listpack (for the encoding decision). */
  private lpBytes = LP_OVERHEAD;
  private quicklist = false;

  constructor(capacity = 8) {
    let cap = 8;
    while (cap < capacity) cap *= 2;
    this.items = new Array<string | undefined>(cap);
  }

  encoding(): string {
    return this.quicklist ? 'quicklist' : 'listpack';
  }

  /**
   * listTypeTryConvertListpack before adding `incoming` (Redis counts their raw lengths).
   * Call before every insertion with the elements about to be added.
   */
  growConversion(fill: number, incoming: readonly string[]): void {
    if (this.quicklist) return;
    let add = 0;
    for (const s of incoming) add += s.length;
    if (exceedsNodeLimit(fill, this.lpBytes + add, this.length + incoming.length)) this.quicklist = true;
  }

  /** listTypeTryConvertQuicklist(shrinking): back to listpack below half the limit. */
  shrinkConversion(fill: number): void {
    if (this.quicklist && fitsHalfLimit(fill, this.lpBytes, this.length)) this.quicklist = false;
  }

  private grow(): void {
    const cap = this.items.length;
    const next = new Array<string | undefined>(cap * 2);
    for (let i = 0; i < this.length; i++) next[i] = this.items[(this.head + i) & (cap - 1)];
    this.items = next;
    this.head = 0;
  }

  private slot(index: number): number {
    return (this.head + index) & (this.items.length - 1);
  }

  get(index: number): string {
    return this.items[this.slot(index)]!;
  }

  pushTail(s: string): void {
    if (this.length === this.items.length) this.grow();
    this.items[this.slot(this.length)] = s;
    this.length++;
    this.lpBytes += listpackEntrySize(s);
  }

  pushHead(s: string): void {
    if (this.length === this.items.length) this.grow();
    this.head = (this.head - 1) & (this.items.length - 1);
    this.items[this.head] = s;
    this.length++;
    this.lpBytes += listpackEntrySize(s);
  }

  popHead(): string | undefined {
    if (this.length === 0) return undefined;
    const s = this.items[this.head]!;
    this.items[this.head] = undefined;
    this.head = (this.head + 1) & (this.items.length - 1);
    this.length--;
    this.lpBytes -= listpackEntrySize(s);
    this.maybeShrinkStorage();
    return s;
  }

  popTail(): string | undefined {
    if (this.length === 0) return undefined;
    const i = this.slot(this.length - 1);
    const s = this.items[i]!;
    this.items[i] = undefined;
    this.length--;
    this.lpBytes -= listpackEntrySize(s);
    this.maybeShrinkStorage();
    return s;
  }

  set(index: number, s: string): void {
    const i = this.slot(index);
    this.lpBytes += listpackEntrySize(s) - listpackEntrySize(this.items[i]!);
    this.items[i] = s;
  }

  /** Elements [start, end] (already clamped, start <= end). */
  range(start: number, end: number): string[] {
    const out = new Array<string>(end - start + 1);
    for (let i = start; i <= end; i++) out[i - start] = this.get(i);
    return out;
  }

  /** Replaces the contents (LREM, LINSERT, LTRIM rebuild in O(n)). */
  replaceAll(items: readonly string[]): void {
    let cap = 8;
    while (cap < items.length) cap *= 2;
    this.items = new Array<string | undefined>(cap);
    this.head = 0;
    this.length = items.length;
    this.lpBytes = LP_OVERHEAD;
    for (let i = 0; i < items.length; i++) {
      this.items[i] = items[i];
      this.lpBytes += listpackEntrySize(items[i]!);
    }
  }

  toArray(): string[] {
    return this.length === 0 ? [] : this.range(0, this.length - 1);
  }

  /** Releases memory after a big shrink (so a drained queue doesn't keep its peak size). */
  private maybeShrinkStorage(): void {
    const cap = this.items.length;
    if (cap > 64 && this.length < cap / 8) {
      const next = new Array<string | undefined>(cap / 2);
      for (let i = 0; i < this.length; i++) next[i] = this.items[(this.head + i) & (cap - 1)];
      this.items = next;
      this.head = 0;
    }
  }

  clone(): ListValue {
    const copy = new ListValue(this.length);
    for (let i = 0; i < this.length; i++) copy.pushTail(this.get(i));
    copy.quicklist = this.quicklist;
    return copy;
  }

  memoryUsage(): number {
    let bytes = 48 + this.items.length * 8;
    for (let i = 0; i < this.length; i++) bytes += 16 + this.get(i).length;
    return bytes;
  }
}

/** Converts LRANGE-style indexes to [start, end] within a list of `len`, or null if empty. */
export function clampRange(start: number, end: number, len: number): [number, number] | null {
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  if (start > end || start >= len) return null;
  if (end >= len) end = len - 1;
  return [start, end];
}
