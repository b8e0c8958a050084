/**
 * The append-only file: what nodis appends replays to the same dataset (random writes of
 * every kind, transactions, blocking pops, relative TTLs), rewrites keep it consistent,
 * Redis and nodis load each other's appendonly directories, truncated files are handled as
 * aof-load-truncated says, and with appendfsync always no acknowledged write is lost when
 * the process is killed.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync, appendFileSync } from 'node:fs';
import path from 'node:path';
import { freePort, hasRedis, ROOT, startNodis, startRedis } from '../helpers/servers.js';
import { RespClient } from '../helpers/resp-client.js';
import { tempDir as newTempDir, loaded, infoField, waitForField } from '../helpers/persistence.js';
import { parseReply } from '../helpers/differential.js';
import { populate, readDataset, assertSameDataset } from '../helpers/dataset.js';
import type { RunningServer } from '../../src/index.js';
import { lcg as rng } from '../helpers/rng.js';

const tempDir = (): string => newTempDir('nodis-aof-');

async function nodisOn(dir: string, config: Record<string, string> = {}): Promise<{ server: RunningServer; c: RespClient }> {
  const server = await startNodis({ config: { dir, appendonly: 'yes', 'enable-debug-command': 'yes', ...config } });
  return { server, c: await RespClient.connect(server.port) };
}

const waitFor = waitForField;

/** Random writes of every kind, including non-deterministic ones that must be replayed as their effects. */
async function randomWrites(c: RespClient, seed: number, count: number): Promise<void> {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const m = (): string => pick(['a', 'b', 'c', '1', '2', '10', '-3', 'x\x00y', '\xff\xfe']);
  const n = (): string => String(Math.floor(r() * 21) - 10);
  const k = (t: string): string => `${t}${Math.floor(r() * 3)}`;
  const ops: (() => (string | number)[])[] = [
    () => ['SET', k('s'), m(), ...pick([[], ['EX', '1000'], ['PX', '500000'], ['KEEPTTL'], ['NX'], ['XX', 'GET']])],
    () => ['APPEND', k('s'), m()],
    () => ['INCRBYFLOAT', k('f'), pick(['1.5', '-0.25', '3'])],
    () => ['SETRANGE', k('s'), Math.floor(r() * 5), m()],
    () => ['GETEX', k('s'), ...pick([['EX', '100'], ['PERSIST'], ['PXAT', String(Date.now() + 900000)]])],
    () => ['EXPIRE', k(pick(['s', 'l', 'h'])), pick(['100', '2000']), ...pick([[], ['NX'], ['GT']])],
    () => ['PERSIST', k('s')],
    () => ['RPUSH', k('l'), m(), m()],
    () => ['LPOP', k('l'), pick(['1', '2'])],
    () => ['LMOVE', k('l'), k('l'), pick(['LEFT', 'RIGHT']), pick(['LEFT', 'RIGHT'])],
    () => ['LINSERT', k('l'), 'BEFORE', m(), m()],
    () => ['HSET', k('h'), m(), n(), m(), m()],
    () => ['HINCRBYFLOAT', k('hf'), 'f', pick(['0.1', '2.5'])],
    () => ['HDEL', k('h'), m()],
    () => ['SADD', k('t'), m(), n()],
    () => ['SPOP', k('t'), ...pick([[], ['2']])],
    () => ['SMOVE', k('t'), k('t'), m()],
    () => ['ZADD', k('z'), n(), m(), pick(['1.5', 'inf', '-2']), m()],
    () => ['ZINCRBY', k('z'), pick(['1', '0.5']), m()],
    () => ['ZPOPMIN', k('z')],
    () => ['ZUNIONSTORE', k('z'), 2, k('z'), k('z')],
    () => ['RENAME', k('l'), k('l')],
    () => ['COPY', k('h'), k('h'), 'REPLACE'],
    () => ['DEL', k(pick(['s', 'l', 'h', 't', 'z']))],
    () => ['MOVE', k('s'), pick(['1', '2'])],
    () => ['SELECT', pick(['0', '0', '0', '1'])],
    () => ['SWAPDB', '0', '1'],
  ];
  for (let i = 0; i < count; i++) {
    if (r() < 0.05) {
      c.send('MULTI');
      c.send(...pick(ops)());
      c.send(...pick(ops)());
      c.send('EXEC');
      for (let j = 0; j < 4; j++) await c.read();
    } else {
      await c.call(...pick(ops)());
    }
  }
  await c.call('SELECT', 0);
}

