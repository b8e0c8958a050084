/**
 * Encodes replies into a growable per-client buffer, in RESP2 or RESP3 (the client's
 * protocol decides how maps, sets, nulls, doubles and booleans look). Nothing is sent
 * here: the connection flushes the buffer once per batch of commands, so a pipeline of
 * N commands costs one socket write (Redis's "as few writes as possible").
 */
import { formatDouble17g } from '../util/format-g17.js';

const CRLF = '\r\n';
/** Short latin1 strings are copied byte by byte: cheaper than a call into C++. */
const SMALL_STRING = 24;
const INITIAL_SIZE = 16 * 1024;
/** Values at least this large bypass the buffer and are handed to the socket as they are. */
const LARGE_VALUE = 64 * 1024;

export type Resp = 2 | 3;

export interface ReplySink {
  /** Called with a finished chunk when the pending data must go out before a large value. */
  writeChunk(chunk: Buffer | string): void;
}

export class ReplyWriter {
  private buf: Buffer = Buffer.allocUnsafe(INITIAL_SIZE);
  private len = 0;
  /** Chunks already cut from the buffer, in order, waiting for the next flush. */
  private chunks: (Buffer | string)[] = [];
  /** Total bytes of chunks, for output-buffer accounting. */
  private chunkBytes = 0;
  resp: Resp = 2;
  /** CLIENT REPLY OFF/SKIP sets this: replies are encoded into nowhere. */
  muted = false;

  get pendingBytes(): number {
    return this.len + this.chunkBytes;
  }

  get hasPending(): boolean {
    return this.len > 0 || this.chunks.length > 0;
  }

  /** Removes and returns everything written since the last take, as a list of chunks. */
  take(): (Buffer | string)[] | null {
    if (this.len > 0) {
      const out = Buffer.allocUnsafe(this.len);
      this.buf.copy(out, 0, 0, this.len);
      this.chunks.push(out);
      this.len = 0;
    }
    if (this.chunks.length === 0) return null;
    const chunks = this.chunks;
    this.chunks = [];
    this.chunkBytes = 0;
    return chunks;
  }

  /** Returns the pending bytes as one latin1 string (used by MULTI/EXEC capture and scripting). */
  takeString(): string {
    if (this.chunks.length === 0) {
      // The usual case (one command's reply, all in the buffer): no intermediate Buffer.
      if (this.len === 0) return '';
      const s = this.buf.latin1Slice(0, this.len);
      this.len = 0;
      return s;
    }
    const chunks = this.take();
    if (chunks === null) return '';
    return chunks.map((c) => (typeof c === 'string' ? c : c.latin1Slice(0, c.length))).join('');
  }

  /** Drops everything pending (a killed client, CLIENT REPLY OFF). */
  discard(): void {
    this.len = 0;
    this.chunks = [];
    this.chunkBytes = 0;
  }

  private ensure(extra: number): void {
    const need = this.len + extra;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }

  /** Appends a latin1 string (raw protocol text or a value) to the buffer. */
  raw(s: string): void {
    if (this.muted) return;
    const n = s.length;
    if (n >= LARGE_VALUE) {
      this.cut();
      this.chunks.push(s);
      this.chunkBytes += n;
      return;
    }
    this.ensure(n);
    const buf = this.buf;
    let len = this.len;
    if (n < SMALL_STRING) {
      for (let i = 0; i < n; i++) buf[len++] = s.charCodeAt(i);
    } else {
      len += buf.latin1Write(s, len, n);
    }
    this.len = len;
  }

  /** Appends raw bytes. */
  rawBuffer(b: Buffer): void {
    if (this.muted) return;
    if (b.length >= LARGE_VALUE) {
      this.cut();
      this.chunks.push(b);
      this.chunkBytes += b.length;
      return;
    }
    this.ensure(b.length);
    b.copy(this.buf, this.len);
    this.len += b.length;
  }

  /** Moves the buffered bytes into the chunk list so a large value can follow without a copy. */
  private cut(): void {
    if (this.len === 0) return;
    const out = Buffer.allocUnsafe(this.len);
    this.buf.copy(out, 0, 0, this.len);
    this.chunks.push(out);
    this.chunkBytes += this.len;
    this.len = 0;
  }

