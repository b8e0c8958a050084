/**
 * The hash type (no protocol): a Map of field -> value in insertion order. OBJECT ENCODING
 * reports Redis's choice: `listpack` while the hash has at most hash-max-listpack-entries
 * fields and every field and value is at most hash-max-listpack-value bytes, `hashtable`
 * after that (one-way, as hashTypeTryConversion/hashTypeConvert).
 */
import type { AggregateValue } from './value.js';

export interface HashLimits {
  maxEntries: number;
  maxValue: number;
}

export class HashValue implements AggregateValue {
  readonly kind = 'hash' as const;
  readonly fields = new Map<string, string>();
  private hashtable = false;

  encoding(): string {
    return this.hashtable ? 'hashtable' : 'listpack';
  }

  get size(): number {
    return this.fields.size;
  }

  /** hashTypeTryConversion: long strings about to be stored force the hashtable encoding. */
  beforeInsert(limits: HashLimits, strings: readonly string[]): void {
    if (this.hashtable) return;
    for (const s of strings) {
      if (s.length > limits.maxValue) {
        this.hashtable = true;
        return;
      }
    }
  }

  /** Switches to the hashtable encoding (a loaded hash too big for a listpack). */
  convertToHashtable(): void {
    this.hashtable = true;
  }

  /** Sets a field; returns true when it was new. */
  set(limits: HashLimits, field: string, value: string): boolean {
    const isNew = !this.fields.has(field);
    this.fields.set(field, value);
    if (!this.hashtable && this.fields.size > limits.maxEntries) this.hashtable = true;
    return isNew;
  }

  clone(): HashValue {
    const copy = new HashValue();
    for (const [f, v] of this.fields) copy.fields.set(f, v);
    copy.hashtable = this.hashtable;
    return copy;
  }

  memoryUsage(): number {
    let bytes = 64;
    for (const [f, v] of this.fields) bytes += 48 + f.length + v.length;
    return bytes;
  }
}
