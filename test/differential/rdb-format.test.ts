/**
 * RDB and DUMP formats against real Redis, independent of nodis's in-memory types:
 * Redis writes every type in every encoding -> parseRdb reads it; writeRdb writes -> Redis
 * loads it and redis-check-rdb accepts it; DUMP payloads go both ways.
 */
import { describe, before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hasRedis, startRedis, type ExternalServer } from '../helpers/servers.js';
import { RespClient } from '../helpers/resp-client.js';
import { parseReply } from '../helpers/differential.js';
import { parseRdb, writeRdb, dumpPayload, parseDumpPayload, type RdbKey } from '../../src/persistence/rdb/file.js';
import type { PortableValue } from '../../src/persistence/rdb/values.js';

/** Populates a server with every type in its small and large encodings. */
async function populate(c: RespClient): Promise<void> {
  const big = (n: number, f: (i: number) => string): string[] => Array.from({ length: n }, (_, i) => f(i));
  const cmds: (string | number)[][] = [
    ['SET', 'str:embstr', 'hello'],
    ['SET', 'str:int', '12345'],
    ['SET', 'str:negint', '-7'],
    ['SET', 'str:bigint', '9223372036854775807'],
    ['SET', 'str:long', 'x'.repeat(500)],
    ['SET', 'str:random', Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 131) % 256)).latin1Slice()],
    ['SET', 'str:binary', '\x00\xff\r\n\x80'],
    ['SET', 'str:ttl', 'v', 'PX', 100000000],
    ['RPUSH', 'list:small', 'a', '1', '-2', '300', '70000', '-70000', '5000000000', 'zzz'],
    ['RPUSH', 'list:big', ...big(3000, (i) => `item-${i}-${'y'.repeat(i % 50)}`)],
    ['RPUSH', 'list:huge-element', 'q'.repeat(20000), 'small'],
    ['SADD', 'set:intset', '1', '2', '3', '-100', '100000', '5000000000'],
    ['SADD', 'set:strings', 'a', 'b', 'c'],
    ['SADD', 'set:big', ...big(1000, (i) => `m${i}`)],
    ['HSET', 'hash:small', 'f1', 'v1', 'f2', '2', 'f3', ''],
    ['HSET', 'hash:big', ...big(600, (i) => (i % 2 === 0 ? `field${i}` : `value${i}`))],
    ['ZADD', 'zset:small', '1', 'a', '2.5', 'b', '-3', 'c', 'inf', 'd', '-inf', 'e'],
    ['ZADD', 'zset:big', ...big(600, (i) => (i % 2 === 0 ? String(i / 7) : `member${i}`))],
    ['SELECT', 3],
    ['SET', 'db3:key', 'in db 3'],
    ['SELECT', 0],
  ];
  for (const cmd of cmds) {
    const r = await c.call(...cmd);
    assert.ok(!r.startsWith('-'), `${cmd[0]} failed: ${r}`);
  }
}

/** Reads a key's contents through commands, in a portable shape for comparison. */
async function fetchValue(c: RespClient, key: string): Promise<PortableValue> {
  const type = parseReply(await c.call('TYPE', key));
  switch (type) {
    case 'string':
      return { type: 'string', value: parseReply(await c.call('GET', key)) as string };
    case 'list':
      return { type: 'list', items: parseReply(await c.call('LRANGE', key, 0, -1)) as string[] };
    case 'set':
      return { type: 'set', members: (parseReply(await c.call('SMEMBERS', key)) as string[]).sort() };
    case 'hash': {
      const flat = parseReply(await c.call('HGETALL', key)) as string[];
      const pairs: [string, string][] = [];
      for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i]!, flat[i + 1]!]);
      return { type: 'hash', pairs: pairs.sort() };
    }
    case 'zset': {
      const flat = parseReply(await c.call('ZRANGE', key, 0, -1, 'WITHSCORES')) as string[];
      const entries: [string, number][] = [];
      for (let i = 0; i < flat.length; i += 2) entries.push([flat[i]!, Number(flat[i + 1]!.replace('inf', 'Infinity'))]);
      return { type: 'zset', entries };
    }
    default:
      throw new Error(`unexpected type ${String(type)} for ${key}`);
  }
}

