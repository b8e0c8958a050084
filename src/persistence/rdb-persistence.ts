/**
 * RDB persistence for a running server (rdb.c's rdbSave/rdbSaveBackground/rdbLoad and the
 * save-point logic of serverCron): SAVE, BGSAVE (point-in-time snapshots written between
 * client requests, see snapshot.ts), save points, loading at startup, and the status INFO
 * reports. Every file is written to a temporary name, fsynced and renamed, so a crash never
 * leaves a half-written dump in place of a good one.
 */
import { openSync, fsyncSync, closeSync, renameSync, unlinkSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Server } from '../server.js';
import type { Client } from '../network/client.js';
import { BackgroundFileWrite, writeAll } from './background-file.js';
import type { Command } from '../commands/registry.js';
import { REDIS_COMPAT_VERSION } from '../version.js';
import { MISCONF_RDB, type ReplyError } from '../errors.js';
import { Snapshot } from './snapshot.js';
import { RdbWriter, readRdbSteps } from './rdb/file.js';
import { runSliced, runToEnd } from '../util/sliced.js';
import { libraryCodes, scripting } from '../scripting/scripting.js';
import { RdbFormatError } from './rdb/input.js';
import { fromPortable, typeLimits } from './portable.js';

/** How long loading runs before clients are answered (with -LOADING) again. */
export const LOAD_SLICE_MS = 20;
/** serverCron's CONFIG_BGSAVE_RETRY_DELAY: seconds before retrying a failed background save. */
const BGSAVE_RETRY_DELAY_S = 5;

/** A loading failure: names the file and what is wrong, and stops the server from starting. */
export class RdbLoadError extends Error {}

interface BackgroundSave {
  readonly write: BackgroundFileWrite;
  readonly dirtyAtStart: number;
  aborted: boolean;
}

export class RdbPersistence {
  private bg: BackgroundSave | null = null;
  lastBgsaveStatus: 'ok' | 'err' = 'ok';
  lastBgsaveTimeSec = -1;
  private lastBgsaveTryMs = 0;
  /** BGSAVE SCHEDULE (or a BGSAVE inside EXEC) waiting for the running save to finish. */
  scheduled = false;
  saves = 0;
  lastCowSize = 0;
  lastLoadKeysLoaded = 0;
  lastLoadKeysExpired = 0;
  private misconfGateInstalled = false;
  private readonly misconfGate = (_c: Client, cmd: Command): ReplyError | null => {
    if (!this.writesDenied()) return null;
    return cmd.isWrite || cmd.fullName === 'ping' ? MISCONF_RDB : null;
  };

  constructor(private readonly server: Server) {
    server.cronJobs.push((now) => this.cron(now));
    server.shutdownHooks.push(() => this.abortBackground());
  }

  get inProgress(): boolean {
    return this.bg !== null;
  }

  get currentSnapshot(): Snapshot | null {
    return this.bg?.write.snapshot ?? null;
  }

  /** Seconds the running background save has taken so far, or -1. */
  get currentSeconds(): number {
    return this.bg === null ? -1 : Math.floor((Date.now() - this.bg.write.startedMs) / 1000);
  }

  get filePath(): string {
    return path.join(this.server.config.get('dir'), this.server.config.get('dbfilename'));
  }

  private get savePointsSet(): boolean {
    return this.server.config.get('save') !== '';
  }

  /** writeCommandsDeniedByDiskError for RDB. */
  writesDenied(): boolean {
    return this.lastBgsaveStatus === 'err' && this.savePointsSet && this.server.config.bool('stop-writes-on-bgsave-error');
  }

  /**
   * An RDB writer with Redis's aux fields and the function libraries as they are now (the
   * start of the save), ready for the databases. `aofBase`: an AOF base's RDB preamble.
   */
  newWriter(sink: (chunk: Buffer) => void, aofBase = false): RdbWriter {
    const config = this.server.config;
    const aux: [string, string][] = [
      ['redis-ver', REDIS_COMPAT_VERSION],
      ['redis-bits', '64'],
      ['ctime', String(Math.floor(Date.now() / 1000))],
      ['used-mem', String(process.memoryUsage().heapUsed)],
      ['aof-base', aofBase ? '1' : '0'],
    ];
    const writer = new RdbWriter({ compress: config.bool('rdbcompression'), checksum: config.bool('rdbchecksum'), aux }, sink);
    for (const code of libraryCodes(this.server)) writer.functionLibrary(code);
    return writer;
  }

