#!/usr/bin/env node
/**
 * nodis vs real Redis, in the same run:
 * `npm run bench [-- --quick] [--only REGEX] [--no-memory] [--memory strings,hashes,list,set,zset]`.
 *
 * Starts nodis (dist/main.js) and redis-server on free ports, drives both with redis-benchmark
 * in alternating rounds (ABBA order, so drift hits both equally), and prints per workload:
 * ops/s of each and the ratio nodis/Redis, p50/p99 latency, and server CPU time per request
 * (utime+stime from /proc/PID/stat) with the CPU-efficiency ratio Redis µs/op ÷ nodis µs/op.
 * On a 2-core machine redis-benchmark itself needs a core, so pipeline-1 throughput hides a
 * slow server: judge by CPU per request and by pipeline-16 throughput.
 * Then RSS growth per key for 1M 32-byte strings (and, with --types/--all, per hash for 100k
 * hashes of 10 small fields, per element of one list of 1M small items, one set of the
 * integers 0..999999 and one sorted set of 1M `member:N` with score N).
 * `--memory strings,hashes,list,set,zset` runs only the named memory figures, without the
 * throughput workloads. Results go to bench/results/<date>.json.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ROOT, spawnServer, freePort } from './lib.mjs';

const args = process.argv.slice(2);
const QUICK = args.includes('--quick');
const NO_MEMORY = args.includes('--no-memory');
const memoryIdx = args.indexOf('--memory');
/** Memory figures named with --memory (then nothing else runs), or null for the default set. */
const MEMORY_ONLY = memoryIdx >= 0 ? args[memoryIdx + 1].split(',') : null;
const onlyIdx = args.indexOf('--only');
const ONLY = onlyIdx >= 0 ? new RegExp(args[onlyIdx + 1], 'i') : null;
const ROUNDS = QUICK ? 2 : 3;
const SCALE = QUICK ? 0.4 : 1;
const TICK = Number(spawnSync('getconf', ['CLK_TCK']).stdout.toString().trim() || 100);

