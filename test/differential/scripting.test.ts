import { diffSuite, diffTest } from '../helpers/differential.js';

diffSuite('scripting', (env) => {
  diffTest(env, 'EVAL return values convert as Redis converts them', async (b) => {
    await b.do('EVAL', 'return 1', 0);
    await b.do('EVAL', 'return 3.99', 0);
    await b.do('EVAL', 'return -3.99', 0);
    await b.do('EVAL', 'return 2^53', 0);
    await b.do('EVAL', 'return 1e300', 0);
    await b.do('EVAL', "return 'hello'", 0);
    await b.do('EVAL', 'return true', 0);
    await b.do('EVAL', 'return false', 0);
    await b.do('EVAL', 'return nil', 0);
    await b.do('EVAL', '', 0);
    await b.do('EVAL', "return {1, 'a', {ok='x'}, false, true, {2, {3}}, nil, 4}", 0);
    await b.do('EVAL', "return {ok='fine'}", 0);
    await b.do('EVAL', "return {err='MY own error'}", 0);
    await b.do('EVAL', "return redis.status_reply('FOO')", 0);
    await b.do('EVAL', "return redis.error_reply('CODE text')", 0);
    await b.do('EVAL', "return redis.error_reply('no code here')", 0);
    await b.do('EVAL', "return {double=3.14}", 0);
    await b.do('EVAL', 'return {}', 0);
    await b.do('EVAL', 'return {1, 2, nil, 4}', 0);
    await b.do('EVAL', 'return tostring(3/1)', 0);
    await b.do('EVAL', 'return tostring(0.1)', 0);
    await b.do('EVAL', 'return tostring(2^53 + 1)', 0);
    await b.do('EVAL', 'return tostring(2^31 * 4)', 0);
    await b.do('EVAL', 'return 2^31 * 4 + 1', 0);
    await b.do('EVAL', 'return 0/0', 0);
    await b.do('EVAL', "return {unpack({1, 2, 3})}", 0);
    await b.do('EVAL', 'return table.getn({1, 2, 3})', 0);
    await b.do('EVAL', 'return math.mod(7, 3)', 0);
    await b.do('EVAL', "return type(string.gfind)", 0);
    await b.do('EVAL', "return loadstring('return 7')()", 0);
    // Millisecond timestamps through %d (lua-redis-wasm's C long is 32-bit; nodis formats them).
    await b.do('EVAL', "return string.format('%d', 1700000000000)", 0);
    await b.do('EVAL', "return string.format('%5d|%-14d|%%d|%s|%i', 7, 2^40, 'x', -2^35)", 0);
    await b.do('EVAL', "return string.format('%d', ARGV[1])", 0, '1700000000123');
    await b.do('EVAL', "return string.format('%.3f', 1/3)", 0);
  });

  diffTest(env, 'RESP3 conversions after redis.setresp(3)', async (b) => {
    await b.do('EVAL', 'redis.setresp(3); return {double=3.5}', 0);
    await b.do('EVAL', "redis.setresp(3); return {map={a=1}}", 0);
    await b.do('EVAL', "redis.setresp(3); return {set={x=true}}", 0);
    await b.do('EVAL', 'redis.setresp(3); return true', 0);
    await b.do('EVAL', 'redis.setresp(3); return false', 0);
    await b.do('EVAL', "redis.setresp(3); return {big_number='123456789012345678901234567890'}", 0);
    await b.do('HSET', 'h', 'f', 'v');
    await b.do('EVAL', "redis.setresp(3); local r = redis.call('HGETALL', 'h'); return r.map.f", 0);
    await b.do('EVAL', "redis.setresp(3); return redis.call('HGETALL', 'h')", 0);
    await b.do('ZADD', 'z', '1.5', 'm');
    await b.do('EVAL', "redis.setresp(3); return redis.call('ZSCORE', 'z', 'm').double", 0);
    await b.do('EVAL', "return redis.call('ZSCORE', 'z', 'm')", 0);
    await b.do('EVAL', "redis.setresp(3); return redis.call('EXISTS', 'h')", 0);
    await b.do('DEL', 'h', 'z');
  });

  diffTest(env, 'redis.call and pcall: replies, KEYS and ARGV', async (b) => {
    await b.do('EVAL', "return redis.call('SET', KEYS[1], ARGV[1])", 1, 'k', 'v');
    await b.do('EVAL', "return redis.call('GET', KEYS[1])", 1, 'k');
    await b.do('EVAL', "return redis.call('GET', 'missing')", 0);
    await b.do('EVAL', "return redis.call('GET', 'missing') == false", 0);
    await b.do('EVAL', "return {KEYS[1], KEYS[2], ARGV[1], ARGV[2], #KEYS, #ARGV}", 2, 'a', 'b', 'c', 'd');
    await b.do('EVAL', "return redis.call('INCRBY', 'n', 5)", 0);
    await b.do('EVAL', "return redis.call('SET', 'f', 3.5)", 0);
    await b.do('GET', 'f');
    await b.do('EVAL', "return redis.pcall('INCR', 'k')", 0);
    await b.do('EVAL', "local r = redis.pcall('INCR', 'k'); return r.err", 0);
    await b.do('EVAL', "return {pcall(redis.call, 'nosuch')}", 0);
    await b.do('EVAL', "local ok, e = pcall(redis.call, 'nosuch'); return type(e)", 0);
    await b.do('EVAL', "local ok, e = pcall(error, {err='X y'}); return e", 0);
    await b.do('EVAL', "return redis.call('PING')", 0);
    await b.do('EVAL', "return redis.call('PING').ok", 0);
    await b.do('EVAL', "redis.call('SELECT', 1); redis.call('SET', 'in1', 'x'); return redis.call('DBSIZE')", 0);
    await b.do('DBSIZE');
    await b.do('SELECT', 1);
    await b.do('FLUSHDB');
    await b.do('SELECT', 0);
    await b.do('EVAL', "return redis.sha1hex('')", 0);
    await b.do('EVAL', "return redis.sha1hex('abc')", 0);
    await b.do('EVAL', 'return redis.REDIS_VERSION ~= nil', 0);
    await b.do('EVAL', 'return redis.replicate_commands()', 0);
    await b.do('EVAL', 'redis.set_repl(redis.REPL_ALL); return 1', 0);
    await b.do('EVAL', "redis.log(redis.LOG_WARNING, 'from a script'); return 1", 0);
    await b.do('EVAL', "return redis.call('LPUSH', 'l', 'a', 'b', 'c')", 0);
    await b.do('EVAL', "return redis.call('LRANGE', 'l', 0, -1)", 0);
    await b.do('DEL', 'k', 'n', 'f', 'l');
  });

  diffTest(env, 'error replies: runtime, compile, commands', async (b) => {
    await b.do('SET', 'str', 'x');
    await b.do('EVAL', 'return foo', 0);
    await b.do('EVAL', 'x = 1', 0);
    await b.do('EVAL', "return redis.call('nosuch')", 0);
    await b.do('EVAL', "redis.call('nosuch')", 0);
    await b.do('EVAL', "error('boom')", 0);
    await b.do('EVAL', "\n\nerror('on line three')", 0);
    await b.do('EVAL', "local function f()\n error('deep')\nend\nf()", 0);
    await b.do('EVAL', "error({err='MY custom'})", 0);
    await b.do('EVAL', "error(redis.error_reply('x y'))", 0);
    await b.do('EVAL', "return redis.call('set', 'k')", 0);
    await b.do('EVAL', "redis.call('incr', 'str')", 0);
    await b.do('EVAL', "local t = {}; redis.call(t)", 0);
    await b.do('EVAL', 'redis.call()', 0);
    await b.do('EVAL', 'return redis.pcall()', 0);
    await b.do('EVAL', 'return 1 +', 0);
    await b.do('EVAL', 'return "unfinished', 0);
    await b.do('EVAL', 'return os', 0);
    await b.do('EVAL', 'return setfenv', 0);
    await b.do('EVAL', "local a = nil; return a.b", 0);
    await b.do('EVAL', "return redis.call('MULTI')", 0);
    await b.do('EVAL', "return redis.call('EVAL', 'return 1', 0)", 0);
    await b.do('EVAL', "redis.call('SUBSCRIBE', 'ch')", 0);
    await b.do('EVAL', "redis.setresp(4)", 0);
    await b.do('EVAL', "redis.log(redis.LOG_WARNING)", 0);
    await b.do('EVAL', "redis.log(99, 'x')", 0);
    await b.do('EVAL', 'redis.set_repl(99)', 0);
    await b.do('EVAL', "KEYS = {}", 0);
    await b.do('EVAL', "string.foo = 1", 0);
    await b.do('EVAL', "redis.call = nil", 0);
    await b.do('EVAL', "cjson.encode = nil", 0);
    await b.do('EVAL', "return loadstring(string.dump(function() return 1 end))", 0);
    await b.do('DEL', 'str');
  });

  diffTest(env, 'numkeys, NOSCRIPT and the script cache', async (b) => {
    await b.do('EVAL', 'return 1', -1);
    await b.do('EVAL', 'return 1', 2, 'a');
    await b.do('EVAL', 'return 1', 'x');
    await b.do('EVAL', 'return 1');
    await b.do('EVALSHA', 'ffffffffffffffffffffffffffffffffffffffff', 0);
    await b.do('EVALSHA', 'short', 0);
    await b.do('SCRIPT', 'LOAD', "return 'loaded'");
    await b.do('EVALSHA', 'b534286061d4b9e4026607613b95c06c06015ae8', 0);
    await b.do('EVALSHA', 'B534286061D4B9E4026607613B95C06C06015AE8', 0);
    await b.do('SCRIPT', 'EXISTS', 'b534286061d4b9e4026607613b95c06c06015ae8', 'ffffffffffffffffffffffffffffffffffffffff');
    await b.do('SCRIPT', 'LOAD', 'return +');
    await b.do('EVAL', 'return 42', 0);
    await b.do('EVALSHA', '1fa00e76656cc152ad327c13fe365858fd7be306', 0);
    await b.do('SCRIPT', 'FLUSH');
    await b.do('SCRIPT', 'EXISTS', 'b534286061d4b9e4026607613b95c06c06015ae8');
    await b.do('EVALSHA', 'b534286061d4b9e4026607613b95c06c06015ae8', 0);
    await b.do('SCRIPT', 'FLUSH', 'ASYNC');
    await b.do('SCRIPT', 'FLUSH', 'bad');
    await b.do('SCRIPT', 'KILL');
    await b.do('SCRIPT', 'NOSUCH');
    await b.do('SCRIPT', 'HELP');
  });

  diffTest(env, 'read-only scripts and shebang flags', async (b) => {
    await b.do('EVAL_RO', "return redis.call('GET', 'x')", 0);
    await b.do('EVAL_RO', "return redis.call('SET', 'x', 1)", 0);
    await b.do('EVAL', "#!lua flags=no-writes\nreturn redis.call('SET', 'x', 1)", 0);
    await b.do('EVAL', "#!lua flags=no-writes\nreturn redis.call('GET', 'x')", 0);
    await b.do('EVAL', "#!lua\nreturn 1", 0);
    await b.do('EVAL_RO', "#!lua\nreturn 1", 0);
    await b.do('EVAL_RO', "#!lua flags=no-writes\nreturn 1", 0);
    await b.do('EVAL', "#!lua flags=allow-oom,no-cluster\nerror('line two')", 0);
    await b.do('EVAL', "#!lua flags=bogus\nreturn 1", 0);
    await b.do('EVAL', "#!lua bogus=1\nreturn 1", 0);
    await b.do('EVAL', "#!python\nreturn 1", 0);
    await b.do('EVAL', '#!lua', 0);
    await b.do('SCRIPT', 'LOAD', "return redis.call('GET', 'x')");
    await b.do('EVALSHA_RO', 'a64fa1ae1d4fbe13c2d8d5ba4bbe6fb2e4cc1a1c', 0);
  });

  diffTest(env, 'cjson, cmsgpack, bit, struct', async (b) => {
    await b.do('EVAL', "return cjson.encode({1, 2, 'three'})", 0);
    await b.do('EVAL', "return cjson.encode({a = {b = 1}})", 0);
    await b.do('EVAL', "return cjson.decode('[1,2,{\"a\":3}]')[3].a", 0);
    await b.do('EVAL', "return cjson.encode(cjson.decode('{\"x\":null}'))", 0);
    await b.do('EVAL', 'return cjson.encode(0.1)', 0);
    await b.do('EVAL', 'return cjson.encode(2^53)', 0);
    await b.do('EVAL', "return tostring(cjson.decode('123456789012'))", 0);
    await b.do('EVAL', "return cjson.decode('not json')", 0);
    await b.do('EVAL', "return cmsgpack.unpack(cmsgpack.pack({1, 2, 'x', {y = 1}}))", 0);
    await b.do('EVAL', "return cmsgpack.pack({a = 1})", 0);
    await b.do('EVAL', "return {cmsgpack.unpack(cmsgpack.pack(1, 'two', 3.5))}", 0);
    await b.do('EVAL', "return cmsgpack.pack(2^40, -1, 0.25)", 0);
    await b.do('EVAL', 'return bit.band(0xff, 0x0f)', 0);
    await b.do('EVAL', 'return bit.tohex(65535)', 0);
    await b.do('EVAL', 'return bit.lshift(1, 31)', 0);
    await b.do('EVAL', "return struct.pack('>I2', 258)", 0);
    await b.do('EVAL', "return {struct.unpack('>I2', 'AB')}", 0);
  });

  diffTest(env, 'bad input: huge returns, deep recursion, big loops', async (b) => {
    await b.do('EVAL', 'local t = {} for i = 1, 100000 do t[i] = i end return t', 0);
    await b.do('EVAL', "return string.rep('x', 1000000)", 0);
    // Past lua-redis-wasm's built-in 64 MB memory (nodis widens it).
    await b.do('EVAL', 'local t = {} for i = 1, 6000000 do t[i] = i end return #t', 0);
    await b.do('EVAL', 'local function f(n) return f(n + 1) + 1 end return f(1)', 0);
    await b.do('EVAL', 'local x = 0 for i = 1, 3000000 do x = x + i end return x', 0);
    await b.do('EVAL', "local t = setmetatable({}, {__index = function(t, k) return k end}) return t.foo", 0);
    await b.do('EVAL', 'local co = coroutine.create(function() coroutine.yield(1) end) return {coroutine.resume(co)}', 0);
    await b.do('PING');
  });

  diffTest(env, 'a RESP3 null from redis.call is nil in Lua after redis.setresp(3), false before', async (b) => {
    await b.do('RPUSH', 'L', 'a', 'b');
    await b.do('EVAL', "redis.setresp(3) return redis.call('get', 'nokey') == nil", 0);
    await b.do('EVAL', "redis.setresp(3) return type(redis.call('get', 'nokey'))", 0);
    await b.do('EVAL', "return type(redis.call('get', 'nokey'))", 0);
    await b.do('EVAL', "redis.setresp(3) return tostring(redis.call('lpos', 'L', 'zz'))", 0);
    await b.do('EVAL', "redis.setresp(3) return tostring(redis.pcall('get', 'nokey'))", 0);
    await b.do('EVAL', "redis.setresp(3) local t = redis.call('mget', 'nokey', 'L') return {#t, type(t[1])}", 0);
    await b.do('EVAL', "redis.setresp(3) redis.setresp(2) return type(redis.call('get', 'nokey'))", 0);
    await b.do('EVAL', "redis.setresp(3) return redis.call('incr', 'L')", 0);
  });

  diffTest(env, 'redis.acl_check_cmd: true for a command that exists, an error for an unknown one', async (b) => {
    await b.do('EVAL', "return redis.acl_check_cmd('get', 'k')", 0);
    await b.do('EVAL', "return redis.acl_check_cmd('SET')", 0);
    await b.do('EVAL', "return redis.acl_check_cmd('config', 'get')", 0);
    await b.do('EVAL', "return redis.acl_check_cmd('config')", 0);
    await b.do('EVAL', "return redis.acl_check_cmd('nosuch')", 0);
    await b.do('EVAL', "return redis.acl_check_cmd('config', 'nosub')", 0);
    await b.do('EVAL', 'return redis.acl_check_cmd(1)', 0);
    await b.do('EVAL', 'return redis.acl_check_cmd({})', 0);
    await b.do('EVAL', 'return redis.acl_check_cmd()', 0);
    await b.do('EVAL', "local ok = redis.acl_check_cmd('nosuch') return 1", 0);
    await b.do('EVAL', 'return redis.setresp(4)', 0);
  });

  diffTest(env, 'time stands still inside a script: a key set with PX 1 does not expire before the script ends', async (b) => {
    const busy = 'local x = 0 for i = 1, 3000000 do x = x + i end';
    await b.do('EVAL', `redis.call('set', KEYS[1], 'v', 'px', '1') ${busy} return redis.call('get', KEYS[1])`, 1, 'k');
    await b.do('EVAL', `redis.call('set', KEYS[1], 'v', 'px', '1') ${busy} return redis.call('exists', KEYS[1])`, 1, 'k2');
  });
});
