/**
 * CRC-64/Jones as Redis computes it (crc64.c): reflected polynomial 0xad93d23594c935a9,
 * initial value 0, no final xor. Check value: crc64("123456789") = 0xe9c6d914c4b8d9ca.
 * Used for the RDB file trailer and the DUMP payload footer.
 *
 * Table-driven over two 32-bit halves so no BigInt arithmetic happens per byte.
 */
const POLY_HI = 0xad93d235;
const POLY_LO = 0x94c935a9;

const TABLE_HI = new Uint32Array(256);
const TABLE_LO = new Uint32Array(256);
for (let n = 0; n < 256; n++) {
  let hi = 0;
  let lo = n;
  for (let k = 0; k < 8; k++) {
    // Reflected algorithm: shift right, xor the (reversed) polynomial when the low bit is set.
    const lsb = lo & 1;
    lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
    hi = hi >>> 1;
    if (lsb) {
      hi = (hi ^ reverse32(POLY_LO)) >>> 0;
      lo = (lo ^ reverse32(POLY_HI)) >>> 0;
    }
  }
  TABLE_HI[n] = hi;
  TABLE_LO[n] = lo;
}

/** Bit-reverses a 32-bit value (the polynomial is given in normal form, the table needs reflected). */
function reverse32(x: number): number {
  let r = 0;
  for (let i = 0; i < 32; i++) {
    r = ((r << 1) | (x & 1)) >>> 0;
    x >>>= 1;
  }
  return r;
}

/** A running CRC64 as two unsigned 32-bit halves. */
export class Crc64 {
  hi = 0;
  lo = 0;

  update(buf: Uint8Array, start = 0, end = buf.length): this {
    let hi = this.hi;
    let lo = this.lo;
    for (let i = start; i < end; i++) {
      const idx = (lo ^ buf[i]!) & 0xff;
      const nlo = ((lo >>> 8) | ((hi & 0xff) << 24)) >>> 0;
      const nhi = hi >>> 8;
      lo = (nlo ^ TABLE_LO[idx]!) >>> 0;
      hi = (nhi ^ TABLE_HI[idx]!) >>> 0;
    }
    this.hi = hi;
    this.lo = lo;
    return this;
  }

  /** The checksum as 8 little-endian bytes, as Redis stores it (memrev64ifbe). */
  digestLE(): Buffer {
    const out = Buffer.allocUnsafe(8);
    out.writeUInt32LE(this.lo, 0);
    out.writeUInt32LE(this.hi, 4);
    return out;
  }

  toBigInt(): bigint {
    return (BigInt(this.hi) << 32n) | BigInt(this.lo);
  }
}

export function crc64(buf: Uint8Array): bigint {
  return new Crc64().update(buf).toBigInt();
}
