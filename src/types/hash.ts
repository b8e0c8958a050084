/**
 * The hash type (no protocol). OBJECT ENCODING reports Redis's choice: `listpack` while the
 * hash has at most hash-max-listpack-entries fields and every field and value is at most
 * hash-max-listpack-value bytes, `hashtable` after that (one-way, as
 * hashTypeTryConversion/hashTypeConvert).
 *
 * The storage follows the encoding, for memory: a Map costs ~1 KB for 10 small fields (the
 * Map's table plus a heap string per field and value), several times Redis's listpack. So a
 * listpack hash is ONE latin1 string, like a listpack: a varint entry count, then for each
 * entry (insertion order) a varint field length, the field bytes, a varint value length and
 * the value bytes (varint: 7 bits per char, low group first, high bit = more follows; a
 * length under 128 is one char). Lookups scan it — O(n) over at most
 * hash-max-listpack-entries entries, which is Redis's complexity for a listpack hash — and a
 * write builds a new string (Redis memmoves its listpack). Measured (V8 heap, 100k hashes of
 * 10 small fields, value and holder object only): ~183 B per hash packed, ~720 B as a flat
 * array of field/value strings (a heap string per field and value), ~1030 B as a Map.
 * A `hashtable` hash is a SlotMap (a Map that also picks random entries in O(1)) in insertion order, which matches the order
 * Redis's listpack had at conversion.
 *
 * Fields and values are binary byte strings held as latin1 JS strings (one char per byte),
 * so every char is < 256 and the packed string stays a one-byte string.
 */
import { SlotMap } from './slot-map.js';
import { readVarint, readVarintBytes, varintEnd, varintSize, writeLatin1, writeVarint } from './varint.js';
import type { AggregateValue } from './value.js';

export interface HashLimits {
  maxEntries: number;
  maxValue: number;
}

/**
 * Writes to a packed hash are assembled here, then cut out with one latin1Slice (a flat heap
 * string: a string built by `+` would be a rope holding the old packed string alive).
 * Layout while assembling: HEAD bytes reserved for the count varint, then the entries.
 */
let scratch = Buffer.allocUnsafe(4096);
const HEAD = 5;
/** A scratch buffer grown past this by a huge listpack (raised limits) is dropped after use. */
const SCRATCH_KEEP = 1 << 20;

/** Makes room for `used + extra` bytes of scratch, keeping the first `used`. */
function reserve(used: number, extra: number): void {
  if (used + extra <= scratch.length) return;
  const next = Buffer.allocUnsafe(Math.max(used + extra, scratch.length * 2));
  scratch.copy(next, 0, 0, used);
  scratch = next;
}

/** Copies packed string `p` into scratch with its entries starting at HEAD; returns the end. */
function loadScratch(p: string): number {
  readVarint(p, 0);
  const skip = varintEnd;
  reserve(0, HEAD - skip + p.length);
  writeLatin1(scratch, HEAD - skip, p);
  return HEAD - skip + p.length;
}

/** The packed string for `count` entries held in scratch[HEAD, end). */
function cutScratch(count: number, end: number): string {
  const start = HEAD - varintSize(count);
  writeVarint(scratch, start, count);
  const p = scratch.latin1Slice(start, end);
  if (scratch.length > SCRATCH_KEEP) scratch = Buffer.allocUnsafe(4096);
  return p;
}

/** Whether `field` (flen chars) is at `start` in `p`; compared from the end, as field names often share a prefix. */
function matchAt(p: string, start: number, field: string, flen: number): boolean {
  for (let k = flen - 1; k >= 0; k--) if (p.charCodeAt(start + k) !== field.charCodeAt(k)) return false;
  return true;
}

/** Position of `field`'s value header in packed `p`, or -1. One-char lengths are read inline (the common case). */
function findValue(p: string, field: string): number {
  const flen = field.length;
  const end = p.length;
  let i: number;
  if (p.charCodeAt(0) < 128) i = 1;
  else {
    readVarint(p, 0);
    i = varintEnd;
  }
  while (i < end) {
    let n = p.charCodeAt(i);
    if (n < 128) i++;
    else {
      n = readVarint(p, i);
      i = varintEnd;
    }
    const start = i;
    i += n;
    if (n === flen && matchAt(p, start, field, flen)) return i;
    n = p.charCodeAt(i);
    if (n < 128) i += 1 + n;
    else {
      n = readVarint(p, i);
      i = varintEnd + n;
    }
  }
  return -1;
}

