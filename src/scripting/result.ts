/**
 * Writes the driver's encoding of a script's return value (see `encode` in driver-source.ts)
 * as the caller's reply, in the caller's protocol: B bulk, I integer, N null, T/F boolean,
 * E error, S status, D double, G big number, V verbatim, A array, M map, Z set. Returns true
 * when the reply holds an error (the call failed, for commandstats).
 */
import type { ReplyValue, ReplyErrorMeta } from 'lua-redis-wasm';
import type { Client } from '../network/client.js';
import { sanitizeErrorText } from '../errors.js';

export function writeScriptResult(c: Client, text: string, counted: ReadonlySet<string>): boolean {
  const w = c.w;
  let pos = 0;
  let failed = false;
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
      case 'E':
        replyScriptError(c, sized(), text[0] === 'E' ? counted : null);
        failed = true;
        return;
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
  return failed;
}

/**
 * A script's error reply. Redis counts an error once (afterErrorReply's
 * ERR_REPLY_FLAG_NO_STATS_UPDATE): a command's error that the script raised or returned as its
 * own reply was already counted when the command replied inside the script. `counted` holds
 * those texts for a top-level reply (null for an error nested in an array, always counted).
 */
function replyScriptError(c: Client, text: string, counted: ReadonlySet<string> | null): void {
  const msg = sanitizeErrorText(text);
  c.w.error(msg);
  const suffix = msg.lastIndexOf(' script: ');
  if (counted !== null && counted.has(suffix === -1 ? msg : msg.slice(0, suffix))) return;
  const space = msg.indexOf(' ');
  c.server.countError(space === -1 ? msg : msg.slice(0, space));
}

/**
 * A value from a run on the server thread (main-lua.ts), decoded by lua-redis-wasm. Returns
 * true when it holds an error (a failed call in commandstats, as for Redis, even nested).
 * `counted`: see replyScriptError (null inside arrays).
 */
export function writeLuaValue(c: Client, v: ReplyValue, sha: string, counted: ReadonlySet<string> | null): boolean {
  const w = c.w;
  if (v === null) w.nullBulk();
  else if (typeof v === 'number') w.integer(v);
  // The engine saturates out-of-range numbers; Redis's (long long) cast gives LLONG_MIN.
  else if (typeof v === 'bigint') w.integer(v === LLONG_MAX ? LLONG_MIN : v);
  else if (typeof v === 'boolean') w.boolean(v);
  else if (Buffer.isBuffer(v)) w.bulk(v.latin1Slice(0, v.length));
  else if (Array.isArray(v)) {
    w.arrayHeader(v.length);
    let failed = false;
    for (const x of v) failed = writeLuaValue(c, x, sha, null) || failed;
    return failed;
  } else if ('err' in v) {
    replyScriptError(c, scriptErrorText(v, sha), counted);
    return true;
  } else if ('ok' in v) w.simple(v.ok.latin1Slice(0, v.ok.length).replace(/[\r\n]/g, ' '));
  else if ('double' in v) w.double(v.double);
  else if ('big_number' in v) {
    const s = v.big_number.latin1Slice(0, v.big_number.length).replace(/[\r\n]/g, ' ');
    if (w.resp === 3) w.raw(`(${s}\r\n`);
    else w.bulk(s);
  } else if ('verbatim_string' in v) {
    const { format, string } = v.verbatim_string;
    w.verbatim(string.latin1Slice(0, string.length), format.latin1Slice(0, format.length));
  } else if ('map' in v) {
    w.mapHeader(v.map.length);
    for (const [k, x] of v.map) {
      writeLuaValue(c, k, sha, null);
      writeLuaValue(c, x, sha, null);
    }
  } else {
    w.setHeader(v.set.length);
    for (const x of v.set) writeLuaValue(c, x, sha, null);
  }
  return false;
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
