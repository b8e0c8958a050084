#!/usr/bin/env node
/**
 * Pub/sub: nodis vs real Redis in the same run: `node bench/pubsub.mjs [--quick]`.
 *
 * - Throughput: one publisher keeps 64 PUBLISH in flight on channel "bench" (64-byte
 *   messages) with 1 and with 100 subscribers; the clock stops when every subscriber has
 *   received every message. Reported as PUBLISH/s (deliveries/s = that × subscribers).
 * - Latency: one PUBLISH at a time carrying its send time; each subscriber notes the receive
 *   time; the next PUBLISH goes once every subscriber has the previous one. p50/p99 of all
 *   deliveries, with 1 and with 100 subscribers.
 *
 * The client runs in this process for both servers; rounds alternate (ABBA) so drift hits
 * both equally, and the median round counts. Every frame has a fixed size, so the client
 * counts bytes instead of parsing (it must not be the bottleneck). Results go to
 * bench/results/pubsub-<date>.json.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ROOT, spawnServer, freePort, encode } from './lib.mjs';

const QUICK = process.argv.includes('--quick');
const ROUNDS = QUICK ? 2 : 4;
const CHANNEL = 'bench';
const PAYLOAD = 64;
const WINDOW = 64;


function connect(port) {
  return new Promise((resolve, reject) => {
    const s = net.connect({ port, host: '127.0.0.1' }, () => resolve(s));
    s.setNoDelay(true);
    s.once('error', reject);
  });
}


/** Sends one command and waits for `bytes` bytes of reply. */
function command(socket, args, bytes) {
  return new Promise((resolve) => {
    let got = 0;
    const onData = (d) => {
      got += d.length;
      if (got >= bytes) {
        socket.off('data', onData);
        resolve();
      }
    };
    socket.on('data', onData);
    socket.write(encode(args));
  });
}

async function startServer(kind) {
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), `bench-pubsub-${kind}-`));
  const proc = spawnServer(kind, port, dir);
  for (let i = 0; i < 200; i++) {
    try {
      const s = await connect(port);
      await command(s, ['PING'], 7);
      s.destroy();
      return { kind, port, proc, dir };
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`${kind} did not start`);
}

function stopServer(s) {
  s.proc.kill('SIGKILL');
  rmSync(s.dir, { recursive: true, force: true });
}

/** `n` connections subscribed to the channel (the confirmation read). */
async function subscribers(port, n) {
  const confirm = `*3\r\n$9\r\nsubscribe\r\n$${CHANNEL.length}\r\n${CHANNEL}\r\n:1\r\n`.length;
  const subs = [];
  for (let i = 0; i < n; i++) {
    const s = await connect(port);
    await command(s, ['SUBSCRIBE', CHANNEL], confirm);
    subs.push(s);
  }
  return subs;
}

const frameHead = `*3\r\n$7\r\nmessage\r\n$${CHANNEL.length}\r\n${CHANNEL}\r\n$${PAYLOAD}\r\n`;
const FRAME = frameHead.length + PAYLOAD + 2;

/** PUBLISH/s with `nsubs` subscribers: `total` messages, WINDOW in flight. */
async function throughput(port, nsubs, total) {
  const subs = await subscribers(port, nsubs);
  const pub = await connect(port);
  const reply = `:${nsubs}\r\n`.length;
  const payload = 'x'.repeat(PAYLOAD);
  const one = encode(['PUBLISH', CHANNEL, payload]);
  const start = process.hrtime.bigint();
  const done = Promise.all(
    subs.map(
      (s) =>
        new Promise((resolve) => {
          let bytes = 0;
          s.on('data', (d) => {
            bytes += d.length;
            if (bytes >= total * FRAME) resolve();
          });
        }),
    ),
  );
  await new Promise((resolve) => {
    let sent = 0;
    let acked = 0;
    let ackBytes = 0;
    const fill = () => {
      const n = Math.min(WINDOW - (sent - acked), total - sent);
      if (n > 0) {
        pub.write(one.repeat(n));
        sent += n;
      }
    };
    pub.on('data', (d) => {
      ackBytes += d.length;
      acked = Math.floor(ackBytes / reply);
      if (acked >= total) resolve();
      else fill();
    });
    fill();
  });
  await done;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  for (const s of [...subs, pub]) s.destroy();
  return total / seconds;
}

