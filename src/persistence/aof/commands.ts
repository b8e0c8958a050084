/**
 * The AOF's command format: every command as a RESP multibulk (catAppendOnlyGenericCommand),
 * and an AOF base written as commands that rebuild the dataset (rewriteAppendOnlyFileRio,
 * used when aof-use-rdb-preamble is no): RPUSH/SADD/ZADD/HMSET in batches of 64 items,
 * SET for strings, PEXPIREAT for TTLs, SELECT between databases, FUNCTION LOAD first.
 */
import type { SnapshotSink } from '../snapshot.js';
import type { PortableValue } from '../rdb/values.js';
import { formatDouble17g } from '../../util/format-g17.js';
import { encodeCommand } from '../../util/resp-array.js';

/** AOF_REWRITE_ITEMS_PER_CMD */
const ITEMS_PER_COMMAND = 64;

export { encodeCommand };

/** Writes a snapshot as the commands that recreate it. */
export class AofCommandWriter implements SnapshotSink {
  private pending: string[] = [];
  private pendingBytes = 0;

  constructor(private readonly write: (chunk: Buffer) => void) {}

  /** rewriteFunctions: a library as the FUNCTION LOAD that recreates it. */
  functionLoad(code: string): void {
    this.emit(['FUNCTION', 'LOAD', code]);
  }

  selectDb(id: number): void {
    this.emit(['SELECT', String(id)]);
  }

  key(key: string, expireMs: number, value: PortableValue): void {
    switch (value.type) {
      case 'string':
        this.emit(['SET', key, value.value]);
        break;
      case 'list':
        this.batches('RPUSH', key, value.items, 1);
        break;
      case 'set':
        this.batches('SADD', key, value.members, 1);
        break;
      case 'hash':
        this.batches('HMSET', key, value.pairs.flat(), 2);
        break;
      case 'zset':
        this.batches('ZADD', key, value.entries.flatMap(([m, score]) => [formatDouble17g(score), m]), 2);
        break;
      default: {
        const never: never = value;
        return never;
      }
    }
    if (expireMs !== -1) this.emit(['PEXPIREAT', key, String(expireMs)]);
    if (this.pendingBytes > 256 * 1024) this.flush();
  }

  finish(): void {
    this.flush();
  }

  private batches(command: string, key: string, flat: readonly string[], width: number): void {
    const per = ITEMS_PER_COMMAND * width;
    for (let i = 0; i < flat.length; i += per) this.emit([command, key, ...flat.slice(i, i + per)]);
  }

  private emit(argv: readonly string[]): void {
    const text = encodeCommand(argv);
    this.pending.push(text);
    this.pendingBytes += text.length;
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    this.write(Buffer.from(this.pending.join(''), 'latin1'));
    this.pending = [];
    this.pendingBytes = 0;
  }
}
