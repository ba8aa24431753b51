import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cellAt, cellCount, evaluateCells, parseSpec, sweepFigures } from './index.ts';

const lrSpec = parseSpec({
  base: { data: 'report-sec4', dims: [5, 5, 5, 5], initStd: 0.3, steps: 2000 },
  axes: { seed: '0..3', lrMultiple: { from: 1, to: 1e5, count: 11, scale: 'log' } },
});
const all = (s: typeof lrSpec) => Array.from({ length: cellCount(s) }, (_, i) => i);

test('cells of a sweep over the step record 2/λ_flat, and none above it converges (no global minimum is stable there, THEORY §13)', () => {
  const records = evaluateCells(lrSpec, all(lrSpec), { dln: 'test' });
  for (const r of records) assert.ok(typeof r.etaFlat === 'number' && r.etaFlat > 0 && Number.isFinite(r.etaFlat), `cell ${r.index}: etaFlat ${r.etaFlat}`);
  // One instance (data, initial weights) per seed: the same 2/λ_flat across its step sizes.
  for (const r of records) assert.equal(r.etaFlat, records.find((q) => q.coords.seed === r.coords.seed)?.etaFlat);
  const above = records.filter((r) => r.lr > 1.01 * (r.etaFlat as number)), below = records.filter((r) => r.lr < 0.5 * (r.etaFlat as number));
  assert.ok(above.length > 0 && below.some((r) => r.status === 'converged'), `${above.length} cells above 2/λ_flat, ${below.filter((r) => r.status === 'converged').length} converged below`);
  for (const r of above) assert.notEqual(r.status, 'converged', `cell ${r.index} at η = ${r.lr} > 2/λ_flat = ${r.etaFlat} converged`);
});

test('the phase diagram draws 2/λ_flat per row as white diamonds at the median over the row, in units of the x axis', () => {
  const records = evaluateCells(lrSpec, all(lrSpec), { dln: 'test' });
  const fig = sweepFigures(lrSpec, records).find((f) => f.name === 'phase-diagram');
  assert.ok(fig !== undefined);
  assert.match(fig.caption, /white diamonds 2\/λ_flat/);
  const layers = (fig.spec as { layer: { mark: { type: string; shape?: string }; data: { values: { x: number; y: string }[] } }[] }).layer;
  const diamonds = layers.filter((l) => l.mark.type === 'point' && l.mark.shape === 'diamond');
  assert.equal(diamonds.length, 1);
  // One row (no y axis): the median over the seeds of 2/λ_flat ÷ η_max, the x axis being η / η_max.
  const ratios = [...new Map(records.map((r) => [r.coords.seed, (r.etaFlat as number) / (r.etaMax as number)])).values()].sort((a, b) => a - b);
  const median = (ratios[1] + ratios[2]) / 2;
  assert.equal(diamonds[0].data.values.length, 1);
  assert.ok(Math.abs(diamonds[0].data.values[0].x - median) <= 1e-12 * median, `${diamonds[0].data.values[0].x} vs ${median}`);
});

test('a sweep without a step axis records no 2/λ_flat and draws no diamonds', () => {
  const s = parseSpec({ base: { data: 'report-sec5', dims: [5, 4, 4, 5], initStd: 0.2, steps: 50, lr: 1e-3 }, axes: { seed: '0..2' } });
  const records = evaluateCells(s, all(s), { dln: 'test' });
  assert.ok(records.every((r) => !('etaFlat' in r)));
  assert.equal(cellAt(s, 0).coords.seed, 0);
  const layers = (sweepFigures(s, records)[0].spec as { layer: { mark: { type: string } }[] }).layer;
  assert.ok(layers.every((l) => l.mark.type !== 'point'));
});

test('the where-it-ended figure draws the phase diagram\'s references (2/λ_flat diamonds, ticks, the bound) and its caption and legend say so', () => {
  const s = parseSpec({ base: { data: 'report-sec5', width: 4, initStd: 0.2, steps: 100 }, axes: { depth: [2, 3], seed: [0, 1], lrMultiple: [1, 100, 1e4] } });
  const records = evaluateCells(s, all(s).filter((i) => i < 6), { dln: 'test' }).concat(evaluateCells(s, all(s).filter((i) => i >= 6), { dln: 'test' }));
  const figs = sweepFigures(s, records, {}, { ended: true });
  type Layer = { mark: { type: string; shape?: string }; data: { values: { x: number; y: string }[] } };
  type Spec = { layer: Layer[]; title: { subtitle: string[] } };
  const phase = figs.find((f) => f.name === 'phase-diagram'), ended = figs.find((f) => f.name === 'where-it-ended');
  assert.ok(phase !== undefined && ended !== undefined);
  const refs = (f: typeof phase) => (f.spec as unknown as Spec).layer.filter((l) => l.mark.type !== 'rect').map((l) => ({ type: l.mark.type, shape: l.mark.shape, values: l.data.values }));
  const diamonds = refs(ended).filter((l) => l.shape === 'diamond');
  assert.equal(diamonds.length, 1);
  assert.deepEqual(diamonds[0].values.map((v) => v.y).sort(), ['2', '3']);
  assert.deepEqual(refs(ended), refs(phase));
  assert.match(ended.caption, /the dashed line is η_max \(Theorem 2\.4\), black ticks mark 2\/λ_max at the start \(median of the row\), white diamonds 2\/λ_flat/);
  assert.ok((ended.spec as unknown as Spec).title.subtitle.some((t) => t.startsWith('white diamonds: 2/λ_flat')));
});
