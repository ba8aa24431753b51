import { test } from 'node:test';
import assert from 'node:assert/strict';
import { catapultPhase } from '../../src/experiments/sweep/index.ts';

test('catapult-phase --quick: lazy below η·λ₀ = 2, a catapult that converges with lower sharpness above, divergence later', async () => {
  const r = await catapultPhase.run(catapultPhase.quick, { quick: true, seed: 1 });
  for (const c of r.checks) assert.ok(c.passed, `${c.name}: ${c.detail}`);
  assert.match(r.verdict, /^agrees at depth 2/);
  const rows = r.tables.boundaries.rows.filter((x) => x[0] === 2);
  for (const [, width, onset, diverge, spike, sharp] of rows) {
    if (width !== 64) continue;
    assert.ok((onset as number) > 2 && (onset as number) <= 4, `width ${width}: catapult onset ${onset}`);
    assert.ok((diverge as number) > (onset as number), `width ${width}: divergence ${diverge} after the catapult ${onset}`);
    assert.ok((spike as number) > 1 && (sharp as number) < 1, `spike ${spike}, sharpness ratio ${sharp}`);
  }
});
