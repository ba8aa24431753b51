import { test } from 'node:test';
import assert from 'node:assert/strict';
import { invariantDriftExperiment } from '../../src/experiments/invariant-drift.ts';

test('invariant-drift --quick: GD moves the invariants by O(η) at fixed time, the flow not at all', async () => {
  const r = await invariantDriftExperiment.run(invariantDriftExperiment.quick, { quick: true, seed: 1 });
  for (const c of r.checks) assert.ok(c.passed, `${c.name}: ${c.detail}`);
  for (const N of [2, 3, 5]) {
    assert.ok(Math.abs((r.headline[`slope_N${N}`] as number) - 1) <= 0.1, `N = ${N}: slope ${r.headline[`slope_N${N}`]}`);
    assert.ok((r.headline[`flow_drift_N${N}`] as number) < 1e-8);
  }
  const drift = r.tables.drift.rows.filter((row) => row[0] === 3);
  assert.ok((drift[0][3] as number) > (drift[drift.length - 1][3] as number) * 10, 'a larger step drifts more');
  assert.equal(r.verdict, 'agrees');
});
