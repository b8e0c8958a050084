/**
 * Script errors in INFO errorstats and commandstats, as Redis counts them: a command's error
 * raised or returned by the script is counted once (when the command replied), an error of the
 * script itself once, and EVAL's failed_calls counts the calls that replied with an error. Each
 * script runs twice: on the Lua worker, then (promoted) on the server thread.
 */
import assert from 'node:assert/strict';
import { diffSuite, diffTest, type Both } from '../helpers/differential.js';
import type { RespClient } from '../helpers/resp-client.js';

/** "field:value" lines of an INFO section, without the times (usec) that can't match. */
async function info(c: RespClient, section: string): Promise<Record<string, string>> {
  c.send('INFO', section);
  const raw = await c.read();
  const out: Record<string, string> = {};
  for (const line of raw.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0 || line.startsWith('$')) continue;
    out[line.slice(0, colon)] = line.slice(colon + 1).replace(/usec=\d+,usec_per_call=[\d.]+,/, '');
  }
  return out;
}

async function sameStats(b: Both): Promise<void> {
  for (const section of ['errorstats', 'commandstats']) {
    const [ours, theirs] = [await info(b.nodis, section), await info(b.redis, section)];
    assert.deepEqual(ours, theirs, `INFO ${section}`);
  }
  const [ours, theirs] = [await info(b.nodis, 'stats'), await info(b.redis, 'stats')];
  assert.equal(ours['total_error_replies'], theirs['total_error_replies'], 'total_error_replies');
}

diffSuite('scripting stats', (env) => {
  diffTest(env, 'script errors are counted once in errorstats; failed_calls as Redis', async (b) => {
    await b.do('SET', 's', 'str');
    const scripts = [
      "return redis.call('incr', KEYS[1])",
      "return redis.pcall('incr', KEYS[1])",
      "return redis.call('nosuch')",
      "return {err='MYERR x'}",
      "error('boom')",
      "return {1, {err='XE y'}}",
      "return redis.pcall('nosuch')",
      "return redis.call('get', KEYS[1])",
    ];
    await b.do('CONFIG', 'RESETSTAT');
    for (let round = 0; round < 2; round++) {
      for (const s of scripts) await b.do('EVAL', s, 1, 's');
    }
    await sameStats(b);
  });
});
