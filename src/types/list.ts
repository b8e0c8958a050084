/**
 * The list type (no protocol), laid out for memory like Redis's quicklist: the elements sit in
 * chunks of CHUNK elements, each chunk ONE packed Buffer (src/types/packed-strings.ts:
 * length-prefixed bytes, as a listpack), between two short open arrays where pushes and pops
 * happen:
 *
 *   head (reversed: the first element is head[head.length - 1])  |  chunks  |  tail (in order)
 *
 * A push appends to an open array; when one holds 2 × CHUNK elements, its CHUNK elements next
 * to the chunks are packed into a new chunk. A pop from an empty open array unpacks the
 * nearest chunk into it (or, with no chunks, takes half of the other open array), so each
 * element is packed and unpacked O(1) times: pushes and pops at both ends are amortised O(1).
 * Every chunk holds exactly CHUNK elements, so element i is found by arithmetic plus a walk of
 * at most CHUNK length prefixes: LINDEX/LSET are O(1) near the ends (O(1) anywhere, in fact),
 * LRANGE is O(start + count). Chunks are immutable (LSET builds a new one), so COPY shares
 * them. A heap string costs ~24 B plus an 8 B pointer per element; packed, a small element
 * costs its length plus one byte.
 *
 * A chunk whose elements would pack to more than PACK_MAX_BYTES stays an array of strings:
 * the per-element overhead is small next to big elements, and a packed chunk is rebuilt
 * whole by LSET.
 *
 * OBJECT ENCODING must say what Redis 7.2 would: `listpack` while the whole list fits one
 * listpack node under list-max-listpack-size, `quicklist` beyond, and back to `listpack` when
 * it shrinks to half the limit (t_list.c listTypeTryConvertListpack/Quicklist). To decide
 * that in O(1), the list keeps the byte size its listpack encoding would have.
 */
import type { AggregateValue } from './value.js';
import { parseInt64 } from '../util/numbers.js';
import { pack, packedSize, packedGet, packedEach, unpack } from './packed-strings.js';

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

/** Elements per chunk. */
const CHUNK = 128;
/** A chunk packing to more bytes than this stays an array of strings. */
const PACK_MAX_BYTES = 32 * 1024;

/** CHUNK elements: packed, or an array of strings (big elements). Never mutated once made. */
type Chunk = Buffer | readonly string[];

/** elements[from..to) as a chunk (reversed: elements[to-1] first). */
function makeChunk(elements: readonly string[], from: number, to: number, reverse = false): Chunk {
  if (packedSize(elements, from, to) <= PACK_MAX_BYTES) return pack(elements, from, to, reverse);
  const out = elements.slice(from, to);
  return reverse ? out.reverse() : out;
}

function isPacked(c: Chunk): c is Buffer {
  return !Array.isArray(c);
}

function chunkGet(c: Chunk, k: number): string {
  return isPacked(c) ? packedGet(c, k) : c[k]!;
}

/** A chunk's elements as a new array (reversed: the last one first). */
function chunkElements(c: Chunk, reverse: boolean): string[] {
  if (isPacked(c)) return unpack(c, CHUNK, reverse);
  const out = c.slice();
  return reverse ? out.reverse() : out;
}

export class ListValue implements AggregateValue {
  readonly kind = 'list' as const;
  length = 0;
  /** Elements before the chunks, reversed (the list's first element is the last one here). */
  private head: string[] = [];
  /** Elements after the chunks, in order. */
  private tail: string[] = [];
  /** The chunks: a ring buffer (power-of-two capacity) of chunkCount chunks from chunkStart. */
  private chunks: (Chunk | undefined)[] = [];
  private chunkStart = 0;
  private chunkCount = 0;
  /** Size in bytes of this list as one listpack (for the encoding decision). */
  private lpBytes = LP_OVERHEAD;
  private quicklist = false;

  /** `sizeHint` (the expected length) is not needed: storage grows by chunks. */
  constructor(_sizeHint = 0) {}

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

  // ---- The chunk ring ----

  private chunkAt(i: number): Chunk {
    return this.chunks[(this.chunkStart + i) & (this.chunks.length - 1)]!;
  }

  private setChunkAt(i: number, c: Chunk | undefined): void {
    this.chunks[(this.chunkStart + i) & (this.chunks.length - 1)] = c;
  }

