/**
 * formatDouble17g against C's printf("%.17g") (expected strings from glibc, via Python's
 * "%.17g"): exact ties at the 17th significant digit round to even, short binary fractions,
 * %e and %f layouts, subnormals, and numbers past 2^53.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDouble17g } from '../../src/util/format-g17.js';

const CASES: [number, string][] = [
  // Exact ties: the 18-digit expansion ends in 5; C rounds to the even 17th digit.
  [1 + 2 ** -17, '1.0000076293945312'],
  [-(0.5 + 2 ** -18), '-0.50000381469726562'],
  [9203006760.30078125, '9203006760.3007812'],
  [99999999.9990234375, '99999999.999023438'],
  // Short binary fractions (the integer route) and long ones (V8's digits).
  [123.25, '123.25'],
  [0.0009765625, '0.0009765625'],
  [4503599627370495.5, '4503599627370495.5'],
  [12345678.123456789, '12345678.123456789'],
  [123456789012345.678, '123456789012345.67'],
  [0.1, '0.10000000000000001'],
  [1 / 3, '0.33333333333333331'],
  // %e style below 1e-4 and from 1e17; %f style between.
  [1e-5, '1.0000000000000001e-05'],
  [2.5e-4, '0.00025000000000000001'],
  [2 ** -60 + 2 ** -110, '8.6736173798840432e-19'],
  [1e17, '1e+17'],
  [1.5e300, '1.5000000000000001e+300'],
  [5e-324, '4.9406564584124654e-324'],
  [1e16 + 2, '10000000000000002'],
  [-0, '-0'],
  [Infinity, 'inf'],
  [-Infinity, '-inf'],
];

test('formatDouble17g prints what C prints', () => {
  for (const [d, expected] of CASES) assert.equal(formatDouble17g(d), expected, String(d));
});
