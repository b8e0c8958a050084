/**
 * Writes the driver's encoding of a script's return value (see `encode` in driver-source.ts)
 * as the caller's reply, in the caller's protocol: B bulk, I integer, N null, T/F boolean,
 * E error, S status, D double, G big number, V verbatim, A array, M map, Z set.
 */
import type { ReplyValue, ReplyErrorMeta } from 'lua-redis-wasm';
import type { Client } from '../network/client.js';
import { sanitizeErrorText } from '../errors.js';

export function writeScriptResult(c: Client, text: string): void {
  const w = c.w;
  let pos = 0;
  const until = (ch: string): string => {
    const end = text.indexOf(ch, pos);
    const s = text.slice(pos, end);
    pos = end + 1;
    return s;
  };
  const sized = (): string => {
    const n = Number(until(':'));
    const s = text.slice(pos, pos + n);
    pos += n;
    return s;
  };
  const one = (): void => {
    const tag = text[pos++];
    switch (tag) {
      case 'B':
        w.bulk(sized());
        return;
      case 'I': {
        const s = until(';');
        const n = Number(s);
        w.integer(Number.isSafeInteger(n) ? n : BigInt(s));
        return;
      }
      case 'N':
        w.nullBulk();
        return;
      case 'T':
      case 'F':
        w.boolean(tag === 'T');
        return;
      case 'E': {
        const msg = sanitizeErrorText(sized());
        w.error(msg);
        const space = msg.indexOf(' ');
        c.server.countError(space === -1 ? msg : msg.slice(0, space));
        return;
      }
      case 'S':
        w.simple(sized().replace(/[\r\n]/g, ' '));
        return;
      case 'D':
        w.double(Number(until(';')));
        return;
      case 'G': {
        const s = sized().replace(/[\r\n]/g, ' ');
        if (w.resp === 3) w.raw(`(${s}\r\n`);
        else w.bulk(s);
        return;
      }
      case 'V': {
        const format = sized();
        w.verbatim(sized(), format);
        return;
      }
      case 'A': {
        const n = Number(until(';'));
        w.arrayHeader(n);
        for (let i = 0; i < n; i++) one();
        return;
      }
      case 'M': {
        const n = Number(until(';'));
        w.mapHeader(n);
        for (let i = 0; i < 2 * n; i++) one();
        return;
      }
      case 'Z': {
        const n = Number(until(';'));
        w.setHeader(n);
        for (let i = 0; i < n; i++) one();
        return;
      }
      default:
        w.nullBulk();
    }
  };
  one();
}

/** A value from a run on the server thread (main-lua.ts), decoded by lua-redis-wasm. */
export function writeLuaValue(c: Client, v: ReplyValue, sha: string): void {
  const w = c.w;
  if (v === null) return w.nullBulk();
  if (typeof v === 'number') return w.integer(v);
  // The engine saturates out-of-range numbers; Redis's (long long) cast gives LLONG_MIN.
  if (typeof v === 'bigint') return w.integer(v === LLONG_MAX ? LLONG_MIN : v);
  if (typeof v === 'boolean') return w.boolean(v);
  if (Buffer.isBuffer(v)) return w.bulk(v.latin1Slice(0, v.length));
  if (Array.isArray(v)) {
    w.arrayHeader(v.length);
    for (const x of v) writeLuaValue(c, x, sha);
    return;
  }
  if ('err' in v) {
    const msg = sanitizeErrorText(scriptErrorText(v, sha));
    w.error(msg);
    const space = msg.indexOf(' ');
    c.server.countError(space === -1 ? msg : msg.slice(0, space));
    return;
  }
  if ('ok' in v) return w.simple(v.ok.latin1Slice(0, v.ok.length).replace(/[\r\n]/g, ' '));
  if ('double' in v) return w.double(v.double);
  if ('big_number' in v) {
    const s = v.big_number.latin1Slice(0, v.big_number.length).replace(/[\r\n]/g, ' ');
    return w.resp === 3 ? w.raw(`(${s}\r\n`) : w.bulk(s);
  }
  if ('verbatim_string' in v) {
    const { format, string } = v.verbatim_string;
    return w.verbatim(string.latin1Slice(0, string.length), format.latin1Slice(0, format.length));
  }
  if ('map' in v) {
    w.mapHeader(v.map.length);
    for (const [k, x] of v.map) {
      writeLuaValue(c, k, sha);
      writeLuaValue(c, x, sha);
    }
    return;
  }
  w.setHeader(v.set.length);
  for (const x of v.set) writeLuaValue(c, x, sha);
}

const LLONG_MAX = 9223372036854775807n;
const LLONG_MIN = -9223372036854775808n;

/**
 * An error value's text: returned errors as the script built them; errors that ended the
 * script (the engine adds `meta`) get Redis's " script: <sha>, on @user_script:<line>." suffix,
 * and the engine's tagged kinds get Redis's wording.
 */
export function scriptErrorText(v: { err: Buffer; code?: Buffer; meta?: ReplyErrorMeta }, sha: string): string {
  const text = v.err.latin1Slice(0, v.err.length);
  const code = v.code === undefined ? '' : `${v.code.latin1Slice(0, v.code.length)} `;
  const meta = v.meta;
  if (meta === undefined) return code + text;
  let msg: string;
  if (meta.kind === 'global-read') msg = `ERR user_script:${meta.line}: Script attempted to access nonexistent global variable '${meta.name ?? ''}'`;
  else if (meta.kind === 'command-arg-type') msg = 'ERR Lua redis lib command arguments must be strings or integers';
  else msg = code + text;
  return meta.line > 0 ? `${msg} script: ${sha}, on @user_script:${meta.line}.` : msg;
}
