/**
 * The engine's reply encoding (lua-redis-wasm's codec: a tag byte, a u32 length or count, the
 * payload) on the server-thread path (main-lua.ts), both ways:
 * - respToWire: a command's raw RESP reply → the encoding redis.call hands back to Lua;
 * - writeSimpleResult: a script's result → RESP on the caller's writer, for the plain shapes
 *   (nil, integers, strings, status, arrays of them) that nearly every script returns; other
 *   shapes (errors, RESP3 types) go through the package's decoder and result.ts.
 * Both run once or twice per EVAL, so they allocate nothing but the strings they produce:
 * module-level cursors instead of closures (redis.call cannot nest, so one run at a time).
 */
import type { ReplyWriter } from '../network/reply-writer.js';
import { shortLatin1, SHORT_LATIN1_MAX } from '../network/latin1.generated.js';

export const enum Wire {
  Null = 0x00,
  Int = 0x01,
  Bulk = 0x02,
  Array = 0x03,
  Status = 0x04,
  Error = 0x05,
  ScriptError = 0x06,
  Bool = 0x07,
  Double = 0x08,
  Map = 0x09,
  Set = 0x0a,
  BigNumber = 0x0b,
  Verbatim = 0x0c,
}

/** A bound on respToWire's output for a reply of `n` characters (an integer `:0\r\n` grows most: 4 → 13 bytes). */
export const wireBound = (n: number): number => n * 4 + 64;

// ---- RESP → engine encoding -------------------------------------------------------------

let resp = '';
let pos = 0;
let out: Buffer = Buffer.alloc(0);
let w = 0;

/** Re-encodes a raw RESP reply (all of it) into `into` from `at`; returns the end offset. */
export function respToWire(reply: string, into: Buffer, at: number): number {
  resp = reply;
  pos = 0;
  out = into;
  w = at;
  encodeOne();
  resp = '';
  return w;
}

function head(tag: Wire, n: number): void {
  out[w] = tag;
  out[w + 1] = n & 0xff;
  out[w + 2] = (n >>> 8) & 0xff;
  out[w + 3] = (n >>> 16) & 0xff;
  out[w + 4] = n >>> 24;
  w += 5;
}

/** The rest of the current line after its type byte; moves past its CRLF. */
function line(): string {
  const end = resp.indexOf('\r', pos);
  const s = resp.slice(pos + 1, end);
  pos = end + 2;
  return s;
}

function bytes(tag: Wire, s: string): void {
  const n = s.length;
  head(tag, n);
  if (n <= 16) {
    for (let i = 0; i < n; i++) out[w + i] = s.charCodeAt(i);
    w += n;
  } else w += out.latin1Write(s, w, n);
}

function encodeOne(): void {
  const type = resp.charCodeAt(pos);
  const text = line();
  switch (type) {
    case 43 /* + */:
      return bytes(Wire.Status, text);
    case 45 /* - */:
      return bytes(Wire.Error, text);
    case 58 /* : */: {
      head(Wire.Int, 8);
      const n = Number(text);
      if (Number.isSafeInteger(n)) {
        // Two 32-bit halves; the high half floors so negative numbers keep their sign bits.
        const hi = Math.floor(n / 0x100000000);
        out.writeUInt32LE(n - hi * 0x100000000, w);
        out.writeInt32LE(hi, w + 4);
      } else out.writeBigInt64LE(BigInt(text), w);
      w += 8;
      return;
    }
    case 36 /* $ */: {
      const n = Number(text);
      if (n < 0) return head(Wire.Null, 0);
      bytes(Wire.Bulk, resp.slice(pos, pos + n));
      pos += n + 2;
      return;
    }
    case 61 /* = */: {
      const n = Number(text);
      head(Wire.Verbatim, n + 3);
      out.writeUInt32LE(3, w);
      w += 4;
      w += out.latin1Write(resp.slice(pos, pos + 3), w, 3);
      w += out.latin1Write(resp.slice(pos + 4, pos + n), w, n - 4);
      pos += n + 2;
      return;
    }
    case 42 /* * */:
    case 62 /* > */:
    case 126 /* ~ */: {
      const n = Number(text);
      if (n < 0) return head(Wire.Null, 0);
      head(type === 126 ? Wire.Set : Wire.Array, n);
      for (let i = 0; i < n; i++) encodeOne();
      return;
    }
    case 37 /* % */: {
      const n = Number(text);
      head(Wire.Map, n);
      for (let i = 0; i < 2 * n; i++) encodeOne();
      return;
    }
    case 95 /* _ */:
      return head(Wire.Null, 0);
    case 35 /* # */:
      head(Wire.Bool, 1);
      out[w++] = text === 't' ? 1 : 0;
      return;
    case 44 /* , */:
      head(Wire.Double, 8);
      out.writeDoubleLE(text === 'inf' ? Infinity : text === '-inf' ? -Infinity : Number(text), w);
      w += 8;
      return;
    case 40 /* ( */:
      return bytes(Wire.BigNumber, text);
    default:
      return bytes(Wire.Error, 'ERR unexpected reply from command');
  }
}

