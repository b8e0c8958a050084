/**
 * Pipelined EVALSHAs of one script, which nodis runs several to one eval of the server-thread
 * engine (src/commands/eval-batch.ts): every reply, in order, must be what Redis sends when it
 * runs them one by one — whatever the results, errors and other commands in between.
 */
import assert from 'node:assert/strict';
import { diffSuite, diffTest, type Both } from '../helpers/differential.js';
import { encodeCommand } from '../helpers/resp-client.js';

type Cmd = (string | number)[];

/** Sends all commands in one write to both servers and compares each reply in order. */
async function pipeline(b: Both, commands: Cmd[]): Promise<void> {
  const raw = Buffer.concat(commands.map((c) => encodeCommand(c)));
  b.nodis.writeRaw(raw);
  b.redis.writeRaw(raw);
  for (const cmd of commands) {
    const [ours, theirs] = await Promise.all([b.nodis.read(), b.redis.read()]);
    assert.equal(ours, theirs, `reply mismatch for ${cmd.map(String).join(' ').slice(0, 80)}`);
  }
}

let engineLoaded = false;

/** Loads a script and runs it until it runs on the server thread (the first run is on the worker). */
async function load(b: Both, script: string, ...warmArgs: Cmd): Promise<string> {
  const reply = await b.do('SCRIPT', 'LOAD', script);
  const sha = reply.split('\r\n')[1]!;
  await b.do('EVALSHA', sha, ...warmArgs);
  // The server-thread engine loads in the background once scripts run.
  if (!engineLoaded) await new Promise((r) => setTimeout(r, 1500));
  engineLoaded = true;
  for (let i = 0; i < 3; i++) await b.do('EVALSHA', sha, ...warmArgs);
  return sha;
}

const SET_GET = "redis.call('SET', KEYS[1], ARGV[1]) return redis.call('GET', KEYS[1])";
/** Returns a value of the shape ARGV[1] names: every branch of the batch's result passing. */
const SHAPES = `
local m = ARGV[1]
if m == 'int' then return 42
elseif m == 'neg' then return -7
elseif m == 'frac' then return 3.7
elseif m == 'negfrac' then return -3.7
elseif m == 'big' then return 1152921504606846976
elseif m == 'edge' then return 99999999999999
elseif m == 'nil' then return nil
elseif m == 'false' then return false
elseif m == 'true' then return true
elseif m == 'arr' then return {1, 'x', {2}}
elseif m == 'empty' then return ''
elseif m == 'err' then return {err='MY err'}
elseif m == 'ok' then return {ok='fine'}
elseif m == 'raise' then return redis.call('INCR', KEYS[1])
end
return 'str:' .. m`;

