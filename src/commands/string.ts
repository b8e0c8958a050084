/** String commands (placeholder subset while the family is being written: GET, SET). */
import type { HandlerTable } from './registry.js';
import type { Client } from '../network/client.js';
import { WRONGTYPE } from '../errors.js';
import { isString, stringOf } from '../types/value.js';
import { afterWrite } from '../keyspace/notify.js';
import { NOTIFY } from '../config/definitions.js';

function getCommand(c: Client, argv: string[]): void {
  const v = c.db.lookupRead(argv[1]!, c.noTouch);
  if (v === undefined) return c.w.nullBulk();
  if (!isString(v)) throw WRONGTYPE;
  c.w.bulk(stringOf(v));
}

function setCommand(c: Client, argv: string[]): void {
  c.db.set(argv[1]!, argv[2]!);
  afterWrite(c, argv[1]!, NOTIFY.STRING, 'set');
  c.w.ok();
}

export const stringCommands: HandlerTable = { get: getCommand, set: setCommand };
