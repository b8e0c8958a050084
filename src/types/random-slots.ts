/**
 * Random picks of several members (ZRANDMEMBER, SRANDMEMBER, HRANDFIELD with a count) from
 * a slot array with holes. The draws are made a batch at a time and every drawn slot is
 * read in one tight loop before any is used: those loads do not depend on each other, so in
 * a big collection their cache misses overlap, where drawing and testing one slot at a time
 * (then hashing it into a Set) serialised them. The picks are still independent uniform
 * draws taken in order, holes (and, when `distinct`, repeats) rejected: the same sample as
 * one draw at a time.
 */

/**
 * The most picks with repetition (a negative count) one SRANDMEMBER, HRANDFIELD or
 * ZRANDMEMBER reply may hold. Redis streams such a reply into the client's output buffer and
 * grows it without bound (HRANDFIELD h -2147483649 is ~30 GB); nodis builds a reply before
 * writing it, and past this many picks (hundreds of MB) the process would die of heap
 * exhaustion, losing every key. Larger counts get -ERR value is out of range, the reply
 * Redis 7.2 gives for counts it cannot serve (WITHVALUES beyond LONG_MAX/2).
 */
export const MAX_REPEATED_PICKS = 2 ** 24;

/**
 * `count` slots in [0, slotCount) for which `isMember` holds, drawn uniformly; all distinct
 * when `distinct` (then count must be well under the number of members).
 */
export function drawSlots(count: number, slotCount: number, isMember: (slot: number) => boolean, distinct: boolean, random: () => number): number[] {
  const out: number[] = [];
  const seen = distinct ? new Set<number>() : null;
  const draws: number[] = [];
  const ok: boolean[] = [];
  while (out.length < count) {
    const want = count - out.length;
    for (let k = 0; k < want; k++) draws[k] = Math.floor(random() * slotCount);
    for (let k = 0; k < want; k++) ok[k] = isMember(draws[k]!);
    for (let k = 0; k < want; k++) {
      const slot = draws[k]!;
      if (!ok[k]) continue;
      if (seen !== null) {
        if (seen.has(slot)) continue;
        seen.add(slot);
      }
      out.push(slot);
    }
  }
  return out;
}

/**
 * Below this many slots a collection's slot array and members stay in the cache: a single
 * pick is drawn when asked. Above it, PickAhead draws ahead.
 */
const AHEAD_MIN_SLOTS = 4096;

/** A uniformly random slot of `slots` that holds a member (drawn now); there must be one. */
export function randomFilledSlot(slots: readonly (string | null)[], random: () => number): number {
  for (;;) {
    const i = Math.floor(random() * slots.length);
    if (slots[i] !== null) return i;
  }
}

/** Written so the warming loads are not optimised away. */
let aheadSink = 0;

/** How many single picks PickAhead draws (and warms) at a time. */
const AHEAD_BATCH = 16;

/**
 * Single random picks (SRANDMEMBER, HRANDFIELD, ZRANDMEMBER, SPOP without a count) drawn
 * AHEAD_BATCH at a time. In a big collection a pick is two dependent cache misses, the slot
 * and then the member string it points to, and nothing else in one command can overlap
 * them. Drawn a batch at a time, the slots and strings of the next AHEAD_BATCH picks are
 * read in one tight loop whose iterations do not depend on each other, so their misses
 * overlap, and each of the following calls replies a member that is already cached
 * (measured with bench/scaling.mjs at 1M members, HRANDFIELD ~1.2 → ~0.9 µs per command;
 * at 1k unchanged).
 *
 * The sample is unchanged: a slot drawn ahead is a uniform draw over [0, slot count),
 * independent of the contents; it is used only while the slot count is the one it was drawn
 * from, and a slot that is a hole by then is rejected and redrawn at once, as an immediate
 * draw would be.
 */
export class PickAhead {
  private readonly drawn = new Int32Array(AHEAD_BATCH);
  private pos = AHEAD_BATCH;
  /** The slot count the batch was drawn from. */
  private range = -1;

  /** A uniformly random slot of `slots` that holds a member; there must be one. */
  static pick(owner: { ahead: PickAhead | null }, slots: readonly (string | null)[], random: () => number): number {
    if (slots.length < AHEAD_MIN_SLOTS) return randomFilledSlot(slots, random);
    return (owner.ahead ??= new PickAhead()).take(slots, random);
  }

  private take(slots: readonly (string | null)[], random: () => number): number {
    const n = slots.length;
    if (this.pos === AHEAD_BATCH || this.range !== n) this.refill(slots, random);
    const i = this.drawn[this.pos++]!;
    return slots[i] !== null ? i : randomFilledSlot(slots, random);
  }

  private refill(slots: readonly (string | null)[], random: () => number): void {
    const n = slots.length;
    const drawn = this.drawn;
    for (let k = 0; k < AHEAD_BATCH; k++) drawn[k] = Math.floor(random() * n);
    let total = 0;
    for (let k = 0; k < AHEAD_BATCH; k++) {
      const m = slots[drawn[k]!];
      if (m !== null) total += m!.length;
    }
    aheadSink += total;
    this.pos = 0;
    this.range = n;
  }
}

/** What PickAhead's warming loads read (keeps them observable; for tests). */
export function aheadWarmed(): number {
  return aheadSink;
}