const rand10 = Array.from({ length: 10 }, () => 'key:__rand_int__');
/** [name, redis-benchmark args, requests] */
const CORE_WORKLOADS = [
  ['SET/P1', ['-t', 'set', '-P', '1'], 80000],
  ['GET/P1', ['-t', 'get', '-P', '1'], 80000],
  ['INCR/P1', ['-t', 'incr', '-P', '1'], 80000],
  ['MSET_10/P1', ['-t', 'mset', '-P', '1'], 60000],
  ['MGET_10/P1', ['-P', '1', 'MGET', ...rand10], 60000],
  ['SET/P16', ['-t', 'set', '-P', '16'], 700000],
  ['GET/P16', ['-t', 'get', '-P', '16'], 700000],
  ['INCR/P16', ['-t', 'incr', '-P', '16'], 700000],
  ['MSET_10/P16', ['-t', 'mset', '-P', '16'], 200000],
  ['MGET_10/P16', ['-P', '16', 'MGET', ...rand10], 200000],
  ['SET_1KB/P16', ['-t', 'set', '-d', '1024', '-P', '16'], 300000],
  ['GET/c1000', ['-t', 'get', '-c', '1000'], 80000],
  ['GET/c1-latency', ['-t', 'get', '-c', '1', '-P', '1'], 20000],
];
const TYPE_WORKLOADS = [
  ['LPUSH/P1', ['-t', 'lpush', '-P', '1'], 80000],
  ['RPOP/P1', ['-t', 'rpop', '-P', '1'], 80000, 'refill-list'],
  ['LRANGE_100/P1', ['-P', '1', 'LRANGE', 'mylist', '0', '99'], 60000, 'list-1000'],
  ['SADD/P1', ['-t', 'sadd', '-P', '1'], 80000],
  ['SPOP/P1', ['-t', 'spop', '-P', '1'], 80000, 'refill-set'],
  ['HSET/P1', ['-t', 'hset', '-P', '1'], 80000],
  ['ZADD/P1', ['-t', 'zadd', '-P', '1'], 80000],
  ['ZPOPMIN/P1', ['-t', 'zpopmin', '-P', '1'], 80000, 'refill-zset'],
  ['LPUSH/P16', ['-t', 'lpush', '-P', '16'], 700000],
  ['RPOP/P16', ['-t', 'rpop', '-P', '16'], 700000, 'refill-list'],
  ['LRANGE_100/P16', ['-P', '16', 'LRANGE', 'mylist', '0', '99'], 150000, 'list-1000'],
  ['SADD/P16', ['-t', 'sadd', '-P', '16'], 700000],
  ['SPOP/P16', ['-t', 'spop', '-P', '16'], 700000, 'refill-set'],
  ['HSET/P16', ['-t', 'hset', '-P', '16'], 700000],
  ['ZADD/P16', ['-t', 'zadd', '-P', '16'], 350000],
  ['ZPOPMIN/P16', ['-t', 'zpopmin', '-P', '16'], 400000, 'refill-zset'],
];
/** EVALSHA of a small script with two redis.call()s, and a 3M-iteration Lua loop (scripts loaded by prep). */
const SMALL_SCRIPT = "redis.call('SET', KEYS[1], ARGV[1]) return redis.call('GET', KEYS[1])";
const LOOP_SCRIPT = "local x = 0 for i = 1, 3000000 do x = x + i end return x";
const SCRIPT_WORKLOADS = [
  ['EVALSHA_2CALLS/P1', ['-P', '1', 'EVALSHA', '2b20e84ba26251fc86a627f03be6dd614b31bac8', '1', 'key:__rand_int__', 'v'], 60000, 'scripts'],
  ['EVALSHA_2CALLS/P16', ['-P', '16', 'EVALSHA', '2b20e84ba26251fc86a627f03be6dd614b31bac8', '1', 'key:__rand_int__', 'v'], 200000, 'scripts'],
  ['EVALSHA_LOOP_3M/P1', ['-P', '1', '-c', '1', 'EVALSHA', '0f5edbf91bc2336352c3b6ee3f4ed679b0c8ed65', '0'], 200, 'scripts'],
];
const includeTypes = args.includes('--types') || args.includes('--all');
const includeScripting = args.includes('--scripting') || args.includes('--all');
const includeCore = (!args.includes('--types') && !args.includes('--scripting')) || args.includes('--all');
const WORKLOADS = MEMORY_ONLY !== null ? [] : [...(includeCore ? CORE_WORKLOADS : []), ...(includeTypes ? TYPE_WORKLOADS : []), ...(includeScripting ? SCRIPT_WORKLOADS : [])].filter(
  ([name]) => ONLY === null || ONLY.test(name),
);


function cli(port, ...cmd) {
  return spawnSync('redis-cli', ['-p', String(port), ...cmd], { encoding: 'latin1' }).stdout.trim();
}

