/**
 * Connection-level behaviour: maxclients, client-query-buffer-limit, timeout,
 * tcp-keepalive, unix sockets, several bind addresses, protected mode, QUIT and RESET.
 * Compared with a real redis-server where the behaviour is observable from outside.
 */
import assert from 'node:assert/strict';
import { describe, before, after, test } from 'node:test';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { mkdtempSync, rmSync, statSync, existsSync, writeFileSync } from 'node:fs';
import { hasRedis, startNodis, startRedis, type ExternalServer } from '../helpers/servers.js';
import { RespClient } from '../helpers/resp-client.js';
import type { RunningServer } from '../../src/index.js';
import { protectedModeDenies } from '../../src/server.js';
import { exchange } from './raw.js';

const withRedis = { skip: hasRedis() ? false : 'redis-server not installed' };

/** Starts the same configuration on both servers. */
function pair(config: Record<string, string>): { get: () => [RunningServer, ExternalServer] } {
  let nodis: RunningServer;
  let redis: ExternalServer;
  before(async () => {
    nodis = await startNodis({ config });
    redis = await startRedis(Object.entries(config).flatMap(([k, v]) => [`--${k}`, v]));
  });
  after(async () => {
    await nodis?.stop();
    await redis?.stop();
  });
  return { get: () => [nodis, redis] };
}

describe('maxclients (differential)', withRedis, () => {
  const servers = pair({ maxclients: '2' });
  test('the client past the limit gets the error, then the connection closes', async () => {
    const [nodis, redis] = servers.get();
    for (const port of [nodis.port, redis.port]) {
      const a = await RespClient.connect(port);
      const b = await RespClient.connect(port);
      assert.equal(await a.call('PING'), '+PONG\r\n');
      assert.equal(await b.call('PING'), '+PONG\r\n');
      const third = await exchange(port, ['PING\r\n']);
      assert.deepEqual(third, { data: '-ERR max number of clients reached\r\n', closed: true });
      a.close();
      b.close();
      await new Promise((r) => setTimeout(r, 100));
      // A slot is free again.
      const again = await exchange(port, ['PING\r\n'], 150);
      assert.deepEqual(again, { data: '+PONG\r\n', closed: false });
    }
  });
});

describe('client-query-buffer-limit (differential)', withRedis, () => {
  const servers = pair({ 'client-query-buffer-limit': '1mb' });
  test('a client whose unprocessed input passes the limit is closed without a reply', async () => {
    const [nodis, redis] = servers.get();
    const chunks = ['*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3000000\r\n', ...Array.from({ length: 40 }, () => Buffer.alloc(64 * 1024, 0x61))];
    const [ours, theirs] = await Promise.all([exchange(nodis.port, chunks, 500), exchange(redis.port, chunks, 500)]);
    assert.deepEqual(ours, { data: '', closed: true });
    assert.deepEqual(ours, theirs);
  });

  test('a value below the limit is fine', async () => {
    const [nodis] = servers.get();
    const c = await RespClient.connect(nodis.port);
    assert.equal(await c.call('SET', 'k', 'v'.repeat(900 * 1024)), '+OK\r\n');
    c.close();
  });
});

describe('QUIT and RESET (differential)', withRedis, () => {
  const servers = pair({});
  const cases: [string, string][] = [
    ['QUIT replies +OK and closes; later commands are not run', 'PING\r\nQUIT\r\nSET after quit\r\n'],
    ['QUIT with arguments', '*2\r\n$4\r\nQUIT\r\n$1\r\nx\r\n'],
    ['RESET: database back to 0', 'SELECT 1\r\nSET rk v\r\nRESET\r\nGET rk\r\nSELECT 1\r\nGET rk\r\n'],
    ['RESET: protocol back to RESP2', 'HELLO 3\r\nRESET\r\nGET missing\r\n'.replace('HELLO 3\r\n', '*2\r\n$5\r\nHELLO\r\n$1\r\n3\r\n')],
    ['RESET with arguments', 'RESET x\r\n'],
  ];
  for (const [name, input] of cases) {
    test(name, async () => {
      const [nodis, redis] = servers.get();
      // HELLO's map contains the connection id, which differs: compare what follows it.
      const strip = (s: string): string => s.replace(/^%7\r\n[\s\S]*?\$7\r\nmodules\r\n\*0\r\n/, '<hello>');
      const [ours, theirs] = await Promise.all([exchange(nodis.port, [input]), exchange(redis.port, [input])]);
      assert.deepEqual({ ...ours, data: strip(ours.data) }, { ...theirs, data: strip(theirs.data) });
    });
  }
});

