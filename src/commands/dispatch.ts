/**
 * The one place where commands are looked up, checked and run (Redis's processCommand and
 * call()). Handlers never count their arguments or check authentication: the generic
 * checks, their exact errors, statistics, the slow log and propagation all happen here.
 */
import { performance } from 'node:perf_hooks';
import { ReplyError, unknownCommand, UNKNOWN_SUBCOMMAND, WRONG_ARITY, NOAUTH, sanitizeErrorText, internalError } from '../errors.js';
import type { Client } from '../network/client.js';
import type { Server } from '../server.js';
import type { Command } from './registry.js';

/** Looks up, validates and runs one command from a client, replying on its writer. */
export function processCommand(server: Server, c: Client, argv: string[]): void {
  let cmd = server.commands.lookup(argv[0]!);
  if (cmd === undefined) {
    rejectCommand(server, c, null, unknownCommand(argv));
    return;
  }
  if (cmd.subcommands !== null && !(argv.length === 1 && cmd.handler !== null)) {
    if (argv.length === 1) {
      rejectCommand(server, c, cmd, WRONG_ARITY(cmd.fullName));
      return;
    }
    const sub = cmd.subcommands.get(argv[1]!.toLowerCase());
    if (sub === undefined) {
      rejectCommand(server, c, cmd, UNKNOWN_SUBCOMMAND(argv[1]!, argv[0]!));
      return;
    }
    cmd = sub;
  }
  const arity = cmd.spec.arity;
  if ((arity > 0 && argv.length !== arity) || argv.length < -arity) {
    rejectCommand(server, c, cmd, WRONG_ARITY(cmd.fullName));
    return;
  }
  const gateError = server.commandGate(c, cmd, argv);
  if (gateError !== null) {
    rejectCommand(server, c, cmd, gateError);
    return;
  }
  if (!c.authenticated && !cmd.noAuth) {
    rejectCommand(server, c, cmd, NOAUTH);
    return;
  }
  if (server.postponeCommand !== null && server.postponeCommand(c, cmd, argv)) return;
  if (server.interceptCommand !== null && server.interceptCommand(c, cmd, argv)) return;
  call(server, c, cmd, argv);
}

/**
 * Runs a validated command: the handler, then statistics, slow log, latency monitor and
 * propagation of writes. Also used by MULTI/EXEC and scripting to run queued commands.
 * Callers outside a client's input batch (timers, unblocking) must call
 * server.refreshClock() before the first call(), so timings don't start in the past.
 */
export function call(server: Server, c: Client, cmd: Command, argv: string[]): void {
  // One clock read per command: this command starts when the previous one ended (or when
  // the batch began: every entry point calls server.refreshClock() first).
  const start = server.clock;
  // Commands run by EXEC or a script see the time of the command that runs them, so a key
  // can't expire half-way through a transaction or script (Redis 7.2's commandTimeSnapshot).
  if (server.callDepth === 0) server.nowMs = Math.floor(server.clockOffsetMs + start);
  const dirtyBefore = server.dirty;
  const skip = c.skipNext;
  if (skip) {
    c.skipNext = false;
    c.w.muted = true;
  }
  c.propagateArgv = null;
  // A fake client (a script's) runs on behalf of the current one and does not replace it.
  const previousClient = server.currentClient;
  if (previousClient === null || c.socket !== null) server.currentClient = c;
  let failed = false;
  server.callDepth++;
  try {
    if (server.beforeWrite !== null && cmd.isWrite) server.beforeWrite(c, cmd, argv);
    cmd.handler!(c, argv);
  } catch (e) {
    failed = true;
    if (e instanceof ReplyError) {
      replyError(server, c, e);
    } else {
      server.log.warning(`Internal error running '${cmd.fullName}': ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      replyError(server, c, internalError(cmd.fullName));
    }
  }
  server.callDepth--;
  const end = performance.now();
  server.clock = end;
  const usec = Math.round((end - start) * 1000);
  if (skip) c.w.muted = c.replyMode === 'off';
  const stats = cmd.stats;
  stats.calls++;
  stats.usec += usec;
  if (failed) stats.failedCalls++;
  server.stats.commandsProcessed++;
  c.commandsProcessed++;
  c.lastCommand = cmd.fullName;
  server.afterCommand(c, cmd, argv, usec, server.dirty !== dirtyBefore);
  server.currentClient = previousClient;
  if (c.pendingWrite === false && c.w.hasPending) c.markPendingWrite();
}

function rejectCommand(server: Server, c: Client, cmd: Command | null, e: ReplyError): void {
  if (cmd !== null) cmd.stats.rejectedCalls++;
  replyError(server, c, e);
  server.commandRejected(c);
  c.markPendingWrite();
}

/** Writes an error reply and counts it in INFO errorstats. */
export function replyError(server: Server, c: Client, e: ReplyError): void {
  c.w.error(sanitizeErrorText(e.reply));
  server.countError(e.code);
}

/**
 * The bookkeeping call() does after a handler, for a command that a preceding one ran with
 * itself (a pipelined run of EVALSHAs, scripting-cmd.ts). Its time is in the first command's
 * (call() timed the whole run), so it adds a call and no time: the totals stay right.
 */
export function accountRunCommand(server: Server, c: Client, cmd: Command, argv: string[]): void {
  cmd.stats.calls++;
  server.stats.commandsProcessed++;
  c.commandsProcessed++;
  c.lastCommand = cmd.fullName;
  server.afterCommand(c, cmd, argv, 0, false);
}
