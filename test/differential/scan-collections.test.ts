/**
 * HSCAN and SSCAN over hashtable-encoded collections walk COUNT elements a step; the
 * guarantee clients rely on: every element present for the whole iteration is returned at
 * least once, even while the collection grows, shrinks and compacts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffSuite, diffTest, parseReply } from '../helpers/differential.js';
import type { RespClient } from '../helpers/resp-client.js';

/** Runs a full SCAN-style iteration; `between` runs after each step. Returns the items seen and the step count. */
async function iterate(c: RespClient, command: string, key: string, count: number, between: () => Promise<void> = async () => undefined): Promise<{ seen: string[]; steps: number }> {
  const seen: string[] = [];
  let cursor = '0';
  let steps = 0;
  do {
    const [next, items] = parseReply(await c.call(command, key, cursor, 'COUNT', count)) as [string, string[]];
    seen.push(...items);
    cursor = next;
    steps++;
    await between();
    assert.ok(steps < 100000, 'the iteration ends');
  } while (cursor !== '0');
  return { seen, steps };
}

diffSuite('HSCAN and SSCAN over big collections', (env) => {
  test('a static hashtable hash and set: every element once the iteration ends, in several steps', async () => {
    const b = await env.both(2);
    const fields: string[] = [];
    for (let i = 0; i < 1000; i++) fields.push(`f${i}`, `v${i}`);
    await b.do('HSET', 'h', ...fields);
    await b.do('SADD', 's', ...Array.from({ length: 1000 }, (_, i) => `m${i}`));
    await b.do('OBJECT', 'ENCODING', 'h');
    await b.do('OBJECT', 'ENCODING', 's');
    for (const [client, name] of [[b.nodis, 'nodis'], [b.redis, 'redis']] as const) {
      const h = await iterate(client, 'HSCAN', 'h', 50);
      const pairs = new Map<string, string>();
      for (let i = 0; i < h.seen.length; i += 2) pairs.set(h.seen[i]!, h.seen[i + 1]!);
      assert.equal(pairs.size, 1000, `${name}: every field`);
      assert.equal(pairs.get('f7'), 'v7');
      assert.ok(h.steps > 5, `${name}: HSCAN took ${h.steps} steps`);
      const s = await iterate(client, 'SSCAN', 's', 50);
      assert.equal(new Set(s.seen).size, 1000, `${name}: every member`);
      assert.ok(s.steps > 5, `${name}: SSCAN took ${s.steps} steps`);
    }
    b.close();
  });

  test('elements present throughout are returned while others come, go, and the storage compacts (nodis)', async () => {
    const b = await env.both(2);
    const c = b.nodis;
    const stable = Array.from({ length: 300 }, (_, i) => `stable${i}`);
    const churn = Array.from({ length: 700 }, (_, i) => `churn${i}`);
    await c.call('SADD', 's', ...stable, ...churn);
    await c.call('HSET', 'h', ...[...stable, ...churn].flatMap((f) => [f, 'x']));
    for (const [command, add, remove] of [
      ['SSCAN', (m: string) => c.call('SADD', 's', m), (m: string) => c.call('SREM', 's', m)],
      ['HSCAN', (m: string) => c.call('HSET', 'h', m, 'y'), (m: string) => c.call('HDEL', 'h', m)],
    ] as const) {
      let round = 0;
      const { seen } = await iterate(c, command, command === 'SSCAN' ? 's' : 'h', 20, async () => {
        // Each step: delete 60 churn elements (enough to force compactions) and add 5 new ones.
        for (let i = 0; i < 60; i++) await remove(churn[(round * 60 + i) % churn.length]!);
        for (let i = 0; i < 5; i++) await add(`new${round}-${i}`);
        round++;
      });
      const got = new Set(command === 'SSCAN' ? seen : seen.filter((_, i) => i % 2 === 0));
      for (const m of stable) assert.ok(got.has(m), `${command} returned ${m}`);
    }
    b.close();
  });

  diffTest(env, "argument checks in Redis's order; small encodings returned whole whatever the cursor", async (b) => {
    await b.seq(['ZADD', 'z', '1', 'a', '2', 'b'], ['SADD', 'i', '1', '2', '3'], ['HSET', 'h', 'f', 'v'], ['SET', 'str', 'v']);
    for (const cmd of ['HSCAN', 'SSCAN', 'ZSCAN']) {
      // Cursor first, then the key (missing: empty, options unread; wrong type), then the options.
      await b.do(cmd, 'missing', '0', 'FOO');
      await b.do(cmd, 'missing', 'x', 'FOO');
      await b.do(cmd, 'missing', '0', 'COUNT', '0');
      await b.do(cmd, 'str', '0', 'FOO');
      await b.do(cmd, 'str', ' 1');
      await b.do(cmd, 'missing', '18446744073709551616');
      await b.do(cmd, 'str', '');
      await b.do(cmd, 'missing', '', 'COUNT', 5);
    }
    await b.doSorted('SCAN', '');
    await b.doSorted('SCAN', '+0', 'COUNT', 100);
    for (const [cmd, key] of [['ZSCAN', 'z'], ['SSCAN', 'i'], ['HSCAN', 'h']]) {
      await b.do(cmd!, key!, '0', 'FOO');
      await b.do(cmd!, key!, '-1');
      await b.do(cmd!, key!, '7', 'COUNT', '1');
      await b.do(cmd!, key!, '18446744073709551615', 'MATCH', '*');
    }
  });

  diffTest(env, 'BLMPOP and BZMPOP check numkeys, direction and COUNT before the timeout', async (b) => {
    for (const args of [['x', 1, 'l', 'LEFT'], ['0.01', 0, 'l', 'LEFT'], ['x', 0, 'l', 'LEFT'], ['x', 1, 'l', 'MIDDLE'], ['x', 1, 'l', 'LEFT', 'COUNT', 0], ['-1', 2, 'l'], ['99999999999999999999', 'x', 'l']]) {
      await b.do('BLMPOP', ...args);
      await b.do('BZMPOP', ...args.map((a) => (a === 'LEFT' ? 'MIN' : a)));
    }
  });
});
