import { Rng, numericalRank } from '../linalg/index.ts';
import { statsFromData, initBalanced } from '../model/index.ts';
import { loadRealData } from '../data/index.ts';
import { criticalValues } from '../landscape/index.ts';
import { lineChart } from '../plot/chartSpecs.ts';
import type { Check, Experiment, ExperimentContext, ExperimentResult } from './types.ts';
import { stepAtMinimum } from './common/sharpness.ts';
import { trackGD, type TrackedRun } from './common/trackedRun.ts';
import { analysePlateaus, type PlateauVisit } from './common/plateauAnalysis.ts';
import { requireRealData } from './common/realDataSource.ts';
import { checkStop, report } from './common/interrupt.ts';
import { check, fmt, sig, subscript } from './common/summary.ts';
import { columnsTable, curvesTable } from './common/tables.ts';

export interface MnistPlateausConfig {
  /** Training digits of the seeded split, and principal components kept (d_x). */
  train: number;
  pca: number;
  /** Hidden widths of the network (d_y = 10). */
  hidden: number[];
  /** Scale of the balanced initialisation (every W_j has singular values s). */
  initScale: number;
  /** GD iterations per run, and runs from independent starts. */
  maxSteps: number;
  runs: number;
}

/** Iterations within 1 % of c_r that count as resting on the plateau. */
const MIN_DWELL = 100;

/** Log-spaced checkpoints 0 … last, about `count` of them, for the product's singular values. */
function logCheckpoints(last: number, count: number): number[] {
  const at = new Set<number>([0, last]);
  for (let i = 0; i <= count; i++) at.add(Math.round(last ** (i / count)));
  return [...at].sort((a, b) => a - b);
}

interface PlateauRun { run: TrackedRun; visits: PlateauVisit[]; rise: number[] }