  /** Resizes the ring to `capacity` (a power of two ≥ chunkCount), chunks from slot 0. */
  private resizeRing(capacity: number): void {
    const next = new Array<Chunk | undefined>(capacity);
    for (let i = 0; i < this.chunkCount; i++) next[i] = this.chunkAt(i);
    this.chunks = next;
    this.chunkStart = 0;
  }

  private pushChunkBack(c: Chunk): void {
    if (this.chunkCount === this.chunks.length) this.resizeRing(Math.max(4, this.chunks.length * 2));
    this.chunkCount++;
    this.setChunkAt(this.chunkCount - 1, c);
  }

  private pushChunkFront(c: Chunk): void {
    if (this.chunkCount === this.chunks.length) this.resizeRing(Math.max(4, this.chunks.length * 2));
    this.chunkStart = (this.chunkStart - 1) & (this.chunks.length - 1);
    this.chunks[this.chunkStart] = c;
    this.chunkCount++;
  }

  private popChunkFront(): Chunk {
    const c = this.chunks[this.chunkStart]!;
    this.chunks[this.chunkStart] = undefined;
    this.chunkStart = (this.chunkStart + 1) & (this.chunks.length - 1);
    this.chunkCount--;
    this.maybeShrinkRing();
    return c;
  }

  private popChunkBack(): Chunk {
    const c = this.chunkAt(this.chunkCount - 1);
    this.setChunkAt(this.chunkCount - 1, undefined);
    this.chunkCount--;
    this.maybeShrinkRing();
    return c;
  }

  /** Releases ring slots after a big shrink (so a drained queue doesn't keep its peak size). */
  private maybeShrinkRing(): void {
    const cap = this.chunks.length;
    if (cap > 16 && this.chunkCount < cap / 8) this.resizeRing(cap / 2);
  }

  // ---- The open ends ----

  /** Packs the CHUNK tail elements next to the chunks once the tail holds 2 × CHUNK. */
  private sealTail(): void {
    this.pushChunkBack(makeChunk(this.tail, 0, CHUNK));
    this.tail = this.tail.slice(CHUNK);
  }

  /** Packs the CHUNK head elements next to the chunks (head[CHUNK-1] .. head[0] in list order). */
  private sealHead(): void {
    this.pushChunkFront(makeChunk(this.head, 0, CHUNK, true));
    this.head = this.head.slice(CHUNK);
  }

  /** The tail is empty: unpack the last chunk, or take the inner half of the head. */
  private refillTail(): void {
    if (this.chunkCount > 0) {
      this.tail = chunkElements(this.popChunkBack(), false);
      return;
    }
    const n = Math.ceil(this.head.length / 2);
    this.tail = this.head.slice(0, n).reverse();
    this.head = this.head.slice(n);
  }

  /** The head is empty: unpack the first chunk, or take the inner half of the tail. */
  private refillHead(): void {
    if (this.chunkCount > 0) {
      this.head = chunkElements(this.popChunkFront(), true);
      return;
    }
    const n = Math.ceil(this.tail.length / 2);
    this.head = this.tail.slice(0, n).reverse();
    this.tail = this.tail.slice(n);
  }

  // ---- Elements ----

  get(index: number): string {
    const h = this.head.length;
    if (index < h) return this.head[h - 1 - index]!;
    index -= h;
    const inChunks = this.chunkCount * CHUNK;
    if (index < inChunks) return chunkGet(this.chunkAt(Math.floor(index / CHUNK)), index % CHUNK);
    return this.tail[index - inChunks]!;
  }

  pushTail(s: string): void {
    this.tail.push(s);
    this.length++;
    this.lpBytes += listpackEntrySize(s);
    if (this.tail.length >= 2 * CHUNK) this.sealTail();
  }

  pushHead(s: string): void {
    this.head.push(s);
    this.length++;
    this.lpBytes += listpackEntrySize(s);
    if (this.head.length >= 2 * CHUNK) this.sealHead();
  }

  popHead(): string | undefined {
    if (this.length === 0) return undefined;
    if (this.head.length === 0) this.refillHead();
    const s = this.head.pop()!;
    this.length--;
    this.lpBytes -= listpackEntrySize(s);
    return s;
  }

  popTail(): string | undefined {
    if (this.length === 0) return undefined;
    if (this.tail.length === 0) this.refillTail();
    const s = this.tail.pop()!;
    this.length--;
    this.lpBytes -= listpackEntrySize(s);
    return s;
  }

