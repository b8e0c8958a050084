/**
 * CLIENT ID|SETNAME|GETNAME|LIST|INFO|KILL|SETINFO|REPLY|NO-EVICT|NO-TOUCH|HELP (networking.c).
 * TRACKING and friends are in tracking-cmd.ts, PAUSE in pause-cmd.ts.
 */
import type { HandlerTable } from './registry.js';
import type { Client } from '../network/client.js';
import {
  SYNTAX,
  CLIENT_ID_NOT_POSITIVE,
  INVALID_CLIENT_ID,
  NO_SUCH_CLIENT,
  clientInfoChars,
  noSuchUser,
  unknownClientType,
  unrecognizedOption,
} from '../errors.js';
import { validateClientName } from './client-name.js';
import { parseInt64 } from '../util/numbers.js';
import { replyHelp } from './help.js';

/** The flags field of CLIENT LIST, in Redis's order. */
function clientFlags(c: Client): string {
  let f = '';
  if (c.subscriptionCount > 0) f += 'P';
  if (c.inMulti) f += 'x';
  // A client postponed by CLIENT PAUSE is blocked too, as in Redis (BLOCKED_POSTPONE).
  if (c.blocked !== null || c.server.pause.isPostponed(c)) f += 'b';
  const t = c.tracking;
  if (t !== null) {
    f += 't';
    if (t.brokenRedirect) f += 'R';
    if (t.bcast) f += 'B';
  }
  if (c.closeAfterReply) f += 'c';
  if (c.isUnixSocket) f += 'U';
  if (c.noEvict) f += 'e';
  if (c.noTouch) f += 'T';
  return f === '' ? 'N' : f;
}

/** catClientInfoString (Redis 7.2 fields). */
export function clientInfoLine(c: Client, now: number): string {
  const qbuf = c.parser.pendingBytes;
  const subs = c.server.pubsub.subscriptionsOf(c);
  const omem = c.outputBytes;
  return (
    `id=${c.id} addr=${c.addr} laddr=${c.laddr} fd=${c.id + 7} name=${c.name} ` +
    `age=${Math.floor((now - c.createdAt) / 1000)} idle=${Math.floor((now - c.lastInteraction) / 1000)} ` +
    `flags=${clientFlags(c)} db=${c.db.id} sub=${subs.channels} psub=${subs.patterns} ssub=${subs.shard} multi=${c.inMulti ? c.multiCount : -1} ` +
    `qbuf=${qbuf} qbuf-free=${Math.max(0, 20474 - qbuf)} argv-mem=0 multi-mem=0 rbs=1024 rbp=0 obl=0 oll=0 ` +
    `omem=${omem} tot-mem=${22000 + qbuf + omem} events=r${omem > 0 ? 'w' : ''} cmd=${c.lastCommand} user=${c.user} ` +
    `redir=${c.tracking !== null ? c.tracking.redirect : -1} resp=${c.w.resp} lib-name=${c.libName} lib-ver=${c.libVer}`
  );
}

function clientType(c: Client): string {
  return c.subscriptionCount > 0 ? 'pubsub' : 'normal';
}

const TYPES = new Set(['normal', 'master', 'slave', 'replica', 'pubsub']);

function clientList(c: Client, argv: string[]): void {
  let filter: (x: Client) => boolean = () => true;
  if (argv.length === 4 && argv[2]!.toUpperCase() === 'TYPE') {
    const type = argv[3]!.toLowerCase();
    if (!TYPES.has(type)) throw unknownClientType(argv[3]!);
    filter = (x) => clientType(x) === (type === 'replica' ? 'slave' : type);
  } else if (argv.length > 3 && argv[2]!.toUpperCase() === 'ID') {
    const ids = new Set<number>();
    for (let i = 3; i < argv.length; i++) {
      const id = parseInt64(argv[i]!);
      // Any integer is accepted (getLongLongFromObjectOrReply); ids below 1 just match nobody.
      if (id === null) throw INVALID_CLIENT_ID;
      ids.add(Number(id));
    }
    filter = (x) => ids.has(x.id);
  } else if (argv.length !== 2) throw SYNTAX;
  const now = Date.now();
  let text = '';
  for (const x of c.server.clients.values()) if (filter(x)) text += `${clientInfoLine(x, now)}\n`;
  c.w.verbatim(text);
}

