/**
 * A pipelined run of EVALSHAs of one script, in one eval of the server-thread engine.
 *
 * Compiling the script is most of a short EVALSHA's cost on the server-thread engine (its Lua
 * state cannot keep a compiled chunk between evals: main-lua.ts), so when a client's input
 * holds several EVALSHAs of the same script back to back (a job queue's pipeline,
 * redis-benchmark -P 16), the first one compiles the script once, wrapped so that it runs
 * again for each following EVALSHA (fast-path.ts batchWrapper). Nothing else runs in between,
 * as when Redis runs those commands one after the other, and each run is what it would be
 * alone: its own KEYS/ARGV, budget, command time, reply, statistics; its reply goes out before
 * the next run starts, so anything the run sends to this client (keyspace notifications in
 * RESP3) keeps its place.
 *
 * A run whose result is not a plain value, or that fails, ends the batch with the engine's own
 * conversion or error text. The next EVALSHA is taken from the input only at a boundary, after
 * the gates (OOM...) said yes for it then; a command that doesn't continue the batch is given
 * back to the client's input loop. Batches are not formed where running commands together could
 * show: MONITOR, propagation to an AOF, clients blocked on keys, a caller with CLIENT TRACKING
 * (keys are remembered per command), CLIENT REPLY OFF/SKIP, EXEC.
 */
import type { Client } from '../network/client.js';
import type { Command } from './registry.js';
import type { CachedScript } from '../scripting/scripting.js';
import type { BatchHost } from '../scripting/engine.js';
import { ProtocolError } from '../network/resp-parser.js';
import { writeEncodedResult } from '../scripting/wire-codec.js';
import { accountRunCommand } from './dispatch.js';
import { parseInt64 } from '../util/numbers.js';
import { monitoring } from './monitor.js';

/** At most this many runs, and no new run after this long: a batch stays a short burst. */
const MAX_RUNS = 64;
const MAX_BATCH_MS = 2;

export class EvalBatch implements BatchHost {
  /** The run in progress: 0 is the EVALSHA being dispatched, the others were taken from the input. */
  index = 0;
  current: string[];
  /** The batch ended at a boundary: every run taken was answered. */
  stopped = false;
  private readonly started = performance.now();

  private constructor(
    private readonly c: Client,
    private readonly cmd: Command,
    private readonly sha: string,
    private readonly script: CachedScript,
    first: string[],
    /** The second EVALSHA, taken before the eval to know a batch is worth it. */
    private prefetched: string[] | null,
  ) {
    this.current = first;
  }

  /**
   * A batch for the EVALSHA `argv` (sha already resolved) when the next command in the input
   * continues it; otherwise null, and the input is as it was.
   */
  static start(c: Client, cmd: Command, sha: string, script: CachedScript, argv: string[]): EvalBatch | null {
    const server = c.server;
    if (
      server.callDepth !== 1 ||
      server.execDepth !== 0 ||
      monitoring(server) ||
      server.propagationSinks.length !== 0 ||
      server.blocking.count !== 0 ||
      c.tracking !== null ||
      c.replyMode !== 'on' ||
      c.w.muted
    ) {
      return null;
    }
    const next = c.takeNextCommand();
    if (next === null) return null;
    const batch = new EvalBatch(c, cmd, sha, script, argv, null);
    if (!batch.continues(next)) {
      c.pushBack(next);
      return null;
    }
    batch.prefetched = next;
    return batch;
  }

  /** An EVALSHA of the same script with a valid numkeys. */
  private continues(argv: string[] | ProtocolError): argv is string[] {
    if (argv instanceof ProtocolError || argv.length < 3) return false;
    if (this.c.server.commands.lookup(argv[0]!) !== this.cmd) return false;
    const sha = argv[1]!;
    if (sha !== this.sha && sha.toLowerCase() !== this.sha) return false;
    const n = parseInt64(argv[2]!);
    return n !== null && n >= 0 && n <= argv.length - 3;
  }

  next(encoded: readonly string[], slow: boolean): { keys: readonly string[]; args: readonly string[] } | null {
    const c = this.c;
    writeEncodedResult(encoded, 1, c.w);
    this.accountCurrent();
    if (slow) {
      // As after a single slow run: the script goes back to the worker.
      delete this.script.place;
      return this.stop();
    }
    let argv = this.prefetched;
    this.prefetched = null;
    if (argv === null) {
      if (this.index + 1 >= MAX_RUNS || performance.now() - this.started > MAX_BATCH_MS) return this.stop();
      const taken = c.takeNextCommand();
      if (taken === null) return this.stop();
      if (!this.continues(taken)) {
        c.pushBack(taken);
        return this.stop();
      }
      argv = taken;
    }
    // The dispatcher's gates, for this run now that the previous ones ran (OOM...); a refused
    // EVALSHA goes back to the input loop, which refuses it with the right error.
    if (c.server.commandGate(c, this.cmd, argv) !== null) {
      c.pushBack(argv);
      return this.stop();
    }
    this.index++;
    this.current = argv;
    const numkeys = Number(argv[2]);
    return { keys: argv.slice(3, 3 + numkeys), args: argv.slice(3 + numkeys) };
  }

  private stop(): null {
    this.stopped = true;
    return null;
  }

  /**
   * The eval ended inside the current run (an error, a result that isn't plain, a move to the
   * worker): the EVALSHA taken ahead of the eval, if still unrun, goes back to the input.
   */
  release(): void {
    if (this.prefetched !== null) this.c.pushBack(this.prefetched);
    this.prefetched = null;
  }

  /** The current run must start again elsewhere (it moved to the worker): back to the input. */
  giveBackCurrent(): void {
    this.c.pushBack(this.current);
  }

  /** call()'s bookkeeping for the current run, if it was taken from the input. */
  accountCurrent(): void {
    if (this.index > 0) accountRunCommand(this.c.server, this.c, this.cmd, this.current);
  }
}
