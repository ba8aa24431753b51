import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Rng } from '../linalg/rng.ts';
import { statsFromData } from '../model/stats.ts';
import { initGaussian } from '../model/init.ts';
import { reportSec4 } from '../data/generators.ts';
import { constantSchedule } from './schedules.ts';
import { trainGD } from './train.ts';
import { gradientFlow } from './flow.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const stats = statsFromData(reportSec4(new Rng(1), 50));
const dims = [5, 2, 5];

test('a 10⁷-step run keeps a bounded, evenly spaced trajectory and retains bounded memory', () => {
  const w = initGaussian(dims, new Rng(2), 0.05);
  gc();
  const before = process.memoryUsage().heapUsed;
  let seen = 0;
  const r = trainGD(stats, w, { schedule: constantSchedule(1e-5), maxSteps: 1e7, recordEvery: 1000, retain: 500, onRecord: () => { seen++; } });
  gc();
  const retained = process.memoryUsage().heapUsed - before;
  assert.equal(r.steps, 1e7);
  assert.equal(seen, 1e4 + 1);
  assert.ok(r.trajectory.length <= 501 && r.trajectory.length >= 250, `${r.trajectory.length}`);
  const stride = r.recording!.stride * 1000;
  for (let i = 1; i < r.trajectory.length - 1; i++) assert.equal(r.trajectory[i].step - r.trajectory[i - 1].step, stride);
  assert.equal(r.trajectory[0].step, 0);
  assert.equal(r.trajectory[r.trajectory.length - 1].step, 1e7);
  // 10⁴ records would hold ≈ 2 MB; 500 of them ≈ 100 kB.
  assert.ok(retained < 1e6, `retained ${retained} bytes`);
});

test('a resumed run with retention keeps exactly the records of an uninterrupted one', () => {
  const opts = { schedule: constantSchedule(1e-5), maxSteps: 5000, recordEvery: 7, retain: 40 };
  const full = trainGD(stats, initGaussian(dims, new Rng(3), 0.05), opts);
  let n = 0;
  const part = trainGD(stats, initGaussian(dims, new Rng(3), 0.05), { ...opts, shouldStop: () => ++n >= 3001 });
  assert.equal(part.status, 'interrupted');
  const rest = trainGD(stats, part.weights, opts, { step: part.steps, trajectory: part.trajectory, c0: part.c0, recording: part.recording });
  assert.deepEqual(rest.trajectory, full.trajectory);
  assert.deepEqual(rest.recording, full.recording);
  assert.deepEqual(Array.from(rest.weights[0].data), Array.from(full.weights[0].data));
});

test('a long gradient flow keeps a bounded, evenly spaced trajectory (final state included) and retains bounded memory', () => {
  const w = initGaussian(dims, new Rng(4), 0.05);
  gc();
  const before = process.memoryUsage().heapUsed;
  let seen = 0;
  const r = gradientFlow(stats, w, { tEnd: 1e300, maxSteps: 1e5, recordEvery: 1, retain: 200, onRecord: () => { seen++; } });
  gc();
  const retained = process.memoryUsage().heapUsed - before;
  assert.equal(r.status, 'max-steps');
  assert.equal(r.steps, 1e5);
  assert.equal(seen, 1e5 + 1);
  assert.ok(r.trajectory.length <= 201 && r.trajectory.length >= 100, `${r.trajectory.length}`);
  const stride = r.recording!.stride;
  for (let i = 1; i < r.trajectory.length - 1; i++) assert.equal(r.trajectory[i].step - r.trajectory[i - 1].step, stride);
  assert.equal(r.trajectory[0].step, 0);
  assert.equal(r.trajectory[r.trajectory.length - 1].step, 1e5);
  assert.equal(r.trajectory[r.trajectory.length - 1].t, r.t);
  // 10⁵ records would hold ≈ 20 MB; 200 of them ≈ 40 kB.
  assert.ok(retained < 1e6, `retained ${retained} bytes`);
});

test('a resumed flow with retention keeps exactly the records, and the weights, of an uninterrupted one', () => {
  const opts = { tEnd: 50, maxSteps: 3000, recordEvery: 3, retain: 30 };
  const full = gradientFlow(stats, initGaussian(dims, new Rng(5), 0.05), opts);
  let n = 0;
  const part = gradientFlow(stats, initGaussian(dims, new Rng(5), 0.05), { ...opts, shouldStop: () => ++n >= Math.floor(full.rejectedSteps + full.steps / 2) });
  assert.equal(part.status, 'interrupted');
  const rest = gradientFlow(stats, part.weights, opts, part.resume);
  assert.ok(full.trajectory.length <= 31 && full.recording!.stride > 1, `${full.trajectory.length} records, stride ${full.recording!.stride}`);
  assert.deepEqual(rest.trajectory, full.trajectory);
  assert.deepEqual(rest.recording, full.recording);
  assert.equal(rest.steps, full.steps);
  assert.deepEqual(Array.from(rest.weights[0].data), Array.from(full.weights[0].data));
});
