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

/** A significant token: a name, a string (quoted or long-bracket), or one punctuation character. */
interface Token {
  kind: 'name' | 'string' | 'punct';
  text: string;
}

/**
 * The tokens of a Lua 5.1 chunk, comments and whitespace skipped; null when a comment or long
 * string is unterminated. Multi-character operators come as single characters ('..' is two
 * '.', '==' two '='), which is all the checks below need.
 */
function tokenize(body: string): Token[] | null {
  const out: Token[] = [];
  const n = body.length;
  let i = 0;
  while (i < n) {
    const ch = body[i]!;
    if (ch === '-' && body[i + 1] === '-') {
      const level = longBracket(body, i + 2);
      if (level >= 0) {
        const close = `]${'='.repeat(level)}]`;
        const end = body.indexOf(close, i + 4 + level);
        if (end === -1) return null;
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
      out.push({ kind: 'string', text });
      i = j + 1;
      continue;
    }
    if (ch === '[') {
      const level = longBracket(body, i);
      if (level >= 0) {
        const close = `]${'='.repeat(level)}]`;
        const end = body.indexOf(close, i + 2 + level);
        if (end === -1) return null;
        out.push({ kind: 'string', text: body.slice(i + 2 + level, end) });
        i = end + close.length;
        continue;
      }
    }
    if (IDENT_START.test(ch)) {
      let j = i + 1;
      while (j < n && IDENT.test(body[j]!)) j++;
      out.push({ kind: 'name', text: body.slice(i, j) });
      i = j;
      continue;
    }
    if (ch !== ' ' && ch !== '\t' && ch !== '\r' && ch !== '\n') out.push({ kind: 'punct', text: ch });
    i++;
  }
  return out;
}

/** True when the script may run on the server thread (see the module comment). */
export function mainThreadEligible(body: string): boolean {
  const tokens = tokenize(body);
  if (tokens === null) return false;
  for (let t = 0; t < tokens.length; t++) {
    const { kind, text } = tokens[t]!;
    if (kind === 'name' && DENY.has(text)) return false;
    // A `["field"]` index names the field as much as `.field` does.
    if (kind === 'string' && DENY.has(text) && t > 0 && tokens[t - 1]!.text === '[' && tokens[t - 1]!.kind === 'punct') return false;
    if (kind === 'punct' && (text === '/' || text === '%' || text === '^')) return false;
  }
  return true;
}

/** Tokens after which KEYS or ARGV is only indexed, counted or passed on (see batchWrapper). */
const PLAIN_TABLE_USE = new Set(['[', ')', ',', ']', '}']);

/**
 * The source that runs one server-thread script several times in one eval (a pipelined run of
 * EVALSHAs: see engine.ts runBatchOnMain), or null when the script can't be batched.
 *
 * The body becomes a vararg function (a chunk is one) on the chunk's first line, so line
 * numbers in errors don't move; KEYS and ARGV become locals it sees as upvalues, replaced for
 * each run. Redis's KEYS and ARGV are globals, and the difference shows only in what a script
 * does to the variable itself: assigning it (an error on Redis's readonly globals) or an error
 * message naming it ("global 'KEYS'"). So a script qualifies only if every use of KEYS and ARGV
 * is `#KEYS` or is followed by `[`, `)`, `,`, `]` or `}` (indexing it, or passing it on), none of
 * which can fail on the variable.
 *
 * After each run the result goes to the host as the arguments of redis.call(token, tag, value)
 * (wire-codec.ts writeEncodedResult) and the host answers with the next run's {KEYS, ARGV}, or
 * false to stop. Any other result ends the batch as the eval's own result, converted by the
 * engine as usual; an error ends it as the eval's error.
 */
export function batchWrapper(body: string, token: string): string | null {
  if (body.includes(token)) return null;
  const tokens = tokenize(body);
  if (tokens === null) return null;
  for (let t = 0; t < tokens.length; t++) {
    const { kind, text } = tokens[t]!;
    if (kind !== 'name' || (text !== 'KEYS' && text !== 'ARGV')) continue;
    // x.KEYS is a field, not the variable (a '.' after another is the `..` operator).
    if (t > 0 && tokens[t - 1]!.text === '.' && !(t > 1 && tokens[t - 2]!.text === '.')) return null;
    if (t > 0 && tokens[t - 1]!.kind === 'punct' && tokens[t - 1]!.text === '#') continue;
    const next = tokens[t + 1];
    if (next === undefined || next.kind !== 'punct' || !PLAIN_TABLE_USE.has(next.text)) return null;
  }
  // Names no script uses: a body reading a global of the same name would see these instead.
  // The wrapper is compiled with the body on every batch, and this engine compiles at ~50 ns
  // per character: it stays short, and passes on only the common results (strings, integers,
  // nil, booleans); any other ends the batch as the eval's own result.
  const p = '__nodis_b';
  // A chunk is a vararg function; a vararg function that doesn't use `...` builds Lua 5.1's
  // `arg` table on every call, so the body gets one only if it may need it.
  const params = body.includes('...') ? '...' : '';
  return (
    `local ${p}c, ${p}t = redis.call, type local KEYS, ARGV = KEYS, ARGV local ${p}f = function(${params}) ${body}\nend ` +
    `while true do local r, n = ${p}f() local t = ${p}t(r) ` +
    `if t == 'string' then n = ${p}c('${token}', 's', r) elseif r == nil or r == false then n = ${p}c('${token}', 'N') ` +
    // An integer under 1e14 survives redis.call's %.14g; Redis's (long long) cast is exact then.
    `elseif t == 'number' and r % 1 == 0 and r < 1e14 and r > -1e14 then n = ${p}c('${token}', 'n', r) ` +
    `elseif r == true then n = ${p}c('${token}', 'n', 1) else return r end ` +
    `if not n then return end KEYS, ARGV = n[1], n[2] end`
  );
}
