/**
 * A string → string map that can also pick a uniformly random entry in O(1) (HRANDFIELD on a
 * hashtable-encoded hash), which a JavaScript Map cannot. Entries live in two slot arrays in
 * insertion order; the Map holds field → slot. A deletion leaves a hole; holes are compacted
 * away (keeping the order) once they are half the slots, so a random pick needs ~2 tries
 * and iteration stays in insertion order, as it was with a plain Map.
 */
import { drawSlots, PickAhead } from './random-slots.js';

export class SlotMap {
  private index = new Map<string, number>();
  private fields: (string | null)[] = [];
  private vals: (string | null)[] = [];
  private holes = 0;
  /** Bumped by each compaction (entries move): part of every HSCAN cursor. */
  private epoch = 0;
  /** Single picks drawn ahead (big maps only; see PickAhead). */
  ahead: PickAhead | null = null;

  get size(): number {
    return this.index.size;
  }

  get(field: string): string | undefined {
    const slot = this.index.get(field);
    return slot === undefined ? undefined : this.vals[slot]!;
  }

  has(field: string): boolean {
    return this.index.has(field);
  }

  /** Sets a field; returns true when it was new. */
  set(field: string, value: string): boolean {
    const slot = this.index.get(field);
    if (slot !== undefined) {
      this.vals[slot] = value;
      return false;
    }
    this.index.set(field, this.fields.length);
    this.fields.push(field);
    this.vals.push(value);
    return true;
  }

  delete(field: string): boolean {
    const slot = this.index.get(field);
    if (slot === undefined) return false;
    this.index.delete(field);
    this.fields[slot] = null;
    this.vals[slot] = null;
    this.holes++;
    if (this.holes > 32 && this.holes * 2 > this.fields.length) this.compact();
    return true;
  }

  /** In insertion order, like Map.prototype.forEach (value first). */
  forEach(fn: (value: string, field: string) => void): void {
    const fields = this.fields;
    const vals = this.vals;
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i];
      if (f !== null && f !== undefined) fn(vals[i]!, f);
    }
  }

  /** A uniformly random entry; the map must not be empty. */
  random(random: () => number): [string, string] {
    const i = this.randomSlot(random);
    return [this.fields[i]!, this.vals[i]!];
  }

  /**
   * The slot of a uniformly random entry; the map must not be empty. A caller that needs
   * only the field (HRANDFIELD) then skips the value's cache miss, and distinct picks can
   * be told apart by slot number without hashing the fields.
   */
  randomSlot(random: () => number): number {
    return PickAhead.pick(this, this.fields, random);
  }

  /** `count` random entry slots (distinct when `distinct`): see drawSlots. */
  randomSlots(count: number, distinct: boolean, random: () => number): number[] {
    const fields = this.fields;
    return drawSlots(count, fields.length, (i) => fields[i] !== null, distinct, random);
  }

  fieldAt(slot: number): string {
    return this.fields[slot]!;
  }

  valueAt(slot: number): string {
    return this.vals[slot]!;
  }

  /**
   * One HSCAN step from `cursor` (0 = start): visits up to `count` entries, returns the next
   * cursor (0 when done). Entries never move except in a compaction, which bumps the epoch
   * in the cursor: an older cursor restarts the walk (duplicates are allowed, misses are not).
   */
  scan(cursor: number, count: number, visit: (field: string, value: string) => void): number {
    return scanSlots(this.fields, this.epoch, cursor, count, (i) => visit(this.fields[i]!, this.vals[i]!));
  }

  clone(): SlotMap {
    const copy = new SlotMap();
    this.forEach((v, f) => copy.set(f, v));
    return copy;
  }

  private compact(): void {
    const fields: string[] = [];
    const vals: string[] = [];
    this.forEach((v, f) => {
      this.index.set(f, fields.length);
      fields.push(f);
      vals.push(v);
    });
    this.fields = fields;
    this.vals = vals;
    this.holes = 0;
    this.epoch++;
  }
}

/** Cursor = epoch × 2^32 + slot position, as the keyspace's SCAN cursors. */
const EPOCH_UNIT = 2 ** 32;

/**
 * A SCAN step over a slot array with holes: visits up to `count` filled slots from the
 * cursor's position (looking at no more than 10× `count` slots, as Redis bounds empty
 * buckets), returns the cursor to continue from, 0 when done.
 */
export function scanSlots(slots: readonly (string | null)[], epoch: number, cursor: number, count: number, visit: (slot: number) => void): number {
  let pos = 0;
  if (cursor > 0 && Math.floor(cursor / EPOCH_UNIT) === epoch) pos = cursor % EPOCH_UNIT;
  let found = 0;
  const maxLooked = Math.max(count, 1) * 10;
  for (let looked = 0; pos < slots.length && found < count && looked < maxLooked; pos++, looked++) {
    if (slots[pos] !== null && slots[pos] !== undefined) {
      visit(pos);
      found++;
    }
  }
  return pos >= slots.length ? 0 : epoch * EPOCH_UNIT + pos;
}
