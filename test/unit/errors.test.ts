/**
 * Guards issue #2's rule "Errors are exact. Redis's error strings, in one module": reply
 * error texts live in src/errors.ts as named constants or builders, never inline at a call
 * site, so every text can be checked against Redis in one place and reused as is.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { err, ReplyError, subcommandSyntax, truncate } from '../../src/errors.js';

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src');

/**
 * Files (or, ending in '/', whole folders) whose error texts have not moved yet: their areas
 * were being reworked when the rule was enforced. Shrink this as each moves its texts into
 * src/errors.ts; an entry with nothing left to move is reported as a diagnostic.
 */
const PENDING: readonly string[] = [
  'scripting/',
];

const pendingEntry = (rel: string): string | undefined =>
  PENDING.find((p) => (p.endsWith('/') ? rel.startsWith(p) : rel === p));

/** Error codes Redis puts in front of a reply error's text. */
const CODES =
  'ERR|WRONGTYPE|NOSCRIPT|BUSY|BUSYKEY|BUSYGROUP|NOTBUSY|UNKILLABLE|NOAUTH|WRONGPASS|NOPERM|NOPROTO|EXECABORT|' +
  'LOADING|MISCONF|READONLY|OOM|NOREPLICAS|MASTERDOWN|NOGROUP|UNBLOCKED|CROSSSLOT|CLUSTERDOWN|TRYAGAIN';

const INLINE: readonly [string, RegExp][] = [
  ['err(<literal>)', /\berr\(\s*['"`]/],
  ['new ReplyError(', /\bnew ReplyError\(/],
  ['a string literal starting with an error code', new RegExp(`['"\`](?:${CODES}) [^'"\`\\s]`)],
];

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p));
    else if (name.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** "file:line: kind: text" for every inline error text in the file. */
function inlineErrors(file: string): string[] {
  const rel = path.relative(SRC, file).split(path.sep).join('/');
  const found: string[] = [];
  const lines = readFileSync(file, 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    // A call split over lines: the literal may start on the next one.
    const text = lines[i]!.endsWith('(') && i + 1 < lines.length ? lines[i]! + lines[i + 1]!.trim() : lines[i]!;
    const hit = INLINE.find(([, re]) => re.test(text));
    if (hit !== undefined) found.push(`${rel}:${i + 1}: ${hit[0]}: ${lines[i]!.trim().slice(0, 100)}`);
  }
  return found;
}

test('error texts live in src/errors.ts, not inline at call sites', (t) => {
  const offenders: string[] = [];
  const stillPending = new Set<string>();
  for (const file of sourceFiles(SRC)) {
    const rel = path.relative(SRC, file).split(path.sep).join('/');
    if (rel === 'errors.ts') continue;
    const found = inlineErrors(file);
    const pending = pendingEntry(rel);
    if (pending !== undefined) {
      if (found.length > 0) stillPending.add(pending);
      continue;
    }
    offenders.push(...found);
  }
  assert.deepEqual(offenders, [], 'move these texts into src/errors.ts (a named constant, or a builder for parameters)');
  for (const rel of PENDING) {
    if (!stillPending.has(rel)) t.diagnostic(`${rel} has no inline error texts left: remove it from PENDING`);
  }
});

test('err() adds the ERR code; ReplyError.code is the first word', () => {
  assert.equal(err('syntax error').reply, 'ERR syntax error');
  assert.equal(err('syntax error').code, 'ERR');
  assert.equal(new ReplyError('WRONGTYPE Operation against a key holding the wrong kind of value').code, 'WRONGTYPE');
  assert.equal(new ReplyError('ERR').code, 'ERR');
});

test('builders format as Redis does (%.128s truncation)', () => {
  const long = 'x'.repeat(200);
  assert.equal(truncate(long).length, 128);
  assert.equal(
    subcommandSyntax(long, 'CLIENT').reply,
    `ERR unknown subcommand or wrong number of arguments for '${'x'.repeat(128)}'. Try CLIENT HELP.`,
  );
});
