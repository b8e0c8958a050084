import assert from 'node:assert/strict';
import { diffSuite, diffTest, type Both } from '../helpers/differential.js';

async function next(b: Both): Promise<string> {
  const [ours, theirs] = await Promise.all([b.nodis.read(), b.redis.read()]);
  assert.equal(ours, theirs, 'notification mismatch');
  return ours;
}

diffSuite('keyspace notifications', (env) => {
  diffTest(env, 'K and E events for strings and generic commands, n for new keys', async (w, resp) => {
    const sub = await env.both(resp);
    await w.do('CONFIG', 'SET', 'notify-keyspace-events', 'KEA');
    await sub.do('PSUBSCRIBE', '__key*@9__:*');
    await w.do('SELECT', 9);
    await w.do('SET', 'a', '1');
    for (let i = 0; i < 2; i++) await next(sub);
    await w.do('EXPIRE', 'a', 100);
    for (let i = 0; i < 2; i++) await next(sub);
    await w.do('RENAME', 'a', 'b');
    for (let i = 0; i < 4; i++) await next(sub);
    await w.do('DEL', 'b');
    for (let i = 0; i < 2; i++) await next(sub);
    await w.do('CONFIG', 'SET', 'notify-keyspace-events', 'Kn');
    await w.do('SET', 'fresh', '1');
    await next(sub);
    await w.do('CONFIG', 'SET', 'notify-keyspace-events', 'Ex');
    await w.do('SET', 'gone', '1', 'PX', 1);
    await new Promise((r) => setTimeout(r, 20));
    await w.do('GET', 'gone');
    await next(sub);
    await w.do('CONFIG', 'SET', 'notify-keyspace-events', '');
    await w.do('FLUSHDB');
    sub.close();
  });

  diffTest(env, 'active expiry emits expired', async (w, resp) => {
    const sub = await env.both(resp);
    await w.do('CONFIG', 'SET', 'notify-keyspace-events', 'Ex');
    await sub.do('SUBSCRIBE', '__keyevent@8__:expired');
    await w.do('SELECT', 8);
    await w.do('SET', 'soon', '1', 'PX', 5);
    await next(sub);
    await w.do('CONFIG', 'SET', 'notify-keyspace-events', '');
    sub.close();
  });
});
