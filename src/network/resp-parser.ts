/**
 * Incremental request parser: RESP multibulk and inline commands, mirroring
 * processMultibulkBuffer / processInlineBuffer in Redis's networking.c, including their
 * protocol error texts, limits and edge behaviour. Arguments come out as latin1 strings
 * (one char per byte), so every byte 0-255 survives and V8 stores them compactly.
 *
 * Costs stay linear however the input is split: the parser keeps its position between
 * calls, remembers how far it already searched for a line terminator, appends partial
 * input into a buffer that grows by doubling (never re-concatenating), and assembles a
 * large bulk in a buffer of its final size.
 *
 * Redis's quirks kept on purpose:
 * - Line searches use strchr, so a NUL byte before the terminator hides it: the request
 *   then waits until the 64 KB limit turns it into a "too big ... string" error.
 * - A header line counts as complete once one byte follows its CR (that byte is not checked),
 *   and the two bytes after a bulk payload are skipped unchecked.
 * - "*0", "*-1" (any count <= 0) and empty inline lines run nothing.
 * - The bulk type byte is checked only once its header line is complete.
 */
import { constants as bufferConstants } from 'node:buffer';
import { splitArgs } from '../util/split-args.js';
import { shortLatin1, SHORT_LATIN1_MAX } from './latin1.generated.js';

/** Redis's PROTO_INLINE_MAX_SIZE: an inline line or a length header must fit in 64 KB. */
const INLINE_MAX = 64 * 1024;
/**
 * Redis reads at most PROTO_IOBUF_LEN (16 KB) per read and applies INLINE_MAX after each
 * read, so a line whose terminator lies further than INLINE_MAX + 16 KB away is always
 * refused by Redis, whatever the read boundaries; shorter ones depend on them (we accept).
 */
const LINE_ALWAYS_TOO_BIG = INLINE_MAX + 16 * 1024;
/** Redis's PROTO_MBULK_BIG_ARG: bulks this large are assembled in a buffer of their own size. */
const BIG_BULK = 32 * 1024;
const INT_MAX = 2147483647;
/**
 * Arguments are latin1 strings, and V8 strings stop at 2^29 - 24 characters: a bulk longer
 * than that (only the last 24 bytes below the 512 MB default proto-max-bulk-len) is refused
 * as too long instead of crashing on conversion.
 */
const MAX_ARG = bufferConstants.MAX_STRING_LENGTH;
/** First allocation for a large bulk; it then doubles up to the announced size. */
const BIG_INITIAL = 1024 * 1024;
/** Smallest storage the parser allocates when it must keep a partial request. */
const MIN_OWNED = 4096;
const EMPTY = Buffer.alloc(0);
/** Placeholder between commands (frozen: a push into it would be a bug and throws). */
const NO_ARGS: string[] = Object.freeze([]) as unknown as string[];
/** Largest argument count whose array is allocated at its final size when the header arrives. */
const ARGV_PREALLOCATE = 1024;
const LLONG_MAX_DIGITS = '9223372036854775807';
const LLONG_MIN_DIGITS = '9223372036854775808';

/**
 * Command names repeat on every request, so the first argument of a multibulk is looked up
 * in a small cache of the strings seen before instead of being decoded again: no allocation,
 * and the string's hash (cached by V8 in the string) is already there for the command lookup.
 */
const NAME_MAX = 16;
const NAME_CACHE_SIZE = 256;
const nameCache: string[] = new Array<string>(NAME_CACHE_SIZE).fill('');

function commandName(b: Buffer, s: number, n: number): string {
  const at = (n * 31 + b[s]! * 7 + b[s + n - 1]!) & (NAME_CACHE_SIZE - 1);
  const cached = nameCache[at]!;
  if (cached.length === n) {
    let i = 0;
    while (i < n && cached.charCodeAt(i) === b[s + i]) i++;
    if (i === n) return cached;
  }
  const name = shortLatin1(b, s, n);
  nameCache[at] = name;
  return name;
}

export class ProtocolError {
  constructor(readonly message: string) {}
}

export interface ParserLimits {
  /** proto-max-bulk-len */
  maxBulkLen: number;
  /** false until the client authenticates, when requirepass is set: tighter limits apply. */
  authenticated: boolean;
}