// ---- engine encoding → RESP -------------------------------------------------------------

const u32 = (b: Buffer, at: number): number => (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16)) + b[at + 3]! * 0x1000000;

/** The end of the plain value at `at` (see the module comment), or -1 if it is not one or overruns `end`. */
function plainEnd(b: Buffer, at: number, end: number, depth: number): number {
  if (at + 5 > end || depth > 64) return -1;
  const n = u32(b, at + 1);
  switch (b[at]) {
    case Wire.Null:
      return at + 5;
    case Wire.Int:
      return at + 13 <= end ? at + 13 : -1;
    case Wire.Bulk:
    case Wire.Status:
      return at + 5 + n <= end ? at + 5 + n : -1;
    case Wire.Array: {
      let p = at + 5;
      for (let i = 0; i < n && p >= 0; i++) p = plainEnd(b, p, end, depth + 1);
      return p;
    }
    default:
      return -1;
  }
}

const LLONG_MAX = 9223372036854775807n;

/** Writes the plain value at `at` as RESP; returns the offset after it. */
function writePlain(b: Buffer, at: number, rw: ReplyWriter): number {
  const n = u32(b, at + 1);
  const p = at + 5;
  switch (b[at]) {
    case Wire.Null:
      rw.nullBulk();
      return p;
    case Wire.Int: {
      const lo = u32(b, p);
      const hi = b.readInt32LE(p + 4);
      // Within ±2^53 the halves make the number exactly; beyond, BigInt. The engine saturates
      // out-of-range Lua numbers to LLONG_MAX where Redis's (long long) cast gives LLONG_MIN.
      if (hi >= -0x200000 && hi < 0x200000) rw.integer(hi * 0x100000000 + lo);
      else {
        const v = b.readBigInt64LE(p);
        rw.integer(v === LLONG_MAX ? -v - 1n : v);
      }
      return p + 8;
    }
    case Wire.Bulk:
      rw.bulk(n === 0 ? '' : n <= SHORT_LATIN1_MAX ? shortLatin1(b, p, n) : b.latin1Slice(p, p + n));
      return p + n;
    case Wire.Status:
      // A status can't break RESP framing: CR/LF become spaces (as result.ts does).
      rw.simple((n === 0 ? '' : n <= SHORT_LATIN1_MAX ? shortLatin1(b, p, n) : b.latin1Slice(p, p + n)).replace(/[\r\n]/g, ' '));
      return p + n;
    default: {
      rw.arrayHeader(n);
      let q = p;
      for (let i = 0; i < n; i++) q = writePlain(b, q, rw);
      return q;
    }
  }
}

/** Writes the result at b[at, at+len) to `rw` if it is plain; false (nothing written) otherwise. */
export function writeSimpleResult(b: Buffer, at: number, len: number, rw: ReplyWriter): boolean {
  if (plainEnd(b, at, at + len, 0) !== at + len) return false;
  writePlain(b, at, rw);
  return true;
}

// ---- a batched run's result (fast-path.ts batchWrapper) → RESP ------------------------------

/**
 * Writes a batched run's result as RESP: batchWrapper passes it to the host as [tag, value]
 * at encoded[from...]: 's' and a string, 'n' and an integer under 1e14 (exact in the %.14g
 * redis.call formats numbers with), or 'N' for nil or false.
 */
export function writeEncodedResult(encoded: readonly string[], from: number, rw: ReplyWriter): void {
  const tag = encoded[from];
  if (tag === 's') rw.bulk(encoded[from + 1]!);
  else if (tag === 'n') rw.integer(Number(encoded[from + 1]) + 0); // + 0: -0 prints as 0
  else rw.nullBulk();
}
