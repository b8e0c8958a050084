/**
 * Bitmap commands (bitops.c): SETBIT, GETBIT, BITCOUNT, BITPOS (BYTE|BIT ranges), BITOP,
 * BITFIELD and BITFIELD_RO. Bits are numbered from the most significant bit of byte 0.
 * Writes mutate the value in place (a MutableString), so SETBIT is O(1) amortised.
 */
import type { HandlerTable } from './registry.js';
import type { Client } from '../network/client.js';
import {
  WRONGTYPE,
  SYNTAX,
  BIT_OFFSET,
  BIT_VALUE,
  NOT_INTEGER,
  BITFIELD_OVERFLOW_TYPE,
  BITFIELD_RO_GET_ONLY,
  BITFIELD_TYPE,
  BITOP_NOT_SINGLE,
  BIT_ARG,
} from '../errors.js';
import { isString, MutableString, type StringValue } from '../types/value.js';
import { afterWrite } from '../keyspace/notify.js';
import { NOTIFY } from '../config/definitions.js';
import { parseInt64, INT64_MAX } from '../util/numbers.js';
import { bytesForWrite, bytesOf } from '../types/string-ops.js';

/** getBitOffsetFromArgument: "#N" means N * bits when `bits` is given (BITFIELD). */
function bitOffsetArg(c: Client, text: string, bits = 0): number {
  const hashed = bits > 0 && text.startsWith('#');
  const v = parseInt64(hashed ? text.slice(1) : text);
  if (v === null) throw BIT_OFFSET;
  let offset = BigInt(v);
  if (hashed) offset *= BigInt(bits);
  if (offset < 0n || offset >> 3n >= BigInt(c.server.config.num('proto-max-bulk-len'))) throw BIT_OFFSET;
  return Number(offset);
}

function readString(c: Client, key: string): StringValue | null {
  const v = c.db.lookupRead(key, c.noTouch);
  if (v === undefined) return null;
  if (!isString(v)) throw WRONGTYPE;
  return v;
}

/**
 * lookupStringForBitCommand: the value as mutable bytes covering bit `maxBit`, created or
 * zero-extended as needed. Returns it and whether it was created or grew.
 */
function stringForBitWrite(c: Client, key: string, maxBit: number): { value: MutableString; grew: boolean } {
  const existing = c.db.lookupWrite(key);
  if (existing !== undefined && !isString(existing)) throw WRONGTYPE;
  const size = Math.floor(maxBit / 8) + 1;
  const before = existing === undefined ? -1 : existing.length;
  const value = bytesForWrite(existing ?? null, Math.max(size, existing?.length ?? 0));
  if (existing === undefined) c.db.add(key, value);
  else if (value !== existing) c.db.set(key, value, true);
  return { value, grew: before !== value.length };
}

function getbitCommand(c: Client, argv: string[]): void {
  const offset = bitOffsetArg(c, argv[2]!);
  const v = readString(c, argv[1]!);
  if (v === null) {
    c.w.integer(0);
    return;
  }
  const byte = offset >> 3;
  if (byte >= v.length) {
    c.w.integer(0);
    return;
  }
  const b = typeof v === 'string' ? v.charCodeAt(byte) : v.buf[byte]!;
  c.w.integer((b >> (7 - (offset & 7))) & 1);
}

function setbitCommand(c: Client, argv: string[]): void {
  const key = argv[1]!;
  const offset = bitOffsetArg(c, argv[2]!);
  const on = parseInt64(argv[3]!);
  if (on === null || (on !== 0 && on !== 1)) throw BIT_VALUE;
  const { value, grew } = stringForBitWrite(c, key, offset);
  const byte = offset >> 3;
  const shift = 7 - (offset & 7);
  const old = (value.buf[byte]! >> shift) & 1;
  if (grew || old !== on) {
    value.buf[byte] = (value.buf[byte]! & ~(1 << shift)) | (Number(on) << shift);
    afterWrite(c, key, NOTIFY.STRING, 'setbit');
  }
  c.w.integer(old);
}

const POPCOUNT = new Uint8Array(256);
for (let i = 0; i < 256; i++) POPCOUNT[i] = (i & 1) + POPCOUNT[i >> 1]!;

function popcount(bytes: Uint8Array, start: number, end: number): number {
  let n = 0;
  for (let i = start; i <= end; i++) n += POPCOUNT[bytes[i]!]!;
  return n;
}

/** Resolves [start, end] against `total` units the way BITCOUNT/BITPOS clamp indexes. */
function clampRange(start: number, end: number, total: number): [number, number] {
  if (start < 0) start = total + start;
  if (end < 0) end = total + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= total) end = total - 1;
  return [start, end];
}