describe('AOF: what nodis appends, nodis replays', () => {
  for (const preamble of ['yes', 'no']) {
    test(`random writes survive a restart, and a rewrite (aof-use-rdb-preamble ${preamble})`, async () => {
      const dir = tempDir();
      let { server, c } = await nodisOn(dir, { 'aof-use-rdb-preamble': preamble });
      await randomWrites(c, 7, 1500);
      const expected = await readDataset(c);
      c.close();
      await server.stop();
      ({ server, c } = await nodisOn(dir, { 'aof-use-rdb-preamble': preamble }));
      assertSameDataset(await readDataset(c), expected);
      // A rewrite while writes continue, then more writes, then a restart.
      assert.equal(await c.call('BGREWRITEAOF'), '+Background append only file rewriting started\r\n');
      await randomWrites(c, 8, 300);
      await waitFor(c, 'aof_rewrite_in_progress', '0');
      assert.equal(await infoField(c, 'aof_last_bgrewrite_status'), 'ok');
      await randomWrites(c, 9, 300);
      const afterRewrite = await readDataset(c);
      c.close();
      await server.stop();
      const files = readdirSync(path.join(dir, 'appendonlydir')).sort();
      assert.deepEqual(files, [`appendonly.aof.2.base.${preamble === 'yes' ? 'rdb' : 'aof'}`, 'appendonly.aof.2.incr.aof', 'appendonly.aof.manifest']);
      ({ server, c } = await nodisOn(dir, { 'aof-use-rdb-preamble': preamble }));
      assertSameDataset(await readDataset(c), afterRewrite);
      c.close();
      await server.stop();
    });
  }

  test('a blocking pop served by a push is replayed after it (the key ends empty)', async () => {
    const dir = tempDir();
    let { server, c } = await nodisOn(dir);
    const waiter = await RespClient.connect(server.port);
    waiter.send('BLPOP', 'q', 0);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(await c.call('RPUSH', 'q', 'job'), ':1\r\n');
    assert.equal(await waiter.read(), '*2\r\n$1\r\nq\r\n$3\r\njob\r\n');
    await c.call('SET', 'marker', '1');
    waiter.close();
    c.close();
    await server.stop();
    ({ server, c } = await nodisOn(dir));
    assert.equal(await c.call('EXISTS', 'q'), ':0\r\n');
    assert.equal(await c.call('GET', 'marker'), '$1\r\n1\r\n');
    c.close();
    await server.stop();
  });

  test('CONFIG SET appendonly yes writes the current dataset as a base; no stops appending', async () => {
    const dir = tempDir();
    let { server, c } = await nodisOn(dir, { appendonly: 'no' });
    await populate(c);
    const expected = await readDataset(c);
    assert.equal(await c.call('CONFIG', 'SET', 'appendonly', 'yes'), '+OK\r\n');
    await waitFor(c, 'aof_rewrite_in_progress', '0');
    assert.equal(await infoField(c, 'aof_enabled'), '1');
    c.close();
    await server.stop();
    ({ server, c } = await nodisOn(dir));
    assertSameDataset(await readDataset(c), expected);
    assert.equal(await c.call('CONFIG', 'SET', 'appendonly', 'no'), '+OK\r\n');
    await c.call('SET', 'not-logged', '1');
    c.close();
    await server.stop();
    ({ server, c } = await nodisOn(dir));
    assert.equal(await c.call('EXISTS', 'not-logged'), ':0\r\n');
    c.close();
    await server.stop();
  });

  test('auto-aof-rewrite-percentage and -min-size start a rewrite when the AOF has grown', async () => {
    const dir = tempDir();
    const { server, c } = await nodisOn(dir, { 'auto-aof-rewrite-min-size': '4kb', 'auto-aof-rewrite-percentage': '100' });
    assert.equal(await infoField(c, 'aof_rewrites'), '0');
    for (let i = 0; i < 200; i++) await c.call('SET', `key:${i % 10}`, 'v'.repeat(50));
    await waitFor(c, 'aof_rewrites', '1');
    await waitFor(c, 'aof_rewrite_in_progress', '0');
    // The rewrite compacted 200 SETs of 10 keys into a small base.
    assert.ok(Number(await infoField(c, 'aof_base_size')) < 4096);
    c.close();
    await server.stop();
    const again = await nodisOn(dir);
    assert.equal(await again.c.call('DBSIZE'), ':10\r\n');
    again.c.close();
    await again.server.stop();
  });

  test('DEBUG LOADAOF reloads the files; BGREWRITEAOF replies as Redis', async () => {
    const dir = tempDir();
    const { server, c } = await nodisOn(dir);
    await populate(c);
    const expected = await readDataset(c);
    assert.equal(await c.call('DEBUG', 'LOADAOF'), '+OK\r\n');
    assertSameDataset(await readDataset(c), expected);
    c.send('BGREWRITEAOF');
    c.send('BGREWRITEAOF');
    assert.equal(await c.read(), '+Background append only file rewriting started\r\n');
    assert.equal(await c.read(), '-ERR Background append only file rewriting already in progress\r\n');
    await waitFor(c, 'aof_rewrite_in_progress', '0');
    c.send('MULTI');
    c.send('BGREWRITEAOF');
    c.send('EXEC');
    await c.read();
    await c.read();
    assert.equal(await c.read(), '*1\r\n+Background append only file rewriting scheduled\r\n');
    await waitFor(c, 'aof_rewrites', '2');
    c.close();
    await server.stop();
  });
});

