/**
 * ZSCAN over a skiplist-encoded sorted set walks COUNT members a step (a listpack one is
 * returned whole, as Redis does); the guarantee clients rely on: every member present for
 * the whole iteration is returned at least once, with its score, even while the set grows,
 * shrinks and its slots compact.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffSuite, parseReply } from '../helpers/differential.js';
import type { RespClient } from '../helpers/resp-client.js';

/** A full ZSCAN iteration; `between` runs after each step. Returns member → score and the step count. */
async function iterate(c: RespClient, key: string, count: number, between: () => Promise<void> = async () => undefined): Promise<{ seen: Map<string, string>; steps: number; maxCursor: number }> {
  const seen = new Map<string, string>();
  let cursor = '0';
  let steps = 0;
  let maxCursor = 0;
  do {
    const [next, items] = parseReply(await c.call('ZSCAN', key, cursor, 'COUNT', count)) as [string, string[]];
    for (let i = 0; i < items.length; i += 2) seen.set(items[i]!, items[i + 1]!);
    cursor = next;
    maxCursor = Math.max(maxCursor, Number(next));
    steps++;
    await between();
    assert.ok(steps < 100000, 'the iteration ends');
  } while (cursor !== '0');
  return { seen, steps, maxCursor };
}

diffSuite('ZSCAN over big sorted sets', (env) => {
  test('a static skiplist set: every member with its score, in several steps; a listpack in one', async () => {
    const b = await env.both(2);
    const args: string[] = [];
    for (let i = 0; i < 1000; i++) args.push(String(i / 4), `m${i}`);
    await b.do('ZADD', 'z', ...args);
    await b.do('ZADD', 'small', '1', 'a', '2', 'b', '3', 'c');
    await b.do('OBJECT', 'ENCODING', 'z');
    await b.do('OBJECT', 'ENCODING', 'small');
    await b.do('ZSCAN', 'small', 0, 'COUNT', 1);
    for (const [client, name] of [[b.nodis, 'nodis'], [b.redis, 'redis']] as const) {
      const { seen, steps } = await iterate(client, 'z', 50);
      assert.equal(seen.size, 1000, `${name}: every member`);
      assert.equal(seen.get('m7'), '1.75');
      assert.ok(steps > 5, `${name}: ZSCAN took ${steps} steps`);
    }
    b.close();
  });

  test('members present throughout are returned while others come, go, and the slots compact (nodis)', async () => {
    const b = await env.both(2);
    const c = b.nodis;
    // 900 of 1000 go while 5 a step come: holes pass 3/4 of the slots, which compacts them.
    const stable = Array.from({ length: 100 }, (_, i) => `stable${i}`);
    const churn = Array.from({ length: 900 }, (_, i) => `churn${i}`);
    await c.call('ZADD', 'z', ...[...stable, ...churn].flatMap((m, i) => [String(i), m]));
    let round = 0;
    const { seen, maxCursor } = await iterate(c, 'z', 20, async () => {
      // Each step: remove 60 churn members (enough to force compactions), add 5, move a stable one.
      for (let i = 0; i < 60; i++) await c.call('ZREM', 'z', churn[(round * 60 + i) % churn.length]!);
      for (let i = 0; i < 5; i++) await c.call('ZADD', 'z', String(-round), `new${round}-${i}`);
      await c.call('ZINCRBY', 'z', '0', stable[round % stable.length]!);
      round++;
    });
    stable.forEach((m, i) => assert.equal(seen.get(m), String(i), `ZSCAN returned ${m}`));
    // nodis cursors carry the compaction epoch above bit 32.
    assert.ok(maxCursor >= 2 ** 32, 'the slots were compacted during the scan');
    b.close();
  });
});
