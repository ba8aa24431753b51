import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mnistDepth } from '../../src/experiments/mnist-depth.ts';
import { mnistPlateaus } from '../../src/experiments/mnist-plateaus.ts';
import { regressionLandscape } from '../../src/experiments/regression-landscape.ts';
import { useBackend } from '../../src/linalg/backends/selectBackend.ts';
import { packageRealData } from '../../src/node/realDataFiles.ts';

await useBackend();
const ctx = { quick: true, seed: 1, realData: packageRealData };

test('mnist-depth --quick: depth adds no expressiveness — every network ends at least squares or the best rank-r map', async () => {
  const r = await mnistDepth.run(mnistDepth.quick, ctx);
  for (const c of r.checks) assert.ok(c.passed, `${c.name}: ${c.detail}`);
  const ols = r.headline.least_squares_test_error as number;
  assert.ok(ols > 0.1 && ols < 0.2, `least-squares test error ${ols}`);
  assert.equal(r.headline['final_test_error_50-16-10'], ols);
  assert.ok((r.headline['final_test_error_50-16-5-10'] as number) > ols, 'a width-5 bottleneck classifies worse');
  assert.equal(r.verdict, 'agrees');
  assert.deepEqual(r.figures.map((f) => f.name), ['mnist-depth-loss', 'mnist-depth-error']);
});

test('mnist-plateaus --quick: nine plateaus at the critical values, the singular values learnt one at a time', async () => {
  const r = await mnistPlateaus.run(mnistPlateaus.quick, ctx);
  for (const c of r.checks) assert.ok(c.passed, `${c.name}: ${c.detail}`);
  assert.equal(r.headline.rank_of_targets, 9);
  assert.equal(r.checks.length, 5);
  const rise = String(r.headline.half_rise_iterations_run1).split(', ').map(Number);
  assert.equal(rise.length, 9);
  for (let i = 1; i < rise.length; i++) assert.ok(rise[i] > rise[i - 1]);
});

test('regression-landscape --quick: on cars the bound holds, GD blows up hundreds of times above it, the non-strict saddle holds longer', async () => {
  const r = await regressionLandscape.run(regressionLandscape.quick, ctx);
  for (const c of r.checks) assert.ok(c.passed, `${c.name}: ${c.detail}`);
  assert.equal(r.headline.critical_values, 16);
  assert.equal(r.tables['critical-values'].rows.length, 16);
  assert.ok((r.headline.escape_median_non_strict as number) > 10 * (r.headline.escape_median_strict as number));
});

test('the real-data experiments say clearly when their runner provides no data files', async () => {
  await assert.rejects(async () => mnistDepth.run(mnistDepth.quick, { quick: true, seed: 1 }), /mnist-depth needs the real data sets/);
});
