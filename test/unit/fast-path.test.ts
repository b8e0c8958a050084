/**
 * The lexical checks of src/scripting/fast-path.ts: which scripts may run on the server
 * thread, and which may be batched (their KEYS/ARGV only indexed, counted or passed on).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mainThreadEligible, batchWrapper } from '../../src/scripting/fast-path.js';

const TOKEN = 'nodis:batch:test';

test('server-thread eligibility: denied names, `["field"]` indexes and NaN-making operators', () => {
  assert.equal(mainThreadEligible("return redis.call('GET', KEYS[1])"), true);
  assert.equal(mainThreadEligible('return cjson.encode({1, 2})'), true);
  // Lexical: redis.pcall is the name `pcall` too, so it stays on the worker with pcall().
  assert.equal(mainThreadEligible("return redis.pcall('GET', KEYS[1])"), false);
  assert.equal(mainThreadEligible("redis.log(redis.LOG_WARNING, 'x')"), false);
  assert.equal(mainThreadEligible("return redis['setresp'](3)"), false);
  assert.equal(mainThreadEligible('return redis[ [[error_reply]] ]("x")'), false);
  assert.equal(mainThreadEligible('return 1 / 0'), false);
  assert.equal(mainThreadEligible('return 7 % 2'), false);
  assert.equal(mainThreadEligible('return 2 ^ 3'), false);
  // Names inside comments and strings don't count.
  assert.equal(mainThreadEligible("-- redis.log here\nreturn 'pcall / format'"), true);
  assert.equal(mainThreadEligible('--[==[ error() ]==] return 1'), true);
  // Unterminated long comments can't be judged.
  assert.equal(mainThreadEligible('--[[ never closed'), false);
});

test('batching: KEYS and ARGV indexed, counted or passed on', () => {
  for (const body of [
    "return redis.call('GET', KEYS[1])",
    'return #KEYS + #ARGV',
    "return redis.call('DEL', unpack(KEYS))",
    "return table.concat(ARGV, ',')",
    'local t = {KEYS}',
    'return ARGV[1] .. KEYS[1]',
    "return {KEYS[1], ARGV}",
    'local x = f(KEYS, ARGV)',
  ]) {
    assert.notEqual(batchWrapper(body, TOKEN), null, body);
  }
});

test('batching: any other use of KEYS or ARGV keeps a script out', () => {
  for (const body of [
    'KEYS = {}',
    'local k = KEYS return k[1]',
    'return KEYS',
    'return ARGV .. "x"',
    'return KEYS()',
    'return KEYS:len()',
    'return ARGV.n',
    'return t.KEYS',
    'return KEYS + 1',
  ]) {
    assert.equal(batchWrapper(body, TOKEN), null, body);
  }
});

test('batching: the wrapper keeps line numbers and only gives the body `...` when it uses it', () => {
  const plain = batchWrapper("local x = 1\nreturn redis.call('GET', KEYS[1])", TOKEN)!;
  const bodyStart = plain.indexOf('local x = 1');
  assert.equal(plain.slice(0, bodyStart).includes('\n'), false, 'the body starts on line 1');
  assert.match(plain, /= function\(\) local x = 1/);
  assert.match(batchWrapper('return select("#", ...)', TOKEN)!, /= function\(\.\.\.\) return select/);
  // A body can't name the boundary.
  assert.equal(batchWrapper(`return redis.call('${TOKEN}')`, TOKEN), null);
});
