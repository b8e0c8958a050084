import { diffSuite, diffTest } from '../helpers/differential.js';

const LIB = [
  '#!lua name=mylib',
  "redis.register_function('echo_keys', function(keys, args) return {keys[1], args[1], #keys, #args} end)",
  "redis.register_function{function_name='ro_get', callback=function(keys) return redis.call('GET', keys[1]) end, flags={'no-writes'}, description='reads a key'}",
  "redis.register_function('setter', function(keys, args) return redis.call('SET', keys[1], args[1]) end)",
  "redis.register_function('fails', function() error('from a function') end)",
  "redis.register_function('bad_cmd', function() return redis.call('nosuch') end)",
].join('\n');

diffSuite('functions', (env) => {
  diffTest(env, 'FUNCTION LOAD, FCALL, FCALL_RO, LIST, DELETE', async (b) => {
    await b.do('FUNCTION', 'FLUSH');
    await b.do('FUNCTION', 'LOAD', LIB);
    await b.do('FUNCTION', 'LOAD', LIB);
    await b.do('FUNCTION', 'LOAD', 'REPLACE', LIB);
    await b.do('FCALL', 'echo_keys', 2, 'k1', 'k2', 'a1');
    await b.do('FCALL', 'setter', 1, 'fk', 'fv');
    await b.do('FCALL', 'ro_get', 1, 'fk');
    await b.do('FCALL_RO', 'ro_get', 1, 'fk');
    await b.do('FCALL_RO', 'setter', 1, 'fk', 'x');
    await b.do('FCALL', 'fails', 0);
    await b.do('FCALL', 'bad_cmd', 0);
    await b.do('FCALL', 'nosuch', 0);
    await b.do('FCALL', 'setter', 'x');
    await b.do('FCALL', 'setter', -1);
    await b.do('FCALL', 'setter', 5, 'a');
    // Redis lists a library's functions in hash order: compare with one function per library.
    await b.do('FUNCTION', 'LOAD', "#!lua name=listed\nredis.register_function{function_name='only', callback=function() return 1 end, flags={'no-writes', 'allow-oom'}, description='the only one'}");
    await b.do('FUNCTION', 'LIST', 'LIBRARYNAME', 'list*');
    await b.do('FUNCTION', 'LIST', 'WITHCODE', 'LIBRARYNAME', 'listed');
    await b.do('FUNCTION', 'DELETE', 'listed');
    await b.do('FUNCTION', 'LIST', 'LIBRARYNAME', 'other*');
    await b.do('FUNCTION', 'LIST', 'LIBRARYNAME');
    await b.do('FUNCTION', 'LIST', 'BOGUS');
    await b.do('FUNCTION', 'STATS');
    await b.do('FUNCTION', 'DELETE', 'mylib');
    await b.do('FUNCTION', 'DELETE', 'mylib');
    await b.do('FCALL', 'setter', 1, 'fk', 'fv');
    await b.do('DEL', 'fk');
  });

  diffTest(env, 'FUNCTION LOAD errors', async (b) => {
    await b.do('FUNCTION', 'FLUSH');
    await b.do('FUNCTION', 'LOAD', "redis.register_function('f', function() return 1 end)");
    await b.do('FUNCTION', 'LOAD', '#!lua name=a');
    await b.do('FUNCTION', 'LOAD', '#!lua\nreturn 1');
    await b.do('FUNCTION', 'LOAD', '#!lua name=a name=b\nreturn 1');
    await b.do('FUNCTION', 'LOAD', '#!lua name=a foo=b\nreturn 1');
    await b.do('FUNCTION', 'LOAD', '#!python name=a\nreturn 1');
    await b.do('FUNCTION', 'LOAD', '#!lua name=a-b\nreturn 1');
    await b.do('FUNCTION', 'LOAD', '#!lua name=a\nreturn +');
    await b.do('FUNCTION', 'LOAD', '#!lua name=a\nlocal x = 1');
    await b.do('FUNCTION', 'LOAD', "#!lua name=a\nredis.call('set', 'x', 'y')");
    await b.do('FUNCTION', 'LOAD', "#!lua name=a\nredis.register_function('f', function() return 1 end, 3)");
    await b.do('FUNCTION', 'LOAD', "#!lua name=a\nredis.register_function{function_name='f', callback=function() return 1 end, flags={'bad'}}");
    await b.do('FUNCTION', 'LOAD', "#!lua name=a\nredis.register_function('f-x', function() return 1 end)");
    await b.do('FUNCTION', 'LOAD', "#!lua name=a\nredis.register_function('f', function() return 1 end)\nredis.register_function('f', function() return 2 end)");
    await b.do('FUNCTION', 'LOAD', "#!lua name=a\nredis.register_function(1, function() return 1 end)");
    await b.do('FUNCTION', 'LOAD', "#!lua name=a\nredis.register_function('f', 'notfn')");
    await b.do('FUNCTION', 'LOAD', "#!lua name=a\nredis.register_function{function_name='f'}");
    await b.do('FUNCTION', 'LOAD', "#!lua name=a\nredis.register_function{callback=function() end}");
    await b.do('FUNCTION', 'LOAD', "#!lua name=a\nredis.register_function{function_name='f', callback=function() end, what=1}");
    await b.do('FUNCTION', 'LOAD', "#!lua name=a\nredis.register_function('f', function() return 1 end)");
    await b.do('FUNCTION', 'LOAD', "#!lua name=b\nredis.register_function('f', function() return 1 end)");
    await b.do('FUNCTION', 'LOAD', 'BOGUS', "#!lua name=b\nredis.register_function('g', function() return 1 end)");
    await b.do('FUNCTION', 'DELETE', 'a');
    await b.do('FUNCTION', 'FLUSH', 'bogus');
    await b.do('FUNCTION', 'FLUSH', 'ASYNC');
    await b.do('FUNCTION', 'KILL');
    await b.do('FUNCTION', 'HELP');
    await b.do('FUNCTION', 'STATS');
  });

  diffTest(env, 'FUNCTION DUMP and RESTORE', async (b) => {
    await b.do('FUNCTION', 'FLUSH');
    await b.do('FUNCTION', 'LOAD', "#!lua name=d1\nredis.register_function('d1f', function() return 'one' end)");
    const dump = await b.do('FUNCTION', 'DUMP');
    const payload = dump.slice(dump.indexOf('\r\n') + 2, dump.length - 2);
    await b.do('FUNCTION', 'RESTORE', payload);
    await b.do('FUNCTION', 'RESTORE', payload, 'REPLACE');
    await b.do('FUNCTION', 'RESTORE', payload, 'BOGUS');
    await b.do('FUNCTION', 'RESTORE', 'garbage-payload');
    await b.do('FUNCTION', 'FLUSH');
    await b.do('FUNCTION', 'RESTORE', payload);
    await b.do('FCALL', 'd1f', 0);
    await b.do('FUNCTION', 'RESTORE', payload, 'FLUSH');
    await b.do('FUNCTION', 'LIST');
    await b.do('FUNCTION', 'FLUSH');
  });
});
