import { zeros } from '../linalg/mat.ts';
import { Rng } from '../linalg/rng.ts';
import { singularValues } from '../linalg/svd.ts';
import { initialize } from '../model/init.ts';
import { statsFromData } from '../model/stats.ts';
import { trainGD } from '../optim/train.ts';
import { lineChart } from '../plot/chartSpecs.ts';
import type { Check, Experiment, ExperimentContext, ExperimentResult } from './types.ts';

/** Settings of the smoke experiment; defaults are in `smoke.defaults` and `smoke.quick`. */
export interface SmokeConfig {
  /** Network widths d_0, …, d_N. */
  dims: number[];
  /** Number of samples m (columns of X and Y, drawn N(0, 1) with the seed). */
  samples: number;
  /** Constant step size η. */
  lr: number;
  /** GD steps. */
  steps: number;
  /** Standard deviation of the Gaussian initialisation. */
  initStd: number;
  /** Record the trajectory every this many steps. */
  recordEvery: number;
}

/** Relative gap below which the final loss "agrees" with L_OLS. */
const AGREE = 1e-6;

function run(config: SmokeConfig, ctx: ExperimentContext): ExperimentResult {
  const { dims, samples, lr, steps, initStd, recordEvery } = config;
  const rng = new Rng(ctx.seed);
  const x = zeros(dims[0], samples), y = zeros(dims[dims.length - 1], samples);
  rng.fillNormal(x.data);
  rng.fillNormal(y.data);
  const stats = statsFromData({ x, y });
  const weights = initialize(dims, { kind: 'gaussian', std: initStd }, rng);
  const r = trainGD(stats, weights, {
    schedule: { kind: 'constant', lr }, maxSteps: steps, recordEvery,
    onRecord: (rec) => ctx.progress?.(rec.step / steps, `loss ${rec.loss.toExponential(3)}`),
    shouldStop: () => ctx.shouldStop?.() ?? false,
  });
  const target = Array.from(singularValues(stats.ols));
  const gap = (r.loss - stats.lossOLS) / stats.lossOLS;
  const losses = r.trajectory.map((t) => t.loss);
  const increases = losses.filter((l, i) => i > 0 && l > losses[i - 1] * (1 + 1e-14)).length;
  const checks: Check[] = [
    { name: 'the loss never increases', passed: increases === 0, detail: `${increases} of ${losses.length - 1} recorded intervals increase` },
    { name: 'the final loss matches L_OLS to 1e-6 relative', passed: Math.abs(gap) <= AGREE, detail: `relative gap ${gap.toExponential(3)}` },
  ];
  const verdict = Math.abs(gap) <= AGREE ? 'agrees'
    : Math.abs(gap) < 1 ? 'agrees in order of magnitude'
      : `differs: GD stopped ${r.status} with a loss ${gap.toExponential(2)} above L_OLS (relative)`;
  const step = r.trajectory.map((t) => t.step);
  const arch = dims.join('-');
  return {
    headline: { finalLoss: r.loss, lossOLS: stats.lossOLS, relativeGap: gap, steps: r.steps, status: r.status },
    comparisons: [
      { quantity: 'final loss L(W)', dln: r.loss, paper: stats.lossOLS, note: 'closed form L_OLS = ½‖AX − Y‖²_F' },
      ...target.map((s, i) => ({ quantity: `σ${i + 1} of the product W_N⋯W_1`, dln: r.trajectory[r.trajectory.length - 1].singularValues[i], paper: s, note: `σ${i + 1} of A = Σ_YX Σ_XX⁻¹` })),
    ],
    verdict,
    checks,
    tables: {
      trajectory: {
        header: ['step', 'loss', 'gap', ...target.map((_, i) => `sigma${i + 1}`)],
        rows: r.trajectory.map((t) => [t.step, t.loss, t.loss - stats.lossOLS, ...t.singularValues]),
      },
    },
    figures: [
      {
        name: 'loss',
        caption: `GD (η = ${lr}) on a ${arch} linear network: the excess loss L − L_OLS falls geometrically once the product has grown.`,
        spec: lineChart({
          title: `Excess loss of GD, widths ${arch}`, xLabel: 'step', yLabel: 'L(W) − L_OLS', logY: true,
          series: [{ name: 'L − L_OLS', x: step, y: losses.map((l) => l - stats.lossOLS) }],
        }),
      },
      {
        name: 'singular-values',
        caption: 'The singular values of the product W_N⋯W_1 rise one after the other to those of the least-squares map A (dashed).',
        spec: lineChart({
          title: 'Singular values of the end-to-end map', xLabel: 'step', yLabel: 'σ_i(W_N⋯W_1)',
          series: [
            ...target.map((_, i) => ({ name: `σ${i + 1}(W_N⋯W_1)`, x: step, y: r.trajectory.map((t) => t.singularValues[i]) })),
            ...target.map((s, i) => ({ name: `σ${i + 1}(A)`, x: [0, steps], y: [s, s], dashed: true })),
          ],
        }),
      },
    ],
  };
}

const base = { dims: [3, 4, 2], samples: 20, lr: 0.002, initStd: 0.01 };

/**
 * A tiny built-in experiment for dln's own tests (hidden from `dln experiment --list`): GD on a
 * small linear network reaches the least-squares loss, and its product the least-squares map.
 */
export const smoke: Experiment<SmokeConfig> = {
  name: 'smoke',
  title: 'Smoke test: GD reaches the least-squares fit',
  source: 'dln (built-in test)',
  question: 'Does gradient descent on a small, wide-enough linear network reach the loss of the best linear map, L_OLS?',
  defaults: { ...base, steps: 20000, recordEvery: 100 },
  quick: { ...base, steps: 4000, recordEvery: 20 },
  run,
};

/** The same run, long enough to show a progress bar and to be interrupted in tests. */
export const smokeLong: Experiment<SmokeConfig> = {
  ...smoke,
  name: 'smoke-long',
  title: 'Smoke test (long): GD reaches the least-squares fit',
  long: true,
  defaults: { ...base, steps: 5_000_000, recordEvery: 25_000 },
  quick: { ...base, steps: 200_000, recordEvery: 1000 },
};
