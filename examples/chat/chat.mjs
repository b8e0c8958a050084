// The same chat room with a Node client (node-redis): interoperates with chat.py.
//
//   node examples/chat/chat.mjs bob               -> joins room "lobby" on localhost:6379
//   node examples/chat/chat.mjs bob kitchen 7000  -> room "kitchen" on port 7000 (also: NODIS_PORT)
//
// A room is a pub/sub channel, chat:<room>; every message is also appended to the list
// chat:<room>:history (the last 100 are kept); whoever joins is first shown the last 10.
// Type a line and press Enter to send it; Ctrl-D (end of input) leaves the room.
import readline from 'node:readline';
import { createClient } from 'redis';

const HISTORY_KEEP = 100;
const HISTORY_SHOWN = 10;

const [name = 'anonymous', room = 'lobby', portArg] = process.argv.slice(2);
const port = Number(portArg ?? process.env.NODIS_PORT ?? 6379);
const channel = `chat:${room}`;
const history = `chat:${room}:history`;

const client = createClient({ socket: { host: 'localhost', port } });
client.on('error', (e) => console.error(`connection error: ${e.message}`));
await client.connect();
// A subscribed connection can only (un)subscribe, so listening needs a second one.
const subscriber = client.duplicate();
await subscriber.connect();

/** One transaction: the history and the live subscribers see the same messages, in order. */
async function send(text) {
  await client.multi().rPush(history, text).lTrim(history, -HISTORY_KEEP, -1).publish(channel, text).exec();
}

// Subscribe first, then read the history: a message sent in between is shown twice rather
// than missed.
await subscriber.subscribe(channel, (message) => console.log(message));
const past = await client.lRange(history, -HISTORY_SHOWN, -1);
if (past.length > 0) {
  console.log(`--- last ${past.length} message${past.length > 1 ? 's' : ''} in #${room} ---`);
  for (const line of past) console.log(line);
}
console.log(`--- you are ${name} in #${room}; type a message and press Enter, Ctrl-D to leave ---`);

await send(`* ${name} joined`);
// Lines are sent one after another, so they arrive in the order they were typed.
for await (const line of readline.createInterface({ input: process.stdin })) {
  if (line !== '') await send(`${name}: ${line}`);
}
await send(`* ${name} left`);
await subscriber.quit();
await client.quit();
