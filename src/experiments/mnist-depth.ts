import { type Mat, Rng, zeros, frobenius, sub, matmul } from '../linalg/index.ts';
import { statsFromData, initBalanced, maxRank } from '../model/index.ts';
import { loadRealData, classificationError, type RealData } from '../data/index.ts';
import { bestRankR } from '../landscape/index.ts';
import { lineChart } from '../plot/chartSpecs.ts';
import type { Check, Experiment, ExperimentContext, ExperimentResult, FigureRun } from './types.ts';
import { stepAtMinimum } from './common/sharpness.ts';
import { trackGD, datasetLoss, type TrackedRun } from './common/trackedRun.ts';
import { requireRealData } from './common/realDataSource.ts';
import { checkStop, report } from './common/interrupt.ts';
import { check, fmt, sig } from './common/summary.ts';
import { columnsTable } from './common/tables.ts';

export interface MnistDepthConfig {
  /** Training and test digits of the seeded split (the package holds 10,000). */
  train: number;
  test: number;
  /** Principal components the centred pixels are projected onto (d_x). */
  pca: number;
  /** Hidden widths of each network, e.g. [] (depth 1), [16, 16] (depth 3), [16, 5] (a bottleneck of width 5). */
  hidden: number[][];
  /** Scale s of the balanced initialisation: every W_j has singular values s (THEORY §3.5). */
  initScale: number;
  /** GD iterations per network. */
  maxSteps: number;
}

/** The slides' error rate of linear regression on MNIST (H = 0). */
const SLIDES_LINEAR_ERROR = 0.12;
/** The package's digits: the playground splits them into train and 10,000 − train. */
const MNIST_DIGITS = 10000;

interface NetworkRun { dims: number[]; rank: number; target: Mat; targetLoss: number; eta: number; run: TrackedRun }

const label = (dims: readonly number[]): string => dims.join('-');

/** GD step 1/λ_max(∇²L) at a global minimiser; for one layer ∇²L = Σ_XX ⊗ I, so λ_max(Σ_XX). */
function stepFor(data: RealData, stats: ReturnType<typeof statsFromData>, dims: number[]): number {
  if (dims.length === 2) return 1 / (data.meta.principalValues as number[])[0];
  return stepAtMinimum(stats, dims).eta;
}

/** The playground run of the first two-layer network without a bottleneck (or the first network): the page's MNIST split, then W(0). */
function linkedRun(runs: NetworkRun[], config: MnistDepthConfig, seed: number): { run?: FigureRun } {
  const dy = runs[0]?.dims[runs[0].dims.length - 1];
  const r = runs.find((x) => x.dims.length === 3 && x.rank >= dy) ?? runs[0];
  if (r === undefined || config.train + config.test !== MNIST_DIGITS) return {};
  return {
    run: {
      curve: label(r.dims), dims: r.dims, data: { name: 'mnist', pca: config.pca, train: config.train, center: true },
      init: { kind: 'balanced', scale: config.initScale }, eta: r.eta, seed, steps: r.run.steps, recordEvery: 1,
    },
  };
}

