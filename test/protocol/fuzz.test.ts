/**
 * Fuzzing the request path: random and mutated byte streams (mutations of valid RESP and
 * inline requests, random bytes, truncated headers, huge numbers) sent to a nodis child
 * process must never crash it or hang it: after every stream, a fresh connection still
 * gets PONG. Seeded, so a failure reproduces; bounded to ~20 s.
 */
import assert from 'node:assert/strict';
import { describe, before, after, test } from 'node:test';
import net from 'node:net';
import { spawnNodis, type ExternalServer } from '../helpers/servers.js';
import { encodeCommand } from '../helpers/resp-client.js';
import { rng } from '../helpers/rng.js';

const SEED = Number(process.env['FUZZ_SEED'] ?? 20261125);
const BUDGET_MS = Number(process.env['FUZZ_MS'] ?? 15000);

/** Harmless commands only: a mutation must not be able to spell SHUTDOWN or DEBUG SLEEP. */
const SEEDS: Buffer[] = [
  encodeCommand(['SET', 'key', 'value']),
  encodeCommand(['GET', 'key']),
  encodeCommand(['ECHO', 'x'.repeat(100)]),
  encodeCommand(['PING']),
  encodeCommand(['HELLO', '3']),
  encodeCommand(['SELECT', '1']),
  encodeCommand(['SET', 'bin', '\x00\xff\r\n']),
  Buffer.from('SET a "b c"\r\nGET a\r\n'),
  Buffer.from("ECHO 'q\\'x' \"\\x41\"\n"),
  Buffer.from('*0\r\n*-1\r\n\r\n'),
];

const HUGE = ['2147483648', '9223372036854775807', '9223372036854775808', '-9223372036854775808', '99999999999999999999999', '536870911', '536870913', '-1', '-5', '0', '00', ''];

function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)]!;
}

function mutate(rand: () => number, input: Buffer): Buffer {
  const bytes = [...input];
  const n = 1 + Math.floor(rand() * 4);
  for (let k = 0; k < n; k++) {
    const at = Math.floor(rand() * (bytes.length + 1));
    switch (Math.floor(rand() * 6)) {
      case 0:
        if (bytes.length > 0) bytes[Math.min(at, bytes.length - 1)] = Math.floor(rand() * 256);
        break;
      case 1:
        bytes.splice(at, 0, Math.floor(rand() * 256));
        break;
      case 2:
        bytes.splice(at, 1 + Math.floor(rand() * 4));
        break;
      case 3:
        bytes.splice(at, 0, ...pick(rand, [13, 10, 42, 36, 0, 34, 39, 92]).toString().split('').map(() => pick(rand, [13, 10, 42, 36, 0, 34, 39, 92])));
        break;
      case 4: {
        // Replace a number after * or $ with an extreme one.
        const s = Buffer.from(bytes).latin1Slice();
        const m = [...s.matchAll(/[*$](-?\d*)\r/g)];
        if (m.length > 0) {
          const hit = pick(rand, m);
          const start = hit.index! + 1;
          const replaced = s.slice(0, start) + pick(rand, HUGE) + s.slice(start + hit[1]!.length);
          return Buffer.from(replaced, 'latin1');
        }
        break;
      }
      default:
        bytes.length = Math.floor(rand() * bytes.length); // truncate
    }
  }
  return Buffer.from(bytes);
}

function generate(rand: () => number): Buffer[] {
  const kind = Math.floor(rand() * 5);
  const parts: Buffer[] = [];
  const count = 1 + Math.floor(rand() * 6);
  for (let i = 0; i < count; i++) {
    if (kind === 0) {
      parts.push(Buffer.from(Array.from({ length: Math.floor(rand() * 300) }, () => Math.floor(rand() * 256))));
    } else if (kind === 1) {
      parts.push(Buffer.from(`${pick(rand, ['*', '$', '*1\r\n$'])}${pick(rand, HUGE)}${pick(rand, ['\r\n', '\r', '', '\n'])}`, 'latin1'));
    } else {
      parts.push(mutate(rand, pick(rand, SEEDS)));
    }
  }
  // Split into random writes.
  const all = Buffer.concat(parts);
  const chunks: Buffer[] = [];
  for (let i = 0; i < all.length; ) {
    const n = 1 + Math.floor(rand() * 40);
    chunks.push(all.subarray(i, i + n));
    i += n;
  }
  return chunks;
}

function send(port: number, chunks: Buffer[]): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.on('error', () => undefined);
    const done = (): void => {
      socket.destroy();
      resolve();
    };
    socket.on('close', done);
    socket.on('connect', () => {
      for (const c of chunks) socket.write(c);
      setTimeout(done, 5);
    });
  });
}

function ping(port: number, timeoutMs = 3000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('PING timed out: the server hangs'));
    }, timeoutMs);
    let data = '';
    socket.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    socket.on('connect', () => socket.write('*1\r\n$4\r\nPING\r\n'));
    socket.on('data', (d) => {
      data += d.toString('latin1');
      if (data.endsWith('\r\n')) {
        clearTimeout(timer);
        socket.destroy();
        resolve(data);
      }
    });
  });
}

describe('protocol fuzzing (nodis child process)', () => {
  let server: ExternalServer;
  let stderr = '';
  before(async () => {
    server = await spawnNodis();
    server.process.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  });
  after(async () => {
    await server?.stop();
  });

  test(`random and mutated streams never crash or hang the server (seed ${SEED})`, async (t) => {
    const rand = rng(SEED);
    const started = Date.now();
    let streams = 0;
    while (Date.now() - started < BUDGET_MS && streams < 3000) {
      const chunks = generate(rand);
      await send(server.port, chunks);
      streams++;
      const reply = await ping(server.port).catch((e: Error) => {
        throw new Error(`after stream #${streams} (${JSON.stringify(Buffer.concat(chunks).latin1Slice().slice(0, 200))}): ${e.message}; stderr: ${stderr}`);
      });
      assert.equal(reply, '+PONG\r\n', `after stream #${streams}`);
      assert.equal(server.process.exitCode, null, `exited after stream #${streams}: ${stderr}`);
    }
    t.diagnostic(`${streams} streams in ${Date.now() - started} ms`);
    assert.ok(streams >= 100, `only ${streams} streams in the time budget`);
    assert.equal(stderr, '', 'nothing written to stderr');
  });
});