function unitArg(text: string): boolean {
  const u = text.toUpperCase();
  if (u === 'BIT') return true;
  if (u === 'BYTE') return false;
  throw SYNTAX;
}

/** BITCOUNT key [start end [BYTE|BIT]]: a missing key counts 0 before any argument check. */
function bitcountCommand(c: Client, argv: string[]): void {
  const v = readString(c, argv[1]!);
  if (v === null) {
    c.w.integer(0);
    return;
  }
  const bytes = bytesOf(v);
  let startBit: number;
  let endBit: number;
  if (argv.length === 4 || argv.length === 5) {
    const start = Number(parseInt64(argv[2]!) ?? NaN);
    const end = Number(parseInt64(argv[3]!) ?? NaN);
    if (Number.isNaN(start) || Number.isNaN(end)) throw NOT_INTEGER;
    if (start < 0 && end < 0 && start > end) {
      c.w.integer(0);
      return;
    }
    const isBit = argv.length === 5 ? unitArg(argv[4]!) : false;
    const [s, e] = clampRange(start, end, isBit ? bytes.length * 8 : bytes.length);
    if (s > e) {
      c.w.integer(0);
      return;
    }
    [startBit, endBit] = isBit ? [s, e] : [s * 8, e * 8 + 7];
  } else if (argv.length === 2) {
    [startBit, endBit] = [0, bytes.length * 8 - 1];
  } else throw SYNTAX;
  if (startBit > endBit) {
    c.w.integer(0);
    return;
  }
  const first = startBit >> 3;
  const last = endBit >> 3;
  let count = popcount(bytes, first, last);
  // Remove the bits of the edge bytes that lie outside the range.
  const headMask = ~((1 << (8 - (startBit & 7))) - 1) & 0xff;
  const tailMask = (1 << (7 - (endBit & 7))) - 1;
  count -= POPCOUNT[bytes[first]! & headMask]!;
  count -= POPCOUNT[bytes[last]! & tailMask]!;
  c.w.integer(count);
}

/** BITPOS key bit [start [end [BYTE|BIT]]] */
function bitposCommand(c: Client, argv: string[]): void {
  const bitArg = parseInt64(argv[2]!);
  if (bitArg === null) throw NOT_INTEGER;
  if (bitArg !== 0 && bitArg !== 1) throw BIT_ARG;
  const bit = Number(bitArg);
  const v = readString(c, argv[1]!);
  if (v === null) {
    c.w.integer(bit ? -1 : 0);
    return;
  }
  const bytes = bytesOf(v);
  let startBit: number;
  let endBit: number;
  let endGiven = false;
  if (argv.length >= 4 && argv.length <= 6) {
    const start = Number(parseInt64(argv[3]!) ?? NaN);
    if (Number.isNaN(start)) throw NOT_INTEGER;
    const isBit = argv.length === 6 ? unitArg(argv[5]!) : false;
    let end: number;
    if (argv.length >= 5) {
      end = Number(parseInt64(argv[4]!) ?? NaN);
      if (Number.isNaN(end)) throw NOT_INTEGER;
      endGiven = true;
    } else {
      end = bytes.length - 1;
    }
    const [s, e] = clampRange(start, end, isBit ? bytes.length * 8 : bytes.length);
    if (s > e) {
      c.w.integer(-1);
      return;
    }
    [startBit, endBit] = isBit ? [s, e] : [s * 8, e * 8 + 7];
  } else if (argv.length === 3) {
    if (bytes.length === 0) {
      c.w.integer(-1);
      return;
    }
    [startBit, endBit] = [0, bytes.length * 8 - 1];
  } else throw SYNTAX;
  const skip = bit ? 0x00 : 0xff;
  let pos = startBit;
  while (pos <= endBit) {
    if ((pos & 7) === 0 && pos + 7 <= endBit && bytes[pos >> 3] === skip) {
      pos += 8;
      continue;
    }
    if (((bytes[pos >> 3]! >> (7 - (pos & 7))) & 1) === bit) {
      c.w.integer(pos);
      return;
    }
    pos++;
  }
  // Not found: looking for a 0 with no explicit end, the string counts as zero-padded.
  c.w.integer(bit === 0 && !endGiven ? endBit + 1 : -1);
}

