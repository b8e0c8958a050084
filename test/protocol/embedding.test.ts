/**
 * Embedding nodis in a Node process (src/index.ts), as the README shows:
 *
 *   const nodis = await startServer({ port: 0 });  // 0 picks a free port
 *   ... connect to nodis.port ...
 *   await nodis.stop();
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import net from 'node:net';
import { startServer } from '../../src/index.js';

/** Sends raw bytes with node's net and resolves with the first reply bytes. */
function ask(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1' }, () => socket.write(request));
    socket.once('data', (d) => {
      resolve(d.toString('latin1'));
      socket.end();
    });
    socket.once('error', reject);
  });
}

test('startServer({ port: 0 }) picks a free port; two servers in one process are independent', async () => {
  const a = await startServer({ port: 0 });
  const b = await startServer({ port: 0 });
  try {
    assert.ok(a.port > 0 && b.port > 0);
    assert.notEqual(a.port, b.port);
    assert.equal(a.host, '127.0.0.1');
    assert.equal(await ask(a.port, 'PING\r\n'), '+PONG\r\n');
    assert.equal(await ask(a.port, '*3\r\n$3\r\nSET\r\n$5\r\nwhere\r\n$1\r\na\r\n'), '+OK\r\n');
    assert.equal(await ask(a.port, 'GET where\r\n'), '$1\r\na\r\n');
    assert.equal(await ask(b.port, 'GET where\r\n'), '$-1\r\n');
  } finally {
    await a.stop();
    await b.stop();
  }
  await assert.rejects(ask(a.port, 'PING\r\n'), { code: 'ECONNREFUSED' });
});

test('startServer takes any redis.conf directive', async () => {
  const s = await startServer({ config: { requirepass: 'pw', maxclients: 5, 'protected-mode': false } });
  try {
    assert.equal(s.server.config.num('maxclients'), 5);
    assert.equal(s.server.config.bool('protected-mode'), false);
    assert.match(await ask(s.port, 'GET x\r\n'), /^-NOAUTH /);
  } finally {
    await s.stop();
  }
});

test('stop() is idempotent and disconnects clients', async () => {
  const s = await startServer();
  const socket = net.connect({ port: s.port, host: '127.0.0.1' });
  await new Promise((r) => socket.once('connect', r));
  const closed = new Promise((r) => socket.once('close', r));
  await Promise.all([s.stop(), s.stop()]);
  await closed;
});
