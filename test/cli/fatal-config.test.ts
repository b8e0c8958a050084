/**
 * `nodis` with bad configuration prints what redis-server prints (stderr, byte for byte
 * apart from the version in the header) and exits with code 1.
 */
import assert from 'node:assert/strict';
import { describe, test, before, after } from 'node:test';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hasRedis, ROOT } from '../helpers/servers.js';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: readonly string[], stdin = ''): Promise<Run> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], cwd: os.tmpdir() });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString('latin1')));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString('latin1')));
    const timer = setTimeout(() => p.kill('SIGKILL'), 20000);
    p.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    p.stdin.end(stdin);
  });
}

export function runNodis(args: readonly string[], stdin = ''): Promise<Run> {
  return run(process.execPath, ['--import', import.meta.resolve('tsx'), path.join(ROOT, 'src/main.ts'), ...args], stdin);
}

const normalize = (s: string): string =>
  s
    .replace(/\(Redis \d+\.\d+\.\d+\)/g, '(Redis X)')
    .replace(/^\d+:C \d\d \w{3} \d{4} [\d:.]+ /gm, '<log> ');

describe('fatal configuration errors (compared with redis-server)', { skip: hasRedis() ? false : 'redis-server not installed' }, () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'cfgtest-'));
    writeFileSync(path.join(dir, 'bad-line3.conf'), '# a comment\n\nport notanumber\n');
    writeFileSync(path.join(dir, 'quotes.conf'), 'port 7000\nbind "127.0.0.1\n');
    writeFileSync(path.join(dir, 'unknown.conf'), 'port 7000\n   nosuchdirective yes   \n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const cases: [string, () => string[], string?][] = [
    ['--port abc', () => ['--port', 'abc']],
    ['--foo bar', () => ['--foo', 'bar']],
    ['--port 1 2', () => ['--port', '1', '2']],
    ['--port --foo', () => ['--port', '--foo']],
    ['--save --port x', () => ['--save', '--port', 'x']],
    ['--port with binary value', () => ['--port', 'a\tb"c\\']],
    ['--unixsocketperm 999', () => ['--unixsocketperm', '999']],
    ['--protected-mode maybe', () => ['--protected-mode', 'maybe']],
    ['--logfile in a missing directory', () => ['--logfile', '/nonexistent/dir/x.log']],
    ['bad value at line 3 of a file', () => [path.join(dir, 'bad-line3.conf')]],
    ['unbalanced quotes in a file', () => [path.join(dir, 'quotes.conf')]],
    ['unknown directive in a file, then options', () => [path.join(dir, 'unknown.conf'), '--port', '1']],
    ['file line numbers continue into options', () => [path.join(dir, 'quotes.conf').replace('quotes', 'nope'), '--port', 'x']],
    ['stdin config', () => ['-'], 'port 7000\nsave ""\nfoo\n'],
    ['stdin config then options', () => ['-', '--port', 'y'], 'timeout 5\n'],
  ];
  for (const [name, args, stdin] of cases) {
    test(name, async () => {
      const [ours, theirs] = await Promise.all([runNodis(args(), stdin), run('redis-server', args(), stdin)]);
      assert.equal(theirs.code, 1, `redis-server should fail: ${theirs.stdout}${theirs.stderr}`);
      assert.equal(ours.code, 1);
      assert.equal(normalize(ours.stderr), normalize(theirs.stderr));
      // Log lines (stdin notice, unreadable file) go to stdout in both.
      // Redis 7.2 logs "Reading config from stdin" at notice level (7.0.15: warning).
      assert.equal(normalize(ours.stdout), normalize(theirs.stdout).replace('<log> # Reading config', '<log> * Reading config'));
    });
  }
});

describe('version and help', () => {
  test('--version and -v exit 0 with a v= line', async () => {
    for (const flag of ['--version', '-v']) {
      const r = await runNodis([flag]);
      assert.equal(r.code, 0);
      assert.match(r.stdout, /^nodis server v=\d+\.\d+\.\d+ redis_version=7\.2\.\d+ /);
    }
  });

  test('--help and -h print the usage on stderr and exit 1, as redis-server', async () => {
    for (const flag of ['--help', '-h']) {
      const r = await runNodis([flag]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^Usage: nodis \[\/path\/to\/redis\.conf\] \[options\] \[-\]/);
    }
  });
});
