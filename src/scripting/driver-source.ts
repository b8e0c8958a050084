/**
 * The Lua side of the scripting engine, as a string the worker hands to the interpreter.
 * It is Lua 5.1 run by lua-redis-wasm (Redis's own Lua with cjson, cmsgpack, bit, struct).
 * See engine-worker.ts for how it is started; REDIS_VERSION_TEXT/NUMBER are substituted.
 */
export const DRIVER_SOURCE = `
-- nodis's Lua driver: runs inside one never-ending eval of lua-redis-wasm, so compiled
-- scripts and function libraries live in its locals (EVALSHA never recompiles). Jobs and
-- replies come through ctl(), a host call carrying a private token.
local TOKEN = ...
local REDIS_VERSION_TEXT, REDIS_VERSION_NUMBER = select(2, ...)
local rawpcall = redis.pcall
local realredis = redis
local K, A = KEYS, ARGV
local type, tostring, tonumber, select, error, pcall, xpcall, next, rawget, setmetatable, loadstring =
      type, tostring, tonumber, select, error, pcall, xpcall, next, rawget, setmetatable, loadstring
local floor, ceil, huge = math.floor, math.ceil, math.huge
local format, sub, find, gsub, byte = string.format, string.sub, string.find, string.gsub, string.byte
local concat = table.concat

local function ctl(...) return rawpcall(TOKEN, ...) end

local scripts = {}      -- sha -> compiled chunk
local oneline = {}      -- sha -> true for a script of one line
local curOneLine = false
local functions = {}    -- name -> { fn = f, lib = name }
local libfns = {}       -- lib -> list of function names
local resp = 2          -- redis.setresp of the running script
local chunkname = 'user_script'
local nkeys, nargs = 0, 0

-- Numbers passed to redis.call become the shortest text that reads back the same (7.2's fpconv_dtoa).
local function num2str(x)
  if x == floor(x) and x > -1e15 and x < 1e15 then return format('%.0f', x) end
  local s = format('%.15g', x)
  if tonumber(s) ~= x then s = format('%.16g', x) end
  if tonumber(s) ~= x then s = format('%.17g', x) end
  return s
end

local function errtable(msg)
  -- luaPushErrorBuff: "-CODE msg" keeps its code, anything else gets ERR.
  local code, text = 'ERR', msg
  if sub(msg, 1, 1) == '-' then
    local sp = find(msg, ' ', 1, true)
    if sp then code, text = sub(msg, 2, sp - 1), sub(msg, sp + 1) else text = sub(msg, 2) end
  end
  text = gsub(text, '[\\r\\n]+$', '')
  return { err = code .. ' ' .. text }
end

local LEVELS = { [0] = 0, 1, 2, 3 }
local function dolog(...)
  local n = select('#', ...)
  if n < 2 then error(errtable('redis.log() requires two arguments or more.'), 0) end
  local level = ...
  if type(level) ~= 'number' then error(errtable('First argument must be a number (log level).'), 0) end
  if LEVELS[level] == nil then error(errtable('Invalid debug level.'), 0) end
  local parts = {}
  for i = 2, n do
    local v = select(i, ...)
    if type(v) == 'number' then v = num2str(v) end
    parts[#parts + 1] = tostring(v)
  end
  ctl('l', level, concat(parts, ' '))
end

-- RESP3 null reaches Lua as nil (redisProtocolToLuaType_Null), where the engine's C
-- redis.call can only give false (RESP2's null): under setresp(3) the worker marks it and
-- these wrappers of the C functions turn the mark into nil, also inside arrays.
local NILMARK = '\0nil'
local Rraw
local function denil(v)
  if type(v) ~= 'table' then return v end
  if rawget(v, 'ok') == NILMARK then return nil end
  for k, x in next, v do
    if type(x) == 'table' then
      if rawget(x, 'ok') == NILMARK then v[k] = nil else denil(x) end
    end
  end
  return v
end
local ccall, cpcall = realredis.call, realredis.pcall
local function call3(...) return denil(ccall(...)) end
local function pcall3(...) return denil(cpcall(...)) end
local function usecalls(v)
  if v == 3 then Rraw.call, Rraw.pcall = call3, pcall3 else Rraw.call, Rraw.pcall = ccall, cpcall end
end

local function setresp(...)
  if select('#', ...) ~= 1 then error(errtable('redis.setresp() requires one argument.'), 0) end
  local v = ...
  if v ~= 2 and v ~= 3 then error(errtable('RESP version must be 2 or 3.'), 0) end
  resp = v
  usecalls(v)
  ctl('p', v)
end

local function set_repl(...)
  if select('#', ...) ~= 1 then error(errtable('redis.set_repl() requires one argument.'), 0) end
  local v = ...
  if type(v) ~= 'number' or v < 0 or v > 3 then
    error(errtable('Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.'), 0)
  end
end

-- redis.acl_check_cmd: true when the command exists (nodis has no ACL users yet: the default
-- user may run everything); an unknown command or subcommand raises, as in Redis.
local function acl_check_cmd(...)
  local n = select('#', ...)
  if n == 0 then error(errtable('Please specify at least one argument for this redis lib call'), 0) end
  local args = {}
  for i = 1, n do
    local v = select(i, ...)
    if type(v) == 'number' then v = num2str(v)
    elseif type(v) ~= 'string' then error(errtable('Lua redis lib command arguments must be strings or integers'), 0) end
    args[i] = v
  end
  local r = ctl('a', unpack(args))
  if r == 1 then return true end
  error(r, 0)
end

local function error_reply(...)
  local v = ...
  if select('#', ...) ~= 1 or type(v) ~= 'string' then return errtable('wrong number or type of arguments') end
  if sub(v, 1, 1) ~= '-' then v = '-' .. v end
  return errtable(v)
end

local function status_reply(...)
  local v = ...
  if select('#', ...) ~= 1 or type(v) ~= 'string' then return errtable('wrong number or type of arguments') end
  return { ok = v }
end

local function common(t)
  t.setresp = setresp
  t.log = dolog
  t.error_reply = error_reply
  t.status_reply = status_reply
  t.sha1hex = realredis.sha1hex
  t.LOG_DEBUG, t.LOG_VERBOSE, t.LOG_NOTICE, t.LOG_WARNING = 0, 1, 2, 3
  t.REDIS_VERSION = REDIS_VERSION_TEXT
  t.REDIS_VERSION_NUM = REDIS_VERSION_NUMBER
  return t
end

-- The \`redis\` a script sees.
local R = common({})
-- The engine's own C functions: the worker turns their host calls into commands. Being C,
-- "return redis.call(...)" keeps the script's frame, so errors can name its line.
R.call = realredis.call
R.pcall = realredis.pcall
Rraw = R
R.set_repl = set_repl
R.acl_check_cmd = acl_check_cmd
R.replicate_commands = function() return true end
R.breakpoint = function() return false end
R.debug = function() end
R.REPL_NONE, R.REPL_AOF, R.REPL_SLAVE, R.REPL_REPLICA, R.REPL_ALL = 0, 1, 2, 2, 3

-- Redis 7's pcall hands back the message of a table error.
local function pack(...) return { n = select('#', ...), ... } end
local MARK = '\0rc:'
local function spcall(f, ...)
  local r = pack(pcall(f, ...))
  if not r[1] then
    local e = r[2]
    if type(e) == 'table' then
      local m = rawget(e, 'err')
      if type(m) == 'string' then r[2] = m end
    elseif type(e) == 'string' and sub(e, 1, 4) == MARK then
      r[2] = sub(e, 5)
    end
  end
  return unpack(r, 1, r.n)
end

-- Where the error happened: the innermost frame of user code (Redis's handler looks at the
-- erroring function, or its caller when that is C). luaL_where gives "user_script:N: ".
local function userline()
  local prefix = chunkname .. ':'
  for level = 3, 40 do
    local ok, m = pcall(error, '', level)
    if type(m) == 'string' and sub(m, 1, #prefix) == prefix then
      return tonumber(sub(m, #prefix + 1, find(m, ':', #prefix + 1, true) - 1))
    end
  end
  return nil
end

local function handler(e)
  local line = userline()
  local msg
  if type(e) == 'table' then
    msg = rawget(e, 'err')
    if type(msg) ~= 'string' then msg = tostring(msg) end
  elseif type(e) == 'string' and sub(e, 1, 4) == MARK then
    -- A redis.call error (a table in Redis): its text as is.
    msg = sub(e, 5)
  elseif e == '__RLUA_E__:command-arg-type' then
    msg = 'ERR Lua redis lib command arguments must be strings or integers'
  else
    e = gsub(tostring(e), '__RLUA_E__:global%-read:(.*)$', "Script attempted to access nonexistent global variable '%1'")
    msg = 'ERR ' .. e
  end
  return { msg = msg, line = line }
end

-- Lua value -> the tagged text the server turns into a reply (luaReplyToRedisReply's rules).
local LLMIN = '-9223372036854775808'
local function int2str(n)
  if n ~= n or n >= 9223372036854775808 or n < -9223372036854775808 then return LLMIN end
  if n >= 0 then n = floor(n) else n = ceil(n) end
  if n == 0 then return '0' end
  return format('%.0f', n)
end

local encode
encode = function(v, out)
  local t = type(v)
  if t == 'string' then
    out[#out + 1] = 'B' .. #v .. ':' .. v
  elseif t == 'number' then
    out[#out + 1] = 'I' .. int2str(v) .. ';'
  elseif t == 'boolean' then
    if resp == 2 then out[#out + 1] = v and 'I1;' or 'N' else out[#out + 1] = v and 'T' or 'F' end
  elseif t == 'table' then
    local f = rawget(v, 'err')
    if type(f) == 'string' then out[#out + 1] = 'E' .. #f .. ':' .. f return end
    f = rawget(v, 'ok')
    if type(f) == 'string' then out[#out + 1] = 'S' .. #f .. ':' .. f return end
    f = rawget(v, 'double')
    if type(f) == 'number' then out[#out + 1] = 'D' .. format('%.17g', f) .. ';' return end
    f = rawget(v, 'big_number')
    if type(f) == 'string' then out[#out + 1] = 'G' .. #f .. ':' .. f return end
    f = rawget(v, 'verbatim_string')
    if type(f) == 'table' then
      local fmt, s = rawget(f, 'format'), rawget(f, 'string')
      if type(fmt) == 'string' and type(s) == 'string' then
        out[#out + 1] = 'V' .. #fmt .. ':' .. fmt .. #s .. ':' .. s
        return
      end
    end
    f = rawget(v, 'map')
    if type(f) == 'table' then
      local at = #out + 1
      out[at] = ''
      local n = 0
      for k, x in next, f do encode(k, out) encode(x, out) n = n + 1 end
      out[at] = 'M' .. n .. ';'
      return
    end
    f = rawget(v, 'set')
    if type(f) == 'table' then
      local at = #out + 1
      out[at] = ''
      local n = 0
      for k in next, f do encode(k, out) n = n + 1 end
      out[at] = 'Z' .. n .. ';'
      return
    end
    local at = #out + 1
    out[at] = ''
    local j = 1
    while true do
      local x = rawget(v, j)
      if x == nil then break end
      encode(x, out)
      j = j + 1
    end
    out[at] = 'A' .. (j - 1) .. ';'
  else
    out[#out + 1] = 'N'
  end
end

local function compile(src, name, prefix)
  chunkname = name
  local f, e = loadstring(prefix .. src, '@' .. name)
  return f, e
end

-- lua-redis-wasm is 32-bit: C's long, which string.format's %d/%i go through, clamps at 2^31
-- (Redis, 64-bit, prints 1700000000000 as is; millisecond timestamps are common in scripts).
-- Scripts get a string table whose format prints such integers itself.
local realformat = string.format
local function format64(fmt, ...)
  if type(fmt) ~= 'string' or not find(fmt, '%%[-+ #0]*%d*%.?%d*[di]') then return realformat(fmt, ...) end
  local args = pack(...)
  local i = 0
  local fixed = gsub(fmt, '%%([-+ #0]*%d*%.?%d*)([%a%%])', function(flags, conv)
    if conv == '%' then return nil end
    i = i + 1
    local v = tonumber(args[i])
    if (conv == 'd' or conv == 'i') and v and (v >= 2147483648 or v < -2147483648) then
      args[i] = int2str(v)
      return '%' .. gsub(flags, '[+ #0]', '') .. 's'
    end
    return nil
  end)
  return realformat(fixed, unpack(args, 1, args.n))
end
local function denywrite() error('Attempt to modify a readonly table', 2) end
-- Scripts get empty proxies: every write, also to an existing field, is refused as Redis does.
local function readonly(t) return setmetatable({}, { __index = t, __newindex = denywrite }) end
local S = readonly(setmetatable({ format = format64 }, { __index = string }))
R = readonly(R)

local EVAL_PREFIX = 'local redis, pcall, string = ...; '
-- xpcall passes no arguments: the script to run goes through an upvalue (no closure per job).
local current
local function runscript() return current(R, spcall, S) end
local function fill(t, job, from, count, old)
  for i = 1, count do t[i] = job[from + i - 1] end
  for i = count + 1, old do t[i] = nil end
end

local function finish(ok, r, name)
  if ok then
    local out = {}
    encode(r, out)
    return ctl('d', concat(out))
  end
  local msg = r.msg
  -- "return redis.helper(...)" is a tail call: the script's frame is gone when one of the
  -- helpers written in Lua raises. In a one-line script the line can only be 1.
  local line = r.line
  if not line and curOneLine then line = 1 end
  if line then msg = msg .. ' script: ' .. name .. ', on @' .. chunkname .. ':' .. line .. '.' end
  return ctl('d', 'E' .. #msg .. ':' .. msg)
end

local FUNCTION_FLAGS = { ['no-writes'] = true, ['allow-oom'] = true, ['allow-stale'] = true,
  ['no-cluster'] = true, ['allow-cross-slot-keys'] = true }

-- FUNCTION LOAD: run the library with a \`redis\` that only registers.
local function loadlib(libname, code)
  local registered, order = {}, {}
  local L = common({})
  local function register(...)
    local name, fn, flags, desc
    local n = select('#', ...)
    local a = ...
    if n == 1 and type(a) ~= 'table' then
      error(errtable('calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).'), 0)
    end
    if n == 1 then
      for k, v in next, a do
        if type(k) ~= 'string' then error(errtable('named argument key given to redis.register_function is not a string'), 0) end
        if k == 'function_name' then
          if type(v) ~= 'string' then error(errtable('function_name argument given to redis.register_function must be a string'), 0) end
          name = v
        elseif k == 'callback' then
          if type(v) ~= 'function' then error(errtable('callback argument given to redis.register_function must be a function'), 0) end
          fn = v
        elseif k == 'flags' then
          if type(v) ~= 'table' then error(errtable('flags argument to redis.register_function must be a table representing function flags'), 0) end
          flags = v
        elseif k == 'description' then
          if type(v) ~= 'string' then error(errtable('description argument given to redis.register_function must be a string'), 0) end
          desc = v
        else
          error(errtable('unknown argument given to redis.register_function'), 0)
        end
      end
      if name == nil then error(errtable('redis.register_function must get a function name argument'), 0) end
      if fn == nil then error(errtable('redis.register_function must get a callback argument'), 0) end
    elseif n == 2 then
      name, fn = ...
      if type(name) == 'number' then name = tostring(name) end
      if type(name) ~= 'string' then error(errtable('first argument to redis.register_function must be a string'), 0) end
      if type(fn) ~= 'function' then error(errtable('second argument to redis.register_function must be a function'), 0) end
    else
      error(errtable('wrong number of arguments to redis.register_function'), 0)
    end
    if not find(name, '^[%w_]+$') then
      error(errtable('Library names can only contain letters, numbers, or underscores(_) and must be at least one character long'), 0)
    end
    for _, x in ipairs(registered) do
      if x.name == name then error(errtable('Function already exists in the library'), 0) end
    end
    local fl = {}
    if flags then
      for _, v in next, flags do
        if type(v) ~= 'string' or not FUNCTION_FLAGS[v] then error(errtable('unknown flag given'), 0) end
        fl[#fl + 1] = v
      end
    end
    registered[#registered + 1] = { name = name, fn = fn, flags = fl, desc = desc }
  end
  L.register_function = register
  setmetatable(L, { __index = function(_, k)
    error("Script attempted to access nonexistent global variable '" .. tostring(k) .. "'", 2)
  end })
  local f, e = loadstring('local redis, string = ...; ' .. code, '@user_function')
  if not f then return ctl('d', 'E', 'Error compiling function: ' .. e) end
  chunkname = 'user_function'
  local ok, r = xpcall(function() return f(L, S) end, handler)
  if not ok then
    return ctl('d', 'E', 'Error registering functions: ' .. r.msg)
  end
  -- From now on the library's redis table is the one scripts get (redis.call works).
  setmetatable(L, { __index = R, __newindex = denywrite })
  local reply = { 'R' }
  for _, x in ipairs(registered) do
    reply[#reply + 1] = x.name
    reply[#reply + 1] = concat(x.flags, ',')
    reply[#reply + 1] = x.desc and ('d' .. x.desc) or 'n'
  end
  return ctl('d', unpack(reply)), registered
end

local job = ctl('r')
while true do
  local op = job[1]
  if op == 'e' then
    -- eval: sha, source?, numkeys, keys..., args...
    local sha = job[2]
    local f = scripts[sha]
    if not f then
      local e
      local src = job[3]
      if src == '' then src = ctl('s', sha) end
      f, e = compile(src, 'user_script', EVAL_PREFIX)
      if not f then
        job = ctl('d', 'C', e)
      else
        scripts[sha] = f
        oneline[sha] = not find(src, '\\n', 1, true)
      end
    end
    if f then
      local nk = tonumber(job[4])
      local total = #job - 4
      fill(K, job, 5, nk, nkeys)
      fill(A, job, 5 + nk, total - nk, nargs)
      nkeys, nargs = nk, total - nk
      chunkname = 'user_script'
      if resp ~= 2 then usecalls(2) end
      resp = 2
      curOneLine = oneline[sha] == true
      current = f
      local ok, r = xpcall(runscript, handler)
      job = finish(ok, r, sha)
    end
  elseif op == 'f' then
    -- fcall: name, numkeys, keys..., args...
    local entry = functions[job[2]]
    local nk = tonumber(job[3])
    local keys, args = {}, {}
    for i = 1, nk do keys[i] = job[3 + i] end
    for i = 4 + nk, #job do args[#args + 1] = job[i] end
    chunkname = 'user_function'
    if resp ~= 2 then usecalls(2) end
    resp = 2
    curOneLine = false
    local ok, r = xpcall(function() return entry.fn(keys, args) end, handler)
    job = finish(ok, r, job[2])
  elseif op == 'c' then
    local f, e = compile(job[3], 'user_script', EVAL_PREFIX)
    if f then
      scripts[job[2]] = f
      oneline[job[2]] = not find(job[3], '\\n', 1, true)
      job = ctl('d', 'OK')
    else
      job = ctl('d', 'C', e)
    end
  elseif op == 'l' then
    local reply, registered = loadlib(job[2], job[3])
    job = reply
    -- Only commit when the server accepted the library (names free, flags valid): it answers
    -- with 'commit' or 'drop' before anything else.
    if job[1] == 'commit' and registered then
      local old = libfns[job[2]]
      if old then for _, n in ipairs(old) do functions[n] = nil end end
      local names = {}
      for _, x in ipairs(registered) do functions[x.name] = { fn = x.fn, lib = job[2] } names[#names + 1] = x.name end
      libfns[job[2]] = names
      job = ctl('d', 'OK')
    elseif job[1] == 'drop' then
      job = ctl('d', 'OK')
    end
  elseif op == 'x' then
    local old = libfns[job[2]]
    if old then for _, n in ipairs(old) do functions[n] = nil end end
    libfns[job[2]] = nil
    job = ctl('d', 'OK')
  elseif op == 'X' then
    functions, libfns = {}, {}
    job = ctl('d', 'OK')
  elseif op == 'F' then
    scripts, oneline = {}, {}
    job = ctl('d', 'OK')
  elseif op == 'q' then
    return 'restart'
  else
    job = ctl('d', 'E', 'unknown driver job')
  end
end
`;
