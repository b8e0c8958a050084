#!/usr/bin/env node
// Runs the test files under the given directories (default: test/) with node:test and tsx.
import { readdirSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const roots = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const passthrough = process.argv.slice(2).filter((a) => a.startsWith('--'));
const files = [];
const walk = (p) => {
  const st = statSync(p);
  if (st.isDirectory()) for (const e of readdirSync(p).sort()) walk(path.join(p, e));
  else if (p.endsWith('.test.ts')) files.push(p);
};
for (const r of roots.length ? roots : ['test']) walk(r);
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=120000', ...passthrough, ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