  /** rdbSave: writes the whole dataset now, blocking. Returns false (and logs why) on failure. */
  saveSync(): boolean {
    const server = this.server;
    const target = this.filePath;
    const temp = path.join(path.dirname(target), `temp-${process.pid}.rdb`);
    let fd = -1;
    const snapshot = new Snapshot(server.dbs, false);
    try {
      fd = openSync(temp, 'w');
      const out = fd;
      const writer = this.newWriter((chunk) => writeAll(out, chunk));
      snapshot.step(writer, Infinity, () => 0);
      writer.finish();
      fsyncSync(fd);
      closeSync(fd);
      fd = -1;
      renameSync(temp, target);
    } catch (e) {
      server.log.warning(`Failed saving the DB: ${(e as Error).message}`);
      if (fd !== -1) closeSync(fd);
      removeQuietly(temp);
      return false;
    } finally {
      snapshot.release();
    }
    server.log.notice('DB saved on disk');
    server.dirty = 0;
    server.lastSaveMs = Date.now();
    this.lastBgsaveStatus = 'ok';
    this.updateMisconfGate();
    this.saves++;
    return true;
  }

  /**
   * rdbSaveBackground: starts a point-in-time save that proceeds between client requests.
   * Returns false when one is already running; failures are reported when the save ends.
   */
  startBackground(): boolean {
    if (this.bg !== null) return false;
    const server = this.server;
    this.lastBgsaveTryMs = Date.now();
    const target = this.filePath;
    const tempName = `temp-${process.pid}.rdb`;
    const write = new BackgroundFileWrite(server, path.join(path.dirname(target), tempName), target, (out) => {
      const writer = this.newWriter(out);
      return { sink: writer, finish: () => writer.finish() };
    });
    const bg: BackgroundSave = {
      write,
      dirtyAtStart: server.dirty,
      aborted: false,
    };
    void write.done.then((error) => {
      if (error !== null && !bg.aborted) {
        server.log.warning(`Failed saving ${tempName} (in server root dir ${path.dirname(target)}): ${error.message}`);
      }
      this.endBackground(bg, error === null);
    });
    this.bg = bg;
    server.log.notice(`Background saving started by pid ${process.pid}`);
    return true;
  }

  private endBackground(bg: BackgroundSave, ok: boolean): void {
    if (this.bg !== bg) return;
    const server = this.server;
    this.bg = null;
    this.lastBgsaveTimeSec = Math.floor((Date.now() - bg.write.startedMs) / 1000);
    this.lastCowSize = bg.write.snapshot.cowBytes;
    if (ok) {
      server.log.notice('Background saving terminated with success');
      server.dirty -= bg.dirtyAtStart;
      server.lastSaveMs = Date.now();
      this.lastBgsaveStatus = 'ok';
      this.saves++;
    } else if (!bg.aborted) {
      server.log.warning('Background saving error');
      this.lastBgsaveStatus = 'err';
    }
    this.updateMisconfGate();
  }

  /** Stops a running background save, removing its temp file (SHUTDOWN, FLUSHALL, DEBUG RELOAD). */
  abortBackground(): void {
    const bg = this.bg;
    if (bg === null) return;
    bg.aborted = true;
    this.server.log.notice('Background saving aborted');
    bg.write.abort();
    this.endBackground(bg, false);
  }

  /** flushAllDataAndResetRDB: a running save is abandoned; with save points, the empty dataset is saved. */
  afterFlushAll(): void {
    this.abortBackground();
    if (!this.savePointsSet) return;
    this.saveSync();
    this.server.dirty++;
  }

  /**
   * finishShutdown's save: a running background save is abandoned, then the dataset is
   * saved when `save` is forced or save points are configured (unless `nosave`). Returns
   * false when the save failed and `force` doesn't allow exiting anyway.
   */
  shutdownSave(flags: { save: boolean; nosave: boolean; force: boolean }): boolean {
    const log = this.server.log;
    if (this.bg !== null) {
      log.warning('There is a child saving an .rdb. Killing it!');
      this.abortBackground();
    }
    if (flags.nosave || (!flags.save && !this.savePointsSet)) return true;
    log.notice('Saving the final RDB snapshot before exiting.');
    if (this.saveSync()) return true;
    if (flags.force) {
      log.warning('Error trying to save the DB. Exit anyway.');
      return true;
    }
    log.warning("Error trying to save the DB, can't exit.");
    return false;
  }

