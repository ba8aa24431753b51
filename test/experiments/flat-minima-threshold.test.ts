import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/linalg/index.ts';
import { createGradWorkspace, lossAndGrad } from '../../src/model/index.ts';
import { constantSchedule, trainGD } from '../../src/optim/index.ts';
import { globalMinimum } from '../../src/theory/index.ts';
import { flatMinimaThreshold } from '../../src/experiments/flat-minima-threshold.ts';
import { reportInstance } from '../../src/experiments/common/nrtInstance.ts';

test('flat-minima-threshold --quick: checks pass and single-network GD confirms the brackets of the batched bisection', async () => {
  const config = flatMinimaThreshold.quick;
  const r = await flatMinimaThreshold.run(config, { quick: true, seed: 1 });
  for (const c of r.checks) assert.ok(c.passed, `${c.name}: ${c.detail}`);
  assert.match(r.verdict, /^agrees/);
  assert.ok(r.figures.length >= 2);
  const rows = r.tables.thresholds.rows;
  assert.equal(rows.length, config.instances * config.patterns.length);
  // The same instances again (the experiment draws them pattern by pattern from Rng(seed)).
  const rng = new Rng(1);
  let checked = 0;
  for (const name of config.patterns) {
    const dims = name.split('-').map(Number);
    const insts = Array.from({ length: config.instances }, () => reportInstance(rng, dims, config.initStd));
    for (let i = 0; i < config.instances; i++) {
      const [, , etaFlat, convLo, convHi, blowLo, blowHi, , , slow] = rows.find((row) => row[0] === name && row[1] === i + 1) as number[];
      const { stats } = insts[i].data, min = globalMinimum(stats, dims).loss;
      const loss0 = lossAndGrad(insts[i].weights, stats, null, createGradWorkspace(dims));
      const gd = (eta: number) => trainGD(stats, insts[i].weights.map((w) => ({ ...w, data: Float64Array.from(w.data) })), { schedule: constantSchedule(eta), maxSteps: config.iterations, recordEvery: config.iterations });
      const converged = (eta: number) => { const run = gd(eta); return run.status !== 'diverged' && run.loss - min <= config.relTol * (loss0 - min); };
      if (i < 2) {
        assert.equal(gd(blowHi).status, 'diverged', `${name} #${i + 1}: diverges at ${blowHi}`);
        assert.notEqual(gd(blowLo).status, 'diverged', `${name} #${i + 1}: finite at ${blowLo}`);
      }
      if (slow === 0) {
        assert.ok(convLo <= etaFlat, `${name} #${i + 1}: converges only up to 2/λ_flat`);
        assert.equal(converged(convLo), true, `${name} #${i + 1}: converges at ${convLo}`);
        assert.equal(converged(convHi), false, `${name} #${i + 1}: does not converge at ${convHi}`);
        checked++;
      }
    }
  }
  assert.ok(checked >= 2, `at least two convergence brackets checked (${checked})`);
});
