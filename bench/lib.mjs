/**
 * What the benchmark scripts share: the repository root, a free loopback port, and RESP
 * encoding of a command.
 */
import net from 'node:net';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** A TCP port free on 127.0.0.1 right now. */
export function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** A command as a RESP multibulk string. */
export function encode(args) {
  let out = `*${args.length}\r\n`;
  for (const a of args) out += `$${Buffer.byteLength(a)}\r\n${a}\r\n`;
  return out;
}

/**
 * Starts redis-server or nodis (dist/main.js) on `port` with `dir` as its working directory
 * and no persistence unless `extra` asks for it; the caller waits for PING.
 */
export function spawnServer(kind, port, dir, extra = [], stdio = 'ignore') {
  const [bin, args] =
    kind === 'redis'
      ? ['redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir, ...extra]]
      : [process.execPath, [path.join(ROOT, 'dist/main.js'), '--port', String(port), '--save', '', '--dir', dir, ...extra]];
  return spawn(bin, args, { stdio, cwd: dir });
}
