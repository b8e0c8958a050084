/**
 * Regenerates the "Supported commands" section of README.md (between the
 * <!-- commands:begin --> and <!-- commands:end --> markers) from the command registry:
 * what is implemented per Redis group, and what is not yet. `--check` fails when stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CommandRegistry } from '../src/commands/registry.js';
import { ALL_COMMAND_TABLES } from '../src/commands/index.js';
import { COMMAND_SPECS } from '../src/commands/table.generated.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const readme = path.join(root, 'README.md');
const registry = new CommandRegistry(ALL_COMMAND_TABLES);

const groups = new Map<string, { done: string[]; missing: string[] }>();
for (const spec of COMMAND_SPECS) {
  if (spec.container !== undefined) continue;
  const g = groups.get(spec.group) ?? { done: [], missing: [] };
  groups.set(spec.group, g);
  const cmd = registry.all.get(spec.name);
  const subs = COMMAND_SPECS.filter((s) => s.container === spec.name);
  const name = spec.name.toUpperCase();
  if (subs.length === 0) {
    (cmd ? g.done : g.missing).push(name);
  } else {
    const have = subs.filter((s) => registry.all.has(s.name)).map((s) => s.name.split('|')[1]!.toUpperCase());
    const lack = subs.filter((s) => !registry.all.has(s.name)).map((s) => s.name.split('|')[1]!.toUpperCase());
    if (have.length > 0) g.done.push(lack.length === 0 ? `${name} (all)` : `${name} ${have.join('/')}`);
    if (lack.length > 0) g.missing.push(`${name} ${lack.join('/')}`);
  }
}

let implemented = 0;
for (const c of registry.all.values()) if (c.handler !== null) implemented++;
const lines = [
  `nodis implements ${implemented} of the ${COMMAND_SPECS.filter((s) => !COMMAND_SPECS.some((o) => o.container === s.name)).length} Redis 7.2 commands and subcommands. This list is generated from the command table (\`npm run gen:readme\`); anything not listed as supported answers Redis's \`ERR unknown command\` (or \`unknown subcommand\`).`,
  '',
  '| group | supported | not yet |',
  '|---|---|---|',
];
for (const [group, g] of [...groups].sort()) {
  lines.push(`| ${group} | ${g.done.join(', ') || '—'} | ${g.missing.join(', ') || '—'} |`);
}
const section = `<!-- commands:begin -->\n${lines.join('\n')}\n<!-- commands:end -->`;
const text = readFileSync(readme, 'utf8');
const updated = text.replace(/<!-- commands:begin -->[\s\S]*<!-- commands:end -->/, section);
if (process.argv.includes('--check')) {
  if (updated !== text) {
    console.error('README.md command list is stale: run npm run gen:readme');
    process.exit(1);
  }
} else {
  writeFileSync(readme, updated);
  console.log(`README.md: ${implemented} commands listed`);
}
