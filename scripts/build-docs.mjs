#!/usr/bin/env node
// `npm run docs`: the API reference of dln's four entry points from their doc comments, by TypeDoc,
// into docs/api/ (or the folder given as the first argument). TypeDoc 0.28 needs TypeScript ≤ 6 as
// its peer while dln builds with typescript@7, so it lives in its own package, tools/typedoc (with
// its own lockfile), installed here on first use. Every export must be documented: a missing doc
// comment or a broken link fails the build (typedoc.json).
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const tool = join(root, 'tools', 'typedoc');
const typedoc = join(tool, 'node_modules', 'typedoc', 'bin', 'typedoc');

if (!existsSync(typedoc)) {
  console.log('dln: installing TypeDoc into tools/typedoc (npm ci)');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const install = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: tool, stdio: 'inherit' });
  if (install.status !== 0) { console.error('dln: installing TypeDoc failed'); process.exit(1); }
}
const out = process.argv[2] ?? join(root, 'docs', 'api');
const run = spawnSync(process.execPath, [typedoc, '--options', join(root, 'typedoc.json'), '--out', out], { cwd: root, stdio: 'inherit' });
if (run.status !== 0) { console.error('dln: the API reference has problems (see above)'); process.exit(run.status ?? 1); }
console.log(`dln: API reference written to ${out}/index.html`);
