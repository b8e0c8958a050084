/**
 * Pub/Sub state and delivery (Redis's pubsub.c): channel, pattern and shard-channel
 * subscriptions, PUBLISH fan-out, and the keyspace-notification publisher (notify.c).
 */
import type { Client } from '../network/client.js';
import type { Server } from '../server.js';
import { globMatch } from '../util/glob.js';
import { NOTIFY, parseNotifyFlags } from '../config/definitions.js';
import { notAllowedWhileSubscribed } from '../errors.js';

/** One client's subscriptions (c->pubsub_channels, pubsub_patterns, pubsubshard_channels). */
interface ClientSubs {
  channels: Set<string>;
  patterns: Set<string>;
  shard: Set<string>;
}

export class PubSub {
  readonly channels = new Map<string, Set<Client>>();
  readonly patterns = new Map<string, Set<Client>>();
  readonly shardChannels = new Map<string, Set<Client>>();
  private readonly subs = new WeakMap<Client, ClientSubs>();
  /** Keyspace notifications published (counted for INFO). */
  keyspaceNotifications = 0;
  private notifyFlags = 0;

  constructor(private readonly server: Server) {
    const cfg = server.config;
    this.notifyFlags = parseNotifyFlags(cfg.get('notify-keyspace-events')) ?? 0;
    cfg.onChange('notify-keyspace-events', (v) => (this.notifyFlags = parseNotifyFlags(v) ?? 0));
    this.readLimits(cfg.get('client-output-buffer-limit'));
    cfg.onChange('client-output-buffer-limit', (v) => this.readLimits(v));
    server.keyspaceEventListeners.push((type, event, key, db) => this.notifyKeyspaceEvent(type, event, key, db));
    server.clientClosedListeners.push((c) => this.dropClient(c, false));
    server.resetListeners.push((c) => this.dropClient(c, false));
    server.idleTimeoutExemptions.push((c) => c.subscriptionCount > 0);
    // processCommand: a RESP2 subscriber may only (un)subscribe, PING, QUIT or RESET.
    server.gates.push((c, cmd) =>
      c.subscriptionCount > 0 && c.w.resp === 2 && !ALLOWED_WHILE_SUBSCRIBED.has(cmd.fullName)
        ? notAllowedWhileSubscribed(cmd.fullName)
        : null,
    );
  }

  get numChannels(): number {
    return this.channels.size;
  }
  get numPatterns(): number {
    return this.patterns.size;
  }
  get numShardChannels(): number {
    return this.shardChannels.size;
  }

  private of(c: Client): ClientSubs {
    let s = this.subs.get(c);
    if (s === undefined) {
      s = { channels: new Set(), patterns: new Set(), shard: new Set() };
      this.subs.set(c, s);
    }
    return s;
  }

  private recount(c: Client, s: ClientSubs): void {
    c.subscriptionCount = s.channels.size + s.patterns.size + s.shard.size;
  }

  /** SUBSCRIBE / PSUBSCRIBE / SSUBSCRIBE (pubsubSubscribeChannel, pubsubSubscribePattern). */
  subscribe(c: Client, kind: 'channel' | 'pattern' | 'shard', names: readonly string[]): void {
    const s = this.of(c);
    const [mine, global, word] = this.pick(s, kind, 'subscribe');
    for (const name of names) {
      if (!mine.has(name)) {
        mine.add(name);
        let set = global.get(name);
        if (set === undefined) global.set(name, (set = new Set()));
        set.add(c);
      }
      this.recount(c, s);
      asPush(c, () => {
        c.w.pushHeader(3);
        c.w.bulk(word);
        c.w.bulk(name);
        c.w.integer(kind === 'shard' ? s.shard.size : s.channels.size + s.patterns.size);
      });
    }
  }

