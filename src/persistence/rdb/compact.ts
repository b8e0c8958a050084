/**
 * Decoders for the compact blobs Redis embeds in RDB files (listpack.c, ziplist.c,
 * intset.c, zipmap.c), yielding each entry as a latin1 string (integers in canonical
 * decimal form, as Redis would return them). Every read is bounds-checked; a malformed
 * blob throws RdbFormatError instead of reading garbage. Also a listpack encoder, used for
 * quicklist nodes and small aggregates that Redis 7.0 loads without conversion.
 */
import { RdbFormatError } from './input.js';

function fail(what: string, offset: number): never {
  throw new RdbFormatError(`Corrupt ${what}`, offset);
}

/** Entries of a listpack (7.0+: lists, hashes, zsets, 7.2 sets, stream nodes). */
export function listpackEntries(lp: Buffer): string[] {
  if (lp.length < 7) fail('listpack header', 0);
  const total = lp.readUInt32LE(0);
  if (total !== lp.length) fail('listpack size', 0);
  const out: string[] = [];
  let p = 6;
  for (;;) {
    if (p >= lp.length) fail('listpack: missing terminator', p);
    const b = lp[p]!;
    if (b === 0xff) break;
    let entryLen: number;
    let value: string;
    if ((b & 0x80) === 0) {
      value = String(b & 0x7f);
      entryLen = 1;
    } else if ((b & 0xc0) === 0x80) {
      const n = b & 0x3f;
      entryLen = 1 + n;
      if (p + entryLen > lp.length) fail('listpack string', p);
      value = lp.latin1Slice(p + 1, p + 1 + n);
    } else if ((b & 0xe0) === 0xc0) {
      if (p + 2 > lp.length) fail('listpack int13', p);
      let v = ((b & 0x1f) << 8) | lp[p + 1]!;
      if (v >= 1 << 12) v -= 1 << 13;
      value = String(v);
      entryLen = 2;
    } else if ((b & 0xf0) === 0xe0) {
      if (p + 2 > lp.length) fail('listpack string12', p);
      const n = ((b & 0x0f) << 8) | lp[p + 1]!;
      entryLen = 2 + n;
      if (p + entryLen > lp.length) fail('listpack string12', p);
      value = lp.latin1Slice(p + 2, p + 2 + n);
    } else if (b === 0xf0) {
      if (p + 5 > lp.length) fail('listpack string32', p);
      const n = lp.readUInt32LE(p + 1);
      entryLen = 5 + n;
      if (p + entryLen > lp.length) fail('listpack string32', p);
      value = lp.latin1Slice(p + 5, p + 5 + n);
    } else if (b === 0xf1) {
      if (p + 3 > lp.length) fail('listpack int16', p);
      value = String(lp.readInt16LE(p + 1));
      entryLen = 3;
    } else if (b === 0xf2) {
      if (p + 4 > lp.length) fail('listpack int24', p);
      value = String(lp.readIntLE(p + 1, 3));
      entryLen = 4;
    } else if (b === 0xf3) {
      if (p + 5 > lp.length) fail('listpack int32', p);
      value = String(lp.readInt32LE(p + 1));
      entryLen = 5;
    } else if (b === 0xf4) {
      if (p + 9 > lp.length) fail('listpack int64', p);
      value = lp.readBigInt64LE(p + 1).toString();
      entryLen = 9;
    } else {
      fail(`listpack encoding ${b}`, p);
    }
    out.push(value);
    p += entryLen + backlenSize(entryLen);
  }
  const declared = lp.readUInt16LE(4);
  if (declared !== 65535 && declared !== out.length) fail('listpack element count', 4);
  return out;
}

function backlenSize(len: number): number {
  if (len <= 127) return 1;
  if (len < 16383) return 2;
  if (len < 2097151) return 3;
  if (len < 268435455) return 4;
  return 5;
}

