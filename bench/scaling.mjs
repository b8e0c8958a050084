#!/usr/bin/env node
/**
 * Scaling: the same operation on a collection of 1k and of 1M elements, nodis and real Redis
 * in the same run: `node bench/scaling.mjs [--quick] [--only list,hash,set,zset] [--op TEXT]`
 * (`npm run build` first; `--op` keeps the operations whose name contains TEXT).
 *
 * For each type both servers get a key "small" (1k elements) and a key "big" (1M elements),
 * filled with pipelined RPUSH/HSET/SADD/ZADD of 1000 elements per command. Each operation is
 * then timed on each key: OPS commands per round, pipelined in batches of BATCH (the client
 * waits for the whole batch's replies before sending the next), median of ROUNDS rounds;
 * rounds alternate between the servers and between small and big (ABBA) so drift hits both.
 * The reported figure is wall-clock µs per command seen by this client, so it includes the
 * client's own encode/parse share (the same for 1k and 1M); commands are encoded before the
 * clock starts. Slow operations (> ~2 s per round) run fewer commands per round.
 *
 * Writes keep the collection's size: LPUSH+RPOP, SADD+SREM and ZADD+ZREM of a fresh member,
 * SPOP+SADD of a fresh member, HSET/LSET/ZADD of existing fields/indexes/members. 1000
 * elements is above every listpack/intset limit (hash-max-listpack-entries 512,
 * set-max-listpack-entries 128, set-max-intset-entries 512, zset-max-listpack-entries 128),
 * so both sizes use the hashtable/skiplist encodings in both servers.
 *
 * "floor" rows are the ones the issue requires (O(1) / O(log n): 1M/1k < 2×); "info" rows
 * are O(n) or O(count) in Redis too and are shown for reference. Results go to
 * bench/results/scaling-<date>.json.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ROOT, spawnServer, freePort, encode } from './lib.mjs';

const QUICK = process.argv.includes('--quick');
const onlyIdx = process.argv.indexOf('--only');
const ONLY = onlyIdx > 0 ? new Set(process.argv[onlyIdx + 1].split(',')) : null;
const opIdx = process.argv.indexOf('--op');
const OP = opIdx > 0 ? process.argv[opIdx + 1] : null;
const SMALL = 1000;
const BIG = 1_000_000;
const OPS = QUICK ? 20_000 : 100_000;
const BATCH = 1000;
const ROUNDS = QUICK ? 3 : 5;
const ROUND_BUDGET_MS = QUICK ? 300 : 600;
const HOT = 1000; // working set of the "hot" variants
const FILL_PER_CMD = 1000;



/**
 * Scans one RESP2 reply at `pos`; returns the position after it or -1 if incomplete.
 * Records the first error reply in `state.error`.
 */
function skipReply(buf, pos, state) {
  if (pos >= buf.length) return -1;
  const nl = buf.indexOf(10, pos);
  if (nl < 0) return -1;
  const type = buf[pos];
  if (type === 43 || type === 58) return nl + 1; // + :
  if (type === 45) {
    state.error ??= buf.toString('latin1', pos, nl - 1);
    return nl + 1;
  }
  const n = parseInt(buf.toString('latin1', pos + 1, nl - 1), 10);
  if (type === 36) {
    if (n < 0) return nl + 1;
    const end = nl + 1 + n + 2;
    return end <= buf.length ? end : -1;
  }
  if (type === 42) {
    let p = nl + 1;
    for (let i = 0; i < n; i++) {
      p = skipReply(buf, p, state);
      if (p < 0) return -1;
    }
    return p;
  }
  throw new Error(`unexpected reply byte ${type}`);
}

/** A pipelined connection: send(buffer, n) resolves when n replies have arrived. */
async function client(port) {
  const socket = await new Promise((resolve, reject) => {
    const s = net.connect({ port, host: '127.0.0.1' }, () => resolve(s));
    s.once('error', reject);
  });
  socket.setNoDelay(true);
  let pending = null; // { left, resolve, reject }
  let rest = null;
  const state = { error: undefined };
  socket.on('data', (d) => {
    let buf = rest ? Buffer.concat([rest, d]) : d;
    let pos = 0;
    while (pending && pending.left > 0) {
      const next = skipReply(buf, pos, state);
      if (next < 0) break;
      pos = next;
      pending.left--;
    }
    rest = pos < buf.length ? buf.subarray(pos) : null;
    if (pending && pending.left === 0) {
      const p = pending;
      pending = null;
      if (state.error) {
        const e = state.error;
        state.error = undefined;
        p.reject(new Error(e));
      } else p.resolve();
    }
  });
  return {
    socket,
    send(data, n) {
      return new Promise((resolve, reject) => {
        pending = { left: n, resolve, reject };
        socket.write(data);
      });
    },
    close() {
      socket.destroy();
    },
  };
}

