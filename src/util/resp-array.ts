/** An array of strings as a RESP multibulk, in latin1 (one char per byte): AOF commands, script replies. */
export function encodeCommand(argv: readonly string[]): string {
  let out = `*${argv.length}\r\n`;
  for (const arg of argv) out += `$${arg.length}\r\n${arg}\r\n`;
  return out;
}
