import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { checkLayers, parseLayerTable } from '../scripts/check-layers.ts';
import { bareNodeGlobals, moduleReferences } from '../scripts/sourceScan.ts';

const ARCHITECTURE = readFileSync('docs/architecture.md', 'utf8');

/** Checks a fixture tree made of the real layer table and the given files (path → source). */
function checkFixture(files: Record<string, string>): string[] {
  const root = mkdtempSync(join(tmpdir(), 'dln-layers-'));
  try {
    for (const [path, src] of Object.entries({ 'docs/architecture.md': ARCHITECTURE, ...files })) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), src);
    }
    return checkLayers(root);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const BASE = {
  'src/errors.ts': 'export class InputError extends Error {}\n',
  'src/linalg/mat.ts': "import { InputError } from '../errors.ts';\nexport const m = InputError;\n",
  'src/model/net.ts': "import { m } from '../linalg/mat.ts';\nexport const n = m;\n",
  'src/cli/main.ts': "import { readFileSync } from 'node:fs';\nimport { n } from '../model/net.ts';\nexport const c = [n, readFileSync, process.argv];\n",
};

test('the real tree follows the layer table of docs/architecture.md', () => {
  assert.deepEqual(checkLayers('.'), []);
});

test('a fixture tree that follows the table passes', () => {
  assert.deepEqual(checkFixture(BASE), []);
});

test('an upward import fails, naming the file, the line and both layers', () => {
  const errors = checkFixture({ ...BASE, 'src/linalg/up.ts': "// the line below goes up\nimport { c } from '../cli/main.ts';\nexport const u = c;\n" });
  assert.equal(errors.length, 1);
  assert.match(errors[0], /^src\/linalg\/up\.ts:2: linalg may not import cli \(\.\.\/cli\/main\.ts\)/);
});

test('type-only, re-exported, dynamic and worker-URL imports upward fail too', () => {
  const errors = checkFixture({
    ...BASE,
    'src/optim/a.ts': "import type { T } from '../theory/t.ts';\nexport type U = T;\n",
    'src/optim/b.ts': "export {\n  t,\n} from '../theory/t.ts';\n",
    'src/optim/c.ts': "export const load = () => import('../theory/t.ts');\n",
    'src/experiments/d.ts': "export const w = new URL('../node/worker.ts', import.meta.url);\n",
    'src/theory/t.ts': 'export type T = number;\nexport const t = 1;\n',
    'src/node/worker.ts': 'export {};\n',
  });
  assert.deepEqual(errors.map((e) => e.split(':').slice(0, 2).join(':')), ['src/experiments/d.ts:1', 'src/optim/a.ts:1', 'src/optim/b.ts:3', 'src/optim/c.ts:1']);
  assert.ok(errors.every((e) => / may not import (theory|node) /.test(e)), errors.join('\n'));
});

test('a Node built-in in an engine layer fails, by any name; cli and tests may use them', () => {
  const errors = checkFixture({
    ...BASE,
    'src/model/fs.ts': "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n",
    'src/data/path.ts': "import { join } from 'path';\nexport const j = join;\n",
    'src/experiments/threads.ts': "export const load = () => import('worker_threads');\n",
    'src/linalg/mat.test.ts': "import { test } from 'node:test';\nimport { m } from './mat.ts';\ntest('m', () => { void m; void process.env; });\n",
  });
  assert.deepEqual(errors.map((e) => e.split(':').slice(0, 2).join(':')), ['src/data/path.ts:1', 'src/experiments/threads.ts:1', 'src/model/fs.ts:1']);
  assert.match(errors[2], /model imports the Node built-in node:fs/);
});

test('a bare Node global in an engine layer fails; a guarded globalThis.process does not', () => {
  const errors = checkFixture({
    ...BASE,
    'src/optim/env.ts': 'export const a = globalThis.process?.env?.DLN_BACKEND;\nexport const b = process.env.DLN_BACKEND;\n',
  });
  assert.deepEqual(errors, ['src/optim/env.ts:2: optim uses the Node global process; optim must run in a browser too']);
});

test('plot is a leaf, the playground stays out of node and cli, and unknown folders fail', () => {
  const errors = checkFixture({
    ...BASE,
    'src/plot/spec.ts': "import { n } from '../model/net.ts';\nexport const s = n;\n",
    'src/experiments/e.ts': "import { s } from '../plot/spec.ts';\nexport const e = s;\n",
    'src/playground/page.ts': "import { e } from '../experiments/e.ts';\nimport { c } from '../cli/main.ts';\nexport const p = [e, c];\n",
    'src/web/x.ts': 'export {};\n',
  });
  assert.deepEqual(errors.map((e) => e.split(':').slice(0, 2).join(':')), ['src/playground/page.ts:2', 'src/plot/spec.ts:1', 'src/web/x.ts: belongs to no layer of docs/architecture.md\'s table (add a row or move the file)']);
});

test('imports written in comments, strings, templates and regexes are not imports', () => {
  const src = [
    "/* import { a } from '../cli/a.ts'; */",
    "// import('../cli/b.ts')",
    "const s = \"import { c } from '../cli/c.ts'\";",
    "const t = `${'`'} import('../cli/d.ts') ${`${1}`}`;",
    "const r = /['\"]/g, q = 1 / 2 / 3;",
    "import { real } from './real.ts';",
    "export * from './also.ts';",
    "import './side.ts';",
  ].join('\n');
  assert.deepEqual(moduleReferences(src).map((r) => [r.specifier, r.line]), [['./real.ts', 6], ['./also.ts', 7], ['./side.ts', 8]]);
  assert.deepEqual(bareNodeGlobals("// process.env\nconst m = 'process.exit';\nconst o = { process: 1 }.process;\nBuffer.from('');\n"), [{ name: 'Buffer', line: 4 }]);
});

test('the layer table rejects a row that names an unknown layer or a malformed cell', () => {
  const table = (rows: string) => `<!-- layer-table -->\n| Layer | Path | May import | Node built-ins |\n|---|---|---|---|\n${rows}\n<!-- /layer-table -->`;
  assert.throws(() => parseLayerTable(table('| a | `src/a/` | b | no |')), /may import "b", which is not a layer/);
  assert.throws(() => parseLayerTable(table('| a | `src/a/` | — | maybe |')), /yes or no/);
  assert.throws(() => parseLayerTable('# no table'), /no <!-- layer-table -->/);
  assert.deepEqual(parseLayerTable(ARCHITECTURE).find((l) => l.name === 'optim'), {
    name: 'optim', path: 'src/optim/', mayImport: ['linalg', 'model', 'data'], nodeBuiltins: false,
  });
});
