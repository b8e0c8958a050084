/**
 * CLIENT PAUSE / UNPAUSE against Redis: argument errors, WRITE pauses writes and
 * may-replicate commands (PUBLISH, EXEC of a writing transaction) but not reads, ALL pauses
 * everything until the timeout, postponed clients wait (not rejected) and then run every
 * pipelined command in order, INFO blocked_clients and CLIENT LIST show them, and expiry
 * stands still while paused.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RespClient } from '../helpers/resp-client.js';
import { startNodis } from '../helpers/servers.js';
import { diffSuite, diffTest, type Both } from '../helpers/differential.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Nothing may have arrived on either side yet. */
async function stillWaiting(b: Both): Promise<void> {
  await sleep(100);
  assert.equal(b.nodis.drain(), '', 'nodis replied during the pause');
  assert.equal(b.redis.drain(), '', 'redis replied during the pause');
}

/** The next reply on both sides must be identical. */
async function next(b: Both): Promise<string> {
  const [ours, theirs] = await Promise.all([b.nodis.read(), b.redis.read()]);
  assert.equal(ours, theirs, 'reply mismatch after the pause');
  return ours;
}

/** INFO fields that must agree. */
async function info(b: Both, section: string, ...fields: string[]): Promise<void> {
  const pick = (s: string): string[] => s.split('\r\n').filter((l) => fields.includes(l.split(':')[0]!));
  const [ours, theirs] = await Promise.all([b.nodis.call('INFO', section), b.redis.call('INFO', section)]);
  assert.deepEqual(pick(ours), pick(theirs), `INFO ${fields.join(' ')}`);
}

/** The flags and cmd fields CLIENT LIST shows for the connection pair `target`. */
async function listFields(b: Both, target: Both): Promise<() => Promise<void>> {
  const idN = (await target.nodis.call('CLIENT', 'ID')).slice(1, -2);
  const idR = (await target.redis.call('CLIENT', 'ID')).slice(1, -2);
  const line = (list: string, id: string): string => {
    const l = list.split('\n').find((x) => x.includes(`id=${id} `)) ?? '';
    return l
      .split(' ')
      .filter((kv) => kv.startsWith('flags=') || kv.startsWith('cmd='))
      .join(' ');
  };
  return async (): Promise<void> => {
    const [ours, theirs] = await Promise.all([b.nodis.call('CLIENT', 'LIST'), b.redis.call('CLIENT', 'LIST')]);
    assert.equal(line(ours, idN), line(theirs, idR), 'CLIENT LIST flags/cmd');
  };
}

