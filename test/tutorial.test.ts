/**
 * The tutorial works as written: examples/hello.py (redis-py, Debian's python3-redis)
 * prints "Hola Mundo!", redis-cli talks to nodis, and redis-benchmark completes.
 */
import assert from 'node:assert/strict';
import { describe, before, after, test } from 'node:test';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { startNodis, ROOT } from './helpers/servers.js';
import type { RunningServer } from '../src/index.js';

/** The pyenv python3 on PATH lacks redis-py; Debian's has it. */
const PYTHON = '/usr/bin/python3';

function run(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => p.kill('SIGKILL'), 60000);
    p.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const have = (cmd: string, args: string[]): boolean => spawnSync(cmd, args).status === 0;
const hasPythonRedis = existsSync(PYTHON) && have(PYTHON, ['-c', 'import redis']);
const hasRedisCli = have('redis-cli', ['--version']);
const hasBenchmark = have('redis-benchmark', ['--version']);

describe('tutorial', () => {
  let nodis: RunningServer;
  before(async () => {
    nodis = await startNodis();
  });
  after(async () => {
    await nodis?.stop();
  });

  test('examples/hello.py prints Hola Mundo!', { skip: hasPythonRedis ? false : 'python3-redis not installed' }, async () => {
    const script = path.join(ROOT, 'examples/hello.py');
    const byArg = await run(PYTHON, [script, String(nodis.port)]);
    assert.equal(byArg.code, 0, byArg.stderr);
    assert.equal(byArg.stdout, 'Hola Mundo!\n');
    const byEnv = await run(PYTHON, [script], { ...process.env, NODIS_PORT: String(nodis.port) });
    assert.equal(byEnv.stdout, 'Hola Mundo!\n', byEnv.stderr);
  });

  test('redis-cli ping, set, get', { skip: hasRedisCli ? false : 'redis-cli not installed' }, async () => {
    const cli = (...args: string[]) => run('redis-cli', ['-p', String(nodis.port), ...args]);
    assert.equal((await cli('ping')).stdout, 'PONG\n');
    assert.equal((await cli('set', 'greeting', 'Hola Mundo!')).stdout, 'OK\n');
    assert.equal((await cli('get', 'greeting')).stdout, 'Hola Mundo!\n');
    assert.equal((await cli('get', 'nothing')).stdout, '\n');
  });

  test('redis-benchmark -q -n 2000 -t set,get -P 16 completes without errors', { skip: hasBenchmark ? false : 'redis-benchmark not installed' }, async () => {
    const r = await run('redis-benchmark', ['-p', String(nodis.port), '-q', '-n', '2000', '-t', 'set,get', '-P', '16']);
    assert.equal(r.code, 0, r.stderr);
    const out = r.stdout.replace(/\r/g, '\n');
    assert.match(out, /^SET: [\d.]+ requests per second/m);
    assert.match(out, /^GET: [\d.]+ requests per second/m);
    assert.doesNotMatch(out + r.stderr, /ERR|error/i);
  });
});
