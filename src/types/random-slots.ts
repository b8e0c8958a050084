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
