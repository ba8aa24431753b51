import { test } from 'node:test';
import assert from 'node:assert/strict';
import { zeros } from '../linalg/mat.ts';
import { Rng } from '../linalg/rng.ts';
import { generateData, reportSec4 } from '../data/generators.ts';
import { statsFromData } from '../model/stats.ts';
import { initGaussian } from '../model/init.ts';
import { createGradWorkspace, lossAndGrad, product } from '../model/lossAndGrad.ts';
import { tupleNorm } from '../optim/gd.ts';
import { criticalValues } from './criticalValues.ts';
import { buildCriticalPoint } from './criticalPoint.ts';
import { classifyLoss, criticalLadder, explainLoss, explanationJson, explanationLine, finalStatus, gradientAtRoundingLevel, gradientRoundingLevel } from './explainLoss.ts';

const stats = statsFromData(reportSec4(new Rng(1)));
const dims = [5, 4, 4, 5];

test('explainLoss names the global minimum, a plateau value and a loss between critical values', () => {
  const cv = criticalValues(stats, dims);
  const g = explainLoss(stats, dims, cv.globalMinimum.loss * (1 + 1e-12), true);
  assert.equal(g.kind, 'global-minimum');
  assert.deepEqual(g.nearest.subset, [1, 2, 3, 4]);
  assert.equal(g.rMax, 4);
  const saddle = cv.values.find((v) => v.rank === 2)!;
  const p = explainLoss(stats, dims, saddle.loss, false);
  assert.equal(p.kind, 'plateau');
  assert.equal(p.nearest.loss, saddle.loss);
  const sorted = cv.values.map((v) => v.loss).sort((a, b) => a - b);
  const mid = 0.5 * (sorted[0] + sorted[1]);
  const n = explainLoss(stats, dims, mid, false);
  assert.equal(n.kind, 'neither');
  assert.ok(Math.abs(n.gap - 0.5 * (sorted[1] - sorted[0])) <= 1e-9 * sorted[1]);
});

function gradNormAt(weights: ReturnType<typeof initGaussian>): { norm: number; level: number } {
  const ws = createGradWorkspace(dims), grads = weights.map((w) => zeros(w.rows, w.cols));
  lossAndGrad(weights, stats, grads, ws);
  const p = product(zeros(5, 5), weights, createGradWorkspace(dims));
  return { norm: tupleNorm(grads), level: gradientRoundingLevel(weights, p, stats) };
}

test('the gradient at an exact critical point is within rounding level; at a random point far above it', () => {
  const cp = buildCriticalPoint(stats, dims, [1, 2, 3, 4], { kind: 'strict' });
  const at = gradNormAt(cp.weights);
  assert.ok(at.norm <= at.level, `${at.norm} vs ${at.level}`);
  assert.ok(at.level < 1e-6 * stats.trYY);
  const away = gradNormAt(initGaussian(dims, new Rng(2), 0.3));
  assert.ok(away.norm > 1e6 * away.level);
});

test('classifyLoss over a ladder listed once (or from known critical values) gives explainLoss; finalStatus and the summary line read it', () => {
  const cv = criticalValues(stats, dims);
  const table = criticalLadder(stats, dims, cv);
  assert.deepEqual(criticalLadder(stats, dims), table);
  for (const loss of [...cv.values.map((v) => v.loss), cv.globalMinimum.loss * 1.5, 0.5 * stats.trYY * 2]) {
    assert.deepEqual(classifyLoss(table, loss, false), explainLoss(stats, dims, loss, false));
  }
  const g = explanationJson(classifyLoss(table, cv.globalMinimum.loss, true));
  assert.equal(finalStatus('max-steps', g), 'converged');
  assert.equal(finalStatus('max-steps', { ...g, gradientAtRounding: false }), 'max-steps');
  assert.equal(finalStatus('diverged', g), 'diverged');
  assert.equal(finalStatus('max-steps', null), 'max-steps');
  assert.match(explanationLine(g), /^at the global minimum for these widths \(rank 4 ≤ 4 = min width\)/);
  // Wide enough that the index sets are not listed: the table holds the plateau values c_0 > … > c_rmax.
  const wide = statsFromData(generateData('amg-escape', new Rng(2), { dx: 20, dy: 20, samples: 60 }));
  assert.throws(() => criticalValues(wide, [20, 20, 20]));
  const t = criticalLadder(wide, [20, 20, 20]);
  assert.equal(t.rMax, 20);
  assert.equal(t.values.length, 21);
  assert.equal(t.globalMinimum, t.values[20].loss);
  assert.ok(Math.abs(t.globalMinimum - wide.lossOLS) <= 1e-10 * wide.trYY, `${t.globalMinimum} vs OLS ${wide.lossOLS}`);
});

test('gradientAtRoundingLevel: true at an exact critical point, false at a random one and for non-finite weights', () => {
  const cp = buildCriticalPoint(stats, dims, [1, 2], { kind: 'strict' });
  const grads = dims.slice(1).map((d, j) => zeros(d, dims[j]));
  lossAndGrad(cp.weights, stats, grads, createGradWorkspace(dims));
  assert.equal(gradientAtRoundingLevel(cp.weights, stats, tupleNorm(grads)), true);
  const w = initGaussian(dims, new Rng(3), 0.5);
  lossAndGrad(w, stats, grads, createGradWorkspace(dims));
  assert.equal(gradientAtRoundingLevel(w, stats, tupleNorm(grads)), false);
  const bad = w.map((m) => ({ ...m, data: m.data.map(() => Number.NaN) }));
  assert.equal(gradientAtRoundingLevel(bad, stats, 0), false);
});
