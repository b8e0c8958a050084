/**
 * LZF, the compression Redis applies to RDB strings (liblzf's format):
 * - `000LLLLL` + L+1 literal bytes (runs of 1..32 literals);
 * - `LLLooooo [L2] oooooooo`: copy len+2 bytes from `offset+1` bytes back, where len is
 *   LLL (1..6) or 7 + L2, and offset is 13 bits (up to 8 KB back).
 * The decompressor accepts any valid stream; the compressor is a greedy hash-chain-free
 * encoder (one candidate per 3-byte hash, like liblzf), so our files load in Redis and theirs in ours.
 */
const HASH_BITS = 14;
const MAX_LIT = 32;
const MAX_OFF = 1 << 13;
const MAX_REF = (1 << 8) + (1 << 3);
const table = new Int32Array(1 << HASH_BITS);
let nextOrigin = 1;

/** Compresses `input` into at most `maxOut` bytes; returns null when it doesn't fit (store it raw). */
export function lzfCompress(input: Uint8Array, maxOut: number): Buffer | null {
  const out = Buffer.allocUnsafe(Math.max(0, maxOut) + LZF_SLACK);
  const n = lzfCompressInto(input, input.length, out, maxOut);
  return n < 0 ? null : out.subarray(0, n);
}

/** Room `out` needs beyond `maxOut` for lzfCompressInto (it checks the limit per step). */
export const LZF_SLACK = MAX_LIT + 3;

/**
 * Compresses the first `inLen` bytes of `input` into `out` (which must hold maxOut +
 * LZF_SLACK bytes), allocating nothing; returns the compressed length, or -1 when it would
 * exceed `maxOut`.
 */
export function lzfCompressInto(input: Uint8Array, inLen: number, out: Uint8Array, maxOut: number): number {
  if (inLen === 0 || maxOut <= 0) return -1;
  // One hash table for every call (most RDB strings are short: allocating and clearing
  // 64 KB per string dominated SAVE). Entries hold `origin + position`; an entry below this
  // call's origin was left by an earlier call and counts as empty.
  if (nextOrigin + inLen + 1 > 0x7fffffff) {
    table.fill(0);
    nextOrigin = 1;
  }
  const origin = nextOrigin;
  nextOrigin += inLen + 1;
  let ip = 0;
  let op = 1; // out[0] will hold the first literal run's control byte
  let lit = 0;
  const hash = (p: number): number =>
    ((((input[p]! << 16) | (input[p + 1]! << 8) | input[p + 2]!) * 2654435761) >>> (32 - HASH_BITS)) & ((1 << HASH_BITS) - 1);
  while (ip < inLen - 2) {
    const h = hash(ip);
    const stored = table[h]!;
    const ref = stored >= origin ? stored - origin : -1;
    table[h] = origin + ip;
    const off = ip - ref - 1;
    if (
      ref >= 0 &&
      off < MAX_OFF &&
      input[ref] === input[ip] &&
      input[ref + 1] === input[ip + 1] &&
      input[ref + 2] === input[ip + 2]
    ) {
      let maxLen = inLen - ip;
      if (maxLen > MAX_REF) maxLen = MAX_REF;
      let len = 3;
      while (len < maxLen && input[ref + len] === input[ip + len]) len++;
      // Close the literal run (or drop its empty control byte).
      if (lit > 0) out[op - lit - 1] = lit - 1;
      else op--;
      if (op + 3 > maxOut) return -1;
      const enc = len - 2;
      if (enc < 7) {
        out[op++] = (off >> 8) + (enc << 5);
      } else {
        out[op++] = (off >> 8) + (7 << 5);
        out[op++] = enc - 7;
      }
      out[op++] = off & 0xff;
      // Index the positions inside the match so later data can refer to them.
      for (let p = ip + 1; p < ip + len && p < inLen - 2; p++) table[hash(p)] = origin + p;
      ip += len;
      lit = 0;
      op++; // control byte of the next literal run
    } else {
      if (op >= maxOut) return -1;
      out[op++] = input[ip++]!;
      if (++lit === MAX_LIT) {
        out[op - lit - 1] = lit - 1;
        lit = 0;
        op++;
      }
    }
  }
  while (ip < inLen) {
    if (op >= maxOut) return -1;
    out[op++] = input[ip++]!;
    if (++lit === MAX_LIT) {
      out[op - lit - 1] = lit - 1;
      lit = 0;
      op++;
    }
  }
  if (lit > 0) out[op - lit - 1] = lit - 1;
  else op--;
  if (op > maxOut) return -1;
  return op;
}

/** Decompresses an LZF stream that must expand to exactly `outLen` bytes; null if malformed. */
export function lzfDecompress(input: Uint8Array, outLen: number): Buffer | null {
  const out = Buffer.allocUnsafe(outLen);
  let ip = 0;
  let op = 0;
  const inLen = input.length;
  while (ip < inLen) {
    const ctrl = input[ip++]!;
    if (ctrl < 32) {
      const len = ctrl + 1;
      if (op + len > outLen || ip + len > inLen) return null;
      for (let i = 0; i < len; i++) out[op++] = input[ip++]!;
    } else {
      let len = ctrl >> 5;
      let ref = op - ((ctrl & 0x1f) << 8) - 1;
      if (len === 7) {
        if (ip >= inLen) return null;
        len += input[ip++]!;
      }
      if (ip >= inLen) return null;
      ref -= input[ip++]!;
      len += 2;
      if (op + len > outLen || ref < 0) return null;
      for (let i = 0; i < len; i++) out[op++] = out[ref++]!;
    }
  }
  return op === outLen ? out : null;
}
