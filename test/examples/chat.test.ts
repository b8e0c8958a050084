/**
 * examples/chat end to end: the redis-py program and the node-redis program chat in one
 * room through nodis (each sees the other's lines, joins and leaves), and a third user who
 * joins later is shown the room's history first.
 */
import assert from 'node:assert/strict';
import { describe, before, after, test } from 'node:test';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { startNodis, ROOT } from '../helpers/servers.js';
import type { RunningServer } from '../../src/index.js';

/** The pyenv python3 on PATH lacks redis-py; Debian's has it. */
const PYTHON = '/usr/bin/python3';
const hasPythonRedis = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import redis']).status === 0;

/** A running chat program: its stdout lines so far, and a way to wait for one. */
class Chatter {
  readonly lines: string[] = [];
  private waiters: (() => void)[] = [];
  private stderr = '';
  readonly exited: Promise<number | null>;

  constructor(readonly proc: ChildProcessWithoutNullStreams) {
    let partial = '';
    proc.stdout.on('data', (d: Buffer) => {
      partial += d.toString();
      const parts = partial.split('\n');
      partial = parts.pop()!;
      this.lines.push(...parts);
      for (const w of this.waiters.splice(0)) w();
    });
    proc.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.exited = new Promise((resolve) => proc.on('close', (code) => resolve(code)));
  }

  /** Resolves once a line equal to `line` has been printed. */
  async expect(line: string, timeoutMs = 10000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.lines.includes(line)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no line ${JSON.stringify(line)}; got ${JSON.stringify(this.lines)}; stderr ${this.stderr}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  say(text: string): void {
    this.proc.stdin.write(`${text}\n`);
  }

  /** Ends its input (Ctrl-D): it announces leaving and exits. */
  async leave(): Promise<void> {
    this.proc.stdin.end();
    const code = await this.exited;
    assert.equal(code, 0, this.stderr);
  }
}

describe('examples/chat', { skip: hasPythonRedis ? false : 'python3-redis not installed' }, () => {
  let nodis: RunningServer;
  const running: Chatter[] = [];
  const start = (program: 'py' | 'mjs', name: string): Chatter => {
    const script = path.join(ROOT, 'examples/chat', `chat.${program}`);
    const cmd = program === 'py' ? PYTHON : process.execPath;
    const c = new Chatter(spawn(cmd, [script, name, 'lobby', String(nodis.port)], { cwd: ROOT }));
    running.push(c);
    return c;
  };

  before(async () => {
    nodis = await startNodis();
  });
  after(async () => {
    for (const c of running) c.proc.kill('SIGKILL');
    await nodis?.stop();
  });

  test('python and node users chat; a later user sees the history', async () => {
    const alice = start('py', 'alice');
    await alice.expect('--- you are alice in #lobby; type a message and press Enter, Ctrl-D to leave ---');
    await alice.expect('* alice joined');

    const bob = start('mjs', 'bob');
    await bob.expect('--- you are bob in #lobby; type a message and press Enter, Ctrl-D to leave ---');
    await alice.expect('* bob joined');

    alice.say('hi bob');
    await bob.expect('alice: hi bob');
    bob.say('hello alice');
    await alice.expect('bob: hello alice');
    await bob.expect('bob: hello alice');

    await alice.leave();
    await bob.expect('* alice left');

    const carol = start('py', 'carol');
    await carol.expect('--- you are carol in #lobby; type a message and press Enter, Ctrl-D to leave ---');
    const shown = carol.lines.slice(0, carol.lines.indexOf('--- you are carol in #lobby; type a message and press Enter, Ctrl-D to leave ---'));
    assert.deepEqual(shown, [
      '--- last 5 messages in #lobby ---',
      '* alice joined',
      '* bob joined',
      'alice: hi bob',
      'bob: hello alice',
      '* alice left',
    ]);
    await bob.expect('* carol joined');
    await bob.leave();
    await carol.expect('* bob left');
    await carol.leave();
  });
});
