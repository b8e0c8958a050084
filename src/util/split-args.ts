/**
 * Redis's sdssplitargs: splits a line into arguments the way redis-cli, inline commands
 * and redis.conf do. Supports "double quotes" with \n \r \t \b \a \\ \" and \xHH escapes,
 * 'single quotes' with \' only, and requires a space after a closing quote.
 * Returns null on unbalanced quotes.
 */
export function splitArgs(line: string): string[] | null {
  const out: string[] = [];
  const n = line.length;
  let p = 0;
  for (;;) {
    while (p < n && isSpace(line.charCodeAt(p))) p++;
    if (p >= n) return out;
    let inDouble = false;
    let inSingle = false;
    let done = false;
    let current = '';
    while (!done) {
      if (inDouble) {
        if (p >= n) return null;
        const c = line[p]!;
        if (c === '\\' && p + 3 < n && line[p + 1] === 'x' && isHex(line[p + 2]!) && isHex(line[p + 3]!)) {
          current += String.fromCharCode(parseInt(line.slice(p + 2, p + 4), 16));
          p += 3;
        } else if (c === '\\' && p + 1 < n) {
          p++;
          const e = line[p]!;
          current += e === 'n' ? '\n' : e === 'r' ? '\r' : e === 't' ? '\t' : e === 'b' ? '\b' : e === 'a' ? '\x07' : e;
        } else if (c === '"') {
          if (p + 1 < n && !isSpace(line.charCodeAt(p + 1))) return null;
          done = true;
        } else {
          current += c;
        }
      } else if (inSingle) {
        if (p >= n) return null;
        const c = line[p]!;
        if (c === '\\' && p + 1 < n && line[p + 1] === "'") {
          p++;
          current += "'";
        } else if (c === "'") {
          if (p + 1 < n && !isSpace(line.charCodeAt(p + 1))) return null;
          done = true;
        } else {
          current += c;
        }
      } else {
        if (p >= n) break;
        const c = line[p]!;
        if (c === ' ' || c === '\n' || c === '\r' || c === '\t' || c === '\0') done = true;
        else if (c === '"') inDouble = true;
        else if (c === "'") inSingle = true;
        else current += c;
      }
      if (p < n) p++;
    }
    out.push(current);
  }
}

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

function isHex(c: string): boolean {
  return /^[0-9a-fA-F]$/.test(c);
}
