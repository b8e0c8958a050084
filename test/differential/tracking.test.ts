/**
 * Client-side caching against Redis: CLIENT TRACKING options and errors, invalidation
 * pushes (RESP3), `__redis__:invalidate` messages for a RESP2 redirect, BCAST/PREFIX/NOLOOP,
 * OPTIN/OPTOUT with CLIENT CACHING, flushes, expiry, a redirect that goes away, CLIENT LIST
 * flags and INFO counters. Every unsolicited message is compared byte for byte.
 */
import assert from 'node:assert/strict';
import { diffSuite, diffTest, type Both, type DiffEnv } from '../helpers/differential.js';

/** The next unsolicited message on both connections must be identical. */
async function next(b: Both): Promise<string> {
  const [ours, theirs] = await Promise.all([b.nodis.read(), b.redis.read()]);
  assert.equal(ours, theirs, 'pushed message mismatch');
  return ours;
}

/** Nothing more must arrive on either side (PING's reply comes first). */
async function nothingPending(b: Both): Promise<void> {
  await b.do('PING');
}

/** Each server's id for the connection pair (they differ between the servers). */
async function ids(target: Both): Promise<[string, string]> {
  return [(await target.nodis.call('CLIENT', 'ID')).slice(1, -2), (await target.redis.call('CLIENT', 'ID')).slice(1, -2)];
}

/** Sends a command naming a client id, each server its own id. */
async function doWithId(b: Both, [idN, idR]: [string, string], build: (id: string) => (string | number)[]): Promise<string> {
  b.nodis.send(...build(idN));
  b.redis.send(...build(idR));
  const [ours, theirs] = await Promise.all([b.nodis.read(), b.redis.read()]);
  assert.equal(ours, theirs, `reply mismatch for ${build('<id>').join(' ')}`);
  return ours;
}

/** Sends to both; the replies must agree once each server's client id is replaced by ID. */
async function doIdAgnostic(b: Both, [idN, idR]: [string, string], ...args: string[]): Promise<string> {
  const [ours, theirs] = await Promise.all([b.nodis.call(...args), b.redis.call(...args)]);
  assert.equal(ours.replaceAll(`:${idN}\r\n`, ':ID\r\n'), theirs.replaceAll(`:${idR}\r\n`, ':ID\r\n'), args.join(' '));
  return ours;
}

/** Two connection pairs on clean servers; opening the second flushes, so open both first. */
async function two(env: DiffEnv, resp: 2 | 3): Promise<[Both, Both]> {
  const a = await env.both(resp);
  const b = await env.both(resp, false);
  return [a, b];
}

/** A line of INFO's output must agree (field: value). */
async function infoField(b: Both, section: string, field: string): Promise<void> {
  const ours = await b.nodis.call('INFO', section);
  const theirs = await b.redis.call('INFO', section);
  const pick = (s: string): string | undefined => s.split('\r\n').find((l) => l.startsWith(`${field}:`));
  assert.equal(pick(ours), pick(theirs), `INFO ${field}`);
}

/** CLIENT INFO fields that must agree (ids, addresses and ages legitimately differ). */
async function clientInfo(b: Both, ...fields: string[]): Promise<void> {
  const pick = (s: string): string =>
    s
      .split(/[ \r\n]/)
      .filter((kv) => fields.includes(kv.split('=')[0]!))
      .join(' ');
  const ours = pick(await b.nodis.call('CLIENT', 'INFO'));
  const theirs = pick(await b.redis.call('CLIENT', 'INFO'));
  assert.equal(ours, theirs, 'CLIENT INFO');
}

