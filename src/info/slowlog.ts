/**
 * SLOWLOG's storage (slowlog.c): commands slower than slowlog-log-slower-than µs, newest
 * first, at most slowlog-max-len entries, arguments trimmed the way Redis trims them.
 */
import type { Config } from '../config/config.js';
import type { Client } from '../network/client.js';

const MAX_ARGC = 32;
const MAX_STRING = 128;

export interface SlowLogEntry {
  id: number;
  timeSec: number;
  durationUs: number;
  args: string[];
  peer: string;
  name: string;
}

export class SlowLog {
  entries: SlowLogEntry[] = [];
  private nextId = 0;

  constructor(private readonly config: Config) {}

  /** slowlogPushCurrentCommand: records the command if it was slow enough. */
  consider(c: Client, argv: readonly string[], usec: number, nowMs: number): void {
    const threshold = this.config.num('slowlog-log-slower-than');
    if (threshold < 0 || usec < threshold) return;
    const max = this.config.num('slowlog-max-len');
    if (max === 0) return;
    const argc = Math.min(argv.length, MAX_ARGC);
    const args: string[] = [];
    for (let i = 0; i < argc; i++) {
      if (argc !== argv.length && i === argc - 1) {
        args.push(`... (${argv.length - argc + 1} more arguments)`);
        break;
      }
      const a = argv[i]!;
      args.push(a.length > MAX_STRING ? `${a.slice(0, MAX_STRING)}... (${a.length - MAX_STRING} more bytes)` : a);
    }
    this.entries.unshift({
      id: this.nextId++,
      timeSec: Math.floor(nowMs / 1000),
      durationUs: usec,
      args,
      peer: c.addr,
      name: c.name,
    });
    if (this.entries.length > max) this.entries.length = max;
  }

  reset(): void {
    this.entries = [];
  }
}