async function startServer(kind) {
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), `bench-scaling-${kind}-`));
  const proc = spawnServer(kind, port, dir);
  for (let i = 0; i < 200; i++) {
    try {
      const c = await client(port);
      await c.send(encode(['PING']), 1);
      return { kind, port, proc, dir, c };
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`${kind} did not start`);
}

function stopServer(s) {
  s.c.close();
  s.proc.kill('SIGKILL');
  rmSync(s.dir, { recursive: true, force: true });
}

const rnd = (n) => Math.floor(Math.random() * n);

/** Fills `key` with `n` elements of `type` (member i is `m:i`, score i, value `v:i`). */
async function fill(c, type, key, n) {
  let buf = '';
  let cmds = 0;
  for (let i = 0; i < n; i += FILL_PER_CMD) {
    const args = [];
    const end = Math.min(n, i + FILL_PER_CMD);
    if (type === 'list') {
      args.push('RPUSH', key);
      for (let j = i; j < end; j++) args.push(`v:${j}`);
    } else if (type === 'hash') {
      args.push('HSET', key);
      for (let j = i; j < end; j++) args.push(`m:${j}`, `v:${j}`);
    } else if (type === 'set') {
      args.push('SADD', key);
      for (let j = i; j < end; j++) args.push(`m:${j}`);
    } else {
      args.push('ZADD', key);
      for (let j = i; j < end; j++) args.push(String(j), `m:${j}`);
    }
    buf += encode(args);
    cmds++;
    if (cmds === 50) {
      await c.send(buf, cmds);
      buf = '';
      cmds = 0;
    }
  }
  if (cmds) await c.send(buf, cmds);
}

let fresh = 0;
/**
 * Operations: gen(key, n) returns the RESP for one "op" and how many commands it is.
 * `n` is the collection size (for random members). Per-op time is per command.
 */
