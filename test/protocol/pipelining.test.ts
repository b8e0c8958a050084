/**
 * Pipelining and split requests: every complete command in a read runs, the replies of a
 * read go out in one socket write, and requests split anywhere give the same replies as
 * real Redis receiving them whole.
 */
import assert from 'node:assert/strict';
import { describe, before, after, test } from 'node:test';
import { hasRedis, startNodis, startRedis, type ExternalServer } from '../helpers/servers.js';
import { RespClient, encodeCommand } from '../helpers/resp-client.js';
import type { RunningServer } from '../../src/index.js';
import type { Client } from '../../src/network/client.js';
import { exchange } from './raw.js';

/** Counts socket writes and reads of the server side of the only connection. */
function instrument(server: RunningServer): { writes: () => number; reads: () => number } {
  const clients = [...server.server.clients.values()];
  assert.equal(clients.length, 1);
  const c = clients[0]! as Client & { onData(chunk: Buffer): void };
  const socket = c.socket!;
  let writes = 0;
  let reads = 0;
  // Replies leave through socket.write or, when Node allows it, straight through the socket's
  // handle (src/network/direct-write.ts); both end in one of the handle's write methods.
  type Writes = Record<string, (...a: unknown[]) => unknown>;
  const count = (target: Writes, method: string): void => {
    const original = target[method];
    if (typeof original !== 'function') return;
    const bound = original.bind(target);
    target[method] = (...a: unknown[]) => {
      writes++;
      return bound(...a);
    };
  };
  const handle = (socket as unknown as { _handle: Writes | null })._handle;
  assert.ok(handle !== null);
  for (const method of ['writeBuffer', 'writeLatin1String', 'writeUtf8String', 'writeAsciiString', 'writev']) count(handle, method);
  const onData = c.onData.bind(c);
  c.onData = (chunk: Buffer) => {
    reads++;
    onData(chunk);
  };
  return { writes: () => writes, reads: () => reads };
}

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('pipelining', () => {
  let nodis: RunningServer;
  before(async () => {
    nodis = await startNodis();
  });
  after(async () => {
    await nodis?.stop();
  });

  test('a read of 200 commands is answered with one socket write', async () => {
    const c = await RespClient.connect(nodis.port);
    await c.call('PING');
    const counts = instrument(nodis);
    const batch = Buffer.concat(Array.from({ length: 200 }, (_, i) => encodeCommand(i % 2 ? ['PING'] : ['ECHO', `m${i}`])));
    c.writeRaw(batch);
    for (let i = 0; i < 200; i++) assert.equal(await c.read(), i % 2 ? '+PONG\r\n' : `$${`m${i}`.length}\r\nm${i}\r\n`);
    assert.equal(counts.reads(), 1, 'the batch should arrive as one read on loopback');
    assert.equal(counts.writes(), 1);
    c.close();
  });

  test('a deep pipeline: every reply in order, never more writes than reads', async () => {
    const c = await RespClient.connect(nodis.port);
    await c.call('PING');
    const counts = instrument(nodis);
    const n = 20000;
    const parts: Buffer[] = [];
    for (let i = 0; i < n; i++) parts.push(encodeCommand(i % 2 === 0 ? ['SET', `k${i}`, `v${i}`] : ['GET', `k${i - 1}`]));
    c.writeRaw(Buffer.concat(parts));
    for (let i = 0; i < n; i++) {
      const expected = i % 2 === 0 ? '+OK\r\n' : `$${`v${i - 1}`.length}\r\nv${i - 1}\r\n`;
      assert.equal(await c.read(), expected);
    }
    assert.ok(counts.reads() >= 1);
    assert.ok(counts.writes() <= counts.reads(), `${counts.writes()} writes for ${counts.reads()} reads`);
    c.close();
  });

  test('a large value arriving in small writes', async () => {
    const c = await RespClient.connect(nodis.port);
    const value = Buffer.alloc(3 << 20);
    for (let i = 0; i < value.length; i++) value[i] = (i * 31) & 0xff;
    const cmd = Buffer.concat([Buffer.from(`*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$${value.length}\r\n`), value, Buffer.from('\r\n')]);
    for (let i = 0; i < cmd.length; i += 1500) c.writeRaw(cmd.subarray(i, i + 1500));
    assert.equal(await c.read(10000), '+OK\r\n');
    const got = await c.call('GET', 'big');
    assert.equal(got, `$${value.length}\r\n${value.latin1Slice(0, value.length)}\r\n`);
    c.close();
  });

  test('a connection killed mid-command leaves nothing behind', async () => {
    const before = nodis.server.clients.size;
    for (const partial of ['*3\r\n$3\r\nSET\r\n$1\r\nk', '*2\r\n$4\r\nECHO\r\n$100000\r\n' + 'x'.repeat(50000), 'PING']) {
      const c = await RespClient.connect(nodis.port);
      c.writeRaw(partial);
      await new Promise((r) => setTimeout(r, 20));
      c.close();
    }
    await until(() => nodis.server.clients.size === before);
    const c = await RespClient.connect(nodis.port);
    assert.equal(await c.call('GET', 'k'), '$-1\r\n');
    c.close();
  });

  test('replies to a peer that already closed are dropped without errors', async () => {
    const c = await RespClient.connect(nodis.port);
    await c.call('SET', 'blob', 'b'.repeat(1 << 20));
    const before = nodis.server.clients.size;
    // Ask for 64 MB of replies and vanish without reading them.
    c.writeRaw(Buffer.concat(Array.from({ length: 64 }, () => encodeCommand(['GET', 'blob']))));
    c.close();
    await until(() => nodis.server.clients.size === before - 1);
    const d = await RespClient.connect(nodis.port);
    assert.equal(await d.call('PING'), '+PONG\r\n');
    d.close();
  });
});

