/**
 * A run of byte strings packed into ONE Buffer, as a listpack packs its entries: for each
 * element a varint length (7 bits per byte, low group first, high bit = more follows; under
 * 128 is one byte) then its bytes. A heap string costs ~24 B of header and a pointer per
 * element; packed, a small element costs its length plus one byte. Reading element k walks
 * k length prefixes (O(k), as a listpack walk); a write builds a new run (runs are
 * immutable, so copies can share them).
 *
 * Why a Buffer (its own off-heap backing store) and not one latin1 heap string: V8 grows its
 * young generation by the bytes that survive scavenges, and packed runs are most of what
 * survives while a big list is loaded; as heap strings they drove the young generation to
 * its 32 MB maximum (RSS +40 B per element for 1M small items, Redis 10.4), as Buffers the
 * survivors are small objects (+26 B per element). Reads cut the elements out of one
 * latin1Slice of the span they need (one native call, then cheap string slices).
 *
 * Elements are binary byte strings held as latin1 JS strings (one char per byte).
 */
import { readVarint, readVarintBytes, varintEnd, varintSize, writeLatin1, writeVarint } from './varint.js';
/** Packing is assembled here, then copied into a Buffer of the exact size. */
let scratch = Buffer.allocUnsafe(16384);
/** A scratch buffer grown past this by huge elements is dropped after use. */
const SCRATCH_KEEP = 1 << 20;

/** Bytes `elements` take packed (length prefixes included). */
export function packedSize(elements: readonly string[], from: number, to: number): number {
  let total = 0;
  for (let i = from; i < to; i++) {
    const n = elements[i]!.length;
    total += n + varintSize(n);
  }
  return total;
}

/**
 * Packs elements[from..to) (or, with `reverse`, elements (to..from] backwards: from to-1 down
 * to from) into one Buffer with its own off-heap backing store.
 */
export function pack(elements: readonly string[], from: number, to: number, reverse = false): Buffer {
  const total = packedSize(elements, from, to);
  if (total > scratch.length) scratch = Buffer.allocUnsafe(total);
  let i = 0;
  for (let j = 0; j < to - from; j++) {
    const s = elements[reverse ? to - 1 - j : from + j]!;
    i = writeLatin1(scratch, writeVarint(scratch, i, s.length), s);
  }
  const out = Buffer.allocUnsafeSlow(i);
  scratch.copy(out, 0, 0, i);
  if (scratch.length > SCRATCH_KEEP) scratch = Buffer.allocUnsafe(16384);
  return out;
}

/** The position of element k (its length prefix): walks k prefixes. */
function offsetOf(p: Buffer, k: number): number {
  let i = 0;
  for (let j = 0; j < k; j++) {
    const n = readVarintBytes(p, i);
    i = varintEnd + n;
  }
  return i;
}

/** Element k of a packed run. */
export function packedGet(p: Buffer, k: number): string {
  const n = readVarintBytes(p, offsetOf(p, k));
  return p.latin1Slice(varintEnd, varintEnd + n);
}

/** Calls `visit` with elements first..last (inclusive) of a packed run, in order. */
export function packedEach(p: Buffer, first: number, last: number, visit: (s: string) => void): void {
  const start = offsetOf(p, first);
  let end = start;
  for (let k = first; k <= last; k++) {
    const n = readVarintBytes(p, end);
    end = varintEnd + n;
  }
  const text = p.latin1Slice(start, end);
  let i = 0;
  for (let k = first; k <= last; k++) {
    const n = readVarint(text, i);
    visit(text.slice(varintEnd, varintEnd + n));
    i = varintEnd + n;
  }
}

/** All `count` elements of a packed run, in order (or reversed). */
export function unpack(p: Buffer, count: number, reverse = false): string[] {
  const text = p.latin1Slice(0, p.length);
  const out = new Array<string>(count);
  let i = 0;
  for (let k = 0; k < count; k++) {
    const n = readVarint(text, i);
    out[reverse ? count - 1 - k : k] = text.slice(varintEnd, varintEnd + n);
    i = varintEnd + n;
  }
  return out;
}
