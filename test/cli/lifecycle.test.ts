/**
 * The `nodis` process: starts from flags, a config file or stdin; SIGTERM and SIGINT shut
 * it down cleanly (exit 0, unix socket removed), logging like redis-server.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync, writeFileSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, ROOT } from '../helpers/servers.js';
import { RespClient } from '../helpers/resp-client.js';

interface Started {
  proc: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function startProcess(args: readonly string[], stdin = ''): Started {
  const proc = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), path.join(ROOT, 'src/main.ts'), ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    cwd: os.tmpdir(),
  });
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stdin!.end(stdin);
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return { proc, output: () => out, exited };
}

async function waitReady(s: Started): Promise<void> {
  const deadline = Date.now() + 20000;
  while (!/Ready to accept connections/.test(s.output())) {
    if (Date.now() > deadline) throw new Error(`not ready: ${s.output()}`);
    if (s.proc.exitCode !== null) throw new Error(`exited: ${s.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('nodis process lifecycle', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    test(`${signal}: clean shutdown, exit 0, unix socket removed`, async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'nodis-life-'));
      const sock = path.join(dir, 'n.sock');
      const port = await freePort();
      const s = startProcess(['--port', String(port), '--unixsocket', sock, '--save', '']);
      try {
        await waitReady(s);
        assert.equal(existsSync(sock), true);
        const c = await RespClient.connect(port);
        assert.equal(await c.call('SET', 'k', 'v'), '+OK\r\n');
        const u = await RespClient.connectPath(sock);
        assert.equal(await u.call('GET', 'k'), '$1\r\nv\r\n');
        s.proc.kill(signal);
        assert.equal(await s.exited, 0);
        await c.waitClosed();
        await u.waitClosed();
        assert.equal(existsSync(sock), false);
        const log = s.output();
        assert.match(log, new RegExp(`# Received ${signal} scheduling shutdown\\.\\.\\.`));
        assert.match(log, /# User requested shutdown\.\.\./);
        assert.match(log, /\* Removing the unix socket file\./);
        assert.match(log, /# nodis is now ready to exit, bye bye\.\.\./);
        // Redis's line format: "pid:role dd Mon yyyy hh:mm:ss.mmm <mark> message".
        assert.match(log, /^\d+:C \d\d \w{3} \d{4} \d\d:\d\d:\d\d\.\d{3} # oO0OoO0OoO0Oo nodis is starting/m);
        assert.match(log, /^\d+:M \d\d \w{3} \d{4} [\d:.]+ \* Running mode=standalone, port=\d+\./m);
      } finally {
        s.proc.kill('SIGKILL');
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  test('config from a file plus stdin ("-") plus flags; loglevel and logfile', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nodis-life-'));
    const port = await freePort();
    const conf = path.join(dir, 'n.conf');
    const logfile = path.join(dir, 'n.log');
    writeFileSync(conf, `port 1\nlogfile "${logfile}"\n`);
    const s = startProcess([conf, '--loglevel', 'warning', '-'], `port ${port}\nmaxclients 7\n`);
    try {
      const deadline = Date.now() + 20000;
      for (;;) {
        try {
          const c = await RespClient.connect(port);
          assert.equal(await c.call('PING'), '+PONG\r\n');
          c.close();
          break;
        } catch (e) {
          if (Date.now() > deadline || s.proc.exitCode !== null) throw new Error(`${String(e)} ${s.output()}`);
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      s.proc.kill('SIGTERM');
      assert.equal(await s.exited, 0);
      const log = readFileSync(logfile, 'utf8');
      // loglevel warning: '#' lines only.
      assert.match(log, /# oO0OoO0OoO0Oo nodis is starting/);
      assert.doesNotMatch(log, / \* /);
      // "Reading config from stdin" is logged before the logfile is known, to stdout.
      assert.match(s.output(), /\* Reading config from stdin/);
    } finally {
      s.proc.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a port already in use: exit 1 with Redis\'s message', async () => {
    const port = await freePort();
    const first = startProcess(['--port', String(port)]);
    try {
      await waitReady(first);
      const second = startProcess(['--port', String(port)]);
      assert.equal(await second.exited, 1);
      assert.match(second.output(), new RegExp(`# Failed listening on port ${port} \\(tcp\\), aborting\\.`));
    } finally {
      first.proc.kill('SIGKILL');
    }
  });
});

describe('saving on the way out, loading on the way in', () => {
  /** Starts nodis on `dir`, runs `work` with a client, and returns the process once it exited. */
  async function session(dir: string, args: readonly string[], work: (c: RespClient, s: Started) => Promise<void>): Promise<Started> {
    const port = await freePort();
    const s = startProcess(['--port', String(port), '--dir', dir, ...args]);
    try {
      await waitReady(s);
      const c = await RespClient.connect(port);
      await work(c, s);
      c.close();
      await s.exited;
      return s;
    } finally {
      s.proc.kill('SIGKILL');
    }
  }

  test('SIGTERM with save points saves; the next start loads it', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nodis-save-'));
    try {
      const first = await session(dir, ['--save', '3600 1'], async (c, s) => {
        assert.equal(await c.call('SET', 'k', 'kept'), '+OK\r\n');
        assert.equal(await c.call('RPUSH', 'l', 'a', 'b'), ':2\r\n');
        s.proc.kill('SIGTERM');
      });
      assert.equal(first.proc.exitCode, 0);
      assert.match(first.output(), /Saving the final RDB snapshot before exiting\.[\s\S]*DB saved on disk/);
      await session(dir, ['--save', ''], async (c) => {
        assert.equal(await c.call('GET', 'k'), '$4\r\nkept\r\n');
        assert.equal(await c.call('LRANGE', 'l', 0, -1), '*2\r\n$1\r\na\r\n$1\r\nb\r\n');
        c.send('SHUTDOWN', 'NOSAVE');
        await c.waitClosed();
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('SHUTDOWN NOSAVE skips the save points; SHUTDOWN SAVE saves without them', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nodis-save-'));
    const file = path.join(dir, 'dump.rdb');
    try {
      await session(dir, ['--save', '3600 1'], async (c) => {
        await c.call('SET', 'k', 'v');
        c.send('SHUTDOWN', 'NOSAVE');
        await c.waitClosed();
      });
      assert.equal(existsSync(file), false);
      await session(dir, ['--save', ''], async (c) => {
        await c.call('SET', 'k', 'v');
        assert.equal(await c.call('SHUTDOWN', 'SAVE', 'NOSAVE'), '-ERR syntax error\r\n');
        c.send('SHUTDOWN', 'SAVE');
        await c.waitClosed();
      });
      assert.equal(existsSync(file), true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a save that fails keeps the server running (SHUTDOWN errors) unless FORCE', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nodis-save-'));
    try {
      const s = await session(dir, ['--save', '3600 1', '--enable-protected-configs', 'yes'], async (c) => {
        await c.call('SET', 'k', 'v');
        const gone = mkdtempSync(path.join(os.tmpdir(), 'nodis-gone-'));
        assert.equal(await c.call('CONFIG', 'SET', 'dir', gone), '+OK\r\n');
        rmSync(gone, { recursive: true });
        assert.equal(await c.call('SHUTDOWN'), '-ERR Errors trying to SHUTDOWN. Check logs.\r\n');
        assert.equal(await c.call('PING'), '+PONG\r\n');
        c.send('SHUTDOWN', 'FORCE');
        await c.waitClosed();
      });
      assert.match(s.output(), /Error trying to save the DB, can't exit\.[\s\S]*Error trying to save the DB\. Exit anyway\./);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
