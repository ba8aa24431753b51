import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nrtDecreasingSteps } from '../../src/experiments/nrt-decreasing-steps.ts';

test('nrt-decreasing-steps --quick: faster decay of the step size gives slower convergence at every depth', async () => {
  const r = await nrtDecreasingSteps.run(nrtDecreasingSteps.quick, { quick: true, seed: 1 });
  for (const c of r.checks) assert.ok(c.passed, `${c.name}: ${c.detail}`);
  for (const N of [2, 3, 5]) {
    const h = r.headline;
    assert.ok((h[`final_loss_N${N}_p_1`] as number) > (h[`final_loss_N${N}_p_0.5`] as number), `N = ${N}`);
    assert.ok((h[`final_loss_N${N}_p_0.5`] as number) > (h[`final_loss_N${N}_constant`] as number), `N = ${N}`);
  }
  assert.equal(r.verdict, 'agrees');
});
