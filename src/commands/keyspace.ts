/** Generic keyspace commands (db.c / expire.c): the generic group without data-type specifics. */
import type { HandlerTable } from './registry.js';
import type { Client } from '../network/client.js';
import { SYNTAX } from '../errors.js';

/** FLUSHALL/FLUSHDB's optional ASYNC|SYNC (both empty the data at once here: nothing to free lazily in a GC runtime). */
function parseFlushMode(argv: string[]): void {
  if (argv.length > 2) throw SYNTAX;
  if (argv.length === 2) {
    const mode = argv[1]!.toUpperCase();
    if (mode !== 'ASYNC' && mode !== 'SYNC') throw SYNTAX;
  }
}

function flushallCommand(c: Client, argv: string[]): void {
  parseFlushMode(argv);
  const server = c.server;
  let removed = 0;
  for (const db of server.dbs) {
    removed += db.flush();
    server.signalModifiedKey(db, null);
  }
  server.dirty += removed + 1;
  c.w.ok();
}

function flushdbCommand(c: Client, argv: string[]): void {
  parseFlushMode(argv);
  const removed = c.db.flush();
  c.server.signalModifiedKey(c.db, null);
  c.server.dirty += removed + 1;
  c.w.ok();
}

export const keyspaceCommands: HandlerTable = {
  flushall: flushallCommand,
  flushdb: flushdbCommand,
};
