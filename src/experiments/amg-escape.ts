import { Rng } from '../linalg/rng.ts';
import type { Mat } from '../linalg/mat.ts';
import { amgEscape as amgData } from '../data/generators.ts';
import { statsFromData, type Stats } from '../model/stats.ts';
import { buildCriticalPoint } from '../landscape/criticalPoint.ts';
import { criticalValues } from '../landscape/criticalValues.ts';
import { dataSpectrum } from '../landscape/spectrum.ts';
import { classify } from '../landscape/classify.ts';
import { adam } from '../optim/adam.ts';
import { gd } from '../optim/gd.ts';
import { lineChart, histogram } from '../plot/chartSpecs.ts';
import type { Experiment, ExperimentContext, ExperimentResult, Check } from './types.ts';
import { runOptimizer } from './common/optimizerRun.ts';
import { perturbLayers } from './common/perturb.ts';
import { stepAtMinimum } from './common/sharpness.ts';
import { checkStop, report } from './common/interrupt.ts';
import { censoredMedian, check, fmt, quantile, sig } from './common/summary.ts';
import { curvesTable } from './common/tables.ts';
import { niceLogEdges } from './common/logEdges.ts';

export interface AmgEscapeConfig {
  /** Perturbed starts per critical point with Adam (AMG: 10000). */
  adamRuns: number;
  /** Perturbed starts per critical point with GD. */
  gdRuns: number;
  /** Most iterations (full-batch epochs) per run; later escapes are censored. */
  adamMaxSteps: number;
  gdMaxSteps: number;
  /** Relative perturbation σ_h = rel·‖W_h‖_F/√(d_h d_{h−1}) (THEORY §8.8: 0.1). */
  perturbation: number;
  /** Iterations drawn in the loss figure. */
  figureSteps: number;
}

const DIMS = [10, 10, 10, 10, 10, 4];
const S = [1, 2];
const KINDS = ['strict', 'non-strict'] as const;
const OPTIMIZERS = ['Adam', 'GD'] as const;

export const amgEscape: Experiment<AmgEscapeConfig> = {
  name: 'amg-escape',
  title: 'Escape times near strict and non-strict saddles of a depth-5 network (GD and Adam)',
  source: '[AMG] Figures 3–4, Appendix G (THEORY §8.8)',
  question: 'Started next to a strict and a non-strict parametrisation of the best rank-2 product of a 10-10-10-10-10-4 network, how many iterations do Adam (as AMG used) and plain GD need to leave the plateau?',
  defaults: { adamRuns: 10000, gdRuns: 200, adamMaxSteps: 5000, gdMaxSteps: 5000, perturbation: 0.1, figureSteps: 2000 },
  quick: { adamRuns: 40, gdRuns: 5, adamMaxSteps: 2000, gdMaxSteps: 1000, perturbation: 0.1, figureSteps: 1000 },
  long: true,
  // 2: each group's figure run perturbed from the generator's state after the data (the playground's draw), and GD's strict curve linked to the playground.
  version: 2,
  run: runAmgEscape,
};

type Group = { optimizer: typeof OPTIMIZERS[number]; kind: typeof KINDS[number]; escapes: number[]; censored: number; curve: Float64Array | null };

/**
 * The runs of one group. The first (the figure's curve) is perturbed by a generator in the state it had
 * after the data (`afterData`), as the playground draws a perturbation from the seed; the others by rng.
 */
function escapeRuns(stats: Stats, start: readonly Mat[], g: Group, runs: number, maxSteps: number, figureSteps: number, eta: number,
  threshold: number, rel: number, rng: Rng, afterData: number[], tick: () => void): void {
  for (let run = 0; run < runs; run++) {
    const figure = run === 0;
    const w = perturbLayers(start, rel, figure ? Rng.fromState(afterData) : rng);
    const options = { maxSteps: figure ? Math.max(maxSteps, figureSteps) : maxSteps, stopBelow: figure ? undefined : threshold };
    const r = g.optimizer === 'Adam' ? runOptimizer(stats, w, adam(), options) : runOptimizer(stats, w, gd({ kind: 'constant', lr: eta }), options);
    if (figure) g.curve = r.losses;
    let k = -1;
    for (let i = 0; i < r.losses.length; i++) if (r.losses[i] < threshold) { k = i; break; }
    if (k >= 0 && k <= maxSteps) g.escapes.push(k); else g.censored++;
    tick();
  }
}