function runMnistPlateaus(config: MnistPlateausConfig, ctx: ExperimentContext): ExperimentResult {
  const rng = new Rng(ctx.seed);
  report(ctx, 0, 'loading MNIST');
  const data = loadRealData('mnist', requireRealData(ctx, 'mnist-plateaus'), rng, { train: config.train, test: 0, pca: config.pca });
  const stats = statsFromData(data.train);
  const dims = [data.train.x.rows, ...config.hidden, data.train.y.rows];
  const cv = criticalValues(stats, dims);
  // Centred one-hot targets sum to zero over the classes: Y, and so Σ, has rank d_y − 1.
  const rank = numericalRank(stats.ols);
  const c = cv.plateaus.slice(0, rank + 1);
  const { eta } = stepAtMinimum(stats, dims);
  const at = logCheckpoints(config.maxSteps, 400);
  const runs: PlateauRun[] = [];
  for (let k = 0; k < config.runs; k++) {
    checkStop(ctx, 'mnist-plateaus');
    const run = trackGD(stats, initBalanced(dims, rng, config.initScale), eta, config.maxSteps, () => ({}), at);
    const final = run.points[run.points.length - 1].singular;
    // The iteration at which σ_i(P) first reaches half of its final value.
    const rise = Array.from({ length: rank }, (_, i) => run.points.find((p) => p.singular[i] >= 0.5 * final[i])?.step ?? Infinity);
    runs.push({ run, visits: analysePlateaus(run.losses, run.gradNorms, c), rise });
    report(ctx, (k + 1) / config.runs, `run ${k + 1}`);
  }
  // A run rests on c_r when it stays within 1 % of it for MIN_DWELL iterations; when two modes rise
  // together it passes the plateau between them without resting.
  const rested = (r: PlateauRun) => r.visits.filter((v) => v.dwell >= MIN_DWELL);
  const worstPlateau = Math.max(...runs.flatMap((r) => rested(r).map((v) => v.relError)));
  // Resting points measured against every critical value: close eigenvalues of Σ let a run rest at a
  // critical point of another index set S of the same rank.
  const nearest = (loss: number) => cv.values.reduce((b, v) => (Math.abs(v.loss - loss) < Math.abs(b.loss - loss) ? v : b));
  const rests = runs.flatMap((r) => rested(r).map((v) => ({ v, at: nearest(v.loss) })));
  const worstAny = Math.max(...rests.map(({ v, at }) => Math.abs(v.loss - at.loss) / at.loss));
  const atPlateau = rests.filter(({ v, at }) => at.subset.length === v.rank && at.subset.every((i, k) => i === k + 1)).length;
  const fewest = Math.min(...runs.map((r) => rested(r).length));
  const inOrder = runs.filter((r) => r.visits.every((v, i) => v.exit >= 0 && (i === 0 || v.exit > r.visits[i - 1].exit))).length;
  const oneByOne = runs.filter((r) => r.rise.every((t, i) => Number.isFinite(t) && (i === 0 || t > r.rise[i - 1]))).length;
  const excess = Math.max(...runs.map((r) => (r.run.losses[r.run.losses.length - 1] - stats.lossOLS) / stats.lossOLS));
  const checks: Check[] = [
    check(`where a run rests (≥ ${MIN_DWELL} iterations within 1 % of c_r), it rests at a critical value, to 1e-2 relative`, worstAny <= 1e-2,
      `worst distance to the nearest critical value ${fmt(worstAny)} over ${rests.length} rests of ${runs.length} runs; ${atPlateau} of them at c_r itself (S = {1..r}), worst |L − c_r|/c_r ${fmt(worstPlateau)}`),
    check('every run rests on at least two thirds of the plateaus c_0 … c_{r−1}', 3 * fewest >= 2 * rank,
      runs.map((r, k) => `run ${k + 1}: ${rested(r).length}/${rank}`).join(', ')),
    check('the plateaus are left one rank at a time, in order', inOrder === runs.length, `${inOrder}/${runs.length} runs`),
    check('the singular values of the product rise one after another (incremental learning)', oneByOne === runs.length,
      `${oneByOne}/${runs.length} runs; half-rise iterations of run 1: ${runs[0].rise.join(', ')}`),
    check('every run ends at the least-squares loss to 1e-9', excess <= 1e-9, `largest (L − L_OLS)/L_OLS = ${fmt(excess)}`),
  ];
  const first = runs[0];
  const lossFigure = lineChart({
    title: 'MNIST: gradient descent steps down the critical values',
    subtitle: [`widths ${dims.join('-')}, balanced start of scale ${config.initScale}, GD at η = ${fmt(eta)}; ${config.train} digits, ${config.pca} principal components`,
      `dashed: c_r = ½(tr Σ_YY − Σ_{i≤r} λ_i), r = 0 … ${rank} (centred one-hot targets have rank ${rank})`],
    xLabel: 'iteration k', yLabel: 'loss L(W(k))', logX: true, legendTitle: 'run',
    series: runs.map((r, k) => ({ name: `start ${k + 1}`, x: Array.from({ length: r.run.steps }, (_, i) => i + 1), y: r.run.losses.subarray(1) })),
    hlines: c.map((v, r) => ({ y: v, label: `c${subscript(r)}` })),
  });
  const svFigure = lineChart({
    title: 'MNIST: the singular values of W_N⋯W_1 are learnt one at a time',
    subtitle: [`run 1; σ_i(P) against the iteration, i = 1 … ${rank}`],
    xLabel: 'iteration k', yLabel: 'singular value of P', logX: true, logY: true, legendTitle: 'σ_i',
    series: Array.from({ length: rank }, (_, i) => ({ name: `σ${subscript(i + 1)}`, x: first.run.points.map((p) => p.step), y: first.run.points.map((p) => p.singular[i]) })),
  });
  return {
    headline: {
      data: data.describe, widths: dims.join('-'), step_size: sig(eta), rank_of_targets: rank,
      critical_values: c.map((v) => sig(v, 6)).join(', '),
      worst_plateau_relative_error: sig(worstPlateau), worst_rest_to_nearest_critical_value: sig(worstAny),
      rests_at_best_rank_r: `${atPlateau}/${rests.length}`,
      half_rise_iterations_run1: first.rise.join(', '),
      final_excess_loss: sig(excess),
    },
    comparisons: [
      { quantity: 'plateaus at the critical values, on real data', dln: `${rests.length} rests, each within ${fmt(worstAny)} of a critical value`, paper: 'at the critical values ([REP] Fig. 1, Gaussian data)', note: `The report shows the phenomenon on Gaussian toy data (the plateaus experiment); on MNIST ${atPlateau} of the ${rests.length} rests are at the best rank-r values c_r, the others at critical values of other index sets S of the same rank: Σ's eigenvalues are close enough that GD can take a mode out of order.` },
    ],
    verdict: checks.every((k) => k.passed) ? 'agrees' : `differs: ${checks.filter((k) => !k.passed).map((k) => k.name).join('; ')}`,
    checks,
    tables: {
      'loss-curves': curvesTable('iteration', runs.map((r, k) => ({ name: `loss_start_${k + 1}`, values: r.run.losses }))),
      plateaus: columnsTable({
        start: runs.flatMap((r, k) => r.visits.map(() => k + 1)), rank: runs.flatMap((r) => r.visits.map((v) => v.rank)),
        c_r: runs.flatMap((r) => r.visits.map((v) => c[v.rank])), plateau_loss: runs.flatMap((r) => r.visits.map((v) => v.loss)),
        relative_error: runs.flatMap((r) => r.visits.map((v) => v.relError)), iterations_within_1_percent: runs.flatMap((r) => r.visits.map((v) => v.dwell)), exit_iteration: runs.flatMap((r) => r.visits.map((v) => v.exit)),
        half_rise_of_sigma_r_plus_1: runs.flatMap((r) => r.visits.map((v) => r.rise[v.rank])),
      }),
    },
    figures: [
      {
        name: 'mnist-plateaus-loss', caption: 'Training loss of a small-start deep linear network on MNIST: it rests on each dashed critical value c_r in turn and leaves it for the next, down to least squares.', spec: lossFigure,
        // Start 1 is drawn right after the split (which does not depend on the test count): the playground's MNIST gives it again.
        run: { curve: 'start 1', dims, data: { name: 'mnist', pca: config.pca, train: config.train, center: true }, init: { kind: 'balanced', scale: config.initScale }, eta, seed: ctx.seed, steps: first.run.steps, recordEvery: 100 },
      },
      { name: 'mnist-plateaus-singular-values', caption: 'Singular values of the end-to-end product over training (log–log): each rises from the start\'s scale after the one before it, one mode per plateau.', spec: svFigure },
    ],
  };
}

export const mnistPlateaus: Experiment<MnistPlateausConfig> = {
  name: 'mnist-plateaus',
  title: 'Plateaus and incremental learning on MNIST',
  source: "dln's own, on real data ([REP] Figure 1's plateaus)",
  question: 'From a small start, does gradient descent on MNIST step down the critical values of its Σ one at a time, learning the singular values of the product one after another?',
  defaults: { train: 8000, pca: 50, hidden: [16, 16], initScale: 0.003, maxSteps: 60000, runs: 3 },
  quick: { train: 8000, pca: 50, hidden: [16, 16], initScale: 0.01, maxSteps: 20000, runs: 1 },
  long: true,
  // 2: the figure carries its run for the report's playground link.
  version: 2,
  run: runMnistPlateaus,
};
