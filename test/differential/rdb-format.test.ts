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
import { populate, fetchValue, normalize } from '../helpers/dataset.js';

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
      assert.ok(typeof parsed !== 'string', `parse DUMP of ${key}: ${String(parsed)}`);
      assert.deepEqual(normalize(parsed), normalize(await fetchValue(c, key)), key);
      const ours = dumpPayload(parsed).latin1Slice();
      assert.equal(await c.call('RESTORE', `copy:${key}`, 0, ours), '+OK\r\n', key);
      assert.deepEqual(normalize(await fetchValue(c, `copy:${key}`)), normalize(parsed), key);
      const corrupted = Buffer.from(ours, 'latin1');
      corrupted[1] ^= 0xff;
      assert.equal(parseDumpPayload(corrupted, key), 'bad-version-or-checksum');
    }
  });
});