  /** UNSUBSCRIBE / PUNSUBSCRIBE / SUNSUBSCRIBE; no names means all of that kind. */
  unsubscribe(c: Client, kind: 'channel' | 'pattern' | 'shard', names: readonly string[] | null, notify = true): void {
    const s = this.of(c);
    const [mine, global, word] = this.pick(s, kind, 'unsubscribe');
    const list = names ?? [...mine];
    if (list.length === 0 && notify) {
      asPush(c, () => {
        c.w.pushHeader(3);
        c.w.bulk(word);
        c.w.nullBulk();
        c.w.integer(kind === 'shard' ? s.shard.size : s.channels.size + s.patterns.size);
      });
      return;
    }
    for (const name of list) {
      if (mine.delete(name)) {
        const set = global.get(name);
        if (set !== undefined) {
          set.delete(c);
          if (set.size === 0) global.delete(name);
        }
      }
      this.recount(c, s);
      if (!notify) continue;
      asPush(c, () => {
        c.w.pushHeader(3);
        c.w.bulk(word);
        c.w.bulk(name);
        c.w.integer(kind === 'shard' ? s.shard.size : s.channels.size + s.patterns.size);
      });
    }
  }

  private pick(s: ClientSubs, kind: 'channel' | 'pattern' | 'shard', verb: string): [Set<string>, Map<string, Set<Client>>, string] {
    if (kind === 'channel') return [s.channels, this.channels, verb];
    if (kind === 'pattern') return [s.patterns, this.patterns, 'p' + verb];
    return [s.shard, this.shardChannels, 's' + verb];
  }

  /** RESET and disconnect drop every subscription silently (pubsubUnsubscribeAll*(c, 0)). */
  dropClient(c: Client, _notify: boolean): void {
    const s = this.subs.get(c);
    if (s === undefined) return;
    this.unsubscribe(c, 'channel', null, false);
    this.unsubscribe(c, 'pattern', null, false);
    this.unsubscribe(c, 'shard', null, false);
    this.subs.delete(c);
    c.subscriptionCount = 0;
  }

  subscriptionsOf(c: Client): { channels: number; patterns: number; shard: number } {
    const s = this.subs.get(c);
    return s === undefined ? { channels: 0, patterns: 0, shard: 0 } : { channels: s.channels.size, patterns: s.patterns.size, shard: s.shard.size };
  }

  /**
   * pubsubPublishMessage: channel subscribers, then every matching pattern. Returns receivers.
   * Each frame is encoded once per protocol and copied into every subscriber's buffer (a
   * fan-out to many subscribers costs one copy each, not a re-encoding).
   */
  publish(channel: string, message: string, shard = false): number {
    let receivers = 0;
    const direct = (shard ? this.shardChannels : this.channels).get(channel);
    if (direct !== undefined) {
      const frame = new Frames(shard ? SMESSAGE : MESSAGE, `${bulk(channel)}${bulk(message)}`);
      for (const t of direct) {
        pushFrame(t, frame.for(t.w.resp));
        this.delivered(t);
        receivers++;
      }
    }
    if (shard) return receivers;
    for (const [pattern, clients] of this.patterns) {
      if (!globMatch(pattern, channel)) continue;
      const frame = new Frames(PMESSAGE, `${bulk(pattern)}${bulk(channel)}${bulk(message)}`);
      for (const t of clients) {
        pushFrame(t, frame.for(t.w.resp));
        this.delivered(t);
        receivers++;
      }
    }
    return receivers;
  }

  private delivered(t: Client): void {
    t.markPendingWrite();
    if (this.hardLimit !== 0 || this.softLimit !== 0) this.checkOutputLimit(t);
  }

  /**
   * checkClientOutputBufferLimits for the pubsub class: a subscriber over the hard limit, or over
   * the soft limit for longer than soft-seconds, is closed (asynchronously, as freeClientAsync),
   * so one reader that stopped reading cannot grow the server's memory without bound.
   */
  private checkOutputLimit(t: Client): void {
    const used = t.outputBytes;
    const now = this.server.nowMs;
    const hard = this.hardLimit !== 0 && used >= this.hardLimit;
    let soft = false;
    if (this.softLimit !== 0 && used >= this.softLimit) {
      const since = this.softSince.get(t);
      if (since === undefined) {
        this.softSince.set(t, now);
        this.softCount++;
      } else if (now - since >= this.softSeconds * 1000) soft = true;
    } else {
      this.forgetSoft(t);
    }
    if (!hard && !soft) return;
    this.forgetSoft(t);
    if (this.closing.has(t)) return;
    this.closing.add(t);
    this.server.log.warning(`Client id=${t.id} closed for overcoming of output buffer limits.`);
    setImmediate(() => t.close());
    // Stop queueing more for it right away.
    t.w.discard();
  }

