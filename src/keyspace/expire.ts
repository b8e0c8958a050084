/**
 * The active expiry cycle (expire.c: activeExpireCycle). Keys with a TTL that nobody reads
 * again are reclaimed in the background: each cron tick samples keys from every database's
 * expires table, deletes the expired ones, and keeps going while more than a quarter of a
 * sample was stale - but never past a time budget, so the server keeps serving.
 */
import type { Database } from './db.js';

export interface ActiveExpireHost {
  readonly dbs: readonly Database[];
  nowMs: number;
  keyExpired(db: Database, key: string): void;
  readonly activeExpireEnabled: boolean;
  readonly hz: number;
  readonly activeExpireEffort: number;
  readonly expiryPaused: boolean;
}

export interface ExpireCycleResult {
  expired: number;
  sampled: number;
  timedOut: boolean;
}

/** ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP and ACCEPTABLE_STALE in expire.c. */
const KEYS_PER_LOOP = 20;
const ACCEPTABLE_STALE = 10;
/** Percent of each cron period the cycle may use (ACTIVE_EXPIRE_CYCLE_SLOW_TIME_PERC). */
const SLOW_TIME_PERC = 25;

export function activeExpireCycle(host: ActiveExpireHost): ExpireCycleResult {
  const result: ExpireCycleResult = { expired: 0, sampled: 0, timedOut: false };
  if (!host.activeExpireEnabled || host.expiryPaused) return result;
  const effort = host.activeExpireEffort - 1;
  const perLoop = KEYS_PER_LOOP + (KEYS_PER_LOOP / 4) * effort;
  const acceptableStale = ACCEPTABLE_STALE - effort;
  const budgetMs = ((SLOW_TIME_PERC + 2 * effort) * 1000) / Math.max(1, host.hz) / 100;
  const start = Date.now();
  host.nowMs = start;
  for (const db of host.dbs) {
    if (db.expires.size === 0) continue;
    for (;;) {
      let sampled = 0;
      let expired = 0;
      if (db.expireCursor === null) db.expireCursor = db.expires.entries();
      const cursor = db.expireCursor;
      while (sampled < perLoop) {
        const next = cursor.next();
        if (next.done === true) {
          db.expireCursor = null;
          break;
        }
        sampled++;
        const [key, at] = next.value;
        if (at <= host.nowMs && db.expires.get(key) === at) {
          db.delete(key);
          host.keyExpired(db, key);
          expired++;
        }
      }
      result.sampled += sampled;
      result.expired += expired;
      if (Date.now() - start > budgetMs) {
        result.timedOut = true;
        return result;
      }
      // Repeat on this db only while the sample was mostly stale, as Redis does.
      if (sampled === 0 || expired * 100 <= sampled * acceptableStale) break;
    }
  }
  return result;
}
