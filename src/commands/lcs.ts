/** LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN] (lcsCommand in t_string.c). */
import type { Client } from '../network/client.js';
import { SYNTAX, LCS_IDX_AND_LEN, LCS_NOT_STRINGS, LCS_TOO_BIG } from '../errors.js';
import { isString, stringOf } from '../types/value.js';
import { intArg } from './args.js';

export function lcsCommand(c: Client, argv: string[]): void {
  const va = c.db.lookupRead(argv[1]!, c.noTouch);
  const vb = c.db.lookupRead(argv[2]!, c.noTouch);
  if ((va !== undefined && !isString(va)) || (vb !== undefined && !isString(vb))) {
    throw LCS_NOT_STRINGS;
  }
  const a = va === undefined ? '' : stringOf(va);
  const b = vb === undefined ? '' : stringOf(vb);
  let getIdx = false;
  let getLen = false;
  let withMatchLen = false;
  let minMatchLen = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j]!.toUpperCase();
    const more = argv.length - 1 - j;
    if (opt === 'IDX') getIdx = true;
    else if (opt === 'LEN') getLen = true;
    else if (opt === 'WITHMATCHLEN') withMatchLen = true;
    else if (opt === 'MINMATCHLEN' && more > 0) {
      minMatchLen = intArg(argv[++j]!);
      if (minMatchLen < 0) minMatchLen = 0;
    } else throw SYNTAX;
  }
  if (getIdx && getLen) throw LCS_IDX_AND_LEN;
  const alen = a.length;
  const blen = b.length;
  const cells = (alen + 1) * (blen + 1);
  if (cells > 2 ** 28) throw LCS_TOO_BIG;
  // dp[j + (blen+1)*i] = LCS length of a[0..i), b[0..j): the textbook O(alen*blen) table, as Redis.
  const dp = new Uint32Array(cells);
  const row = blen + 1;
  for (let i = 1; i <= alen; i++) {
    const ai = a.charCodeAt(i - 1);
    for (let j = 1; j <= blen; j++) {
      dp[j + row * i] =
        ai === b.charCodeAt(j - 1) ? dp[j - 1 + row * (i - 1)]! + 1 : Math.max(dp[j + row * (i - 1)]!, dp[j - 1 + row * i]!);
    }
  }
  const total = dp[blen + row * alen]!;
  let idx = total;
  const result: number[] = new Array<number>(total);
  const ranges: [number, number, number, number, number][] = [];
  const computeLcs = getIdx || !getLen;
  let aStart = alen;
  let aEnd = 0;
  let bStart = 0;
  let bEnd = 0;
  let i = alen;
  let j = blen;
  while (computeLcs && i > 0 && j > 0) {
    let emit = false;
    if (a.charCodeAt(i - 1) === b.charCodeAt(j - 1)) {
      result[idx - 1] = a.charCodeAt(i - 1);
      if (aStart === alen) {
        aStart = i - 1;
        aEnd = i - 1;
        bStart = j - 1;
        bEnd = j - 1;
      } else if (aStart === i && bStart === j) {
        aStart--;
        bStart--;
      } else {
        emit = true;
      }
      if (aStart === 0 || bStart === 0) emit = true;
      idx--;
      i--;
      j--;
    } else {
      if (dp[j + row * (i - 1)]! > dp[j - 1 + row * i]!) i--;
      else j--;
      if (aStart !== alen) emit = true;
    }
    const matchLen = aEnd - aStart + 1;
    if (emit) {
      if (minMatchLen === 0 || matchLen >= minMatchLen) ranges.push([aStart, aEnd, bStart, bEnd, matchLen]);
      aStart = alen;
    }
  }
  const w = c.w;
  if (getIdx) {
    w.mapHeader(2);
    w.bulk('matches');
    w.arrayHeader(ranges.length);
    for (const [as, ae, bs, be, len] of ranges) {
      w.arrayHeader(withMatchLen ? 3 : 2);
      w.arrayHeader(2);
      w.integer(as);
      w.integer(ae);
      w.arrayHeader(2);
      w.integer(bs);
      w.integer(be);
      if (withMatchLen) w.integer(len);
    }
    w.bulk('len');
    w.integer(total);
  } else if (getLen) {
    w.integer(total);
  } else {
    w.bulk(Buffer.from(result).latin1Slice());
  }
}
