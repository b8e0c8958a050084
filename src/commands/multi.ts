/** MULTI, EXEC, DISCARD, WATCH, UNWATCH (see src/transactions/multi.ts). */
import type { HandlerTable } from './registry.js';
import { DISCARD_WITHOUT_MULTI } from '../errors.js';

export const multiCommands: HandlerTable = {
  multi: (c) => {
    c.server.transactions.begin(c);
    c.w.ok();
  },
  exec: (c) => c.server.transactions.exec(c),
  discard: (c) => {
    if (!c.server.transactions.discard(c)) throw DISCARD_WITHOUT_MULTI;
    c.server.transactions.unwatchAll(c);
    c.w.ok();
  },
  watch: (c, argv) => {
    c.server.transactions.watch(c, argv.slice(1));
    c.w.ok();
  },
  unwatch: (c) => {
    c.server.transactions.unwatchAll(c);
    c.w.ok();
  },
};
