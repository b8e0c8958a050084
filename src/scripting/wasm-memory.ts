/**
 * lua-redis-wasm is built with a fixed 64 MB WebAssembly memory (1024 pages, no growth), so
 * a script building a 30 MB string aborts the module, where Redis's Lua just allocates. The
 * memory section of the binary is rewritten at load time to a larger fixed size: the module's
 * allocator uses whatever the memory holds. Untouched pages cost no RAM. The rewrite is in
 * place (same LEB128 length) and only applied when the section is exactly what is expected.
 */
import { readFileSync } from 'node:fs';

/** 16383 pages of 64 KB (just under 1 GB): the largest size whose LEB128 is still two bytes. */
const PAGES = 16383;

function leb(bytes: Uint8Array, at: number): [value: number, length: number] {
  let value = 0;
  let shift = 0;
  let i = at;
  for (;;) {
    const b = bytes[i++]!;
    value += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if ((b & 0x80) === 0) return [value, i - at];
  }
}

export function widenedWasm(href: string): Uint8Array | undefined {
  const bytes = new Uint8Array(readFileSync(new URL(href)));
  let pos = 8;
  while (pos < bytes.length) {
    const id = bytes[pos++]!;
    const [size, n] = leb(bytes, pos);
    pos += n;
    if (id === 5) {
      // count 1, flags 1 (has max), initial 1024, max 1024: each a two-byte LEB128.
      const count = bytes[pos];
      const flags = bytes[pos + 1];
      const [initial, li] = leb(bytes, pos + 2);
      const [max, lm] = leb(bytes, pos + 2 + li);
      if (count !== 1 || flags !== 1 || li !== 2 || lm !== 2 || initial !== 1024 || max !== 1024) return undefined;
      const encoded = [(PAGES & 0x7f) | 0x80, PAGES >> 7];
      bytes.set(encoded, pos + 2);
      bytes.set(encoded, pos + 4);
      return bytes;
    }
    pos += size;
  }
  return undefined;
}
