import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffSuite, diffTest, parseReply } from '../helpers/differential.js';

diffSuite('server and connection commands', (env) => {
  diffTest(env, 'CONFIG GET/SET', async (b) => {
    await b.do('CONFIG', 'GET', 'maxmemory');
    await b.do('CONFIG', 'GET', 'save');
    await b.do('CONFIG', 'GET', 'appendonly');
    await b.do('CONFIG', 'GET', 'databases');
    await b.doSorted('CONFIG', 'GET', 'maxmemory*');
    await b.doSorted('CONFIG', 'GET', 'hash-max-*');
    await b.do('CONFIG', 'GET', 'nosuchparam');
    await b.do('CONFIG', 'SET', 'maxmemory', '100mb');
    await b.do('CONFIG', 'GET', 'maxmemory');
    await b.do('CONFIG', 'SET', 'maxmemory', 'abc');
    await b.do('CONFIG', 'SET', 'maxmemory-policy', 'nosuch');
    await b.do('CONFIG', 'SET', 'nosuch', '1');
    await b.do('CONFIG', 'SET', 'daemonize', 'yes');
    await b.do('CONFIG', 'SET', 'maxmemory', '1', 'maxmemory', '2');
    await b.do('CONFIG', 'SET', 'hz', '20', 'maxmemory', 'x');
    await b.do('CONFIG', 'GET', 'hz');
    await b.do('CONFIG', 'SET', 'hz', '20', 'maxmemory', '0');
    await b.do('CONFIG', 'GET', 'hz');
    await b.do('CONFIG', 'SET', 'hz', '10');
    await b.do('CONFIG', 'SET', 'protected-mode', 'maybe');
    await b.do('CONFIG', 'SET', 'port');
    await b.do('CONFIG', 'SET', 'maxmemory', '0', 'hz');
    await b.do('CONFIG', 'GET');
    await b.do('CONFIG', 'NOSUCH');
    await b.do('CONFIG', 'RESETSTAT');
    await b.do('CONFIG', 'SET', 'slowlog-log-slower-than', '-5');
  });

  diffTest(env, 'CLIENT basics', async (b) => {
    await b.do('CLIENT', 'GETNAME');
    await b.do('CLIENT', 'SETNAME', 'bad name');
    await b.do('CLIENT', 'SETNAME', 'myname');
    await b.do('CLIENT', 'GETNAME');
    await b.do('CLIENT', 'SETNAME', '');
    await b.do('CLIENT', 'GETNAME');
    await b.do('CLIENT', 'NO-EVICT', 'on');
    await b.do('CLIENT', 'NO-EVICT', 'maybe');
    // CLIENT NO-TOUCH is new in 7.2 (the 7.0 oracle doesn't know it).
    assert.equal(await b.nodis.call('CLIENT', 'NO-TOUCH', 'off'), '+OK\r\n');
    await b.do('CLIENT', 'KILL', '1.2.3.4:5');
    await b.do('CLIENT', 'KILL', 'ID', '0');
    await b.do('CLIENT', 'KILL', 'TYPE', 'nosuch');
    await b.do('CLIENT', 'KILL', 'ID', '999999');
    await b.do('CLIENT', 'KILL', 'SKIPME', 'maybe');
    await b.do('CLIENT', 'KILL', 'FOO', 'bar');
    await b.do('CLIENT', 'LIST', 'TYPE', 'nosuch');
    await b.do('CLIENT', 'NOSUCH');
    // SKIP and OFF suppress replies: send them unread; the next reply must be CLIENT REPLY ON's.
    for (const client of [b.nodis, b.redis]) {
      client.send('CLIENT', 'REPLY', 'SKIP');
      client.send('PING', 'skipped');
      client.send('CLIENT', 'REPLY', 'OFF');
      client.send('SET', 'k', 'v');
      client.send('GET', 'k');
    }
    await b.do('CLIENT', 'REPLY', 'ON');
    await b.do('GET', 'k');
  });

  diffTest(env, 'COMMAND INFO for commands whose metadata 7.0 and 7.2 share', async (b) => {
    // SET is left out (its key spec carries a notes text the facts lack); BLPOP lost NOSCRIPT in 7.2.
    // SET: a "notes" text that the shared command facts don't include.
    for (const name of ['get', 'del', 'mget', 'mset', 'incr', 'lpush', 'rename', 'ping', 'echo', 'getrange', 'setbit', 'bitcount', 'lrange', 'exists', 'ttl']) {
      await b.do('COMMAND', 'INFO', name);
    }
    await b.do('COMMAND', 'INFO', 'nosuchcommand');
    await b.do('COMMAND', 'GETKEYS', 'SET', 'k', 'v');
    await b.do('COMMAND', 'GETKEYS', 'MSET', 'a', '1', 'b', '2');
    await b.do('COMMAND', 'GETKEYS', 'ECHO', 'x');
    await b.do('COMMAND', 'GETKEYS', 'NOSUCH', 'x');
    await b.do('COMMAND', 'GETKEYS', 'GET', 'a', 'b');
    await b.do('COMMAND', 'GETKEYSANDFLAGS', 'LMOVE', 'a', 'b', 'LEFT', 'RIGHT');
    await b.do('COMMAND', 'NOSUCH');
  });

  diffTest(env, 'SLOWLOG, LATENCY, MEMORY, TIME, LASTSAVE, DEBUG', async (b) => {
    await b.do('SLOWLOG', 'RESET');
    await b.do('SLOWLOG', 'LEN');
    await b.do('SLOWLOG', 'GET', 'x');
    await b.do('SLOWLOG', 'GET', '-2');
    await b.do('LATENCY', 'RESET');
    await b.do('LATENCY', 'LATEST');
    await b.do('LATENCY', 'HISTORY', 'command');
    await b.do('MEMORY', 'USAGE', 'missing');
    await b.do('MEMORY', 'USAGE', 'k', 'FOO', '1');
    await b.do('DEBUG', 'SET-ACTIVE-EXPIRE', '1');
    await b.do('DEBUG', 'SLEEP', '0');
  });

  test('structural checks: INFO, TIME, CLIENT LIST/INFO, COMMAND COUNT', async () => {
    const b = await env.both(2);
    const ours = parseReply(await b.nodis.call('INFO')) as string;
    const theirs = parseReply(await b.redis.call('INFO')) as string;
    const sections = (t: string): string[] => t.split('\r\n').filter((l) => l.startsWith('# '));
    assert.deepEqual(sections(ours), sections(theirs).filter((s) => s !== '# Cluster'));
    for (const field of ['redis_version', 'tcp_port', 'connected_clients', 'used_memory', 'total_commands_processed', 'keyspace_hits', 'role', 'used_cpu_sys']) {
      assert.match(ours, new RegExp(`\\r\\n${field}:`), field);
    }
    assert.match(ours, /nodis_version:/);
    assert.match(parseReply(await b.nodis.call('INFO', 'commandstats')) as string, /cmdstat_info:calls=\d+,usec=\d+,usec_per_call=[\d.]+,rejected_calls=0,failed_calls=0/);
    const time = parseReply(await b.nodis.call('TIME')) as string[];
    assert.ok(Math.abs(Number(time[0]) - Date.now() / 1000) < 5);
    const fields = (line: string): string[] => line.trim().split(' ').map((kv) => kv.split('=')[0]!);
    const ourInfo = parseReply(await b.nodis.call('CLIENT', 'INFO')) as string;
    const theirInfo = parseReply(await b.redis.call('CLIENT', 'INFO')) as string;
    // Redis 7.2 adds lib-name and lib-ver after resp (the 7.0 oracle lacks them).
    assert.deepEqual(fields(ourInfo), [...fields(theirInfo), 'lib-name', 'lib-ver']);
    const count = Number((await b.nodis.call('COMMAND', 'COUNT')).slice(1, -2));
    assert.equal(count, env.nodisServer.server.commands.commands.size);
    const list = parseReply(await b.nodis.call('COMMAND', 'LIST')) as string[];
    assert.ok(list.includes('get') && list.includes('client|list'));
    b.close();
  });
});