/** BITOP AND|OR|XOR|NOT destkey key [key ...]: missing keys are empty strings. */
function bitopCommand(c: Client, argv: string[]): void {
  const op = argv[1]!.toUpperCase();
  if (op !== 'AND' && op !== 'OR' && op !== 'XOR' && op !== 'NOT') throw SYNTAX;
  if (op === 'NOT' && argv.length !== 4) throw BITOP_NOT_SINGLE;
  const dest = argv[2]!;
  const sources: Uint8Array[] = [];
  let maxLen = 0;
  for (let j = 3; j < argv.length; j++) {
    const v = c.db.lookupRead(argv[j]!, c.noTouch);
    if (v === undefined) {
      sources.push(new Uint8Array(0));
      continue;
    }
    if (!isString(v)) throw WRONGTYPE;
    const b = bytesOf(v);
    sources.push(b);
    if (b.length > maxLen) maxLen = b.length;
  }
  if (maxLen === 0) {
    if (c.db.delete(dest)) afterWrite(c, dest, NOTIFY.GENERIC, 'del');
    c.w.integer(0);
    return;
  }
  const out = Buffer.alloc(maxLen);
  const first = sources[0]!;
  for (let i = 0; i < maxLen; i++) {
    let r = i < first.length ? first[i]! : 0;
    if (op === 'NOT') r = ~r & 0xff;
    for (let s = 1; s < sources.length; s++) {
      const src = sources[s]!;
      const b = i < src.length ? src[i]! : 0;
      if (op === 'AND') r &= b;
      else if (op === 'OR') r |= b;
      else r ^= b;
    }
    out[i] = r;
  }
  c.db.set(dest, new MutableString(out, maxLen));
  afterWrite(c, dest, NOTIFY.STRING, 'set');
  c.w.integer(maxLen);
}

// ---- BITFIELD -----------------------------------------------------------------------

type Overflow = 'WRAP' | 'SAT' | 'FAIL';
interface BitfieldOp {
  op: 'GET' | 'SET' | 'INCRBY';
  offset: number;
  bits: number;
  signed: boolean;
  value: bigint;
  overflow: Overflow;
}

function bitfieldType(text: string): { signed: boolean; bits: number } {
  const signed = text[0] === 'i';
  if (!signed && text[0] !== 'u') throw BITFIELD_TYPE;
  const bits = parseInt64(text.slice(1));
  if (bits === null || bits < 1 || (signed && bits > 64) || (!signed && bits > 63)) throw BITFIELD_TYPE;
  return { signed, bits: Number(bits) };
}

function readBits(bytes: Uint8Array, offset: number, bits: number): bigint {
  let v = 0n;
  for (let i = 0; i < bits; i++) {
    const pos = offset + i;
    const byte = pos >> 3;
    const b = byte < bytes.length ? (bytes[byte]! >> (7 - (pos & 7))) & 1 : 0;
    v = (v << 1n) | BigInt(b);
  }
  return v;
}

function writeBits(bytes: Uint8Array, offset: number, bits: number, value: bigint): void {
  for (let i = bits - 1; i >= 0; i--) {
    const pos = offset + i;
    const byte = pos >> 3;
    const shift = 7 - (pos & 7);
    const b = Number(value & 1n);
    value >>= 1n;
    bytes[byte] = (bytes[byte]! & ~(1 << shift)) | (b << shift);
  }
}

function toSigned(v: bigint, bits: number): bigint {
  return v >= 1n << BigInt(bits - 1) ? v - (1n << BigInt(bits)) : v;
}

const U64 = (1n << 64n) - 1n;
const asI64 = (v: bigint): bigint => BigInt.asIntN(64, v);

/**
 * checkSignedBitfieldOverflow / checkUnsignedBitfieldOverflow: returns [overflowed, limit],
 * where limit is the wrapped or saturated value (FAIL ignores it).
 */
