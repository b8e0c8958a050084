import assert from 'node:assert/strict';
import { diffSuite, diffTest, type Both } from '../helpers/differential.js';

/** A MONITOR line with the timestamp and client port masked (they differ between servers). */
async function nextLine(m: Both): Promise<string> {
  const [ours, theirs] = await Promise.all([m.nodis.read(), m.redis.read()]);
  const mask = (s: string): string => s.replace(/^\+\d+\.\d{6} \[(\d+) [^\]]+\]/, '+T [$1 ADDR]');
  assert.match(ours, /^\+\d{10}\.\d{6} \[\d+ 127\.0\.0\.1:\d+\] /);
  assert.equal(mask(ours), mask(theirs), 'monitor line mismatch');
  return ours;
}

diffSuite('monitor', (env) => {
  diffTest(env, 'MONITOR shows commands with quoted args, db, redacted AUTH', async (m, resp) => {
    const w = await env.both(resp);
    await m.do('MONITOR');
    await w.do('SET', 'k', 'a "q"\n\x01\xff');
    await nextLine(m);
    await w.do('SELECT', 3);
    await nextLine(m);
    await w.do('GET', 'k');
    await nextLine(m);
    await w.do('AUTH', 'user', 'secret');
    await nextLine(m);
    await w.do('CONFIG', 'GET', 'maxmemory');
    await w.do('PING');
    await nextLine(m);
    w.close();
  });
});