  set(index: number, s: string): void {
    this.lpBytes += listpackEntrySize(s) - listpackEntrySize(this.get(index));
    const h = this.head.length;
    if (index < h) {
      this.head[h - 1 - index] = s;
      return;
    }
    index -= h;
    const inChunks = this.chunkCount * CHUNK;
    if (index >= inChunks) {
      this.tail[index - inChunks] = s;
      return;
    }
    const ci = Math.floor(index / CHUNK);
    const elements = chunkElements(this.chunkAt(ci), false);
    elements[index % CHUNK] = s;
    this.setChunkAt(ci, makeChunk(elements, 0, CHUNK));
  }

  /** Calls `visit` with elements [start, end] in order (already clamped, start <= end): O(start + count). */
  visit(start: number, end: number, visit: (s: string) => void): void {
    let i = start;
    const h = this.head.length;
    for (; i <= end && i < h; i++) visit(this.head[h - 1 - i]!);
    const inChunks = this.chunkCount * CHUNK;
    while (i <= end && i - h < inChunks) {
      const j = i - h;
      const c = this.chunkAt(Math.floor(j / CHUNK));
      const first = j % CHUNK;
      const last = Math.min(CHUNK - 1, first + (end - i));
      if (isPacked(c)) packedEach(c, first, last, visit);
      else for (let k = first; k <= last; k++) visit(c[k]!);
      i += last - first + 1;
    }
    for (; i <= end; i++) visit(this.tail[i - h - inChunks]!);
  }

  /**
   * Walks the elements from the head (or from the tail, backwards) with their indexes until
   * `visit` returns false. O(elements visited).
   */
  walk(fromTail: boolean, visit: (s: string, index: number) => boolean): void {
    const h = this.head.length;
    if (!fromTail) {
      let index = 0;
      for (let k = h - 1; k >= 0; k--) if (!visit(this.head[k]!, index++)) return;
      for (let ci = 0; ci < this.chunkCount; ci++) {
        const c = this.chunkAt(ci);
        const elements = isPacked(c) ? unpack(c, CHUNK) : c;
        for (let k = 0; k < CHUNK; k++) if (!visit(elements[k]!, index++)) return;
      }
      for (let k = 0; k < this.tail.length; k++) if (!visit(this.tail[k]!, index++)) return;
      return;
    }
    let index = this.length - 1;
    for (let k = this.tail.length - 1; k >= 0; k--) if (!visit(this.tail[k]!, index--)) return;
    for (let ci = this.chunkCount - 1; ci >= 0; ci--) {
      const c = this.chunkAt(ci);
      const elements = isPacked(c) ? unpack(c, CHUNK) : c;
      for (let k = CHUNK - 1; k >= 0; k--) if (!visit(elements[k]!, index--)) return;
    }
    for (let k = 0; k < h; k++) if (!visit(this.head[k]!, index--)) return;
  }

  /** Elements [start, end] (already clamped, start <= end). */
  range(start: number, end: number): string[] {
    const out: string[] = [];
    this.visit(start, end, (s) => out.push(s));
    return out;
  }

  /** Replaces the contents (LREM, LINSERT rebuild in O(n)). */
  replaceAll(items: readonly string[]): void {
    this.head = [];
    this.tail = [];
    this.chunks = [];
    this.chunkStart = 0;
    this.chunkCount = 0;
    this.length = 0;
    this.lpBytes = LP_OVERHEAD;
    for (const s of items) this.pushTail(s);
  }

  toArray(): string[] {
    return this.length === 0 ? [] : this.range(0, this.length - 1);
  }

  clone(): ListValue {
    const copy = new ListValue();
    copy.head = this.head.slice();
    copy.tail = this.tail.slice();
    for (let i = 0; i < this.chunkCount; i++) copy.pushChunkBack(this.chunkAt(i));
    copy.length = this.length;
    copy.lpBytes = this.lpBytes;
    copy.quicklist = this.quicklist;
    return copy;
  }

  /** Bytes: packed chunks by their length plus a Buffer's ~200 B, heap strings at ~24 B + 8 B pointer each. */
  memoryUsage(): number {
    let bytes = 96 + this.chunks.length * 8;
    for (const s of this.head) bytes += 32 + s.length;
    for (const s of this.tail) bytes += 32 + s.length;
    for (let i = 0; i < this.chunkCount; i++) {
      const c = this.chunkAt(i);
      if (isPacked(c)) bytes += 200 + c.length;
      else for (const s of c) bytes += 32 + s.length;
    }
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
