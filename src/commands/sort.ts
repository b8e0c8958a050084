/**
 * SORT and SORT_RO (sort.c): sorts a list, set or sorted set numerically or with ALPHA,
 * by the elements or BY an external key pattern ("weight_*", "h_*->field", or a constant to
 * skip sorting), with LIMIT, several GET patterns ("#" is the element) and STORE into a list.
 */
import type { HandlerTable } from './registry.js';
import type { Client } from '../network/client.js';
import { WRONGTYPE, SYNTAX, SORT_SCORE_NOT_DOUBLE } from '../errors.js';
import { ListValue } from '../types/list.js';
import { SetValue } from '../types/set.js';
import { ZsetValue } from '../types/zset.js';
import { HashValue } from '../types/hash.js';
import { isString, stringOf } from '../types/value.js';
import { afterWrite } from '../keyspace/notify.js';
import { NOTIFY } from '../config/definitions.js';
import { intArg } from './args.js';
import { strtodWhole, strtodErange } from '../util/numbers.js';

/** lookupKeyByPattern: "#" is the element; "prefix*suffix" a string key; "...*...->field" a hash field. */
function lookupByPattern(c: Client, pattern: string, element: string): string | null {
  if (pattern === '#') return element;
  const star = pattern.indexOf('*');
  if (star === -1) return null;
  const arrow = pattern.indexOf('->', star + 1);
  const hasField = arrow !== -1 && arrow + 2 < pattern.length;
  const keyPattern = hasField ? pattern.slice(0, arrow) : pattern;
  const key = keyPattern.slice(0, star) + element + keyPattern.slice(star + 1);
  const v = c.db.lookupRead(key, c.noTouch);
  if (v === undefined) return null;
  if (hasField) {
    if (!(v instanceof HashValue)) return null;
    return v.get(pattern.slice(arrow + 2)) ?? null;
  }
  return isString(v) ? stringOf(v) : null;
}

interface SortItem {
  element: string;
  score: number;
  by: string | null;
}

function byteCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortGeneric(c: Client, argv: string[], readonly: boolean): void {
  let desc = false;
  let alpha = false;
  let limitStart = 0;
  let limitCount = -1;
  let store: string | null = null;
  let sortBy: string | null = null;
  let dontSort = false;
  const gets: string[] = [];
  for (let j = 2; j < argv.length; j++) {
    const opt = argv[j]!.toUpperCase();
    const left = argv.length - j - 1;
    if (opt === 'ASC') desc = false;
    else if (opt === 'DESC') desc = true;
    else if (opt === 'ALPHA') alpha = true;
    else if (opt === 'LIMIT' && left >= 2) {
      limitStart = intArg(argv[j + 1]!);
      limitCount = intArg(argv[j + 2]!);
      j += 2;
    } else if (!readonly && opt === 'STORE' && left >= 1) store = argv[++j]!;
    else if (opt === 'BY' && left >= 1) {
      sortBy = argv[++j]!;
      if (!sortBy.includes('*')) dontSort = true;
    } else if (opt === 'GET' && left >= 1) gets.push(argv[++j]!);
    else throw SYNTAX;
  }
  const v = c.db.lookupRead(argv[1]!, c.noTouch);
  let elements: string[];
  if (v === undefined) elements = [];
  else if (v instanceof ListValue) elements = v.toArray();
  else if (v instanceof SetValue) elements = v.ordered();
  else if (v instanceof ZsetValue) elements = Array.from({ length: v.size }, (_, i) => v.at(i));
  else throw WRONGTYPE;
  // A set has no order of its own: with STORE, sort it anyway so replicas agree (ALPHA).
  if (dontSort && v instanceof SetValue && store !== null) {
    dontSort = false;
    alpha = true;
    sortBy = null;
  }
  if (v instanceof ZsetValue && dontSort && desc) elements.reverse();
  const len = elements.length;
  let start = limitStart < 0 ? 0 : limitStart;
  let end = limitCount < 0 ? len - 1 : start + limitCount - 1;
  if (start >= len) {
    start = len - 1;
    end = len - 2;
  }
  if (end >= len) end = len - 1;
  let items: SortItem[] = elements.map((element) => ({ element, score: 0, by: null }));
  if (!dontSort) {
    let conversionError = false;
    for (const item of items) {
      const byVal = sortBy !== null ? lookupByPattern(c, sortBy, item.element) : item.element;
      if (byVal === null) continue;
      if (alpha) {
        if (sortBy !== null) item.by = byVal;
      } else {
        const score = strtodWhole(byVal);
        // sortCommand: eptr not at the end, errno == ERANGE (even a subnormal) or NaN.
        if (score === null || Number.isNaN(score) || strtodErange(byVal, score)) conversionError = true;
        else item.score = score;
      }
    }
    if (conversionError) throw SORT_SCORE_NOT_DOUBLE;
    items.sort((a, b) => {
      let cmp: number;
      if (!alpha) {
        cmp = a.score > b.score ? 1 : a.score < b.score ? -1 : byteCompare(a.element, b.element);
      } else if (sortBy !== null) {
        cmp = a.by === null || b.by === null ? (a.by === b.by ? 0 : a.by === null ? -1 : 1) : byteCompare(a.by, b.by);
      } else {
        cmp = byteCompare(a.element, b.element);
      }
      return desc ? -cmp : cmp;
    });
  }
  items = end >= start ? items.slice(start, end + 1) : [];
  const output: (string | null)[] = [];
  for (const item of items) {
    if (gets.length === 0) output.push(item.element);
    for (const g of gets) output.push(lookupByPattern(c, g, item.element));
  }
  if (store === null) {
    c.w.bulkArrayOrNull(output);
    return;
  }
  if (output.length > 0) {
    const list = new ListValue(output.length);
    const values = output.map((o) => o ?? '');
    list.growConversion(c.server.config.num('list-max-listpack-size'), values);
    for (const o of values) list.pushTail(o);
    c.db.set(store, list);
    afterWrite(c, store, NOTIFY.LIST, 'sortstore', output.length);
  } else if (c.db.delete(store)) {
    afterWrite(c, store, NOTIFY.GENERIC, 'del');
  }
  c.w.integer(output.length);
}

export const sortCommands: HandlerTable = {
  sort: (c, argv) => sortGeneric(c, argv, false),
  sort_ro: (c, argv) => sortGeneric(c, argv, true),
};