/** CLIENT KILL ip:port | CLIENT KILL <filter> <value> ... */
function clientKill(c: Client, argv: string[]): void {
  let id: number | null = null;
  let type: string | null = null;
  let addr: string | null = null;
  let laddr: string | null = null;
  let user: string | null = null;
  let skipme = true;
  if (argv.length === 3) {
    addr = argv[2]!;
    skipme = false;
  } else if (argv.length > 3) {
    for (let i = 2; i < argv.length; i += 2) {
      const opt = argv[i]!.toUpperCase();
      const value = argv[i + 1];
      if (value === undefined) throw SYNTAX;
      if (opt === 'ID') {
        const v = parseInt64(value);
        if (v === null || v < 1) throw CLIENT_ID_NOT_POSITIVE;
        id = Number(v);
      } else if (opt === 'TYPE') {
        type = value.toLowerCase();
        if (!TYPES.has(type)) throw unknownClientType(value);
        if (type === 'replica') type = 'slave';
      } else if (opt === 'ADDR') addr = value;
      else if (opt === 'LADDR') laddr = value;
      else if (opt === 'USER') {
        if (value !== 'default') throw noSuchUser(value);
        user = value;
      } else if (opt === 'SKIPME') {
        const v = value.toLowerCase();
        if (v === 'yes') skipme = true;
        else if (v === 'no') skipme = false;
        else throw SYNTAX;
      } else throw SYNTAX;
    }
  } else throw SYNTAX;
  let killed = 0;
  for (const x of [...c.server.clients.values()]) {
    if (id !== null && x.id !== id) continue;
    if (type !== null && clientType(x) !== type) continue;
    if (addr !== null && x.addr !== addr) continue;
    if (laddr !== null && x.laddr !== laddr) continue;
    if (user !== null && x.user !== user) continue;
    if (x === c && skipme) continue;
    killed++;
    if (x === c) c.closeAfterReply = true;
    else x.close();
  }
  if (argv.length === 3) {
    if (killed === 0) throw NO_SUCH_CLIENT;
    c.w.ok();
  } else c.w.integer(killed);
}

function clientSetinfo(c: Client, argv: string[]): void {
  const attr = argv[2]!.toLowerCase();
  if (attr !== 'lib-name' && attr !== 'lib-ver') throw unrecognizedOption(argv[2]!);
  const value = argv[3]!;
  for (let i = 0; i < value.length; i++) {
    const ch = value.charCodeAt(i);
    if (ch < 33 || ch > 126) throw clientInfoChars(argv[2]!);
  }
  if (attr === 'lib-name') c.libName = value;
  else c.libVer = value;
  c.w.ok();
}

function clientReply(c: Client, argv: string[]): void {
  const mode = argv[2]!.toUpperCase();
  if (mode === 'ON') {
    c.replyMode = 'on';
    c.skipNext = false;
    c.w.muted = false;
    c.w.ok();
  } else if (mode === 'OFF') {
    c.replyMode = 'off';
    c.w.muted = true;
  } else if (mode === 'SKIP') {
    if (c.replyMode === 'on') c.skipNext = true;
  } else throw SYNTAX;
}

function onOff(text: string): boolean {
  const v = text.toLowerCase();
  if (v === 'on') return true;
  if (v === 'off') return false;
  throw SYNTAX;
}

const HELP = [
  'CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CACHING (YES|NO)',
  '    In OPTIN (OPTOUT) tracking mode, the keys of the next command are (are not) tracked.',
  'GETREDIR',
  '    The id of the client invalidations are redirected to, 0 if none, -1 without tracking.',
  'GETNAME',
  '    The name of this connection.',
  'ID',
  '    The id of this connection.',
  'INFO',
  '    Details about this connection.',
  'KILL <ip:port> | KILL <option> <value> [<option> <value> [...]]',
  '    Closes connections chosen by ID, TYPE, USER, ADDR, LADDR and SKIPME.',
  'LIST [TYPE (NORMAL|MASTER|REPLICA|PUBSUB)] [ID <id> [<id> ...]]',
  '    Details about every connection.',
  'PAUSE <timeout> [WRITE|ALL]',
  '    Holds the commands of every client (WRITE: only writes) for <timeout> milliseconds.',
  'UNPAUSE',
  '    Ends a CLIENT PAUSE: held commands run.',
  'NO-EVICT (ON|OFF)',
  '    Keeps this connection from being evicted.',
  'NO-TOUCH (ON|OFF)',
  '    Reads by this connection leave access times alone.',
  'REPLY (ON|OFF|SKIP)',
  '    Turns replies off or on, or skips the next one.',
  'SETINFO <LIB-NAME|LIB-VER> <value>',
  '    Records the client library name or version.',
  'SETNAME <name>',
  '    Names this connection.',
  'TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]] [OPTIN] [OPTOUT] [NOLOOP]',
  '    Client-side caching: invalidation messages for the keys this connection reads.',
  'TRACKINGINFO',
  '    The tracking options of this connection.',
  'UNBLOCK <clientid> [TIMEOUT|ERROR]',
  '    Ends the wait of a connection blocked in a blocking command.',
  'HELP',
  '    Print this help.',
];

export const clientCommands: HandlerTable = {
  'client|id': (c) => c.w.integer(c.id),
  'client|setname': (c, argv) => {
    validateClientName(argv[2]!);
    c.name = argv[2]!;
    c.w.ok();
  },
  'client|getname': (c) => (c.name === '' ? c.w.nullBulk() : c.w.bulk(c.name)),
  'client|list': clientList,
  'client|info': (c) => c.w.verbatim(`${clientInfoLine(c, Date.now())}\n`),
  'client|kill': clientKill,
  'client|setinfo': clientSetinfo,
  'client|reply': clientReply,
  'client|no-evict': (c, argv) => {
    c.noEvict = onOff(argv[2]!);
    c.w.ok();
  },
  'client|no-touch': (c, argv) => {
    c.noTouch = onOff(argv[2]!);
    c.w.ok();
  },
  'client|help': (c) => replyHelp(c, HELP),
};