/** Publish-to-receive latencies (ms) of every delivery, one PUBLISH at a time. */
async function latency(port, nsubs, count) {
  const subs = await subscribers(port, nsubs);
  const pub = await connect(port);
  pub.on('data', () => undefined);
  const samples = [];
  let waiting = 0;
  let next = null;
  for (const s of subs) {
    let buf = '';
    s.on('data', (d) => {
      buf += d.latin1Slice(0, d.length);
      while (buf.length >= FRAME) {
        const sentAt = BigInt(buf.slice(frameHead.length, frameHead.length + PAYLOAD).trim());
        samples.push(Number(process.hrtime.bigint() - sentAt) / 1e6);
        buf = buf.slice(FRAME);
        if (--waiting === 0) next();
      }
    });
  }
  for (let i = 0; i < count; i++) {
    await new Promise((resolve) => {
      next = resolve;
      waiting = nsubs;
      pub.write(encode(['PUBLISH', CHANNEL, String(process.hrtime.bigint()).padStart(PAYLOAD, ' ')]));
    });
  }
  for (const s of [...subs, pub]) s.destroy();
  samples.sort((a, b) => a - b);
  const at = (q) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))];
  return { p50: at(0.5), p99: at(0.99) };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const WORKLOADS = [
  { name: 'PUBLISH, 1 subscriber', kind: 'throughput', subs: 1, n: QUICK ? 100000 : 300000 },
  { name: 'PUBLISH, 100 subscribers', kind: 'throughput', subs: 100, n: QUICK ? 10000 : 30000 },
  { name: 'latency, 1 subscriber', kind: 'latency', subs: 1, n: QUICK ? 5000 : 20000 },
  { name: 'latency, 100 subscribers', kind: 'latency', subs: 100, n: QUICK ? 500 : 2000 },
];

async function main() {
  spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  const servers = { redis: await startServer('redis'), nodis: await startServer('nodis') };
  const results = [];
  try {
    for (const w of WORKLOADS) {
      const runs = { redis: [], nodis: [] };
      for (let r = 0; r < ROUNDS; r++) {
        const order = r % 2 === 0 ? ['redis', 'nodis'] : ['nodis', 'redis'];
        for (const kind of order) {
          const port = servers[kind].port;
          runs[kind].push(w.kind === 'throughput' ? await throughput(port, w.subs, w.n) : await latency(port, w.subs, w.n));
        }
      }
      if (w.kind === 'throughput') {
        const redis = median(runs.redis);
        const nodis = median(runs.nodis);
        results.push({ ...w, redis, nodis, ratio: nodis / redis });
        console.log(`${w.name.padEnd(26)} Redis ${Math.round(redis)}/s  nodis ${Math.round(nodis)}/s  ratio ${(nodis / redis).toFixed(2)}`);
      } else {
        const pick = (k, q) => median(runs[k].map((x) => x[q]));
        const r = { p50: pick('redis', 'p50'), p99: pick('redis', 'p99') };
        const n = { p50: pick('nodis', 'p50'), p99: pick('nodis', 'p99') };
        results.push({ ...w, redis: r, nodis: n, p99Ratio: n.p99 / r.p99 });
        console.log(
          `${w.name.padEnd(26)} p50 Redis ${r.p50.toFixed(3)} ms / nodis ${n.p50.toFixed(3)} ms   ` +
            `p99 Redis ${r.p99.toFixed(3)} ms / nodis ${n.p99.toFixed(3)} ms  (p99 ratio ${(n.p99 / r.p99).toFixed(2)})`,
        );
      }
    }
  } finally {
    stopServer(servers.redis);
    stopServer(servers.nodis);
  }
  const redisVersion = spawnSync('redis-server', ['--version']).stdout.toString().trim();
  mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
  const file = path.join(ROOT, 'bench/results', `pubsub-${new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)}.json`);
  writeFileSync(file, JSON.stringify({ node: process.version, redis: redisVersion, cpus: os.cpus().length, rounds: ROUNDS, results }, null, 2));
  console.log(`results: ${path.relative(ROOT, file)}`);
}

await main();