function runMnistDepth(config: MnistDepthConfig, ctx: ExperimentContext): ExperimentResult {
  const rng = new Rng(ctx.seed);
  report(ctx, 0, 'loading MNIST');
  const data = loadRealData('mnist', requireRealData(ctx, 'mnist-depth'), rng, { train: config.train, test: config.test, pca: config.pca });
  const stats = statsFromData(data.train);
  const test = data.test!, targetMean = data.meta.targetMean as number[];
  const dx = data.train.x.rows, dy = data.train.y.rows;
  const errorOf = (p: Mat, x: Mat, labels: Int32Array): number => classificationError(matmul(zeros(dy, x.cols), p, x), labels, targetMean);
  const olsTestError = errorOf(stats.ols, test.x, data.testLabels!);
  const olsTrainError = errorOf(stats.ols, data.train.x, data.trainLabels!);
  const olsTestLoss = datasetLoss(stats.ols, test);
  const runs: NetworkRun[] = [];
  // Every network's start is the first draw after the split, as the playground draws W(0) after it.
  const afterSplit = rng.state();
  config.hidden.forEach((hidden, n) => {
    checkStop(ctx, 'mnist-depth');
    const dims = [dx, ...hidden, dy], rank = maxRank(dims);
    const best = rank >= dy ? { product: stats.ols, loss: stats.lossOLS } : bestRankR(stats, rank);
    const eta = stepFor(data, stats, dims);
    const w = initBalanced(dims, Rng.fromState(afterSplit), config.initScale);
    const run = trackGD(stats, w, eta, config.maxSteps, (p) => ({
      testLoss: datasetLoss(p, test),
      testError: errorOf(p, test.x, data.testLabels!),
      distance: frobenius(sub(zeros(dy, dx), p, best.product)) / frobenius(best.product),
    }));
    runs.push({ dims, rank, target: best.product, targetLoss: best.loss, eta, run });
    report(ctx, (n + 1) / config.hidden.length, `network ${label(dims)}`);
  });

  const last = (r: NetworkRun) => r.run.points[r.run.points.length - 1];
  const full = runs.filter((r) => r.rank >= dy), bottleneck = runs.filter((r) => r.rank < dy);
  const depth1 = runs.find((r) => r.dims.length === 2);
  const excess = (r: NetworkRun) => (last(r).loss - r.targetLoss) / r.targetLoss;
  const worstFullError = Math.max(...full.map((r) => Math.abs(last(r).measures.testError - olsTestError)));
  const lowest = Math.min(...runs.map((r) => Math.min(...r.run.losses) / r.targetLoss - 1));
  const checks: Check[] = [];
  if (depth1) {
    checks.push(check('the depth-1 network reaches the least-squares map to 1e-8 relative', last(depth1).measures.distance <= 1e-8,
      `‖P − A‖_F/‖A‖_F = ${fmt(last(depth1).measures.distance)} after ${depth1.run.steps} steps (A = Σ_YXΣ_XX⁻¹)`));
  }
  checks.push(
    check('no network goes below the best loss its widths allow (depth adds no expressiveness)', lowest >= -1e-12,
      `smallest (L − L*_r)/L*_r over all iterates: ${fmt(lowest)}`),
    check('every network without a bottleneck ends within 1e-3 of the least-squares loss', full.every((r) => excess(r) <= 1e-3),
      full.map((r) => `${label(r.dims)}: ${fmt(excess(r))}`).join('; ')),
    check('their test error is the least-squares one to within half a percentage point', worstFullError <= 0.005,
      `least squares ${fmt(100 * olsTestError)} %; largest difference ${fmt(100 * worstFullError)} points`),
  );
  if (bottleneck.length > 0) {
    checks.push(check('a bottleneck of width r < 10 ends within 1e-3 of the best rank-r loss', bottleneck.every((r) => excess(r) <= 1e-3),
      bottleneck.map((r) => `${label(r.dims)} (r = ${r.rank}): loss excess ${fmt(excess(r))}, ‖P − R*_r‖/‖R*_r‖ = ${fmt(last(r).measures.distance)}`).join('; ')));
  }

  const series = (pick: (r: NetworkRun, k: number) => number) => runs.map((r) => ({
    name: label(r.dims), mark: 'linepoint' as const, x: r.run.points.map((p) => p.step), y: r.run.points.map((p, k) => pick(r, k)),
  }));
  const lossFigure = lineChart({
    title: 'MNIST: excess training loss of deep linear networks over least squares',
    subtitle: [`${config.train} training digits, pixels centred and projected onto ${config.pca} principal components, one-hot targets`,
      `GD at η = 1/λ_max(∇²L) at a global minimum, balanced start of scale ${config.initScale}; L* = least squares or best rank-r loss`],
    xLabel: 'iteration k', yLabel: '(L − L*) / L*', logX: true, logY: true, legendTitle: 'widths',
    series: runs.map((r) => ({ name: label(r.dims), x: Array.from({ length: r.run.steps }, (_, k) => k + 1), y: Array.from(r.run.losses.subarray(1), (v) => (v - r.targetLoss) / r.targetLoss) })),
  });
  const errorFigure = lineChart({
    title: 'MNIST: test classification error over training',
    subtitle: [`${config.test} held-out digits; dashed: least squares (${fmt(100 * olsTestError)} %) and the slides' linear regression (12.0 %)`],
    xLabel: 'iteration k', yLabel: 'test error', logX: true, legendTitle: 'widths',
    series: series((r, k) => r.run.points[k].measures.testError),
    hlines: [{ y: olsTestError, label: 'least squares' }, { y: SLIDES_LINEAR_ERROR, label: 'slides: 12 %' }],
  });
  const table = columnsTable({
    widths: runs.flatMap((r) => r.run.points.map(() => label(r.dims))),
    iteration: runs.flatMap((r) => r.run.points.map((p) => p.step)),
    train_loss: runs.flatMap((r) => r.run.points.map((p) => p.loss)),
    test_loss: runs.flatMap((r) => r.run.points.map((p) => p.measures.testLoss)),
    test_error: runs.flatMap((r) => r.run.points.map((p) => p.measures.testError)),
    distance_to_best_map: runs.flatMap((r) => r.run.points.map((p) => p.measures.distance)),
  });
  const headline: ExperimentResult['headline'] = {
    data: data.describe, least_squares_test_error: sig(olsTestError), least_squares_train_error: sig(olsTrainError),
    least_squares_train_loss: sig(stats.lossOLS, 6), least_squares_test_loss: sig(olsTestLoss, 6),
  };
  for (const r of runs) {
    headline[`final_test_error_${label(r.dims)}`] = sig(last(r).measures.testError);
    headline[`final_distance_${label(r.dims)}`] = sig(last(r).measures.distance);
  }
  return {
    headline,
    comparisons: [
      { quantity: 'test error of linear regression', dln: `${fmt(100 * olsTestError)} %`, paper: '12.0 %', note: `dln: least squares on one-hot targets of ${config.train} of the package's 10,000 training digits, pixels centred and projected onto ${config.pca} principal components, ${config.test} held-out digits of the same 10,000; the slides do not say how their linear classifier was fitted or on which split (MNIST's own 60,000/10,000).` },
      { quantity: 'test error of deeper networks', dln: full.map((r) => `${label(r.dims)}: ${fmt(100 * last(r).measures.testError)} %`).join(', '), paper: 'H = 2: 2.5 %, H = 4: 0.8 %', note: 'The slides\' deeper networks are non-linear (LeCun et al. 1998); a deep linear network computes a linear map, so its error can only approach least squares (or the best rank-r map with a bottleneck), as measured here.' },
    ],
    verdict: checks.every((c) => c.passed) ? 'agrees' : `differs: ${checks.filter((c) => !c.passed).map((c) => c.name).join('; ')}`,
    checks,
    tables: { curves: table },
    figures: [
      { name: 'mnist-depth-loss', caption: 'Excess training loss over the best loss the widths allow (least squares, or the best rank-r map for a bottleneck), on log axes: deeper networks leave the small start later, then all converge to the same linear map.', spec: lossFigure, ...linkedRun(runs, config, ctx.seed) },
      { name: 'mnist-depth-error', caption: 'Test classification error (argmax of the prediction) over training. Networks without a bottleneck end at the least-squares error; a bottleneck ends higher. Depth changes the path, not the end point.', spec: errorFigure },
    ],
  };
}

export const mnistDepth: Experiment<MnistDepthConfig> = {
  name: 'mnist-depth',
  title: 'Deep linear networks on MNIST reach the least-squares map',
  source: "dln's own, on real data (the slides' MNIST error rates)",
  question: 'Trained by GD from a small balanced start, do deep linear networks of depth 1–4 on MNIST end at the least-squares map (or the best rank-r map with a bottleneck), and how does their test error compare with the linear regression error the slides quote?',
  defaults: { train: 8000, test: 2000, pca: 50, hidden: [[], [16], [16, 16], [16, 16, 16], [16, 5]], initScale: 0.1, maxSteps: 20000 },
  quick: { train: 8000, test: 2000, pca: 50, hidden: [[], [16], [16, 5]], initScale: 0.1, maxSteps: 5000 },
  long: true,
  // 2: every network's start drawn right after the split, and the loss figure's link to the playground.
  version: 2,
  run: runMnistDepth,
};
