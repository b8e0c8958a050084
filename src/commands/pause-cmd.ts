/** CLIENT PAUSE timeout [WRITE|ALL] and CLIENT UNPAUSE (networking.c); see src/pause/pause.ts. */
import type { HandlerTable } from './registry.js';
import type { Client } from '../network/client.js';
import {
  PAUSE_MODE,
  TIMEOUT_NEGATIVE,
  TIMEOUT_NOT_INTEGER,
  TIMEOUT_OUT_OF_RANGE,
  subcommandSyntax,
} from '../errors.js';
import { parseInt64 } from '../util/numbers.js';

/** getTimeoutFromObjectOrReply in milliseconds: the absolute end time. */
function pauseEnd(c: Client, text: string): number {
  const v = parseInt64(text);
  if (v === null) throw TIMEOUT_NOT_INTEGER;
  if (v < 0) throw TIMEOUT_NEGATIVE;
  if (v === 0) return 0;
  const now = c.server.nowMs;
  if (BigInt(v) > 9223372036854775807n - BigInt(now)) throw TIMEOUT_OUT_OF_RANGE;
  // Beyond 2^53 ms the pause outlives the process anyway.
  return Math.min(Number(v) + now, Number.MAX_SAFE_INTEGER);
}

function clientPause(c: Client, argv: string[]): void {
  let all = true;
  if (argv.length > 4) throw subcommandSyntax(argv[1]!, 'CLIENT');
  if (argv.length === 4) {
    const mode = argv[3]!.toLowerCase();
    if (mode === 'write') all = false;
    else if (mode !== 'all') throw PAUSE_MODE;
  }
  const end = pauseEnd(c, argv[2]!);
  c.server.pause.pause(end, all ? 'all' : 'write');
  c.w.ok();
}

export const pauseCommands: HandlerTable = {
  'client|pause': clientPause,
  'client|unpause': (c) => {
    c.server.pause.unpause();
    c.w.ok();
  },
};
