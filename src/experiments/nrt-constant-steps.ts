import { cloneWeights } from '../model/network.ts';
import { balancedness } from '../model/index.ts';
import { lineChart } from '../plot/chartSpecs.ts';
import type { Experiment, ExperimentContext, ExperimentResult, Check, Figure } from './types.ts';
import { type OptimizerRun, runGD } from './common/optimizerRun.ts';
import { type NrtDepth, nrtProblem } from './common/nrtProblem.ts';
import { checkStop, report } from './common/interrupt.ts';
import { check, fmt, sig } from './common/summary.ts';
import { curvesTable, columnsTable } from './common/tables.ts';

export interface NrtConstantStepsConfig {
  /** Depths N (THEORY §8.6: 2, 3, 5). */
  depths: number[];
  /** Width of every hidden layer (12). */
  hidden: number;
  /** Step sizes as multiples of η_max (THEORY §8.6: 1, 0.5, 100, 1000 — NRT's panels (a)–(d)). */
  multipliers: number[];
  /** GD iterations of the loss curves (20000). */
  iterations: number;
  /** Multiples 2^k, k = 0..doublings, of the doubling search. */
  doublings: number;
  /** GD iterations per level of the doubling search (5000). */
  doublingIterations: number;
}

export const nrtConstantSteps: Experiment<NrtConstantStepsConfig> = {
  name: 'nrt-constant-steps',
  title: 'Constant step sizes at multiples of the NRT bound, for three depths',
  source: '[NRT] Figure 1 (THEORY §8.6), Theorem 2.4',
  question: 'With a balanced start, does gradient descent at the guaranteed step η_max converge, how much faster are steps far above it, and where does it diverge, for depths 2, 3 and 5?',
  defaults: { depths: [2, 3, 5], hidden: 12, multipliers: [1, 0.5, 100, 1000], iterations: 20000, doublings: 12, doublingIterations: 5000 },
  quick: { depths: [2, 3, 5], hidden: 12, multipliers: [1, 0.5, 100, 1000], iterations: 5000, doublings: 12, doublingIterations: 1000 },
  // 2: each depth's start drawn by a fresh generator after the data, and its figure's run at the bound for the report's playground link.
  version: 2,
  run: runNrtConstantSteps,
};

interface DepthResult {
  depth: NrtDepth;
  runs: { mult: number; run: OptimizerRun; balEnd: number }[];
  /** Doubling search: final loss and status at multiples 2^k. */
  levels: { mult: number; status: string; loss: number }[];
}

/** The doubling search: 2^k·η_max for k = 0, 1, … up to the first level that diverges (or k = doublings). */
function doublingSearch(data: ReturnType<typeof nrtProblem>['data'], d: NrtDepth, config: NrtConstantStepsConfig, ctx: ExperimentContext): DepthResult['levels'] {
  const levels: DepthResult['levels'] = [];
  for (let k = 0; k <= config.doublings; k++) {
    checkStop(ctx, 'nrt-constant-steps');
    const mult = 2 ** k;
    const run = runGD(data.stats, cloneWeights(d.weights), mult * d.bound.etaMax, { maxSteps: config.doublingIterations });
    levels.push({ mult, status: run.status, loss: run.losses[run.steps] });
    if (run.status === 'diverged') break;
  }
  return levels;
}

