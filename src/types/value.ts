/**
 * The values a key can hold. A string value is a latin1 JS string (one char per byte:
 * immutable, compact, fast to hash) until a command mutates it in place (APPEND, SETRANGE,
 * SETBIT, BITFIELD), when it becomes a MutableString: a byte buffer with spare room, so
 * repeated appends are amortised O(1) like Redis's sds. Aggregate types are classes with a
 * `kind` tag; later data types add theirs to the RedisValue union.
 */
export type ValueKind = 'string' | 'list' | 'hash' | 'set' | 'zset' | 'stream';

/** Base for every non-string value, so TYPE and the generic commands can switch on `kind`. */
export interface AggregateValue {
  readonly kind: Exclude<ValueKind, 'string'>;
  /** OBJECT ENCODING's answer, computed from contents and configuration. */
  encoding(): string;
  /** Deep copy, for COPY. */
  clone(): AggregateValue;
  /** Approximate bytes used, for MEMORY USAGE. */
  memoryUsage(): number;
}

export class MutableString {
  readonly kind = 'string' as const;
  constructor(
    public buf: Buffer,
    public length: number,
  ) {}

  static from(s: string, extra = 0): MutableString {
    const buf = Buffer.allocUnsafe(Math.max(s.length + extra, 16));
    buf.latin1Write(s, 0, s.length);
    return new MutableString(buf, s.length);
  }

  /** Grows the buffer to hold at least `size` bytes, doubling like sdsMakeRoomFor; new bytes are zero. */
  reserve(size: number): void {
    if (size <= this.buf.length) {
      return;
    }
    // sdsMakeRoomFor doubles below 1 MB and adds 1 MB above.
    const grown = size < 1024 * 1024 ? size * 2 : size + 1024 * 1024;
    const next = Buffer.alloc(grown);
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }

  /** Sets the logical length, zero-filling any bytes exposed by growth. */
  resize(size: number): void {
    if (size > this.length) {
      this.reserve(size);
      this.buf.fill(0, this.length, size);
    }
    this.length = size;
  }

  toString(): string {
    return this.buf.latin1Slice(0, this.length);
  }
}

export type StringValue = string | MutableString;
export type RedisValue = StringValue | AggregateValue;

export function valueKind(v: RedisValue): ValueKind {
  return typeof v === 'string' ? 'string' : v.kind;
}

export function isString(v: RedisValue): v is StringValue {
  return typeof v === 'string' || v instanceof MutableString;
}

/** The bytes of a string value as a latin1 string. */
export function stringOf(v: StringValue): string {
  return typeof v === 'string' ? v : v.toString();
}

