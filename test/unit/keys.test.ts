// Registry coverage: every command-table entry is either implemented (in `all`) or listed
// in `unimplemented`, never both and never neither.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CommandRegistry } from '../../src/commands/registry.js';
import { ALL_COMMAND_TABLES } from '../../src/commands/index.js';
import { COMMAND_SPECS } from '../../src/commands/table.generated.js';

test('every command table entry is implemented or listed as unimplemented', () => {
  const reg = new CommandRegistry(ALL_COMMAND_TABLES);
  const missing = new Set(reg.unimplemented.map((s) => s.name));
  for (const spec of COMMAND_SPECS) {
    const implemented = reg.all.has(spec.name);
    assert.ok(implemented !== missing.has(spec.name), `${spec.name}: implemented=${implemented}`);
  }
  // Top-level commands are the ones COMMAND COUNT reports.
  for (const name of reg.commands.keys()) assert.ok(reg.all.has(name), name);
});
