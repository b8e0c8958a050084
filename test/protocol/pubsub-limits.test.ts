/**
 * client-output-buffer-limit pubsub: a subscriber that stops reading is disconnected at the
 * hard limit (or after soft-seconds over the soft limit) while the server keeps serving others.
 */
import assert from 'node:assert/strict';
import { describe, before, after, test } from 'node:test';
import { startNodis } from '../helpers/servers.js';
import { RespClient } from '../helpers/resp-client.js';
import type { RunningServer } from '../../src/index.js';

describe('pubsub output buffer limits', () => {
  let nodis: RunningServer;
  before(async () => {
    nodis = await startNodis({ config: { 'client-output-buffer-limit': 'pubsub 1mb 256kb 1' } });
  });
  after(async () => {
    await nodis?.stop();
  });

  async function stalledSubscriber(channel: string): Promise<RespClient> {
    const sub = await RespClient.connect(nodis.port);
    assert.equal(await sub.call('SUBSCRIBE', channel), `*3\r\n$9\r\nsubscribe\r\n$${channel.length}\r\n${channel}\r\n:1\r\n`);
    sub.socket.pause();
    return sub;
  }

  test('hard limit: a subscriber that never reads is closed, others are served', async () => {
    const sub = await stalledSubscriber('flood');
    const pub = await RespClient.connect(nodis.port);
    const payload = 'x'.repeat(16 * 1024);
    let receivers = 1;
    // Kernel socket buffers absorb a few MB before our queue grows; publish until it is dropped.
    for (let i = 0; i < 2000 && receivers === 1; i++) {
      const r = await pub.call('PUBLISH', 'flood', payload);
      receivers = Number(r.slice(1, -2));
    }
    assert.equal(receivers, 0, 'the stalled subscriber was disconnected');
    assert.equal(await pub.call('PUBSUB', 'NUMSUB', 'flood'), '*2\r\n$5\r\nflood\r\n:0\r\n');
    assert.equal(await pub.call('PING'), '+PONG\r\n');
    sub.socket.resume();
    await sub.waitClosed();
    pub.close();
  });

  test('soft limit: over it for longer than soft-seconds closes the subscriber', async () => {
    const pub = await RespClient.connect(nodis.port);
    assert.equal(await pub.call('CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 0 256kb 1'), '+OK\r\n');
    const sub = await stalledSubscriber('slow');
    const payload = 'y'.repeat(16 * 1024);
    let receivers = 1;
    const start = Date.now();
    while (receivers === 1 && Date.now() - start < 10000) {
      const r = await pub.call('PUBLISH', 'slow', payload);
      receivers = Number(r.slice(1, -2));
      if (receivers === 1) await new Promise((r) => setTimeout(r, 5));
    }
    assert.equal(receivers, 0);
    assert.ok(Date.now() - start >= 1000, 'not before soft-seconds');
    sub.close();
    pub.close();
  });
});
