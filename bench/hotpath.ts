/**
 * In-process microbenchmark of the hot path without sockets: parse -> dispatch -> reply
 * for pipelined batches of 16 commands, as redis-benchmark -P 16 sends them.
 * Run: node --import tsx bench/hotpath.ts   (prints ns per command for GET and SET)
 * Useful with --cpu-prof to see where JS time goes; syscalls are not included.
 */
import { Server } from '../src/server.js';
import { Config } from '../src/config/config.js';
import { Client } from '../src/network/client.js';

const server = new Server(new Config());
const client = new Client(1, null, server, '127.0.0.1:1', '127.0.0.1:6379');

function batch(cmd: string, n: number, withValue: boolean): Buffer[] {
  const out: Buffer[] = [];
  for (let b = 0; b < 1000; b++) {
    let s = '';
    for (let i = 0; i < n; i++) {
      const key = `key:${String(Math.floor(Math.random() * 100000)).padStart(12, '0')}`;
      s += withValue ? `*3\r\n$3\r\n${cmd}\r\n$${key.length}\r\n${key}\r\n$3\r\nxxx\r\n` : `*2\r\n$3\r\n${cmd}\r\n$${key.length}\r\n${key}\r\n`;
    }
    out.push(Buffer.from(s, 'latin1'));
  }
  return out;
}

function run(name: string, batches: Buffer[], rounds: number): void {
  let commands = 0;
  const t0 = process.hrtime.bigint();
  for (let r = 0; r < rounds; r++) {
    for (const b of batches) {
      client.onData(b);
      commands += 16;
    }
  }
  const ns = Number(process.hrtime.bigint() - t0) / commands;
  console.log(`${name}: ${ns.toFixed(0)} ns/command`);
}

const sets = batch('SET', 16, true);
const gets = batch('GET', 16, false);
for (let i = 0; i < 3; i++) {
  run('SET P16', sets, 60);
  run('GET P16', gets, 60);
}