function runNrtConstantSteps(config: NrtConstantStepsConfig, ctx: ExperimentContext): ExperimentResult {
  const { data, depths } = nrtProblem(ctx.seed, config);
  const total = depths.length * (config.multipliers.length + 1);
  let done = 0;
  const results: DepthResult[] = depths.map((d) => {
    const runs = config.multipliers.map((mult) => {
      checkStop(ctx, 'nrt-constant-steps');
      const w = cloneWeights(d.weights);
      const run = runGD(data.stats, w, mult * d.bound.etaMax, { maxSteps: config.iterations });
      report(ctx, ++done / total, `N = ${d.N}, ${mult}·η_max`);
      return { mult, run, balEnd: run.status === 'diverged' ? Number.NaN : balancedness(w) };
    });
    const levels = doublingSearch(data, d, config, ctx);
    report(ctx, ++done / total, `N = ${d.N}, doubling search`);
    return { depth: d, runs, levels };
  });
  const at = (r: DepthResult, mult: number) => r.runs.find((x) => x.mult === mult);
  const final = (x: { run: OptimizerRun } | undefined) => (x ? x.run.losses[x.run.steps] : Number.NaN);
  const firstDiverging = (r: DepthResult) => r.levels.find((l) => l.status === 'diverged')?.mult ?? Number.NaN;
  const bestAbove = (r: DepthResult) => Math.min(...r.levels.filter((l) => l.mult >= 16 && l.status !== 'diverged').map((l) => l.loss));
  const checks: Check[] = [
    check('at η_max the loss never increases and the balancedness stays ≤ δ (Theorem 2.4)',
      results.every((r) => { const x = at(r, 1)!; return x.run.status !== 'diverged' && x.run.losses.every((l, k) => k === 0 || l <= x.run.losses[k - 1]) && x.balEnd <= r.depth.bound.delta; }),
      results.map((r) => `N = ${r.depth.N}: L ${fmt(r.runs[0].run.losses[0])} → ${fmt(final(at(r, 1)))}, bal ${fmt(at(r, 1)!.balEnd)} ≤ δ = ${fmt(r.depth.bound.delta)}`).join('; ')),
    check('half the bound converges more slowly', results.every((r) => final(at(r, 0.5)) > final(at(r, 1))),
      results.map((r) => `N = ${r.depth.N}: ${fmt(final(at(r, 0.5)))} > ${fmt(final(at(r, 1)))}`).join('; ')),
    check('steps ≥ 16·η_max still converge, faster than η_max', results.every((r) => bestAbove(r) < r.levels[0].loss),
      results.map((r) => `N = ${r.depth.N}: best ${fmt(bestAbove(r))} vs ${fmt(r.levels[0].loss)} after ${config.doublingIterations} iterations`).join('; ')),
    check('1000·η_max diverges for every depth', results.every((r) => at(r, 1000)?.run.status === 'diverged'),
      results.map((r) => `N = ${r.depth.N}: ${at(r, 1000)?.run.status}`).join('; ')),
    check('the empirical divergence threshold exceeds η_max', results.every((r) => firstDiverging(r) > 1),
      results.map((r) => `N = ${r.depth.N}: first diverging multiple ${firstDiverging(r)}`).join('; ')),
  ];
  /** Multipliers whose run did not diverge but whose loss rose somewhere (e.g. a 2-cycle at the edge of stability). */
  const oscillating = (r: DepthResult) => r.runs.filter((x) => x.run.status !== 'diverged' && x.run.losses.some((l, k) => k > 0 && l > x.run.losses[k - 1])).map((x) => x.mult);
  const figures: Figure[] = results.map((r) => {
    const L0 = r.runs[0].run.losses[0];
    const lows = r.runs.filter((x) => x.run.status !== 'diverged').map((x) => Math.min(...x.run.losses));
    // The run at the bound itself: the playground starts it again (every depth's W(0) is a fresh generator's first draw after the data).
    const atBound = r.runs.find((x) => x.mult === 1);
    return {
      name: `curves-N${r.depth.N}`,
      caption: `Loss of gradient descent at multiples of η_max for depth N = ${r.depth.N} (NRT Fig. 1's panels (a)–(d) in one plot).` +
        (oscillating(r).length === 0 ? '' : ` Here ${oscillating(r).map((m) => `${m}·η_max`).join(' and ')} oscillates without converging, unlike NRT's panel (c) ("above the bound but still converging"); the doubling-search figure shows which multiples still converge.`),
      spec: lineChart({
        title: `Constant steps at multiples of the NRT bound, N = ${r.depth.N}`,
        subtitle: [`nrt data (d_x = 10, d_y = 8, m = 30, rank 4), widths ${r.depth.dims.join('-')}, balanced start; η_max = ${fmt(r.depth.bound.etaMax)}`,
          ['a curve leaving the top of the plot diverged', ...oscillating(r).map((m) => `${m}·η_max oscillates without converging`)].join('; ')],
        xLabel: 'iteration k', yLabel: 'loss L(W(k))', logY: true, legendTitle: 'step size',
        yDomain: [Math.max(Math.min(...lows) / 3, 1e-30), L0 * 1e3],
        series: r.runs.map((x) => ({ name: `${x.mult}·η_max = ${fmt(x.mult * r.depth.bound.etaMax)}`, y: x.run.losses })),
      }),
      ...(atBound === undefined ? {} : {
        run: {
          curve: `${atBound.mult}·η_max = ${fmt(atBound.mult * r.depth.bound.etaMax)}`, dims: r.depth.dims, data: { name: 'nrt' as const }, init: { kind: 'balanced' as const, scale: 1 },
          eta: atBound.mult * r.depth.bound.etaMax, seed: ctx.seed, steps: atBound.run.steps, recordEvery: 1,
        },
      }),
    };
  });
  figures.push({
    name: 'doubling-search',
    caption: 'Loss after the doubling search runs at 2^k·η_max; each line ends where that depth first diverges. The bound (multiple 1) sits two to three decades below the divergence threshold.',
    spec: lineChart({
      title: 'How far above the bound gradient descent still converges',
      subtitle: `loss after ${config.doublingIterations} iterations at η = 2^k·η_max; diverged runs are not drawn`,
      xLabel: 'step size / η_max', yLabel: `loss after ${config.doublingIterations} iterations`, logX: true, logY: true, legendTitle: 'depth',
      series: results.map((r) => {
        const ok = r.levels.filter((l) => l.status !== 'diverged' && l.loss > 0);
        return { name: `N = ${r.depth.N}`, x: ok.map((l) => l.mult), y: ok.map((l) => l.loss), mark: 'linepoint' as const };
      }),
      vlines: [{ x: 1, label: 'η_max' }],
    }),
  });
  const reference: Record<number, { eta: number; at1: number; half: number; at100: number; stable: number }> = {
    2: { eta: 3.9e-3, at1: 1.7e-4, half: 6.1e-4, at100: 3e-25, stable: 64 },
    3: { eta: 8.2e-4, at1: 4.4e-3, half: 1.2e-2, at100: 4.8e-6, stable: 256 },
    5: { eta: 1.7e-4, at1: 3.0e-2, half: 0.14, at100: 1.1e-4, stable: 512 },
  };
  const notFaster = results.filter((r) => final(at(r, 100)) > final(at(r, 1))).map((r) => r.depth.N);
  return {
    headline: Object.fromEntries(results.flatMap((r) => [
      [`eta_max_N${r.depth.N}`, sig(r.depth.bound.etaMax)], [`eta_max_cN_N_minus_1_N${r.depth.N}`, sig(r.depth.boundSharp?.etaMax ?? Number.NaN)],
      [`final_loss_at_eta_max_N${r.depth.N}`, sig(final(at(r, 1)))], [`first_diverging_multiple_N${r.depth.N}`, firstDiverging(r)],
    ])),
    comparisons: results.flatMap((r) => {
      const ref = reference[r.depth.N];
      const note = ref ? `NRT's numbers for this figure are lost (THEORY §8.6); THEORY §11 reference run on another draw: ${fmt(ref.eta)} for η_max, L = ${fmt(ref.at1)} / ${fmt(ref.half)} / ${fmt(ref.at100)} at η_max / η_max/2 / 100·η_max, stable up to ${ref.stable}×.` : "NRT's numbers are lost.";
      return [
        { quantity: `η_max, N = ${r.depth.N}`, dln: sig(r.depth.bound.etaMax), paper: null, note },
        {
          quantity: `loss after ${config.iterations} iterations at η_max / η_max/2 / 100·η_max, N = ${r.depth.N}`,
          dln: [1, 0.5, 100].map((m) => fmt(final(at(r, m)))).join(' / '), paper: 'converges at (a), slower at (b), faster at (c)',
          ...(final(at(r, 100)) > final(at(r, 1)) ? { note: `100·η_max is within a factor ${fmt(firstDiverging(r) / 100)} of this depth's first diverging step, where GD oscillates instead of converging; smaller multiples above the bound do converge faster (doubling search).` } : {}),
        },
        { quantity: `first diverging multiple of η_max, N = ${r.depth.N}`, dln: firstDiverging(r), paper: '(d) diverges well above the bound' },
      ];
    }),
    verdict: !checks.every((k) => k.passed) ? `differs: ${checks.filter((k) => !k.passed).map((k) => k.name).join('; ')}`
      : notFaster.length === 0 ? 'agrees'
        : `agrees, except panel (c) at N = ${notFaster.join(', ')}: 100·η_max is close to the divergence threshold there and oscillates instead of converging faster (smaller multiples above the bound do converge faster)`,
    checks,
    tables: {
      ...Object.fromEntries(results.map((r) => [`loss-curves-N${r.depth.N}`, curvesTable('iteration', r.runs.map((x) => ({ name: `loss_${x.mult}x_eta_max`, values: x.run.losses })))])),
      'doubling-search': {
        header: ['N', 'multiple', 'eta', 'status', 'final_loss'],
        rows: results.flatMap((r) => r.levels.map((l) => [r.depth.N, l.mult, l.mult * r.depth.bound.etaMax, l.status, l.loss])),
      },
      bounds: columnsTable({
        N: results.map((r) => r.depth.N), delta: results.map((r) => r.depth.bound.delta), M: results.map((r) => r.depth.bound.M),
        K: results.map((r) => r.depth.bound.K), B: results.map((r) => r.depth.bound.B), L0: results.map((r) => r.depth.bound.L0),
        eta_max: results.map((r) => r.depth.bound.etaMax), eta_max_cN_N_minus_1: results.map((r) => r.depth.boundSharp?.etaMax ?? ''),
      }),
    },
    figures,
  };
}
