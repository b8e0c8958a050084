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
  return n;
}

const DECIMAL_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const HEX_RE = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/;

/** Parses the whole string as C's strtod would, or returns null if strtod would stop early. */
export function strtodWhole(s: string): number | null {
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

/** Fractional bits formatDyadic handles: 2^-10 ≈ 0.00098 is above %g's 1e-4 switch to exponents. */
const DYADIC_BITS = 10;
const DYADIC_SCALE = 2 ** DYADIC_BITS;

/**
 * %.17g of a non-integer whose fraction has at most DYADIC_BITS bits (x.5, x.25, x.125...):
 * such a number's decimal expansion is finite and short, so it is written by integer
 * arithmetic and rounded to 17 significant digits as C does, an exact tie to even (~6x
 * cheaper than the toExponential/toFixed route, whose toFixed rounds ties up: C prints
 * 9203006760.30078125 as 9203006760.3007812). A fraction a/2^k is a·5^k/10^k: k decimals
 * ending in 5. null when the number is not of that kind.
 */
function formatDyadic(d: number): string | null {
  const a = Math.abs(d);
  const whole = Math.floor(a);
  // Both exact: a - floor(a) loses no bits, and the scale is a power of two.
  let units = (a - whole) * DYADIC_SCALE;
  if (!Number.isInteger(units) || whole > Number.MAX_SAFE_INTEGER) return null;
  let bits = DYADIC_BITS;
  while (units % 2 === 0) {
    units /= 2;
    bits--;
  }
  const sign = d < 0 ? '-' : '';
  const wholeText = String(whole);
  const decimals = String(units * 5 ** bits).padStart(bits, '0');
  // Below 1 there are at most DYADIC_BITS significant digits: nothing to round.
  if (whole === 0 || wholeText.length + bits <= 17) return `${sign}${wholeText}.${decimals}`;
  return sign + roundDigits(wholeText + decimals, wholeText.length);
}

/**
 * The decimal `digits` (a point after `intLength` of them, more than 17 in all) rounded to
 * 17 significant digits, halves to even, trailing fraction zeros trimmed.
 */
function roundDigits(digits: string, intLength: number): string {
  const dropped = digits.charCodeAt(17) - 48;
  const lastKept = digits.charCodeAt(16) - 48;
  const tail = digits.slice(18);
  const up = dropped > 5 || (dropped === 5 && (/[1-9]/.test(tail) || lastKept % 2 === 1));
  let kept = digits.slice(0, 17);
  if (up) {
    let i = 16;
    while (i >= 0 && kept.charCodeAt(i) === 57) i--;
    kept = i < 0 ? `1${'0'.repeat(17)}` : kept.slice(0, i) + String.fromCharCode(kept.charCodeAt(i) + 1) + '0'.repeat(16 - i);
    if (i < 0) intLength++;
  }
  let end = kept.length;
  while (end > intLength && kept.charCodeAt(end - 1) === 48) end--;
  return end > intLength ? `${kept.slice(0, intLength)}.${kept.slice(intLength, end)}` : kept.slice(0, intLength);
}

/**
 * C's printf("%.17g"): 17 significant digits, the shorter of %e/%f style, trailing zeros
 * removed. Redis 7.0 replies doubles (RESP3 doubles, scores) this way.
 */
export function formatDouble17g(d: number): string {
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  if (Number.isNaN(d)) return 'nan';
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  // A safe integer has at most 16 digits: %.17g prints it exactly, as String() does (~10x cheaper).
  if (Number.isSafeInteger(d)) return String(d);
  const dyadic = formatDyadic(d);
  if (dyadic !== null) return dyadic;
  const exp = d.toExponential(16); // "d.dddddddddddddddde+X"
  const ePos = exp.indexOf('e');
  const exponent = parseInt(exp.slice(ePos + 1), 10);
  if (exponent < -4 || exponent >= 17) {
    let mantissa = exp.slice(0, ePos);
    if (mantissa.includes('.')) mantissa = mantissa.replace(/0+$/, '').replace(/\.$/, '');
    const sign = exponent < 0 ? '-' : '+';
    const abs = Math.abs(exponent);
    return `${mantissa}e${sign}${abs < 10 ? '0' : ''}${abs}`;
  }
  let fixed = d.toFixed(Math.max(0, 16 - exponent));
  if (fixed.includes('.')) fixed = fixed.replace(/0+$/, '').replace(/\.$/, '');
  return fixed;
}
