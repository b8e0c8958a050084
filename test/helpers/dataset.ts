/**
 * A dataset with every type in its small and large encodings, and a way to read any key
 * back through commands: persistence tests fill one server, move the data (RDB, AOF, DUMP)
 * and compare key by key on the other.
 */
import assert from 'node:assert/strict';
import type { RespClient } from './resp-client.js';
import { parseReply } from './differential.js';
import type { PortableValue } from '../../src/persistence/rdb/values.js';

export /** Populates a server with every type in its small and large encodings. */
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
export async function fetchValue(c: RespClient, key: string): Promise<PortableValue> {
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

export function normalize(v: PortableValue): PortableValue {
  if (v.type === 'set') return { type: 'set', members: [...v.members].sort() };
  if (v.type === 'hash') return { type: 'hash', pairs: [...v.pairs].sort() };
  if (v.type === 'zset') return { type: 'zset', entries: [...v.entries].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1)) };
  return v;
}


export interface KeyState {
  readonly value: PortableValue;
  /** PEXPIRETIME: absolute expiry in ms, -1 without one. */
  readonly expireAt: number;
}

/** Sends every command, then reads every reply (one round trip for many commands). */
async function pipeline(c: RespClient, commands: (string | number)[][]): Promise<string[]> {
  for (const cmd of commands) c.send(...cmd);
  const replies: string[] = [];
  for (let i = 0; i < commands.length; i++) replies.push(await c.read());
  return replies;
}

const FETCH: Record<string, (key: string) => (string | number)[]> = {
  string: (k) => ['GET', k],
  list: (k) => ['LRANGE', k, 0, -1],
  set: (k) => ['SMEMBERS', k],
  hash: (k) => ['HGETALL', k],
  zset: (k) => ['ZRANGE', k, 0, -1, 'WITHSCORES'],
};

function toPortableValue(type: string, reply: string): PortableValue {
  const v = parseReply(reply);
  switch (type) {
    case 'string':
      return { type: 'string', value: v as string };
    case 'list':
      return { type: 'list', items: v as string[] };
    case 'set':
      return { type: 'set', members: v as string[] };
    case 'hash': {
      const flat = v as string[];
      const pairs: [string, string][] = [];
      for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i]!, flat[i + 1]!]);
      return { type: 'hash', pairs };
    }
    default: {
      const flat = v as string[];
      const entries: [string, number][] = [];
      for (let i = 0; i < flat.length; i += 2) entries.push([flat[i]!, Number(flat[i + 1]!.replace('inf', 'Infinity'))]);
      return { type: 'zset', entries };
    }
  }
}

/** Every key of databases 0..15 as "db:key" -> contents and expiry, read through commands. */
export async function readDataset(c: RespClient): Promise<Map<string, KeyState>> {
  const out = new Map<string, KeyState>();
  for (let db = 0; db < 16; db++) {
    await c.call('SELECT', db);
    const keys = (parseReply(await c.call('KEYS', '*')) as string[]).sort();
    const meta = await pipeline(c, keys.flatMap((k) => [['TYPE', k], ['PEXPIRETIME', k]]));
    const types = keys.map((_, i) => parseReply(meta[2 * i]!) as string);
    const values = await pipeline(c, keys.map((k, i) => {
      const fetch = FETCH[types[i]!];
      assert.ok(fetch !== undefined, `unexpected type ${types[i]!} for ${k}`);
      return fetch(k);
    }));
    keys.forEach((k, i) => out.set(`${db}:${k}`, { value: normalize(toPortableValue(types[i]!, values[i]!)), expireAt: parseReply(meta[2 * i + 1]!) as number }));
  }
  await c.call('SELECT', 0);
  return out;
}

/** Asserts two datasets hold the same keys, values and expiry times. */
export function assertSameDataset(actual: Map<string, KeyState>, expected: Map<string, KeyState>): void {
  assert.deepEqual([...actual.keys()].sort(), [...expected.keys()].sort(), 'same keys');
  for (const [key, want] of expected) {
    const got = actual.get(key)!;
    assert.deepEqual(got.value, want.value, `value of ${key}`);
    assert.equal(got.expireAt, want.expireAt, `expiry of ${key}`);
  }
}