diffSuite('pipelined EVALSHA', (env) => {
  diffTest(env, 'a long pipeline of one script, then the data it wrote', async (b) => {
    const sha = await load(b, SET_GET, 1, 'warm', 'w');
    const commands: Cmd[] = [];
    for (let i = 0; i < 150; i++) commands.push(['EVALSHA', sha, 1, `k:${i}`, `v:${i}`]);
    await pipeline(b, commands);
    await b.do('MGET', 'k:0', 'k:63', 'k:64', 'k:149');
    await b.do('DBSIZE');
  });

  diffTest(env, 'every result shape, in one pipeline', async (b) => {
    await b.do('SET', 'str', 'text');
    const sha = await load(b, SHAPES, 1, 'str', 'warm');
    const modes = ['int', 'str', 'neg', 'nil', 'frac', 'int', 'false', 'true', 'big', 'edge', 'arr', 'int', 'empty', 'err', 'str', 'ok', 'raise', 'int', 'negfrac', 'x'];
    await pipeline(
      b,
      modes.map((m) => ['EVALSHA', sha, 1, 'str', m]),
    );
  });

  diffTest(env, 'other commands, other scripts and bad calls in between', async (b) => {
    const a = await load(b, SET_GET, 1, 'warm', 'w');
    const s = await load(b, SHAPES, 1, 'str', 'warm');
    await pipeline(b, [
      ['EVALSHA', a, 1, 'p1', '1'],
      ['EVALSHA', a, 1, 'p2', '2'],
      ['GET', 'p1'],
      ['EVALSHA', a.toUpperCase(), 1, 'p3', '3'],
      ['EVALSHA', a, 1, 'p4', '4'],
      ['EVALSHA', s, 1, 'str', 'int'],
      ['EVALSHA', s, 1, 'str', 'nil'],
      ['EVALSHA', a, 2, 'p5'],
      ['EVALSHA', a, -1, 'p5'],
      ['EVALSHA', a, 'x', 'p5'],
      ['EVALSHA', a, 1, 'p6', '6'],
      ['EVALSHA', 'ffffffffffffffffffffffffffffffffffffffff', 0],
      ['EVALSHA', a, 1, 'p7', '7'],
      ['EVALSHA', a],
      ['EVALSHA', a, 1, 'p8', '8'],
      ['PING'],
      ['EVALSHA', a, 0],
      ['EVALSHA', a, 1, 'p9', '9'],
      ['EVAL', SET_GET, 1, 'p10', '10'],
      ['EVALSHA_RO', s, 1, 'str', 'int'],
      ['EVALSHA', a, 1, 'p11', '11'],
    ]);
    await b.do('MGET', 'p1', 'p4', 'p6', 'p9', 'p11');
  });

  diffTest(env, 'a run that writes then fails, with runs after it', async (b) => {
    await b.do('HSET', 'h', 'f', 'v');
    const sha = await load(b, "redis.call('SET', KEYS[1], ARGV[1]) return redis.call('INCR', KEYS[2])", 2, 'warm', 'warm:n', 'x');
    await pipeline(b, [
      ['EVALSHA', sha, 2, 'a', 'c1', '1'],
      ['EVALSHA', sha, 2, 'b', 'h', '2'],
      ['EVALSHA', sha, 2, 'c', 'c1', '3'],
      ['EVALSHA', sha, 2, 'd', 'b', '4'],
      ['EVALSHA', sha, 2, 'e', 'c2', '5'],
    ]);
    await b.do('MGET', 'a', 'b', 'c', 'd', 'e', 'c1', 'c2');
    await b.do('HGETALL', 'h');
  });

  diffTest(env, 'binary arguments and results', async (b) => {
    const sha = await load(b, 'return ARGV[1] .. KEYS[1]', 1, 'k', 'a');
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i)).toString('latin1');
    await pipeline(b, [
      ['EVALSHA', sha, 1, all, all],
      ['EVALSHA', sha, 1, '', ''],
      ['EVALSHA', sha, 1, '\r\n', '$1\r\n'],
    ]);
  });

  diffTest(env, 'scripts whose KEYS/ARGV use keeps them out of batches still answer the same', async (b) => {
    const sha = await load(b, 'local k = KEYS return k[1]', 1, 'warm');
    const g = await load(b, 'return #ARGV + #KEYS', 1, 'warm', 'x');
    await pipeline(b, [
      ['EVALSHA', sha, 1, 'a'],
      ['EVALSHA', sha, 1, 'b'],
      ['EVALSHA', g, 2, 'a', 'b', 'c'],
      ['EVALSHA', g, 0, 'c'],
      ['EVALSHA', g, 0],
    ]);
  });

  diffTest(env, 'INFO commandstats counts every pipelined call', async (b) => {
    const sha = await load(b, SET_GET, 1, 'warm', 'w');
    const s = await load(b, SHAPES, 1, 'str', 'warm');
    await b.do('CONFIG', 'RESETSTAT');
    const commands: Cmd[] = [];
    for (let i = 0; i < 40; i++) commands.push(['EVALSHA', sha, 1, `q:${i}`, 'v']);
    for (let i = 0; i < 5; i++) commands.push(['EVALSHA', s, 1, 'str', i % 2 ? 'err' : 'raise']);
    await pipeline(b, commands);
    const stats = async (c: Both['nodis']): Promise<string[]> => {
      c.send('INFO', 'commandstats');
      const raw = await c.read();
      return raw
        .split('\r\n')
        .filter((l) => l.startsWith('cmdstat_'))
        .map((l) => l.replace(/usec=\d+,usec_per_call=[\d.]+,/, ''))
        .sort();
    };
    assert.deepEqual(await stats(b.nodis), await stats(b.redis));
  });
});
