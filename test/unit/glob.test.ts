import { test } from 'node:test';
import assert from 'node:assert/strict';
import { globMatch } from '../../src/util/glob.js';

test('glob: Redis stringmatchlen semantics', () => {
  const cases: [string, string, boolean][] = [
    ['*', '', false], // as stringmatchlen: only KEYS's "*" shortcut matches an empty key
    ['*', 'anything', true],
    ['h?llo', 'hello', true],
    ['h?llo', 'hllo', false],
    ['h*llo', 'heeeello', true],
    ['h[ae]llo', 'hallo', true],
    ['h[ae]llo', 'hillo', false],
    ['h[^e]llo', 'hallo', true],
    ['h[^e]llo', 'hello', false],
    ['h[a-b]llo', 'hbllo', true],
    ['h[b-a]llo', 'hallo', true],
    ['h\\*llo', 'h*llo', true],
    ['h\\*llo', 'hello', false],
    ['[abc', 'a', true],
    ['a[', 'a[', false],
    ['*a*a*a*a*a*a*a*a*b', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', false],
    ['user:*:name', 'user:42:name', true],
    ['\\', '\\', true],
    ['a\\', 'a\\', true],
    ['[\\]]', ']', true],
  ];
  for (const [p, s, expected] of cases) assert.equal(globMatch(p, s), expected, `${p} ~ ${s}`);
  assert.equal(globMatch('HELLO', 'hello', true), true);
  assert.equal(globMatch('[A-Z]', 'q', true), true);
});
