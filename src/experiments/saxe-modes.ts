import { Rng } from '../linalg/index.ts';
import { initAligned, initGaussian } from '../model/index.ts';
import { saxeGdLearningStep, saxeLearningTime } from '../theory/index.ts';
import { loglogFit } from '../plot/chartSpecs.ts';
import type { Check, Experiment, ExperimentContext, ExperimentResult } from './types.ts';
import { checkStop, report } from './common/interrupt.ts';
import { check, fmt, median, q109050, sig } from './common/summary.ts';
import { type ModeRun, learningStep, modeErrors, runModes, saxeData, stepsFor } from './common/saxeRuns.ts';
import { saxeFigures } from './common/saxeFigures.ts';

export interface SaxeModesConfig {
  /** Singular values of Σ_YX (whitened inputs), descending. */
  s: number[];
  samples: number;
  depths: number[];
  /** Initial per-layer scales a_0 (σ_0 = a_0^N). */
  scales: number[];
  /** η = etaFactor / (N s_1^{2−2/N}) (a fraction of the strongest mode's stability limit 2/(N s_1^{2−2/N})). */
  etaFactor: number;
  /** Random Gaussian initialisations (std a_0/√d) per depth and scale. */
  randomRuns: number;
  /** Multiples of η for the O(η) check against the flow. */
  etaSweep: number[];
}

export const saxeModes: Experiment<SaxeModesConfig> = {
  name: 'saxe-modes',
  title: "Saxe et al.'s mode dynamics: each singular mode learnt on its own",
  source: 'Saxe, McClelland & Ganguli (2014); THEORY §14',
  question: "With whitened inputs and a balanced initialisation aligned with Σ_YX's singular vectors, does each mode of dln's GD follow the scalar recursion a ← a + η(s − a^N)a^{N−1}, approach the flow's closed form at O(η), and get learnt when predicted — and how much of this survives a random small initialisation?",
  defaults: { s: [3, 2, 1.5, 1, 0.5], samples: 100, depths: [2, 3, 4], scales: [0.05, 0.15], etaFactor: 0.2, randomRuns: 5, etaSweep: [1, 0.5, 0.25] },
  quick: { s: [3, 2, 1.5, 1, 0.5], samples: 40, depths: [2, 3], scales: [0.15], etaFactor: 0.2, randomRuns: 1, etaSweep: [1, 0.5] },
  long: true,
  // 2: every aligned start, and the figure's random start, drawn right after the data (the report's ▶ links).
  version: 2,
  run: runSaxeModes,
};

/** One (depth, scale) setting: aligned run, its errors and learning steps; random runs' learning steps. */
export interface SaxeSetting {
  n: number; scale: number; eta: number; steps: number;
  /** Mode strengths and losses are recorded every `every` steps. */
  every: number;
  aligned: ModeRun; recursion: number; flow: number;
  predicted: number[]; recursionSteps: number[]; alignedSteps: number[];
  random: { run: ModeRun; steps: number[] }[];
}

/** Step, the aligned run's loss and the first random run's, at the records of the figures' setting (empty cells past the aligned run's end). */
function lossCurves(x: SaxeSetting | undefined): { header: string[]; rows: (number | string)[][] } {
  const header = ['step', 'loss_aligned', 'loss_random'];
  if (x === undefined) return { header, rows: [] };
  const aligned = new Map(x.aligned.steps.map((k, i) => [k, x.aligned.loss[i]]));
  const r = x.random[0]?.run;
  const steps = [...new Set([...x.aligned.steps, ...(r?.steps ?? [])])].sort((a, b) => a - b);
  const random = new Map(r?.steps.map((k, i) => [k, r.loss[i]]) ?? []);
  return { header, rows: steps.map((k) => [k, aligned.get(k) ?? '', random.get(k) ?? '']) };
}

/** The setting the figures draw: N = 3 (else the first depth) at the first scale. */
export function figureSetting(depths: readonly number[], scales: readonly number[]): { n: number; scale: number } {
  return { n: depths.includes(3) ? 3 : depths[0], scale: scales[0] };
}