describe('AOF interop with real Redis', { skip: hasRedis() ? false : 'redis-server not installed' }, () => {
  for (const preamble of ['yes', 'no']) {
    test(`Redis loads nodis's appendonly dir and nodis loads Redis's (preamble ${preamble})`, async () => {
      const ours = tempDir();
      const { server, c } = await nodisOn(ours, { 'aof-use-rdb-preamble': preamble });
      await populate(c);
      await c.call('BGREWRITEAOF');
      await waitFor(c, 'aof_rewrite_in_progress', '0');
      await randomWrites(c, 3, 500);
      const expected = await readDataset(c);
      c.close();
      await server.stop();
      const check = spawnSync('redis-check-aof', [path.join(ours, 'appendonlydir', 'appendonly.aof.manifest')], { encoding: 'utf8' });
      assert.equal(check.status, 0, check.stdout + check.stderr);
      const redis = await startRedis(['--dir', ours, '--appendonly', 'yes', '--aof-use-rdb-preamble', preamble]);
      const rc = await loaded(await RespClient.connect(redis.port));
      try {
        assertSameDataset(await readDataset(rc), expected);
        // Redis appends to the same directory and rewrites it; nodis must load the result
        // as Redis itself loads it.
        await randomWrites(rc, 4, 500);
        await rc.call('BGREWRITEAOF');
        await waitFor(rc, 'aof_rewrite_in_progress', '0');
        await randomWrites(rc, 5, 300);
        rc.close();
        await redis.stop();
        const forRedis = tempDir();
        const forNodis = tempDir();
        cpSync(ours, forRedis, { recursive: true });
        cpSync(ours, forNodis, { recursive: true });
        const reference = await startRedis(['--dir', forRedis, '--appendonly', 'yes', '--aof-use-rdb-preamble', preamble]);
        const ref = await loaded(await RespClient.connect(reference.port));
        const theirs = await readDataset(ref);
        ref.close();
        await reference.stop();
        const again = await nodisOn(forNodis, { 'aof-use-rdb-preamble': preamble });
        assertSameDataset(await readDataset(again.c), theirs);
        again.c.close();
        await again.server.stop();
      } finally {
        rc.close();
        await redis.stop();
      }
    });
  }

  test('INFO persistence AOF fields match Redis where comparable', async () => {
    const redis = await startRedis(['--appendonly', 'yes']);
    const rc = await loaded(await RespClient.connect(redis.port));
    const { server, c } = await nodisOn(tempDir());
    try {
      for (const field of ['aof_enabled', 'aof_rewrite_in_progress', 'aof_rewrite_scheduled', 'aof_last_bgrewrite_status', 'aof_last_write_status', 'aof_rewrites_consecutive_failures', 'aof_pending_rewrite', 'aof_buffer_length']) {
        assert.equal(await infoField(c, field), await infoField(rc, field), field);
      }
    } finally {
      c.close();
      rc.close();
      await server.stop();
      await redis.stop();
    }
  });
});

