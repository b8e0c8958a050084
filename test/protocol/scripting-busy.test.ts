/**
 * Long-running scripts: past busy-reply-threshold other clients get -BUSY, SCRIPT KILL /
 * FUNCTION KILL stop a script that has not written (UNKILLABLE once it has), and the server
 * is healthy afterwards. nodis-only: the timing makes a byte-for-byte comparison pointless,
 * the texts are Redis's (server.c shared.slowevalerr, script.c scriptKill).
 */
import assert from 'node:assert/strict';
import { describe, before, after, test } from 'node:test';
import { startNodis } from '../helpers/servers.js';
import { RespClient } from '../helpers/resp-client.js';
import type { RunningServer } from '../../src/index.js';
import { scripting } from '../../src/scripting/scripting.js';

const BUSY = '-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n';

describe('busy scripts', () => {
  let server: RunningServer;
  before(async () => {
    server = await startNodis({ config: { 'busy-reply-threshold': '200' } });
  });
  after(async () => {
    await server?.stop();
  });

  test('an endless script gets others -BUSY and SCRIPT KILL ends it', async () => {
    const runner = await RespClient.connect(server.port);
    const other = await RespClient.connect(server.port);
    await other.call('SET', 'before', '1');
    runner.send('EVAL', 'local i = 0 while true do i = i + 1 end', 0);
    // Pipelined after the script: must wait for it, then run.
    runner.send('PING');
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(await other.call('GET', 'before'), BUSY);
    assert.equal(await other.call('SCRIPT', 'KILL'), '+OK\r\n');
    const killed = await runner.read();
    assert.match(killed, /^-ERR Script killed by user with SCRIPT KILL\.\.\./);
    assert.equal(await runner.read(), '+PONG\r\n');
    assert.equal(await other.call('GET', 'before'), '$1\r\n1\r\n');
    assert.equal(await other.call('SCRIPT', 'KILL'), '-NOTBUSY No scripts in execution right now.\r\n');
    // The engine came back: scripts run again, cached ones included.
    assert.equal(await runner.call('EVAL', 'return 1 + 1', 0), ':2\r\n');
    runner.close();
    other.close();
  });

  test('a script that wrote is UNKILLABLE; its commands still run while others wait', async () => {
    const runner = await RespClient.connect(server.port);
    const other = await RespClient.connect(server.port);
    runner.send('EVAL', "redis.call('SET', 'w', '1') local function now() local t = redis.call('TIME') return tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000 end local s = now() while now() - s < 1200 do end return 'done'", 0);
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(await other.call('INCR', 'x'), BUSY);
    assert.match(await other.call('SCRIPT', 'KILL'), /^-UNKILLABLE Sorry the script already executed write commands/);
    assert.match(await other.call('FUNCTION', 'KILL'), /^-UNKILLABLE /);
    assert.equal(await runner.read(5000), '$4\r\ndone\r\n');
    assert.equal(await other.call('GET', 'w'), '$1\r\n1\r\n');
    runner.close();
    other.close();
  });

  test('a write command that changed nothing keeps the script killable', async () => {
    const runner = await RespClient.connect(server.port);
    const other = await RespClient.connect(server.port);
    runner.send('EVAL', "redis.call('DEL', 'no-such-key') while true do end", 0);
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(await other.call('SCRIPT', 'KILL'), '+OK\r\n');
    assert.match(await runner.read(), /^-ERR Script killed by user with SCRIPT KILL/);
    runner.close();
    other.close();
  });

  test('FUNCTION KILL stops a function; SCRIPT KILL refuses to', async () => {
    const runner = await RespClient.connect(server.port);
    const other = await RespClient.connect(server.port);
    assert.equal(await runner.call('FUNCTION', 'LOAD', "#!lua name=spin\nredis.register_function('spin', function() while true do end end)"), '$4\r\nspin\r\n');
    runner.send('FCALL', 'spin', 0);
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(await other.call('PING'), '-BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.\r\n');
    assert.match(await other.call('FUNCTION', 'STATS'), /running_script\r\n\*6\r\n\$4\r\nname\r\n\$4\r\nspin/);
    assert.equal(await other.call('SCRIPT', 'KILL'), '-BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.\r\n');
    assert.equal(await other.call('FUNCTION', 'KILL'), '+OK\r\n');
    assert.match(await runner.read(), /^-ERR Script killed by user with SCRIPT KILL\.\.\./);
    // The library survives the new engine thread.
    assert.equal(await other.call('FUNCTION', 'LOAD', "#!lua name=two\nredis.register_function('two', function() return 2 end)"), '$3\r\ntwo\r\n');
    assert.equal(await other.call('FCALL', 'two', 0), ':2\r\n');
    assert.equal(await other.call('FUNCTION', 'DELETE', 'spin'), '+OK\r\n');
    runner.close();
    other.close();
  });

  test('before the threshold a slow script just delays the others (atomicity)', async () => {
    const runner = await RespClient.connect(server.port);
    const other = await RespClient.connect(server.port);
    runner.send('EVAL', "redis.call('SET', 'a', 'x') for i = 1, 2000000 do end redis.call('SET', 'a', 'y') return 1", 0);
    other.send('GET', 'a');
    assert.equal(await runner.read(), ':1\r\n');
    assert.equal(await other.read(), '$1\r\ny\r\n');
    runner.close();
    other.close();
  });
});

