import { test } from 'node:test';
import assert from 'node:assert/strict';
import { saxeModes } from '../../src/experiments/saxe-modes.ts';
import { saxeGdLearningStep, saxeLearningTime } from '../../src/theory/index.ts';

test('saxe-modes --quick: aligned GD equals the recursion, O(η) to the flow, learning steps as predicted', async () => {
  const config = saxeModes.quick;
  const r = await saxeModes.run(config, { quick: true, seed: 1 });
  for (const c of r.checks) assert.ok(c.passed, `${c.name}: ${c.detail}`);
  assert.match(r.verdict, /^agrees/);
  assert.ok((r.headline.recursion_error_max as number) <= 1e-12);
  // Independent of the run: every predicted step is the flow time t_half/η, and the aligned runs' interpolated
  // learning steps lie within one step of the scalar recursion's first step past s/2.
  for (const [n, scale, eta, , s, predicted, recursion, aligned] of r.tables.learning_times.rows as number[][]) {
    assert.ok(Math.abs(predicted - saxeLearningTime(scale ** n, s, n) / eta) <= 1e-9 * predicted);
    assert.equal(recursion, saxeGdLearningStep(scale, s, n, eta, 10 ** 7));
    assert.ok(aligned <= recursion && aligned >= recursion - 1, `N=${n} s=${s}: aligned ${aligned} vs recursion ${recursion}`);
  }
  assert.equal(r.figures.length, 4);
});
