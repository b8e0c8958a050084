/**
 * FUNCTION FLUSH [ASYNC|SYNC] (functionFlushCommand). nodis cannot load function libraries
 * yet (FUNCTION LOAD and the rest answer "unknown subcommand"), so the library set is always
 * empty and flushing it only validates the argument and counts as a change, as in Redis.
 * Scripting (issue 6) replaces this file with the full FUNCTION family.
 */
import type { HandlerTable } from './registry.js';
import { err } from '../errors.js';

export const functionCommands: HandlerTable = {
  'function|flush': (c, argv) => {
    // addReplySubcommandSyntaxError
    if (argv.length > 3) throw err(`unknown subcommand or wrong number of arguments for '${argv[1]!}'. Try FUNCTION HELP.`);
    if (argv.length === 3) {
      const mode = argv[2]!.toUpperCase();
      if (mode !== 'SYNC' && mode !== 'ASYNC') throw err('FUNCTION FLUSH only supports SYNC|ASYNC option');
    }
    c.server.dirty++;
    c.w.ok();
  },
};