function runAmgEscape(config: AmgEscapeConfig, ctx: ExperimentContext): ExperimentResult {
  const rng = new Rng(ctx.seed);
  const stats = statsFromData(amgData(rng));
  const afterData = rng.state();
  const spec = dataSpectrum(stats);
  const cv = criticalValues(stats, DIMS);
  const { eta } = stepAtMinimum(stats, DIMS);
  const points = KINDS.map((kind) => { const cp = buildCriticalPoint(stats, DIMS, S, { kind }); return { kind, cp, cls: classify(cp.weights, stats) }; });
  const cpLoss = points[0].cp.loss;
  const threshold = cpLoss - spec.lambda[2] / 4;
  const groups: Group[] = OPTIMIZERS.flatMap((optimizer) => KINDS.map((kind) => ({ optimizer, kind, escapes: [], censored: 0, curve: null })));
  const total = 2 * (config.adamRuns + config.gdRuns);
  let done = 0;
  for (const g of groups) {
    const start = points.find((p) => p.kind === g.kind)!.cp.weights;
    const adamGroup = g.optimizer === 'Adam';
    escapeRuns(stats, start, g, adamGroup ? config.adamRuns : config.gdRuns, adamGroup ? config.adamMaxSteps : config.gdMaxSteps, config.figureSteps,
      eta, threshold, config.perturbation, rng, afterData, () => {
        if (++done % 10 === 0) { checkStop(ctx, 'amg-escape'); report(ctx, done / total, `${g.optimizer}, ${g.kind}`); }
      });
  }
  report(ctx, 1);
  const get = (o: string, k: string) => groups.find((g) => g.optimizer === o && g.kind === k)!;
  const med = (g: Group) => censoredMedian(g.escapes, g.censored);
  const cap = (g: Group) => (g.optimizer === 'Adam' ? config.adamMaxSteps : config.gdMaxSteps);
  /** The median as a number, or '> cap' when half or more of the runs had not escaped. */
  const medText = (g: Group): number | string => (Number.isFinite(med(g)) ? sig(med(g)) : `> ${cap(g)}`);
  const [aS, aN, gS, gN] = [get('Adam', 'strict'), get('Adam', 'non-strict'), get('GD', 'strict'), get('GD', 'non-strict')];
  const [strict, non] = points;
  const checks: Check[] = [
    check('Theorem 7 and the Hessian agree: middle blocks Z_h = I₈ give a strict saddle, Z_h = 0 a non-strict one',
      strict.cls.agree && non.cls.agree && strict.cls.hessian.verdict === 'strict-saddle' && non.cls.hessian.verdict === 'non-strict-saddle',
      `λ_min = ${fmt(strict.cls.hessian.lambdaMin)} (strict), ${fmt(non.cls.hessian.lambdaMin)} (non-strict), λ_max = ${fmt(strict.cls.hessian.lambdaMax)}`),
    check('every strict start escapes, with Adam and with GD', aS.censored === 0 && gS.censored === 0,
      `Adam: median ${fmt(med(aS))}, slowest ${Math.max(...aS.escapes)}; GD: median ${fmt(med(gS))}, slowest ${Math.max(...gS.escapes)} iterations`),
    check('with Adam the non-strict start takes at least twice as long to escape as the strict start',
      med(aN) >= 2 * med(aS), `median ${fmt(med(aN))} vs ${fmt(med(aS))} iterations (${aN.censored} non-strict runs not escaped after ${config.adamMaxSteps})`),
    check('with GD the non-strict start stays on its plateau at least 10× longer than the strict start',
      med(gN) >= 10 * med(gS), `median ${medText(gN)} vs ${medText(gS)} iterations; ${gN.censored}/${config.gdRuns} non-strict runs had not escaped after ${config.gdMaxSteps}`),
  ];
  const label = (g: Group) => `${g.optimizer}, ${g.kind}`;
  const hist = (optimizer: typeof OPTIMIZERS[number]) => {
    const gs = groups.filter((g) => g.optimizer === optimizer);
    // A group with no escapes has nothing to draw; the subtitle says so instead of an empty legend entry.
    const none = gs.filter((g) => g.escapes.length === 0).map((g) => `${g.kind}: none of ${g.censored} runs escaped within ${cap(g)} epochs`);
    return histogram({
      title: `${optimizer}: epochs to escape the rank-2 plateau`,
      subtitle: [`amg-escape data, widths 10-10-10-10-10-4; starts: critical point (S = {1, 2}) + ${config.perturbation * 100} % perturbation`,
        `${optimizer === 'Adam' ? 'Adam lr 1e-3 (Keras defaults), full batch' : `GD η = ${fmt(eta)}`}; escaped once L < L(W_cp) − λ₃/4; runs not escaped are not counted`, ...none],
      xLabel: 'escape epoch (log scale)', yLabel: 'runs', logBins: true, edges: niceLogEdges(gs.flatMap((g) => g.escapes), 30), legendTitle: 'start (escaped of runs)',
      groups: gs.filter((g) => g.escapes.length > 0).map((g) => ({ name: `${g.kind} (${g.escapes.length}/${g.escapes.length + g.censored})`, values: g.escapes })),
    });
  };
  const hl = [
    { y: cpLoss, label: 'L(W_cp), S = {1,2}' }, { y: threshold, label: 'escape threshold' },
    { y: cv.values.find((v) => v.subset.join() === '1,2,3')!.loss, label: 'S = {1,2,3}' }, { y: cv.globalMinimum.loss, label: 'global minimum' },
  ];
  const curves = lineChart({
    title: 'Loss after a perturbed strict or non-strict start',
    subtitle: `one run of each; GD η = ${fmt(eta)} (1/λ_max at a global minimiser), Adam lr 1e-3`,
    xLabel: 'epoch', yLabel: 'loss L(W(k))', logX: true, legendTitle: 'optimizer, start',
    series: groups.map((g) => ({ name: label(g), x: Array.from({ length: config.figureSteps }, (_, k) => k + 1), y: g.curve!.subarray(1, config.figureSteps + 1), dashed: g.optimizer === 'GD' })),
    hlines: hl,
  });
  return {
    headline: {
      ...Object.fromEntries(groups.map((g) => [`median_escape_${g.optimizer.toLowerCase()}_${g.kind.replace('-', '_')}`, medText(g)])),
      ...Object.fromEntries(groups.map((g) => [`not_escaped_${g.optimizer.toLowerCase()}_${g.kind.replace('-', '_')}`, `${g.censored}/${g.escapes.length + g.censored}`])),
      gd_step: sig(eta), lambda_min_strict: sig(strict.cls.hessian.lambdaMin), lambda_min_nonstrict: sig(non.cls.hessian.lambdaMin),
    },
    comparisons: [
      { quantity: 'Adam, strict start: escape epochs (median, 10–90 %)', dln: `${fmt(med(aS))} (${fmt(quantile(aS.escapes, 0.1))}–${fmt(quantile(aS.escapes, 0.9))})`, paper: 'escapes quickly', note: 'AMG show histograms over 10000 runs without summary numbers; THEORY §11 reference (10 runs): ≈ 30.' },
      { quantity: 'Adam, non-strict start: escape epochs (median, 10–90 %)', dln: `${fmt(med(aN))} (${fmt(quantile(aN.escapes, 0.1))}–${fmt(quantile(aN.escapes, 0.9))})`, paper: 'long plateaus', note: 'THEORY §11 reference: 90–110.' },
      { quantity: 'GD, strict / non-strict start: escape iterations (median)', dln: `${medText(gS)} / ${medText(gN)}`, paper: null, note: `AMG used Adam only; THEORY §11 reference: strict 20–30, non-strict none within 4000. Here ${gN.censored}/${config.gdRuns} non-strict runs had not escaped after ${config.gdMaxSteps}.` },
    ],
    verdict: checks.every((k) => k.passed) ? 'agrees' : `differs: ${checks.filter((k) => !k.passed).map((k) => k.name).join('; ')}`,
    checks,
    tables: {
      'escape-epochs': {
        header: ['optimizer', 'start', 'escape_epoch'],
        rows: groups.flatMap((g) => [...g.escapes.map((e) => [g.optimizer, g.kind, e]), ...Array.from({ length: g.censored }, () => [g.optimizer, g.kind, `> ${cap(g)}`])]),
      },
      'loss-curves': curvesTable('epoch', groups.map((g) => ({ name: label(g), values: g.curve!.subarray(0, config.figureSteps + 1) }))),
    },
    figures: [
      { name: 'escape-histograms-adam', caption: 'Histograms of the escape epoch of Adam (log-spaced bins) from strict and non-strict starts, as in AMG Figs 3–4.', spec: hist('Adam') },
      { name: 'escape-histograms-gd', caption: 'The same for plain gradient descent: strict starts escape within a few dozen iterations, non-strict ones not at all within the horizon.', spec: hist('GD') },
      {
        name: 'escape-curves', caption: 'One loss curve per optimizer and start, with the critical values around the plateau; both optimizers start from the same perturbed point of each kind.', spec: curves,
        // GD's strict curve: the playground's critical start (same relative perturbation, drawn after the data) and step.
        run: {
          curve: label(gS), dims: DIMS, data: { name: 'amg-escape' }, init: { kind: 'critical', subset: S, strict: true, perturb: config.perturbation, relative: true },
          eta, seed: ctx.seed, steps: config.figureSteps, recordEvery: 1,
        },
      },
    ],
  };
}
