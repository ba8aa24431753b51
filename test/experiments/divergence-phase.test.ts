import { test } from 'node:test';
import assert from 'node:assert/strict';
import { divergencePhase } from '../../src/experiments/sweep/index.ts';

test('divergence-phase --quick: no cell at or below the Theorem 2.4 bound diverges, every depth diverges far above it', async () => {
  const r = await divergencePhase.run(divergencePhase.quick, { quick: true, seed: 1 });
  for (const c of r.checks) assert.ok(c.passed, `${c.name}: ${c.detail}`);
  assert.match(r.verdict, /^agrees: the bound holds on every instance/);
  const rows = r.tables.per_depth.rows;
  assert.deepEqual(rows.map((x) => x[0]), [2, 3, 4, 5]);
  // The median first diverging multiple grows with depth (the bound shrinks faster than the threshold).
  const medians = rows.map((x) => x[4] as number);
  for (let i = 1; i < medians.length; i++) assert.ok(medians[i] >= medians[i - 1], `medians ${medians.join(', ')}`);
  assert.deepEqual(r.figures.map((f) => f.name), ['phase-diagram', 'divergence-thresholds']);
});
