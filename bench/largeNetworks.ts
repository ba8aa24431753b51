import { rmSync } from 'node:fs';
import { type Mat, zeros, transposed } from '../src/linalg/mat.ts';
import { Rng } from '../src/linalg/rng.ts';
import { getBackend } from '../src/linalg/backend.ts';
import { statsFromData, type Stats } from '../src/model/stats.ts';
import { gdStep } from '../src/optim/gd.ts';
import { evaluateGradient, gradientEvaluation } from '../src/optim/train.ts';
import {
  type BenchContext, type BenchRow, type Workload, backendThreads, npy, rate, secondsPerStep, seconds, tempDir, withBackend,
} from './common.ts';
import { gdStepFlops, gemmFlops } from './flops.ts';
import { runNumpy } from './numpyRunner.ts';

const gaussian = (rows: number, cols: number, rng: Rng, std = 1): Mat => ({ rows, cols, data: rng.fillNormal(new Float64Array(rows * cols), std) });

/** Runs fn on the fastest backend with every core (data preparation, not timed). */
const onFastest = <T>(ctx: BenchContext, fn: () => T): T => withBackend(ctx.backends[0], ctx.threads, fn);

/** Y = MX + 0.1·noise with M Gaussian of unit-scale rows; X as given. */
function teacherData(x: Mat, dy: number, rng: Rng, ctx: BenchContext): { x: Mat; y: Mat } {
  const m = gaussian(dy, x.rows, rng, 1 / Math.sqrt(x.rows));
  const y = gaussian(dy, x.cols, rng, 0.1);
  const fit = zeros(dy, x.cols);
  onFastest(ctx, () => getBackend().gemm(false, false, dy, x.cols, x.rows, 1, m.data, x.data, 0, fit.data));
  for (let i = 0; i < y.data.length; i++) y.data[i] += fit.data[i];
  return { x, y };
}

/**
 * GD steps on a wide network from sufficient statistics (trainGD's step: gradientEvaluator + gdStep),
 * under every backend, against numpy from the same statistics (same algorithm) and from the raw data.
 */
async function wideNetwork(id: string, name: string, dims: number[], x: Mat, lr: number, ctx: BenchContext): Promise<BenchRow[]> {
  const rng = new Rng(5);
  const data = teacherData(x, dims[dims.length - 1], rng, ctx);
  const stats: Stats = onFastest(ctx, () => statsFromData(data));
  const w0 = dims.slice(1).map((d, j) => gaussian(d, dims[j], rng, 1 / Math.sqrt(dims[j])));
  const numpySteps = ctx.quick ? 1 : 3;
  const numpy = new Map<number, { stats: number; raw: number; threads: number | null }>();
  if (ctx.numpy) {
    const dir = tempDir();
    try {
      const job = { x: npy(dir, 'x.npy', transposed(data.x)), y: npy(dir, 'y.npy', transposed(data.y)), weights: w0.map((w, j) => npy(dir, `w${j + 1}.npy`, w)), lr, steps: numpySteps };
      // A first call of numpySteps steps estimates the rate; a fast workload (W4w: ~0.5 ms a step) is then
      // timed again over enough steps to last about 0.6 s, so that timer noise does not decide the ratio.
      const timed = (kind: 'stats' | 'raw', t: number): { rate: number; threads: number | null } => {
        const first = runNumpy({ ...job, kind }, t);
        const steps = Math.min(5000, Math.ceil((ctx.quick ? 0.2 : 0.6) / (first.seconds / numpySteps)));
        const r = steps > numpySteps ? runNumpy({ ...job, kind, steps }, t) : first;
        return { rate: (steps > numpySteps ? steps : numpySteps) / r.seconds, threads: r.blas_threads };
      };
      for (const t of new Set(ctx.backends.map((b) => backendThreads(b, ctx)))) {
        const st = timed('stats', t), raw = timed('raw', t);
        numpy.set(t, { stats: st.rate, raw: raw.rate, threads: st.threads });
      }
    } finally { rmSync(dir, { recursive: true, force: true }); }
  }
  const rows: BenchRow[] = [];
  for (const b of ctx.backends) {
    const thr = backendThreads(b, ctx);
    const sec = withBackend(b, thr, () => {
      const w = w0.map((m) => ({ ...m, data: m.data.slice() })), g = w.map((m) => zeros(m.rows, m.cols));
      const how = gradientEvaluation(dims), out = new Float64Array(2);
      return secondsPerStep(() => { evaluateGradient(w, stats, g, out, how); gdStep(w, g, lr); }, ctx.quick ? 0.3 : 1.5, 50);
    });
    const np = numpy.get(thr), np1 = numpy.get(1);
    const one = thr > 1 && np1 ? `; numpy from Σ_XX on 1 thread ${np1.stats.toPrecision(3)} steps/s` : '';
    rows.push({
      id, workload: name, backend: b, threads: thr, dln: rate(1 / sec, 'steps/s'), flops: gdStepFlops(dims),
      ...(np ? { numpy: { ...rate(np.stats, 'steps/s'), threads: np.threads }, note: `vs numpy from Σ_XX; numpy from raw data ${np.raw.toPrecision(3)} steps/s (dln ${(1 / sec / np.raw).toFixed(1)}×)${one}` } : {}),
    });
  }
  return rows;
}

const w4: Workload = {
  id: 'W4',
  run: (ctx) => wideNetwork('W4', 'widths 512-512-512-512, m = 4096, GD', [512, 512, 512, 512], gaussian(512, 4096, new Rng(4)), 1e-7, ctx),
};

/** A wide hidden layer (the catapult / NTK regime): 10⁵ parameters, a 5×5 product. */
const w4w: Workload = {
  id: 'W4w',
  run: (ctx) => wideNetwork('W4w', 'widths 5-10000-5, m = 1000, GD', [5, 10000, 5], gaussian(5, 1000, new Rng(8)), 1e-6, ctx),
};

/** MNIST-shaped inputs: 784 pixels in [0, 1] for 10 000 samples (synthetic: no data set is downloaded). */
function mnistLike(rng: Rng): Mat {
  const x = zeros(784, 10000);
  for (let i = 0; i < x.data.length; i++) x.data[i] = rng.uniform() < 0.8 ? 0 : rng.uniform();
  return x;
}

const w5: Workload = {
  id: 'W5',
  run: (ctx) => wideNetwork('W5', 'widths 784-256-256-10, m = 10000, GD', [784, 256, 256, 10], mnistLike(new Rng(6)), 1e-6, ctx),
};

/** One 512×512 product per backend against numpy's @ on as many threads: the kernel behind W4. */
const w4g: Workload = {
  id: 'W4g',
  async run(ctx) {
    const n = 512, rng = new Rng(7), a = gaussian(n, n, rng), b = gaussian(n, n, rng), c = zeros(n, n);
    const rows: BenchRow[] = [];
    for (const name of ctx.backends) {
      const thr = backendThreads(name, ctx);
      const sec = withBackend(name, thr, () => secondsPerStep(() => getBackend().gemm(false, false, n, n, n, 1, a.data, b.data, 0, c.data), ctx.quick ? 0.3 : 1, 100));
      const row: BenchRow = { id: 'W4g', workload: `${n}×${n} matrix product`, backend: name, threads: thr, dln: seconds(sec), flops: gemmFlops(n, n, n) };
      if (ctx.numpy) { const r = runNumpy({ kind: 'gemm', n, reps: 20 }, thr); row.numpy = { ...seconds(r.seconds), threads: r.blas_threads }; }
      rows.push(row);
    }
    return rows;
  },
};

export const largeNetworks: Workload[] = [w4g, w4, w4w, w5];