function runSaxeModes(config: SaxeModesConfig, ctx: ExperimentContext): ExperimentResult {
  const rng = new Rng(ctx.seed);
  const stats = saxeData(config.s, config.samples, rng);
  // A fresh generator at the seed, just past the data: where `dln train --data saxe` (and the
  // playground) draw W(0). Every aligned start comes from one (its hidden bases do not change the
  // mode dynamics), and so does the figure's random start; the other random starts continue rng.
  const afterData = (): Rng => { const r = new Rng(ctx.seed); saxeData(config.s, config.samples, r); return r; };
  const shown = figureSetting(config.depths, config.scales);
  const d = config.s.length, s = config.s;
  const settings: SaxeSetting[] = [];
  const sweep: { n: number; eta: number; flow: number }[] = [];
  let longest = 0, done = 0;
  const total = config.depths.length * config.scales.length;
  for (const n of config.depths) {
    const dims = Array.from({ length: n + 1 }, () => d);
    const eta = config.etaFactor / (n * s[0] ** (2 - 2 / n));
    for (const scale of config.scales) {
      checkStop(ctx, 'saxe-modes');
      const steps = stepsFor(s, scale, n, eta), every = Math.max(1, Math.floor(steps / 1500));
      longest = Math.max(longest, steps);
      const aligned = runModes(stats, initAligned(dims, stats.syx, afterData(), scale), eta, steps, every);
      const err = modeErrors(aligned, s, scale, n, eta);
      const random = Array.from({ length: config.randomRuns }, (_, k) => {
        const from = k === 0 && n === shown.n && scale === shown.scale ? afterData() : rng;
        const run = runModes(stats, initGaussian(dims, from, scale / Math.sqrt(d)), eta, Math.ceil(steps * 4), every);
        return { run, steps: s.map((si, i) => learningStep(run, i, si)) };
      });
      settings.push({
        n, scale, eta, steps, every, aligned, recursion: err.recursion, flow: err.flow,
        predicted: s.map((si) => saxeLearningTime(scale ** n, si, n) / eta),
        recursionSteps: s.map((si) => saxeGdLearningStep(scale, si, n, eta, 10 * steps) ?? Number.NaN),
        alignedSteps: s.map((si, i) => learningStep(aligned, i, si)), random,
      });
      report(ctx, ++done / (total + config.depths.length));
    }
    // O(η): GD's learning times (recorded every step) against the flow's t_half, from the largest scale.
    for (const m of config.etaSweep) {
      const e = eta * m, a0 = config.scales[config.scales.length - 1], steps = stepsFor(s, a0, n, e);
      const run = runModes(stats, initAligned(dims, stats.syx, afterData(), a0), e, steps, 1);
      sweep.push({ n, eta: e, flow: Math.max(...s.map((si, i) => { const t = saxeLearningTime(a0 ** n, si, n); return Math.abs(learningStep(run, i, si) * e - t) / t; })) });
    }
    report(ctx, ++done / (total + config.depths.length));
  }
  const recursionMax = Math.max(...settings.map((x) => x.recursion));
  const roundingLevel = 10 * Number.EPSILON * longest;
  const flowMax = Math.max(...settings.map((x) => x.flow));
  const slopes = config.depths.map((n) => loglogFit(sweep.filter((p) => p.n === n).map((p) => p.eta), sweep.filter((p) => p.n === n).map((p) => p.flow)).slope);
  const alignedRatio = settings.flatMap((x) => x.alignedSteps.map((k, i) => k / x.predicted[i]));
  const randomRatio = settings.flatMap((x) => x.random.flatMap((r) => r.steps.map((k, i) => k / x.predicted[i])));
  const late = (k: number) => (Number.isNaN(k) ? Number.POSITIVE_INFINITY : k);
  const ordered = settings.flatMap((x) => x.random.map((r) => r.steps.every((k, i) => i === 0 || late(k) >= late(r.steps[i - 1]))));
  const unlearnt = settings.reduce((c, x) => c + x.random.reduce((m, r) => m + r.steps.filter(Number.isNaN).length, 0), 0);
  const checks: Check[] = [
    check("dln's GD singular values equal the scalar recursion to rounding (≤ 10·ε·k after k steps)", recursionMax <= roundingLevel,
      `largest |σ_i − a_k^N|/s_i over all aligned runs: ${fmt(recursionMax)} (10·ε·k = ${fmt(roundingLevel)})`),
    check("GD's learning times approach the flow's at O(η) (log–log slope 0.8–1.25)", slopes.every((p) => p >= 0.8 && p <= 1.25),
      `slopes of max |k_half·η − t_half|/t_half against η: ${config.depths.map((n, i) => `N = ${n}: ${fmt(slopes[i])}`).join(', ')}`),
    check('aligned learning times agree with the flow prediction t_half/η within 5 %', alignedRatio.every((r) => Math.abs(r - 1) <= 0.05),
      `measured / predicted, 10/50/90 %: ${q109050(alignedRatio)}`),
  ];
  const randomHolds = Math.abs(Math.log(median(randomRatio))) <= Math.log(2);
  return {
    headline: {
      recursion_error_max: sig(recursionMax), flow_gap_max_relative: sig(flowMax), random_modes_not_learnt_in_4x_horizon: unlearnt,
      random_runs_learning_modes_in_order: `${ordered.filter(Boolean).length}/${ordered.length}`, flow_error_slope: config.depths.map((n, i) => `N=${n}: ${fmt(slopes[i])}`).join(', '),
      aligned_learning_time_ratio_q10_q50_q90: q109050(alignedRatio), random_learning_time_ratio_q10_q50_q90: q109050(randomRatio),
    },
    comparisons: [
      { quantity: 'GD vs scalar recursion (max relative)', dln: sig(recursionMax), paper: 'exact (THEORY §14.2)' },
      { quantity: 'learning time, aligned: measured / t_half/η (median)', dln: sig(median(alignedRatio)), paper: 1, note: 't_half = flow time from σ_0 to s/2 (THEORY §14.3)' },
      { quantity: 'learning time, random small init: measured / aligned prediction (10/50/90 %)', dln: q109050(randomRatio), paper: null,
        note: randomHolds ? 'the aligned prediction still sets the time scale (median within a factor 2)' : 'the aligned prediction does not set the time scale here (median off by more than a factor 2)' },
    ],
    verdict: checks.every((c) => c.passed)
      ? `agrees: exact to rounding when aligned, O(η) to the flow; random small starts learn the modes ${fmt(median(randomRatio))}× later than predicted (median; 10–90 %: ${q109050(randomRatio)}), in order of s in ${ordered.filter(Boolean).length}/${ordered.length} runs, ${unlearnt} modes not learnt within 4× the aligned horizon`
      : `differs: ${checks.filter((c) => !c.passed).map((c) => c.name).join('; ')}`,
    checks,
    tables: {
      learning_times: {
        header: ['depth', 'scale', 'eta', 'mode', 's', 'predicted_steps', 'recursion_steps', 'aligned_steps', ...Array.from({ length: config.randomRuns }, (_, k) => `random${k + 1}_steps`)],
        rows: settings.flatMap((x) => s.map((si, i) => [x.n, x.scale, x.eta, i + 1, si, x.predicted[i], x.recursionSteps[i], x.alignedSteps[i], ...x.random.map((r) => r.steps[i])])),
      },
      // The figures' runs (the setting they draw), the losses their ▶ links reproduce.
      'loss-curves': lossCurves(settings.find((x) => x.n === shown.n && x.scale === shown.scale)),
      flow_error: { header: ['depth', 'eta', 'max_relative_learning_time_gap_to_flow'], rows: sweep.map((p) => [p.n, p.eta, p.flow]) },
    },
    figures: saxeFigures(settings, sweep, s, { ...shown, seed: ctx.seed, samples: config.samples }),
  };
}
