/**
 * How every write ends (Redis: signalModifiedKey + notifyKeyspaceEvent + server.dirty++),
 * kept in one function so no command forgets a step.
 */
import type { Client } from '../network/client.js';

/**
 * Marks `key` in the client's current database as modified: WATCH/tracking learn about it,
 * the keyspace event `event` of class `type` (a NOTIFY flag) is emitted, and the dirty
 * counter grows by `dirty` (which also makes the dispatcher propagate the command).
 */
export function afterWrite(c: Client, key: string, type: number, event: string, dirty = 1): void {
  const server = c.server;
  server.signalModifiedKey(c.db, key);
  server.notifyKeyspaceEvent(type, event, key, c.db.id);
  server.dirty += dirty;
}
