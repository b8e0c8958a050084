/**
 * Parses the raw reply of a command run for redis.call() into the value lua-redis-wasm turns
 * into Lua (redisProtocolToLuaType): status → {ok=}, error → {err=}, nulls → false,
 * RESP3 doubles/maps/sets/big numbers/verbatim as the tables Redis builds.
 */
import type { ReplyValue } from 'lua-redis-wasm';

/** What a RESP3 null becomes under redis.setresp(3): the driver turns it into nil (see NILMARK there). */
const RESP3_NULL: ReplyValue = { ok: Buffer.from('\0nil', 'latin1') };

export function respToLua(buf: Buffer, resp3 = false): ReplyValue {
  let pos = 0;
  const line = (): string => {
    const end = buf.indexOf(13, pos);
    const s = buf.latin1Slice(pos + 1, end);
    pos = end + 2;
    return s;
  };
  const parse = (): ReplyValue => {
    const type = buf[pos]!;
    const head = line();
    switch (type) {
      case 43 /* + */:
        return { ok: Buffer.from(head, 'latin1') };
      case 45 /* - */:
        return { err: Buffer.from(head, 'latin1') };
      case 58 /* : */: {
        const n = Number(head);
        return Number.isSafeInteger(n) ? n : BigInt(head);
      }
      case 36 /* $ */: {
        const n = Number(head);
        if (n < 0) return null;
        const out = Buffer.from(buf.subarray(pos, pos + n));
        pos += n + 2;
        return out;
      }
      case 61 /* = */: {
        const n = Number(head);
        const format = Buffer.from(buf.subarray(pos, pos + 3));
        const string = Buffer.from(buf.subarray(pos + 4, pos + n));
        pos += n + 2;
        return { verbatim_string: { format, string } };
      }
      case 42 /* * */:
      case 62 /* > */: {
        const n = Number(head);
        if (n < 0) return null;
        const out: ReplyValue[] = [];
        for (let i = 0; i < n; i++) out.push(parse());
        return out;
      }
      case 126 /* ~ */: {
        const n = Number(head);
        const out: ReplyValue[] = [];
        for (let i = 0; i < n; i++) out.push(parse());
        return { set: out };
      }
      case 37 /* % */: {
        const n = Number(head);
        const out: [ReplyValue, ReplyValue][] = [];
        for (let i = 0; i < n; i++) out.push([parse(), parse()]);
        return { map: out };
      }
      case 95 /* _ */:
        return resp3 ? RESP3_NULL : null;
      case 35 /* # */:
        return head === 't';
      case 44 /* , */:
        return { double: Number(head === 'inf' ? Infinity : head === '-inf' ? -Infinity : head) };
      case 40 /* ( */:
        return { big_number: Buffer.from(head, 'latin1') };
      default:
        return { err: Buffer.from('ERR unexpected reply from command', 'latin1') };
    }
  };
  return parse();
}
