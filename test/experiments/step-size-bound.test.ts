import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stepSizeBound } from '../../src/experiments/step-size-bound.ts';

test('step-size-bound --quick: the empirical divergence threshold exceeds η_max, and the verdict names R11', async () => {
  const r = await stepSizeBound.run(stepSizeBound.quick, { quick: true, seed: 1 });
  for (const c of r.checks) assert.ok(c.passed, `${c.name}: ${c.detail}`);
  const h = r.headline;
  assert.ok((h.alpha as number) < 1 && (h.alpha as number) >= 0);
  assert.ok((h.first_diverging_step as number) > 100 * (h.eta_max as number), 'the bound is conservative by orders of magnitude');
  assert.ok((h.eta_max as number) < 1e-4, "η_max is far below the report's 4.7e-4 (THEORY §10 R11)");
  assert.match(r.verdict, /^differs: .*R11/);
  assert.equal(r.tables['doubling-search'].rows.at(-1)?.[3], 'diverged');
});
