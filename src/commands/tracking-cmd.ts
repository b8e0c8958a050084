/**
 * CLIENT TRACKING|CACHING|GETREDIR|TRACKINGINFO (networking.c clientCommand); the tracking
 * itself lives in src/tracking/tracking.ts.
 */
import type { HandlerTable } from './registry.js';
import type { Client } from '../network/client.js';
import type { TrackingOptions } from '../tracking/tracking.js';
import {
  NOT_INTEGER,
  SYNTAX,
  CACHING_NOT_TRACKING,
  CACHING_NO_NEEDS_OPTOUT,
  CACHING_YES_NEEDS_OPTIN,
  TRACKING_BCAST_SWITCH,
  TRACKING_ONE_REDIRECT,
  TRACKING_OPTIN_AND_OPTOUT,
  TRACKING_OPTIN_OPTOUT_BCAST,
  TRACKING_OPTIN_OPTOUT_SWITCH,
  TRACKING_PREFIX_NEEDS_BCAST,
  TRACKING_REDIRECT_MISSING,
} from '../errors.js';
import { parseInt64 } from '../util/numbers.js';

/** CLIENT TRACKING ON|OFF [REDIRECT id] [PREFIX p ...] [BCAST] [OPTIN] [OPTOUT] [NOLOOP] */
function clientTracking(c: Client, argv: string[]): void {
  const o: TrackingOptions = { redirect: 0, bcast: false, optin: false, optout: false, noloop: false, prefixes: [] };
  // Every option is parsed (and checked) before ON/OFF is looked at, as Redis does.
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j]!.toLowerCase();
    const more = j < argv.length - 1;
    if (opt === 'redirect' && more) {
      j++;
      if (o.redirect !== 0) throw TRACKING_ONE_REDIRECT;
      const id = parseInt64(argv[j]!);
      if (id === null) throw NOT_INTEGER;
      // The target must exist now, though it may go away later (then: tracking-redir-broken).
      if (id > BigInt(Number.MAX_SAFE_INTEGER) || !c.server.clients.has(Number(id))) {
        throw TRACKING_REDIRECT_MISSING;
      }
      o.redirect = Number(id);
    } else if (opt === 'bcast') o.bcast = true;
    else if (opt === 'optin') o.optin = true;
    else if (opt === 'optout') o.optout = true;
    else if (opt === 'noloop') o.noloop = true;
    else if (opt === 'prefix' && more) o.prefixes.push(argv[++j]!);
    else throw SYNTAX;
  }
  const mode = argv[2]!.toLowerCase();
  const tracking = c.server.tracking;
  if (mode === 'on') {
    const t = c.tracking;
    if (!o.bcast && o.prefixes.length > 0) throw TRACKING_PREFIX_NEEDS_BCAST;
    if (t !== null && t.bcast !== o.bcast) {
      throw TRACKING_BCAST_SWITCH;
    }
    if (o.bcast && (o.optin || o.optout)) throw TRACKING_OPTIN_OPTOUT_BCAST;
    if (o.optin && o.optout) throw TRACKING_OPTIN_AND_OPTOUT;
    if (t !== null && ((o.optin && t.optout) || (o.optout && t.optin))) {
      throw TRACKING_OPTIN_OPTOUT_SWITCH;
    }
    if (o.bcast) {
      const collision = tracking.prefixCollision(c, o.prefixes);
      if (collision !== null) {
        c.w.error(collision.error.reply);
        c.server.countError(collision.error.code);
        if (collision.stopsCommand) return;
      }
    }
    tracking.enable(c, o);
  } else if (mode === 'off') {
    tracking.disable(c);
  } else throw SYNTAX;
  c.w.ok();
}

/** CLIENT CACHING YES|NO: the next command's keys are (OPTIN) or are not (OPTOUT) tracked. */
function clientCaching(c: Client, argv: string[]): void {
  const t = c.tracking;
  if (t === null) throw CACHING_NOT_TRACKING;
  const opt = argv[2]!.toLowerCase();
  if (opt === 'yes') {
    if (!t.optin) throw CACHING_YES_NEEDS_OPTIN;
  } else if (opt === 'no') {
    if (!t.optout) throw CACHING_NO_NEEDS_OPTOUT;
  } else throw SYNTAX;
  t.caching = true;
  c.w.ok();
}

function clientTrackinginfo(c: Client): void {
  const t = c.tracking;
  const w = c.w;
  w.mapHeader(3);
  w.bulk('flags');
  const flags = [t !== null ? 'on' : 'off'];
  if (t !== null) {
    if (t.bcast) flags.push('bcast');
    if (t.optin) flags.push('optin');
    if (t.optin && t.caching) flags.push('caching-yes');
    if (t.optout) flags.push('optout');
    if (t.optout && t.caching) flags.push('caching-no');
    if (t.noloop) flags.push('noloop');
    if (t.brokenRedirect) flags.push('broken_redirect');
  }
  w.setHeader(flags.length);
  for (const f of flags) w.bulk(f);
  w.bulk('redirect');
  w.integer(t !== null ? t.redirect : -1);
  w.bulk('prefixes');
  const prefixes = t !== null ? [...t.prefixes].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)) : [];
  w.bulkArray(prefixes);
}

export const trackingCommands: HandlerTable = {
  'client|tracking': clientTracking,
  'client|caching': clientCaching,
  'client|getredir': (c) => c.w.integer(c.tracking !== null ? c.tracking.redirect : -1),
  'client|trackinginfo': clientTrackinginfo,
};
