import { test } from 'node:test';
import assert from 'node:assert/strict';
import { strictVsNonstrict } from '../../src/experiments/strict-vs-nonstrict.ts';

test('strict-vs-nonstrict --quick: the non-strict start stays on its plateau at least 5× longer than the strict start', async () => {
  const r = await strictVsNonstrict.run(strictVsNonstrict.quick, { quick: true, seed: 1 });
  for (const c of r.checks) assert.ok(c.passed, `${c.name}: ${c.detail}`);
  assert.ok((r.headline.ratio as number) >= 5);
  assert.ok((r.headline.lambda_min_strict as number) < -1, 'the strict point has clearly negative curvature');
  assert.ok(Math.abs(r.headline.lambda_min_nonstrict as number) < 1e-6 * (r.headline.lambda_max as number), 'the non-strict point is PSD up to round-off');
  assert.match(r.verdict, /^agrees in order of magnitude: /);
});