diffSuite('client-side caching', (env) => {
  diffTest(env, 'CLIENT TRACKING option errors', async (b) => {
    await b.do('CLIENT', 'TRACKING', 'ON', 'PREFIX', 'a');
    await b.do('CLIENT', 'TRACKING', 'ON', 'BCAST', 'OPTIN');
    await b.do('CLIENT', 'TRACKING', 'ON', 'BCAST', 'OPTOUT');
    await b.do('CLIENT', 'TRACKING', 'ON', 'OPTIN', 'OPTOUT');
    await b.do('CLIENT', 'TRACKING', 'ON', 'REDIRECT', '999999');
    await b.do('CLIENT', 'TRACKING', 'ON', 'REDIRECT', 'x');
    await b.do('CLIENT', 'TRACKING', 'ON', 'REDIRECT', '0');
    await b.do('CLIENT', 'TRACKING', 'ON', 'NOSUCHOPTION');
    await b.do('CLIENT', 'TRACKING', 'ON', 'PREFIX');
    await b.do('CLIENT', 'TRACKING', 'MAYBE');
    await b.do('CLIENT', 'TRACKING', 'ON', 'BCAST', 'PREFIX', 'a', 'PREFIX', 'ab');
    await b.do('CLIENT', 'TRACKING', 'ON', 'BCAST', 'PREFIX', 'ab', 'PREFIX', 'a');
    await b.do('CLIENT', 'CACHING', 'YES');
    await b.do('CLIENT', 'GETREDIR');
    await b.do('CLIENT', 'TRACKINGINFO');
    await b.do('CLIENT', 'TRACKING', 'ON', 'BCAST', 'PREFIX', 'user:', 'PREFIX', 'obj:');
    await b.do('CLIENT', 'TRACKINGINFO');
    await b.do('CLIENT', 'TRACKING', 'ON', 'BCAST', 'PREFIX', 'user:1');
    await b.do('CLIENT', 'TRACKING', 'ON', 'BCAST', 'PREFIX', 'u');
    await b.do('CLIENT', 'TRACKING', 'ON');
    await b.do('CLIENT', 'TRACKING', 'ON', 'BCAST', 'PREFIX', 'z:');
    await b.do('CLIENT', 'TRACKINGINFO');
    await b.do('CLIENT', 'CACHING', 'YES');
    await b.do('CLIENT', 'TRACKING', 'OFF');
    await b.do('CLIENT', 'TRACKING', 'ON', 'OPTIN');
    await b.do('CLIENT', 'TRACKING', 'ON', 'OPTOUT');
    await b.do('CLIENT', 'CACHING', 'NO');
    await b.do('CLIENT', 'CACHING', 'MAYBE');
    await b.do('CLIENT', 'CACHING', 'YES');
    await b.do('CLIENT', 'TRACKINGINFO');
    await b.do('CLIENT', 'TRACKING', 'OFF', 'BCAST');
    await b.do('CLIENT', 'TRACKINGINFO');
    await b.do('CLIENT', 'GETREDIR');
    // Redis 7.2 reports an overlap between two given prefixes, the first not being the
    // first given, yet enables tracking and replies +OK too: both replies must come.
    await b.do('CLIENT', 'TRACKING', 'ON', 'BCAST', 'PREFIX', 'a', 'PREFIX', 'b', 'PREFIX', 'bc');
    await next(b);
    await b.do('CLIENT', 'TRACKINGINFO');
  });

  diffTest(env, 'RESP3: keys read are invalidated once when another client writes them', async (_, resp) => {
    const [reader, writer] = await two(env, resp);
    await writer.do('MSET', 'a', '1', 'b', '2', 'c', '3');
    await reader.do('CLIENT', 'TRACKING', 'ON');
    await reader.do('GET', 'a');
    await reader.do('MGET', 'b', 'c', 'missing');
    await reader.do('STRLEN', 'x');
    await writer.do('SET', 'a', '10');
    await next(reader);
    await writer.do('SET', 'a', '11');
    await writer.do('DEL', 'b', 'c');
    await next(reader);
    await next(reader);
    await writer.do('LPUSH', 'missing', 'v');
    await next(reader);
    await writer.do('SET', 'x', 'y');
    await next(reader);
    await nothingPending(reader);
    await clientInfo(reader, 'flags', 'redir');
    await reader.do('CLIENT', 'GETREDIR');
  }, [3]);

  diffTest(env, 'RESP3: own writes are invalidated after the reply; NOLOOP skips them', async (b) => {
    await b.do('CLIENT', 'TRACKING', 'ON');
    await b.do('GET', 'k');
    await b.do('SET', 'k', 'v');
    await next(b);
    await b.do('GET', 'k');
    await b.do('MULTI');
    await b.do('SET', 'k', 'w');
    await b.do('GET', 'k');
    await b.do('EXEC');
    await next(b);
    await b.do('CLIENT', 'TRACKING', 'ON', 'NOLOOP');
    await b.do('GET', 'k');
    await b.do('SET', 'k', 'z');
    await nothingPending(b);
    await b.do('CLIENT', 'TRACKINGINFO');
  }, [3]);

  diffTest(env, 'FLUSHALL and FLUSHDB invalidate everything with a null', async (_, resp) => {
    const [reader, writer] = await two(env, resp);
    await reader.do('CLIENT', 'TRACKING', 'ON');
    await reader.do('GET', 'a');
    await writer.do('FLUSHALL');
    await next(reader);
    await writer.do('FLUSHDB');
    await next(reader);
    await reader.do('FLUSHDB');
    await next(reader);
    await writer.do('SET', 'a', '1');
    await nothingPending(reader);
  }, [3]);

  diffTest(env, 'RESP2 with REDIRECT to a subscriber of __redis__:invalidate', async (tracker) => {
    const sub = await env.both(2, false);
    const subIds = await ids(sub);
    await sub.do('SUBSCRIBE', '__redis__:invalidate');
    await doWithId(tracker, subIds, (id) => ['CLIENT', 'TRACKING', 'ON', 'REDIRECT', id]);
    await tracker.do('GET', 'k1');
    await tracker.do('HGET', 'h', 'f');
    await tracker.do('SET', 'k1', 'v');
    await next(sub);
    await tracker.do('HSET', 'h', 'f', 'v');
    await next(sub);
    await tracker.do('FLUSHALL');
    await next(sub);
    await doIdAgnostic(tracker, subIds, 'CLIENT', 'TRACKINGINFO');
    await doIdAgnostic(tracker, subIds, 'CLIENT', 'GETREDIR');
    // The redirect client goes away: RESP2 gets nothing, the flags show the broken redirection.
    sub.close();
    await new Promise((r) => setTimeout(r, 50));
    await tracker.do('GET', 'k2');
    await tracker.do('SET', 'k2', 'x');
    await doIdAgnostic(tracker, subIds, 'CLIENT', 'TRACKINGINFO');
    await clientInfo(tracker, 'flags');
  }, [2]);

  diffTest(env, 'RESP3 with REDIRECT, then tracking-redir-broken', async (tracker) => {
    const target = await env.both(3, false);
    const [idN, idR] = await ids(target);
    await doWithId(tracker, [idN, idR], (id) => ['CLIENT', 'TRACKING', 'ON', 'REDIRECT', id]);
    await tracker.do('GET', 'k');
    await tracker.do('SET', 'k', 'v');
    await next(target);
    await tracker.do('GET', 'k');
    target.close();
    await new Promise((r) => setTimeout(r, 50));
    await tracker.do('SET', 'k', 'w');
    const [ours, theirs] = await Promise.all([tracker.nodis.read(), tracker.redis.read()]);
    assert.equal(ours.replace(`:${idN}\r\n`, ':ID\r\n'), theirs.replace(`:${idR}\r\n`, ':ID\r\n'));
    assert.match(ours, /^>2\r\n\$21\r\ntracking-redir-broken\r\n:/);
    await clientInfo(tracker, 'flags');
    await doIdAgnostic(tracker, [idN, idR], 'CLIENT', 'TRACKINGINFO');
  }, [3]);

  diffTest(env, 'the table is global across databases; SORT_RO, ZRANGE and LCS keys are tracked', async (_, resp) => {
    const [reader, writer] = await two(env, resp);
    await reader.do('CLIENT', 'TRACKING', 'ON');
    await reader.do('SELECT', '1');
    await reader.do('GET', 'shared');
    await reader.do('SORT_RO', 'l');
    await reader.do('ZRANGE', 'z', '0', '-1');
    await reader.do('LCS', 's1', 's2');
    await writer.do('SET', 'shared', 'db0');
    await next(reader);
    await writer.do('RPUSH', 'l', '3', '1');
    await next(reader);
    await writer.do('ZADD', 'z', '1', 'm');
    await next(reader);
    await writer.do('MSET', 's2', 'x', 's1', 'y');
    await next(reader);
    await next(reader);
    await nothingPending(reader);
  }, [3]);

  diffTest(env, 'RESP2 without redirect receives nothing', async (_, resp) => {
    const [reader, writer] = await two(env, resp);
    await reader.do('CLIENT', 'TRACKING', 'ON');
    await reader.do('GET', 'k');
    await writer.do('SET', 'k', 'v');
    await nothingPending(reader);
  }, [2]);

  diffTest(env, 'BCAST with prefixes, batched per prefix in key order, NOLOOP', async (_, resp) => {
    const [reader, writer] = await two(env, resp);
    await reader.do('CLIENT', 'TRACKING', 'ON', 'BCAST', 'PREFIX', 'user:', 'PREFIX', 'item:');
    // One MULTI: every change lands in the same event-loop turn, so one batch per prefix.
    await writer.do('MULTI');
    await writer.do('SET', 'user:2', 'x');
    await writer.do('SET', 'user:1', 'x');
    await writer.do('SET', 'other', 'x');
    await writer.do('SET', 'item:9', 'x');
    await writer.do('SET', 'user:2', 'y');
    await writer.do('EXEC');
    await next(reader);
    await next(reader);
    await reader.do('SET', 'user:3', 'mine');
    await next(reader);
    await reader.do('CLIENT', 'TRACKING', 'OFF');
    await reader.do('CLIENT', 'TRACKING', 'ON', 'BCAST', 'NOLOOP');
    await reader.do('SET', 'user:4', 'mine');
    await writer.do('SET', 'zzz', 'theirs');
    await next(reader);
    await nothingPending(reader);
    await reader.do('CLIENT', 'TRACKINGINFO');
    await clientInfo(reader, 'flags', 'redir');
  }, [3]);

  diffTest(env, 'OPTIN tracks only after CLIENT CACHING YES; OPTOUT skips after CACHING NO', async (_, resp) => {
    const [reader, writer] = await two(env, resp);
    await reader.do('CLIENT', 'TRACKING', 'ON', 'OPTIN');
    await reader.do('GET', 'a');
    await reader.do('CLIENT', 'CACHING', 'YES');
    await reader.do('CLIENT', 'TRACKINGINFO');
    await reader.do('GET', 'b');
    await reader.do('GET', 'c');
    await writer.do('MSET', 'a', '1', 'b', '1', 'c', '1');
    await next(reader);
    await nothingPending(reader);
    // CACHING YES covers a whole transaction.
    await reader.do('CLIENT', 'CACHING', 'YES');
    await reader.do('MULTI');
    await reader.do('GET', 'a');
    await reader.do('GET', 'c');
    await reader.do('EXEC');
    await writer.do('MSET', 'a', '2', 'c', '2');
    await next(reader);
    await next(reader);
    await reader.do('CLIENT', 'TRACKING', 'OFF');
    await reader.do('CLIENT', 'TRACKING', 'ON', 'OPTOUT');
    await reader.do('CLIENT', 'CACHING', 'NO');
    await reader.do('GET', 'a');
    await reader.do('GET', 'b');
    await writer.do('MSET', 'a', '3', 'b', '3');
    await next(reader);
    await nothingPending(reader);
  }, [3]);

  diffTest(env, 'expired keys are invalidated', async (_, resp) => {
    const [reader, writer] = await two(env, resp);
    // A TTL long enough for the GET to see the key even on a loaded machine.
    await writer.do('SET', 'e', 'v', 'PX', '400');
    await reader.do('CLIENT', 'TRACKING', 'ON');
    await reader.do('GET', 'e');
    await new Promise((r) => setTimeout(r, 800));
    // The read expires the key (lazily), which invalidates it for the reader that cached it.
    await writer.do('EXISTS', 'e');
    await next(reader);
  }, [3]);

  diffTest(env, 'INFO tracking counters and RESET', async (_, resp) => {
    const [reader, other] = await two(env, resp);
    await reader.do('CLIENT', 'TRACKING', 'ON');
    await reader.do('MGET', 'a', 'b', 'c');
    await other.do('CLIENT', 'TRACKING', 'ON', 'BCAST', 'PREFIX', 'p', 'PREFIX', 'q');
    await other.do('CLIENT', 'TRACKING', 'ON', 'OPTIN');
    await other.do('CLIENT', 'TRACKING', 'OFF');
    await other.do('CLIENT', 'TRACKING', 'ON', 'OPTIN');
    await other.do('CLIENT', 'CACHING', 'YES');
    await other.do('GET', 'a');
    for (const f of ['tracking_total_keys', 'tracking_total_items', 'tracking_total_prefixes']) await infoField(other, 'stats', f);
    await infoField(other, 'clients', 'tracking_clients');
    await reader.do('RESET');
    await reader.do('CLIENT', 'TRACKINGINFO');
    await infoField(other, 'clients', 'tracking_clients');
    await other.do('SET', 'a', '1');
    for (const f of ['tracking_total_keys', 'tracking_total_items']) await infoField(other, 'stats', f);
  }, [3]);
});
