import { test } from 'node:test';
import assert from 'node:assert/strict';
import { amgEscape } from '../../src/experiments/amg-escape.ts';

test('amg-escape --quick: strict starts escape fast with Adam and GD; non-strict ones sit on the plateau', async () => {
  const r = await amgEscape.run(amgEscape.quick, { quick: true, seed: 1 });
  for (const c of r.checks) assert.ok(c.passed, `${c.name}: ${c.detail}`);
  const h = r.headline;
  assert.ok((h.median_escape_adam_strict as number) < 100, 'Adam leaves the strict saddle within a hundred epochs');
  assert.ok((h.median_escape_adam_non_strict as number) > (h.median_escape_adam_strict as number));
  assert.equal(h.not_escaped_gd_non_strict, `${amgEscape.quick.gdRuns}/${amgEscape.quick.gdRuns}`, 'GD never leaves the non-strict plateau in the quick horizon');
  assert.equal(r.verdict, 'agrees');
});
