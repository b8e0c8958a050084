/**
 * Score replies of the sorted-set commands. Scores are most often integers, which %.17g
 * prints as their plain digits: String() gives the same text about 10x faster than the
 * general formatter (toExponential, toFixed, trimming), which ZPOPMIN/ZRANGE WITHSCORES
 * replies would otherwise spend a good share of their time in. Other values go through it.
 */
import type { ReplyWriter } from '../network/reply-writer.js';
import { formatDouble17g } from '../util/format-g17.js';

/** %.17g of a score (as Redis 7.0 formats them). */
export function scoreText(score: number): string {
  // |score| < 2^53 < 1e17: %.17g has no exponent and no fraction; -0 keeps its sign there.
  return Number.isSafeInteger(score) && (score !== 0 || 1 / score > 0) ? String(score) : formatDouble17g(score);
}

/** A score as the writer's double() sends it: `,` in RESP3, a bulk string in RESP2. */
export function replyScore(w: ReplyWriter, score: number): void {
  const text = scoreText(score);
  if (w.resp === 3) w.raw(`,${text}\r\n`);
  else w.bulk(text);
}

/**
 * A score as a listpack holds it (what ZSCAN of a listpack-encoded set returns): integral
 * values within ±2^62 are stored as integers (double2ll), so they print as plain digits
 * where %.17g would use an exponent (1e+17 → 100000000000000000).
 */
export function listpackScoreText(score: number): string {
  return Number.isInteger(score) && Math.abs(score) <= 2 ** 62 ? BigInt(score).toString() : scoreText(score);
}
