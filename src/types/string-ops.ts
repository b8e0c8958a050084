/**
 * The string type API (no protocol): in-place edits that keep APPEND and SETRANGE amortised
 * O(length of the change) by turning the value into a MutableString with spare room, as
 * Redis's sds grows with sdsMakeRoomFor.
 */
import { MutableString, type StringValue } from './value.js';
import { STRING_TOO_LONG } from '../errors.js';

export interface StringLimits {
  readonly config: { num(name: string): number };
}

/** checkStringLength: the result of an edit may not exceed proto-max-bulk-len. */
export function checkStringLength(server: StringLimits, size: number, append: number): void {
  if (size + append > server.config.num('proto-max-bulk-len')) throw STRING_TOO_LONG;
}

/** Appends; returns the (possibly new) value to store. */
export function appendToValue(v: StringValue, suffix: string): MutableString {
  const m = typeof v === 'string' ? MutableString.from(v, suffix.length) : v;
  const start = m.length;
  m.reserve(start + suffix.length);
  m.buf.latin1Write(suffix, start, suffix.length);
  m.length = start + suffix.length;
  return m;
}

/** Overwrites bytes at `offset`, zero-padding when it lies past the end; returns the value to store. */
export function setRangeInValue(v: StringValue, offset: number, value: string): MutableString {
  const m = typeof v === 'string' ? MutableString.from(v, Math.max(0, offset + value.length - v.length)) : v;
  if (offset + value.length > m.length) m.resize(offset + value.length);
  m.buf.latin1Write(value, offset, value.length);
  return m;
}

/** A writable byte view of a string value of at least `size` bytes (zero-extended), for bit ops. */
export function bytesForWrite(v: StringValue | null, size: number): MutableString {
  const m = v === null ? MutableString.from('', size) : typeof v === 'string' ? MutableString.from(v, Math.max(0, size - v.length)) : v;
  if (m.length < size) m.resize(size);
  return m;
}

/** Read-only bytes of a string value (a view for MutableString, a copy for a JS string). */
export function bytesOf(v: StringValue): Buffer {
  return typeof v === 'string' ? Buffer.from(v, 'latin1') : v.buf.subarray(0, v.length);
}
