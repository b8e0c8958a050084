/**
 * Redis's glob matching (stringmatchlen in util.c), byte for byte: `*`, `?`, `[abc]`,
 * `[^a]`, `[a-z]` (reversed ranges allowed), `\` escapes, an unterminated `[` taken
 * literally, and the same early exit for pathological `*` patterns (skipLongerMatches) and
 * nesting limit. Range bounds compare as C's signed `char`, as Redis does on x86.
 * Inputs are latin1 strings (one char per byte).
 */
export function globMatch(pattern: string, str: string, nocase = false): boolean {
  const state = { skipLongerMatches: false };
  return matchImpl(pattern, 0, str, 0, nocase, state, 0);
}


function lower(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

function signedChar(c: number): number {
  return c >= 128 ? c - 256 : c;
}

function matchImpl(
  pat: string,
  p: number,
  str: string,
  s: number,
  nocase: boolean,
  state: { skipLongerMatches: boolean },
  nesting: number,
): boolean {
  if (nesting > 1000) return false;
  const plen = pat.length;
  const slen = str.length;
  while (p < plen && s < slen) {
    const pc = pat.charCodeAt(p);
    switch (pc) {
      case 42 /* * */: {
        while (p + 1 < plen && pat.charCodeAt(p + 1) === 42) p++;
        if (p + 1 === plen) return true;
        while (s < slen) {
          if (matchImpl(pat, p + 1, str, s, nocase, state, nesting + 1)) return true;
          if (state.skipLongerMatches) return false;
          s++;
        }
        state.skipLongerMatches = true;
        return false;
      }
      case 63 /* ? */:
        s++;
        break;
      case 91 /* [ */: {
        p++;
        const not = p < plen && pat.charCodeAt(p) === 94; /* ^ */
        if (not) p++;
        let match = false;
        const sc = str.charCodeAt(s);
        for (;;) {
          if (p < plen && pat.charCodeAt(p) === 92 /* \ */ && plen - p >= 2) {
            p++;
            if (pat.charCodeAt(p) === sc) match = true;
          } else if (p < plen && pat.charCodeAt(p) === 93 /* ] */) {
            break;
          } else if (p >= plen) {
            p--;
            break;
          } else if (plen - p >= 3 && pat.charCodeAt(p + 1) === 45 /* - */) {
            let start = signedChar(pat.charCodeAt(p));
            let end = signedChar(pat.charCodeAt(p + 2));
            let c = signedChar(sc);
            if (start > end) [start, end] = [end, start];
            if (nocase) {
              start = lower(start);
              end = lower(end);
              c = lower(c);
            }
            p += 2;
            if (c >= start && c <= end) match = true;
          } else if (!nocase ? pat.charCodeAt(p) === sc : lower(pat.charCodeAt(p)) === lower(sc)) {
            match = true;
          }
          p++;
        }
        if (not) match = !match;
        if (!match) return false;
        s++;
        break;
      }
      default: {
        let lit = pc;
        if (pc === 92 /* \ */ && plen - p >= 2) {
          p++;
          lit = pat.charCodeAt(p);
        }
        const sc = str.charCodeAt(s);
        if (!nocase ? lit !== sc : lower(lit) !== lower(sc)) return false;
        s++;
        break;
      }
    }
    p++;
    if (s === slen) {
      while (p < plen && pat.charCodeAt(p) === 42) p++;
      break;
    }
  }
  return p >= plen && s === slen;
}
