/**
 * The part BGSAVE and BGREWRITEAOF share (Redis: a forked child writing a file): a snapshot
 * of the dataset is written to a temporary file a slice at a time between client requests,
 * then fsynced, closed and renamed into place. While keys remain to be written, the
 * dispatcher's beforeWrite hook preserves the values a write command is about to change
 * (see snapshot.ts), so the file is the dataset as it was at the start.
 */
import { openSync, writeSync, closeSync, fsync, close, rename, unlink } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { Server } from '../server.js';
import type { Client } from '../network/client.js';
import type { Command } from '../commands/registry.js';
import { extractKeys } from '../commands/keys.js';
import { Snapshot, type SnapshotSink } from './snapshot.js';

/** How long one slice may run before clients are served again. */
const SLICE_MS = 0.5;

/** A file format fed by a snapshot: keys go to `sink`, `finish` writes the trailer. */
export interface SnapshotFormat {
  readonly sink: SnapshotSink;
  finish(): void;
}

export class BackgroundFileWrite {
  readonly snapshot: Snapshot;
  readonly startedMs = Date.now();
  /** Resolves with null when the file is in place, or with what went wrong. */
  readonly done: Promise<Error | null>;
  private fd = -1;
  private aborted = false;
  private finished = false;
  private settle!: (error: Error | null) => void;

  constructor(
    private readonly server: Server,
    private readonly tempPath: string,
    target: string,
    format: (write: (chunk: Buffer) => void) => SnapshotFormat,
  ) {
    this.done = new Promise((resolve) => (this.settle = resolve));
    this.snapshot = new Snapshot(server.dbs);
    let openError: Error | null = null;
    try {
      this.fd = openSync(tempPath, 'w');
    } catch (e) {
      // Like a forked child failing to open its file: the save starts, then fails.
      openError = e as Error;
    }
    const out = format((chunk) => writeAll(this.fd, chunk));
    const snapshot = this.snapshot;
    server.beforeWrite = (c, cmd, argv) => preserveKeys(snapshot, c, cmd, argv);
    const slice = (): void => {
      if (this.aborted) return;
      if (openError !== null) return this.end(openError);
      let complete: boolean;
      try {
        complete = snapshot.step(out.sink, performance.now() + SLICE_MS, () => performance.now());
        if (complete) out.finish();
      } catch (e) {
        return this.end(e as Error);
      }
      if (!complete) {
        setImmediate(slice);
        return;
      }
      // Every key is written: no more copies are needed while the file is made durable.
      this.releaseSnapshot();
      fsync(this.fd, (fsyncError) => {
        if (fsyncError !== null) return this.end(fsyncError);
        const fd = this.fd;
        this.fd = -1;
        close(fd, (closeError) => {
          if (closeError !== null) return this.end(closeError);
          if (this.aborted) return;
          rename(tempPath, target, (renameError) => this.end(renameError));
        });
      });
    };
    setImmediate(slice);
  }

  /** Stops writing and removes the temp file; `done` resolves with an "aborted" error. */
  abort(): void {
    if (this.finished) return;
    this.aborted = true;
    this.end(new Error('aborted'));
  }

  private releaseSnapshot(): void {
    if (this.snapshot.released) return;
    this.server.beforeWrite = null;
    this.snapshot.release();
  }

  private end(error: Error | null): void {
    if (this.finished) return;
    this.finished = true;
    this.releaseSnapshot();
    if (this.fd !== -1) {
      try {
        closeSync(this.fd);
      } catch {
        // already closed
      }
      this.fd = -1;
    }
    if (error !== null) unlink(this.tempPath, () => undefined);
    this.settle(error);
  }
}

const incompleteKeySpecs = new WeakMap<Command, boolean>();

/** True when the command's key specs can't find every key (an unknown begin_search, or none). */
function hasIncompleteKeySpecs(cmd: Command): boolean {
  let known = incompleteKeySpecs.get(cmd);
  if (known === undefined) {
    const specs = cmd.spec.keySpecs;
    known = specs.length === 0 || specs.some((ks) => (ks.begin_search.index === undefined && ks.begin_search.keyword === undefined) || (ks.flags ?? []).includes('INCOMPLETE'));
    incompleteKeySpecs.set(cmd, known);
  }
  return known;
}

/** The copy-on-write hook: keeps the values a write command is about to change. */
function preserveKeys(snapshot: Snapshot, c: Client, cmd: Command, argv: string[]): void {
  const db = c.db;
  // A command whose key specs are incomplete (SORT ... STORE) may name a key anywhere.
  if (hasIncompleteKeySpecs(cmd)) {
    for (let i = 1; i < argv.length; i++) snapshot.preserve(db, argv[i]!);
    return;
  }
  for (const ref of extractKeys(cmd.spec, argv)) snapshot.preserve(db, argv[ref.index]!);
}

export function writeAll(fd: number, chunk: Buffer): void {
  let off = 0;
  while (off < chunk.length) off += writeSync(fd, chunk, off, chunk.length - off);
}
