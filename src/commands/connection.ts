/**
 * Connection commands: PING, ECHO, QUIT, SELECT, HELLO, AUTH, RESET.
 * (CLIENT lives in client-cmd.ts.)
 */
import type { HandlerTable } from './registry.js';
import type { Client } from '../network/client.js';
import {
  WRONG_ARITY,
  SYNTAX,
  DB_INDEX_OUT_OF_RANGE,
  WRONGPASS,
  AUTH_NOT_CONFIGURED,
  HELLO_NOAUTH,
  NOPROTO,
  PROTO_NOT_INTEGER,
  helloSyntax,
} from '../errors.js';
import { rangedIntArg, int32Arg } from './args.js';
import { REDIS_VERSION } from '../server.js';
import { validateClientName } from './client-name.js';

/** PING [message]: +PONG, or the message; in RESP2 subscribed mode, ["pong", message]. */
function pingCommand(c: Client, argv: string[]): void {
  if (argv.length > 2) throw WRONG_ARITY('ping');
  if (c.server.inPubSubReplyMode(c)) {
    c.w.arrayHeader(2);
    c.w.bulk('pong');
    c.w.bulk(argv.length === 2 ? argv[1]! : '');
    return;
  }
  if (argv.length === 1) c.w.simple('PONG');
  else c.w.bulk(argv[1]!);
}

function echoCommand(c: Client, argv: string[]): void {
  c.w.bulk(argv[1]!);
}

/** QUIT: +OK, then the connection closes once the reply is written. */
function quitCommand(c: Client): void {
  c.w.ok();
  c.closeAfterReply = true;
}

function selectCommand(c: Client, argv: string[]): void {
  const id = int32Arg(argv[1]!);
  const db = c.server.dbs[id];
  if (id < 0 || db === undefined) throw DB_INDEX_OUT_OF_RANGE;
  c.db = db;
  c.w.ok();
}

/**
 * Checks a username/password pair against the default user (requirepass).
 * nodis has one user, "default", as Redis without ACL rules.
 */
export function authenticate(c: Client, username: string, password: string): boolean {
  const required = c.server.config.get('requirepass');
  const ok = username === 'default' && (required === '' || password === required);
  if (ok) {
    c.authenticated = true;
    c.user = 'default';
    c.refreshParserLimits();
  }
  return ok;
}

/** AUTH [username] password */
function authCommand(c: Client, argv: string[]): void {
  if (argv.length > 3) throw SYNTAX;
  let username = 'default';
  let password: string;
  if (argv.length === 2) {
    if (c.server.config.get('requirepass') === '') throw AUTH_NOT_CONFIGURED;
    password = argv[1]!;
  } else {
    username = argv[1]!;
    password = argv[2]!;
  }
  if (!authenticate(c, username, password)) throw WRONGPASS;
  c.w.ok();
}

/** HELLO [protover [AUTH username password] [SETNAME clientname]] */
function helloCommand(c: Client, argv: string[]): void {
  let version = 0;
  let next = 1;
  if (argv.length >= 2) {
    version = rangedIntArg(
      argv[next++]!,
      Number.MIN_SAFE_INTEGER,
      Number.MAX_SAFE_INTEGER,
      PROTO_NOT_INTEGER,
    );
    if (version < 2 || version > 3) throw NOPROTO;
  }
  let auth: [string, string] | null = null;
  let clientName: string | null = null;
  for (let j = next; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    const opt = argv[j]!.toUpperCase();
    if (opt === 'AUTH' && more >= 2) {
      auth = [argv[j + 1]!, argv[j + 2]!];
      j += 2;
    } else if (opt === 'SETNAME' && more >= 1) {
      clientName = argv[j + 1]!;
      j++;
    } else {
      throw helloSyntax(argv[j]!);
    }
  }
  if (auth !== null && !authenticate(c, auth[0], auth[1])) throw WRONGPASS;
  if (!c.authenticated) {
    throw HELLO_NOAUTH;
  }
  if (clientName !== null) {
    validateClientName(clientName);
    c.name = clientName;
  }
  if (version !== 0) c.w.resp = version as 2 | 3;
  const w = c.w;
  w.mapHeader(7);
  w.bulk('server');
  w.bulk('redis');
  w.bulk('version');
  w.bulk(REDIS_VERSION);
  w.bulk('proto');
  w.integer(w.resp);
  w.bulk('id');
  w.integer(c.id);
  w.bulk('mode');
  w.bulk('standalone');
  w.bulk('role');
  w.bulk(c.server.isReplica ? 'replica' : 'master');
  w.bulk('modules');
  w.arrayHeader(0);
}

/** RESET: back to a fresh connection's state (clearClientConnectionState), +RESET. */
function resetCommand(c: Client): void {
  c.server.resetClient(c);
  c.w.simple('RESET');
}

export const connectionCommands: HandlerTable = {
  ping: pingCommand,
  echo: echoCommand,
  quit: quitCommand,
  select: selectCommand,
  auth: authCommand,
  hello: helloCommand,
  reset: resetCommand,
};