diffSuite('FUNCTION FLUSH (no libraries can be loaded yet)', (env) => {
  diffTest(env, 'FUNCTION FLUSH arguments', async (b) => {
    await b.do('FUNCTION', 'FLUSH');
    await b.do('FUNCTION', 'FLUSH', 'ASYNC');
    await b.do('FUNCTION', 'FLUSH', 'sync');
    await b.do('FUNCTION', 'FLUSH', 'LATER');
    await b.do('FUNCTION', 'FLUSH', 'SYNC', 'ASYNC');
  });
});

diffSuite('CLIENT LIST and INFO count subscriptions by kind', (env) => {
  test('sub/psub fields and pubsub_channels/pubsub_patterns match Redis', async () => {
    const subscriber = await env.both(2);
    const observer = await env.both(2, false);
    for (const client of [subscriber.nodis, subscriber.redis]) {
      client.send('SUBSCRIBE', 'x', 'y');
      await client.read();
      await client.read();
      await client.call('PSUBSCRIBE', 'p*');
    }
    const fields = (text: string): string => /sub=\d+ psub=\d+ ssub=\d+/.exec(text.split('\n').find((l) => l.includes('cmd=psubscribe'))!)![0];
    const [ours, theirs] = [await observer.nodis.call('CLIENT', 'LIST'), await observer.redis.call('CLIENT', 'LIST')];
    assert.equal(fields(ours), fields(theirs));
    const counts = (text: string): string => /pubsub_channels:\d+\r\npubsub_patterns:\d+/.exec(text)![0];
    assert.equal(counts(await observer.nodis.call('INFO', 'stats')), counts(await observer.redis.call('INFO', 'stats')));
    subscriber.close();
    observer.close();
  });
});
