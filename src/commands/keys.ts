/**
 * Key extraction from a command's key specs (db.c getKeysUsingKeySpecs): which arguments are
 * keys, with their access flags. COMMAND GETKEYS uses it; ACL, tracking and cluster will too.
 */
import type { CommandSpec } from './spec.js';

export interface KeyReference {
  /** Position of the key in argv (argv[0] is the command name). */
  readonly index: number;
  readonly flags: readonly string[];
}

export function extractKeys(spec: CommandSpec, argv: readonly string[]): KeyReference[] {
  const out: KeyReference[] = [];
  const argc = argv.length;
  for (const ks of spec.keySpecs) {
    let first: number;
    if (ks.begin_search.index !== undefined) {
      first = ks.begin_search.index.pos;
    } else if (ks.begin_search.keyword !== undefined) {
      const { keyword, startfrom } = ks.begin_search.keyword;
      const start = startfrom >= 0 ? startfrom : argc + startfrom;
      const step = startfrom >= 0 ? 1 : -1;
      let found = -1;
      for (let i = start; i > 0 && i < argc; i += step) {
        if (argv[i]!.toUpperCase() === keyword.toUpperCase()) {
          found = i;
          break;
        }
      }
      if (found === -1) continue;
      first = found + 1;
    } else continue;
    if (first >= argc) continue;
    let last: number;
    let step: number;
    if (ks.find_keys.range !== undefined) {
      const { lastkey, step: s, limit } = ks.find_keys.range;
      step = s;
      if (lastkey >= 0) last = first + lastkey;
      else if (limit <= 1) last = argc + lastkey;
      else last = first + Math.floor((argc - first) / limit) - 1;
    } else if (ks.find_keys.keynum !== undefined) {
      const { keynumidx, firstkey, step: s } = ks.find_keys.keynum;
      const numText = argv[first + keynumidx];
      const num = numText === undefined ? NaN : Number(numText);
      if (!Number.isInteger(num) || num < 0) continue;
      step = s;
      first = first + firstkey;
      last = first + (num - 1) * step;
    } else continue;
    if (last >= argc) last = argc - 1;
    for (let i = first; i <= last; i += step) out.push({ index: i, flags: ks.flags ?? [] });
  }
  return out;
}
