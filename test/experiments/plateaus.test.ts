import { test } from 'node:test';
import assert from 'node:assert/strict';
import { plateaus } from '../../src/experiments/plateaus.ts';

test('plateaus --quick: every check passes and the plateaus sit at the critical values', async () => {
  const r = await plateaus.run(plateaus.quick, { quick: true, seed: 1 });
  for (const c of r.checks) assert.ok(c.passed, `${c.name}: ${c.detail}`);
  assert.equal(r.verdict, 'agrees');
  assert.ok((r.headline.worst_plateau_relative_error_small_init as number) <= 1e-6);
  const rows = r.tables.plateaus.rows;
  assert.ok(rows.length >= 4, 'one row per plateau and run');
  assert.equal(r.figures.length, 1);
});