type LineKind = 'mbulk' | 'bulk';

export class RespParser {
  /** Unconsumed input is buf[pos, len). */
  private buf: Buffer = EMPTY;
  private len = 0;
  private pos = 0;
  /** True when buf is storage this parser allocated (input may be appended in place). */
  private owned = false;
  /** Bytes after pos already searched for a terminator without finding one. */
  private scanned = 0;
  /** Arguments still expected for the multibulk in progress (0 = none in progress). */
  private remaining = 0;
  private args: string[] = NO_ARGS;
  /** Arguments of the multibulk in progress already stored in `args`. */
  private filled = 0;
  /** Length of the bulk whose payload is being read, or -1 while reading a header. */
  private bulkLen = -1;
  /** A large bulk being assembled: storage (may be smaller than bigTotal), bytes so far, and its final size (payload + CRLF). */
  private big: Buffer | null = null;
  private bigFilled = 0;
  private bigTotal = 0;

  constructor(private readonly limits: ParserLimits) {}

  /** Bytes received but not yet consumed (for client-query-buffer-limit and CLIENT LIST qbuf). */
  get pendingBytes(): number {
    return this.len - this.pos + (this.big !== null ? this.bigFilled : 0);
  }

  /**
   * REQUIRED by Client.onData (do not remove): connections read into one shared buffer
   * (src/network/adopt-socket.ts), so after each batch the parser must copy any unconsumed
   * bytes out of the last chunk and keep no reference to it. Cheap: usually nothing is left.
   */
  detach(): void {
    if (this.owned) return;
    if (this.pos >= this.len) {
      this.buf = EMPTY;
      this.len = 0;
      this.advance(0);
      return;
    }
    const rest = this.len - this.pos;
    const next = Buffer.allocUnsafe(Math.max(rest * 2, MIN_OWNED));
    this.buf.copy(next, 0, this.pos, this.len);
    this.buf = next;
    this.len = rest;
    this.pos = 0; // scanned stays valid: it is relative to pos
    this.owned = true;
  }

  /** Appends received bytes; the chunk may be parsed in place until detach() is called. */
  feed(chunk: Buffer): void {
    if (this.big !== null) {
      const need = this.bigTotal - this.bigFilled;
      const take = Math.min(need, chunk.length);
      if (this.bigFilled + take > this.big.length) {
        // Grow by doubling up to the final size: linear copying overall.
        const next = Buffer.allocUnsafe(Math.min(this.bigTotal, Math.max(this.big.length * 2, this.bigFilled + take)));
        this.big.copy(next, 0, 0, this.bigFilled);
        this.big = next;
      }
      chunk.copy(this.big, this.bigFilled, 0, take);
      this.bigFilled += take;
      if (take === chunk.length) return;
      chunk = chunk.subarray(take);
    }
    if (chunk.length === 0) return;
    if (this.pos >= this.len) {
      // Nothing pending: parse straight out of the socket's buffer, no copy.
      this.buf = chunk;
      this.len = chunk.length;
      this.pos = 0;
      this.owned = false;
      this.scanned = 0;
      return;
    }
    const rest = this.len - this.pos;
    const need = rest + chunk.length;
    if (this.owned && this.buf.length - this.len >= chunk.length) {
      chunk.copy(this.buf, this.len);
      this.len += chunk.length;
      return;
    }
    if (this.owned && this.buf.length >= need) {
      // Enough room once the consumed prefix is dropped (copy handles the overlap).
      this.buf.copy(this.buf, 0, this.pos, this.len);
    } else {
      const next = Buffer.allocUnsafe(Math.max(need * 2, MIN_OWNED));
      this.buf.copy(next, 0, this.pos, this.len);
      this.buf = next;
      this.owned = true;
    }
    chunk.copy(this.buf, rest);
    this.pos = 0;
    this.len = need;
  }