/** Position of `field`'s value header in scratch[HEAD, end), or -1. */
function findInScratch(field: string, end: number): number {
  const flen = field.length;
  const buf = scratch;
  let i = HEAD;
  while (i < end) {
    let n = buf[i]!;
    if (n < 128) i++;
    else {
      n = readVarintBytes(scratch, i);
      i = varintEnd;
    }
    const start = i;
    i += n;
    if (n === flen) {
      let k = flen - 1;
      while (k >= 0 && buf[start + k] === field.charCodeAt(k)) k--;
      if (k < 0) return i;
    }
    n = buf[i]!;
    if (n < 128) i += 1 + n;
    else {
      n = readVarintBytes(scratch, i);
      i = varintEnd + n;
    }
  }
  return -1;
}

/** A SlotMap of the entries of packed string `p`, in order, as flat strings (not slices pinning `p`). */
function unpack(p: string): SlotMap {
  const map = new SlotMap();
  const end = loadScratch(p);
  let i = HEAD;
  while (i < end) {
    const fn = readVarintBytes(scratch, i);
    const field = scratch.latin1Slice(varintEnd, varintEnd + fn);
    const vn = readVarintBytes(scratch, varintEnd + fn);
    map.set(field, scratch.latin1Slice(varintEnd, varintEnd + vn));
    i = varintEnd + vn;
  }
  return map;
}

export class HashValue implements AggregateValue {
  /** The packed listpack string, or the Map once the hash is `hashtable`. */
  private data: string | SlotMap = '\u0000';

  /** On the prototype, not per instance: a field costs 8 bytes in each of many small hashes. */
  get kind(): 'hash' {
    return 'hash';
  }

  encoding(): string {
    return typeof this.data === 'string' ? 'listpack' : 'hashtable';
  }

  get size(): number {
    const d = this.data;
    return typeof d === 'string' ? readVarint(d, 0) : d.size;
  }

  /**
   * The value of `field`. From a listpack hash it is a slice of the packed string (V8 copies
   * slices under 13 chars; a longer one references the packed string, which the hash holds
   * anyway until its next write).
   */
  get(field: string): string | undefined {
    const d = this.data;
    if (typeof d !== 'string') return d.get(field);
    const i = findValue(d, field);
    if (i < 0) return undefined;
    const n = readVarint(d, i);
    return d.slice(varintEnd, varintEnd + n);
  }

  has(field: string): boolean {
    const d = this.data;
    return typeof d === 'string' ? findValue(d, field) >= 0 : d.has(field);
  }

  /** hashTypeTryConversion: long strings about to be stored force the hashtable encoding. */
  beforeInsert(limits: HashLimits, strings: readonly string[], from = 0): void {
    if (typeof this.data !== 'string') return;
    for (let i = from; i < strings.length; i++) {
      if (strings[i]!.length > limits.maxValue) {
        this.convertToHashtable();
        return;
      }
    }
  }

  /** Switches to the hashtable encoding (a loaded hash too big for a listpack). */
  convertToHashtable(): void {
    if (typeof this.data === 'string') this.data = unpack(this.data);
  }

  /** Sets a field; returns true when it was new. */
  set(limits: HashLimits, field: string, value: string): boolean {
    const d = this.data;
    if (typeof d !== 'string') {
      const size = d.size;
      d.set(field, value);
      return d.size !== size;
    }
    return this.setPacked(limits, [field, value], 0) === 1;
  }

  /**
   * Sets the field/value pairs argv[from], argv[from+1], ... in order (HSET/HMSET); returns
   * how many fields were new. A listpack hash is rebuilt once for the whole command.
   */
  setPairs(limits: HashLimits, argv: readonly string[], from: number): number {
    const d = this.data;
    if (typeof d === 'string') return this.setPacked(limits, argv, from);
    let created = 0;
    for (let i = from; i < argv.length; i += 2) {
      const size = d.size;
      d.set(argv[i]!, argv[i + 1]!);
      if (d.size !== size) created++;
    }
    return created;
  }

