/**
 * Writes the driver's encoding of a script's return value (see `encode` in driver-source.ts)
 * as the caller's reply, in the caller's protocol: B bulk, I integer, N null, T/F boolean,
 * E error, S status, D double, G big number, V verbatim, A array, M map, Z set.
 */
import type { Client } from '../network/client.js';
import { sanitizeErrorText } from '../errors.js';

export function writeScriptResult(c: Client, text: string): void {
  const w = c.w;
  let pos = 0;
  const until = (ch: string): string => {
    const end = text.indexOf(ch, pos);
    const s = text.slice(pos, end);
    pos = end + 1;
    return s;
  };
  const sized = (): string => {
    const n = Number(until(':'));
    const s = text.slice(pos, pos + n);
    pos += n;
    return s;
  };
  const one = (): void => {
    const tag = text[pos++];
    switch (tag) {
      case 'B':
        w.bulk(sized());
        return;
      case 'I': {
        const s = until(';');
        const n = Number(s);
        w.integer(Number.isSafeInteger(n) ? n : BigInt(s));
        return;
      }
      case 'N':
        w.nullBulk();
        return;
      case 'T':
      case 'F':
        w.boolean(tag === 'T');
        return;
      case 'E': {
        const msg = sanitizeErrorText(sized());
        w.error(msg);
        const space = msg.indexOf(' ');
        c.server.countError(space === -1 ? msg : msg.slice(0, space));
        return;
      }
      case 'S':
        w.simple(sized().replace(/[\r\n]/g, ' '));
        return;
      case 'D':
        w.double(Number(until(';')));
        return;
      case 'G': {
        const s = sized().replace(/[\r\n]/g, ' ');
        if (w.resp === 3) w.raw(`(${s}\r\n`);
        else w.bulk(s);
        return;
      }
      case 'V': {
        const format = sized();
        w.verbatim(sized(), format);
        return;
      }
      case 'A': {
        const n = Number(until(';'));
        w.arrayHeader(n);
        for (let i = 0; i < n; i++) one();
        return;
      }
      case 'M': {
        const n = Number(until(';'));
        w.mapHeader(n);
        for (let i = 0; i < 2 * n; i++) one();
        return;
      }
      case 'Z': {
        const n = Number(until(';'));
        w.setHeader(n);
        for (let i = 0; i < n; i++) one();
        return;
      }
      default:
        w.nullBulk();
    }
  };
  one();
}
