/**
 * A point-in-time image of every database, serialized while the server keeps serving.
 *
 * Redis forks and lets the kernel copy pages on write; Node cannot fork, so nodis does the
 * same thing one level up, per key:
 * - At the start the snapshot takes each database's slot tables and TTL map by reference
 *   (O(1): nothing is copied) and notes how many slots were in use. Keys never move between
 *   slots while it runs (the database's compaction waits).
 * - It writes slots in order, a slice at a time between client requests.
 * - Copy-on-write: before a slot not yet written changes — its key deleted, its value
 *   replaced or its TTL changed (the database tells its watcher), or its value about to be
 *   modified in place by a write command (the dispatcher calls `preserve` with the keys the
 *   command names) — the snapshot keeps the slot's key, value and TTL as they are. Strings
 *   are immutable JS strings and are kept by reference; aggregates and in-place-mutable
 *   strings are copied. A key stored after the start in a slot that was free is skipped.
 * - FLUSHDB and SWAPDB replace a database's tables: the snapshot's references then point to
 *   tables nobody changes any more.
 * The cost is what Redis pays in copied pages: the values changed during the save
 * (reported as current_cow_size).
 */
import { SLOT_STRIDE, type Database, type DatabaseTables, type SlotWatcher } from '../keyspace/db.js';
import type { RedisValue } from '../types/value.js';
import type { PortableValue } from './rdb/values.js';
import { toPortable, portableSize } from './portable.js';

/** Where a snapshot's keys go: an RDB file (RdbWriter) or an AOF base of commands. */
export interface SnapshotSink {
  selectDb(id: number, size: number, expires: number): void;
  key(key: string, expireMs: number, value: PortableValue): void;
}

/** A slot's contents kept before they changed. */
interface KeptSlot {
  readonly key: string;
  readonly value: PortableValue;
  readonly expireMs: number;
}

interface Walk {
  readonly tables: DatabaseTables;
  readonly expiresAtStart: number;
  readonly kept: Map<number, KeptSlot>;
  /** Slots that were free at the start and hold a key added since. */
  readonly added: Set<number>;
}

export class Snapshot implements SlotWatcher {
  private readonly walks: Walk[];
  /** Walk by the identity of the tables it reads. */
  private readonly byLayout = new Map<object, number>();
  private dbPos = 0;
  private slot = 0;
  private dbStarted = false;
  private readonly stringHolder: { type: 'string'; value: string } = { type: 'string', value: '' };
  readonly keysTotal: number;
  keysWritten = 0;
  /** Bytes of values kept by copy-on-write (INFO current_cow_size). */
  cowBytes = 0;
  released = false;

  /** `live`: the server keeps serving while this snapshot is written (watch for changes). */
  constructor(
    private readonly dbs: readonly Database[],
    private readonly live = true,
  ) {
    this.walks = dbs.map((db) => {
      const tables = db.tables();
      return { tables, expiresAtStart: tables.expires.size, kept: new Map(), added: new Set() };
    });
    this.walks.forEach((w, i) => this.byLayout.set(w.tables.layout, i));
    this.keysTotal = this.walks.reduce((n, w) => n + w.tables.size, 0);
    if (live) for (const db of dbs) db.watcher = this;
  }

  /** The walk for `db`'s current tables and whether `slot` is still to be written. */
  private pending(db: Database, slot: number): Walk | null {
    const index = this.byLayout.get(db.layout);
    if (index === undefined || index < this.dbPos || (index === this.dbPos && slot < this.slot)) return null;
    const walk = this.walks[index]!;
    if (slot >= walk.tables.length || walk.added.has(slot) || walk.kept.has(slot)) return null;
    return walk;
  }

  private keep(walk: Walk, db: Database, slot: number, key: string): void {
    const value = db.valueAt(slot);
    if (value === null) return;
    const kept: KeptSlot = { key, value: copyOf(value), expireMs: walk.tables.expires.get(key) ?? -1 };
    walk.kept.set(slot, kept);
    this.cowBytes += typeof value === 'string' ? 0 : portableSize(kept.value);
  }

  /** Before a write command modifies `key`'s value in place: keep it if not yet written. */
  preserve(db: Database, key: string): void {
    const slot = db.slotOf(key);
    if (slot !== undefined) this.changing(db, slot, key);
  }

  changing(db: Database, slot: number, key: string): void {
    const walk = this.pending(db, slot);
    if (walk !== null) this.keep(walk, db, slot, key);
  }

  placed(db: Database, slot: number): void {
    const index = this.byLayout.get(db.layout);
    if (index === undefined) return;
    const walk = this.walks[index]!;
    if (slot < walk.tables.length) walk.added.add(slot);
  }

  /** Writes keys until `deadline` (performance.now() ms) passes; returns true when all are written. */
  step(writer: SnapshotSink, deadline: number, now: () => number): boolean {
    let sinceClockCheck = 0;
    while (this.dbPos < this.walks.length) {
      const walk = this.walks[this.dbPos]!;
      const { tables, kept, added } = walk;
      while (this.slot < tables.length) {
        const slot = this.slot++;
        const k = kept.size === 0 ? undefined : kept.get(slot);
        if (k !== undefined) {
          kept.delete(slot);
          this.startDb(writer, walk);
          writer.key(k.key, k.expireMs, k.value);
        } else {
          if (added.size !== 0 && added.has(slot)) continue;
          const key = tables.slots[slot * SLOT_STRIDE] as string | null;
          if (key === null) continue;
          const value = tables.slots[slot * SLOT_STRIDE + 1] as RedisValue;
          const expireMs = tables.expires.size === 0 ? -1 : (tables.expires.get(key) ?? -1);
          this.startDb(writer, walk);
          if (typeof value === 'string') {
            // Most values: one reused holder instead of a new object per key.
            this.stringHolder.value = value;
            writer.key(key, expireMs, this.stringHolder);
          } else {
            writer.key(key, expireMs, toPortable(value));
          }
        }
        this.keysWritten++;
        if (++sinceClockCheck === 16) {
          sinceClockCheck = 0;
          if (now() >= deadline) return false;
        }
      }
      this.dbPos++;
      this.slot = 0;
      this.dbStarted = false;
    }
    return true;
  }

  private startDb(writer: SnapshotSink, walk: Walk): void {
    if (this.dbStarted) return;
    writer.selectDb(walk.tables.id, walk.tables.size, walk.expiresAtStart);
    this.dbStarted = true;
  }

  /** Stops watching the databases, when the save ends or is abandoned (idempotent). */
  release(): void {
    if (this.released) return;
    this.released = true;
    if (this.live) for (const db of this.dbs) if (db.watcher === this) db.watcher = null;
    this.walks.length = 0;
    this.byLayout.clear();
    this.dbPos = Infinity;
  }
}

/** Strings are kept by reference (immutable); anything else is copied. */
function copyOf(value: RedisValue): PortableValue {
  return typeof value === 'string' ? { type: 'string', value } : toPortable(value);
}