function normalize(v: PortableValue): PortableValue {
  if (v.type === 'set') return { type: 'set', members: [...v.members].sort() };
  if (v.type === 'hash') return { type: 'hash', pairs: [...v.pairs].sort() };
  if (v.type === 'zset') return { type: 'zset', entries: [...v.entries].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1)) };
  return v;
}

describe('RDB/DUMP format interop with real Redis (differential)', { skip: hasRedis() ? false : 'redis-server not installed' }, () => {
  let redis: ExternalServer;
  let c: RespClient;
  before(async () => {
    redis = await startRedis();
    c = await RespClient.connect(redis.port);
    await populate(c);
  });
  after(async () => {
    c?.close();
    await redis?.stop();
  });

  test('parseRdb reads what Redis SAVEs (every type and encoding, TTLs, several dbs, checksum)', async () => {
    assert.equal(await c.call('SAVE'), '+OK\r\n');
    const contents = parseRdb(readFileSync(path.join(redis.dir, 'dump.rdb')));
    assert.ok(contents.version >= 9 && contents.version <= 11);
    assert.ok(contents.aux.has('redis-ver'));
    const db0 = contents.dbs.get(0)!;
    const keys = (parseReply(await c.call('KEYS', '*')) as string[]).sort();
    assert.deepEqual(db0.map((k) => k.key).sort(), keys);
    for (const entry of db0) {
      assert.deepEqual(normalize(entry.value), normalize(await fetchValue(c, entry.key)), entry.key);
    }
    const ttl = db0.find((k) => k.key === 'str:ttl')!;
    const pexpiretime = parseReply(await c.call('PEXPIRETIME', 'str:ttl')) as number;
    assert.equal(ttl.expireMs, pexpiretime);
    assert.deepEqual(contents.dbs.get(3)!.map((k) => k.key), ['db3:key']);
  });

  test('writeRdb output loads into Redis and passes redis-check-rdb', async () => {
    const db0 = parseRdb(readFileSync(path.join(redis.dir, 'dump.rdb'))).dbs.get(0)!;
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nodis-rdb-'));
    try {
      const chunks: Buffer[] = [];
      const keys: RdbKey[] = db0;
      writeRdb(
        [{ id: 0, size: keys.length, expires: keys.filter((k) => k.expireMs !== -1).length, keys }],
        { compress: true, checksum: true, aux: [['redis-ver', '7.2.4'], ['redis-bits', '64']] },
        (chunk) => chunks.push(chunk),
      );
      const file = path.join(dir, 'ours.rdb');
      writeFileSync(file, Buffer.concat(chunks));
      const check = spawnSync('redis-check-rdb', [file], { encoding: 'utf8' });
      assert.equal(check.status, 0, check.stdout + check.stderr);
      const loaded = await startRedis(['--dbfilename', 'ours.rdb', '--dir', dir]);
      const lc = await RespClient.connect(loaded.port);
      try {
        for (const entry of db0) assert.deepEqual(normalize(await fetchValue(lc, entry.key)), normalize(entry.value), entry.key);
        assert.equal(parseReply(await lc.call('PEXPIRETIME', 'str:ttl')), db0.find((k) => k.key === 'str:ttl')!.expireMs);
      } finally {
        lc.close();
        await loaded.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('DUMP payloads go both ways; corrupted payloads are refused', async () => {
    for (const key of ['str:int', 'str:long', 'list:small', 'list:big', 'set:intset', 'hash:small', 'zset:small', 'zset:big']) {
      const theirs = parseReply(await c.call('DUMP', key)) as string;
      const parsed = parseDumpPayload(Buffer.from(theirs, 'latin1'), key);
      assert.ok(parsed !== null, `parse DUMP of ${key}`);
      assert.deepEqual(normalize(parsed), normalize(await fetchValue(c, key)), key);
      const ours = dumpPayload(parsed).latin1Slice();
      assert.equal(await c.call('RESTORE', `copy:${key}`, 0, ours), '+OK\r\n', key);
      assert.deepEqual(normalize(await fetchValue(c, `copy:${key}`)), normalize(parsed), key);
      const corrupted = Buffer.from(ours, 'latin1');
      corrupted[1] ^= 0xff;
      assert.equal(parseDumpPayload(corrupted, key), null);
    }
  });
});
