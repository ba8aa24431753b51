import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nrtConstantSteps } from '../../src/experiments/nrt-constant-steps.ts';

test('nrt-constant-steps --quick: η_max converges, half of it is slower, far above it is faster, 1000·η_max diverges', async () => {
  const r = await nrtConstantSteps.run(nrtConstantSteps.quick, { quick: true, seed: 1 });
  for (const c of r.checks) assert.ok(c.passed, `${c.name}: ${c.detail}`);
  const h = r.headline;
  assert.ok((h.eta_max_N2 as number) > (h.eta_max_N3 as number) && (h.eta_max_N3 as number) > (h.eta_max_N5 as number), 'the bound shrinks with depth');
  for (const N of [2, 3, 5]) assert.ok((h[`first_diverging_multiple_N${N}`] as number) >= 16, `N = ${N}: the bound is conservative`);
  assert.match(r.verdict, /^agrees(, except panel \(c\) at N = [0-9, ]+: .+)?$/);
});