const OPERATIONS = [
  { type: 'list', name: 'LPUSH + RPOP', floor: true, gen: (k) => [encode(['LPUSH', k, 'x']) + encode(['RPOP', k]), 2] },
  { type: 'list', name: 'LINDEX near ends (±10)', floor: true, gen: (k) => [encode(['LINDEX', k, rnd(2) ? '10' : '-10']), 1] },
  { type: 'list', name: 'LSET near an end (5)', floor: true, gen: (k) => [encode(['LSET', k, '5', 'y']), 1] },
  { type: 'list', name: 'LINDEX middle', floor: false, note: 'O(n) in Redis', gen: (k, n) => [encode(['LINDEX', k, String(n >> 1)]), 1] },
  { type: 'hash', name: 'HSET existing field', floor: false, note: 'uniform over n: cache-bound', gen: (k, n) => [encode(['HSET', k, `m:${rnd(n)}`, 'w']), 1] },
  { type: 'hash', name: 'HSET new + HDEL', floor: true, gen: (k) => { const f = `f:${fresh++}`; return [encode(['HSET', k, f, 'w']) + encode(['HDEL', k, f]), 2]; } },
  { type: 'hash', name: 'HSET existing field (hot 1k)', floor: true, gen: (k) => [encode(['HSET', k, `m:${rnd(HOT)}`, 'w']), 1] },
  { type: 'hash', name: 'HGET', floor: false, note: 'uniform over n: cache-bound', gen: (k, n) => [encode(['HGET', k, `m:${rnd(n)}`]), 1] },
  { type: 'hash', name: 'HGET (hot 1k)', floor: true, gen: (k) => [encode(['HGET', k, `m:${rnd(HOT)}`]), 1] },
  { type: 'hash', name: 'HRANDFIELD', floor: true, gen: (k) => [encode(['HRANDFIELD', k]), 1] },
  { type: 'hash', name: 'HRANDFIELD 5', floor: true, note: 'O(count)', gen: (k) => [encode(['HRANDFIELD', k, '5']), 1] },
  { type: 'set', name: 'SADD new + SREM', floor: true, gen: (k) => { const m = `s:${fresh++}`; return [encode(['SADD', k, m]) + encode(['SREM', k, m]), 2]; } },
  { type: 'set', name: 'SISMEMBER', floor: false, note: 'uniform over n: cache-bound', gen: (k, n) => [encode(['SISMEMBER', k, `m:${rnd(n)}`]), 1] },
  { type: 'set', name: 'SISMEMBER (hot 1k)', floor: true, gen: (k) => [encode(['SISMEMBER', k, `m:${rnd(HOT)}`]), 1] },
  { type: 'set', name: 'SPOP + SADD', floor: true, gen: (k) => [encode(['SPOP', k]) + encode(['SADD', k, `p:${fresh++}`]), 2] },
  { type: 'set', name: 'SRANDMEMBER', floor: true, gen: (k) => [encode(['SRANDMEMBER', k]), 1] },
  { type: 'set', name: 'SRANDMEMBER 5', floor: true, note: 'O(count)', gen: (k) => [encode(['SRANDMEMBER', k, '5']), 1] },
  { type: 'zset', name: 'ZADD new + ZREM', floor: true, gen: (k, n) => { const m = `z:${fresh++}`; return [encode(['ZADD', k, String(rnd(n) + 0.5), m]) + encode(['ZREM', k, m]), 2]; } },
  { type: 'zset', name: 'ZADD existing, new score', floor: false, note: 'uniform over n: cache-bound', gen: (k, n) => [encode(['ZADD', k, String(rnd(n) + 0.25), `m:${rnd(n)}`]), 1] },
  // Hot members, new scores over the whole range: the tree delete and insert land anywhere in the big tree.
  { type: 'zset', name: 'ZADD existing, new score (hot 1k)', floor: true, gen: (k, n) => [encode(['ZADD', k, String(rnd(n) + 0.25), `m:${rnd(HOT)}`]), 1] },
  { type: 'zset', name: 'ZSCORE', floor: false, note: 'uniform over n: cache-bound', gen: (k, n) => [encode(['ZSCORE', k, `m:${rnd(n)}`]), 1] },
  { type: 'zset', name: 'ZSCORE (hot 1k)', floor: true, gen: (k) => [encode(['ZSCORE', k, `m:${rnd(HOT)}`]), 1] },
  { type: 'zset', name: 'ZRANK', floor: false, note: 'uniform over n: cache-bound', gen: (k, n) => [encode(['ZRANK', k, `m:${rnd(n)}`]), 1] },
  { type: 'zset', name: 'ZRANK (hot 1k)', floor: true, gen: (k) => [encode(['ZRANK', k, `m:${rnd(HOT)}`]), 1] },
  { type: 'zset', name: 'ZRANGEBYSCORE LIMIT 0 10', floor: true, gen: (k, n) => [encode(['ZRANGEBYSCORE', k, String(rnd(n)), '+inf', 'LIMIT', '0', '10']), 1] },
  { type: 'zset', name: 'ZRANDMEMBER', floor: true, gen: (k) => [encode(['ZRANDMEMBER', k]), 1] },
  { type: 'zset', name: 'ZRANDMEMBER 5', floor: true, note: 'O(count)', gen: (k) => [encode(['ZRANDMEMBER', k, '5']), 1] },
];

/** Pre-encoded batches for `ops` ops (each batch ~BATCH commands). */
function batches(op, key, n, ops) {
  const out = [];
  let done = 0;
  while (done < ops) {
    let s = '';
    let cmds = 0;
    let k = 0;
    while (cmds < BATCH && done + k < ops) {
      const [txt, c] = op.gen(key, n);
      s += txt;
      cmds += c;
      k++;
    }
    out.push([Buffer.from(s, 'latin1'), cmds]);
    done += k;
  }
  return out;
}

/** µs per command for one round of `ops` ops. */
async function round(c, op, key, n, ops) {
  const bs = batches(op, key, n, ops);
  let cmds = 0;
  const t0 = process.hrtime.bigint();
  for (const [b, k] of bs) {
    await c.send(b, k);
    cmds += k;
  }
  const ns = Number(process.hrtime.bigint() - t0);
  return ns / 1000 / cmds;
}

