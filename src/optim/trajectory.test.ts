import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromRows } from '../linalg/mat.ts';
import { invariants } from '../model/invariants.ts';
import { type TrajectoryRecord, createRecorder, trajectoryToCsv } from './trajectory.ts';

test('trajectoryToCsv writes step,loss,grad_norm,balancedness,drift,sv1..svr with values that parse back exactly', () => {
  const recs: TrajectoryRecord[] = [
    { step: 0, loss: 12.5, gradNorm: 0.1 + 0.2, balancedness: 0, drift: 0, singularValues: [3, 1 / 3] },
    { step: 10, loss: 1e-25, gradNorm: Number.NaN, balancedness: 2.5e-17, drift: Infinity, singularValues: [2.9, 0.1] },
  ];
  const csv = trajectoryToCsv(recs);
  const lines = csv.trimEnd().split('\n');
  assert.equal(lines[0], 'step,loss,grad_norm,balancedness,drift,sv1,sv2');
  assert.equal(lines.length, 3);
  assert.ok(csv.endsWith('\n'));
  const back = lines[1].split(',').map(Number);
  assert.deepEqual(back, [0, 12.5, 0.1 + 0.2, 0, 0, 3, 1 / 3]);
  assert.deepEqual(lines[2].split(','), ['10', '1e-25', 'NaN', '2.5e-17', 'Infinity', '2.9', '0.1']);
});

test('trajectoryToCsv adds a t column after step when the records carry times, and writes only the header for none', () => {
  const csv = trajectoryToCsv([{ step: 3, t: 0.25, loss: 1, gradNorm: 2, balancedness: 3, drift: 4, singularValues: [5] }]);
  assert.equal(csv, 'step,t,loss,grad_norm,balancedness,drift,sv1\n3,0.25,1,2,3,4,5\n');
  assert.equal(trajectoryToCsv([]), 'step,loss,grad_norm,balancedness,drift\n');
});

test('a recorder measures the singular values of P = W_N⋯W_1, balancedness and drift from C_j(0)', () => {
  const w1 = fromRows([[2, 0], [0, 1], [0, 0]]), w2 = fromRows([[1, 0, 0], [0, 3, 0]]); // P = diag(2, 3)
  const rec = createRecorder([2, 3, 2], invariants([w1, w2]));
  const r = rec.record(4, 0.5, 0.25, [w1, w2], 1.5);
  assert.deepEqual(r.singularValues.map((v) => Math.round(v * 1e12) / 1e12), [3, 2]);
  // C_1 = diag(1, 9, 0) − diag(4, 1, 0) = diag(−3, 8, 0)
  assert.ok(Math.abs(r.balancedness - 8) < 1e-14);
  assert.equal(r.drift, 0);
  assert.deepEqual([r.step, r.t, r.loss, r.gradNorm], [4, 1.5, 0.5, 0.25]);
  const moved = rec.record(5, 0.5, 0.25, [fromRows([[2, 0], [0, 2], [0, 0]]), w2]); // C_1 = diag(−3, 5, 0)
  assert.ok(Math.abs(moved.drift - 3) < 1e-14);
  assert.equal(moved.t, undefined);
  const bad = rec.record(6, Number.NaN, Number.NaN, [fromRows([[Number.NaN, 0], [0, 1], [0, 0]]), w2]);
  assert.ok(bad.singularValues.length === 2 && bad.singularValues.every(Number.isNaN) && Number.isNaN(bad.drift));
});