  private line(prefix: number, n: number): void {
    if (this.muted) return;
    this.ensure(24);
    const buf = this.buf;
    let len = this.len;
    buf[len++] = prefix;
    if (n < 0) {
      buf[len++] = 45;
      n = -n;
    }
    if (n < 10) {
      buf[len++] = 48 + n;
    } else if (n < 100) {
      buf[len++] = 48 + ((n / 10) | 0);
      buf[len++] = 48 + (n % 10);
    } else {
      len += buf.latin1Write(String(n), len);
    }
    buf[len++] = 13;
    buf[len++] = 10;
    this.len = len;
  }

  // ---- RESP types -------------------------------------------------------------------

  ok(): void {
    this.raw('+OK\r\n');
  }

  simple(s: string): void {
    this.raw(`+${s}${CRLF}`);
  }

  /** `text` is the full error after '-', code included. */
  error(text: string): void {
    this.raw(`-${text}${CRLF}`);
  }

  integer(n: number | bigint): void {
    if (typeof n === 'number' && Number.isSafeInteger(n)) this.line(58 /* : */, n);
    else this.raw(`:${n.toString()}${CRLF}`);
  }

  bulk(s: string): void {
    if (this.muted) return;
    this.line(36 /* $ */, s.length);
    this.raw(s);
    this.raw(CRLF);
  }

  bulkBuffer(b: Buffer, length = b.length): void {
    if (this.muted) return;
    this.line(36, length);
    this.rawBuffer(length === b.length ? b : b.subarray(0, length));
    this.raw(CRLF);
  }

  /** A null bulk: `$-1` in RESP2, `_` in RESP3. */
  nullBulk(): void {
    this.raw(this.resp === 2 ? '$-1\r\n' : '_\r\n');
  }

  /** A null array: `*-1` in RESP2, `_` in RESP3. */
  nullArray(): void {
    this.raw(this.resp === 2 ? '*-1\r\n' : '_\r\n');
  }

  arrayHeader(n: number): void {
    this.line(42 /* * */, n);
  }

  /** A map of n pairs: `%n` in RESP3, a flat array of 2n in RESP2. */
  mapHeader(n: number): void {
    if (this.resp === 3) this.line(37 /* % */, n);
    else this.line(42, n * 2);
  }

  /** A set: `~n` in RESP3, an array in RESP2. */
  setHeader(n: number): void {
    this.line(this.resp === 3 ? 126 /* ~ */ : 42, n);
  }

  /** A push message header: `>n` in RESP3, an array in RESP2. */
  pushHeader(n: number): void {
    this.line(this.resp === 3 ? 62 /* > */ : 42, n);
  }

  /** A double: `,` in RESP3, a bulk string in RESP2 (formatted as Redis 7.0 does, %.17g). */
  double(d: number): void {
    const text = formatDouble17g(d);
    if (this.resp === 3) this.raw(`,${text}${CRLF}`);
    else this.bulk(text);
  }

  /** A boolean: `#t`/`#f` in RESP3, the integers 1/0 in RESP2. */
  boolean(b: boolean): void {
    if (this.resp === 3) this.raw(b ? '#t\r\n' : '#f\r\n');
    else this.raw(b ? ':1\r\n' : ':0\r\n');
  }

  /** Verbatim text (`=` in RESP3 with a 3-letter format, a bulk in RESP2). */
  verbatim(text: string, format = 'txt'): void {
    if (this.resp === 3) {
      this.line(61 /* = */, text.length + 4);
      this.raw(`${format}:`);
      this.raw(text);
      this.raw(CRLF);
    } else {
      this.bulk(text);
    }
  }

  /** An array of bulk strings. */
  bulkArray(items: readonly string[]): void {
    this.arrayHeader(items.length);
    for (const s of items) this.bulk(s);
  }

  /** An array of bulks where null entries are null bulks. */
  bulkArrayOrNull(items: readonly (string | null)[]): void {
    this.arrayHeader(items.length);
    for (const s of items) {
      if (s === null) this.nullBulk();
      else this.bulk(s);
    }
  }
}
