import { test } from 'node:test';
import assert from 'node:assert/strict';
import { etaMaxDistribution } from '../../src/experiments/eta-max-distribution.ts';

test('eta-max-distribution --quick: η_max falls with depth, narrow and wide N = 3 agree, and every pattern sits far below the report', async () => {
  const r = await etaMaxDistribution.run(etaMaxDistribution.quick, { quick: true, seed: 1 });
  for (const c of r.checks) assert.ok(c.passed, `${c.name}: ${c.detail}`);
  assert.equal(r.tables['eta-max'].rows.length, 4 * etaMaxDistribution.quick.instances);
  assert.ok(r.tables['eta-max'].rows.every((row) => (row[2] as number) > 0), 'the best δ always gives α < 1 and η_max > 0');
  assert.match(r.verdict, /^differs: .*R11/);
});
