/**
 * Which EVAL scripts may run on the server thread, in lua-redis-wasm's own eval (main-lua.ts),
 * instead of the worker's driver (driver-source.ts). The driver re-implements the parts of
 * Redis's Lua API where the engine's built-ins differ from Redis 7.2 (pcall of table errors,
 * string.format past 2^31, redis.log/setresp/error_reply texts, RESP3 reply tables, error()
 * with a table, math.random's single sequence). A script that names any of them — as a name
 * or as a `["field"]` index — stays on the worker; the rest (redis.call/pcall, KEYS/ARGV,
 * tables, strings, numbers, cjson...) behave the same in both.
 *
 * A NaN returned as a number is the engine's one conversion that differs (0, where Redis's
 * cast gives LLONG_MIN): operators and math functions that make one send a script to the
 * worker; tonumber('nan') returned as is remains a difference.
 *
 * The check is lexical (a Lua 5.1 tokenizer, comments and strings skipped), so it can only err
 * on the safe side: a local variable called `log` sends a script to the worker for nothing.
 */

const DENY = new Set([
  // Error handling the driver rewrites (table errors, pcall's message, error objects).
  'pcall', 'xpcall', 'error', 'assert',
  // string.format past 2^31 (the driver's format64).
  'format',
  // redis.* helpers implemented by the driver with Redis's texts.
  'setresp', 'log', 'set_repl', 'replicate_commands', 'breakpoint', 'debug', 'error_reply', 'status_reply',
  'acl_check_cmd', 'register_function', 'REDIS_VERSION', 'REDIS_VERSION_NUM',
  'LOG_DEBUG', 'LOG_VERBOSE', 'LOG_NOTICE', 'LOG_WARNING', 'REPL_NONE', 'REPL_AOF', 'REPL_SLAVE', 'REPL_REPLICA', 'REPL_ALL',
  // One math.random sequence for the whole server, as Redis's: it lives in the worker.
  'random', 'randomseed',
  // RESP3 reply tables ({double=}, {map=}...): the engine's RESP2 encoder drops them.
  'double', 'map', 'set', 'big_number', 'verbatim_string',
  // NaN: the engine casts it to 0, Redis to LLONG_MIN (division, % and ^ are refused below).
  'huge', 'sqrt', 'log10', 'acos', 'asin', 'fmod', 'pow',
  // Reflection that could tell the two environments apart.
  'getmetatable', 'setmetatable', 'rawget', 'rawset', 'rawequal', 'loadstring', 'load', '_G', 'coroutine',
  'gcinfo', 'collectgarbage', 'os', 'print', 'getfenv', 'setfenv', 'newproxy', 'module', 'require', 'dofile',
]);

const IDENT_START = /[A-Za-z_]/;
const IDENT = /[A-Za-z0-9_]/;

/** The level of a long bracket `[==[` at `i` (number of `=`), or -1. */
function longBracket(s: string, i: number): number {
  if (s[i] !== '[') return -1;
  let j = i + 1;
  while (s[j] === '=') j++;
  return s[j] === '[' ? j - i - 1 : -1;
}

/** True when the script may run on the server thread (see the module comment). */
export function mainThreadEligible(body: string): boolean {
  const n = body.length;
  let i = 0;
  /** The last significant character before the current token (for `["field"]`). */
  let prev = '';
  while (i < n) {
    const ch = body[i]!;
    if (ch === '-' && body[i + 1] === '-') {
      const level = longBracket(body, i + 2);
      if (level >= 0) {
        const close = `]${'='.repeat(level)}]`;
        const end = body.indexOf(close, i + 4 + level);
        if (end === -1) return false;
        i = end + close.length;
      } else {
        const end = body.indexOf('\n', i);
        i = end === -1 ? n : end + 1;
      }
      continue;
    }
    if (ch === '"' || ch === "'") {
      let j = i + 1;
      let text = '';
      while (j < n && body[j] !== ch) {
        if (body[j] === '\\') j++;
        else text += body[j];
        j++;
      }
      if (prev === '[' && DENY.has(text)) return false;
      i = j + 1;
      prev = ch;
      continue;
    }
    if (ch === '[') {
      const level = longBracket(body, i);
      if (level >= 0) {
        const close = `]${'='.repeat(level)}]`;
        const end = body.indexOf(close, i + 2 + level);
        if (end === -1) return false;
        if (prev === '[' && DENY.has(body.slice(i + 2 + level, end))) return false;
        i = end + close.length;
        prev = '"';
        continue;
      }
    }
    if (IDENT_START.test(ch)) {
      let j = i + 1;
      while (j < n && IDENT.test(body[j]!)) j++;
      if (DENY.has(body.slice(i, j))) return false;
      i = j;
      prev = 'a';
      continue;
    }
    if (ch === '/' || ch === '%' || ch === '^') return false;
    if (ch !== ' ' && ch !== '\t' && ch !== '\r' && ch !== '\n') prev = ch;
    i++;
  }
  return true;
}
