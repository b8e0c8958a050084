/**
 * Incremental request parser: RESP multibulk and inline commands, mirroring
 * processMultibulkBuffer / processInlineBuffer in Redis's networking.c, including their
 * protocol error texts and limits. Arguments come out as latin1 strings (one char per
 * byte), so every byte 0-255 survives and V8 stores them compactly.
 *
 * The parser keeps its position between calls, so a command split across any number of
 * reads, even one byte at a time, costs no re-parsing, and a large bulk is copied once
 * into a buffer of its final size.
 */
import { splitArgs } from '../util/split-args.js';
import { shortLatin1, SHORT_LATIN1_MAX } from './latin1.generated.js';

/** Redis's PROTO_INLINE_MAX_SIZE: an inline line or a length header must fit in 64 KB. */
const INLINE_MAX = 64 * 1024;
/** Bulks at least this large are assembled in a dedicated buffer instead of by concatenation. */
const BIG_BULK = 32 * 1024;
const INT_MAX = 2147483647;
const EMPTY = Buffer.alloc(0);

export class ProtocolError {
  constructor(readonly message: string) {}
}

export interface ParserLimits {
  /** proto-max-bulk-len */
  maxBulkLen: number;
  /** false until the client authenticates, when requirepass is set: tighter limits apply. */
  authenticated: boolean;
}

export class RespParser {
  private buf: Buffer = EMPTY;
  private pos = 0;
  /** Arguments still expected for the multibulk in progress (0 = none in progress). */
  private remaining = 0;
  private args: string[] = [];
  /** Length of the bulk whose payload is being read, or -1 while reading a header. */
  private bulkLen = -1;
  private big: Buffer | null = null;
  private bigFilled = 0;

  constructor(private readonly limits: ParserLimits) {}

  /** Bytes received but not yet consumed (for client-query-buffer-limit and CLIENT LIST qbuf). */
  get pendingBytes(): number {
    return this.buf.length - this.pos + (this.big ? this.bigFilled : 0);
  }

  /**
   * Copies any unconsumed bytes out of the last chunk, so the caller may reuse the chunk's
   * memory (connections read into one shared buffer). Cheap: usually nothing is left.
   */
  detach(): void {
    if (this.pos >= this.buf.length) {
      this.buf = EMPTY;
    } else {
      this.buf = Buffer.from(this.buf.subarray(this.pos));
    }
    this.pos = 0;
  }

  feed(chunk: Buffer): void {
    if (this.big !== null) {
      const need = this.big.length - this.bigFilled;
      const take = Math.min(need, chunk.length);
      chunk.copy(this.big, this.bigFilled, 0, take);
      this.bigFilled += take;
      chunk = take === chunk.length ? EMPTY : chunk.subarray(take);
      if (chunk.length === 0) return;
    }
    if (this.pos >= this.buf.length) {
      this.buf = chunk;
    } else {
      this.buf = Buffer.concat([this.buf.subarray(this.pos), chunk]);
    }
    this.pos = 0;
  }

  /** Returns the next complete command, null when more bytes are needed, or a ProtocolError. */
  next(): string[] | null | ProtocolError {
    for (;;) {
      if (this.remaining === 0) {
        if (this.pos >= this.buf.length) return null;
        if (this.buf[this.pos] !== 42 /* * */) {
          const inline = this.parseInline();
          if (inline === null || inline instanceof ProtocolError) return inline;
          if (inline.length === 0) continue; // empty line: Redis ignores it
          return inline;
        }
        const header = this.parseHeader('mbulk');
        if (header === null || header instanceof ProtocolError) return header;
        if (header > INT_MAX) return new ProtocolError('invalid multibulk length');
        if (!this.limits.authenticated && header > 10) {
          return new ProtocolError('unauthenticated multibulk length');
        }
        if (header <= 0) continue; // "*0" or "*-1": nothing to run
        this.remaining = header;
        this.args = [];
      }
      while (this.remaining > 0) {
        const arg = this.parseBulk();
        if (arg === null || arg instanceof ProtocolError) return arg;
        this.args.push(arg);
        this.remaining--;
      }
      const args = this.args;
      this.args = [];
      return args;
    }
  }

