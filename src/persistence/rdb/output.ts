/**
 * A growable byte buffer with RDB's primitive encoders (rdbSaveLen, rdbSaveRawString with
 * integer and LZF encodings, rdbSaveBinaryDoubleValue, rdbSaveMillisecondTime). The same
 * encoder serves SAVE files and DUMP payloads, as Redis's rio does.
 */
import { lzfCompressInto, LZF_SLACK } from '../lzf.js';

let scratchIn = Buffer.allocUnsafe(64 * 1024);
let scratchOut = Buffer.allocUnsafe(64 * 1024);
import { RDB_ENCVAL, RDB_ENC_INT8, RDB_ENC_INT16, RDB_ENC_INT32, RDB_ENC_LZF, RDB_32BITLEN, RDB_64BITLEN } from './format.js';

export class RdbOutput {
  private buf: Buffer;
  length = 0;
  /** rdbcompression: LZF-compress strings longer than 20 bytes when that saves space. */
  compress = true;

  constructor(initial = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  private ensure(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }

  /** The bytes written so far (a view: copy before writing more if kept). */
  view(): Buffer {
    return this.buf.subarray(0, this.length);
  }

  /** Hands out the bytes written so far and starts over (streaming to a file in chunks). */
  drain(): Buffer {
    const out = Buffer.from(this.view());
    this.length = 0;
    return out;
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.length++] = b;
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }

  latin1(s: string): void {
    this.ensure(s.length);
    this.length += this.buf.latin1Write(s, this.length, s.length);
  }

  /** rdbSaveLen */
  len(n: number): void {
    if (n < 1 << 6) this.byte(n);
    else if (n < 1 << 14) {
      this.byte(((n >> 8) & 0x3f) | 0x40);
      this.byte(n & 0xff);
    } else if (n <= 0xffffffff) {
      this.byte(RDB_32BITLEN);
      this.ensure(4);
      this.buf.writeUInt32BE(n, this.length);
      this.length += 4;
    } else {
      this.byte(RDB_64BITLEN);
      this.ensure(8);
      this.buf.writeBigUInt64BE(BigInt(n), this.length);
      this.length += 8;
    }
  }

  /** rdbSaveMillisecondTime: 8 bytes little-endian. */
  millis(ms: number): void {
    this.ensure(8);
    this.buf.writeBigInt64LE(BigInt(ms), this.length);
    this.length += 8;
  }

  /** rdbSaveBinaryDoubleValue: IEEE 754, little-endian. */
  binaryDouble(d: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(d, this.length);
    this.length += 8;
  }

  /**
   * rdbSaveRawString for a latin1 string: integer encoding when it round-trips as an
   * int of up to 32 bits (and is at most 11 chars), LZF when enabled and worthwhile, raw otherwise.
   */
  string(s: string): void {
    const n = s.length;
    if (n <= 11 && n > 0) {
      const v = canonicalInt32(s);
      if (v !== null) {
        this.encodedInt(v);
        return;
      }
    }
    if (this.compress && n > 20) {
      // Through a reused scratch buffer: a snapshot writes millions of strings, and a
      // Buffer per string would be garbage the collector pays for while clients wait.
      if (scratchIn.length < n) scratchIn = Buffer.allocUnsafe(n * 2);
      scratchIn.latin1Write(s, 0, n);
      if (this.lzf(scratchIn, n)) return;
    }
    this.len(n);
    this.latin1(s);
  }

  /** A raw byte string (listpack/ziplist blobs), LZF-compressed under the same rules. */
  blob(b: Uint8Array): void {
    const n = b.length;
    if (this.compress && n > 20 && this.lzf(b, n)) return;
    this.len(n);
    this.bytes(b);
  }

  /** Writes the first `n` bytes of `input` LZF-compressed if that saves at least 4 bytes. */
  private lzf(input: Uint8Array, n: number): boolean {
    const maxOut = n - 4;
    if (scratchOut.length < maxOut + LZF_SLACK) scratchOut = Buffer.allocUnsafe((maxOut + LZF_SLACK) * 2);
    const packed = lzfCompressInto(input, n, scratchOut, maxOut);
    if (packed < 0) return false;
    this.byte((RDB_ENCVAL << 6) | RDB_ENC_LZF);
    this.len(packed);
    this.len(n);
    this.ensure(packed);
    scratchOut.copy(this.buf, this.length, 0, packed);
    this.length += packed;
    return true;
  }

  private encodedInt(v: number): void {
    if (v >= -128 && v <= 127) {
      this.byte((RDB_ENCVAL << 6) | RDB_ENC_INT8);
      this.byte(v & 0xff);
    } else if (v >= -32768 && v <= 32767) {
      this.byte((RDB_ENCVAL << 6) | RDB_ENC_INT16);
      this.ensure(2);
      this.buf.writeInt16LE(v, this.length);
      this.length += 2;
    } else {
      this.byte((RDB_ENCVAL << 6) | RDB_ENC_INT32);
      this.ensure(4);
      this.buf.writeInt32LE(v, this.length);
      this.length += 4;
    }
  }
}

/** The value if `s` is the canonical decimal form of a 32-bit signed integer (rdbTryIntegerEncoding). */
function canonicalInt32(s: string): number | null {
  // By hand rather than with a regexp: called for every short string a snapshot writes.
  const n = s.length;
  let i = s.charCodeAt(0) === 45 /* - */ ? 1 : 0;
  if (i === n) return null;
  const first = s.charCodeAt(i);
  if (first === 48 /* 0 */) return n === 1 ? 0 : null;
  let v = 0;
  for (; i < n; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return null;
    v = v * 10 + d;
  }
  if (s.charCodeAt(0) === 45) v = -v;
  return v < -2147483648 || v > 2147483647 ? null : v;
}
