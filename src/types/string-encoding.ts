/**
 * OBJECT ENCODING for string values, as Redis would report it for the same history:
 * tryObjectEncoding makes "int" of canonical integers that fit a long (at most 20 chars),
 * "embstr" of strings up to 44 bytes and "raw" above; a value modified in place
 * (APPEND, SETRANGE, SETBIT, BITFIELD, BITOP results) is always "raw".
 */
import { MutableString, type StringValue } from './value.js';
import { parseInt64 } from '../util/numbers.js';

/** OBJ_ENCODING_EMBSTR_SIZE_LIMIT */
const EMBSTR_LIMIT = 44;

export function stringEncoding(v: StringValue): 'int' | 'embstr' | 'raw' {
  if (v instanceof MutableString) return 'raw';
  if (v.length <= 20 && parseInt64(v) !== null) return 'int';
  return v.length <= EMBSTR_LIMIT ? 'embstr' : 'raw';
}
