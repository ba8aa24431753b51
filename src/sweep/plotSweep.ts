import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type FigureAxes, analyseBuiltin, builtinSweepNames, sweepFigures } from '../experiments/sweep/index.ts';
import { renderChart } from '../plot/index.ts';
import { InputError } from '../errors.ts';
import { writeFileAtomic } from '../node/writeFileAtomic.ts';
import { SweepStore } from './sweepStore.ts';

/**
 * Draws the figures of the cells stored so far into DIR/figures (SVG + PNG): a built-in sweep's own
 * figures and verdict (verdict.txt), or the generic phase diagram and histograms. Returns the files written.
 */
export async function plotSweep(dir: string, axes: FigureAxes): Promise<string[]> {
  const store = SweepStore.open(dir);
  const spec = store.meta.spec, records = store.records();
  store.close();
  if (records.length === 0) throw new InputError(`${dir}: no cells stored yet, nothing to plot`);
  const builtin = (builtinSweepNames as readonly string[]).includes(spec.name) && axes.x === undefined && axes.y === undefined && axes.facet === undefined;
  let figures, verdict: string | null = null;
  try {
    if (builtin) { const a = analyseBuiltin(spec, records); figures = a.figures; verdict = `${a.verdict}\n\n${a.checks.map((c) => `${c.passed ? 'PASS' : 'FAIL'} ${c.name}: ${c.detail}`).join('\n')}\n`; }
    else figures = sweepFigures(spec, records, axes, { ended: true });
  } catch (e) {
    if (e instanceof RangeError) throw new InputError(`dln sweep plot: ${e.message}`);
    throw e;
  }
  const out = join(dir, 'figures');
  mkdirSync(out, { recursive: true });
  const files: string[] = [];
  for (const f of figures) {
    const { svg, png } = await renderChart(f.spec);
    writeFileAtomic(join(out, `${f.name}.svg`), svg);
    writeFileAtomic(join(out, `${f.name}.png`), png);
    files.push(join(out, `${f.name}.svg`), join(out, `${f.name}.png`));
  }
  if (verdict !== null) { writeFileAtomic(join(out, 'verdict.txt'), `${records.length} cells: ${verdict}`); files.push(join(out, 'verdict.txt')); }
  return files;
}