describe('SHUTDOWN during a busy script', () => {
  test('SHUTDOWN is refused, SHUTDOWN NOSAVE stops the server', async () => {
    const server = await startNodis({ config: { 'busy-reply-threshold': '100' } });
    const runner = await RespClient.connect(server.port);
    const other = await RespClient.connect(server.port);
    runner.send('EVAL', 'while true do end', 0);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await other.call('SHUTDOWN'), BUSY);
    other.send('SHUTDOWN', 'NOSAVE');
    // The connection closes without a reply, as Redis's does.
    await assert.rejects(other.read(3000));
    runner.close();
    other.close();
    await server.stop();
  });
});

describe('engine restarts', () => {
  test('cached scripts and libraries survive the driver restart after long script time', async () => {
    const server = await startNodis();
    const c = await RespClient.connect(server.port);
    const sha = (await c.call('SCRIPT', 'LOAD', "return 'cached ' .. ARGV[1]")).split('\r\n')[1]!;
    assert.equal(await c.call('FUNCTION', 'LOAD', "#!lua name=keep\nredis.register_function('kept', function(k, a) return 'kept ' .. a[1] end)"), '$4\r\nkeep\r\n');
    // ~1.7 s of script time: more than the worker's 1.5 s budget before it restarts its driver.
    const spin = "local function now() local t = redis.call('TIME') return tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000 end local s = now() while now() - s < 1700 do end return 1";
    assert.equal(await c.call('EVAL', spin, 0), ':1\r\n');
    assert.equal(await c.call('EVALSHA', sha, 0, 'x'), '$8\r\ncached x\r\n');
    assert.equal(await c.call('FCALL', 'kept', 0, 'y'), '$6\r\nkept y\r\n');
    assert.equal(await c.call('EVALSHA', sha, 0, 'z'), '$8\r\ncached z\r\n');
    c.close();
    await server.stop();
  });
});

describe('scripts on the server thread (src/scripting/main-lua.ts)', () => {
  let server: RunningServer;
  const place = (sha: string): string | undefined => scripting(server.server).scripts.get(sha)?.place;
  /** Runs `args` until a quick run on the worker promotes the script (promotion is timed: retry on a busy machine). */
  async function promote(c: RespClient, sha: string, args: (string | number)[], reply: string): Promise<void> {
    for (let i = 0; i < 50 && place(sha) !== 'main'; i++) assert.equal(await c.call('EVALSHA', sha, ...args), reply);
    assert.equal(place(sha), 'main');
  }
  before(async () => {
    server = await startNodis({ config: { 'busy-reply-threshold': '200' } });
    const c = await RespClient.connect(server.port);
    await c.call('EVAL', 'return 1', 0);
    c.close();
    // The server-thread engine loads asynchronously on first use.
    const engine = scripting(server.server).engine as unknown as { main: unknown };
    for (let i = 0; i < 200 && engine.main === null; i++) await new Promise((r) => setTimeout(r, 50));
  });
  after(async () => {
    await server?.stop();
  });

  test('a script that spins before writing moves to the worker, where BUSY and SCRIPT KILL work', async () => {
    const runner = await RespClient.connect(server.port);
    const other = await RespClient.connect(server.port);
    const sha = (await runner.call('SCRIPT', 'LOAD', "if ARGV[1] == 'spin' then while true do end end return redis.call('GET', KEYS[1])")).split('\r\n')[1]!;
    await other.call('SET', 'k', 'v');
    await promote(runner, sha, [1, 'k', 'quick'], '$1\r\nv\r\n');
    assert.equal(await runner.call('EVALSHA', sha, 1, 'k', 'quick'), '$1\r\nv\r\n');
    runner.send('EVALSHA', sha, 1, 'k', 'spin');
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(await other.call('GET', 'k'), BUSY);
    assert.equal(await other.call('SCRIPT', 'KILL'), '+OK\r\n');
    // A one-line script: the suffix names line 1, as Redis's.
    assert.equal(await runner.read(), `-ERR Script killed by user with SCRIPT KILL... script: ${sha}, on @user_script:1.\r\n`);
    // Back on the worker until a quick run there promotes it again.
    assert.equal(place(sha), undefined);
    await promote(runner, sha, [1, 'k', 'quick'], '$1\r\nv\r\n');
    runner.close();
    other.close();
  });

  test('a script that wrote before running long finishes on the server thread, atomically, and goes back to the worker', async () => {
    const runner = await RespClient.connect(server.port);
    const other = await RespClient.connect(server.port);
    const body = "redis.call('SET', KEYS[1], 'x') if ARGV[1] == 'slow' then local i = 0 while i < 20000000 do i = i + 1 end end redis.call('SET', KEYS[1], ARGV[1]) return 1";
    const sha = (await runner.call('SCRIPT', 'LOAD', body)).split('\r\n')[1]!;
    await promote(runner, sha, [1, 'w', 'quick'], ':1\r\n');
    runner.send('EVALSHA', sha, 1, 'w', 'slow');
    other.send('GET', 'w');
    assert.equal(await runner.read(), ':1\r\n');
    // Never the half-way 'x': the script ran whole before GET.
    assert.equal(await other.read(), '$4\r\nslow\r\n');
    assert.equal(place(sha), undefined);
    // A script fast-path.ts refuses stays on the worker.
    const fmt = (await runner.call('SCRIPT', 'LOAD', "return string.format('%d', 2^40)")).split('\r\n')[1]!;
    assert.equal(await runner.call('EVALSHA', fmt, 0), '$13\r\n1099511627776\r\n');
    assert.notEqual(place(fmt), 'main');
    runner.close();
    other.close();
  });
});
