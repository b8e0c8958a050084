/**
 * Shared argument parsers. Each throws Redis's exact error (from errors.ts) on bad input,
 * like Redis's getLongLongFromObjectOrReply and friends.
 */
import { NOT_INTEGER, ReplyError, INT32_RANGE } from '../errors.js';
import { parseInt64 } from '../util/numbers.js';

/**
 * An int64 argument as a JS number. Values beyond 2^53 lose precision, which is harmless
 * for indexes, counts and ranges; use int64BigArg where exact arithmetic matters.
 */
export function intArg(s: string, error: ReplyError = NOT_INTEGER): number {
  const v = parseInt64(s);
  if (v === null) throw error;
  return typeof v === 'bigint' ? Number(v) : v;
}

/** An int64 argument as an exact bigint (INCRBY and friends). */
export function int64BigArg(s: string, error: ReplyError = NOT_INTEGER): bigint {
  const v = parseInt64(s);
  if (v === null) throw error;
  return BigInt(v);
}

/** An integer argument that must lie within [min, max] (getRangeLongFromObjectOrReply). */
export function rangedIntArg(s: string, min: number, max: number, error: ReplyError): number {
  const v = parseInt64(s);
  if (v === null) throw error;
  const n = Number(v);
  if (n < min || n > max) throw error;
  return n;
}



/** Upper-cases an option token for matching (tokens are ASCII, so this is safe on latin1). */
export function token(s: string): string {
  return s.toUpperCase();
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** A C `int` argument (getIntFromObjectOrReply): not-an-integer and out-of-range get distinct errors. */
export function int32Arg(s: string): number {
  const v = parseInt64(s);
  if (v === null) throw NOT_INTEGER;
  const n = Number(v);
  if (n < INT32_MIN || n > INT32_MAX) throw INT32_RANGE;
  return n;
}
