/**
 * Redis 7's multi-part AOF manifest (aof.c: aofLoadManifestFromFile, getAofManifestAsString):
 * one line per file, `file <name> seq <n> type <b|h|i>`, the base first, then history
 * files (replaced, waiting to be deleted), then the incremental files in order. Names are
 * quoted the way sdssplitargs reads them when they need it.
 */
import { splitArgs } from '../../util/split-args.js';

export type AofFileType = 'b' | 'h' | 'i';

export interface AofFileInfo {
  readonly name: string;
  readonly seq: number;
  readonly type: AofFileType;
}

export interface AofManifest {
  base: AofFileInfo | null;
  incr: AofFileInfo[];
  history: AofFileInfo[];
}

export class ManifestError extends Error {}

export function emptyManifest(): AofManifest {
  return { base: null, incr: [], history: [] };
}

/** The sequence the next incremental (or base) file gets. */
export function nextIncrSeq(m: AofManifest): number {
  return m.incr.length === 0 ? 1 : m.incr[m.incr.length - 1]!.seq + 1;
}

export function nextBaseSeq(m: AofManifest): number {
  return m.base === null ? 1 : m.base.seq + 1;
}

/** Parses a manifest; throws ManifestError with Redis's wording for what is wrong. */
export function parseManifest(text: string): AofManifest {
  const m = emptyManifest();
  let lastIncrSeq = 0;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.length > 1024) throw new ManifestError('The AOF manifest file contains too long line');
    const words = splitArgs(line);
    if (words === null || words.length < 6 || words.length % 2 !== 0) throw new ManifestError('Invalid AOF manifest file format');
    const fields = new Map<string, string>();
    for (let i = 0; i < words.length; i += 2) fields.set(words[i]!, words[i + 1]!);
    const name = fields.get('file');
    const seq = Number(fields.get('seq'));
    const type = fields.get('type');
    if (name === undefined || !Number.isSafeInteger(seq) || (type !== 'b' && type !== 'h' && type !== 'i')) {
      throw new ManifestError('Invalid AOF manifest file format');
    }
    const info: AofFileInfo = { name, seq, type };
    if (type === 'b') {
      if (m.base !== null) throw new ManifestError('Found duplicate base file information');
      m.base = info;
    } else if (type === 'h') {
      m.history.push(info);
    } else {
      if (seq <= lastIncrSeq) throw new ManifestError('Found a non-monotonic sequence number');
      lastIncrSeq = seq;
      m.incr.push(info);
    }
  }
  if (m.base === null && m.incr.length === 0) throw new ManifestError('Found an empty AOF manifest');
  return m;
}

function quoted(name: string): string {
  if (/^[\x21-\x7e]+$/.test(name) && !/["'\\]/.test(name)) return name;
  let out = '"';
  for (const ch of name) {
    const code = ch.charCodeAt(0);
    if (ch === '\\' || ch === '"') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code > 0x7e) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

export function formatManifest(m: AofManifest): string {
  const line = (f: AofFileInfo): string => `file ${quoted(f.name)} seq ${f.seq} type ${f.type}\n`;
  return [...(m.base === null ? [] : [m.base]), ...m.history, ...m.incr].map(line).join('');
}