function checkOverflow(value: bigint, incr: bigint, bits: number, signed: boolean, ow: Overflow): [boolean, bigint] {
  if (signed) {
    const max = bits === 64 ? INT64_MAX : (1n << BigInt(bits - 1)) - 1n;
    const min = -max - 1n;
    const maxIncr = asI64(max - value);
    const minIncr = asI64(min - value);
    const wrap = (): bigint => {
      let r = BigInt.asUintN(64, value + incr);
      if (bits < 64) {
        const mask = BigInt.asUintN(64, U64 << BigInt(bits));
        r = (r & (1n << BigInt(bits - 1))) !== 0n ? r | mask : r & ~mask & U64;
      }
      return asI64(r);
    };
    if (value > max || (bits !== 64 && incr > maxIncr) || (value >= 0n && incr > 0n && incr > maxIncr)) {
      return [true, ow === 'WRAP' ? wrap() : max];
    }
    if (value < min || (bits !== 64 && incr < minIncr) || (value < 0n && incr < 0n && incr < minIncr)) {
      return [true, ow === 'WRAP' ? wrap() : min];
    }
    return [false, 0n];
  }
  const max = (1n << BigInt(bits)) - 1n;
  const uvalue = BigInt.asUintN(64, value);
  const maxIncr = asI64(max - uvalue);
  const minIncr = asI64(-uvalue);
  const wrap = (): bigint => BigInt.asUintN(64, uvalue + incr) & max;
  if (uvalue > max || (incr > 0n && incr > maxIncr)) return [true, ow === 'WRAP' ? wrap() : max];
  if (incr < 0n && incr < minIncr) return [true, ow === 'WRAP' ? wrap() : 0n];
  return [false, 0n];
}

function bitfieldGeneric(c: Client, argv: string[], readonlyCommand: boolean): void {
  const key = argv[1]!;
  const ops: BitfieldOp[] = [];
  let overflow: Overflow = 'WRAP';
  let writes = false;
  let highestWrite = 0;
  for (let j = 2; j < argv.length; j++) {
    const rem = argv.length - j - 1;
    const sub = argv[j]!.toUpperCase();
    let op: BitfieldOp['op'];
    if (sub === 'GET' && rem >= 2) op = 'GET';
    else if (sub === 'SET' && rem >= 3) op = 'SET';
    else if (sub === 'INCRBY' && rem >= 3) op = 'INCRBY';
    else if (sub === 'OVERFLOW' && rem >= 1) {
      const t = argv[++j]!.toUpperCase();
      if (t !== 'WRAP' && t !== 'SAT' && t !== 'FAIL') throw BITFIELD_OVERFLOW_TYPE;
      overflow = t;
      continue;
    } else throw SYNTAX;
    const { signed, bits } = bitfieldType(argv[j + 1]!);
    const offset = bitOffsetArg(c, argv[j + 2]!, bits);
    let value = 0n;
    if (op !== 'GET') {
      writes = true;
      highestWrite = Math.max(highestWrite, offset + bits - 1);
      const v = parseInt64(argv[j + 3]!);
      if (v === null) throw NOT_INTEGER;
      value = BigInt(v);
    }
    ops.push({ op, offset, bits, signed, value, overflow });
    j += op === 'GET' ? 2 : 3;
  }
  let bytes: Uint8Array;
  let grew = false;
  if (!writes) {
    const v = readString(c, key);
    bytes = v === null ? new Uint8Array(0) : bytesOf(v);
  } else {
    if (readonlyCommand) throw BITFIELD_RO_GET_ONLY;
    const target = stringForBitWrite(c, key, highestWrite);
    bytes = target.value.buf.subarray(0, target.value.length);
    grew = target.grew;
  }
  const w = c.w;
  w.arrayHeader(ops.length);
  let changes = 0;
  for (const op of ops) {
    const raw = readBits(bytes, op.offset, op.bits);
    const old = op.signed ? toSigned(raw, op.bits) : raw;
    if (op.op === 'GET') {
      w.integer(old);
      continue;
    }
    let newValue: bigint;
    let reply: bigint;
    let overflowed: boolean;
    let limit: bigint;
    if (op.op === 'INCRBY') {
      [overflowed, limit] = checkOverflow(old, op.value, op.bits, op.signed, op.overflow);
      newValue = overflowed ? limit : op.signed ? old + op.value : BigInt.asUintN(64, old + op.value);
      reply = newValue;
    } else {
      [overflowed, limit] = checkOverflow(op.value, 0n, op.bits, op.signed, op.overflow);
      newValue = overflowed ? limit : op.value;
      reply = old;
    }
    if (overflowed && op.overflow === 'FAIL') {
      w.nullBulk();
      continue;
    }
    w.integer(reply);
    writeBits(bytes, op.offset, op.bits, BigInt.asUintN(op.bits, newValue));
    if (grew || old !== newValue) changes++;
  }
  if (changes > 0) afterWrite(c, key, NOTIFY.STRING, 'setbit', changes);
}

export const bitmapCommands: HandlerTable = {
  getbit: getbitCommand,
  setbit: setbitCommand,
  bitcount: bitcountCommand,
  bitpos: bitposCommand,
  bitop: bitopCommand,
  bitfield: (c, argv) => bitfieldGeneric(c, argv, false),
  bitfield_ro: (c, argv) => bitfieldGeneric(c, argv, true),
};
