import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type Mat, zeros } from '../linalg/mat.ts';
import { Rng } from '../linalg/rng.ts';
import { type Dataset, statsFromData } from '../model/stats.ts';
import { initGaussian } from '../model/init.ts';
import { cloneWeights } from '../model/network.ts';
import { trainGD } from './train.ts';
import { trainSGD } from './sgd.ts';
import { gradientFlow } from './flow.ts';
import { type Optimizer, gd } from './gd.ts';
import { adam } from './adam.ts';
import { createGradWorkspace, lossAndGrad } from '../model/lossAndGrad.ts';

/**
 * One conformance table for every optimizer: `run(data, weights, size, seed)` trains in place with
 * step size (or horizon) `size` and randomness from `seed`, and returns the loss at the end.
 */
interface Entry { name: string; run(data: Dataset, w: Mat[], size: number, seed: number): number }

const ENTRIES: Entry[] = [
  { name: 'gd (constant)', run: (d, w, lr) => trainGD(statsFromData(d), w, { schedule: { kind: 'constant', lr }, maxSteps: 25 }).loss },
  { name: 'gd (c/(k+b)^p)', run: (d, w, c) => trainGD(statsFromData(d), w, { schedule: { kind: 'power', c, b: 2, p: 0.7 }, maxSteps: 25 }).loss },
  { name: 'sgd (batch 4)', run: (d, w, lr, seed) => trainSGD(d, w, { schedule: { kind: 'constant', lr }, maxSteps: 25, batchSize: 4 }, new Rng(seed)).loss },
  { name: 'gradient flow', run: (d, w, tEnd) => gradientFlow(statsFromData(d), w, { tEnd: 25 * tEnd }).loss },
  { name: 'gd optimizer pair', run: (d, w, lr) => runPair(gd({ kind: 'constant', lr }), d, w) },
  { name: 'adam optimizer pair', run: (d, w, learningRate) => runPair(adam({ learningRate }), d, w) },
];

/** 25 updates of an init/update optimizer pair (optax-style) on the full-batch loss; the loss at the end. */
function runPair<S extends { step: number }>(opt: Optimizer<S>, d: Dataset, w: Mat[]): number {
  const stats = statsFromData(d), state = opt.init(w);
  const grads = w.map((m) => zeros(m.rows, m.cols)), ws = createGradWorkspace([3, 4, 2]);
  for (let k = 0; k < 25; k++) { lossAndGrad(w, stats, grads, ws); opt.update(w, grads, state); }
  assert.equal(state.step, 25);
  return lossAndGrad(w, stats, null, ws);
}

function setup(seed: number): { data: Dataset; w: Mat[] } {
  const rng = new Rng(seed);
  const x = zeros(3, 12), y = zeros(2, 12);
  rng.fillNormal(x.data, 0.4);
  rng.fillNormal(y.data, 0.4);
  return { data: { x, y }, w: initGaussian([3, 4, 2], rng, 0.5) };
}

function bytes(w: Mat[]): Buffer {
  return Buffer.concat(w.map((m) => Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength)));
}

for (const e of ENTRIES) {
  test(`${e.name}: step size 0 leaves the weights unchanged`, () => {
    const { data, w } = setup(1);
    const before = bytes(w);
    e.run(data, w, 0, 7);
    assert.ok(bytes(w).equals(before));
  });

  test(`${e.name}: a fixed seed gives identical bits`, () => {
    const a = setup(2), b = setup(2);
    e.run(a.data, a.w, 0.05, 7);
    e.run(b.data, b.w, 0.05, 7);
    assert.ok(bytes(a.w).equals(bytes(b.w)));
  });

  test(`${e.name}: a small step lowers the loss`, () => {
    const { data, w } = setup(3);
    const l0 = e.run(data, cloneWeights(w), 0, 7);
    const l1 = e.run(data, w, 0.05, 7);
    assert.ok(l1 < l0, `${l1} ≥ ${l0}`);
  });
}
