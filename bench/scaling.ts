import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { type Mat, zeros } from '../src/linalg/mat.ts';
import { Rng } from '../src/linalg/rng.ts';
import { statsFromData, type Stats } from '../src/model/stats.ts';
import { gdStep } from '../src/optim/gd.ts';
import { evaluateGradient, gradientEvaluation } from '../src/optim/train.ts';
import { lineChart, type Series } from '../src/plot/chartSpecs.ts';
import { loglogFit } from '../src/plot/loglogFit.ts';
import { renderChart } from '../src/plot/renderChart.ts';
import type { BackendName } from '../src/linalg/backends/selectBackend.ts';
import { type BenchContext, type BenchRow, type Workload, backendThreads, median, medianTime, rate, secondsPerStep, withBackend } from './common.ts';
import { gdStepFlops } from './flops.ts';
import { unrollable } from '../src/model/unrolledLossAndGrad.ts';
import { runNumpy } from './numpyRunner.ts';

const gaussian = (rows: number, cols: number, rng: Rng, std = 1): Mat => ({ rows, cols, data: rng.fillNormal(new Float64Array(rows * cols), std) });

/** Seconds per GD step (trainGD's step) of widths dims on the statistics, with the active backend. */
function stepSeconds(dims: number[], stats: Stats, minSeconds: number): number {
  const rng = new Rng(2);
  const w = dims.slice(1).map((d, j) => gaussian(d, dims[j], rng, 1 / Math.sqrt(dims[j]))), g = w.map((m) => zeros(m.rows, m.cols));
  const how = gradientEvaluation(dims), out = new Float64Array(2);
  return secondsPerStep(() => { evaluateGradient(w, stats, g, out, how); gdStep(w, g, 1e-12); }, minSeconds, 1 << 20);
}

interface Sweep { x: number[]; series: Series[]; points: Record<string, number[]> }

/** Time per step against the width n of square 3-layer networks, per backend (and numpy from Σ_XX). */
function widthSweep(ctx: BenchContext): Sweep {
  const ns = [4, 8, 16, 32, 64, 128, 256, 512, 1024].filter((n) => !ctx.quick || n <= 256);
  const cap = ctx.quick ? 0.1 : 2, minSeconds = ctx.quick ? 0.03 : 0.2;
  const points: Record<string, number[]> = {};
  const stats = new Map<number, Stats>();
  for (const n of ns) {
    const rng = new Rng(n);
    stats.set(n, withBackend(ctx.backends[0], ctx.threads, () => statsFromData({ x: gaussian(n, 2 * n, rng), y: gaussian(n, 2 * n, rng) })));
  }
  // The generated kernels of the small widths take V8 a while to optimise: run them once, untimed.
  for (const n of ns.filter((k) => unrollable([k, k, k, k]))) stepSeconds([n, n, n, n], stats.get(n) as Stats, minSeconds);
  for (const b of ctx.backends) {
    const key = `dln ${b} (${backendThreads(b, ctx)} thr)`, ys: number[] = [];
    let rateFlops = Infinity;
    for (const n of ns) {
      const dims = [n, n, n, n], f = gdStepFlops(dims);
      if (f / rateFlops > cap) { ys.push(Number.NaN); continue; }
      const s = withBackend(b, backendThreads(b, ctx), () => stepSeconds(dims, stats.get(n) as Stats, minSeconds));
      rateFlops = f / s;
      ys.push(s);
    }
    points[key] = ys;
  }
  // numpy on the thread counts of dln's series (OpenBLAS every core; the others one).
  for (const t of ctx.numpy ? [...new Set(ctx.backends.map((b) => backendThreads(b, ctx)))] : []) {
    const r = runNumpy({ kind: 'sweep', raw: false, min_seconds: minSeconds, points: ns.map((n) => ({ dims: [n, n, n, n], m: 2 * n })) }, t);
    points[`numpy from Σ_XX (${r.blas_threads ?? t} thr)`] = (r.points as { stats: number }[]).map((p) => p.stats);
  }
  return { x: ns, points, series: Object.entries(points).map(([name, y]) => ({ name, x: ns, y, mark: 'linepoint' })) };
}

