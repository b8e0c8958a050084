/**
 * The length prefixes of packed collections (listpack-like runs of hashes and lists): a
 * varint of 7 bits per byte, low group first, high bit = more follows (under 128 is one
 * byte), read from a latin1 heap string or from bytes, and the byte copy used to build runs.
 *
 * A read leaves the position after the varint in `varintEnd` (module state, so scans over
 * a run allocate nothing).
 */

/** The position after the varint read last. */
export let varintEnd = 0;

/** Up to this length a JS loop copies a string into a buffer faster than Buffer#latin1Write (measured). */
const WRITE_LOOP_MAX = 16;

/** The varint at p[i] in a latin1 string (one char per byte). */
export function readVarint(p: string, i: number): number {
  let c = p.charCodeAt(i);
  if (c < 128) {
    varintEnd = i + 1;
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
  varintEnd = i;
  return n;
}

/** The varint at b[i]. */
export function readVarintBytes(b: Uint8Array, i: number): number {
  let c = b[i]!;
  if (c < 128) {
    varintEnd = i + 1;
    return c;
  }
  let n = c & 127;
  let mul = 128;
  i++;
  for (;;) {
    c = b[i++]!;
    n += (c & 127) * mul;
    if (c < 128) break;
    mul *= 128;
  }
  varintEnd = i;
  return n;
}

/** Bytes the varint of n takes. */
export function varintSize(n: number): number {
  let size = 1;
  while (n >= 128) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
}

/** Writes n's varint at b[i]; returns the position after it. */
export function writeVarint(b: Uint8Array, i: number, n: number): number {
  while (n >= 128) {
    b[i++] = (n & 127) | 128;
    n = Math.floor(n / 128);
  }
  b[i++] = n;
  return i;
}

/** Copies latin1 string s into b at i (b must have room); returns the position after it. */
export function writeLatin1(b: Buffer, i: number, s: string): number {
  const n = s.length;
  if (n <= WRITE_LOOP_MAX) {
    for (let k = 0; k < n; k++) b[i + k] = s.charCodeAt(k);
    return i + n;
  }
  return i + b.latin1Write(s, i, n);
}