  /** Returns the next complete command, null when more bytes are needed, or a ProtocolError. */
  next(): string[] | null | ProtocolError {
    for (;;) {
      if (this.remaining === 0) {
        if (this.pos >= this.len) return null;
        if (this.buf[this.pos] !== 42 /* * */) {
          const inline = this.parseInline();
          if (inline === null || inline instanceof ProtocolError) return inline;
          if (inline.length === 0) continue; // empty line: Redis resets and reads on
          return inline;
        }
        const count = this.parseLength('mbulk');
        if (count === null || count instanceof ProtocolError) return count;
        if (count > INT_MAX) return new ProtocolError('invalid multibulk length');
        if (!this.limits.authenticated && count > 10) {
          return new ProtocolError('unauthenticated multibulk length');
        }
        if (count <= 0) continue; // "*0" or "*-1": nothing to run
        this.remaining = count;
        // Sized up front (no growth to V8's 17-slot first backing store: ~110 B less garbage
        // per command); a huge announced count grows as arguments arrive, as Redis caps its
        // preallocation at 1024.
        this.args = count <= ARGV_PREALLOCATE ? new Array<string>(count) : [];
        this.filled = 0;
      }
      while (this.remaining > 0) {
        const arg = this.parseBulk();
        if (arg === null || arg instanceof ProtocolError) return arg;
        this.args[this.filled++] = arg;
        this.remaining--;
      }
      // The caller owns the array; the next header allocates a fresh one.
      const args = this.args;
      this.args = NO_ARGS;
      return args;
    }
  }

  private advance(to: number): void {
    this.pos = to;
    this.scanned = 0;
  }

  /**
   * strchr(querybuf + pos, target): the index of the first `target` byte at or after pos,
   * or -1 when a NUL byte or the end of input comes first. Resumes where the last search
   * stopped, so a line arriving byte by byte is searched once.
   */
  private findTerminator(target: number): number {
    const buf = this.buf;
    const end = this.len;
    let i = this.pos + this.scanned;
    for (; i < end; i++) {
      const c = buf[i]!;
      if (c === target) return i;
      if (c === 0) break; // strchr stops here, and will stop here again next time
    }
    this.scanned = i - this.pos;
    return -1;
  }

  /** The error Redis gives when no terminator shows up within its limit, else null (wait). */
  private tooBig(kind: LineKind | 'inline', terminator: number): ProtocolError | null {
    const tooBig =
      terminator === -1 ? this.len - this.pos > INLINE_MAX : terminator - this.pos > LINE_ALWAYS_TOO_BIG;
    if (!tooBig) return null;
    return new ProtocolError(kind === 'inline' ? 'too big inline request' : `too big ${kind} count string`);
  }

  /**
   * Reads "<type><integer>\r?" at pos (type already checked by the caller for '*'); returns
   * the integer, null when the line is incomplete, or a ProtocolError. The fast path
   * validates and accumulates the digits in the same pass that finds the CR.
   */
  private parseLength(kind: LineKind): number | null | ProtocolError {
    const buf = this.buf;
    const end = this.len;
    const start = this.pos + 1;
    let i = start;
    let negative = false;
    if (i < end && buf[i] === 45 /* - */) {
      negative = true;
      i++;
    }
    const digitsStart = i;
    let value = 0;
    let c = i < end ? buf[i]! : -1;
    while (c >= 48 && c <= 57) {
      value = value * 10 + (c - 48);
      c = ++i < end ? buf[i]! : -1;
    }
    const digits = i - digitsStart;
    if (
      c === 13 &&
      i + 1 < end &&
      digits > 0 &&
      digits < 19 &&
      (buf[digitsStart] !== 48 /* 0 */ || (digits === 1 && !negative))
    ) {
      this.advance(i + 2);
      return negative ? -value : value;
    }
    return this.parseLengthSlow(kind);
  }

  /** Incomplete or unusual header lines: Redis's exact order of checks. */
  private parseLengthSlow(kind: LineKind): number | null | ProtocolError {
    const cr = this.findTerminator(13);
    if (cr === -1 || cr - this.pos > LINE_ALWAYS_TOO_BIG) return this.tooBig(kind, cr);
    if (cr + 1 >= this.len) return null; // the byte after CR must have arrived too
    if (kind === 'bulk' && this.buf[this.pos] !== 36 /* $ */) {
      // addReplyErrorFormat turns CR and LF into spaces.
      const type = this.buf[this.pos]!;
      const shown = type === 13 || type === 10 ? ' ' : String.fromCharCode(type);
      return new ProtocolError(`expected '$', got '${shown}'`);
    }
    const value = string2ll(this.buf, this.pos + 1, cr);
    if (value === null) {
      return new ProtocolError(kind === 'mbulk' ? 'invalid multibulk length' : 'invalid bulk length');
    }
    this.advance(cr + 2);
    return value;
  }

