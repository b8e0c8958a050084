#!/usr/bin/env node
/**
 * Persistence: nodis vs real Redis in the same run: `node bench/persistence.mjs [--quick]`.
 *
 * With the same dataset of mixed types in both (1M keys: 70% strings, 10% hashes of 5
 * fields, 10% lists of 5 items, 5% sets, 5% sorted sets; 200k with --quick):
 * - SAVE time and dump.rdb size; startup load time of that file (the server's own
 *   "DB loaded from disk" log line);
 * - GET latency p50/p99/max seen by a client issuing GETs back to back while a BGSAVE runs,
 *   and while a BGREWRITEAOF runs (Redis forks; nodis writes its snapshot between requests);
 * - SET throughput (redis-benchmark, 50 clients) with appendonly yes and appendfsync everysec
 *   and always.
 * Ratios are nodis/Redis. Results go to bench/results/persistence-<date>.json.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ROOT, spawnServer, freePort, encode } from './lib.mjs';

const QUICK = process.argv.includes('--quick');
const KEYS = QUICK ? 200_000 : 1_000_000;



/** A connection that sends commands and resolves each one's raw reply, in order. */
class Conn {
  static open(port) {
    return new Promise((resolve, reject) => {
      const s = net.connect({ port, host: '127.0.0.1' }, () => resolve(new Conn(s)));
      s.setNoDelay(true);
      s.once('error', reject);
    });
  }
  constructor(socket) {
    this.socket = socket;
    this.buf = '';
    this.waiters = [];
    socket.on('data', (d) => {
      this.buf += d.latin1Slice();
      this.drain();
    });
  }
  drain() {
    while (this.waiters.length > 0) {
      const end = replyEnd(this.buf, 0);
      if (end < 0) return;
      const reply = this.buf.slice(0, end);
      this.buf = this.buf.slice(end);
      this.waiters.shift()(reply);
    }
  }
  call(...args) {
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      this.socket.write(encode(args));
    });
  }
  /** Sends many single-line-reply commands pipelined; resolves when all replied. */
  pipeline(commands) {
    return new Promise((resolve) => {
      let remaining = commands.length;
      const onData = () => {
        let i;
        while ((i = this.buf.indexOf('\r\n')) >= 0) {
          this.buf = this.buf.slice(i + 2);
          if (--remaining === 0) {
            this.socket.off('data', onData);
            return resolve();
          }
        }
      };
      this.socket.on('data', onData);
      this.socket.write(commands.map(encode).join(''));
    });
  }
  close() {
    this.socket.destroy();
  }
}

/** End offset of one complete RESP2 reply at `pos`, or -1. */
function replyEnd(s, pos) {
  const eol = s.indexOf('\r\n', pos);
  if (eol < 0) return -1;
  const t = s[pos];
  if (t === '+' || t === '-' || t === ':') return eol + 2;
  const n = Number(s.slice(pos + 1, eol));
  if (t === '$') return n < 0 ? eol + 2 : s.length >= eol + 2 + n + 2 ? eol + 2 + n + 2 : -1;
  if (t === '*') {
    let p = eol + 2;
    for (let i = 0; i < n; i++) {
      p = replyEnd(s, p);
      if (p < 0) return -1;
    }
    return p;
  }
  throw new Error(`unexpected reply ${s.slice(pos, pos + 20)}`);
}