  private hardLimit = 0;
  private softLimit = 0;
  private softSeconds = 0;
  private readonly softSince = new WeakMap<Client, number>();
  /** Entries set in softSince (stale ones of closed clients included): 0 skips the lookups. */
  private softCount = 0;
  private forgetSoft(t: Client): void {
    if (this.softCount !== 0 && this.softSince.delete(t)) this.softCount--;
  }
  private readonly closing = new WeakSet<Client>();

  private readLimits(value: string): void {
    const words = value.split(' ');
    const i = words.indexOf('pubsub');
    if (i === -1) return;
    this.hardLimit = Number(words[i + 1]);
    this.softLimit = Number(words[i + 2]);
    this.softSeconds = Number(words[i + 3]);
  }

  /** notifyKeyspaceEvent (notify.c). */
  notifyKeyspaceEvent(type: number, event: string, key: string, db: number): void {
    const flags = this.notifyFlags;
    if ((flags & type) === 0) return;
    this.keyspaceNotifications++;
    if (flags & NOTIFY.KEYSPACE) this.publish(`__keyspace@${db}__:${key}`, event);
    if (flags & NOTIFY.KEYEVENT) this.publish(`__keyevent@${db}__:${event}`, key);
  }
}

/** The commands a RESP2 subscriber may send (processCommand's pubsub-context check). */
const ALLOWED_WHILE_SUBSCRIBED = new Set(['ping', 'subscribe', 'ssubscribe', 'unsubscribe', 'sunsubscribe', 'psubscribe', 'punsubscribe', 'quit', 'reset']);

export function subscribedContextAllows(name: string): boolean {
  return ALLOWED_WHILE_SUBSCRIBED.has(name);
}

/**
 * Pub/sub messages and subscription confirmations are pushes: like Redis's CLIENT_PUSHING
 * they are written even while CLIENT REPLY is OFF or SKIP.
 */
function asPush(c: Client, write: () => void): void {
  const muted = c.w.muted;
  c.w.muted = false;
  try {
    write();
  } finally {
    c.w.muted = muted;
  }
}

/** A push written to `c` outside its own replies (tracking invalidations), sent with the next flush. */
export function pushTo(c: Client, write: () => void): void {
  asPush(c, write);
  c.markPendingWrite();
}

/** The fixed start of each kind of message frame, after the length prefix (`*n` or `>n`). */
const MESSAGE = { n: 3, head: '$7\r\nmessage\r\n' };
const SMESSAGE = { n: 3, head: '$8\r\nsmessage\r\n' };
const PMESSAGE = { n: 4, head: '$8\r\npmessage\r\n' };

function bulk(s: string): string {
  return `$${s.length}\r\n${s}\r\n`;
}

/** One message frame, encoded on first use for RESP2 (an array) and RESP3 (a push). */
class Frames {
  private resp2: string | null = null;
  private resp3: string | null = null;
  constructor(
    private readonly kind: { n: number; head: string },
    private readonly body: string,
  ) {}

  for(resp: number): string {
    if (resp === 2) return (this.resp2 ??= `*${this.kind.n}\r\n${this.kind.head}${this.body}`);
    return (this.resp3 ??= `>${this.kind.n}\r\n${this.kind.head}${this.body}`);
  }
}

/** Appends an encoded push to `c`'s output even under CLIENT REPLY OFF/SKIP (see asPush). */
function pushFrame(c: Client, frame: string): void {
  const w = c.w;
  const muted = w.muted;
  w.muted = false;
  w.raw(frame);
  w.muted = muted;
}
