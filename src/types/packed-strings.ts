/**
 * A run of byte strings packed into ONE latin1 JS string, as a listpack packs its entries:
 * for each element a varint length (7 bits per char, low group first, high bit = more
 * follows; under 128 is one char) then its bytes. A heap string costs ~24 B of header and a
 * pointer per element; packed, a small element costs its length plus one byte, and the run
 * one header. Reading element k walks k length prefixes (O(k), as a listpack walk); a write
 * builds a new packed string (packed runs are immutable, so copies can share them).
 *
 * Elements are binary byte strings held as latin1 JS strings (one char per byte), so the
 * packed string stays a one-byte string.
 */

/**
 * Packing is assembled here and cut out with one latin1Slice: a flat heap string (one built
 * by `+` would be a rope of the pieces).
 */
let scratch = Buffer.allocUnsafe(16384);
/** A scratch buffer grown past this by huge elements is dropped after use. */
const SCRATCH_KEEP = 1 << 20;
/** Up to this length a JS loop copies a string into scratch faster than Buffer#latin1Write. */
const WRITE_LOOP_MAX = 16;

/** Set by readLen: the position after the varint just read (module state, so walks allocate nothing). */
let at = 0;

function readLen(p: string, i: number): number {
  let c = p.charCodeAt(i);
  if (c < 128) {
    at = i + 1;
    return c;
  }
  let n = c & 127;
  let mul = 128;
  i++;
  for (;;) {
    c = p.charCodeAt(i++);
    n += (c & 127) * mul;
    if (c < 128) break;
    mul *= 128;
  }
  at = i;
  return n;
}

function varintSize(n: number): number {
  let size = 1;
  while (n >= 128) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
}

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
 * to from) into one string.
 */
export function pack(elements: readonly string[], from: number, to: number, reverse = false): string {
  const total = packedSize(elements, from, to);
  if (total > scratch.length) scratch = Buffer.allocUnsafe(total);
  let i = 0;
  for (let j = 0; j < to - from; j++) {
    const s = elements[reverse ? to - 1 - j : from + j]!;
    let n = s.length;
    while (n >= 128) {
      scratch[i++] = (n & 127) | 128;
      n = Math.floor(n / 128);
    }
    scratch[i++] = n;
    n = s.length;
    if (n <= WRITE_LOOP_MAX) {
      for (let k = 0; k < n; k++) scratch[i + k] = s.charCodeAt(k);
      i += n;
    } else {
      i += scratch.latin1Write(s, i, n);
    }
  }
  const out = scratch.latin1Slice(0, i);
  if (scratch.length > SCRATCH_KEEP) scratch = Buffer.allocUnsafe(16384);
  return out;
}

/** The position of element k (its length prefix): walks k prefixes. */
function offsetOf(p: string, k: number): number {
  let i = 0;
  for (let j = 0; j < k; j++) {
    const n = readLen(p, i);
    i = at + n;
  }
  return i;
}

/** Element k of a packed run. */
export function packedGet(p: string, k: number): string {
  const n = readLen(p, offsetOf(p, k));
  return p.slice(at, at + n);
}

/** Calls `visit` with elements first..last (inclusive) of a packed run, in order. */
export function packedEach(p: string, first: number, last: number, visit: (s: string) => void): void {
  let i = offsetOf(p, first);
  for (let k = first; k <= last; k++) {
    const n = readLen(p, i);
    visit(p.slice(at, at + n));
    i = at + n;
  }
}

/** All `count` elements of a packed run, in order (or reversed). */
export function unpack(p: string, count: number, reverse = false): string[] {
  const out = new Array<string>(count);
  let i = 0;
  for (let k = 0; k < count; k++) {
    const n = readLen(p, i);
    out[reverse ? count - 1 - k : k] = p.slice(at, at + n);
    i = at + n;
  }
  return out;
}
