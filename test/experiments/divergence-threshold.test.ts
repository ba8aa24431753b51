import { test } from 'node:test';
import assert from 'node:assert/strict';
import { divergenceThreshold } from '../../src/experiments/divergence-threshold.ts';

test('divergence-threshold --quick: the empirical divergence threshold exceeds η_max for every instance', async () => {
  const r = await divergenceThreshold.run(divergenceThreshold.quick, { quick: true, seed: 1 });
  for (const c of r.checks) assert.ok(c.passed, `${c.name}: ${c.detail}`);
  const rows = r.tables.thresholds.rows;
  assert.equal(rows.length, 2 * divergenceThreshold.quick.instances);
  for (const [, , etaMax, failing] of rows) {
    assert.ok((failing as number) > 100 * (etaMax as number), `first diverging ${failing} vs η_max ${etaMax}`);
    assert.ok((failing as number) > 1e-3 && (failing as number) < 0.2, `first diverging ${failing} is of the report's order (0.02–0.06)`);
  }
  assert.equal(r.verdict, 'agrees in order of magnitude');
});
