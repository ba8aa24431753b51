import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ArgumentError, DataError } from '../../errors.ts';
import { Rng } from '../../linalg/index.ts';
import { hessian, initialize, statsFromData } from '../../model/index.ts';
import { eigvalsh } from '../../linalg/index.ts';
import { type BuiltinName, type GeneratorParams, type RealDataSource, builtinData, carsSpec, generateData, loadRealData } from '../../data/index.ts';
import { trainGD } from '../../optim/index.ts';
import { explainFinal, explanationJson, finalStatus } from '../../landscape/index.ts';
import { SweepData, specToJson, cellAt, cellCount, classifyRun, evaluateCells, parseSpec, planChunks, prepareInstance, segmentLength, spacedValues } from './index.ts';

const spec = (axes: Record<string, unknown>, base: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) =>
  parseSpec({ base: { data: 'report-sec5', dims: [5, 4, 4, 5], initStd: 0.2, steps: 300, ...base }, axes, ...extra });

test('parseSpec names every mistaken field in one message', () => {
  assert.throws(() => parseSpec({ base: { data: 'nope', initStd: -1 }, axes: { lrMultiple: { from: 0, to: 10, count: 3, scale: 'log' }, sed: [1] } }), (e: unknown) => {
    assert.ok(e instanceof ArgumentError);
    for (const part of ['base.data', 'base.initStd', 'axes.lrMultiple', 'axes.sed']) assert.match(e.message, new RegExp(part.replace('.', '\\.')));
    assert.doesNotMatch(e.message, /\n/);
    return true;
  });
  assert.throws(() => parseSpec({ axes: { seed: '5..2' }, base: { lr: 1e-3 } }), /axes\.seed: range 5\.\.2 is empty/);
  assert.throws(() => parseSpec({ axes: { seed: [0, 1] } }), /lr: missing/);
  assert.throws(() => parseSpec({ format: 3, dln: '9.0.0', axes: {}, base: { lr: 1 } }), /format 3 is newer than this dln's sweep format 2 \(written by dln 9\.0\.0\)/);
  assert.throws(() => parseSpec('x'), /must be a JSON object/);
});

test('spacedValues ends exactly at both ends, linear and log', () => {
  const v = spacedValues(0.1, 1000, 5, 'log');
  assert.equal(v[0], 0.1); assert.equal(v[4], 1000);
  assert.ok(Math.abs(v[2] - 10) <= 1e-13 * 10);
  assert.deepEqual(spacedValues(1, 2, 3, 'linear'), [1, 1.5, 2]);
});

test('cells are indexed with the last axis fastest and chunks hold one shape each', () => {
  const s = parseSpec({ base: { data: 'report-sec5', width: 4, steps: 10 }, axes: { depth: [2, 3], seed: '0..2', lr: [1e-3, 2e-3] } });
  assert.equal(cellCount(s), 12);
  assert.deepEqual(cellAt(s, 0).coords, { depth: 2, seed: 0, lr: 1e-3 });
  assert.deepEqual(cellAt(s, 1).coords, { depth: 2, seed: 0, lr: 2e-3 });
  assert.deepEqual(cellAt(s, 11).coords, { depth: 3, seed: 2, lr: 2e-3 });
  assert.deepEqual(cellAt(s, 7).dims, [5, 4, 4, 5]);
  assert.deepEqual(cellAt(s, 0).dims, [5, 4, 5]);
  const chunks = parseSpec({ ...{ base: { data: 'report-sec5', width: 4, steps: 10 }, axes: { depth: [2, 3], seed: '0..2', lr: [1e-3, 2e-3] } }, chunkSize: 4 });
  const plan = planChunks(chunks);
  assert.deepEqual(plan.flat().sort((a, b) => a - b), Array.from({ length: 12 }, (_, i) => i));
  for (const c of plan) assert.equal(new Set(c.map((i) => cellAt(chunks, i).dims.length)).size, 1);
});

test('segmentLength records every step early and at the end, and covers the run exactly', () => {
  let t = 0, n = 0;
  const seen: number[] = [];
  while (t < 5000) { const s = segmentLength(t, 5000, 32); assert.ok(s >= 1); t += s; n++; seen.push(t); }
  assert.equal(t, 5000);
  assert.ok(n < 250, `${n} segments`);
  for (let k = 1; k <= 32; k++) assert.ok(seen.includes(k) && seen.includes(5000 - k + 1));
});

test('a cell ends with the very bits of trainGD on the same dln train settings, whatever its chunk', () => {
  const s = spec({ seed: [3, 4], lrMultiple: [1, 30, 3000] });
  const all = evaluateCells(s, [0, 1, 2, 3, 4, 5], { dln: 'test' });
  for (const r of all) {
    const rng = new Rng(r.config.seed);
    const data = builtinData['report-sec5'](rng);
    const w = initialize(r.dims, r.config.init, rng);
    const ref = trainGD(statsFromData(data), w, { schedule: r.config.schedule, maxSteps: r.config.steps, divergeAbove: r.config.divergeAbove });
    assert.equal(r.stop, ref.status);
    assert.equal(r.steps, ref.steps);
    assert.ok(Object.is(r.loss, ref.loss), `cell ${r.index}: ${r.loss} vs ${ref.loss}`);
    assert.equal(r.lr, r.coords.lrMultiple as number * (r.etaMax as number));
    assert.match(r.command ?? '', new RegExp(`--lr ${r.lr} --steps 300`));
  }
  const alone = evaluateCells(s, [4], { dln: 'test' })[0];
  assert.deepEqual(alone, all[4]);
  assert.equal(all[0].status, 'plateau');
  assert.equal(all[0].nearestCritical?.rank, 0);
  assert.equal(all[5].status, 'diverged');
  assert.ok(all[0].sharpnessStart !== null && all[0].sharpnessStart > 0);
  assert.equal(all[5].sharpnessEnd, null);
  assert.ok(all[5].lossMax > all[5].lossInit);
});

test('classifyRun: period-2 oscillation, a plateau and plain max-steps', () => {
  const o = { convergedRel: 1e-6, plateauRel: 0.01, window: 8 };
  const steps = Array.from({ length: 20 }, (_, i) => i);
  const osc = steps.map((k) => 1 + (k % 2 === 0 ? 0.5 : 0));
  assert.equal(classifyRun({ stop: 'max-steps', steps, loss: [5, ...osc.slice(1)], lossMin: 0.5, plateaus: [10, 0.5] }, o), 'oscillating');
  const flat = steps.map((k) => 4 + 1e-4 / (k + 1));
  assert.equal(classifyRun({ stop: 'max-steps', steps, loss: [10, ...flat.slice(1)], lossMin: 0.1, plateaus: [10, 4, 0.1] }, o), 'plateau');
  const slow = steps.map((k) => 3 - k * 0.01);
  assert.equal(classifyRun({ stop: 'max-steps', steps, loss: slow, lossMin: 0.1, plateaus: [10, 4, 0.1] }, o), 'max-steps');
  // Convergence is finalStatus's (the rule dln train shares): the loss test L − L* ≤ 1e-6·(L(0) − L*).
  const atMin = { gradientAtRounding: false, globalMinimum: 0.1 };
  assert.equal(finalStatus('max-steps', atMin, { lossInit: 10, loss: 0.1 + 9e-6 }), 'converged');
  assert.equal(finalStatus('max-steps', atMin, { lossInit: 10, loss: 0.1 + 1.1e-5 }), 'max-steps');
  assert.equal(finalStatus('max-steps', atMin, { lossInit: 10, loss: 0.1 + 1.1e-5, rel: 1e-5 }), 'converged');
  assert.equal(finalStatus('max-steps', atMin), 'max-steps');
  assert.equal(finalStatus('diverged', atMin, { lossInit: 10, loss: 0.1 }), 'diverged');
  assert.equal(classifyRun({ stop: 'diverged', steps, loss: [10, Infinity], lossMin: 0.1, plateaus: [10, 0.1] }, o), 'diverged');
});

test('sharpness agrees with the largest eigenvalue of the dense Hessian', () => {
  const s = spec({ seed: [7], lr: [1e-3] });
  const inst = prepareInstance(cellAt(s, 0), true);
  const dense = eigvalsh(hessian(inst.weights, inst.stats));
  const top = dense[dense.length - 1];
  assert.ok(Math.abs((inst.sharpness0 as number) - top) <= 1e-8 * top, `${inst.sharpness0} vs ${top}`);
});

test('specToJson is parsed back to the same spec', () => {
  const s = parseSpec({ name: 'x', base: { data: 'nrt', depth: 3, lrOf: 'sharpness' }, axes: { seed: '0..3', lrMultiple: { from: 0.5, to: 4, count: 5, scale: 'log' } }, record: { sharpness: 'start' } });
  assert.deepEqual(parseSpec(JSON.parse(JSON.stringify(specToJson(s)))), s);
});

/** A stand-in for vega-datasets' cars.json (the test reads no files), counting how often it is read. */
function fakeCars(): { source: RealDataSource; reads: () => number } {
  let reads = 0;
  const rng = new Rng(11);
  const origins = ['USA', 'Europe', 'Japan'];
  const records = Array.from({ length: 40 }, (_, i) => ({
    Cylinders: 4 + (i % 3) * 2, Displacement: 100 + 10 * rng.normal(), Year: `${1970 + (i % 12)}-01-01`, Origin: origins[i % 3],
    Miles_per_Gallon: i === 7 ? null : 20 + rng.normal(), Horsepower: 90 + 5 * rng.normal(), Weight_in_lbs: 3000 + 100 * rng.normal(), Acceleration: 15 + rng.normal(),
  }));
  return { source: { mnistClasses: () => { throw new Error('not here'); }, records: () => { reads++; return records; } }, reads: () => reads };
}

test('real data in a sweep: read once from the given source, shared by the cells, and trained as dln train does', () => {
  const fake = fakeCars();
  const s = parseSpec({ base: { data: 'cars', depth: 2, width: 3, initStd: 0.2, steps: 50 }, axes: { seed: [0, 1], lr: [1e-3, 1e-2] } });
  assert.deepEqual(cellAt(s, 0).dims, [5, 3, 4]);
  const data = new SweepData(fake.source);
  const recs = [...evaluateCells(s, [0, 1], { dln: 'test', data }), ...evaluateCells(s, [2, 3], { dln: 'test', data })];
  assert.equal(fake.reads(), 1);
  assert.equal(data.load(cellAt(s, 0).settings).dataset, data.load(cellAt(s, 3).settings).dataset);
  assert.equal(data.load(cellAt(s, 0).settings).stats, data.load(cellAt(s, 3).settings).stats);
  for (const r of recs) {
    // dln train --data cars: the data draw nothing from the generator, the weights draw from Rng(seed).
    const rng = new Rng(r.config.seed);
    const train = loadRealData('cars', fake.source, rng).train;
    const w = initialize(r.dims, r.config.init, rng);
    const ref = trainGD(statsFromData(train), w, { schedule: r.config.schedule, maxSteps: r.config.steps, divergeAbove: r.config.divergeAbove });
    assert.ok(Object.is(r.loss, ref.loss), `cell ${r.index}: ${r.loss} vs ${ref.loss}`);
    assert.deepEqual(r.config.data, { kind: 'real', name: 'cars', seed: r.config.seed });
  }
  assert.throws(() => evaluateCells(s, [0], { dln: 'test' }), /data cars is read from its package's files/);
  assert.equal(carsSpec.outputs.length, 4);
});

test('MNIST settings: validated by field, applied to mnist cells only, and checked against each other', () => {
  assert.throws(() => parseSpec({ base: { data: 'nrt', lr: 1, center: 'yes' }, axes: { pca: [0, 900] } }), (e: unknown) => {
    assert.ok(e instanceof ArgumentError);
    assert.match(e.message, /base\.center: must be true or false; axes\.pca\[1\]: 900 must be an integer in 0\.\.784/);
    return true;
  });
  assert.throws(() => parseSpec({ base: { data: 'nrt', lr: 1 }, axes: { center: [true, false] } }), /axes\.center: applies to data mnist only \(this sweep's data: nrt\)/);
  const mixed = parseSpec({ base: { lr: 1, depth: 2, width: 4, pca: 20 }, axes: { data: ['mnist', 'penguins'], center: [true, false] } });
  assert.deepEqual(cellAt(mixed, 0).dims, [20, 4, 10]);
  assert.deepEqual(cellAt(mixed, 2).dims, [4, 4, 2]);
  assert.throws(() => cellAt(parseSpec({ base: { data: 'mnist', lr: 1, pca: 30 }, axes: { trainSamples: [10, 100] } }), 0), /pca 30 needs at least as many training samples, but trainSamples is 10/);
});

test('axes over a generator\'s settings: validated by field, applied to the data that take them, and cells train as dln train --samples … does', () => {
  assert.throws(() => parseSpec({ base: { data: 'report-sec5', lr: 1e-3, condition: 3 }, axes: { rank: [1, 2], noise: [-1] } }), (e: unknown) => {
    assert.ok(e instanceof ArgumentError);
    assert.match(e.message, /axes\.noise\[0\]: -1 must be a finite number ≥ 0/);
    assert.match(e.message, /axes\.rank: applies to data nrt only \(this sweep's data: report-sec5\)/);
    assert.match(e.message, /base\.condition: applies to data nrt only/);
    return true;
  });
  assert.throws(() => cellAt(parseSpec({ base: { data: 'nrt', lr: 1e-3, dx: 3 }, axes: { rank: [2, 5] } }), 1), /data nrt with \{"dx":3,"rank":5\}: rank: 5 exceeds min\(d_x, d_y\) = 3/);
  const s = parseSpec({ base: { depth: 2, width: 4, initStd: 0.3, steps: 80, lr: 0.05 }, axes: { data: ['nrt', 'report-sec4'], samples: [12, 40], seed: [1] } });
  const cells = Array.from({ length: cellCount(s) }, (_, i) => cellAt(s, i));
  assert.deepEqual(cells[0].dims, [10, 4, 8]);
  assert.deepEqual(cells[2].dims, [5, 4, 5]);
  const recs = evaluateCells(s, [0, 1], { dln: 'test' });
  assert.notEqual(recs[0].loss, recs[1].loss);
  assert.deepEqual(recs[1].config.data, { kind: 'builtin', name: 'nrt', seed: 1, params: { samples: 40 } });
  assert.match(recs[1].command ?? '', /^dln train --data nrt --samples 40 --seed 1 /);
  const n = parseSpec({ base: { data: 'report-sec4', depth: 2, width: 4, initStd: 0.3, steps: 80, lr: 0.05 }, axes: { samples: [12, 40], noise: [0, 0.5], seed: [1] } });
  const r4 = evaluateCells(n, [0, 1, 2, 3], { dln: 'test' });
  assert.notEqual(r4[2].loss, r4[3].loss);
  assert.match(r4[3].command ?? '', /^dln train --data report-sec4 --samples 40 --noise 0\.5 --seed 1 /);
  for (const r of [...recs, ...r4]) {
    const rng = new Rng(1);
    const c = r.config.data as { name: BuiltinName; params?: GeneratorParams };
    const data = generateData(c.name, rng, c.params ?? {});
    const w = initialize(r.dims, r.config.init, rng);
    const ref = trainGD(statsFromData(data), w, { schedule: r.config.schedule, maxSteps: r.config.steps, divergeAbove: r.config.divergeAbove });
    assert.ok(Object.is(r.loss, ref.loss), `cell ${r.index}: ${r.loss} vs ${ref.loss}`);
  }
});

test('each cell says where it ended as dln train does: its nearest critical value and kind, converged when ‖∇L‖ is at rounding level', () => {
  const s = parseSpec({ base: { data: 'report-sec4', dims: [5, 5, 5], initStd: 0.2, steps: 3000 }, axes: { lrMultiple: [1, 10, 100], seed: [0] } });
  const recs = evaluateCells(s, [0, 1, 2], { dln: 'test' });
  for (const r of recs.slice(0, 2)) {
    // The reference: dln train's path (explainFinal on trainGD's own final weights).
    const rng = new Rng(0);
    const stats = statsFromData(builtinData['report-sec4'](rng));
    const ref = trainGD(stats, initialize(r.dims, r.config.init, rng), { schedule: r.config.schedule, maxSteps: r.config.steps, divergeAbove: r.config.divergeAbove });
    const x = explainFinal(ref, stats, r.dims);
    assert.ok(x !== null);
    assert.deepEqual(r.critical, explanationJson(x));
    assert.equal(r.critical?.kind, 'global-minimum');
    assert.deepEqual(r.nearestCritical, { loss: r.critical?.nearest, rank: 5, subset: [1, 2, 3, 4, 5] });
  }
  assert.equal(recs[1].critical?.gradientAtRounding, true);
  assert.equal(recs[1].status, 'converged');
  assert.equal(finalStatus('max-steps', recs[1].critical), 'converged');
  assert.equal(recs[2].status, 'diverged');
  assert.equal(recs[2].critical, null);
  // Zero weights sit on the saddle at the origin: gradient exactly 0, so converged, at the plateau c_0 = ½ tr Σ_YY.
  const z = parseSpec({ base: { data: 'report-sec5', dims: [5, 2, 5], init: 'zero', steps: 10, lr: 0.01 }, axes: { seed: [0] } });
  const [c] = evaluateCells(z, [0], { dln: 'test' });
  assert.equal(c.status, 'converged');
  assert.equal(c.critical?.kind, 'plateau');
  assert.equal(c.critical?.rank, 0);
  assert.equal(c.critical?.nearest, c.lossInit);
});

test('a failed cell (no step size can be computed) records why, and no command with a NaN step', () => {
  // lrOf sharpness without a recorded λ_max at the start: the step of lrMultiple cannot be resolved.
  const s = parseSpec({ base: { data: 'report-sec5', dims: [5, 4, 5], initStd: 0.2, steps: 20, lrOf: 'sharpness' }, axes: { lrMultiple: [0.5, 1] }, record: { sharpness: 'none' } });
  const recs = evaluateCells(s, [0, 1], { dln: 'test' });
  for (const r of recs) {
    assert.equal(r.status, 'failed');
    assert.equal(r.command, null);
    assert.match(r.error ?? '', /^no step size could be computed for lrMultiple (0\.5|1): λ_max at the start is not positive \(or not recorded: set record\.sharpness\); no dln train command reruns this cell$/);
  }
  // A runnable cell beside it keeps its full command, with the step it used.
  const ok = evaluateCells(parseSpec({ base: { data: 'report-sec5', dims: [5, 4, 5], initStd: 0.2, steps: 20, lrOf: 'sharpness' }, axes: { lrMultiple: [0.5] } }), [0], { dln: 'test' })[0];
  assert.notEqual(ok.status, 'failed');
  assert.ok(Number.isFinite(ok.lr) && ok.lr > 0);
  assert.match(ok.command ?? '', new RegExp(` --lr ${String(ok.lr).replace('.', '\\.')} `));
  assert.doesNotMatch(ok.command ?? '', /NaN/);
});

test('a cell whose data cannot be prepared fails alone, with the reason; the other cells of its chunk keep their bits', () => {
  const s = spec({ seed: [1, 2, 3] }, { lr: 1e-5, steps: 200 });
  // Data that are refused for one seed (a DataError, as non-finite entries would be).
  class FlakyData extends SweepData {
    override load(c: Parameters<SweepData['load']>[0]): ReturnType<SweepData['load']> {
      if (c.seed === 2) throw new DataError('report-sec5: X has a non-finite entry');
      return super.load(c);
    }
  }
  const recs = evaluateCells(s, [0, 1, 2], { dln: 'test', data: new FlakyData() });
  const whole = evaluateCells(s, [0, 1, 2], { dln: 'test' });
  assert.deepEqual(recs.map((r) => r.status === 'failed'), [false, true, false]);
  const bad = recs[1];
  assert.equal(bad.error, 'this cell\'s data or initial weights could not be prepared: report-sec5: X has a non-finite entry');
  assert.equal(bad.stop, 'failed');
  assert.equal(bad.steps, 0);
  assert.ok(Number.isNaN(bad.loss) && Number.isNaN(bad.lossInit));
  // Its step is given (lr), so its command reruns it alone, where the cause can be seen.
  assert.equal(bad.lr, 1e-5);
  assert.match(bad.command ?? '', /^dln train --data report-sec5 --seed 2 .* --lr 0\.00001 /);
  for (const k of [0, 2]) {
    assert.ok(Object.is(recs[k].loss, whole[k].loss) && recs[k].steps === whole[k].steps, `cell ${k}: the bits of a chunk without the failure`);
    assert.equal(recs[k].status, whole[k].status);
  }
  // Anything else stops the chunk: a cell stored as failed is never computed again.
  class GoneData extends SweepData {
    override load(c: Parameters<SweepData['load']>[0]): ReturnType<SweepData['load']> {
      if (c.seed === 2) throw new Error('EIO: the disk is gone');
      return super.load(c);
    }
  }
  assert.throws(() => evaluateCells(s, [0, 1, 2], { dln: 'test', data: new GoneData() }), /EIO: the disk is gone/);
});

test('a generator setting that some data of the sweep do not take is refused by its field: nrt has no noise', () => {
  for (const [raw, field] of [
    [{ base: { data: 'nrt', lr: 1e-3 }, axes: { noise: [0, 0.5] } }, /^sweep spec: axes\.noise: applies to data report-sec4, report-sec5 only \(this sweep's data: nrt\)$/],
    [{ base: { lr: 1e-3, noise: 0.3 }, axes: { data: ['nrt', 'report-sec5'] } }, /^sweep spec: base\.noise: applies to data report-sec4, report-sec5 only, and this sweep's data nrt takes no noise \(those cells would ignore it\)$/],
    [{ base: { lr: 1e-3 }, axes: { data: ['nrt', 'amg-escape', 'report-sec4'], noise: [0, 1] } }, /^sweep spec: axes\.noise: applies to data report-sec4, report-sec5 only, and this sweep's data nrt, amg-escape take no noise/],
    [{ base: { lr: 1e-3 }, axes: { data: ['nrt', 'report-sec4'], rank: [1, 2] } }, /^sweep spec: axes\.rank: applies to data nrt only, and this sweep's data report-sec4 takes no rank/],
  ] as const) assert.throws(() => parseSpec(raw), (e: unknown) => e instanceof ArgumentError && field.test(e.message), JSON.stringify(raw));
  // A setting every data set of the sweep takes is accepted.
  assert.equal(cellCount(parseSpec({ base: { lr: 1e-3 }, axes: { data: ['report-sec4', 'report-sec5'], noise: [0, 1] } })), 4);
});

test('a step budget above the most steps dln runs (10⁹, as dln train --steps) is refused by its field', () => {
  const msg = 'must be an integer in 0..1000000000 (the most steps dln runs, as for dln train --steps)';
  const quote = (t: string): string => t.replace(/[.()]/g, '\\$&');
  assert.throws(() => parseSpec({ base: { lr: 1e-3, steps: 1e12 }, axes: { seed: [0] } }), new RegExp(`sweep spec: base\\.steps: ${quote(msg)}$`));
  assert.throws(() => parseSpec({ base: { lr: 1e-3 }, stop: { steps: 1e20 }, axes: { seed: [0] } }), new RegExp(`sweep spec: stop\\.steps: ${quote(msg)}$`));
  assert.throws(() => parseSpec({ base: { lr: 1e-3 }, axes: { steps: [10, 1e12] } }), /sweep spec: axes\.steps\[1\]: 1000000000000 must be an integer in 0\.\.1000000000/);
  assert.equal(parseSpec({ base: { lr: 1e-3, steps: 1e9 }, axes: { seed: [0] } }).base.steps, 1e9);
});
