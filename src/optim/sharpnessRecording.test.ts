import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type Mat, zeros } from '../linalg/mat.ts';
import { Rng } from '../linalg/rng.ts';
import { eigvalsh } from '../linalg/eigh.ts';
import { statsFromData, type Stats } from '../model/stats.ts';
import { hessian } from '../model/hessian.ts';
import { cloneWeights } from '../model/network.ts';
import { sharpness } from '../model/sharpness.ts';
import { type TrainOptions, trainGD } from './train.ts';
import { gradientFlow } from './flow.ts';
import { constantSchedule, powerSchedule } from './schedules.ts';
import { type TrajectoryRecord, trajectoryToCsv } from './trajectory.ts';
import { createBatch, setLane } from './batched/batch.ts';
import { trainBatched } from './batched/trainBatched.ts';

function instance(seed: number, dims: number[]): { stats: Stats; w: Mat[] } {
  const rng = new Rng(seed), m = 12;
  const x = { rows: dims[0], cols: m, data: rng.fillNormal(new Float64Array(dims[0] * m)) };
  const y = { rows: dims[dims.length - 1], cols: m, data: rng.fillNormal(new Float64Array(dims[dims.length - 1] * m)) };
  const w = dims.slice(1).map((d, j) => ({ rows: d, cols: dims[j], data: rng.fillNormal(new Float64Array(d * dims[j]), 0.4) }));
  return { stats: statsFromData({ x, y }), w };
}

/** Every record with a sharpness against the dense spectrum at the weights it was taken at. */
function checkAgainstDense(records: TrajectoryRecord[], at: Map<number, Mat[]>, stats: Stats, lambdaMin: boolean): number {
  let measured = 0;
  for (const r of records) {
    if (r.sharpness === undefined) continue;
    const ev = eigvalsh(hessian(at.get(r.step) as Mat[], stats));
    const max = ev[ev.length - 1], scale = Math.max(max, -ev[0]);
    assert.ok(Math.abs(r.sharpness - max) <= 1e-8 * max, `step ${r.step}: sharpness ${r.sharpness} vs dense ${max}`);
    if (lambdaMin) assert.ok(Math.abs((r.lambdaMin as number) - ev[0]) <= 1e-8 * scale, `step ${r.step}: λ_min ${r.lambdaMin} vs ${ev[0]}`);
    measured++;
  }
  return measured;
}

const DIMS = [4, 6, 5, 3];

for (const [name, schedule] of [['constant', constantSchedule(0.02)], ['decaying', powerSchedule(0.05, 1, 0.5)]] as const) {
  test(`trainGD (${name} steps) records the sharpness every k steps and at the end, matching the dense spectrum`, () => {
    const { stats, w } = instance(1, DIMS);
    const at = new Map<number, Mat[]>();
    const r = trainGD(stats, w, {
      schedule, maxSteps: 47, recordEvery: 5, sharpness: { every: 10, lambdaMin: true },
      onRecord: (rec) => { at.set(rec.step, cloneWeights(w)); },
    });
    at.set(r.steps, cloneWeights(w));
    const measured = r.trajectory.filter((x) => x.sharpness !== undefined).map((x) => x.step);
    assert.deepEqual(measured, [0, 10, 20, 30, 40, 47]);
    assert.equal(checkAgainstDense(r.trajectory, at, stats, true), 6);
    const csv = trajectoryToCsv(r.trajectory).split('\n');
    assert.ok(csv[0].endsWith(',sharpness,lambdaMin'));
    assert.equal(csv[2].split(',').at(-1), 'NaN', 'step 5 was not measured');
    assert.equal(Number(csv[1].split(',').at(-2)), r.trajectory[0].sharpness);
  });
}

test('an interrupted trainGD with sharpness recording resumes to the bits of an uninterrupted run', () => {
  const { stats, w } = instance(2, [6, 8, 8, 5]);
  const options: TrainOptions = { schedule: constantSchedule(0.01), maxSteps: 90, recordEvery: 3, sharpness: { every: 6, lambdaMin: true, method: 'lanczos' } };
  const full = trainGD(stats, cloneWeights(w), options);
  let n = 0;
  const w1 = cloneWeights(w);
  const part = trainGD(stats, w1, { ...options, shouldStop: () => ++n >= 40 });
  assert.equal(part.status, 'interrupted');
  assert.ok(part.sharpnessState?.vMax instanceof Float64Array);
  const atStop = cloneWeights(w1);
  const rest = trainGD(stats, w1, options, { step: part.steps, trajectory: part.trajectory, c0: part.c0, sharpness: part.sharpnessState });
  assert.equal(trajectoryToCsv(rest.trajectory), trajectoryToCsv(full.trajectory));
  // Without the state, the continuation starts Lanczos cold: same values to 1e-8, not the same bits.
  const cold = trainGD(stats, atStop, options, { step: part.steps, trajectory: part.trajectory, c0: part.c0 });
  const last = (t: TrajectoryRecord[]) => t[t.length - 1].sharpness as number;
  assert.ok(Math.abs(last(cold.trajectory) - last(full.trajectory)) <= 1e-8 * last(full.trajectory));
});

