/**
 * The append-only file in Redis 7's multi-part layout (aof.c): a directory (`appenddirname`)
 * holding a base file (an RDB, or commands when aof-use-rdb-preamble is no), incremental
 * files of commands, and the manifest naming them.
 *
 * - Every propagated write is appended to a buffer and written to the current incremental
 *   file before replies go out (Redis's beforeSleep): with `appendfsync always` it is also
 *   fsynced first, so an acknowledged write is on disk; `everysec` fsyncs in the background
 *   once a second; `no` leaves it to the OS.
 * - BGREWRITEAOF opens a new incremental file at once (so the manifest is valid at every
 *   moment), then writes a new base from a point-in-time snapshot between client requests
 *   (see background-file.ts); when the base is in place the manifest drops the old files.
 * - At startup the manifest's files are replayed (loader.ts); an AOF from Redis 6
 *   (a single appendonly.aof in `dir`) is moved into the directory as the base, as Redis 7
 *   upgrades it.
 */
import { closeSync, existsSync, fdatasync, fdatasyncSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { Server, CommandGate } from '../../server.js';
import { AOF_REWRITE_FAILED, AOF_REWRITE_IN_PROGRESS, MISCONF_AOF, type ReplyError } from '../../errors.js';
import { BackgroundFileWrite, writeAll, type SnapshotFormat } from '../background-file.js';
import { libraryCodes } from '../../scripting/scripting.js';
import { AofCommandWriter, encodeCommand } from './commands.js';
import { loadAofSteps, readAofFile, AofLoadError } from './loader.js';
import { runSliced, runToEnd } from '../../util/sliced.js';
import { LOAD_SLICE_MS } from '../rdb-persistence.js';
import { Snapshot } from '../snapshot.js';
import { emptyManifest, formatManifest, nextBaseSeq, nextIncrSeq, parseManifest, ManifestError, type AofFileInfo, type AofManifest } from './manifest.js';

interface Rewrite {
  readonly write: BackgroundFileWrite;
  readonly base: AofFileInfo;
  /** Incremental files opened since the rewrite began: they follow the new base. */
  readonly incrSince: number;
}

export class AppendOnlyFile {
  /** 'wait-rewrite': enabled at runtime, the first base is being written (AOF_WAIT_REWRITE). */
  private stateValue: 'off' | 'on' | 'wait-rewrite' = 'off';
  /**
   * Registered as a propagation sink only while the AOF is on, so that with appendonly no
   * (the default) writes don't queue anything for propagation at all (hot path).
   */
  private readonly sink = (db: number, argv: readonly string[]): void => this.feed(db, argv);

  get state(): 'off' | 'on' | 'wait-rewrite' {
    return this.stateValue;
  }

  private set state(next: 'off' | 'on' | 'wait-rewrite') {
    const sinks = this.server.propagationSinks;
    const at = sinks.indexOf(this.sink);
    if (next === 'off' && at >= 0) sinks.splice(at, 1);
    else if (next !== 'off' && at < 0) sinks.push(this.sink);
    this.stateValue = next;
  }
  private manifest: AofManifest = emptyManifest();
  private fd = -1;
  private buffer: string[] = [];
  private bufferBytes = 0;
  private selectedDb = -1;
  private rewrite: Rewrite | null = null;
  rewriteScheduled = false;
  lastRewriteTimeSec = -1;
  rewrites = 0;
  consecutiveFailures = 0;
  lastBgrewriteStatus: 'ok' | 'err' = 'ok';
  lastWriteStatus: 'ok' | 'err' = 'ok';
  lastCowSize = 0;
  /** Sizes for INFO and automatic rewrites: the base, and everything written since. */
  baseSize = 0;
  currentSize = 0;
  private unsyncedBytes = 0;
  /** Bytes in the current incremental file (a torn append is cut back to this). */
  private incrSize = 0;
  private fsyncInFlight = false;
  private lastFsyncMs = Date.now();
  private delayedFsyncs = 0;
  /** appendfsync always, cached: the flush path asks on every event-loop turn. */
  private fsyncAlways = false;
  /** Set while replaying files: replayed commands must not be appended again. */
  private loading = false;

  constructor(private readonly server: Server) {
    server.cronJobs.push((now) => this.cron(now));
    server.shutdownHooks.push(() => this.close());
    this.fsyncAlways = server.config.get('appendfsync') === 'always';
    server.config.onChange('appendfsync', (value) => {
      this.fsyncAlways = value === 'always';
    });
    server.config.onChange('appendonly', (value) => {
      if (value === 'yes' && this.state === 'off') this.start();
      else if (value === 'no' && this.state !== 'off') this.stop();
    });
  }

  private get dir(): string {
    return path.join(this.server.config.get('dir'), this.server.config.get('appenddirname'));
  }

  private get fileName(): string {
    return this.server.config.get('appendfilename');
  }

  get rewriteInProgress(): boolean {
    return this.rewrite !== null;
  }

  get currentRewriteSeconds(): number {
    return this.rewrite === null ? -1 : Math.floor((Date.now() - this.rewrite.write.startedMs) / 1000);
  }

  /** True when replies must wait for an fsync: appendfsync always, with writes buffered. */
  get syncsBeforeReplies(): boolean {
    return this.bufferBytes !== 0 && this.fsyncAlways;
  }

  get bufferLength(): number {
    return this.bufferBytes;
  }

  get delayedFsync(): number {
    return this.delayedFsyncs;
  }

  // ---- Appending ----------------------------------------------------------------------

  /** feedAppendOnlyFile: a propagated write, with a SELECT when the database changes. */
  private feed(db: number, argv: readonly string[]): void {
    if (this.state === 'off' || this.loading) return;
    if (db !== this.selectedDb) {
      this.push(encodeCommand(['SELECT', String(db)]));
      this.selectedDb = db;
    }
    this.push(encodeCommand(argv));
  }

  private push(text: string): void {
    this.buffer.push(text);
    this.bufferBytes += text.length;
  }

  /**
   * flushAppendOnlyFile: called before replies are written. Returns false when the data
   * could not be written and the replies must not go out (appendfsync always).
   */
  flush(): boolean {
    if (this.bufferBytes === 0 || this.fd === -1) return true;
    const text = this.buffer.length === 1 ? this.buffer[0]! : this.buffer.join('');
    const data = Buffer.from(text, 'latin1');
    let written = 0;
    try {
      while (written < data.length) written += writeSync(this.fd, data, written, data.length - written);
    } catch (e) {
      return this.writeFailed(e as Error, text, written);
    }
    this.buffer = [];
    this.bufferBytes = 0;
    this.incrSize += data.length;
    this.currentSize += data.length;
    this.unsyncedBytes += data.length;
    if (this.lastWriteStatus === 'err') {
      this.server.log.warning('AOF write error looks solved, Redis can write again.');
      this.lastWriteStatus = 'ok';
      this.setMisconf(null);
    }
    if (this.fsyncAlways) this.fsyncNow();
    return true;
  }

  /**
   * A failed append (disk full, I/O error), handled as Redis does: a partial write is cut
   * back so the file never ends in half a command; the data stays buffered and is retried
   * by the cron; meanwhile writes are refused with MISCONF. With appendfsync always an
   * acknowledged write must be on disk, so the server stops instead.
   */
  private writeFailed(e: Error, text: string, written: number): boolean {
    const server = this.server;
    if (written > 0) {
      try {
        ftruncateSync(this.fd, this.incrSize);
      } catch {
        // the loader's aof-load-truncated handles a torn tail
      }
    }
    this.buffer = [text];
    if (this.fsyncAlways) {
      server.log.warning(`Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting... (${e.message})`);
      server.exitCode = 1;
      void server.stop();
      return false;
    }
    if (this.lastWriteStatus === 'ok') server.log.warning(`Error writing to the AOF file: ${e.message}`);
    this.lastWriteStatus = 'err';
    this.setMisconf(MISCONF_AOF(e.message));
    return true;
  }

  private misconfGate: CommandGate | null = null;

  /** writeCommandsDeniedByDiskError for the AOF: writes (and PING) refused while appends fail. */
  private setMisconf(refusal: ReplyError | null): void {
    const gates = this.server.gates;
    if (this.misconfGate !== null) gates.splice(gates.indexOf(this.misconfGate), 1);
    this.misconfGate = null;
    if (refusal === null) return;
    this.misconfGate = (_c, cmd) => (cmd.isWrite || cmd.fullName === 'ping' ? refusal : null);
    gates.push(this.misconfGate);
  }

  private fsyncNow(): void {
    if (this.fd === -1 || this.unsyncedBytes === 0) return;
    try {
      fdatasyncSync(this.fd);
    } catch (e) {
      this.server.log.warning(`Can't persist the AOF (fsync): ${(e as Error).message}`);
    }
    this.unsyncedBytes = 0;
    this.lastFsyncMs = Date.now();
  }

  /** everysec: fsync in the background (libuv's thread pool), at most one at a time. */
  private fsyncInBackground(now: number): void {
    if (this.unsyncedBytes === 0 || this.fd === -1) return;
    if (this.fsyncInFlight) {
      this.delayedFsyncs++;
      return;
    }
    this.fsyncInFlight = true;
    this.unsyncedBytes = 0;
    this.lastFsyncMs = now;
    const fd = this.fd;
    fdatasync(fd, () => {
      this.fsyncInFlight = false;
    });
  }

  private cron(now: number): void {
    if (this.state === 'off') {
      if (this.rewriteScheduled && !this.busy()) this.startRewrite();
      return;
    }
    this.flush();
    if (this.server.config.get('appendfsync') === 'everysec' && now - this.lastFsyncMs >= 1000) this.fsyncInBackground(now);
    if (this.busy()) return;
    if (this.rewriteScheduled) {
      this.startRewrite();
      return;
    }
    const percentage = this.server.config.num('auto-aof-rewrite-percentage');
    const minSize = this.server.config.num('auto-aof-rewrite-min-size');
    if (this.state === 'on' && percentage > 0 && this.currentSize > minSize) {
      const base = this.baseSize === 0 ? 1 : this.baseSize;
      const growth = Math.floor(((this.currentSize - base) * 100) / base);
      if (growth >= percentage) {
        this.server.log.notice(`Starting automatic rewriting of AOF on ${growth}% growth`);
        this.startRewrite();
      }
    }
  }

  /** Another background job holds the snapshot machinery (one "child" at a time, as in Redis). */
  private busy(): boolean {
    return this.rewrite !== null || this.server.rdb.inProgress;
  }

  // ---- Files and manifest -----------------------------------------------------------------

  private persistManifest(m: AofManifest): void {
    const temp = path.join(this.dir, `temp-${this.fileName}.manifest`);
    const fd = openSync(temp, 'w');
    try {
      writeAll(fd, Buffer.from(formatManifest(m), 'latin1'));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path.join(this.dir, `${this.fileName}.manifest`));
    fsyncDir(this.dir);
  }

  /** Opens a new incremental file for appending, and lists it in `m` (not yet persisted). */
  private openNewIncr(m: AofManifest): void {
    const seq = nextIncrSeq(m);
    const info: AofFileInfo = { name: `${this.fileName}.${seq}.incr.aof`, seq, type: 'i' };
    const fd = openSync(path.join(this.dir, info.name), 'a');
    this.closeFd();
    this.fd = fd;
    this.incrSize = 0;
    this.selectedDb = -1;
    m.incr.push(info);
  }

  private closeFd(): void {
    if (this.fd === -1) return;
    this.fsyncNow();
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
    this.fd = -1;
  }

  /** aofDelHistoryFiles: deletes replaced files, then drops them from the manifest. */
  private removeHistory(m: AofManifest): void {
    if (m.history.length === 0) return;
    for (const f of m.history) {
      try {
        unlinkSync(path.join(this.dir, f.name));
      } catch {
        // already gone
      }
    }
    m.history = [];
    this.persistManifest(m);
  }

  private baseFormat(): (write: (chunk: Buffer) => void) => SnapshotFormat {
    const server = this.server;
    if (!server.config.bool('aof-use-rdb-preamble')) {
      return (write) => {
        const writer = new AofCommandWriter(write);
        for (const code of libraryCodes(server)) writer.functionLoad(code);
        return { sink: writer, finish: () => writer.finish() };
      };
    }
    return (write) => {
      const writer = server.rdb.newWriter(write, true);
      return { sink: writer, finish: () => writer.finish() };
    };
  }

  private newBaseInfo(m: AofManifest): AofFileInfo {
    const seq = nextBaseSeq(m);
    const ext = this.server.config.bool('aof-use-rdb-preamble') ? 'rdb' : 'aof';
    return { name: `${this.fileName}.${seq}.base.${ext}`, seq, type: 'b' };
  }

  /** Writes a base file synchronously (server start with no AOF yet). */
  private writeBaseSync(base: AofFileInfo): void {
    const temp = path.join(this.dir, `temp-rewriteaof-${process.pid}.aof`);
    const fd = openSync(temp, 'w');
    const snapshot = new Snapshot(this.server.dbs, false);
    try {
      const out = this.baseFormat()((chunk) => writeAll(fd, chunk));
      snapshot.step(out.sink, Infinity, () => 0);
      out.finish();
      fsyncSync(fd);
    } finally {
      snapshot.release();
      closeSync(fd);
    }
    renameSync(temp, path.join(this.dir, base.name));
  }

  // ---- Startup ----------------------------------------------------------------------

  /**
   * Loads the AOF at startup when appendonly is yes (loadAppendOnlyFiles), then opens it for
   * appending (aofOpenIfNeededOnServerStart). Returns false when appendonly is no.
   */
  async loadAtStartup(): Promise<boolean> {
    if (!this.server.config.bool('appendonly')) return false;
    const server = this.server;
    mkdirSync(this.dir, { recursive: true });
    const manifestPath = path.join(this.dir, `${this.fileName}.manifest`);
    let m = emptyManifest();
    if (existsSync(manifestPath)) {
      try {
        m = parseManifest(readFileSync(manifestPath, 'latin1'));
      } catch (e) {
        if (e instanceof ManifestError) throw new AofLoadError(`${e.message}: ${manifestPath}`);
        throw e;
      }
    } else {
      // Redis 6's single file: it becomes the base of the multi-part AOF.
      const legacy = path.join(server.config.get('dir'), this.fileName);
      if (existsSync(legacy)) {
        server.log.notice(`Creating AOF manifest to upgrade ${this.fileName} to the multi part AOF`);
        renameSync(legacy, path.join(this.dir, this.fileName));
        m.base = { name: this.fileName, seq: 1, type: 'b' };
        this.persistManifest(m);
      }
    }
    if (m.base !== null || m.incr.length !== 0) {
      const start = Date.now();
      const files = this.readAll(m);
      server.beginLoading(files.reduce((n, f) => n + f.buf.length, 0));
      try {
        await runSliced(this.replaySteps(m, files), LOAD_SLICE_MS, (bytes) => server.loadingProgress(bytes));
      } finally {
        server.endLoading();
      }
      server.dirty = 0;
      server.log.notice(`DB loaded from append only file: ${((Date.now() - start) / 1000).toFixed(3)} seconds`);
    }
    if (m.base === null && m.incr.length === 0) {
      m.base = this.newBaseInfo(m);
      this.writeBaseSync(m.base);
      server.log.notice(`Creating AOF base file ${m.base.name} on server start`);
    }
    if (m.incr.length === 0) {
      this.openNewIncr(m);
      server.log.notice(`Creating AOF incr file ${m.incr[m.incr.length - 1]!.name} on server start`);
    } else {
      const last = path.join(this.dir, m.incr[m.incr.length - 1]!.name);
      this.fd = openSync(last, 'a');
      this.incrSize = statSync(last).size;
    }
    this.removeHistory(m);
    this.persistManifest(m);
    this.manifest = m;
    this.measureSizes();
    this.state = 'on';
    return true;
  }

  private measureSizes(): void {
    const size = (f: AofFileInfo): number => {
      try {
        return statSync(path.join(this.dir, f.name)).size;
      } catch {
        return 0;
      }
    };
    this.baseSize = this.manifest.base === null ? 0 : size(this.manifest.base);
    this.currentSize = this.baseSize + this.manifest.incr.reduce((n, f) => n + size(f), 0);
  }

  // ---- Enabling and disabling at runtime ----------------------------------------------------

  /** startAppendOnly (CONFIG SET appendonly yes): a rewrite creates the first base. */
  private start(): void {
    mkdirSync(this.dir, { recursive: true });
    const manifestPath = path.join(this.dir, `${this.fileName}.manifest`);
    if (existsSync(manifestPath)) {
      try {
        this.manifest = parseManifest(readFileSync(manifestPath, 'latin1'));
      } catch {
        this.manifest = emptyManifest();
      }
    }
    this.state = 'wait-rewrite';
    if (this.rewrite !== null) this.rewrite.write.abort();
    if (this.server.rdb.inProgress) {
      this.rewriteScheduled = true;
      return;
    }
    this.startRewrite();
  }

  /** stopAppendOnly (CONFIG SET appendonly no). */
  private stop(): void {
    this.flush();
    this.closeFd();
    if (this.rewrite !== null) {
      this.rewrite.write.abort();
      this.rewrite = null;
    }
    this.state = 'off';
  }

  private close(): void {
    if (this.rewrite !== null) {
      this.rewrite.write.abort();
      this.rewrite = null;
    }
    this.flush();
    this.closeFd();
  }

  // ---- Rewriting ------------------------------------------------------------------------

  /**
   * bgrewriteaofCommand: starts a rewrite, or schedules it while a BGSAVE runs or inside EXEC.
   * Throws ReplyError as Redis answers.
   */
  requestRewrite(inExec: boolean): 'started' | 'scheduled' {
    if (this.rewrite !== null) throw AOF_REWRITE_IN_PROGRESS;
    if (this.server.rdb.inProgress || inExec) {
      this.rewriteScheduled = true;
      this.consecutiveFailures = 0;
      return 'scheduled';
    }
    if (!this.startRewrite()) throw AOF_REWRITE_FAILED;
    return 'started';
  }

  /** rewriteAppendOnlyFileBackground. Returns false if it could not start. */
  startRewrite(): boolean {
    if (this.rewrite !== null) return false;
    this.rewriteScheduled = false;
    const server = this.server;
    const m = this.manifest;
    try {
      mkdirSync(this.dir, { recursive: true });
      if (this.state !== 'off') {
        // New writes go to a new incremental file from this instant: the snapshot below
        // and that file together are the dataset from now on.
        this.flush();
        this.openNewIncr(m);
        if (this.state === 'on') this.persistManifest(m);
      }
    } catch (e) {
      server.log.warning(`Can't open a new AOF incr file: ${(e as Error).message}`);
      this.lastBgrewriteStatus = 'err';
      return false;
    }
    const base = this.newBaseInfo(m);
    const incrSince = this.state === 'off' ? m.incr.length : m.incr.length - 1;
    const temp = path.join(this.dir, `temp-rewriteaof-bg-${process.pid}.aof`);
    const write = new BackgroundFileWrite(server, temp, path.join(this.dir, base.name), this.baseFormat());
    const rewrite: Rewrite = { write, base, incrSince };
    this.rewrite = rewrite;
    server.log.notice(`Background append only file rewriting started by pid ${process.pid}`);
    void write.done.then((error) => this.endRewrite(rewrite, error));
    return true;
  }

  private endRewrite(rewrite: Rewrite, error: Error | null): void {
    if (this.rewrite !== rewrite) return;
    this.rewrite = null;
    const server = this.server;
    this.lastRewriteTimeSec = Math.floor((Date.now() - rewrite.write.startedMs) / 1000);
    this.lastCowSize = rewrite.write.snapshot.cowBytes;
    if (error !== null) {
      if (error.message === 'aborted') return;
      server.log.warning(`Background AOF rewrite failed: ${error.message}`);
      this.lastBgrewriteStatus = 'err';
      this.consecutiveFailures++;
      return;
    }
    const m = this.manifest;
    const next: AofManifest = {
      base: rewrite.base,
      incr: m.incr.slice(rewrite.incrSince),
      history: [...m.history, ...(m.base === null ? [] : [{ ...m.base, type: 'h' as const }]), ...m.incr.slice(0, rewrite.incrSince).map((f) => ({ ...f, type: 'h' as const }))],
    };
    try {
      this.persistManifest(next);
    } catch (e) {
      server.log.warning(`Error persisting the AOF manifest after a rewrite: ${(e as Error).message}`);
      this.lastBgrewriteStatus = 'err';
      this.consecutiveFailures++;
      return;
    }
    this.manifest = next;
    this.removeHistory(next);
    this.measureSizes();
    this.lastBgrewriteStatus = 'ok';
    this.consecutiveFailures = 0;
    this.rewrites++;
    if (this.state === 'wait-rewrite') {
      this.state = 'on';
      server.log.notice('Background AOF rewrite finished successfully');
    }
    server.log.notice('Background AOF rewrite terminated with success');
  }

  /** DEBUG LOADAOF: writes out the buffer, empties the dataset and replays the files. */
  reload(): void {
    this.flush();
    this.fsyncNow();
    for (const db of this.server.dbs) db.flush();
    this.replay(this.manifest);
    this.server.dirty = 0;
  }

  /** Replays the manifest's files at once. */
  private replay(m: AofManifest): void {
    runToEnd(this.replaySteps(m, this.readAll(m)));
  }

  private readAll(m: AofManifest): { file: string; buf: Buffer }[] {
    return [...(m.base === null ? [] : [m.base]), ...m.incr].map((f) => {
      const file = path.join(this.dir, f.name);
      if (!existsSync(file)) throw new AofLoadError(`The AOF file ${file} doesn't exist`);
      return { file, buf: readAofFile(file) };
    });
  }

  /** Replays files as steps (yielding bytes done): nothing expires meanwhile, nothing is appended. */
  private *replaySteps(m: AofManifest, files: { file: string; buf: Buffer }[]): Generator<number, void> {
    const server = this.server;
    const paused = server.expiryPaused;
    server.expiryPaused = true;
    this.loading = true;
    let done = 0;
    try {
      for (let i = 0; i < files.length; i++) {
        const { file, buf } = files[i]!;
        const steps = loadAofSteps(server, file, buf, i === files.length - 1);
        for (;;) {
          const r = steps.next();
          if (r.done === true) break;
          yield done + r.value;
        }
        done += buf.length;
      }
    } finally {
      server.expiryPaused = paused;
      this.loading = false;
    }
  }
}

/** fsync a directory so a rename in it is durable (the manifest's, like Redis's fsyncFileDir). */
function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // some filesystems refuse fsync on directories; the rename itself already happened
  }
}

