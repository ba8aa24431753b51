import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as dln from '../src/index.ts';

test('the public facade trains a network, computes its bound and classifies a critical point', () => {
  const rng = new dln.Rng(1);
  const data = dln.reportSec4(rng, 200);
  const stats = dln.statsFromData(data);
  const dims = [5, 4, 4, 5];
  const w = dln.initGaussian(dims, rng, 0.05);
  const res = dln.trainGD(stats, w, { schedule: dln.constantSchedule(1e-4), maxSteps: 200 });
  assert.equal(res.status, 'max-steps');
  assert.ok(res.loss < res.trajectory[0].loss, 'GD lowers the loss');
  const cp = dln.buildCriticalPoint(stats, dims, [1, 2, 3], { kind: 'non-strict' });
  const verdict = dln.classify(cp.weights, stats);
  assert.equal(verdict.theorem7.type, 'non-strict-saddle');
  assert.equal(verdict.agree, true);
});