/** Time per step against the number of samples m at fixed widths: dln (statistics once, then steps) and numpy. */
function sampleSweep(ctx: BenchContext): Sweep {
  const dims = [16, 16, 16, 16], ms = [100, 1000, 10000, 100000, 1000000].filter((m) => !ctx.quick || m <= 100000);
  const minSeconds = ctx.quick ? 0.03 : 0.2, b = ctx.backends[0], thr = backendThreads(b, ctx);
  const step: number[] = [], once: number[] = [];
  withBackend(b, thr, () => {
    statsFromData({ x: gaussian(dims[0], 50, new Rng(1)), y: gaussian(dims[3], 50, new Rng(2)) });
    for (const m of ms) {
      const rng = new Rng(m);
      const data = { x: gaussian(dims[0], m, rng), y: gaussian(dims[3], m, rng) };
      let stats: Stats | undefined;
      once.push(medianTime(() => { stats = statsFromData(data); }, 3, 1));
      // The median of three measurements: the machine's other load moves single ones.
      step.push(median([0, 1, 2].map(() => stepSeconds(dims, stats as Stats, minSeconds))));
    }
  });
  const points: Record<string, number[]> = { 'dln step (from Σ_XX)': step, 'dln Σ_XX, Σ_YX once': once };
  if (ctx.numpy) {
    const r = runNumpy({ kind: 'sweep', raw: true, min_seconds: minSeconds, points: ms.map((m) => ({ dims, m })) }, thr);
    const p = r.points as { raw: number; stats: number }[];
    points['numpy step from raw data'] = p.map((q) => q.raw);
    points['numpy step from Σ_XX'] = p.map((q) => q.stats);
  }
  return { x: ms, points, series: Object.entries(points).map(([name, y]) => ({ name, x: ms, y, mark: 'linepoint', dashed: name.includes('once') })) };
}

/** Both sweeps side by side in one figure. */
function figure(width: Sweep, samples: Sweep, ctx: BenchContext): TopLevelSpec {
  const a = lineChart({ title: 'Time per GD step vs width n', subtitle: 'widths n-n-n-n (N = 3), from Σ_XX', series: width.series, logX: true, logY: true, xLabel: 'n', yLabel: 'seconds per step', width: 420 });
  const b = lineChart({ title: 'Time per GD step vs samples m', subtitle: `widths 16-16-16-16, default backend (${ctx.backends[0]})`, series: samples.series, logX: true, logY: true, xLabel: 'm', yLabel: 'seconds', width: 420 });
  const strip = (s: TopLevelSpec): Record<string, unknown> => { const { $schema: _s, config: _c, ...rest } = s as unknown as Record<string, unknown>; return rest; };
  return {
    $schema: (a as { $schema: string }).$schema, config: (a as { config: object }).config,
    hconcat: [strip(a), strip(b)], resolve: { scale: { color: 'independent' }, legend: { color: 'independent' } },
  } as unknown as TopLevelSpec;
}

const w7: Workload = {
  id: 'W7',
  async run(ctx) {
    const width = widthSweep(ctx), samples = sampleSweep(ctx);
    mkdirSync(ctx.outDir, { recursive: true });
    const { svg, png } = await renderChart(figure(width, samples, ctx));
    writeFileSync(join(ctx.outDir, 'w7.svg'), svg);
    writeFileSync(join(ctx.outDir, 'w7.png'), png);
    ctx.extra.W7 = { widths: width, samples };
    const rows: BenchRow[] = [];
    for (const [name, ys] of Object.entries(width.points)) {
      const big = width.x.map((n, i) => [n, ys[i]] as const).filter(([n, y]) => n >= 64 && Number.isFinite(y));
      if (big.length < 2 || name.startsWith('numpy')) continue;
      const fit = loglogFit(big.map((p) => p[0]), big.map((p) => p[1]));
      const b = name.split(' ')[1] as BackendName, thr = backendThreads(b, ctx);
      const [n, s] = big[big.length - 1];
      const npName = Object.keys(width.points).find((k) => k === `numpy from Σ_XX (${thr} thr)`);
      const np = npName ? width.points[npName][width.x.indexOf(n)] : undefined;
      rows.push({
        id: 'W7n', workload: `time per step ∝ n^${fit.slope.toFixed(2)} (n ≥ 64); n = ${n} shown`, backend: b, threads: thr, dln: rate(1 / s, 'steps/s'), flops: gdStepFlops([n, n, n, n]),
        ...(np !== undefined ? { numpy: { ...rate(1 / np, 'steps/s'), threads: thr } } : {}),
        note: 'vs numpy from Σ_XX; bench/out/w7.svg',
      });
    }
    const st = samples.points['dln step (from Σ_XX)'];
    const spread = Math.max(...st) / Math.min(...st), last = st.length - 1;
    const raw = samples.points['numpy step from raw data'], npStats = samples.points['numpy step from Σ_XX'];
    rows.push({
      id: 'W7m', workload: `time per step, m = ${samples.x[0]}…${samples.x[last]}: max/min ${spread.toFixed(2)}`, backend: ctx.backends[0], threads: backendThreads(ctx.backends[0], ctx),
      dln: rate(1 / st[last], 'steps/s'), flops: gdStepFlops([16, 16, 16, 16]),
      ...(npStats ? { numpy: { ...rate(1 / npStats[last], 'steps/s'), threads: backendThreads(ctx.backends[0], ctx) } } : {}),
      note: `at m = ${samples.x[last]}, vs numpy from Σ_XX${raw ? `; numpy from raw data: ${(1 / raw[last]).toPrecision(3)} steps/s, ${(raw[last] / raw[0]).toFixed(0)}× slower per step than at m = ${samples.x[0]}` : ''}; bench/out/w7.svg`,
    });
    return rows;
  },
};

export const scaling: Workload[] = [w7];
