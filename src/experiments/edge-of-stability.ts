import { Rng, eigvalsh, singularValues } from '../linalg/index.ts';
import { nrt } from '../data/index.ts';
import { type Stats, statsFromData, initGaussian, cloneWeights, hessian, sharpness } from '../model/index.ts';
import { constantSchedule, trainGD } from '../optim/index.ts';
import { lineChart, panelGrid } from '../plot/chartSpecs.ts';
import type { Check, Experiment, ExperimentContext, ExperimentResult, Figure } from './types.ts';
import { type EosRun, eosRun } from './common/eosRun.ts';
import { checkStop, report } from './common/interrupt.ts';
import { check, fmt, median, q109050, sig } from './common/summary.ts';

export interface EdgeOfStabilityConfig {
  /** Depths N; widths [10, w, …, w, 8] on the nrt data (THEORY §8.6). */
  depths: number[];
  width: number;
  /** Standard deviations of the Gaussian start. */
  initStds: number[];
  /** Step sizes as 2/η = c·S*, S* the sharpness of the minimum a small-step GD reaches from the same start. */
  ratios: number[];
  /** GD steps per run, sharpness every `every` steps. */
  steps: number;
  every: number;
  /** Steps of the small-step reference run. */
  refSteps: number;
}

export const edgeOfStability: Experiment<EdgeOfStabilityConfig> = {
  name: 'edge-of-stability',
  title: 'Sharpness along full-batch GD: the edge of stability',
  source: 'Cohen, Kaur, Li, Kolter & Talwalkar (2021), "Gradient descent on neural networks typically occurs at the edge of stability" (THEORY §12)',
  question: 'With steps too large for the minimum that gradient flow would reach, does full-batch GD on a deep linear network sharpen until λ_max(∇²L) ≈ 2/η, hover there while the loss falls non-monotonically, and end at a minimum flatter than 2/η?',
  defaults: { depths: [2, 3, 4], width: 10, initStds: [0.1, 0.3], ratios: [1.5, 0.8, 0.6, 0.4], steps: 6000, every: 10, refSteps: 10000 },
  quick: { depths: [2, 3], width: 10, initStds: [0.1, 0.3], ratios: [1.5, 0.8], steps: 1000, every: 10, refSteps: 1500 },
  long: true,
  // 2: the first figure carries its first run for the report's playground link. 3: every setting's
  // W(0) is drawn right after the data (a fresh generator at the seed), so every figure links its first run.
  version: 3,
  run: runEdgeOfStability,
};

/** A step-size scale before any run: N·λ_max(Σ_XX)·‖A‖₂^{2−2/N}, the balanced scalar minimum of THEORY §12.1 for the top mode. */
function sharpnessScale(stats: Stats, n: number): number {
  const ev = eigvalsh(stats.sxx);
  return n * ev[ev.length - 1] * singularValues(stats.ols)[0] ** (2 - 2 / n);
}

interface Setting { n: number; std: number; dims: number[]; sStar: number; refLoss: number; runs: (EosRun & { c: number })[] }

function runEdgeOfStability(config: EdgeOfStabilityConfig, ctx: ExperimentContext): ExperimentResult {
  const stats = statsFromData(nrt(new Rng(ctx.seed)));
  const total = config.depths.length * config.initStds.length * (config.refSteps + config.ratios.length * config.steps);
  let done = 0;
  const settings: Setting[] = [];
  let exactness = 0;
  for (const n of config.depths) {
    for (const std of config.initStds) {
      checkStop(ctx, 'edge-of-stability');
      const dims = [10, ...Array.from({ length: n - 1 }, () => config.width), 8];
      // Right after the data, as `dln train --data nrt` and the playground draw it: the two stds of a depth share one direction.
      const start = new Rng(ctx.seed);
      nrt(start);
      const w0 = initGaussian(dims, start, std);
      if (settings.length === 0) {
        const ev = eigvalsh(hessian(w0, stats));
        exactness = Math.abs(sharpness(w0, stats, { method: 'lanczos' }).lambdaMax - ev[ev.length - 1]) / ev[ev.length - 1];
      }
      const etaRef = 0.25 / Math.max(sharpness(w0, stats).lambdaMax, sharpnessScale(stats, n));
      const ref = trainGD(stats, cloneWeights(w0), { schedule: constantSchedule(etaRef), maxSteps: config.refSteps, recordEvery: config.refSteps, sharpness: { every: config.refSteps } });
      const sStar = ref.trajectory[ref.trajectory.length - 1].sharpness as number;
      done += config.refSteps;
      const runs = config.ratios.map((c) => {
        checkStop(ctx, 'edge-of-stability');
        const r = { ...eosRun(stats, cloneWeights(w0), 2 / (c * sStar), config.steps, config.every), c };
        done += config.steps;
        report(ctx, done / total, `N = ${n}, std ${std}, 2/η = ${fmt(c)}·S*`);
        return r;
      });
      settings.push({ n, std, dims, sStar, refLoss: ref.loss, runs });
    }
  }
  return summarize(config, settings, exactness, ctx.seed);
}

