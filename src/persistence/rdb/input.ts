/**
 * A cursor over RDB bytes with the primitive decoders (rdbLoadLen, rdbGenericLoadStringObject
 * with integer and LZF encodings, doubles, times). Every read is bounds-checked and failures
 * throw RdbFormatError with the offset, so a truncated or corrupted file is reported, never
 * silently half-loaded.
 */
import { lzfDecompress } from '../lzf.js';
import { RDB_ENCVAL, RDB_ENC_INT8, RDB_ENC_INT16, RDB_ENC_INT32, RDB_ENC_LZF, RDB_32BITLEN, RDB_64BITLEN } from './format.js';

export class RdbFormatError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} at offset ${offset}`);
  }
}

export class RdbInput {
  pos = 0;
  constructor(readonly buf: Buffer) {}

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  private need(n: number, what: string): void {
    if (this.pos + n > this.buf.length) throw new RdbFormatError(`Unexpected EOF reading ${what}`, this.pos);
  }

  byte(): number {
    this.need(1, 'a byte');
    return this.buf[this.pos++]!;
  }

  bytes(n: number): Buffer {
    this.need(n, `${n} bytes`);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** rdbLoadLenByRef: returns [length or encoding type, isEncoded]. */
  lenOrEncoding(): [number, boolean] {
    const first = this.byte();
    const type = (first & 0xc0) >> 6;
    if (type === RDB_ENCVAL) return [first & 0x3f, true];
    if (type === 0) return [first & 0x3f, false];
    if (type === 1) return [((first & 0x3f) << 8) | this.byte(), false];
    if (first === RDB_32BITLEN) {
      this.need(4, 'a 32 bit length');
      const v = this.buf.readUInt32BE(this.pos);
      this.pos += 4;
      return [v, false];
    }
    if (first === RDB_64BITLEN) {
      this.need(8, 'a 64 bit length');
      const v = this.buf.readBigUInt64BE(this.pos);
      this.pos += 8;
      if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new RdbFormatError('Length too large', this.pos - 8);
      return [Number(v), false];
    }
    throw new RdbFormatError(`Unknown length encoding ${first}`, this.pos - 1);
  }

  len(): number {
    // Fast path: the 6- and 14-bit lengths that almost every length is.
    const buf = this.buf;
    const p = this.pos;
    if (p + 1 < buf.length) {
      const first = buf[p]!;
      const type = first >> 6;
      if (type === 0) {
        this.pos = p + 1;
        return first;
      }
      if (type === 1) {
        this.pos = p + 2;
        return ((first & 0x3f) << 8) | buf[p + 1]!;
      }
    }
    const [n, encoded] = this.lenOrEncoding();
    if (encoded) throw new RdbFormatError('Unexpected encoded value where a length was expected', this.pos - 1);
    return n;
  }

  /** A string as raw bytes (for listpack/ziplist/intset blobs). */
  blob(): Buffer {
    const start = this.pos;
    const [n, encoded] = this.lenOrEncoding();
    if (!encoded) return this.bytes(n);
    switch (n) {
      case RDB_ENC_INT8:
        return Buffer.from(String(this.signed(1)), 'latin1');
      case RDB_ENC_INT16:
        return Buffer.from(String(this.signed(2)), 'latin1');
      case RDB_ENC_INT32:
        return Buffer.from(String(this.signed(4)), 'latin1');
      case RDB_ENC_LZF: {
        const clen = this.len();
        const len = this.len();
        const packed = this.bytes(clen);
        const out = lzfDecompress(packed, len);
        if (out === null) throw new RdbFormatError('Invalid LZF compressed string', start);
        return out;
      }
      default:
        throw new RdbFormatError(`Unknown RDB string encoding type ${n}`, start);
    }
  }

  /** A string value as latin1. */
  string(): string {
    // Fast path (loading is dominated by it): a plain string with a 6- or 14-bit length is
    // sliced straight out of the file's buffer, with no intermediate Buffer or tuple.
    const buf = this.buf;
    const p = this.pos;
    if (p + 1 < buf.length) {
      const first = buf[p]!;
      const type = first >> 6;
      let start = -1;
      let n = 0;
      if (type === 0) {
        start = p + 1;
        n = first;
      } else if (type === 1) {
        start = p + 2;
        n = ((first & 0x3f) << 8) | buf[p + 1]!;
      }
      if (start !== -1 && start + n <= buf.length) {
        this.pos = start + n;
        return buf.latin1Slice(start, start + n);
      }
      if (type === RDB_ENCVAL && (first & 0x3f) <= RDB_ENC_INT32) {
        this.pos = p + 1;
        const code = first & 0x3f;
        return String(this.signed(code === RDB_ENC_INT8 ? 1 : code === RDB_ENC_INT16 ? 2 : 4));
      }
    }
    const b = this.blob();
    return b.latin1Slice(0, b.length);
  }

  private signed(width: 1 | 2 | 4): number {
    this.need(width, 'an encoded integer');
    const v = width === 1 ? this.buf.readInt8(this.pos) : width === 2 ? this.buf.readInt16LE(this.pos) : this.buf.readInt32LE(this.pos);
    this.pos += width;
    return v;
  }

  millis(): number {
    this.need(8, 'a millisecond time');
    const v = this.buf.readBigInt64LE(this.pos);
    this.pos += 8;
    return Number(v);
  }

  seconds(): number {
    this.need(4, 'a time');
    const v = this.buf.readInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  binaryDouble(): number {
    this.need(8, 'a double');
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  /** rdbLoadDoubleValue (RDB_TYPE_ZSET v1): a length byte then ASCII, 253/254/255 = nan/+inf/-inf. */
  asciiDouble(): number {
    const len = this.byte();
    if (len === 255) return -Infinity;
    if (len === 254) return Infinity;
    if (len === 253) return NaN;
    const text = this.bytes(len).latin1Slice(0, len);
    const v = Number(text);
    if (Number.isNaN(v)) throw new RdbFormatError(`Invalid double ${JSON.stringify(text)}`, this.pos - len);
    return v;
  }
}