async function startServer(kind) {
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), `bench-${kind}-`));
  const proc = spawnServer(kind, port, dir);
  for (let i = 0; i < 200; i++) {
    if (cli(port, 'PING') === 'PONG') return { kind, port, proc, dir };
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${kind} did not start`);
}

function stopServer(s) {
  s.proc.kill('SIGKILL');
  rmSync(s.dir, { recursive: true, force: true });
}

function cpuTicks(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

function rssBytes(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'latin1');
  return Number(/VmRSS:\s+(\d+)/.exec(status)[1]) * 1024;
}

function prep(server, kind) {
  const p = String(server.port);
  if (kind === 'refill-list' || kind === 'list-1000') {
    cli(server.port, 'DEL', 'mylist');
    const n = kind === 'list-1000' ? 1000 : 720000;
    spawnSync('redis-benchmark', ['-p', p, '-n', String(n), '-P', '64', '-q', 'RPUSH', 'mylist', 'xxx'], { stdio: 'ignore' });
  } else if (kind === 'refill-set') {
    cli(server.port, 'DEL', 'myset');
    spawnSync('redis-benchmark', ['-p', p, '-n', '720000', '-r', '10000000', '-P', '64', '-q', 'SADD', 'myset', 'e:__rand_int__'], { stdio: 'ignore' });
  } else if (kind === 'scripts') {
    cli(server.port, 'SCRIPT', 'LOAD', SMALL_SCRIPT);
    cli(server.port, 'SCRIPT', 'LOAD', LOOP_SCRIPT);
  } else if (kind === 'refill-zset') {
    cli(server.port, 'DEL', 'myzset');
    spawnSync('redis-benchmark', ['-p', p, '-n', '420000', '-r', '10000000', '-P', '64', '-q', 'ZADD', 'myzset', '__rand_int__', 'e:__rand_int__'], { stdio: 'ignore' });
  }
}

function runBenchmark(server, wlArgs, n) {
  const before = cpuTicks(server.proc.pid);
  const t0 = process.hrtime.bigint();
  const r = spawnSync('redis-benchmark', ['-p', String(server.port), '-n', String(n), '-r', '100000', '-c', '50', '--csv', ...wlArgs], {
    encoding: 'latin1',
    maxBuffer: 1 << 24,
  });
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = (cpuTicks(server.proc.pid) - before) / TICK;
  const lines = r.stdout.trim().split('\n').filter((l) => l.startsWith('"') && !l.startsWith('"test"'));
  const last = lines[lines.length - 1];
  if (r.status !== 0 || last === undefined || /error/i.test(r.stderr)) {
    return { ok: false, error: (r.stderr || r.stdout).slice(0, 300) };
  }
  const cols = last.split(',').map((c) => c.replace(/"/g, ''));
  return { ok: true, rps: Number(cols[1]), p50: Number(cols[4]), p99: Number(cols[6]), cpuUsPerOp: (cpu * 1e6) / n, secs };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const geomean = (xs) => Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length);

async function throughput() {
  const redis = await startServer('redis');
  const nodis = await startServer('nodis');
  // The GET/MGET keyspace: the same 100k random keys in both.
  for (const s of [redis, nodis]) {
    spawnSync('redis-benchmark', ['-p', String(s.port), '-t', 'set', '-r', '100000', '-n', '300000', '-P', '64', '-q'], { stdio: 'ignore' });
  }
  const results = [];
  for (const [name, wlArgs, baseN, prepKind] of WORKLOADS) {
    const n = Math.max(2000, Math.round(baseN * SCALE));
    const runs = { redis: [], nodis: [] };
    for (const s of [redis, nodis]) {
      prep(s, prepKind);
      runBenchmark(s, wlArgs, Math.round(n / 10)); // warm-up (lets the JIT settle)
    }
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? [redis, nodis] : [nodis, redis];
      for (const s of order) {
        prep(s, prepKind);
        const r = runBenchmark(s, wlArgs, n);
        if (!r.ok) {
          process.stderr.write(`${name} ${s.kind}: ${r.error}\n`);
          continue;
        }
        runs[s.kind].push(r);
      }
    }
    if (runs.redis.length === 0 || runs.nodis.length === 0) {
      results.push({ name, failed: true });
      console.log(`${name.padEnd(16)} FAILED`);
      continue;
    }
    const m = (kind, field) => median(runs[kind].map((r) => r[field]));
    const row = {
      name,
      redisRps: m('redis', 'rps'),
      nodisRps: m('nodis', 'rps'),
      ratio: m('nodis', 'rps') / m('redis', 'rps'),
      redisP50: m('redis', 'p50'),
      nodisP50: m('nodis', 'p50'),
      redisP99: m('redis', 'p99'),
      nodisP99: m('nodis', 'p99'),
      redisCpuUs: m('redis', 'cpuUsPerOp'),
      nodisCpuUs: m('nodis', 'cpuUsPerOp'),
    };
    row.cpuRatio = row.redisCpuUs / row.nodisCpuUs;
    results.push(row);
    console.log(
      `${name.padEnd(16)} redis ${Math.round(row.redisRps).toString().padStart(8)} nodis ${Math.round(row.nodisRps).toString().padStart(8)} ratio ${row.ratio.toFixed(2)}  ` +
        `p50 ${row.redisP50.toFixed(3)}/${row.nodisP50.toFixed(3)} p99 ${row.redisP99.toFixed(3)}/${row.nodisP99.toFixed(3)} ms  ` +
        `cpu µs/op ${row.redisCpuUs.toFixed(2)}/${row.nodisCpuUs.toFixed(2)} cpu-ratio ${row.cpuRatio.toFixed(2)}`,
    );
  }
  stopServer(redis);
  stopServer(nodis);
  return results;
}

/** Sends `count` commands built by `command(i)` through one pipelined connection, counting replies (one line each). */
function loadPipelined(port, count, command) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    let replies = 0;
    let sent = 0;
    const batch = 1000;
    const sendMore = () => {
      while (sent < count) {
        let chunk = '';
        const end = Math.min(count, sent + batch);
        for (; sent < end; sent++) chunk += command(sent);
        if (!sock.write(chunk)) return sock.once('drain', sendMore);
      }
    };
    sock.on('data', (d) => {
      for (const b of d) if (b === 10) replies++;
      if (replies >= count) {
        sock.end();
        resolve();
      }
    });
    sock.on('error', reject);
    sock.on('connect', sendMore);
  });
}

function resp(args) {
  let out = `*${args.length}\r\n`;
  for (const a of args) out += `$${a.length}\r\n${a}\r\n`;
  return out;
}

/** 1M SETs of 32-byte values. */
function loadStrings(port, count) {
  const value = 'v'.repeat(32);
  return loadPipelined(port, count, (i) => resp(['SET', `key:${String(i).padStart(12, '0')}`, value]));
}

/** `count` hashes of 10 small fields (field0..field9 -> the hash's number), one HSET each: Redis ≈240 B/hash, as issue #3's figure. */
function loadHashes(port, count) {
  return loadPipelined(port, count, (i) => {
    const args = ['HSET', `hash:${String(i).padStart(12, '0')}`];
    for (let f = 0; f < 10; f++) args.push(`field${f}`, String(i));
    return resp(args);
  });
}

/** Commands of PER_COMMAND elements each, element i built by `args(i)`: `count` elements in all. */
const PER_COMMAND = 1000;
function loadCollection(port, count, head, args) {
  return loadPipelined(port, Math.ceil(count / PER_COMMAND), (c) => {
    const cmd = [...head];
    for (let i = c * PER_COMMAND; i < Math.min(count, (c + 1) * PER_COMMAND); i++) cmd.push(...args(i));
    return resp(cmd);
  });
}

/** One list of small items (3-8 bytes, `x:N`) by RPUSH of 1000 items a command. */
const loadList = (port, count) => loadCollection(port, count, ['RPUSH', 'mylist'], (i) => [`x:${i}`]);
/** One set of the integers 0..count-1 by SADD of 1000 members a command. */
const loadIntSet = (port, count) => loadCollection(port, count, ['SADD', 'myset'], (i) => [String(i)]);
/** One sorted set of `member:N` with score N by ZADD of 1000 members a command. */
const loadZset = (port, count) => loadCollection(port, count, ['ZADD', 'myzset'], (i) => [String(i), `member:${i}`]);

/** RSS growth per element of each server, loading the same data into a fresh server of each kind. */
async function measureMemory(name, count, load) {
  const out = {};
  for (const kind of ['redis', 'nodis']) {
    const s = await startServer(kind);
    await new Promise((r) => setTimeout(r, 500));
    const before = rssBytes(s.proc.pid);
    await load(s.port, count);
    await new Promise((r) => setTimeout(r, 2000));
    const after = rssBytes(s.proc.pid);
    out[kind] = (after - before) / count;
    stopServer(s);
  }
  out.ratio = out.nodis / out.redis;
  console.log(`memory ${name}: redis ${out.redis.toFixed(1)} B/elem, nodis ${out.nodis.toFixed(1)} B/elem, ratio ${out.ratio.toFixed(2)}`);
  return { count, ...out };
}

async function memory() {
  const which = MEMORY_ONLY ?? (includeTypes ? ['strings', 'hashes', 'list', 'set', 'zset'] : ['strings']);
  const out = {};
  if (which.includes('strings')) {
    const count = QUICK ? 200000 : 1000000;
    out.strings = await measureMemory(`strings_${count / 1000}k`, count, loadStrings);
  }
  if (which.includes('hashes')) out.hashes = await measureMemory('hashes_100k_x10', 100000, loadHashes);
  const big = QUICK ? 200000 : 1000000;
  if (which.includes('list')) out.list = await measureMemory(`list_${big / 1000}k_items`, big, loadList);
  if (which.includes('set')) out.set = await measureMemory(`intset_${big / 1000}k_members`, big, loadIntSet);
  if (which.includes('zset')) out.zset = await measureMemory(`zset_${big / 1000}k_members`, big, loadZset);
  return out;
}

async function main() {
  if (spawnSync('redis-benchmark', ['--version']).status !== 0) {
    console.error('bench: redis-benchmark not found (apt-get install redis-tools redis-server)');
    process.exit(2);
  }
  spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  const meta = { date: new Date().toISOString(), node: process.version, redis: spawnSync('redis-server', ['--version'], { encoding: 'latin1' }).stdout.trim(), cpus: os.cpus().length, loadavg: os.loadavg(), args };
  console.log(`bench: ${meta.date} node ${meta.node}, ${meta.redis}, ${meta.cpus} cpus, load ${meta.loadavg.map((x) => x.toFixed(2)).join(' ')}`);
  const rows = WORKLOADS.length ? await throughput() : [];
  const ok = rows.filter((r) => !r.failed);
  const summary = {};
  if (ok.length) {
    const p1 = ok.filter((r) => /^(SET|GET)\/P1$/.test(r.name) || /^(SET|GET)\/P16$/.test(r.name));
    const p16 = ok.filter((r) => /^(SET|GET)\/P16$/.test(r.name));
    summary.throughputGeomean = geomean(ok.map((r) => r.ratio));
    summary.cpuGeomean = geomean(ok.map((r) => r.cpuRatio));
    if (p1.length) summary.cpuEfficiencySetGet = geomean(p1.map((r) => r.cpuRatio));
    if (p16.length) summary.p16ThroughputSetGet = geomean(p16.map((r) => r.ratio));
    console.log(`geomean throughput ratio ${summary.throughputGeomean.toFixed(3)}, cpu ratio ${summary.cpuGeomean.toFixed(3)} over ${ok.length} workloads`);
    if (summary.cpuEfficiencySetGet) console.log(`SET/GET P1+P16 cpu efficiency (Redis µs/op ÷ nodis µs/op): ${summary.cpuEfficiencySetGet.toFixed(3)}`);
    if (summary.p16ThroughputSetGet) console.log(`SET/GET P16 throughput ratio: ${summary.p16ThroughputSetGet.toFixed(3)}`);
  }
  const mem = MEMORY_ONLY === null && (NO_MEMORY || ONLY) ? null : await memory();
  mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
  const file = path.join(ROOT, 'bench/results', `${meta.date.slice(0, 19).replace(/:/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ meta, rows, summary, memory: mem }, null, 2));
  console.log(`bench: results written to ${path.relative(ROOT, file)}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
