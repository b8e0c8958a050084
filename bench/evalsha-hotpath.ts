/**
 * In-process microbenchmark of a pipelined EVALSHA (two redis.call()s) without sockets, as
 * redis-benchmark -P 16 sends them: parse -> dispatch -> Lua (server-thread engine) -> reply.
 * Run: node --import tsx bench/evalsha-hotpath.ts   (prints ns per EVALSHA)
 * Useful with --cpu-prof to see where the JS time around the engine goes.
 */
import { Server } from '../src/server.js';
import { Config } from '../src/config/config.js';
import { Client } from '../src/network/client.js';
import { sha1hex } from '../src/scripting/scripting.js';

const SCRIPT = "redis.call('SET', KEYS[1], ARGV[1]) return redis.call('GET', KEYS[1])";
const server = new Server(new Config());
const client = new Client(1, null, server, '127.0.0.1:1', '127.0.0.1:6379');
const sha = sha1hex(SCRIPT);

const enc = (args: string[]): string => `*${args.length}\r\n${args.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`;
client.onData(Buffer.from(enc(['SCRIPT', 'LOAD', SCRIPT]), 'latin1'));

const batches: Buffer[] = [];
for (let b = 0; b < 1000; b++) {
  let s = '';
  for (let i = 0; i < 16; i++) {
    const key = `key:${String(Math.floor(Math.random() * 100000)).padStart(12, '0')}`;
    s += enc(['EVALSHA', sha, '1', key, 'v']);
  }
  batches.push(Buffer.from(s, 'latin1'));
}

function run(rounds: number): void {
  let commands = 0;
  const t0 = process.hrtime.bigint();
  for (let r = 0; r < rounds; r++) {
    for (const b of batches) {
      client.onData(b);
      client.w.discard();
      commands += 16;
    }
  }
  const ns = Number(process.hrtime.bigint() - t0) / commands;
  console.log(`EVALSHA 2 calls P16: ${ns.toFixed(0)} ns/command`);
}

// The server-thread engine loads asynchronously; the first runs (on the worker) promote the script.
await new Promise((r) => setTimeout(r, 1500));
run(1);
await new Promise((r) => setTimeout(r, 100));
for (let i = 0; i < 4; i++) run(5);
process.exit(0);
