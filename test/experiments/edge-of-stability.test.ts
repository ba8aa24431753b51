import { test } from 'node:test';
import assert from 'node:assert/strict';
import { edgeOfStability } from '../../src/experiments/edge-of-stability.ts';
import { experiments } from '../../src/experiments/registry.ts';

test('edge-of-stability --quick: its checks hold, every run is in the table, and the verdict states each claim with numbers', async () => {
  assert.ok(experiments.includes(edgeOfStability));
  const c = edgeOfStability.quick;
  const r = await edgeOfStability.run(c, { quick: true, seed: 1 });
  for (const k of r.checks) assert.ok(k.passed, `${k.name}: ${k.detail}`);
  const rows = r.tables.runs.rows, h = r.tables.runs.header;
  assert.equal(rows.length, c.depths.length * c.initStds.length * c.ratios.length);
  assert.equal(r.figures.length, c.depths.length * c.initStds.length);
  const col = (name: string) => h.indexOf(name);
  for (const row of rows) {
    // 2/η is c·S* by construction; the control runs (c > 1) end below 2/η.
    assert.ok(Math.abs((row[col('two_over_eta')] as number) - (row[col('c')] as number) * (row[col('S_star')] as number)) <= 1e-12 * (row[col('two_over_eta')] as number));
    if ((row[col('c')] as number) > 1) assert.ok((row[col('final_etaS2')] as number) < 1);
  }
  // The small start sharpens: its sharpness at step 0 is far below 2/η and rises to the edge.
  const small = rows.filter((row) => row[col('init_std')] === 0.1 && (row[col('c')] as number) < 1);
  assert.ok(small.length > 0 && small.every((row) => (row[col('start_etaS2')] as number) < 0.9 && (row[col('max_etaS2')] as number) >= 0.9));
  assert.match(r.verdict, /^(agrees|differs in part): progressive sharpening .* (holds|fails|untested) \(\d+ of \d+/);
  assert.equal(r.headline.runs, rows.length);
});
