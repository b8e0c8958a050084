/**
 * Replays AOF files into the server (loadSingleAppendOnlyFile): an RDB preamble if the file
 * starts with one, then each command through a fake client, as if a client had sent it.
 * A file cut in the middle of a command (a crash while appending) is truncated to its last
 * complete command when `aof-load-truncated` allows it and it is the last file; so is an
 * unfinished MULTI at the end. Anything else wrong stops the load with the file and offset.
 */
import { readFileSync, truncateSync } from 'node:fs';
import type { Server } from '../../server.js';
import { processCommand } from '../../commands/dispatch.js';
import { RdbLoadError } from '../rdb-persistence.js';

export class AofLoadError extends Error {}

export interface AofLoadResult {
  /** Commands replayed (not counting the RDB preamble's keys). */
  commands: number;
  /** Set when the file was cut back to its last complete command. */
  truncatedAt: number | null;
}

const enum Parse {
  Incomplete = -1,
  Malformed = -2,
}

/** Reads "<digits>\r\n" at `pos` after a type byte; returns [value, next] or a Parse code. */
function readCount(buf: Buffer, pos: number): [number, number] | Parse {
  const eol = buf.indexOf('\r\n', pos);
  if (eol === -1) return buf.length - pos > 32 ? Parse.Malformed : Parse.Incomplete;
  const text = buf.latin1Slice(pos, eol);
  if (!/^\d{1,19}$/.test(text)) return Parse.Malformed;
  return [Number(text), eol + 2];
}

/** One multibulk command at `pos`: [argv, next offset] or a Parse code. */
function readCommand(buf: Buffer, pos: number): [string[], number] | Parse {
  const count = readCount(buf, pos + 1);
  if (typeof count === 'number') return count;
  let [n, p] = count;
  if (n < 1) return Parse.Malformed;
  const argv: string[] = [];
  for (; n > 0; n--) {
    if (p >= buf.length) return Parse.Incomplete;
    if (buf[p] !== 0x24 /* $ */) return Parse.Malformed;
    const len = readCount(buf, p + 1);
    if (typeof len === 'number') return len;
    const [size, start] = len;
    if (start + size + 2 > buf.length) return Parse.Incomplete;
    if (buf[start + size] !== 0x0d || buf[start + size + 1] !== 0x0a) return Parse.Malformed;
    argv.push(buf.latin1Slice(start, start + size));
    p = start + size + 2;
  }
  return [argv, p];
}

export function readAofFile(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new AofLoadError(`Unable to open the append only file ${file}: ${(e as Error).message}`);
  }
}

/**
 * Loads one file, as steps yielding the offset reached every 1024 keys or commands. `isLast`:
 * only the last file may be truncated (the others were complete when the server moved on).
 */
export function* loadAofSteps(server: Server, file: string, buf: Buffer, isLast: boolean): Generator<number, AofLoadResult> {
  let pos = 0;
  if (buf.length >= 5 && buf.latin1Slice(0, 5) === 'REDIS') {
    try {
      pos = yield* server.rdb.loadBufferSteps(buf, file);
    } catch (e) {
      if (e instanceof RdbLoadError) throw new AofLoadError(`Bad RDB preamble in the append only file ${file}: ${e.message}`);
      throw e;
    }
  }
  const fake = server.createFakeClient();
  fake.authenticated = true;
  let commands = 0;
  /** Offset after the last command that is not inside an unfinished MULTI. */
  let valid = pos;
  let multiStart = -1;
  const fail = (what: string, at: number): never => {
    throw new AofLoadError(`${what} reading the append only file ${file} at offset ${at}`);
  };
  while (pos < buf.length) {
    const type = buf[pos];
    if (type === 0x23 /* # annotation */) {
      const eol = buf.indexOf('\n', pos);
      if (eol === -1) break;
      pos = eol + 1;
      if (multiStart === -1) valid = pos;
      continue;
    }
    if (type !== 0x2a /* * */) fail('Bad file format', pos);
    const parsed = readCommand(buf, pos);
    if (parsed === Parse.Malformed) fail('Bad file format', pos);
    if (parsed === Parse.Incomplete) break;
    const [argv, next] = parsed as [string[], number];
    const name = argv[0]!.toLowerCase();
    if (server.commands.lookup(argv[0]!) === undefined) fail(`Unknown command '${argv[0]!.slice(0, 128)}'`, pos);
    if (name === 'multi') multiStart = pos;
    server.refreshClock();
    processCommand(server, fake, argv);
    fake.w.discard();
    commands++;
    pos = next;
    if ((commands & 1023) === 0) yield pos;
    if (name === 'exec') multiStart = -1;
    if (multiStart === -1) valid = pos;
  }
  if (valid === buf.length) return { commands, truncatedAt: null };
  // The file ends inside a command or a transaction.
  const inTransaction = multiStart !== -1;
  if (!isLast || !server.config.bool('aof-load-truncated')) {
    fail(
      inTransaction
        ? 'Unexpected end of file (an unfinished MULTI/EXEC transaction)'
        : "Unexpected end of file. You can: 1) Make a backup of your AOF file, then use redis-check-aof --fix <filename.manifest>. 2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server. Found",
      valid,
    );
  }
  if (inTransaction) {
    // The unfinished transaction's commands were queued on the fake client, never run.
    processCommand(server, fake, ['DISCARD']);
    server.log.warning('Revert incomplete MULTI/EXEC transaction in AOF file');
  } else {
    server.log.warning(`!!! Warning: short read while loading the AOF file ${file}!!!`);
  }
  server.log.warning(`!!! Truncating the AOF ${file} at offset ${valid} !!!`);
  try {
    truncateSync(file, valid);
  } catch (e) {
    throw new AofLoadError(`Error truncating the AOF file ${file}: ${(e as Error).message}`);
  }
  server.log.warning('AOF loaded anyway because aof-load-truncated is enabled');
  return { commands, truncatedAt: valid };
}
