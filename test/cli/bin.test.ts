/**
 * The package's `nodis` bin: package.json points at dist/main.js, the build keeps the
 * shebang (tsc copies it from src/main.ts) and marks the file executable (postbuild).
 * `npm start -- --port 7000` and `npx nodis` run that file.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFileSync, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../helpers/servers.js';

interface PackageJson {
  bin: Record<string, string>;
  scripts: Record<string, string>;
}

test('package.json declares the nodis bin and builds it executable', () => {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as PackageJson;
  assert.equal(pkg.bin['nodis'], 'dist/main.js');
  assert.equal(pkg.scripts['start'], 'node dist/main.js');
  assert.equal(pkg.scripts['prestart'], 'npm run build');
  assert.match(pkg.scripts['postbuild'] ?? '', /chmodSync\('dist\/main\.js', 0o755\)/);
  assert.match(readFileSync(path.join(ROOT, 'src/main.ts'), 'utf8'), /^#!\/usr\/bin\/env node\n/);
});

test('a built dist/main.js (when present) has the shebang and is executable', { skip: existsSync(path.join(ROOT, 'dist/main.js')) ? false : 'not built' }, () => {
  const file = path.join(ROOT, 'dist/main.js');
  assert.match(readFileSync(file, 'utf8'), /^#!\/usr\/bin\/env node\n/);
  assert.equal(statSync(file).mode & 0o111, 0o111);
});
