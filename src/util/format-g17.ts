/**
 * C's printf("%.17g"), the way Redis 7.0 replies scores and RESP3 doubles: 17 significant
 * digits, correctly rounded (an exact tie to even), %e style below 1e-4 and from 1e17, else
 * %f style, trailing zeros removed.
 *
 * Three routes, cheapest first:
 * - integers up to 2^53: String();
 * - a fraction of at most 10 bits (x.5, x.25, x.125…, common scores): its exact decimal
 *   expansion by integer arithmetic (~3x cheaper than the toExponential route);
 * - anything else: V8's toExponential/toFixed, which round correctly except that they round
 *   an exact tie up. A tie needs an exact expansion of exactly 18 significant digits; those
 *   numbers are found by counting their fraction bits and written from their exact digits
 *   (BigInt), e.g. 1.00000762939453125 (1 + 2^-17) is 1.0000076293945312 in C.
 */

/** Fraction bits the integer route handles: 2^-10 ≈ 0.00098 needs no %e style. */
const SHORT_BITS = 10;
const SHORT_SCALE = 2 ** SHORT_BITS;

export function formatDouble17g(d: number): string {
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  if (Number.isNaN(d)) return 'nan';
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  // A safe integer has at most 16 digits: %.17g prints it exactly, as String() does (~10x cheaper).
  if (Number.isSafeInteger(d)) return String(d);
  return formatShortFraction(d) ?? formatExactTie(d) ?? formatRounded(d);
}

/** The integer route: null unless |d| < 2^53 has a fraction of at most SHORT_BITS bits. */
function formatShortFraction(d: number): string | null {
  const a = Math.abs(d);
  const whole = Math.floor(a);
  // Both exact: a - floor(a) loses no bits, and the scale is a power of two.
  let units = (a - whole) * SHORT_SCALE;
  if (!Number.isInteger(units) || whole > Number.MAX_SAFE_INTEGER) return null;
  let bits = SHORT_BITS;
  while (units % 2 === 0) {
    units /= 2;
    bits--;
  }
  // A fraction units/2^bits is units·5^bits/10^bits: `bits` decimals, the last one a 5.
  const decimals = String(units * 5 ** bits).padStart(bits, '0');
  return whole === 0 ? fromExactDigits(d < 0, decimals, bits) : fromExactDigits(d < 0, String(whole) + decimals, bits);
}

/**
 * The exact-digits route for a number whose expansion ends in a tie at the 17th significant
 * digit; null for every other number (whose V8 rounding is right).
 */
function formatExactTie(d: number): string | null {
  const a = Math.abs(d);
  if (a >= 2 ** 53) return null; // an integer there: even, so no expansion ends in 5
  const whole = Math.floor(a);
  let units = a - whole;
  let bits = 0;
  while (!Number.isInteger(units)) {
    units *= 2; // exact
    bits++;
  }
  // units is odd: the expansion has exactly `bits` decimals.
  const wholeDigits = whole === 0 ? 0 : String(whole).length;
  if (whole !== 0 && wholeDigits + bits !== 18) return null;
  // Below 1 the significant digits are those of units·5^bits: about log10 of it, + 1.
  if (whole === 0 && Math.abs(Math.log10(units) + bits * Math.log10(5) - 17.5) > 1) return null;
  const decimals = (BigInt(units) * 5n ** BigInt(bits)).toString().padStart(bits, '0');
  const digits = whole === 0 ? decimals : String(whole) + decimals;
  const significant = digits.length - (digits.length - digits.replace(/^0+/, '').length);
  if (significant !== 18) return null;
  return fromExactDigits(d < 0, digits, bits);
}

/**
 * %.17g from a number's exact decimal digits: `digits` with a point before the last
 * `decimals` of them (leading zeros allowed), `negative` for the sign.
 */
function fromExactDigits(negative: boolean, digits: string, decimals: number): string {
  const lead = digits.length - digits.replace(/^0+/, '').length;
  let sig = digits.slice(lead);
  // Decimal exponent of the first significant digit.
  let exponent = digits.length - decimals - lead - 1;
  if (sig.length > 17) {
    const dropped = sig.charCodeAt(17) - 48;
    const up = dropped > 5 || (dropped === 5 && (/[1-9]/.test(sig.slice(18)) || (sig.charCodeAt(16) - 48) % 2 === 1));
    sig = sig.slice(0, 17);
    if (up) {
      let i = 16;
      while (i >= 0 && sig.charCodeAt(i) === 57) i--;
      if (i < 0) {
        sig = '1';
        exponent++;
      } else sig = sig.slice(0, i) + String.fromCharCode(sig.charCodeAt(i) + 1);
    }
  }
  sig = sig.replace(/0+$/, '');
  const sign = negative ? '-' : '';
  if (exponent < -4 || exponent >= 17) {
    const abs = Math.abs(exponent);
    const mantissa = sig.length > 1 ? `${sig[0]}.${sig.slice(1)}` : sig;
    return `${sign}${mantissa}e${exponent < 0 ? '-' : '+'}${abs < 10 ? '0' : ''}${abs}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${sig}`;
  const intPart = sig.length > exponent + 1 ? sig.slice(0, exponent + 1) : sig.padEnd(exponent + 1, '0');
  const fraction = sig.slice(exponent + 1);
  return fraction.length > 0 ? `${sign}${intPart}.${fraction}` : `${sign}${intPart}`;
}

/** V8's correctly rounded digits (ties aside, see formatExactTie) laid out as %.17g. */
function formatRounded(d: number): string {
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