  private parseBulk(): string | null | ProtocolError {
    if (this.big !== null) {
      if (this.bigFilled < this.bigTotal) return null;
      const value = this.big.latin1Slice(0, this.bigTotal - 2);
      this.big = null;
      this.bigFilled = 0;
      this.bulkLen = -1;
      return value;
    }
    if (this.bulkLen === -1) {
      if (this.pos >= this.len) return null;
      const len = this.buf[this.pos] === 36 /* $ */ ? this.parseLength('bulk') : this.parseLengthSlow('bulk');
      if (len === null || len instanceof ProtocolError) return len;
      if (len < 0 || len > this.limits.maxBulkLen || len > MAX_ARG) return new ProtocolError('invalid bulk length');
      if (!this.limits.authenticated && len > 16384) return new ProtocolError('unauthenticated bulk length');
      this.bulkLen = len;
      const available = this.len - this.pos;
      if (len >= BIG_BULK && available < len + 2) {
        // Assemble the payload (and its CRLF) in place: one copy, no re-concatenation.
        // Redis preallocates the whole argument; we start at 1 MB so that a header
        // announcing 512 MB costs nothing until the bytes actually arrive.
        this.bigTotal = len + 2;
        this.big = Buffer.allocUnsafe(Math.min(this.bigTotal, Math.max(BIG_INITIAL, available)));
        this.buf.copy(this.big, 0, this.pos, this.len);
        this.bigFilled = available;
        this.buf = EMPTY;
        this.len = 0;
        this.owned = false;
        this.advance(0);
        return null;
      }
    }
    const len = this.bulkLen;
    const end = this.pos + len;
    if (end + 2 > this.len) return null;
    const value =
      len === 0
        ? ''
        : len <= NAME_MAX && this.filled === 0
          ? commandName(this.buf, this.pos, len)
          : len <= SHORT_LATIN1_MAX
            ? shortLatin1(this.buf, this.pos, len)
            : this.buf.latin1Slice(this.pos, end);
    this.advance(end + 2); // Redis skips the two terminator bytes without checking them.
    this.bulkLen = -1;
    return value;
  }

  private parseInline(): string[] | null | ProtocolError {
    const nl = this.findTerminator(10);
    if (nl === -1 || nl - this.pos > LINE_ALWAYS_TOO_BIG) return this.tooBig('inline', nl);
    let end = nl;
    if (end > this.pos && this.buf[end - 1] === 13) end--;
    const line = this.buf.latin1Slice(this.pos, end);
    this.advance(nl + 1);
    const args = splitArgs(line);
    if (args === null) return new ProtocolError('unbalanced quotes in request');
    return args;
  }
}

/**
 * Redis's string2ll over buf[start, end): optional '-', no '+', no leading zeros, no
 * spaces, at most 20 characters, within the range of a signed 64-bit integer. Values
 * beyond 2^53 come back approximate, which is fine: every caller rejects them as too large.
 */
export function string2ll(buf: Buffer, start: number, end: number): number | null {
  const slen = end - start;
  if (slen === 0 || slen >= 21) return null;
  if (slen === 1 && buf[start] === 48) return 0;
  let p = start;
  const negative = buf[p] === 45;
  if (negative) {
    p++;
    if (p === end) return null;
  }
  const first = buf[p]!;
  if (first < 49 || first > 57) return null;
  let value = 0;
  for (let i = p; i < end; i++) {
    const c = buf[i]!;
    if (c < 48 || c > 57) return null;
    value = value * 10 + (c - 48);
  }
  const digits = end - p;
  if (digits > 19) return null;
  if (digits === 19 && buf.latin1Slice(p, end) > (negative ? LLONG_MIN_DIGITS : LLONG_MAX_DIGITS)) return null;
  return negative ? -value : value;
}
