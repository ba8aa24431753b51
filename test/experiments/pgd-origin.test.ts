import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pgdOrigin } from '../../src/experiments/pgd-origin.ts';

test('pgd-origin --quick: PGD escapes the origin at depth 2 and returns the origin at depth 3', async () => {
  const r = await pgdOrigin.run(pgdOrigin.quick, { quick: true, seed: 1 });
  for (const c of r.checks) assert.ok(c.passed, `${c.name}: ${c.detail}`);
  assert.ok((r.headline.final_loss_N2_worst as number) <= 1e-12);
  assert.equal(r.headline.returned_origin_N3, `${pgdOrigin.quick.runs}/${pgdOrigin.quick.runs}`);
  assert.equal(r.headline.final_loss_N3_worst, 0.625, 'the origin keeps the loss ½‖diag(1, 0.5)‖²');
  assert.equal(r.verdict, 'agrees');
});
