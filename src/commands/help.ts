import type { Client } from '../network/client.js';

/** addReplyHelp: the lines as status replies (the first names the command and its subcommands). */
export function replyHelp(c: Client, lines: readonly string[]): void {
  c.w.arrayHeader(lines.length);
  for (const line of lines) c.w.simple(line);
}