const converged = (r: EosRun): boolean => r.status !== 'diverged' && r.lossFinal <= 1e-8 * r.lossStart;

function summarize(config: EdgeOfStabilityConfig, settings: Setting[], exactness: number, seed: number): ExperimentResult {
  const all = settings.flatMap((s) => s.runs.map((r) => ({ ...r, n: s.n, std: s.std, sStar: s.sStar })));
  const unstable = all.filter((r) => r.c < 1 && r.status !== 'diverged');
  const eligible = unstable.filter((r) => r.start < 0.9);
  const reached = eligible.filter((r) => r.reach !== null);
  const atEdge = unstable.filter((r) => r.reach !== null);
  const control = all.filter((r) => r.c > 1);
  const conv = all.filter(converged);
  const hoverMed = median(atEdge.map((r) => r.hoverMedian)), hoverShare = median(atEdge.map((r) => r.hoverShare));
  const riseMed = median(atEdge.map((r) => r.riseShare));
  const fellAfter = atEdge.filter((r) => r.lossFinal < r.lossAtReach).length;
  const stalled = atEdge.filter((r) => r.stalled);
  const convUnstable = unstable.filter(converged);
  const flatter = convUnstable.filter((r) => r.final <= 1 && r.final * 2 / r.eta < r.sStar);
  const diverged = all.filter((r) => r.status === 'diverged');
  const checks: Check[] = [
    check('sharpness recording is exact: Lanczos λ_max at the first start within 1e-8 of the dense Hessian spectrum', exactness <= 1e-8, `relative error ${fmt(exactness)}`),
    check('linear stability (THEORY §12.1): no run converges to a minimum sharper than 2/η',
      conv.every((r) => r.final <= 1 + 1e-3), `${conv.length} converged runs; largest final ηS/2 = ${fmt(Math.max(...conv.map((r) => r.final)))}`),
    check('control runs (2/η above S*) do not diverge and end below 2/η',
      control.every((r) => r.status !== 'diverged' && r.final < 1), control.map((r) => `N = ${r.n}, std ${r.std}: ηS/2 = ${fmt(r.final)}`).join('; ')),
  ];
  // Each claim: true (holds), false (fails) or null (no run could test it).
  const holds: Record<string, boolean | null> = {
    sharpening: eligible.length > 0 ? reached.length >= 0.8 * eligible.length : null,
    hover: atEdge.length > 0 ? hoverMed >= 0.9 && hoverMed <= 1.1 && hoverShare >= 0.5 : null,
    nonMonotone: atEdge.length > 0 ? riseMed >= 0.01 && fellAfter >= 0.8 * atEdge.length : null,
    keepsFalling: atEdge.length > 0 ? stalled.length === 0 : null,
    flatter: convUnstable.length > 0 ? flatter.length === convUnstable.length : null,
  };
  const word = (h: boolean | null): string => (h === null ? 'untested' : h ? 'holds' : 'fails');
  const parts = [
    `progressive sharpening to 0.9·2/η ${word(holds.sharpening)} (${reached.length} of ${eligible.length} runs with 2/η < S* that started below it got there)`,
    `hovering ${word(holds.hover)} (median ηS/2 from then on ${fmt(hoverMed)}, ${fmt(100 * hoverShare)} % of records within [0.9, 1.1])`,
    `non-monotone descent ${word(holds.nonMonotone)} (the loss rose at a median ${fmt(100 * riseMed)} % of steps at the edge and ended lower in ${fellAfter} of ${atEdge.length} runs)`,
    `continued descent ${word(holds.keepsFalling)} (${stalled.length} of ${atEdge.length} runs at the edge stalled${stalled.length > 0 ? `, at losses ${stalled.map((r) => fmt(r.lossFinal)).join(', ')}, the loss rising at a median ${fmt(100 * median(stalled.map((r) => r.riseShare)))} % of steps: a period-2 oscillation` : ''})`,
    `flatter end ${word(holds.flatter)} (${flatter.length} of ${convUnstable.length} runs that converged with 2/η < S* ended below both 2/η and S*)`,
    `${diverged.length} of ${all.length} runs diverged${diverged.length > 0 ? ` (all at 2/η ≤ ${fmt(Math.max(...diverged.map((r) => r.c)))}·S*)` : ''}`,
  ];
  const tested = Object.values(holds).filter((h) => h !== null);
  const verdict = `${tested.length > 0 && tested.every(Boolean) ? 'agrees' : 'differs in part'}: ${parts.join('; ')}`;
  return {
    headline: {
      runs: all.length, runs_at_edge: atEdge.length, sharpening_share: sig(eligible.length > 0 ? reached.length / eligible.length : Number.NaN),
      hover_median: sig(hoverMed), hover_share_median: sig(hoverShare), loss_rise_share_median: sig(riseMed),
      stalled_at_edge: stalled.length,
      flatter_end_share: sig(convUnstable.length > 0 ? flatter.length / convUnstable.length : Number.NaN), diverged: diverged.length,
    },
    comparisons: [
      { quantity: 'runs whose sharpness rises to 0.9·2/η (of those with 2/η < S* that start below it)', dln: `${reached.length} / ${eligible.length}`, paper: 'all (progressive sharpening)', note: 'Cohen et al. report it for full-batch GD on every architecture they tried.' },
      { quantity: 'ηS/2 at the edge: 10/50/90 % of the runs\' medians', dln: q109050(atEdge.map((r) => r.hoverMedian)), paper: '≈ 1, hovering just above', note: 'S = λ_max(∇²L), in units of the linear-stability threshold 2/η.' },
      { quantity: 'share of steps with a loss increase at the edge (10/50/90 %)', dln: q109050(atEdge.map((r) => r.riseShare)), paper: 'non-monotone, decreasing in the long run' },
      { quantity: 'final ηS/2 of the runs that converged with 2/η < S*', dln: q109050(convUnstable.map((r) => r.final)), paper: null, note: 'Linear stability (THEORY §12.1) forbids > 1 at a minimum; S* is the sharpness of the small-step minimum from the same start.' },
    ],
    verdict,
    checks,
    tables: {
      runs: {
        header: ['N', 'init_std', 'S_star', 'c', 'eta', 'two_over_eta', 'status', 'steps', 'start_etaS2', 'max_etaS2', 'reach_step', 'hover_median', 'hover_share', 'loss_rise_share', 'loss_stalled', 'loss_start', 'loss_final', 'final_etaS2'],
        rows: all.map((r) => [r.n, r.std, r.sStar, r.c, r.eta, 2 / r.eta, r.status, r.steps, r.start, r.max, r.reach ?? 'never', r.hoverMedian, r.hoverShare, r.riseShare, String(r.stalled), r.lossStart, r.lossFinal, r.final]),
      },
      references: { header: ['N', 'init_std', 'S_star', 'reference_loss'], rows: settings.map((s) => [s.n, s.std, s.sStar, s.refLoss]) },
    },
    figures: settings.map((s) => figure(s, config, seed)),
  };
}

