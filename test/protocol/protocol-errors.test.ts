/**
 * Malformed and unusual requests, sent as raw bytes to nodis and to a real redis-server:
 * the bytes sent back and whether the connection is closed must be identical
 * (processInlineBuffer / processMultibulkBuffer: error, then close after the reply).
 */
import assert from 'node:assert/strict';
import { describe, before, after, test } from 'node:test';
import { hasRedis, startNodis, startRedis, type ExternalServer } from '../helpers/servers.js';
import type { RunningServer } from '../../src/index.js';
import { exchange } from './raw.js';

const PING = '*1\r\n$4\r\nPING\r\n';

/** [name, chunks]: each chunk is a separate write. */
const CASES: [string, (string | Buffer)[]][] = [
  ['non-numeric multibulk count', ['*abc\r\n']],
  ['negative bulk length', ['*1\r\n$-5\r\n']],
  ['non-$ bulk header', ['*3\r\nfoo\r\n']],
  ['expected $ got x', ['*1\r\nx\r\n']],
  ['expected $ got CR (shown as space)', ['*1\r\n\r\n']],
  ['expected $ got LF (shown as space)', ['*1\r\n\nabc\r\n']],
  ['multibulk count just past INT_MAX', ['*2147483648\r\n']],
  ['multibulk count 10^10', ['*10000000000\r\n']],
  ['multibulk count overflowing long long', ['*99999999999999999999\r\n']],
  ['negative multibulk count overflowing long long', ['*-99999999999999999999\r\n' + PING]],
  ['leading zero in count', ['*01\r\n']],
  ['plus sign in count', ['*+1\r\n']],
  ['empty count', ['*\r\n']],
  ['bulk length past proto-max-bulk-len', ['*1\r\n$536870913\r\n']],
  ['bulk length non numeric', ['*1\r\n$x\r\n']],
  ['unbalanced double quote inline', ['SET "a\r\n']],
  ['unbalanced single quote inline', ["SET 'a\r\n"]],
  ['closing quote followed by a letter', ['SET "a"b\r\n']],
  ['too big inline request', ['x'.repeat(70000)]],
  ['too big inline request after a command', ['PING\r\n' + 'x'.repeat(70000)]],
  ['too big mbulk count string', ['*' + '1'.repeat(70000)]],
  ['too big bulk count string', ['*1\r\n$' + '1'.repeat(70000)]],
  ['NUL hides the terminator until the limit', ['*1\x00\r\n' + 'y'.repeat(70000)]],
  ['LF-only lines and empty lines are ignored', ['\n\r\n\n' + PING]],
  ['*0 and *-1 run nothing', ['*0\r\n*-1\r\n' + PING]],
  ['inline with CR but no LF waits', ['PING\r']],
  ['incomplete header waits', ['*1\r']],
  ['incomplete type line waits', ['*1\r\nx']],
  ['byte after header CR is not checked', ['*1\rx$4\ryPINGzz' + PING]],
  ['inline commands and quoting', ['PING\r\nECHO "a\\x41\\n b"\r\nECHO \'x y\'\r\n  \t ECHO   spaced   \n']],
  ['pipeline mixing inline and multibulk', ['ECHO 1\r\n*2\r\n$4\r\nECHO\r\n$1\r\n2\r\nECHO 3\n']],
  ['command split across writes', ['*2\r\n$4\r', '\nECHO\r\n$5\r\nhel', 'lo\r\n']],
  ['error after valid commands in the same read', [PING + PING + '*x\r\n' + PING]],
  ['unknown inline command', ['NOSUCH a b\r\n']],
  ['an HTTP request is dropped without a reply (cross-protocol scripting)', ['POST / HTTP/1.1\r\nHost: localhost\r\n\r\n']],
  ['"Host:" as a multibulk command is dropped too', ['*2\r\n$5\r\nhOsT:\r\n$1\r\nx\r\n']],
  ['inline argument with binary escapes', ['ECHO "\\xff\\x00\\xfe"\r\n']],
  ['sdssplitargs corner cases', ['ECHO "\\xZZ"\r\nECHO foo"bar baz"\r\nECHO \'a\\nb\'\r\nECHO a\vb\r\nECHO "\\q\\a"\r\nECHO ""\r\n']],
];

describe('protocol errors and edge cases (differential, raw bytes)', { skip: hasRedis() ? false : 'redis-server not installed' }, () => {
  let nodis: RunningServer;
  let redis: ExternalServer;
  before(async () => {
    nodis = await startNodis();
    redis = await startRedis();
  });
  after(async () => {
    await nodis?.stop();
    await redis?.stop();
  });

  for (const [name, chunks] of CASES) {
    test(name, async () => {
      const [ours, theirs] = await Promise.all([exchange(nodis.port, chunks), exchange(redis.port, chunks)]);
      assert.deepEqual(ours, theirs);
    });
  }

  test('a bulk split one byte per write', async () => {
    const req = '*3\r\n$3\r\nSET\r\n$2\r\nkk\r\n$5\r\nvalue\r\n*2\r\n$3\r\nGET\r\n$2\r\nkk\r\n';
    const chunks = req.match(/[\s\S]{1,3}/g)!;
    const [ours, theirs] = await Promise.all([exchange(nodis.port, chunks), exchange(redis.port, chunks)]);
    assert.deepEqual(ours, theirs);
    assert.equal(ours.data, '+OK\r\n$5\r\nvalue\r\n');
  });
});

describe('unauthenticated limits (differential, requirepass set)', { skip: hasRedis() ? false : 'redis-server not installed' }, () => {
  let nodis: RunningServer;
  let redis: ExternalServer;
  before(async () => {
    nodis = await startNodis({ config: { requirepass: 'secret' } });
    redis = await startRedis(['--requirepass', 'secret']);
  });
  after(async () => {
    await nodis?.stop();
    await redis?.stop();
  });

  const cases: [string, string[]][] = [
    ['more than 10 arguments before AUTH', ['*11\r\n']],
    ['10 arguments before AUTH are parsed (then refused)', [`*10\r\n${'$1\r\na\r\n'.repeat(10)}`]],
    ['bulk over 16384 before AUTH', ['*2\r\n$4\r\nAUTH\r\n$16385\r\n']],
    ['bulk of 16384 before AUTH', [`*2\r\n$4\r\nAUTH\r\n$16384\r\n${'p'.repeat(16384)}\r\n`]],
    ['limits lifted after AUTH', [`*2\r\n$4\r\nAUTH\r\n$6\r\nsecret\r\n*12\r\n$4\r\nECHO\r\n$1\r\na\r\n${'$1\r\nb\r\n'.repeat(10)}*2\r\n$4\r\nECHO\r\n$20000\r\n${'e'.repeat(20000)}\r\n`]],
  ];
  for (const [name, chunks] of cases) {
    test(name, async () => {
      const [ours, theirs] = await Promise.all([exchange(nodis.port, chunks), exchange(redis.port, chunks)]);
      assert.deepEqual(ours, theirs);
    });
  }
});
