/** The SCAN family's shared arguments for HSCAN/SSCAN/ZSCAN: cursor [MATCH pattern] [COUNT count]. */
import type { Client } from '../network/client.js';
import { SYNTAX } from '../errors.js';
import { intArg } from './args.js';
import { globMatch } from '../util/glob.js';
import { parseScanCursor } from './keyspace.js';

export interface ScanOptions {
  cursor: number;
  count: number;
  matches: (s: string) => boolean;
}

/** scanGenericCommand's parsing: the cursor is argv[2]; options start at `first`. */
export function parseScanArgs(argv: string[], first: number): ScanOptions {
  const cursor = parseScanCursor(argv[2]!);
  let count = 10;
  let pattern: string | null = null;
  for (let i = first; i < argv.length; i += 2) {
    const opt = argv[i]!.toUpperCase();
    if (i + 1 >= argv.length) throw SYNTAX;
    if (opt === 'COUNT') {
      count = intArg(argv[i + 1]!);
      if (count < 1) throw SYNTAX;
    } else if (opt === 'MATCH') {
      pattern = argv[i + 1] === '*' ? null : argv[i + 1]!;
    } else throw SYNTAX;
  }
  const p = pattern;
  return { cursor, count, matches: p === null ? () => true : (s) => globMatch(p, s) };
}

/** [cursor, [items]]; cursor 0 (the default) ends the iteration. */
export function replyScan(c: Client, items: readonly string[], cursor = 0): void {
  c.w.arrayHeader(2);
  c.w.bulk(String(cursor));
  c.w.bulkArray(items);
}

/**
 * HSCAN/SSCAN/ZSCAN check their arguments in Redis's order: the cursor, then the key
 * (`lookup` throws WRONGTYPE; a missing key gets an empty scan and its options are never
 * read), then the options. Returns null once the reply is sent.
 */
export function scanCollection<T>(c: Client, argv: string[], lookup: () => T | null): [T, ScanOptions] | null {
  parseScanCursor(argv[2]!);
  const value = lookup();
  if (value === null) {
    replyScan(c, []);
    return null;
  }
  return [value, parseScanArgs(argv, 3)];
}
