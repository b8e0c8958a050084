/**
 * Random picks with repetition (a negative count) have no size of their own: Redis streams
 * HRANDFIELD h -2147483649 into an output buffer that grows to ~30 GB. nodis builds a reply
 * before writing it, so past MAX_REPEATED_PICKS it answers -ERR value is out of range
 * instead of dying of heap exhaustion (found by a differential fuzz: the process aborted
 * with "JavaScript heap out of memory"). No reference server: Redis has no reply to match.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startNodis } from '../helpers/servers.js';
import { RespClient } from '../helpers/resp-client.js';
import { MAX_REPEATED_PICKS } from '../../src/types/random-slots.js';

test('huge negative counts are refused, smaller ones served, the server lives on', async () => {
  const server = await startNodis();
  const c = await RespClient.connect(server.port);
  try {
    await c.call('HSET', 'h', 'a', '1', 'b', '2');
    await c.call('SADD', 's', 'a', 'b');
    await c.call('ZADD', 'z', '1', 'a');
    const refused = '-ERR value is out of range\r\n';
    for (const cmd of [
      ['HRANDFIELD', 'h', '-2147483649'],
      ['HRANDFIELD', 'h', String(-MAX_REPEATED_PICKS - 1), 'WITHVALUES'],
      ['SRANDMEMBER', 's', '-99999999999'],
      ['ZRANDMEMBER', 'z', String(-MAX_REPEATED_PICKS - 1)],
      ['ZRANDMEMBER', 'z', '-4611686018427387903', 'WITHSCORES'],
    ]) {
      assert.equal(await c.call(...cmd), refused, cmd.join(' '));
    }
    // A missing key is still an empty array, as in Redis; counts up to the limit are served.
    assert.equal(await c.call('SRANDMEMBER', 'missing', '-99999999999'), '*0\r\n');
    const many = await c.call('ZRANDMEMBER', 'z', '-100000');
    assert.equal(many, `*100000\r\n${'$1\r\na\r\n'.repeat(100000)}`);
    assert.equal(await c.call('PING'), '+PONG\r\n');
  } finally {
    c.close();
    await server.stop();
  }
});
