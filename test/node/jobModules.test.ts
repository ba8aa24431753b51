import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scanSource } from '../../scripts/sourceScan.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The modules a file loads when it runs: static imports and re-exports, not `import type` / `export type`. */
function runtimeImports(file: string): string[] {
  const { noComments } = scanSource(readFileSync(file, 'utf8'));
  const out: string[] = [];
  for (const m of noComments.matchAll(/\b(import|export)\s+(type\s+)?([\w$*{}\s,]*?)\s*from\s*(['"])([^'"\n]+)\4/g)) {
    if (m[2] === undefined) out.push(m[5]);
  }
  for (const m of noComments.matchAll(/\bimport\s*(['"])([^'"\n]+)\1/g)) out.push(m[2]);
  return out;
}

/** Every module file and package that loading entry pulls in, transitively (relative imports followed). */
function loadedBy(entry: string): { files: string[]; packages: string[] } {
  const files = new Set<string>(), packages = new Set<string>();
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    for (const spec of runtimeImports(file)) {
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec));
      else packages.add(spec);
    }
  };
  visit(resolve(ROOT, entry));
  return { files: [...files].map((f) => relative(ROOT, f)).sort(), packages: [...packages].sort() };
}

for (const entry of ['src/node/trainJob.ts', 'src/node/pgdJob.ts', 'src/node/hessianJob.ts']) {
  test(`the worker of ${entry} loads only what the job needs: no CLI module, no commander, no file system`, () => {
    const { files, packages } = loadedBy(entry);
    assert.ok(files.some((f) => f.startsWith(entry.includes('hessian') ? 'src/landscape/' : 'src/optim/')), 'the walk follows the imports into the engine');
    assert.deepEqual(files.filter((f) => f.startsWith('src/cli/')), []);
    // trainJob appends trajectory.csv rows as records are taken (streamed, bounded memory): its only file access.
    const fsAllowed = entry === 'src/node/trainJob.ts';
    assert.deepEqual(packages.filter((p) => p === 'commander' || (!fsAllowed && /^(node:)?fs(\/|$)/.test(p))), []);
  });
}
