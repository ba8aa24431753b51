import { rmSync } from 'node:fs';
import { zeros, transposed } from '../src/linalg/mat.ts';
import { Rng } from '../src/linalg/rng.ts';
import { reportSec4, reportSec5 } from '../src/data/generators.ts';
import { statsFromData, type Dataset } from '../src/model/stats.ts';
import { initGaussian } from '../src/model/init.ts';
import { cloneWeights } from '../src/model/network.ts';
import { trainGD } from '../src/optim/train.ts';
import { createBatch, setLane } from '../src/optim/batched/batch.ts';
import { compileLaneProgram } from '../src/optim/batched/laneProgram.ts';
import type { BatchKernels } from '../src/optim/batched/trainBatched.ts';
import { trainBatchedParallel } from '../src/node/trainBatchedParallel.ts';
import { type BenchContext, type BenchRow, type Workload, median, medianTime, npy, npyArray, rate, tempDir } from './common.ts';
import { gdStepFlops } from './flops.ts';
import { runNumpy } from './numpyRunner.ts';

/** dln's trainGD vs numpy (raw data, as users write it; and from Σ_XX, Σ_YX) on one network. */
async function singleNetwork(id: string, name: string, data: Dataset, dims: number[], lr: number, ctx: BenchContext): Promise<BenchRow[]> {
  const steps = ctx.quick ? 20000 : 100000, npSteps = ctx.quick ? 2000 : 5000;
  const w0 = initGaussian(dims, new Rng(1), 0.05);
  const stats = statsFromData(data);
  const sec = medianTime(() => { trainGD(stats, cloneWeights(w0), { schedule: { kind: 'constant', lr }, maxSteps: steps, recordEvery: steps }); }, 5);
  const base = { workload: name, backend: 'generated JS', threads: 1, dln: rate(steps / sec, 'steps/s'), flops: gdStepFlops(dims) };
  if (!ctx.numpy) return [{ id, ...base }];
  const dir = tempDir();
  try {
    const job = { x: npy(dir, 'x.npy', transposed(data.x)), y: npy(dir, 'y.npy', transposed(data.y)), weights: w0.map((w, j) => npy(dir, `w${j + 1}.npy`, w)), lr, steps: npSteps };
    const raw = runNumpy({ ...job, kind: 'raw' }, 1), st = runNumpy({ ...job, kind: 'stats' }, 1);
    return [
      { id, ...base, numpy: { ...rate(npSteps / raw.seconds, 'steps/s'), threads: raw.blas_threads }, note: 'numpy from the raw data (Python loop, @)' },
      { id: `${id}s`, ...base, workload: `${name}, numpy from Σ_XX, Σ_YX`, numpy: { ...rate(npSteps / st.seconds, 'steps/s'), threads: st.blas_threads }, note: 'numpy from sufficient statistics, as dln' },
    ];
  } finally { rmSync(dir, { recursive: true, force: true }); }
}

const w1: Workload = {
  id: 'W1',
  run: (ctx) => singleNetwork('W1', 'report data X 1000×5, 5-4-4-5, GD', reportSec4(new Rng(1)), [5, 4, 4, 5], 2e-5, ctx),
};

const w2: Workload = {
  id: 'W2',
  run: (ctx) => singleNetwork('W2', 'X 5×5, three 5×5 layers, GD', reportSec5(new Rng(1)), [5, 5, 5, 5], 1e-3, ctx),
};

/** 1000 instances of W2 (own data and init each), all cores, vs numpy batched @. */
const w3: Workload = {
  id: 'W3',
  async run(ctx) {
    const lanes = 1000, steps = 2000, dims = [5, 5, 5, 5], d0 = 5, lr = 1e-3;
    const batch = createBatch(dims, lanes, true);
    const rng = new Rng(3);
    const sxx = zeros(lanes, d0 * d0), syx = zeros(lanes, d0 * d0), tryy = zeros(lanes, 1);
    const ws = dims.slice(1).map((d, j) => zeros(lanes, d * dims[j]));
    for (let l = 0; l < lanes; l++) {
      const s = statsFromData(reportSec5(rng));
      const w = initGaussian(dims, rng, 0.2);
      setLane(batch, l, w, s);
      sxx.data.set(s.sxx.data, l * 25); syx.data.set(s.syx.data, l * 25); tryy.data[l] = s.trYY;
      w.forEach((m, j) => ws[j].data.set(m.data, l * m.data.length));
    }
    const w0 = batch.weights.map((w) => w.slice());
    // The first call starts the worker pool (its cost is in the note); the figure is the median of 3 more.
    const timeKernels = async (kernels: BatchKernels, k: number): Promise<{ warm: number; cold: number }> => {
      const t: number[] = [];
      for (let r = 0; r < 4; r++) {
        batch.weights.forEach((w, j) => w.set(w0[j]));
        const s = performance.now();
        await trainBatchedParallel(batch, { schedules: { kind: 'constant', lr }, maxSteps: k, kernels }, ctx.threads);
        t.push(k / ((performance.now() - s) / 1000));
      }
      return { cold: t[0], warm: median(t.slice(1)) };
    };
    const engines: [BatchKernels, string, number][] = [['wasm-simd', 'WASM SIMD, generated', steps]];
    if (!ctx.quick) engines.push(['js', 'JS, generated', steps], ['loops', 'lane loops (before)', 100]);
    const flops = lanes * gdStepFlops(dims);
    const rows: BenchRow[] = [];
    for (const [kernels, label, k] of engines) {
      if (kernels !== 'loops' && compileLaneProgram(dims, kernels) === null) continue;
      const { warm, cold } = await timeKernels(kernels, k);
      rows.push({
        id: 'W3', workload: `W2 × ${lanes} networks, batched`, backend: label, threads: ctx.threads, dln: rate(warm, 'batch-steps/s'), flops,
        note: `${(lanes * warm / 1e6).toFixed(2)} M network-steps/s (${k} steps a call); first call, starting the workers: ${cold.toPrecision(3)} batch-steps/s`,
      });
    }
    if (!ctx.numpy) return rows;
    const dir = tempDir();
    try {
      const job = {
        kind: 'batched', steps,
        sxx: npyArray(dir, 'sxx.npy', sxx.data, [lanes, d0, d0]), syx: npyArray(dir, 'syx.npy', syx.data, [lanes, d0, d0]),
        tryy: npyArray(dir, 'tryy.npy', tryy.data, [lanes]), lr: npyArray(dir, 'lr.npy', new Float64Array(lanes).fill(lr), [lanes]),
        weights: ws.map((m, j) => npyArray(dir, `w${j + 1}.npy`, m.data, [lanes, dims[j + 1], dims[j]])),
      };
      const r = runNumpy(job, ctx.threads);
      for (const row of rows) row.numpy = { ...rate(steps / r.seconds, 'batch-steps/s'), threads: r.blas_threads };
    } finally { rmSync(dir, { recursive: true, force: true }); }
    return rows;
  },
};

export const smallNetworks: Workload[] = [w1, w2, w3];
