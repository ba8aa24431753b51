/**
 * The dependency-direction check run by `npm test`: every import in src/ must point from a layer to
 * one it may import, as the table in docs/architecture.md says, and the layers marked "no" there
 * import no Node built-in (nor use process, Buffer, require … bare). Test files (*.test.ts) follow
 * the direction rule but may use Node (they run under node --test) and the helpers in test/.
 * Usage: node --import tsx scripts/check-layers.ts [root]   (root defaults to the current directory)
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bareNodeGlobals, moduleReferences } from './sourceScan.ts';

/** One row of the layer table. */
export interface Layer {
  readonly name: string;
  /** A folder (ending in /) or a single file, relative to the root, e.g. `src/linalg/`, `src/errors.ts`. */
  readonly path: string;
  /** Layers this one may import (itself always, errors unless listed otherwise below). */
  readonly mayImport: readonly string[];
  readonly nodeBuiltins: boolean;
}

const TABLE_START = '<!-- layer-table -->', TABLE_END = '<!-- /layer-table -->';

/** Parses the table between the layer-table markers of docs/architecture.md. */
export function parseLayerTable(markdown: string): Layer[] {
  const start = markdown.indexOf(TABLE_START), end = markdown.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error(`no ${TABLE_START} … ${TABLE_END} table in docs/architecture.md`);
  const rows = markdown.slice(start + TABLE_START.length, end).split('\n').map((l) => l.trim()).filter((l) => l.startsWith('|'));
  const cells = rows.map((r) => r.slice(1, -1).split('|').map((c) => c.trim().replace(/`/g, '')));
  const layers = cells.filter((c) => !/^-+$/.test(c[0]) && c[0] !== 'Layer').map((c): Layer => {
    if (c.length !== 4) throw new Error(`layer table row "${c.join(' | ')}" needs 4 cells (layer, path, may import, Node built-ins)`);
    const [name, path, imports, node] = c;
    if (node !== 'yes' && node !== 'no') throw new Error(`layer ${name}: the Node built-ins cell must be yes or no, got "${node}"`);
    return { name, path, mayImport: imports === '—' || imports === '' ? [] : imports.split(',').map((s) => s.trim()), nodeBuiltins: node === 'yes' };
  });
  const names = new Set(layers.map((l) => l.name));
  for (const l of layers) for (const m of l.mayImport) if (!names.has(m)) throw new Error(`layer ${l.name} may import "${m}", which is not a layer of the table`);
  return layers;
}

const SOURCE = /\.(ts|mts|js|mjs)$/;
const BUILTINS = new Set(builtinModules);

function isBuiltin(spec: string): boolean {
  return spec.startsWith('node:') || BUILTINS.has(spec) || BUILTINS.has(spec.split('/')[0]);
}

function sourceFiles(dir: string, out: string[] = []): string[] {
  let names: string[];
  try { names = readdirSync(dir).sort(); } catch { return out; }
  for (const name of names) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) { if (name !== 'node_modules') sourceFiles(p, out); } else if (SOURCE.test(name)) out.push(p);
  }
  return out;
}

/** The layer a root-relative path (with /) belongs to: the longest matching table path. */
function layerOf(layers: readonly Layer[], rel: string): Layer | undefined {
  let best: Layer | undefined;
  for (const l of layers) {
    const hit = l.path.endsWith('/') ? rel.startsWith(l.path) : rel === l.path;
    if (hit && (!best || l.path.length > best.path.length)) best = l;
  }
  return best;
}

/** Every violation in root's src/, as "file:line: message" lines (empty when the tree obeys the table). */
export function checkLayers(root: string): string[] {
  const layers = parseLayerTable(readFileSync(join(root, 'docs', 'architecture.md'), 'utf8'));
  const errors: string[] = [];
  const rel = (p: string) => relative(root, p).split(sep).join('/');
  for (const file of sourceFiles(join(root, 'src'))) {
    const from = rel(file), layer = layerOf(layers, from);
    if (!layer) { errors.push(`${from}: belongs to no layer of docs/architecture.md's table (add a row or move the file)`); continue; }
    const isTest = /\.test\.[mc]?[jt]s$/.test(from);
    const src = readFileSync(file, 'utf8');
    for (const ref of moduleReferences(src)) {
      const at = `${from}:${ref.line}`;
      if (ref.specifier.startsWith('.')) {
        const target = rel(resolve(dirname(file), ref.specifier));
        if (ref.kind === 'url' && !SOURCE.test(target)) continue; // a data file (kernels, fonts), not a module
        const to = layerOf(layers, target);
        if (isTest && target.startsWith('test/')) continue; // shared test helpers
        if (!target.startsWith('src/')) errors.push(`${at}: imports ${ref.specifier}, outside src/`);
        else if (!to) errors.push(`${at}: imports ${ref.specifier}, which belongs to no layer`);
        else if (to !== layer && to.name !== 'errors' && !layer.mayImport.includes(to.name)) {
          errors.push(`${at}: ${layer.name} may not import ${to.name} (${ref.specifier}); ${layer.name} may import ${layer.mayImport.join(', ') || 'nothing else'}`);
        }
      } else if (isBuiltin(ref.specifier) && !layer.nodeBuiltins && !isTest) {
        errors.push(`${at}: ${layer.name} imports the Node built-in ${ref.specifier}; ${layer.name} must run in a browser too`);
      }
    }
    if (!layer.nodeBuiltins && !isTest) {
      for (const g of bareNodeGlobals(src)) errors.push(`${from}:${g.line}: ${layer.name} uses the Node global ${g.name}; ${layer.name} must run in a browser too`);
    }
  }
  return errors;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const root = resolve(process.argv[2] ?? '.');
  const errors = checkLayers(root);
  for (const e of errors) process.stderr.write(`${e}\n`);
  if (errors.length > 0) {
    process.stderr.write(`check-layers: ${errors.length} import(s) against the layer table of docs/architecture.md\n`);
    process.exit(1);
  }
  process.stdout.write('check-layers: every import in src/ follows docs/architecture.md\n');
}