test('gradient flow records the sharpness every k accepted steps and at the end; resumes bit for bit', () => {
  const { stats, w } = instance(3, DIMS);
  const at = new Map<number, Mat[]>();
  const base = { tEnd: 3, recordEvery: 2, sharpness: { every: 4, lambdaMin: true } };
  const full = gradientFlow(stats, cloneWeights(w), base);
  const wr = cloneWeights(w);
  const probe = gradientFlow(stats, wr, { ...base, onRecord: (rec) => { at.set(rec.step, rec.step === 0 ? cloneWeights(w) : null as never); } });
  assert.equal(trajectoryToCsv(probe.trajectory), trajectoryToCsv(full.trajectory));
  // The flow's weights at a record are not visible from outside; check the first and the final one.
  at.set(0, cloneWeights(w)); at.set(full.steps, cloneWeights(full.weights));
  const ends = full.trajectory.filter((r) => r.step === 0 || r.step === full.steps);
  assert.equal(checkAgainstDense(ends, at, stats, true), 2);
  assert.ok(full.trajectory.filter((r) => r.sharpness !== undefined).every((r) => r.step % 4 === 0 || r.step === full.steps));
  let n = 0;
  const w1 = cloneWeights(w);
  const part = gradientFlow(stats, w1, { ...base, shouldStop: () => ++n >= 9 });
  assert.equal(part.status, 'interrupted');
  const rest = gradientFlow(stats, w1, base, part.resume);
  assert.equal(trajectoryToCsv(rest.trajectory), trajectoryToCsv(full.trajectory));
});

test("the batched engine records each lane's sharpness with the bits trainGD records for that network alone", () => {
  const lanes = 5, dims = [5, 4, 4, 3];
  const batch = createBatch(dims, lanes);
  const nets = Array.from({ length: lanes }, (_, b) => instance(10 + b, dims));
  nets.forEach((c, b) => setLane(batch, b, c.w, c.stats));
  const schedules = nets.map((_, b) => constantSchedule(0.005 * (b + 1)));
  const sharp = { every: 7, lambdaMin: true };
  const res = trainBatched(batch, { schedules, maxSteps: 30, sharpness: sharp });
  assert.ok(res.sharpness !== undefined);
  nets.forEach((c, b) => {
    const alone = trainGD(c.stats, cloneWeights(c.w), { schedule: schedules[b], maxSteps: 30, recordEvery: 7, sharpness: sharp });
    const rec = alone.trajectory.filter((r) => r.sharpness !== undefined);
    const got = res.sharpness?.[b];
    assert.deepEqual(got?.steps, rec.map((r) => r.step));
    assert.ok(rec.every((r, i) => Object.is(r.sharpness, got?.lambdaMax[i]) && Object.is(r.lambdaMin, got?.lambdaMin[i])), `lane ${b}`);
  });
});

test('sharpness at a balanced minimum of a scalar chain is the closed form Nσs^{2−2/N} (THEORY §12.1)', () => {
  for (const n of [2, 3, 4, 5]) {
    const x = { rows: 1, cols: 2, data: Float64Array.from([2, 1]) }, s = 1.7, sigma = 5;
    const y = { rows: 1, cols: 2, data: Float64Array.from([2 * s, s]) };
    const stats = statsFromData({ x, y });
    const w = Array.from({ length: n }, () => { const m = zeros(1, 1); m.data[0] = s ** (1 / n); return m; });
    const expected = n * sigma * s ** (2 - 2 / n);
    for (const method of ['dense', 'lanczos'] as const) {
      const got = sharpness(w, stats, { method }).lambdaMax;
      assert.ok(Math.abs(got - expected) <= 1e-12 * expected, `N = ${n}, ${method}: ${got} vs ${expected}`);
    }
  }
});

test('a bad sharpness recording is a RangeError naming the field', () => {
  const { stats, w } = instance(4, DIMS);
  assert.throws(() => trainGD(stats, w, { schedule: constantSchedule(0.01), maxSteps: 3, sharpness: { every: 0 } }), /sharpness\.every/);
});