const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main() {
  const servers = [await startServer('nodis'), await startServer('redis')];
  const results = {
    date: new Date().toISOString(),
    node: process.version,
    redis: (await versionOf(servers[1])) ?? 'unknown',
    config: { small: SMALL, big: BIG, ops: OPS, batch: BATCH, rounds: ROUNDS, quick: QUICK },
    rows: [],
  };
  try {
    for (const type of ['list', 'hash', 'set', 'zset']) {
      if (ONLY && !ONLY.has(type)) continue;
      const typeOps = OPERATIONS.filter((o) => o.type === type && (OP === null || o.name.includes(OP)));
      if (typeOps.length === 0) continue;
      for (const s of servers) {
        const t0 = Date.now();
        await s.c.send(encode(['DEL', 'small', 'big']), 1);
        await fill(s.c, type, 'small', SMALL);
        await fill(s.c, type, 'big', BIG);
        process.stderr.write(`${s.kind}: ${type} filled in ${Date.now() - t0} ms\n`);
      }
      for (const op of typeOps) {
        const row = { op: op.name, type, floor: op.floor, note: op.note };
        // Calibrate: how many ops fit the round budget on the slowest side.
        let ops = OPS;
        for (const s of servers) {
          let us = await round(s.c, op, 'big', BIG, 5);
          if (us < 1000) us = await round(s.c, op, 'big', BIG, 200);
          await round(s.c, op, 'small', SMALL, 200);
          const [, cmdsPerOp] = op.gen('big', BIG);
          ops = Math.max(5, Math.min(ops, Math.floor((ROUND_BUDGET_MS * 1000) / (us * cmdsPerOp))));
        }
        row.ops = ops;
        const times = { nodis: { small: [], big: [] }, redis: { small: [], big: [] } };
        for (let r = 0; r < ROUNDS; r++) {
          const order = r % 2 ? [...servers].reverse() : servers;
          for (const s of order) {
            const sizes = r % 2 ? [['big', BIG], ['small', SMALL]] : [['small', SMALL], ['big', BIG]];
            for (const [key, n] of sizes) times[s.kind][key].push(await round(s.c, op, key, n, ops));
          }
        }
        for (const kind of ['nodis', 'redis']) {
          const small = median(times[kind].small);
          const big = median(times[kind].big);
          row[kind] = { small, big, ratio: big / small, rounds: times[kind] };
        }
        results.rows.push(row);
        process.stderr.write(
          `${op.name}: nodis ${row.nodis.small.toFixed(3)} -> ${row.nodis.big.toFixed(3)} µs (${row.nodis.ratio.toFixed(2)}x), ` +
            `redis ${row.redis.small.toFixed(3)} -> ${row.redis.big.toFixed(3)} µs (${row.redis.ratio.toFixed(2)}x), ${ops} ops\n`,
        );
      }
      for (const s of servers) await s.c.send(encode(['DEL', 'small', 'big']), 1);
    }
  } finally {
    for (const s of servers) stopServer(s);
  }

  const lines = [
    '| operation | nodis 1k µs/op | nodis 1M µs/op | nodis ratio | < 2× | Redis 1k µs/op | Redis 1M µs/op | Redis ratio |',
    '|---|---:|---:|---:|---|---:|---:|---:|',
  ];
  for (const r of results.rows) {
    const pass = r.nodis.ratio < 2;
    r.pass = pass;
    const verdict = r.floor ? (pass ? 'pass' : '**FAIL**') : `${pass ? 'pass' : 'fail'} (info${r.note ? `, ${r.note}` : ''})`;
    lines.push(
      `| ${r.op} | ${r.nodis.small.toFixed(2)} | ${r.nodis.big.toFixed(2)} | ${r.nodis.ratio.toFixed(2)} | ${verdict} | ` +
        `${r.redis.small.toFixed(2)} | ${r.redis.big.toFixed(2)} | ${r.redis.ratio.toFixed(2)} |`,
    );
  }
  results.table = lines.join('\n');
  mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
  const out = path.join(ROOT, 'bench/results', `scaling-${results.date.replace(/[:.]/g, '-').slice(0, 19)}.json`);
  writeFileSync(out, JSON.stringify(results, null, 2));
  console.log(results.table);
  const failed = results.rows.filter((r) => r.floor && !r.pass).map((r) => r.op);
  console.log(`\nfloor (< 2× for O(1)/O(log n) ops): ${failed.length ? `FAIL: ${failed.join(', ')}` : 'all pass'}`);
  console.log(`results: ${path.relative(ROOT, out)}`);
}

async function versionOf(s) {
  const c = await client(s.port);
  let text = '';
  c.socket.on('data', (d) => (text += d.toString()));
  await c.send(encode(['INFO', 'server']), 1);
  c.close();
  return /redis_version:(\S+)/.exec(text)?.[1];
}

await main();