diffSuite('client pause', (env) => {
  diffTest(env, 'CLIENT PAUSE argument errors', async (b) => {
    await b.do('CLIENT', 'PAUSE', 'abc');
    await b.do('CLIENT', 'PAUSE', '-1');
    await b.do('CLIENT', 'PAUSE', '100', 'MAYBE');
    await b.do('CLIENT', 'PAUSE', 'abc', 'MAYBE');
    await b.do('CLIENT', 'PAUSE', '100', 'WRITE', 'extra');
    // Redis 7.2 refuses a timeout that would overflow (7.0, the reference here, accepts it).
    assert.equal(await b.nodis.call('CLIENT', 'PAUSE', '9223372036854775807'), '-ERR timeout is out of range\r\n');
    await b.do('CLIENT', 'PAUSE');
    await b.do('CLIENT', 'UNPAUSE', 'x');
    await b.do('CLIENT', 'UNPAUSE');
    await b.do('CLIENT', 'PAUSE', '0');
    await b.do('SET', 'k', 'v');
  });

  diffTest(env, 'WRITE: reads run, writes and PUBLISH wait and then run in order', async (admin, resp) => {
    const w = await env.both(resp, false);
    const p = await env.both(resp, false);
    const watchList = await listFields(admin, w);
    await admin.do('CLIENT', 'PAUSE', '60000', 'WRITE');
    await w.do('GET', 'foo');
    await w.do('PING');
    // Arity errors are answered at once: they are rejected before the pause check.
    await w.do('SET', 'foo');
    w.nodis.send('SET', 'foo', 'bar');
    w.redis.send('SET', 'foo', 'bar');
    w.nodis.send('GET', 'foo');
    w.redis.send('GET', 'foo');
    p.nodis.send('PUBLISH', 'ch', 'm');
    p.redis.send('PUBLISH', 'ch', 'm');
    await stillWaiting(w);
    await stillWaiting(p);
    await info(admin, 'clients', 'blocked_clients');
    await watchList();
    await admin.do('GET', 'foo');
    await admin.do('CLIENT', 'UNPAUSE');
    await next(w);
    await next(w);
    await next(p);
    await w.do('GET', 'foo');
    await info(admin, 'clients', 'blocked_clients');
  });

  diffTest(env, 'WRITE: MULTI with a queued write makes EXEC wait; a read-only one runs', async (admin, resp) => {
    const t = await env.both(resp, false);
    await t.do('MULTI');
    await t.do('SET', 'a', '1');
    await admin.do('CLIENT', 'PAUSE', '60000', 'WRITE');
    t.nodis.send('EXEC');
    t.redis.send('EXEC');
    await stillWaiting(t);
    const r = await env.both(resp, false);
    await r.do('MULTI');
    await r.do('GET', 'a');
    await r.do('PING');
    await r.do('EXEC');
    await admin.do('CLIENT', 'UNPAUSE');
    await next(t);
    await r.do('GET', 'a');
  });

  diffTest(env, 'ALL: every command waits until the timeout', async (admin, resp) => {
    const c = await env.both(resp, false);
    await admin.do('SET', 'x', '1');
    const start = Date.now();
    await admin.do('CLIENT', 'PAUSE', '400', 'ALL');
    c.nodis.send('GET', 'x');
    c.redis.send('GET', 'x');
    await stillWaiting(c);
    // The pauser's own commands wait too (only the timeout ends an ALL pause).
    admin.nodis.send('CLIENT', 'UNPAUSE');
    admin.redis.send('CLIENT', 'UNPAUSE');
    await stillWaiting(admin);
    await next(c);
    assert.ok(Date.now() - start >= 390, 'the read waited for the ALL pause');
    await next(admin);
    await c.do('PING');
  });

  diffTest(env, 'expiry stands still while paused', async (admin, resp) => {
    const r = await env.both(resp, false);
    await admin.do('CONFIG', 'RESETSTAT');
    await admin.do('SET', 'e1', 'v', 'PX', '50');
    await admin.do('SET', 'e2', 'v', 'PX', '50');
    await admin.do('CLIENT', 'PAUSE', '60000', 'WRITE');
    await sleep(150);
    await r.do('GET', 'e1');
    await r.do('EXISTS', 'e2');
    await r.do('DBSIZE');
    await info(r, 'stats', 'expired_keys');
    await admin.do('CLIENT', 'UNPAUSE');
    await r.do('GET', 'e1');
    await r.do('GET', 'e2');
    await info(r, 'stats', 'expired_keys');
  });
});

test('nothing is lost: 20 clients pipelining 50 INCRs each during a pause all run, in order', async () => {
  const server = await startNodis();
  const clients: RespClient[] = [];
  try {
    const admin = await RespClient.connect(server.port);
    clients.push(admin);
    assert.equal(await admin.call('CLIENT', 'PAUSE', '60000', 'WRITE'), '+OK\r\n');
    for (let i = 0; i < 20; i++) {
      const c = await RespClient.connect(server.port);
      clients.push(c);
      for (let j = 0; j < 50; j++) c.send('INCR', 'counter');
    }
    await sleep(50);
    assert.equal(await admin.call('GET', 'counter'), '$-1\r\n');
    assert.match(await admin.call('INFO', 'clients'), /blocked_clients:20\r\n/);
    assert.equal(await admin.call('CLIENT', 'UNPAUSE'), '+OK\r\n');
    for (const c of clients.slice(1)) {
      let last = 0;
      for (let j = 0; j < 50; j++) {
        const n = Number((await c.read()).slice(1, -2));
        assert.ok(n > last, 'each client sees its increments in order');
        last = n;
      }
    }
    assert.equal(await admin.call('GET', 'counter'), '$4\r\n1000\r\n');
  } finally {
    for (const c of clients) c.close();
    await server.stop();
  }
});
