/**
 * Differential testing: the same commands go to nodis and to a real redis-server, and the
 * raw reply bytes must match. Use `both.do()` for exact comparison, `doSorted` when the
 * order is legitimately unspecified, `doApprox` for TTL-like numbers, and `error` where
 * only the error-ness (and a substring) must agree.
 *
 *   diffSuite('strings', (env) => {
 *     diffTest(env, 'SET and GET', async (b) => { await b.do('SET', 'k', 'v'); await b.do('GET', 'k'); });
 *   });
 */
import assert from 'node:assert/strict';
import { describe, before, after, test } from 'node:test';
import { RespClient, replyLength } from './resp-client.js';
import { hasRedis, startNodis, startRedis, type ExternalServer } from './servers.js';
import type { RunningServer, StartOptions } from '../../src/index.js';

export type RespValue = string | number | bigint | null | boolean | RespError | RespValue[] | { map: [RespValue, RespValue][] };
export class RespError {
  constructor(readonly message: string) {}
}

/** Parses a raw reply into a JS value (for sorting and approximate comparisons). */
export function parseReply(raw: string): RespValue {
  let pos = 0;
  const parse = (): RespValue => {
    const type = raw[pos]!;
    const eol = raw.indexOf('\r\n', pos);
    const header = raw.slice(pos + 1, eol);
    pos = eol + 2;
    switch (type) {
      case '+':
        return header;
      case '-':
        return new RespError(header);
      case ':':
        return Number.isSafeInteger(Number(header)) ? Number(header) : BigInt(header);
      case ',':
        return header;
      case '(':
        return BigInt(header);
      case '#':
        return header === 't';
      case '_':
        return null;
      case '$':
      case '=': {
        const n = Number(header);
        if (n < 0) return null;
        const s = raw.slice(pos, pos + n);
        pos += n + 2;
        return s;
      }
      case '*':
      case '~':
      case '>': {
        const n = Number(header);
        if (n < 0) return null;
        const out: RespValue[] = [];
        for (let i = 0; i < n; i++) out.push(parse());
        return out;
      }
      case '%': {
        const n = Number(header);
        const map: [RespValue, RespValue][] = [];
        for (let i = 0; i < n; i++) map.push([parse(), parse()]);
        return { map };
      }
      default:
        throw new Error(`cannot parse reply type ${type}`);
    }
  };
  return parse();
}

export class Both {
  constructor(
    readonly nodis: RespClient,
    readonly redis: RespClient,
  ) {}

  private async pair(args: readonly (string | number)[]): Promise<[string, string]> {
    this.nodis.send(...args);
    this.redis.send(...args);
    return Promise.all([this.nodis.read(), this.redis.read()]);
  }

  /** Sends to both; the raw replies must be identical. Returns the reply. */
  async do(...args: (string | number)[]): Promise<string> {
    const [ours, theirs] = await this.pair(args);
    assert.equal(ours, theirs, `reply mismatch for ${fmt(args)}`);
    return ours;
  }

  /** Sends a sequence of commands, comparing each reply. */
  async seq(...commands: (string | number)[][]): Promise<void> {
    for (const cmd of commands) await this.do(...cmd);
  }

  /** Both must reply with an error; the messages must contain `substring` (Redis's text). */
  async error(substring: string, ...args: (string | number)[]): Promise<void> {
    const [ours, theirs] = await this.pair(args);
    assert.ok(theirs.startsWith('-'), `redis did not fail ${fmt(args)}: ${theirs}`);
    assert.ok(ours.startsWith('-'), `nodis did not fail ${fmt(args)}: ${ours}`);
    assert.ok(theirs.includes(substring), `redis's error ${theirs} lacks ${substring}`);
    assert.ok(ours.includes(substring), `nodis's error ${ours} lacks ${substring}`);
  }

  /** Compares an array reply as a multiset (order unspecified, e.g. KEYS, SMEMBERS). */
  async doSorted(...args: (string | number)[]): Promise<string> {
    const [ours, theirs] = await this.pair(args);
    assert.deepEqual(sortDeep(parseReply(ours)), sortDeep(parseReply(theirs)), `sorted mismatch for ${fmt(args)}`);
    return ours;
  }