describe('AOF damage: truncated and corrupted files', () => {
  async function preparedDir(): Promise<{ dir: string; incr: string }> {
    const dir = tempDir();
    const { server, c } = await nodisOn(dir);
    for (let i = 0; i < 20; i++) await c.call('SET', `k${i}`, `v${i}`);
    c.close();
    await server.stop();
    return { dir, incr: path.join(dir, 'appendonlydir', 'appendonly.aof.1.incr.aof') };
  }

  const runNodis = (dir: string, extra: string[] = []): { status: number | null; out: string } => {
    const r = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), path.join(ROOT, 'src/main.ts'), '--port', '0', '--dir', dir, '--appendonly', 'yes', ...extra], {
      encoding: 'utf8',
      timeout: 30000,
    });
    return { status: r.status, out: r.stdout + r.stderr };
  };

  test('a command cut in half at the end: loaded up to it with aof-load-truncated yes (the default)', async () => {
    const { dir, incr } = await preparedDir();
    truncateSync(incr, statSync(incr).size - 5);
    const { server, c } = await nodisOn(dir);
    assert.equal(await c.call('DBSIZE'), ':19\r\n');
    assert.equal(await c.call('GET', 'k18'), '$3\r\nv18\r\n');
    await c.call('SET', 'after', 'repair');
    c.close();
    await server.stop();
    const again = await nodisOn(dir);
    assert.equal(await again.c.call('DBSIZE'), ':20\r\n');
    again.c.close();
    await again.server.stop();
  });

  test('an unfinished MULTI at the end is reverted', async () => {
    const { dir, incr } = await preparedDir();
    appendFileSync(incr, '*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$4\r\nhalf\r\n$1\r\n1\r\n');
    const { server, c } = await nodisOn(dir);
    assert.equal(await c.call('EXISTS', 'half'), ':0\r\n');
    assert.equal(await c.call('DBSIZE'), ':20\r\n');
    c.close();
    await server.stop();
  });

  test('with aof-load-truncated no, a truncated file stops the server, naming the file', async () => {
    const { dir, incr } = await preparedDir();
    truncateSync(incr, statSync(incr).size - 5);
    const r = runNodis(dir, ['--aof-load-truncated', 'no']);
    assert.equal(r.status, 1, r.out);
    assert.ok(r.out.includes(incr), r.out);
  });

  test('garbage in the middle of a file stops the server with the offset', async () => {
    const { dir, incr } = await preparedDir();
    const bytes = readFileSync(incr);
    writeFileSync(incr, Buffer.concat([bytes.subarray(0, 40), Buffer.from('garbage!'), bytes.subarray(40)]));
    const r = runNodis(dir);
    assert.equal(r.status, 1, r.out);
    assert.match(r.out, /Bad file format reading the append only file .* at offset \d+/);
  });
});

describe('crash safety: SIGKILL under write load', () => {
  /** Runs a write load against a nodis child process, kills it mid-way, returns the acknowledged writes. */
  async function killedMidLoad(dir: string, fsync: string, runMs: number): Promise<{ acked: number; ackedAt: number[] }> {
    const port = await freePort();
    const proc = spawn(
      process.execPath,
      ['--import', import.meta.resolve('tsx'), path.join(ROOT, 'src/main.ts'), '--port', String(port), '--dir', dir, '--save', '', '--appendonly', 'yes', '--appendfsync', fsync],
      { stdio: 'ignore' },
    );
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    let c: RespClient | null = null;
    const deadline = Date.now() + 20000;
    while (c === null) {
      try {
        c = await RespClient.connect(port);
      } catch {
        assert.ok(Date.now() < deadline, 'nodis started');
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    let acked = 0;
    const ackedAt: number[] = [];
    const stopAt = Date.now() + runMs;
    try {
      // Several writes in flight at a time, like a busy client.
      while (Date.now() < stopAt) {
        const base = acked;
        for (let i = 0; i < 8; i++) c.send('SET', `key:${base + i}`, `value:${base + i}`);
        for (let i = 0; i < 8; i++) {
          assert.equal(await c.read(), '+OK\r\n');
          acked++;
          ackedAt.push(Date.now());
        }
      }
    } finally {
      proc.kill('SIGKILL');
      await exited;
      c.close();
    }
    return { acked, ackedAt };
  }

  test('appendfsync always: every acknowledged write is there after SIGKILL, many times over', async () => {
    const started = Date.now();
    let rounds = 0;
    while (rounds < 3 || (rounds < 8 && Date.now() - started < 15000)) {
      const dir = tempDir();
      const { acked } = await killedMidLoad(dir, 'always', 300 + rounds * 97);
      assert.ok(acked > 0);
      const { server, c } = await nodisOn(dir);
      const size = Number((parseReply(await c.call('DBSIZE')) as number) ?? 0);
      assert.ok(size >= acked, `round ${rounds}: ${size} keys after restart, ${acked} acknowledged`);
      for (const i of [0, Math.floor(acked / 2), acked - 1]) assert.equal(await c.call('GET', `key:${i}`), `$${`value:${i}`.length}\r\nvalue:${i}\r\n`);
      c.close();
      await server.stop();
      rounds++;
    }
  });

  test('appendfsync everysec: at most about a second of acknowledged writes is lost', async () => {
    const dir = tempDir();
    const { acked, ackedAt } = await killedMidLoad(dir, 'everysec', 2500);
    const { server, c } = await nodisOn(dir);
    const size = parseReply(await c.call('DBSIZE')) as number;
    const killedAt = ackedAt[ackedAt.length - 1]!;
    const olderThanASecond = ackedAt.filter((t) => t < killedAt - 1500).length;
    assert.ok(size >= olderThanASecond, `${size} keys survived; ${olderThanASecond} of ${acked} were acknowledged over 1.5 s before the kill`);
    c.close();
    await server.stop();
  });
});