/** Entries of a ziplist (RDB 9 and older: lists, hashes, zsets). */
export function ziplistEntries(zl: Buffer): string[] {
  if (zl.length < 11) fail('ziplist header', 0);
  if (zl.readUInt32LE(0) !== zl.length) fail('ziplist size', 0);
  const out: string[] = [];
  let p = 10;
  for (;;) {
    if (p >= zl.length) fail('ziplist: missing terminator', p);
    if (zl[p] === 0xff) break;
    // prevlen: 1 byte, or 0xFE + 4 bytes
    p += zl[p] === 0xfe ? 5 : 1;
    if (p >= zl.length) fail('ziplist entry', p);
    const enc = zl[p]!;
    const top = enc >> 6;
    if (top === 0) {
      const n = enc & 0x3f;
      if (p + 1 + n > zl.length) fail('ziplist string', p);
      out.push(zl.latin1Slice(p + 1, p + 1 + n));
      p += 1 + n;
    } else if (top === 1) {
      if (p + 2 > zl.length) fail('ziplist string14', p);
      const n = ((enc & 0x3f) << 8) | zl[p + 1]!;
      if (p + 2 + n > zl.length) fail('ziplist string14', p);
      out.push(zl.latin1Slice(p + 2, p + 2 + n));
      p += 2 + n;
    } else if (top === 2) {
      if (p + 5 > zl.length) fail('ziplist string32', p);
      const n = zl.readUInt32BE(p + 1);
      if (p + 5 + n > zl.length) fail('ziplist string32', p);
      out.push(zl.latin1Slice(p + 5, p + 5 + n));
      p += 5 + n;
    } else {
      const width: Record<number, number> = { 0xc0: 2, 0xd0: 4, 0xe0: 8, 0xf0: 3, 0xfe: 1 };
      const w = width[enc];
      if (w !== undefined) {
        if (p + 1 + w > zl.length) fail('ziplist integer', p);
        const v = w === 8 ? zl.readBigInt64LE(p + 1).toString() : String(zl.readIntLE(p + 1, w));
        out.push(v);
        p += 1 + w;
      } else if (enc >= 0xf1 && enc <= 0xfd) {
        out.push(String((enc & 0x0f) - 1));
        p += 1;
      } else {
        fail(`ziplist encoding ${enc}`, p);
      }
    }
  }
  return out;
}

/** Members of an intset (sets of integers), in their stored (ascending) order. */
export function intsetEntries(is: Buffer): string[] {
  if (is.length < 8) fail('intset header', 0);
  const enc = is.readUInt32LE(0);
  const count = is.readUInt32LE(4);
  if ((enc !== 2 && enc !== 4 && enc !== 8) || 8 + enc * count !== is.length) fail('intset', 0);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const p = 8 + i * enc;
    out.push(enc === 8 ? is.readBigInt64LE(p).toString() : String(is.readIntLE(p, enc)));
  }
  return out;
}

/** Field/value pairs of a zipmap (hashes in RDB files from Redis 2.4 and older). */
export function zipmapEntries(zm: Buffer): string[] {
  const out: string[] = [];
  let p = 1;
  const readLen = (): number => {
    if (p >= zm.length) fail('zipmap', p);
    const b = zm[p]!;
    if (b < 254) {
      p += 1;
      return b;
    }
    if (b === 254) {
      if (p + 5 > zm.length) fail('zipmap length', p);
      const n = zm.readUInt32LE(p + 1);
      p += 5;
      return n;
    }
    return -1;
  };
  for (;;) {
    const klen = readLen();
    if (klen === -1) break;
    if (p + klen > zm.length) fail('zipmap key', p);
    out.push(zm.latin1Slice(p, p + klen));
    p += klen;
    const vlen = readLen();
    if (vlen === -1 || p >= zm.length) fail('zipmap value', p);
    const free = zm[p]!;
    p += 1;
    if (p + vlen + free > zm.length) fail('zipmap value', p);
    out.push(zm.latin1Slice(p, p + vlen));
    p += vlen + free;
  }
  return out;
}