async function startServer(kind, dir, extra = []) {
  const port = await freePort();
  const proc = spawnServer(kind, port, dir, extra, ['ignore', 'pipe', 'inherit']);
  let log = '';
  proc.stdout.on('data', (d) => (log += d.toString()));
  for (let i = 0; i < 600; i++) {
    try {
      const c = await Conn.open(port);
      const pong = await c.call('PING');
      if (pong === '+PONG\r\n') return { proc, port, c, log: () => log };
      c.close();
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${kind} did not start`);
}

async function stop(server) {
  server.c.close();
  const exited = new Promise((r) => server.proc.once('exit', r));
  server.proc.kill('SIGKILL');
  await exited;
}

async function populate(c) {
  const batch = [];
  const flush = async () => {
    if (batch.length > 0) await c.pipeline(batch.splice(0));
  };
  for (let i = 0; i < KEYS; i++) {
    const r = i % 20;
    if (r < 14) batch.push(['SET', `str:${i}`, `value-${i}-${'x'.repeat(i % 40)}`]);
    else if (r < 16) batch.push(['HSET', `hash:${i}`, 'name', `n${i}`, 'age', String(i % 90), 'city', 'somewhere', 'score', String(i * 7), 'flag', '1']);
    else if (r < 18) batch.push(['RPUSH', `list:${i}`, 'a', `b${i}`, 'c', String(i), 'eeeee']);
    else if (r < 19) batch.push(['SADD', `set:${i}`, '1', '2', String(i), `m${i}`]);
    else batch.push(['ZADD', `zset:${i}`, '1', 'a', String(i), `m${i}`, '3.5', 'c']);
    if (i % 20 === 0) batch.push(['PEXPIREAT', `str:${i}`, String(Date.now() + 3_600_000)]);
    if (batch.length >= 5000) await flush();
  }
  await flush();
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

async function info(c, field) {
  const text = await c.call('INFO', 'persistence');
  const m = new RegExp(`${field}:(\\S+)`).exec(text);
  return m ? m[1] : '';
}

/** Back-to-back GETs from one client while `start` runs a background job; latencies in ms. */
async function latencyDuring(server, start, progressField) {
  const probe = await Conn.open(server.port);
  const watcher = await Conn.open(server.port);
  const samples = [];
  let running = true;
  const loop = (async () => {
    let i = 0;
    while (running) {
      const t = performance.now();
      await probe.call('GET', `str:${(i++ * 7919) % KEYS}`);
      samples.push(performance.now() - t);
    }
  })();
  await new Promise((r) => setTimeout(r, 200));
  const began = performance.now();
  await start();
  while ((await info(watcher, progressField)) !== '0' || performance.now() - began < 50) await new Promise((r) => setTimeout(r, 20));
  const took = performance.now() - began;
  running = false;
  await loop;
  probe.close();
  watcher.close();
  const sorted = samples.sort((a, b) => a - b);
  return { seconds: took / 1000, samples: sorted.length, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), max: sorted[sorted.length - 1] };
}

function setThroughput(port) {
  const r = spawnSync('redis-benchmark', ['-p', String(port), '-t', 'set', '-n', QUICK ? '50000' : '150000', '-c', '50', '-P', '1', '-r', '1000000', '--csv'], { encoding: 'utf8' });
  const line = r.stdout.split('\n').find((l) => l.startsWith('"SET"'));
  return Number(line.split(',')[1].replace(/"/g, ''));
}

const fmt = (x, d = 2) => (typeof x === 'number' ? x.toFixed(d) : String(x));

async function main() {
  const results = { date: new Date().toISOString(), keys: KEYS, nodis: {}, redis: {} };
  for (const kind of ['redis', 'nodis']) {
    const dir = mkdtempSync(path.join(os.tmpdir(), `bench-persist-${kind}-`));
    const r = results[kind];
    try {
      let server = await startServer(kind, dir);
      await populate(server.c);
      let t = performance.now();
      const saved = await server.c.call('SAVE');
      r.saveSeconds = (performance.now() - t) / 1000;
      if (saved !== '+OK\r\n') throw new Error(`${kind} SAVE: ${saved}`);
      r.rdbBytes = statSync(path.join(dir, 'dump.rdb')).size;
      await stop(server);
      server = await startServer(kind, dir);
      const loaded = /DB loaded from disk: ([\d.]+) seconds/.exec(server.log());
      r.loadSeconds = loaded ? Number(loaded[1]) : NaN;
      r.dbsize = Number((await server.c.call('DBSIZE')).slice(1));
      r.bgsave = await latencyDuring(server, () => server.c.call('BGSAVE'), 'rdb_bgsave_in_progress');
      await server.c.call('CONFIG', 'SET', 'appendonly', 'yes');
      while ((await info(server.c, 'aof_rewrite_in_progress')) !== '0' || (await info(server.c, 'aof_rewrite_scheduled')) !== '0') await new Promise((res) => setTimeout(res, 50));
      r.bgrewriteaof = await latencyDuring(server, () => server.c.call('BGREWRITEAOF'), 'aof_rewrite_in_progress');
      await server.c.call('FLUSHALL');
      for (const policy of ['everysec', 'always']) {
        await server.c.call('CONFIG', 'SET', 'appendfsync', policy);
        r[`set_${policy}`] = setThroughput(server.port);
      }
      await stop(server);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    process.stderr.write(`${kind} done\n`);
  }
  const n = results.nodis;
  const d = results.redis;
  const rows = [
    ['SAVE seconds', d.saveSeconds, n.saveSeconds, n.saveSeconds / d.saveSeconds, '<= 3'],
    ['dump.rdb MB', d.rdbBytes / 1e6, n.rdbBytes / 1e6, n.rdbBytes / d.rdbBytes, ''],
    ['load seconds', d.loadSeconds, n.loadSeconds, n.loadSeconds / d.loadSeconds, '<= 3'],
    ['BGSAVE seconds', d.bgsave.seconds, n.bgsave.seconds, n.bgsave.seconds / d.bgsave.seconds, ''],
    ['GET p50 ms during BGSAVE', d.bgsave.p50, n.bgsave.p50, n.bgsave.p50 / d.bgsave.p50, ''],
    ['GET p99 ms during BGSAVE', d.bgsave.p99, n.bgsave.p99, n.bgsave.p99 / d.bgsave.p99, 'nodis <= 5 ms'],
    ['GET max ms during BGSAVE', d.bgsave.max, n.bgsave.max, n.bgsave.max / d.bgsave.max, ''],
    ['BGREWRITEAOF seconds', d.bgrewriteaof.seconds, n.bgrewriteaof.seconds, n.bgrewriteaof.seconds / d.bgrewriteaof.seconds, ''],
    ['GET p99 ms during BGREWRITEAOF', d.bgrewriteaof.p99, n.bgrewriteaof.p99, n.bgrewriteaof.p99 / d.bgrewriteaof.p99, ''],
    ['SET/s appendfsync everysec', d.set_everysec, n.set_everysec, n.set_everysec / d.set_everysec, ''],
    ['SET/s appendfsync always', d.set_always, n.set_always, n.set_always / d.set_always, ''],
  ];
  console.log(`\nPersistence, ${KEYS} keys of mixed types (nodis/Redis ratio)\n`);
  console.log('| measure | Redis | nodis | ratio | floor |');
  console.log('|---|---:|---:|---:|---|');
  for (const [name, a, b, ratio, floor] of rows) console.log(`| ${name} | ${fmt(a)} | ${fmt(b)} | ${fmt(ratio)} | ${floor} |`);
  results.table = rows;
  mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
  const out = path.join(ROOT, 'bench/results', `persistence-${results.date.replace(/[:.]/g, '-').slice(0, 19)}.json`);
  writeFileSync(out, JSON.stringify(results, null, 2));
  console.log(`\nwritten to ${path.relative(ROOT, out)}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
