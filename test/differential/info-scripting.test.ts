/**
 * INFO memory's script and function lines: the same fields in Redis 7.2's order, and the same
 * counts of cached scripts, functions and libraries. Byte figures are nodis's estimates (the
 * engines run in WebAssembly), so only their presence and shape are compared.
 */
import assert from 'node:assert/strict';
import { diffSuite, diffTest } from '../helpers/differential.js';
import type { RespClient } from '../helpers/resp-client.js';

const FIELDS = [
  'used_memory_lua',
  'used_memory_vm_eval',
  'used_memory_lua_human',
  'used_memory_scripts_eval',
  'number_of_cached_scripts',
  'number_of_functions',
  'used_memory_vm_functions',
  'used_memory_vm_total',
  'used_memory_vm_total_human',
  'used_memory_functions',
  'used_memory_scripts',
  'used_memory_scripts_human',
];
const COUNTS = ['number_of_cached_scripts', 'number_of_functions'];

/** The scripting lines of INFO memory, in order ("number_of_libraries" is 7.2-only: dropped). */
async function scriptingLines(c: RespClient): Promise<[string, string][]> {
  c.send('INFO', 'memory');
  const raw = await c.read();
  return raw
    .split('\r\n')
    .map((line) => line.split(':') as [string, string])
    .filter(([name]) => FIELDS.includes(name));
}

const LIBRARY = "#!lua name=lib\nredis.register_function('f1', function() return 1 end)\nredis.register_function('f2', function() return 2 end)";

diffSuite('INFO memory: scripting fields', (env) => {
  diffTest(env, 'fields, order and counts follow SCRIPT LOAD, FUNCTION LOAD and the flushes', async (b) => {
    const check = async (label: string): Promise<void> => {
      const [ours, theirs] = [await scriptingLines(b.nodis), await scriptingLines(b.redis)];
      assert.deepEqual(ours.map(([n]) => n), theirs.map(([n]) => n), `${label}: field order`);
      for (const name of COUNTS) {
        assert.equal(ours.find(([n]) => n === name)?.[1], theirs.find(([n]) => n === name)?.[1], `${label}: ${name}`);
      }
      for (const [name, value] of ours) {
        assert.match(value, name.endsWith('_human') ? /^\d+(\.\d\d)?[BKMG]$/ : /^\d+$/, `${label}: ${name}=${value}`);
      }
    };
    await check('empty');
    await b.do('SCRIPT', 'LOAD', 'return 1');
    await b.do('SCRIPT', 'LOAD', 'return 2');
    await b.do('FUNCTION', 'LOAD', LIBRARY);
    await check('loaded');
    await b.do('SCRIPT', 'FLUSH');
    await b.do('FUNCTION', 'FLUSH');
    await check('flushed');
  });
});