  private setPacked(limits: HashLimits, argv: readonly string[], from: number): number {
    const p = this.data as string;
    let count = readVarint(p, 0);
    let end = loadScratch(p);
    let created = 0;
    for (let i = from; i < argv.length; i += 2) {
      const field = argv[i]!;
      const value = argv[i + 1]!;
      const vh = findInScratch(field, end);
      const vlen = value.length;
      if (vh >= 0) {
        const oldLen = readVarintBytes(scratch, vh);
        const oldEnd = varintEnd + oldLen;
        const newEnd = vh + varintSize(vlen) + vlen;
        if (newEnd !== oldEnd) {
          reserve(end, Math.max(0, newEnd - oldEnd));
          scratch.copyWithin(newEnd, oldEnd, end);
          end += newEnd - oldEnd;
        }
        writeLatin1(scratch, writeVarint(scratch, vh, vlen), value);
        continue;
      }
      reserve(end, 10 + field.length + vlen);
      end = writeLatin1(scratch, writeVarint(scratch, end, field.length), field);
      end = writeLatin1(scratch, writeVarint(scratch, end, vlen), value);
      count++;
      created++;
      // hashTypeSet: past hash-max-listpack-entries the hash converts; the rest go to the Map.
      if (count > limits.maxEntries) {
        this.data = unpack(cutScratch(count, end));
        return created + this.setPairs(limits, argv, i + 2);
      }
    }
    this.data = cutScratch(count, end);
    return created;
  }

  /** Removes a field; returns true when it was there. */
  delete(field: string): boolean {
    const d = this.data;
    if (typeof d !== 'string') return d.delete(field);
    const count = readVarint(d, 0);
    let end = loadScratch(d);
    const vh = findInScratch(field, end);
    if (vh < 0) return false;
    const entryStart = vh - field.length - varintSize(field.length);
    const vn = readVarintBytes(scratch, vh);
    const entryEnd = varintEnd + vn;
    scratch.copyWithin(entryStart, entryEnd, end);
    end -= entryEnd - entryStart;
    this.data = cutScratch(count - 1, end);
    return true;
  }

  /** Calls fn for each entry in order; fn must not modify the hash. */
  forEach(fn: (field: string, value: string) => void): void {
    const d = this.data;
    if (typeof d !== 'string') {
      d.forEach((v, f) => fn(f, v)); // forEach, not for-of: no [field, value] array per entry
      return;
    }
    const end = d.length;
    readVarint(d, 0);
    let i = varintEnd;
    while (i < end) {
      const fn0 = readVarint(d, i);
      const fStart = varintEnd;
      const field = d.slice(fStart, fStart + fn0);
      const vn = readVarint(d, fStart + fn0);
      const vStart = varintEnd;
      i = vStart + vn;
      fn(field, d.slice(vStart, i));
    }
  }

  /**
   * A uniformly random entry (HRANDFIELD): O(1) for a hashtable, a walk of the packed
   * string for a listpack (at most hash-max-listpack-entries, as Redis's lpRandomPair).
   * The hash must not be empty.
   */
  randomEntry(random: () => number): [string, string] {
    const d = this.data;
    if (typeof d !== 'string') return d.random(random);
    let target = Math.floor(random() * this.size);
    let picked: [string, string] | null = null;
    this.forEach((f, v) => {
      if (target-- === 0) picked = [f, v];
    });
    return picked!;
  }

  /** randomEntry's field alone: a hashtable hash then reads neither the value nor allocates. */
  randomField(random: () => number): string {
    const d = this.data;
    return typeof d === 'string' ? this.randomEntry(random)[0] : d.fieldAt(d.randomSlot(random));
  }

  /** The hashtable's SlotMap (random picks by slot); null while the hash is a listpack. */
  slots(): SlotMap | null {
    const d = this.data;
    return typeof d === 'string' ? null : d;
  }

  /**
   * One HSCAN step: a hashtable is walked `count` entries at a time (see SlotMap.scan); a
   * listpack is returned whole with cursor 0, as Redis does. Returns the next cursor.
   */
  scan(cursor: number, count: number, visit: (field: string, value: string) => void): number {
    const d = this.data;
    if (typeof d !== 'string') return d.scan(cursor, count, visit);
    // A listpack is returned whole whatever the cursor, as scanGenericCommand does.
    this.forEach(visit);
    return 0;
  }

  /** The fields in order (HKEYS). */
  keys(): string[] {
    const out: string[] = [];
    this.forEach((f) => out.push(f));
    return out;
  }

  /** The values in order (HVALS). */
  values(): string[] {
    const out: string[] = [];
    this.forEach((_, v) => out.push(v));
    return out;
  }

  /** [field, value] pairs in order (a copy). */
  entries(): [string, string][] {
    const out: [string, string][] = [];
    this.forEach((f, v) => out.push([f, v]));
    return out;
  }

  clone(): HashValue {
    const copy = new HashValue();
    const d = this.data;
    // A packed string is immutable (every write builds a new one), so the copy can share it.
    copy.data = typeof d === 'string' ? d : d.clone();
    return copy;
  }

  memoryUsage(): number {
    const d = this.data;
    if (typeof d === 'string') return 32 + d.length;
    let bytes = 64;
    d.forEach((v, f) => (bytes += 64 + f.length + v.length));
    return bytes;
  }
}
