/**
 * Memory figures for bench/memory.ts, run in a child process as
 * `node --expose-gc --import tsx bench/memoryProbe.ts` so that gc() can be called; prints one JSON line.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { availableParallelism } from 'node:os';
import { Rng } from '../src/linalg/rng.ts';
import { reportSec5 } from '../src/data/generators.ts';
import { statsFromData } from '../src/model/stats.ts';
import { initGaussian } from '../src/model/init.ts';
import { cloneWeights, parameterCount } from '../src/model/network.ts';
import { trainGD } from '../src/optim/train.ts';
import { createBatch, setLane } from '../src/optim/batched/batch.ts';
import { trainBatchedParallel } from '../src/node/trainBatchedParallel.ts';

const gc: () => void = (globalThis as { gc?: () => void }).gc ?? ((): never => { throw new Error('memoryProbe: run with node --expose-gc'); });
const heap = (): number => process.memoryUsage().heapUsed;
const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 20));

/** Heap growth of one trainGD run of `steps` steps: without a collection in between, and after one. */
async function oneRun(run: (steps: number) => void, steps: number): Promise<{ allocated: number; retained: number; collections: number }> {
  let collections = 0;
  const obs = new PerformanceObserver((list) => { collections += list.getEntries().length; });
  gc(); await tick();
  obs.observe({ entryTypes: ['gc'] });
  const before = heap();
  run(steps);
  const after = heap();
  await tick();
  obs.disconnect();
  gc();
  return { allocated: after - before, retained: heap() - before, collections };
}

/**
 * Heap over trainGD runs: the first run in the process (its loop starts in V8's interpreter, which
 * boxes doubles), then, after warm-up, runs of 10⁴ and 10⁵ (--quick: 3·10⁴) steps, whose difference gives the bytes
 * allocated per step apart from the per-run set-up (records, workspaces).
 */
async function heapOverSteps(dims: number[], quick: boolean): Promise<Record<string, number>> {
  const long = quick ? 3e4 : 1e5;
  const rng = new Rng(1);
  const x = { rows: dims[0], cols: 50, data: rng.fillNormal(new Float64Array(dims[0] * 50)) };
  const y = { rows: dims[dims.length - 1], cols: 50, data: rng.fillNormal(new Float64Array(dims[dims.length - 1] * 50)) };
  const stats = statsFromData({ x, y }), w0 = initGaussian(dims, rng, 0.1);
  const run = (steps: number): void => { trainGD(stats, cloneWeights(w0), { schedule: { kind: 'constant', lr: 1e-4 }, maxSteps: steps, recordEvery: steps }); };
  const first = await oneRun(run, 1e4);
  for (let r = 0; r < (quick ? 4 : 10); r++) run(1e4);
  const short: number[] = [], longer: number[] = [], retained: number[] = [];
  let collections = 0;
  for (let r = 0; r < 3; r++) {
    const a = await oneRun(run, 1e4), b = await oneRun(run, long);
    short.push(a.allocated); longer.push(b.allocated); retained.push(a.retained);
    collections += a.collections + b.collections;
  }
  const med = (v: number[]): number => v.sort((p, q) => p - q)[1];
  return {
    firstAllocated: first.allocated, firstRetained: first.retained, firstCollections: first.collections,
    retained: med(retained), perRun: med(short), perStep: Math.max(0, (med(longer) - med(short)) / (long - 1e4)), collections,
  };
}

/** Bytes the batched engine allocates for B lanes against the weights, gradients, workspaces and statistics they need. */
async function batchMemory(dims: number[], lanes: number): Promise<Record<string, number>> {
  const n = dims.length - 1, d0 = dims[0], p = parameterCount(dims);
  let work = 2 * dims[n] * d0;
  for (let j = 1; j <= n; j++) work += 2 * dims[j] * d0;
  const needed = 8 * lanes * (2 * p + work + d0 * d0 + dims[n] * d0 + 1);
  const rng = new Rng(4);
  const stats = statsFromData(reportSec5(rng)), w = initGaussian(dims, rng, 0.2);
  gc();
  const m0 = process.memoryUsage();
  const batch = createBatch(dims, lanes, true);
  for (let l = 0; l < lanes; l++) setLane(batch, l, w, stats);
  gc();
  const m1 = process.memoryUsage();
  await trainBatchedParallel(batch, { schedules: { kind: 'constant', lr: 1e-3 }, maxSteps: 50 }, availableParallelism());
  const arrays = [...batch.weights, ...batch.grads, ...batch.fwd, ...batch.back, batch.sxx, batch.ols, batch.lossOLS, batch.e, batch.g, batch.acc, batch.loss, batch.gradSq];
  // Per lane: the run's results (status, steps, loss, ‖∇L‖) and the encoded schedule (4 doubles).
  const allocated = arrays.reduce((s, a) => s + a.byteLength, 0) + lanes * (4 + 4 + 8 + 8 + 32);
  return { lanes, needed, allocated, heapGrowth: m1.heapUsed - m0.heapUsed, rssGrowth: process.memoryUsage().rss - m0.rss };
}

const quick = process.argv.includes('--quick');
const out = {
  small: await heapOverSteps([5, 5, 5, 5], quick),
  wide: await heapOverSteps([12, 12, 12, 12], quick),
  batch: await batchMemory([5, 5, 5, 5], 20000),
};
console.log(JSON.stringify(out));
