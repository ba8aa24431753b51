// `npm run docs` builds the API reference with every export of the four entry points documented
// (typedoc.json turns a missing doc comment or a broken link into an error).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

test('npm run docs builds the API reference of dln, dln/node, dln/experiments and dln/plot with no warning', (t) => {
  if (!existsSync(join(root, 'tools/typedoc/node_modules/typedoc')) && process.env.CI === undefined) {
    t.skip('TypeDoc is not installed (npm ci --prefix tools/typedoc; .ci/run does)');
    return;
  }
  const out = mkdtempSync(join(tmpdir(), 'dln-api-'));
  try {
    const r = spawnSync(process.execPath, [join(root, 'scripts/build-docs.mjs'), out], { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
    assert.doesNotMatch(r.stdout, /warning/i);
    const index = readFileSync(join(out, 'index.html'), 'utf8');
    for (const entry of ['dln', 'dln_node', 'dln_experiments', 'dln_plot']) assert.ok(existsSync(join(out, 'modules', `${entry}.html`)), `no page for ${entry}`);
    assert.match(index, /dln\/node/);
    // The engine's page states the conventions; each function has its page.
    assert.match(readFileSync(join(out, 'modules', 'dln.html'), 'utf8'), /one sample per column/);
    assert.ok(existsSync(join(out, 'functions', 'dln.trainGD.html')));
    assert.match(readFileSync(join(out, 'functions', 'dln.useWasmKernels.html'), 'utf8'), /import\.meta\.url/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
