/**
 * Exact emulation of the x87 80-bit `long double` arithmetic behind Redis's INCRBYFLOAT and
 * HINCRBYFLOAT: strtold parsing (string2ld), one addition, and ld2string's human mode
 * ("%.17Lf" with trailing zeros removed). A JS double gives 0.30000000000000004 for three
 * INCRBYFLOAT 0.1; Redis's 64-bit mantissa gives "0.3" — this module gives "0.3" too.
 *
 * A finite value is sign × mant × 2^exp with mant in [2^63, 2^64) (or 0); every operation is
 * done exactly in BigInt and rounded once to 64 bits, ties to even, as the FPU does.
 */
export type LongDouble =
  | { readonly kind: 'finite'; readonly neg: boolean; readonly mant: bigint; readonly exp: number }
  | { readonly kind: 'inf'; readonly neg: boolean }
  | { readonly kind: 'nan' };

const MANT_BITS = 64;
/** Largest and smallest binary exponents of a normal 80-bit value (of the leading bit). */
const MAX_EXP2 = 16383;
const MIN_EXP2 = -16445; // below the smallest subnormal: underflow

const ZERO: LongDouble = { kind: 'finite', neg: false, mant: 0n, exp: 0 };

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/** Rounds |n| × 2^exp to 64 significant bits (ties to even); null on overflow. */
function normalize(neg: boolean, n: bigint, exp: number, sticky = false): LongDouble | null {
  if (n === 0n) return { kind: 'finite', neg, mant: 0n, exp: 0 };
  const len = bitLength(n);
  if (len > MANT_BITS) {
    const shift = len - MANT_BITS;
    const q = n >> BigInt(shift);
    const rem = n - (q << BigInt(shift));
    const half = 1n << BigInt(shift - 1);
    let m = q;
    if (rem > half || (rem === half && (sticky || (q & 1n) === 1n))) m += 1n;
    else if (rem === half && sticky) m += 1n;
    exp += shift;
    if (bitLength(m) > MANT_BITS) {
      m >>= 1n;
      exp += 1;
    }
    n = m;
  } else if (len < MANT_BITS) {
    n <<= BigInt(MANT_BITS - len);
    exp -= MANT_BITS - len;
  }
  if (exp + MANT_BITS - 1 > MAX_EXP2) return null;
  if (exp + MANT_BITS - 1 < MIN_EXP2) return { kind: 'finite', neg, mant: 0n, exp: 0 };
  return { kind: 'finite', neg, mant: n, exp };
}

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const HEX = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/;

/**
 * string2ld: the whole string must parse (no leading space, no trailing bytes); NaN and
 * out-of-range values (strtold's ERANGE to ±HUGE_VAL or 0) are refused with null.
 */
export function parseLongDouble(s: string): LongDouble | null {
  if (s.length === 0 || s.length >= 5 * 1024) return null;
  const c0 = s.charCodeAt(0);
  if (c0 === 32 || (c0 >= 9 && c0 <= 13)) return null;
  const lower = s.toLowerCase();
  const body = lower[0] === '+' || lower[0] === '-' ? lower.slice(1) : lower;
  const neg = lower[0] === '-';
  if (body === 'inf' || body === 'infinity') return { kind: 'inf', neg };
  if (body === 'nan' || body.startsWith('nan(')) return null;
  let m = DECIMAL.exec(s);
  if (m !== null) {
    const intPart = m[2] ?? '';
    const frac = m[3] ?? '';
    if (intPart.length === 0 && frac.length === 0) return null;
    const digits = BigInt((intPart + frac).replace(/^0+/, '') || '0');
    const exp10 = (m[4] !== undefined ? parseInt(m[4], 10) : 0) - frac.length;
    if (digits === 0n) return { kind: 'finite', neg, mant: 0n, exp: 0 };
    if (exp10 > 5000) return null;
    if (exp10 < -5100) return null;
    let r: LongDouble | null;
    if (exp10 >= 0) {
      r = normalize(neg, digits * 10n ** BigInt(exp10), 0);
    } else {
      const den = 10n ** BigInt(-exp10);
      const k = Math.max(0, MANT_BITS + 2 + bitLength(den) - bitLength(digits));
      const num = digits << BigInt(k);
      const q = num / den;
      r = normalize(neg, q, -k, num % den !== 0n);
    }
    if (r === null) return null;
    if (r.kind === 'finite' && r.mant === 0n) return null; // underflow: ERANGE with zero
    return r;
  }
  m = HEX.exec(s);
  if (m !== null) {
    const intPart = m[2] ?? '';
    const frac = m[3] ?? '';
    if (intPart.length === 0 && frac.length === 0) return null;
    const mant = BigInt(`0x${intPart + frac || '0'}`);
    const exp = (m[4] !== undefined ? parseInt(m[4], 10) : 0) - 4 * frac.length;
    if (mant === 0n) return { kind: 'finite', neg: m[1] === '-', mant: 0n, exp: 0 };
    return normalize(m[1] === '-', mant, exp);
  }
  return null;
}


/** a + b with one rounding, as the FPU adds two long doubles. */
export function addLongDouble(a: LongDouble, b: LongDouble): LongDouble {
  if (a.kind === 'nan' || b.kind === 'nan') return { kind: 'nan' };
  if (a.kind === 'inf' || b.kind === 'inf') {
    if (a.kind === 'inf' && b.kind === 'inf' && a.neg !== b.neg) return { kind: 'nan' };
    return a.kind === 'inf' ? a : b;
  }
  if (a.mant === 0n) return b.mant === 0n ? { kind: 'finite', neg: a.neg && b.neg, mant: 0n, exp: 0 } : b;
  if (b.mant === 0n) return a;
  const e = Math.min(a.exp, b.exp);
  const sa = (a.neg ? -a.mant : a.mant) << BigInt(a.exp - e);
  const sb = (b.neg ? -b.mant : b.mant) << BigInt(b.exp - e);
  const sum = sa + sb;
  if (sum === 0n) return ZERO;
  const r = normalize(sum < 0n, sum < 0n ? -sum : sum, e);
  return r ?? { kind: 'inf', neg: sum < 0n };
}

/**
 * ld2string(LD_STR_HUMAN): "%.17Lf" (fixed point, 17 decimals, correctly rounded), then
 * trailing zeros and a trailing '.' removed, and "-0" written as "0".
 */
export function formatLongDoubleHuman(v: LongDouble): string {
  if (v.kind === 'inf') return v.neg ? '-inf' : 'inf';
  if (v.kind === 'nan') return 'nan';
  const scale = 10n ** 17n;
  let scaled: bigint;
  if (v.exp >= 0) {
    scaled = (v.mant << BigInt(v.exp)) * scale;
  } else {
    const num = v.mant * scale;
    const shift = BigInt(-v.exp);
    const q = num >> shift;
    const rem = num - (q << shift);
    const half = 1n << (shift - 1n);
    scaled = rem > half || (rem === half && (q & 1n) === 1n) ? q + 1n : q;
  }
  let digits = scaled.toString().padStart(18, '0');
  digits = `${digits.slice(0, -17)}.${digits.slice(-17)}`;
  digits = digits.replace(/0+$/, '').replace(/\.$/, '');
  if (v.neg && digits !== '0') return `-${digits}`;
  return digits;
}