describe('RESET and authentication (differential)', withRedis, () => {
  const servers = pair({ requirepass: 'secret' });
  test('RESET logs the connection out again', async () => {
    const [nodis, redis] = servers.get();
    const input = 'AUTH secret\r\nSET k v\r\nRESET\r\nGET k\r\n';
    const [ours, theirs] = await Promise.all([exchange(nodis.port, [input]), exchange(redis.port, [input])]);
    assert.deepEqual(ours, theirs);
    assert.match(ours.data, /\+RESET\r\n-NOAUTH/);
  });
});

describe('timeout', () => {
  let nodis: RunningServer;
  before(async () => {
    nodis = await startNodis({ config: { timeout: '1', hz: '50' } });
  });
  after(async () => {
    await nodis?.stop();
  });

  test('idle clients are closed; active and exempt ones stay', async () => {
    const idle = await RespClient.connect(nodis.port);
    const active = await RespClient.connect(nodis.port);
    const exempt = await RespClient.connect(nodis.port);
    assert.equal(await exempt.call('PING'), '+PONG\r\n');
    const exemptClient = [...nodis.server.clients.values()].at(-1)!;
    nodis.server.idleTimeoutExemptions.push((c) => c === exemptClient);
    const started = Date.now();
    const timer = setInterval(() => active.send('PING'), 200);
    try {
      await idle.waitClosed(4000);
      const elapsed = Date.now() - started;
      assert.ok(elapsed >= 900, `closed after ${elapsed} ms`);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(active.closed, false);
      assert.equal(exempt.closed, false);
      assert.equal(await exempt.call('PING'), '+PONG\r\n');
    } finally {
      clearInterval(timer);
      idle.close();
      active.close();
      exempt.close();
    }
  });
});

describe('tcp-keepalive', () => {
  test('accepted TCP sockets get keepalive with the configured period; 0 disables it', async () => {
    const calls: [boolean | undefined, number | undefined][] = [];
    const original = net.Socket.prototype.setKeepAlive;
    net.Socket.prototype.setKeepAlive = function (this: net.Socket, enable?: boolean, delay?: number) {
      calls.push([enable, delay]);
      return original.call(this, enable, delay);
    };
    try {
      for (const [value, expected] of [
        ['300', [true, 300000]],
        ['0', null],
      ] as const) {
        calls.length = 0;
        const nodis = await startNodis({ config: { 'tcp-keepalive': value } });
        const c = await RespClient.connect(nodis.port);
        assert.equal(await c.call('PING'), '+PONG\r\n');
        c.close();
        await nodis.stop();
        if (expected === null) assert.deepEqual(calls, []);
        else assert.deepEqual(calls, [expected]);
      }
    } finally {
      net.Socket.prototype.setKeepAlive = original;
    }
  });
});