  /** serverCron: save points, and a scheduled BGSAVE once nothing else runs. */
  private cron(now: number): void {
    if (this.bg !== null || this.server.aof.rewriteInProgress) return;
    if (this.scheduled) {
      this.scheduled = false;
      this.startBackground();
      return;
    }
    const save = this.server.config.get('save');
    if (save === '') return;
    const words = save.split(' ').map(Number);
    const sinceSave = (now - this.server.lastSaveMs) / 1000;
    const mayRetry = this.lastBgsaveStatus === 'ok' || now - this.lastBgsaveTryMs > BGSAVE_RETRY_DELAY_S * 1000;
    for (let i = 0; i + 1 < words.length; i += 2) {
      const seconds = words[i]!;
      const changes = words[i + 1]!;
      if (this.server.dirty >= changes && sinceSave > seconds && mayRetry) {
        this.server.log.notice(`${changes} changes in ${seconds} seconds. Saving...`);
        this.startBackground();
        return;
      }
    }
  }

  private updateMisconfGate(): void {
    const denied = this.lastBgsaveStatus === 'err';
    if (denied && !this.misconfGateInstalled) {
      this.server.gates.push(this.misconfGate);
      this.misconfGateInstalled = true;
    } else if (!denied && this.misconfGateInstalled) {
      const gates = this.server.gates;
      gates.splice(gates.indexOf(this.misconfGate), 1);
      this.misconfGateInstalled = false;
    }
  }

  // ---- Loading ----------------------------------------------------------------------

  /**
   * Loads dbfilename at startup if it exists (rdbLoad), in slices: the server is already
   * listening and answers -LOADING meanwhile. Rejects with RdbLoadError naming the file.
   */
  async loadAtStartup(): Promise<void> {
    const file = this.filePath;
    if (!existsSync(file)) return;
    const start = performance.now();
    const buf = this.readFile(file);
    const server = this.server;
    server.beginLoading(buf.length);
    try {
      await runSliced(this.loadBufferSteps(buf, file), LOAD_SLICE_MS, (pos) => server.loadingProgress(pos));
    } finally {
      server.endLoading();
    }
    server.log.notice(`DB loaded from disk: ${((performance.now() - start) / 1000).toFixed(3)} seconds`);
  }

  private readFile(file: string): Buffer {
    try {
      return readFileSync(file);
    } catch (e) {
      throw new RdbLoadError(`Can't read RDB file ${file}: ${(e as Error).message}`);
    }
  }

  /** Reads and loads an RDB file into the (empty) databases, at once (DEBUG RELOAD). */
  loadFile(file: string): void {
    this.loadBuffer(this.readFile(file), file);
  }

  loadBuffer(buf: Buffer, source: string): number {
    return runToEnd(this.loadBufferSteps(buf, source));
  }

  /**
   * Loads an RDB image (a dump.rdb, or an AOF base's preamble) key by key; keys already
   * expired are skipped, as a master does. Returns the bytes the RDB took.
   */
  *loadBufferSteps(buf: Buffer, source: string): Generator<number, number> {
    const server = this.server;
    const limits = typeLimits(server.config);
    const now = Date.now();
    let loaded = 0;
    let expired = 0;
    let length: number;
    const mergeInto = server.dbs.map((db) => db.size !== 0);
    try {
      const loadLibrary = (code: string): void => {
        try {
          // A library already there is replaced (DEBUG RELOAD keeps functions, as Redis does).
          scripting(server).libraries.load(code, true);
        } catch (e) {
          throw new RdbLoadError(`Bad RDB file ${source}: a function library failed to load: ${(e as Error).message}`);
        }
      };
      ({ length } = yield* readRdbSteps(buf, (dbId, k) => {
        const db = server.dbs[dbId];
        if (db === undefined) {
          throw new RdbLoadError(`Bad RDB file ${source}: it has keys in DB ${dbId}, but the server has ${server.dbs.length} databases (see 'databases')`);
        }
        if (k.expireMs !== -1 && k.expireMs < now) {
          expired++;
          return;
        }
        const value = fromPortable(k.value, limits);
        // Into a database that was empty, a key can only be new, unless the file repeats it.
        if (!mergeInto[dbId]) {
          if (!db.addLoaded(k.key, value)) throw new RdbLoadError(`Bad RDB file ${source}: duplicate key '${k.key.slice(0, 128)}' in DB ${dbId}`);
        } else {
          db.set(k.key, value);
        }
        if (k.expireMs !== -1) db.setExpire(k.key, k.expireMs);
        loaded++;
      }, true, loadLibrary));
    } catch (e) {
      if (e instanceof RdbFormatError) throw new RdbLoadError(`Bad RDB file ${source}: ${e.message}`);
      throw e;
    }
    this.lastLoadKeysLoaded = loaded;
    this.lastLoadKeysExpired = expired;
    if (expired !== 0) server.log.notice(`Done loading RDB, keys loaded: ${loaded}, keys expired: ${expired}.`);
    return length;
  }
}

function removeQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // never created
  }
}
