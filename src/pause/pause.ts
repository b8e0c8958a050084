/**
 * CLIENT PAUSE / UNPAUSE (networking.c pauseActions, server.c processCommand's
 * blockPostponeClient). While a pause lasts, a command it covers is not run and not
 * rejected: the client is postponed with that command and reads nothing more; when the pause
 * ends (timeout, UNPAUSE, or a less restrictive pause) every postponed client re-runs its
 * command from the start, in the order they were postponed, then carries on with its input.
 *
 * - ALL pauses every command; WRITE pauses commands that write or may replicate (PUBLISH,
 *   EVAL...), and EXEC when its transaction holds one.
 * - Both modes stop expiry (keys past their TTL read as missing but are not deleted) and
 *   eviction, so the dataset does not change under the pause.
 */
import type { Client } from '../network/client.js';
import type { Server } from '../server.js';
import type { Command } from '../commands/registry.js';

export type PauseMode = 'write' | 'all';

export class ClientPause {
  /** When the pause ends (ms since the epoch); 0 = not paused. */
  private endMs = 0;
  private mode: PauseMode | null = null;
  /** Postponed clients with the command they wait to run, in postponing order. */
  private readonly postponed = new Map<Client, string[]>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly server: Server) {
    server.clientClosedListeners.push((c) => this.postponed.delete(c));
    // serverCron's updatePausedActions; the timer below usually ends the pause first.
    server.cronJobs.push(() => this.update());
  }

  get paused(): PauseMode | null {
    return this.mode;
  }

  /** Clients waiting for the pause to end (counted in INFO blocked_clients, flag b). */
  get postponedCount(): number {
    return this.postponed.size;
  }

  isPostponed(c: Client): boolean {
    return this.postponed.has(c);
  }

  /**
   * pauseClientsByClient: the end time only moves later; the mode only becomes stricter
   * while the previous pause lasts (ALL then WRITE stays ALL).
   */
  pause(endMs: number, mode: PauseMode): void {
    if (mode === 'write' && this.mode === 'all') mode = 'all';
    this.mode = mode;
    if (endMs > this.endMs) this.endMs = endMs;
    this.update();
  }

  unpause(): void {
    this.endMs = 0;
    this.update();
  }

  /** updatePausedActions: ends an expired pause; a lifted or relaxed pause resumes clients. */
  private update(): void {
    const before = this.mode;
    if (this.mode !== null && this.endMs <= Date.now()) {
      this.mode = null;
      this.endMs = 0;
    }
    const server = this.server;
    server.expiryPaused = this.mode !== null;
    server.postponeCommand = this.mode !== null ? (c, cmd, argv) => this.postpone(c, cmd, argv) : null;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.mode !== null) {
      this.timer = setTimeout(() => this.update(), Math.max(0, this.endMs - Date.now()) + 1);
      this.timer.unref();
    }
    if (rank(this.mode) < rank(before)) this.resumeAll();
  }

  /** processCommand's pause check: true when the command must wait (the client is postponed). */
  private postpone(c: Client, cmd: Command, argv: string[]): boolean {
    if (this.mode === 'write' && !this.mayReplicate(c, cmd)) return false;
    this.postponed.set(c, argv);
    c.inputPaused = true;
    c.lastCommand = cmd.fullName;
    return true;
  }

  /** is_may_replicate_command: a write, a may-replicate command, or EXEC of a transaction holding one. */
  private mayReplicate(c: Client, cmd: Command): boolean {
    if (writesOrReplicates(cmd)) return true;
    return cmd.fullName === 'exec' && this.server.transactions.queued(c).some(writesOrReplicates);
  }

  /** unblockPostponedClients: each client runs its command again (it may be postponed again). */
  private resumeAll(): void {
    const waiting = [...this.postponed];
    this.postponed.clear();
    const server = this.server;
    for (const [c, argv] of waiting) {
      if (c.closed) continue;
      c.inputPaused = false;
      server.refreshClock();
      server.executeClientCommand(c, argv);
      if (!c.inputPaused) c.processInput();
    }
    server.flushPendingWrites();
  }
}

function writesOrReplicates(cmd: Command): boolean {
  return cmd.isWrite || cmd.flagSet.has('MAY_REPLICATE');
}

/** PAUSE_ACTION_CLIENT_WRITE < PAUSE_ACTION_CLIENT_ALL: a lower rank is less restrictive. */
function rank(mode: PauseMode | null): number {
  return mode === 'all' ? 2 : mode === 'write' ? 1 : 0;
}