/** The figure of one setting, its first column linked to the playground (its W(0) is the first draw after the data at `seed`). */
function figure(s: Setting, config: EdgeOfStabilityConfig, seed: number): Figure {
  const panelWidth = 230, height = 170;
  const l0 = s.runs[0].lossStart;
  const finiteLoss = s.runs.flatMap((r) => r.loss.filter((v) => v > 0 && Number.isFinite(v)));
  const lossFloor = Math.max(Math.min(...finiteLoss), 1e-12 * l0);
  const title = (r: EosRun & { c: number }) => `η = ${fmt(r.eta)} (2/η = ${fmt(r.c)}·S*)`;
  const loss = s.runs.map((r) => lineChart({
    title: title(r), subtitle: `${r.status}, final loss ${fmt(r.lossFinal)}`, xLabel: 'step', yLabel: 'loss', logY: true, width: panelWidth, height,
    yDomain: [lossFloor, 10 * l0], series: [{ name: 'loss', x: r.recordSteps, y: r.loss }],
  }));
  const sharp = s.runs.map((r) => {
    const top = 1.6 * Math.max(2 / r.eta, s.sStar);
    const shown = r.sharpness.map((v) => (v <= top ? v : top));
    return lineChart({
      title: title(r), subtitle: `final ηS/2 = ${fmt(r.final)}${r.max * 2 / r.eta > top ? '; values above the frame drawn at its top' : ''}`,
      xLabel: 'step', yLabel: 'λ_max(∇²L)', width: panelWidth, height,
      yDomain: [0, top], hlines: [{ y: 2 / r.eta, label: '2/η' }, { y: s.sStar, label: 'S*', color: '#888888' }],
      series: [{ name: 'sharpness', x: r.recordSteps, y: shown }],
    });
  });
  return {
    name: `eos-N${s.n}-std${String(s.std).replace('.', 'p')}`,
    caption: `Full-batch GD, N = ${s.n} (widths ${s.dims.join('-')}), Gaussian start std ${s.std}, one column per step size: the loss (top, log scale) and the sharpness λ_max(∇²L) (bottom) against the linear-stability line 2/η; S* = ${fmt(s.sStar)} is the sharpness of the minimum a small-step GD reaches from the same start. Sharpness by warm-started Lanczos every ${config.every} steps (an even period: in a period-2 oscillation every record sees the same phase); axes clipped at 1.6× the larger of 2/η and S*.`,
    spec: panelGrid({ title: `Edge of stability, N = ${s.n}, start std ${s.std}`, subtitle: 'top: loss; bottom: sharpness against 2/η (dashed) and S* (grey)', panels: [...loss, ...sharp], columns: s.runs.length }),
    run: { curve: title(s.runs[0]), dims: s.dims, data: { name: 'nrt' }, init: { kind: 'gaussian', std: s.std }, eta: s.runs[0].eta, seed, steps: s.runs[0].steps, recordEvery: config.every },
  };
}