  /**
   * Reads "<type><integer>\r\n" at pos; returns the integer, or null when incomplete.
   * One JS pass finds the CR and validates/accumulates the digits together (string2ll's
   * rules: optional '-', no '+', no leading zeros): cheaper than indexOf + a second parse.
   */
  private parseHeader(kind: 'mbulk' | 'bulk'): number | null | ProtocolError {
    const buf = this.buf;
    const end = buf.length;
    const start = this.pos + 1;
    let i = start;
    let negative = false;
    let value = 0;
    let valid = true;
    let c = i < end ? buf[i]! : -1;
    if (c === 45 /* - */) {
      negative = true;
      c = ++i < end ? buf[i]! : -1;
    }
    if (c === 48 /* 0 */) {
      // "0" alone is valid; "-0", "01"... are not.
      valid = !negative;
      c = ++i < end ? buf[i]! : -1;
      if (c !== 13) valid = false;
    }
    while (c >= 48 && c <= 57) {
      value = value * 10 + (c - 48);
      c = ++i < end ? buf[i]! : -1;
    }
    if (c !== 13) {
      // Not at CR: either garbage before the CR (invalid) or the line isn't complete yet.
      const cr = i < end ? buf.indexOf(13, i) : -1;
      if (cr === -1 || cr + 1 >= end) {
        if (end - this.pos > INLINE_MAX) return new ProtocolError(`too big ${kind} count string`);
        return null;
      }
      valid = false;
      i = cr;
    } else if (i + 1 >= end) {
      // Redis waits for the byte after CR before acting on the line.
      if (end - this.pos > INLINE_MAX) return new ProtocolError(`too big ${kind} count string`);
      return null;
    }
    const digits = i - start;
    if (!valid || digits === 0 || digits > 20 || (negative && digits === 1)) {
      return new ProtocolError(kind === 'mbulk' ? 'invalid multibulk length' : 'invalid bulk length');
    }
    this.pos = i + 2;
    if (value > Number.MAX_SAFE_INTEGER) value = Number.MAX_SAFE_INTEGER;
    return negative ? -value : value;
  }

  private parseBulk(): string | null | ProtocolError {
    if (this.big !== null) {
      if (this.bigFilled < this.big.length) return null;
      const value = this.big.latin1Slice(0, this.big.length - 2);
      this.big = null;
      this.bigFilled = 0;
      this.bulkLen = -1;
      return value;
    }
    if (this.bulkLen === -1) {
      if (this.pos >= this.buf.length) return null;
      const type = this.buf[this.pos]!;
      if (type !== 36 /* $ */) {
        return new ProtocolError(`expected '$', got '${String.fromCharCode(type)}'`);
      }
      const len = this.parseHeader('bulk');
      if (len === null || len instanceof ProtocolError) return len;
      if (len < 0 || len > this.limits.maxBulkLen) return new ProtocolError('invalid bulk length');
      if (!this.limits.authenticated && len > 16384) return new ProtocolError('unauthenticated bulk length');
      this.bulkLen = len;
      const available = this.buf.length - this.pos;
      if (len >= BIG_BULK && available < len + 2) {
        // Assemble the payload (and its CRLF) in place: one copy, no re-concatenation.
        this.big = Buffer.allocUnsafe(len + 2);
        this.buf.copy(this.big, 0, this.pos);
        this.bigFilled = available;
        this.buf = EMPTY;
        this.pos = 0;
        return null;
      }
    }
    const len = this.bulkLen;
    const end = this.pos + len;
    if (end + 2 > this.buf.length) return null;
    const value = len === 0 ? '' : len <= SHORT_LATIN1_MAX ? shortLatin1(this.buf, this.pos, len) : this.buf.latin1Slice(this.pos, end);
    this.pos = end + 2; // Redis skips the two terminator bytes without checking them.
    this.bulkLen = -1;
    return value;
  }

  private parseInline(): string[] | null | ProtocolError {
    const buf = this.buf;
    const nl = buf.indexOf(10, this.pos);
    if (nl === -1) {
      if (buf.length - this.pos > INLINE_MAX) return new ProtocolError('too big inline request');
      return null;
    }
    let end = nl;
    if (end > this.pos && buf[end - 1] === 13) end--;
    const line = buf.latin1Slice(this.pos, end);
    this.pos = nl + 1;
    const args = splitArgs(line);
    if (args === null) return new ProtocolError('unbalanced quotes in request');
    return args;
  }
}
