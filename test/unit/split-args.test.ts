/** splitArgs follows Redis's sdssplitargs (inline commands, redis.conf lines, redis-cli). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { splitArgs } from '../../src/util/split-args.js';

test('whitespace separates; leading/trailing spaces, tabs, CR, LF, VT, FF are skipped', () => {
  assert.deepEqual(splitArgs('a b  c'), ['a', 'b', 'c']);
  assert.deepEqual(splitArgs(' \t\r\n\v\fa\t'), ['a']);
  assert.deepEqual(splitArgs(''), []);
  assert.deepEqual(splitArgs('   '), []);
  // Inside a token only space, \n, \r, \t end it (not \v or \f).
  assert.deepEqual(splitArgs('a\vb c\fd'), ['a\vb', 'c\fd']);
});

test('double quotes: C escapes and \\xHH', () => {
  assert.deepEqual(splitArgs('"a b" c'), ['a b', 'c']);
  assert.deepEqual(splitArgs('""'), ['']);
  assert.deepEqual(splitArgs('"\\x41\\x4a\\xff\\x00"'), ['AJ\xff\x00']);
  assert.deepEqual(splitArgs('"\\n\\r\\t\\b\\a\\\\\\""'), ['\n\r\t\b\x07\\"']);
  assert.deepEqual(splitArgs('"\\q"'), ['q']);
  // \x without two hex digits is just an escaped 'x'.
  assert.deepEqual(splitArgs('"\\xZZ"'), ['xZZ']);
  assert.deepEqual(splitArgs('"\\x4"'), ['x4']);
});

test("single quotes: only \\' is an escape", () => {
  assert.deepEqual(splitArgs("'a\\'b'"), ["a'b"]);
  assert.deepEqual(splitArgs("'a\\nb'"), ['a\\nb']);
  assert.deepEqual(splitArgs("'a \"b\"'"), ['a "b"']);
});

test('a quote inside a bare token opens a quoted section of the same argument', () => {
  assert.deepEqual(splitArgs('foo"bar baz"'), ['foobar baz']);
  assert.deepEqual(splitArgs("x'y z'"), ['xy z']);
});

test('unbalanced quotes and a closing quote not followed by a space are errors', () => {
  assert.equal(splitArgs('"abc'), null);
  assert.equal(splitArgs("'abc"), null);
  assert.equal(splitArgs('"abc"def'), null);
  assert.equal(splitArgs("'abc'def"), null);
  assert.equal(splitArgs('"abc\\"'), null);
  assert.deepEqual(splitArgs('"abc" def'), ['abc', 'def']);
  assert.deepEqual(splitArgs('"abc"\tdef'), ['abc', 'def']);
});

test('bytes 128-255 pass through unchanged', () => {
  const high = Array.from({ length: 128 }, (_, i) => String.fromCharCode(128 + i)).join('');
  assert.deepEqual(splitArgs(`set ${high}`), ['set', high]);
});
