/**
 * MONITOR (replicationFeedMonitors): every executed command, except admin and skip-monitor
 * ones, is sent to monitoring clients as `+<unix time>.<usec> [<db> <addr>] "arg" ...`.
 */
import type { HandlerTable } from './registry.js';
import type { Client } from '../network/client.js';
import type { Command } from './registry.js';
import type { Server } from '../server.js';
import { MONITOR_DENY_BLOCKING } from '../errors.js';

/** sdscatrepr: a quoted, escaped rendering of binary-safe bytes. */
export function catRepr(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    switch (ch) {
      case 0x5c: out += '\\\\'; break;
      case 0x22: out += '\\"'; break;
      case 0x0a: out += '\\n'; break;
      case 0x0d: out += '\\r'; break;
      case 0x09: out += '\\t'; break;
      case 0x07: out += '\\a'; break;
      case 0x08: out += '\\b'; break;
      default:
        out += ch >= 0x20 && ch <= 0x7e ? s[i] : '\\x' + ch.toString(16).padStart(2, '0');
    }
  }
  return out + '"';
}

/** redactClientCommandArgument: AUTH's credentials and HELLO's AUTH pair never reach monitors. */
function redacted(cmd: Command, argv: readonly string[]): readonly string[] {
  const name = cmd.fullName;
  if (name === 'auth') return argv.map((a, i) => (i === 0 ? a : '(redacted)'));
  if (name === 'hello') {
    const out = argv.slice();
    for (let j = 2; j < out.length; j++) {
      if (out[j]!.toLowerCase() === 'auth' && j + 2 < out.length) {
        out[j + 1] = '(redacted)';
        out[j + 2] = '(redacted)';
        j += 2;
      }
    }
    return out;
  }
  return argv;
}

/** The monitoring clients of a server, installed on first MONITOR. */
class Monitors {
  readonly clients = new Set<Client>();
  constructor(private readonly server: Server) {
    server.commandListeners.push((c, cmd, argv) => this.feed(c, cmd, argv));
    server.clientClosedListeners.push((c) => this.clients.delete(c));
    server.resetListeners.push((c) => this.clients.delete(c));
    server.idleTimeoutExemptions.push((c) => this.clients.has(c));
  }

  private feed(c: Client, cmd: Command, argv: readonly string[]): void {
    if (this.clients.size === 0) return;
    const flags = cmd.flagSet;
    if (flags.has('ADMIN') || flags.has('SKIP_MONITOR')) return;
    const nowUs = Math.floor((this.server.clockOffsetMs + this.server.clock) * 1000);
    const sec = Math.floor(nowUs / 1e6);
    const usec = String(nowUs % 1e6).padStart(6, '0');
    const addr = c.isUnixSocket ? `unix:${this.server.config.get('unixsocket')}` : c.addr;
    let line = `${sec}.${usec} [${c.db.id} ${addr}]`;
    for (const a of redacted(cmd, argv)) line += ' ' + catRepr(a);
    for (const m of this.clients) {
      m.w.simple(line);
      this.server.addPendingWrite(m);
    }
  }
}

const installed = new WeakMap<Server, Monitors>();

/** True when some client is in MONITOR mode. */
export function monitoring(server: Server): boolean {
  const m = installed.get(server);
  return m !== undefined && m.clients.size !== 0;
}

export const monitorCommands: HandlerTable = {
  monitor: (c) => {
    if (c.inMulti) throw MONITOR_DENY_BLOCKING;
    let m = installed.get(c.server);
    if (m === undefined) installed.set(c.server, (m = new Monitors(c.server)));
    if (m.clients.has(c)) return;
    m.clients.add(c);
    c.w.ok();
  },
};