/** A request stream covering multibulk, inline, binary data and errors. */
function corpus(): Buffer {
  const binary = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join('');
  const parts: (string | Buffer)[] = [
    encodeCommand(['SET', 'a', binary]),
    encodeCommand(['GET', 'a']),
    'SET b "x y"\r\nGET b\r\n',
    encodeCommand(['SET', 'b', 'z'.repeat(5000)]),
    encodeCommand(['GET', 'b']),
    '\r\n\n',
    encodeCommand(['ECHO', '']),
    encodeCommand(['NOSUCH', 'x']),
    encodeCommand(['GET']),
    'ECHO "\\x00\\xff"\n',
    encodeCommand(['SET', 'n', '41']),
    encodeCommand(['GET', 'n']),
    encodeCommand(['GET', 'a']),
    '*0\r\n',
    encodeCommand(['PING', 'done']),
  ];
  return Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : p)));
}

describe('split requests (differential)', { skip: hasRedis() ? false : 'redis-server not installed' }, () => {
  let nodis: RunningServer;
  let redis: ExternalServer;
  before(async () => {
    nodis = await startNodis();
    redis = await startRedis();
  });
  after(async () => {
    await nodis?.stop();
    await redis?.stop();
  });

  test('the corpus whole (Redis) equals the corpus in random splits and byte by byte (nodis)', async () => {
    const data = corpus();
    const reference = await exchange(redis.port, [data], 300);
    assert.ok(reference.data.endsWith('$4\r\ndone\r\n'), reference.data.slice(-50));
    let seed = 12345;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296);
    for (let round = 0; round < 3; round++) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < data.length; ) {
        const n = 1 + Math.floor(rand() * 700);
        chunks.push(data.subarray(i, i + n));
        i += n;
      }
      // A generous idle time: under load a reply can lag the 15 ms pauses between chunks.
      assert.deepEqual(await exchange(nodis.port, chunks, 1000), reference);
    }
    // Byte by byte (kept to the first 600 bytes: each write waits a little to arrive alone).
    const head = data.subarray(0, 600);
    const headRef = await exchange(redis.port, [head], 300);
    const bytes = Array.from({ length: head.length }, (_, i) => head.subarray(i, i + 1));
    const ours = await exchangeFast(nodis.port, bytes, headRef.data.length);
    assert.deepEqual(ours, headRef);
  });
});

/**
 * Like exchange(), but writes one byte per event-loop turn (setImmediate) to stay fast, then
 * waits for `expected` bytes of replies (up to 10 s: a loaded machine is slow), and 100 ms
 * more for anything extra.
 */
async function exchangeFast(port: number, chunks: Buffer[], expected: number): Promise<{ data: string; closed: boolean }> {
  const c = await RespClient.connect(port);
  for (const chunk of chunks) {
    c.writeRaw(chunk);
    await new Promise((r) => setImmediate(r));
  }
  const deadline = Date.now() + 10000;
  let data = '';
  while (data.length < expected && Date.now() < deadline && !c.closed) {
    await new Promise((r) => setTimeout(r, 20));
    data += c.drain();
  }
  await new Promise((r) => setTimeout(r, 100));
  data += c.drain();
  const closed = c.closed;
  c.close();
  return { data, closed };
}
