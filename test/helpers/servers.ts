/**
 * Starts the servers tests talk to: nodis in this process (port 0), nodis as a child
 * process (for tests that need a separate process), and a real redis-server on a free port
 * as the oracle. Without redis-server, differential tests skip loudly - except in CI,
 * where a missing reference is a failure.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { startServer, type RunningServer, type StartOptions } from '../../src/index.js';
import { RespClient } from './resp-client.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * An embedded nodis on a free port. Its `dir` is a fresh temp directory unless the test
 * gives one: like redis-server, nodis loads a dump.rdb found in `dir` at startup, and a
 * file left in the working tree (by `npm start`, say) must not leak into tests.
 */
export async function startNodis(options: StartOptions = {}): Promise<RunningServer> {
  const config = options.config ?? {};
  if (config['dir'] !== undefined) return startServer({ port: 0, ...options });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nodis-embedded-'));
  const running = await startServer({ port: 0, ...options, config: { ...config, dir } });
  return {
    ...running,
    stop: async () => {
      await running.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let redisAvailable: boolean | null = null;

/** True when a redis-server binary is on PATH. */
export function hasRedis(): boolean {
  if (redisAvailable === null) {
    redisAvailable = spawnSync('redis-server', ['--version']).status === 0;
    if (!redisAvailable && process.env['CI']) {
      throw new Error('redis-server is required in CI for differential tests (apt-get install redis-server)');
    }
    if (!redisAvailable) {
      process.stderr.write('\n!!! redis-server not found: DIFFERENTIAL TESTS ARE SKIPPED. Install redis-server to run them. !!!\n\n');
    }
  }
  return redisAvailable;
}

export interface ExternalServer {
  readonly port: number;
  readonly dir: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

async function waitForPing(port: number, proc: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`server exited with ${proc.exitCode}`);
    try {
      const c = await RespClient.connect(port);
      const reply = await c.call('PING');
      c.close();
      if (reply === '+PONG\r\n' || reply.startsWith('-')) return;
    } catch {
      await new Promise((r) => setTimeout(r, 30));
    }
  }
  throw new Error(`server on port ${port} did not answer PING`);
}

function stopProcess(proc: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
    proc.once('exit', () => resolve());
    proc.kill('SIGKILL');
  });
}

/** Starts a real redis-server (the oracle) with a throwaway dir and no persistence. */
export async function startRedis(extraArgs: readonly string[] = []): Promise<ExternalServer> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nodis-ref-'));
  const proc = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--enable-debug-command', 'yes', ...extraArgs],
    { stdio: 'ignore' },
  );
  await waitForPing(port, proc, 10000);
  return {
    port,
    dir,
    process: proc,
    stop: async () => {
      await stopProcess(proc);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Starts nodis as a child process from the TypeScript sources (for crash/hang tests). */
export async function spawnNodis(extraArgs: readonly string[] = []): Promise<ExternalServer> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nodis-proc-'));
  const proc = spawn(
    process.execPath,
    ['--import', import.meta.resolve('tsx'), path.join(ROOT, 'src/main.ts'), '--port', String(port), '--save', '', '--dir', dir, ...extraArgs],
    { stdio: ['ignore', 'ignore', 'pipe'], cwd: dir },
  );
  await waitForPing(port, proc, 20000);
  return {
    port,
    dir,
    process: proc,
    stop: async () => {
      await stopProcess(proc);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
