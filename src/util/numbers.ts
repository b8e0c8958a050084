/**
 * Number parsing and formatting with Redis's exact rules (util.c: string2ll, string2l,
 * string2d, ld2string, d2string).
 */

export const INT64_MAX = 9223372036854775807n;
export const INT64_MIN = -9223372036854775808n;

/**
 * Redis's string2ll: optional '-', no '+', no leading zeros (except "0"), no spaces,
 * value within int64. Returns a bigint only when the value doesn't fit a safe JS integer.
 * Returns null when the string isn't such an integer.
 */
export function parseInt64(s: string): number | bigint | null {
  const len = s.length;
  if (len === 0 || len > 20) return null;
  let i = 0;
  let negative = false;
  const first = s.charCodeAt(0);
  if (first === 45 /* - */) {
    negative = true;
    i = 1;
    if (len === 1) return null;
  }
  const lead = s.charCodeAt(i);
  if (lead === 48 /* 0 */) return len === 1 ? 0 : null;
  if (lead < 49 || lead > 57) return null;
  if (len - i <= 15) {
    // Fits exactly in a double: the common, allocation-free path.
    let v = 0;
    for (; i < len; i++) {
      const c = s.charCodeAt(i) - 48;
      if (c < 0 || c > 9) return null;
      v = v * 10 + c;
    }
    return negative ? -v : v;
  }
  for (let j = i; j < len; j++) {
    const c = s.charCodeAt(j);
    if (c < 48 || c > 57) return null;
  }
  const big = BigInt(s);
  if (big > INT64_MAX || big < INT64_MIN) return null;
  if (big <= BigInt(Number.MAX_SAFE_INTEGER) && big >= BigInt(Number.MIN_SAFE_INTEGER)) return Number(big);
  return big;
}




/**
 * Redis's string2d / getDoubleFromObject: strtod over the whole string, no leading space,
 * NaN refused. Accepts "inf", "+inf", "-inf", "infinity", hex floats.
 */
export function parseDouble(s: string): number | null {
  const len = s.length;
  if (len === 0) return null;
  const c0 = s.charCodeAt(0);
  if (c0 === 32 || (c0 >= 9 && c0 <= 13)) return null;
  const n = strtodWhole(s);
  if (n === null || Number.isNaN(n)) return null;
  // getDoubleFromObject also refuses strtod's ERANGE when it overflowed or underflowed to 0
  // ("1e400", "1e-400"); a subnormal result ("1e-310") passes.
  if ((n === 0 || !Number.isFinite(n)) && strtodErange(s, n)) return null;
  return n;
}

/** The smallest normal double: below it (and above 0) glibc's strtod sets ERANGE. */
const MIN_NORMAL = 2.2250738585072014e-308;

/**
 * Whether C's strtod sets errno to ERANGE for `s`, which it read as `value`: the number
 * overflowed to ±inf (a finite spelling read as infinite), or underflowed, to a subnormal or
 * to 0 from a mantissa that is not zero.
 */
export function strtodErange(s: string, value: number): boolean {
  if (!Number.isFinite(value)) return !/^\s*[+-]?inf(inity)?$/i.test(s);
  if (value !== 0) return Math.abs(value) < MIN_NORMAL;
  const hex = /^\s*[+-]?0x/i.test(s);
  const mantissa = s.split(hex ? /p/i : /e/i)[0]!.replace(/^\s*[+-]?(0x)?/i, '');
  return hex ? /[1-9a-f]/i.test(mantissa) : /[1-9]/.test(mantissa);
}

const DECIMAL_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const HEX_RE = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/;

/**
 * Parses the string as C's strtod would, or returns null if strtod would stop before its
 * end: Redis's `strtod(p, &eptr); if (eptr[0] != '\0') error` (score ranges, SORT). As in
 * C, leading whitespace is skipped, and an empty string converts nothing and leaves eptr at
 * its end, so it reads as 0 (`ZRANGEBYSCORE z "" ""` is the range [0, 0]).
 */
export function strtodWhole(s: string): number | null {
  if (s.length === 0) return 0;
  const c0 = s.charCodeAt(0);
  if (c0 === 32 || (c0 >= 9 && c0 <= 13)) {
    const rest = s.replace(/^[ \t\n\v\f\r]+/, '');
    // Only whitespace: no conversion, eptr stays at the first (non-NUL) character.
    return rest.length === 0 ? null : strtodWhole(rest);
  }
  if (DECIMAL_RE.test(s)) return Number(s);
  const lower = s.toLowerCase();
  const unsigned = lower.charCodeAt(0) === 43 || lower.charCodeAt(0) === 45 ? lower.slice(1) : lower;
  const sign = lower.charCodeAt(0) === 45 ? -1 : 1;
  if (unsigned === 'inf' || unsigned === 'infinity') return sign * Infinity;
  if (unsigned === 'nan' || unsigned.startsWith('nan(')) return NaN;
  const hex = HEX_RE.exec(s);
  if (hex) {
    const intPart = hex[2] ?? '';
    const frac = hex[3] ?? '';
    if (intPart.length === 0 && frac.length === 0) return null;
    let value = 0;
    for (const ch of intPart) value = value * 16 + parseInt(ch, 16);
    let scale = 1 / 16;
    for (const ch of frac) {
      value += parseInt(ch, 16) * scale;
      scale /= 16;
    }
    const exp = hex[4] ? parseInt(hex[4], 10) : 0;
    return (hex[1] === '-' ? -1 : 1) * value * Math.pow(2, exp);
  }
  return null;
}