  /** Compares integer replies within `tolerance` (TTL, PTTL, IDLETIME). */
  async doApprox(tolerance: number, ...args: (string | number)[]): Promise<void> {
    const [ours, theirs] = await this.pair(args);
    const a = parseReply(ours);
    const b = parseReply(theirs);
    if (typeof a === 'number' && typeof b === 'number') {
      assert.ok(Math.abs(a - b) <= tolerance, `${fmt(args)}: nodis ${a} vs redis ${b} (±${tolerance})`);
    } else {
      assert.equal(ours, theirs, `reply mismatch for ${fmt(args)}`);
    }
  }

  /** Sends the same raw bytes to both and compares the next reply. */
  async raw(bytes: string): Promise<string> {
    this.nodis.writeRaw(bytes);
    this.redis.writeRaw(bytes);
    const [ours, theirs] = await Promise.all([this.nodis.read(), this.redis.read()]);
    assert.equal(ours, theirs, `reply mismatch for raw ${JSON.stringify(bytes)}`);
    return ours;
  }

  close(): void {
    this.nodis.close();
    this.redis.close();
  }
}

function sortDeep(v: RespValue): RespValue {
  if (Array.isArray(v)) return v.map(sortDeep).sort((x, y) => (JSON.stringify(x, big) < JSON.stringify(y, big) ? -1 : 1));
  if (v !== null && typeof v === 'object' && 'map' in v) {
    return v.map.map(([k, val]) => [k, val] as RespValue[]).sort((x, y) => (JSON.stringify(x, big) < JSON.stringify(y, big) ? -1 : 1));
  }
  return v;
}

function big(_k: string, v: unknown): unknown {
  return typeof v === 'bigint' ? v.toString() : v;
}

function fmt(args: readonly (string | number)[]): string {
  return args.map((a) => JSON.stringify(String(a).length > 60 ? `${String(a).slice(0, 60)}...` : a)).join(' ');
}

export class DiffEnv {
  nodisServer!: RunningServer;
  redisServer!: ExternalServer;
  private readonly open: Both[] = [];

  constructor(private readonly options: { nodis?: StartOptions; redisArgs?: string[] } = {}) {}

  async start(): Promise<void> {
    this.nodisServer = await startNodis({
      ...this.options.nodis,
      // Mirror the reference server's flags (startRedis runs it with save "" and DEBUG enabled).
      config: { 'enable-debug-command': 'yes', save: '', ...this.options.nodis?.config },
    });
    this.redisServer = await startRedis(this.options.redisArgs ?? []);
  }

  /** Opens a fresh connection pair (HELLO 3 first when resp is 3) on clean servers. */
  async both(resp: 2 | 3 = 2, flush = true): Promise<Both> {
    const b = new Both(await RespClient.connect(this.nodisServer.port), await RespClient.connect(this.redisServer.port));
    this.open.push(b);
    if (flush) {
      await b.do('FLUSHALL');
    }
    if (resp === 3) {
      await b.nodis.call('HELLO', 3);
      await b.redis.call('HELLO', 3);
    }
    return b;
  }

  async stop(): Promise<void> {
    for (const b of this.open) b.close();
    await this.nodisServer?.stop();
    await this.redisServer?.stop();
  }
}

/** A describe() block with a DiffEnv started before and stopped after; skipped without redis. */
export function diffSuite(
  name: string,
  body: (env: DiffEnv) => void,
  options: { nodis?: StartOptions; redisArgs?: string[] } = {},
): void {
  const available = hasRedis();
  describe(`${name} (differential)`, { skip: available ? false : 'redis-server not installed' }, () => {
    const env = new DiffEnv(options);
    before(() => env.start());
    after(() => env.stop());
    body(env);
  });
}

/** Registers a test that runs once in RESP2 and once in RESP3, each on fresh connections. */
export function diffTest(env: DiffEnv, name: string, fn: (b: Both, resp: 2 | 3) => Promise<void>, protocols: readonly (2 | 3)[] = [2, 3]): void {
  for (const resp of protocols) {
    test(`${name} [RESP${resp}]`, async () => {
      const b = await env.both(resp);
      try {
        await fn(b, resp);
      } finally {
        b.close();
      }
    });
  }
}

export { replyLength };