describe('unix socket', () => {
  test('listens with unixsocketperm, serves clients, and is removed on stop', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nodis-sock-'));
    const sock = path.join(dir, 'nodis.sock');
    try {
      const nodis = await startNodis({ config: { unixsocket: sock, unixsocketperm: '700', 'protected-mode': 'yes' } });
      assert.equal(statSync(sock).mode & 0o777, 0o700);
      const c = await RespClient.connectPath(sock);
      assert.equal(await c.call('SET', 'via', 'unix'), '+OK\r\n');
      const t = await RespClient.connect(nodis.port);
      assert.equal(await t.call('GET', 'via'), '$4\r\nunix\r\n');
      c.close();
      t.close();
      await nodis.stop();
      assert.equal(existsSync(sock), false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a stale socket file is replaced', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nodis-sock-'));
    const sock = path.join(dir, 's.sock');
    try {
      // A file left behind (as by a crashed server) is unlinked before binding, as Redis does.
      writeFileSync(sock, '');
      const second = await startNodis({ config: { unixsocket: sock } });
      const c = await RespClient.connectPath(sock);
      assert.equal(await c.call('PING'), '+PONG\r\n');
      c.close();
      await second.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('bind', () => {
  test('several addresses, IPv4 and IPv6, on one port', async () => {
    const nodis = await startNodis({ bind: '127.0.0.1 ::1' });
    try {
      assert.deepEqual(
        nodis.server.boundAddresses.map((a) => a.host),
        ['127.0.0.1', '::1'],
      );
      assert.equal(new Set(nodis.server.boundAddresses.map((a) => a.port)).size, 1);
      for (const host of ['127.0.0.1', '::1']) {
        const c = await RespClient.connect(nodis.port, host);
        assert.equal(await c.call('PING'), '+PONG\r\n');
        c.close();
      }
    } finally {
      await nodis.stop();
    }
  });

  test('"-" marks an address that may be unavailable', async () => {
    const nodis = await startNodis({ bind: '-192.0.2.123 127.0.0.1' });
    try {
      assert.deepEqual(nodis.server.boundAddresses.map((a) => a.host), ['127.0.0.1']);
    } finally {
      await nodis.stop();
    }
  });

  test('an unavailable address without "-" is fatal', async () => {
    await assert.rejects(startNodis({ bind: '127.0.0.1 192.0.2.123' }), /Failed listening on port \d+ \(tcp\), aborting/);
  });

  test('the wildcards * and ::* bind both families without conflict', async () => {
    const nodis = await startNodis({ bind: '* ::*' });
    try {
      assert.deepEqual(nodis.server.boundAddresses.map((a) => a.host), ['0.0.0.0', '::']);
      for (const host of ['127.0.0.1', '::1']) {
        const c = await RespClient.connect(nodis.port, host);
        assert.equal(await c.call('PING'), '+PONG\r\n');
        c.close();
      }
    } finally {
      await nodis.stop();
    }
  });
});

describe('protected mode decision (Redis 7.2 clientAcceptHandler + connIsLocal)', () => {
  test('refuses only non-local peers when on and the default user has no password', () => {
    assert.equal(protectedModeDenies(true, true, '10.1.2.3', false), true);
    assert.equal(protectedModeDenies(true, true, '2001:db8::1', false), true);
    assert.equal(protectedModeDenies(true, true, '::ffff:10.1.2.3', false), true);
    assert.equal(protectedModeDenies(true, true, undefined, false), true);
    for (const local of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1']) {
      assert.equal(protectedModeDenies(true, true, local, false), false, local);
    }
    assert.equal(protectedModeDenies(true, true, '10.1.2.3', true), false, 'unix socket');
    assert.equal(protectedModeDenies(false, true, '10.1.2.3', false), false, 'protected-mode no');
    assert.equal(protectedModeDenies(true, false, '10.1.2.3', false), false, 'password set');
  });
});

describe('CONFIG SET bind (applyBind)', () => {
  const canConnect = async (port: number, host: string): Promise<boolean> => {
    try {
      const c = await RespClient.connect(port, host);
      const ok = (await c.call('PING')) === '+PONG\r\n';
      c.close();
      return ok;
    } catch {
      return false;
    }
  };

  test('rebinds on the same port; a failed rebind restores the previous addresses', async () => {
    const nodis = await startNodis({ bind: '127.0.0.1' });
    try {
      const port = nodis.port;
      assert.equal(await canConnect(port, '::1'), false);
      nodis.server.config.set('bind', ['127.0.0.1 ::1']);
      await nodis.server.rebound;
      assert.equal(nodis.server.port, port);
      assert.equal(await canConnect(port, '::1'), true);
      assert.equal(await canConnect(port, '127.0.0.1'), true);
      nodis.server.config.set('bind', ['::1']);
      await nodis.server.rebound;
      assert.equal(await canConnect(port, '127.0.0.1'), false);
      nodis.server.config.set('bind', ['192.0.2.123']);
      await nodis.server.rebound;
      assert.equal(nodis.server.config.get('bind'), '::1');
      assert.equal(await canConnect(port, '::1'), true);
    } finally {
      await nodis.stop();
    }
  });
});
