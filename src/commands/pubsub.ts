/** SUBSCRIBE family, PUBLISH/SPUBLISH and PUBSUB introspection (pubsub.c); state in src/pubsub/pubsub.ts. */
import type { HandlerTable } from './registry.js';
import type { Client } from '../network/client.js';
import { globMatch } from '../util/glob.js';
import { replyHelp } from './help.js';

const HELP = [
  'PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CHANNELS [<pattern>]',
  '    Return the currently active channels matching a <pattern> (default: \'*\').',
  'NUMPAT',
  '    Return number of subscriptions to patterns.',
  'NUMSUB [<channel> ...]',
  '    Return the number of subscribers for the specified channels, excluding',
  '    pattern subscriptions(default: no channels).',
  'SHARDCHANNELS [<pattern>]',
  '    Return the currently active shard level channels matching a <pattern> (default: \'*\').',
  'SHARDNUMSUB [<shardchannel> ...]',
  '    Return the number of subscribers for the specified shard level channel(s)',
  'HELP',
  '    Prints this help.',
];

function channelsReply(c: Client, names: Iterable<string>, pattern: string | undefined): void {
  const out: string[] = [];
  for (const n of names) if (pattern === undefined || globMatch(pattern, n)) out.push(n);
  c.w.bulkArray(out);
}

function numsubReply(c: Client, map: Map<string, Set<Client>>, names: readonly string[]): void {
  c.w.arrayHeader(names.length * 2);
  for (const n of names) {
    c.w.bulk(n);
    c.w.integer(map.get(n)?.size ?? 0);
  }
}

export const pubsubCommands: HandlerTable = {
  subscribe: (c, argv) => c.server.pubsub.subscribe(c, 'channel', argv.slice(1)),
  psubscribe: (c, argv) => c.server.pubsub.subscribe(c, 'pattern', argv.slice(1)),
  ssubscribe: (c, argv) => c.server.pubsub.subscribe(c, 'shard', argv.slice(1)),
  unsubscribe: (c, argv) => c.server.pubsub.unsubscribe(c, 'channel', argv.length > 1 ? argv.slice(1) : null),
  punsubscribe: (c, argv) => c.server.pubsub.unsubscribe(c, 'pattern', argv.length > 1 ? argv.slice(1) : null),
  sunsubscribe: (c, argv) => c.server.pubsub.unsubscribe(c, 'shard', argv.length > 1 ? argv.slice(1) : null),
  publish: (c, argv) => c.w.integer(c.server.pubsub.publish(argv[1]!, argv[2]!)),
  spublish: (c, argv) => c.w.integer(c.server.pubsub.publish(argv[1]!, argv[2]!, true)),
  'pubsub|channels': (c, argv) => channelsReply(c, c.server.pubsub.channels.keys(), argv[2]),
  'pubsub|shardchannels': (c, argv) => channelsReply(c, c.server.pubsub.shardChannels.keys(), argv[2]),
  'pubsub|numsub': (c, argv) => numsubReply(c, c.server.pubsub.channels, argv.slice(2)),
  'pubsub|shardnumsub': (c, argv) => numsubReply(c, c.server.pubsub.shardChannels, argv.slice(2)),
  'pubsub|help': (c) => replyHelp(c, HELP),
  'pubsub|numpat': (c) => c.w.integer(c.server.pubsub.numPatterns),
};
