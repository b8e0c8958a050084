/**
 * A point-in-time image of every database, serialized while the server keeps serving.
 *
 * Redis forks and lets the kernel copy pages on write; Node cannot fork, so nodis does the
 * same thing one level up, per key:
 * - At the start, each database's slot tables are copied (references only: O(keys), no value
 *   is copied) with its TTLs, and its slot layout is pinned so no key moves between slots.
 * - The snapshot then writes keys slot by slot, a slice at a time between client requests.
 * - Copy-on-write: before a write command runs, the dispatcher calls `preserve` for each key
 *   it names. If that key's value is an object (strings are immutable JS strings, so only
 *   aggregates and in-place-mutable strings need this) that the snapshot has not written
 *   yet, a copy is taken right away, as it is before the write; the writer later emits
 *   the copy instead. Renaming or moving a key is a write on it, so a value is always
 *   preserved before it can be reached, and changed, under another name or database.
 * The cost is what Redis pays in copied pages: the bytes of values changed during the save
 * (reported as current_cow_size), plus one reference per key while it runs.
 */
import type { Database, FrozenDatabase } from '../keyspace/db.js';
import type { PortableValue } from './rdb/values.js';
import { toPortable, portableSize } from './portable.js';

/** Where a snapshot's keys go: an RDB file (RdbWriter) or an AOF base of commands. */
export interface SnapshotSink {
  selectDb(id: number, size: number, expires: number): void;
  key(key: string, expireMs: number, value: PortableValue): void;
}

export class Snapshot {
  private readonly frozen: FrozenDatabase[];
  /** Frozen database by the identity of the slot tables it was copied from. */
  private readonly byLayout = new Map<object, number>();
  /** Values preserved before a write, by frozen database and slot. */
  private readonly copies: Map<number, PortableValue>[];
  private dbPos = 0;
  private slot = 0;
  private dbStarted = false;
  readonly keysTotal: number;
  keysWritten = 0;
  private readonly stringHolder: { type: 'string'; value: string } = { type: 'string', value: '' };
  /** Bytes of values preserved by copy-on-write (INFO current_cow_size). */
  cowBytes = 0;

  constructor(private readonly dbs: readonly Database[]) {
    this.frozen = dbs.map((db) => db.freeze());
    this.copies = this.frozen.map(() => new Map());
    this.frozen.forEach((f, i) => this.byLayout.set(f.layout, i));
    this.keysTotal = this.frozen.reduce((n, f) => n + f.size, 0);
    for (const db of dbs) db.layoutPins++;
  }

  /** Keeps `key`'s value as it is now if the snapshot still has to write it (call before a write). */
  preserve(db: Database, key: string): void {
    const index = this.byLayout.get(db.layout);
    if (index === undefined || index < this.dbPos) return;
    const slot = db.slotOf(key);
    if (slot === undefined || (index === this.dbPos && slot < this.slot)) return;
    const frozen = this.frozen[index]!;
    const value = frozen.values[slot];
    // A string value is immutable, and a different object in the slot was stored after
    // the snapshot began: neither needs a copy.
    if (value === null || value === undefined || typeof value === 'string' || value !== db.valueAt(slot)) return;
    const copies = this.copies[index]!;
    if (copies.has(slot)) return;
    const copy = toPortable(value);
    copies.set(slot, copy);
    this.cowBytes += portableSize(copy);
  }

  /** Writes keys until `deadline` (performance.now() ms) passes; returns true when all are written. */
  step(writer: SnapshotSink, deadline: number, now: () => number): boolean {
    let sinceClockCheck = 0;
    while (this.dbPos < this.frozen.length) {
      const f = this.frozen[this.dbPos]!;
      const copies = this.copies[this.dbPos]!;
      const keys = f.keys;
      while (this.slot < keys.length) {
        const slot = this.slot++;
        const key = keys[slot];
        if (key === null || key === undefined) continue;
        if (!this.dbStarted) {
          writer.selectDb(f.id, f.size, f.expires.size);
          this.dbStarted = true;
        }
        const expireMs = f.expires.size === 0 ? -1 : (f.expires.get(key) ?? -1);
        const copy = copies.get(slot);
        if (copy !== undefined) copies.delete(slot);
        const value = f.values[slot]!;
        if (copy === undefined && typeof value === 'string') {
          // Most values: reuse one holder instead of a new object per key.
          this.stringHolder.value = value;
          writer.key(key, expireMs, this.stringHolder);
        } else {
          writer.key(key, expireMs, copy ?? toPortable(value));
        }
        this.keysWritten++;
        if (++sinceClockCheck === 64) {
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

  released = false;

  /** Unpins the databases' layouts, when the save ends or is abandoned (idempotent). */
  release(): void {
    if (this.released) return;
    this.released = true;
    for (const db of this.dbs) db.layoutPins--;
    this.frozen.length = 0;
    this.copies.length = 0;
    this.byLayout.clear();
    this.dbPos = Infinity;
  }
}
