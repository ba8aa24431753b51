import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SweepStore } from '../../src/sweep/index.ts';
import { startDln } from '../helpers/cli.ts';

const root = mkdtempSync(join(tmpdir(), 'dln-sweep-status-'));

test('every cell of a sweep reruns alone with dln train to its status: converged by the loss test, by a gradient at rounding level, and max-steps', async () => {
  // At 3·η_max the excess loss shrinks below 1e-6·(L(0) − L*) in 600 steps with ‖∇L‖ still above rounding level; at 10·η_max it reaches rounding level.
  writeFileSync(join(root, 'spec.json'), JSON.stringify({
    name: 'status', base: { data: 'report-sec4', dims: [5, 5, 5], initStd: 0.2, steps: 600 }, axes: { lrMultiple: [1, 3, 10], seed: [0, 1] },
  }));
  const dir = join(root, 'out');
  const r = await startDln(['sweep', 'spec.json', '--out', dir, '--jobs', '1', '--no-progress'], root).done;
  assert.equal(r.code, 0, r.stderr);
  const store = SweepStore.open(dir), recs = store.records();
  store.close();
  const byLossTest = recs.filter((c) => c.status === 'converged' && c.critical?.gradientAtRounding === false);
  assert.ok(byLossTest.length > 0, 'some cell converges by the loss test alone');
  assert.ok(recs.some((c) => c.status === 'converged' && c.critical?.gradientAtRounding === true));
  assert.ok(recs.some((c) => c.status === 'max-steps'));
  for (const c of recs) {
    assert.ok(c.command !== null);
    const t = await startDln([...c.command.split(' ').slice(1), '--json', '--no-progress'], root).done;
    assert.equal(t.code, 0, t.stderr);
    const summary = JSON.parse(t.stdout) as { status: string; loss: number };
    assert.ok(Object.is(summary.loss, c.loss));
    assert.equal(summary.status, c.status, `cell ${c.index} (${c.command}): the sweep says ${c.status}, dln train ${summary.status}`);
  }
});
