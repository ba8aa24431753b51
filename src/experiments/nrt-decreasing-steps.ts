import { cloneWeights } from '../model/network.ts';
import type { Schedule } from '../optim/schedules.ts';
import { scheduleAdmissibility } from '../theory/index.ts';
import { lineChart, SERIES_COLORS } from '../plot/chartSpecs.ts';
import type { Experiment, ExperimentContext, ExperimentResult, Check, Figure, FigureRun } from './types.ts';
import { type OptimizerRun, runGD } from './common/optimizerRun.ts';
import { nrtProblem } from './common/nrtProblem.ts';
import { checkStop, report } from './common/interrupt.ts';
import { check, fmt, sig } from './common/summary.ts';
import { curvesTable, columnsTable } from './common/tables.ts';

export interface NrtDecreasingStepsConfig {
  /** Depths N (THEORY §8.6: 2, 3, 5). */
  depths: number[];
  /** Width of every hidden layer (12). */
  hidden: number;
  /** Decay exponents p of η_k = c/(k + b)^p (THEORY §8.7: 0.5 and 1). */
  powers: number[];
  /** Offset b ≥ 1; c = b^p·η_max makes the schedule admissible (THEORY §4.7). */
  b: number;
  /** The same schedules started this many times above the bound (not admissible), to see the ordering at practical step sizes. */
  aboveBound: number;
  /** GD iterations (20000). */
  iterations: number;
}

export const nrtDecreasingSteps: Experiment<NrtDecreasingStepsConfig> = {
  name: 'nrt-decreasing-steps',
  title: 'Decreasing step sizes η_k = c/(k + b)^p under the NRT bound',
  source: '[NRT] Figure 2 (THEORY §8.7), §4.7',
  question: 'With step sizes that start at the bound and decay like 1/√k or 1/k, how does gradient descent compare with the constant step η_max?',
  defaults: { depths: [2, 3, 5], hidden: 12, powers: [0.5, 1], b: 1, aboveBound: 30, iterations: 20000 },
  quick: { depths: [2, 3, 5], hidden: 12, powers: [0.5, 1], b: 1, aboveBound: 30, iterations: 2000 },
  // 2: each depth's start drawn by a fresh generator after the data, and its figure's first decreasing schedule for the report's playground link.
  version: 2,
  run: runNrtDecreasingSteps,
};

interface Variant { label: string; schedule: Schedule; admissible: boolean; run: OptimizerRun; p: number | null; above: boolean }

function runNrtDecreasingSteps(config: NrtDecreasingStepsConfig, ctx: ExperimentContext): ExperimentResult {
  const { data, depths } = nrtProblem(ctx.seed, config);
  const perDepth = 2 * (config.powers.length + 1);
  let done = 0;
  const results = depths.map((d) => {
    const eta = d.bound.etaMax;
    const specs: { label: string; schedule: Schedule; p: number | null; above: boolean }[] = [];
    for (const scale of [1, config.aboveBound]) {
      const above = scale !== 1, c0 = above ? `${scale}·η_max` : 'η_max';
      specs.push({ label: c0, schedule: { kind: 'constant', lr: scale * eta }, p: null, above });
      for (const p of config.powers) {
        const label = config.b === 1 ? `${c0}/(k+1)^${p}` : `${c0}·(${config.b}/(k+${config.b}))^${p}`;
        specs.push({ label, schedule: { kind: 'power', c: scale * Math.pow(config.b, p) * eta, b: config.b, p }, p, above });
      }
    }
    const variants: Variant[] = specs.map((s) => {
      checkStop(ctx, 'nrt-decreasing-steps');
      const run = runGD(data.stats, cloneWeights(d.weights), s.schedule, { maxSteps: config.iterations });
      report(ctx, ++done / (perDepth * depths.length), `N = ${d.N}, ${s.label}`);
      return { ...s, run, admissible: scheduleAdmissibility(s.schedule, eta).admissible };
    });
    return { depth: d, variants };
  });
  const final = (v: Variant) => v.run.losses[v.run.steps];
  const ordered = (vs: Variant[]) => {
    const sorted = [...vs].sort((a, b) => (a.p ?? 0) - (b.p ?? 0));
    return sorted.every((v, i) => i === 0 || final(v) > final(sorted[i - 1]));
  };
  const under = (r: typeof results[number]) => r.variants.filter((v) => !v.above);
  const over = (r: typeof results[number]) => r.variants.filter((v) => v.above);
  const describe = (vs: Variant[]) => vs.map((v) => `${v.p === null ? 'const' : `p=${v.p}`} ${fmt(final(v))}`).join(', ');
  const checks: Check[] = [
    check('every schedule starting at the bound is admissible for Theorem 2.4 (c ≤ b^p·η_max, p ≤ 1)',
      results.every((r) => under(r).every((v) => v.admissible)), `${results.length * under(results[0]).length} schedules checked`),
    check('under admissible schedules the loss never increases',
      results.every((r) => under(r).every((v) => v.run.status !== 'diverged' && v.run.losses.every((l, k) => k === 0 || l <= v.run.losses[k - 1]))),
      'every step of every run'),
    check('faster decay ⇒ slower convergence: L(p = 1) > L(p = 0.5) > L(constant) at the end, for every depth',
      results.every((r) => ordered(under(r))), results.map((r) => `N = ${r.depth.N}: ${describe(under(r))}`).join('; ')),
    check(`the same ordering holds ${config.aboveBound}× above the bound`,
      results.every((r) => ordered(over(r))), results.map((r) => `N = ${r.depth.N}: ${describe(over(r))}`).join('; ')),
  ];
  /** The first decreasing schedule at the bound, as the playground runs it (every depth's W(0) is a fresh generator's first draw after the data). */
  const linked = (r: typeof results[number]): { run?: FigureRun } => {
    const v = under(r).find((u) => u.schedule.kind === 'power');
    if (v === undefined || v.schedule.kind !== 'power') return {};
    return {
      run: {
        curve: v.label, dims: r.depth.dims, data: { name: 'nrt' }, init: { kind: 'balanced', scale: 1 },
        optimizer: { kind: 'power', c: v.schedule.c, b: v.schedule.b, p: v.schedule.p }, seed: ctx.seed, steps: v.run.steps, recordEvery: 1,
      },
    };
  };
  const figures: Figure[] = results.map((r) => ({
    ...linked(r),
    name: `curves-N${r.depth.N}`,
    caption: `Loss under constant and decreasing step sizes for depth N = ${r.depth.N}; solid: schedules starting at η_max (admissible), dashed: the same ${config.aboveBound}× larger.`,
    spec: lineChart({
      title: `Decreasing step sizes, N = ${r.depth.N}`,
      subtitle: [`nrt data, widths ${r.depth.dims.join('-')}, balanced start; η_max = ${fmt(r.depth.bound.etaMax)}, η_k = c/(k + b)^p, b = ${config.b}, c = b^p·η_max (admissible)`,
        `dashed: the same schedules ${config.aboveBound}× above the bound`],
      xLabel: 'iteration k', yLabel: 'loss L(W(k))', logX: true, logY: true, legendTitle: 'step sizes',
      // One colour per schedule, solid at the bound and dashed above it.
      series: r.variants.map((v) => ({
        name: v.label, x: Array.from({ length: v.run.steps }, (_, k) => k + 1), y: v.run.losses.subarray(1), dashed: v.above,
        color: SERIES_COLORS[[...new Set(r.variants.map((u) => u.p))].indexOf(v.p)],
      })),
    }),
  }));
  const reference: Record<number, [number, number]> = { 2: [0.72, 7.1], 3: [2.6, 6.7], 5: [5.6, 8.0] };
  return {
    headline: Object.fromEntries(results.flatMap((r) => under(r).map((v) => [`final_loss_N${r.depth.N}_${v.p === null ? 'constant' : `p_${v.p}`}`, sig(final(v))]))),
    comparisons: results.flatMap((r) => under(r).filter((v) => v.p !== null).map((v) => ({
      quantity: `loss after ${config.iterations} iterations, p = ${v.p}, N = ${r.depth.N} (from L(0) = ${fmt(v.run.losses[0])})`,
      dln: sig(final(v)),
      paper: 'faster decay ⇒ slower convergence',
      note: `NRT's numbers are lost (THEORY §8.7); THEORY §11 reference on another draw (20000 iterations, b = 1): ${reference[r.depth.N] ? `p = 0.5 → ${reference[r.depth.N][0]}, p = 1 → ${reference[r.depth.N][1]}` : 'not run for this depth'}.`,
    }))),
    verdict: checks.every((k) => k.passed) ? 'agrees' : `differs: ${checks.filter((k) => !k.passed).map((k) => k.name).join('; ')}`,
    checks,
    tables: {
      ...Object.fromEntries(results.map((r) => [`loss-curves-N${r.depth.N}`, curvesTable('iteration', r.variants.map((v) => ({ name: v.label, values: v.run.losses })))])),
      'final-losses': {
        header: ['N', 'schedule', 'c_or_lr', 'b', 'p', 'admissible', 'final_loss'],
        rows: results.flatMap((r) => r.variants.map((v) => [r.depth.N, v.label, v.schedule.kind === 'constant' ? v.schedule.lr : v.schedule.c,
          v.schedule.kind === 'power' ? v.schedule.b : '', v.p ?? 0, String(v.admissible), final(v)])),
      },
      bounds: columnsTable({ N: results.map((r) => r.depth.N), eta_max: results.map((r) => r.depth.bound.etaMax), L0: results.map((r) => r.depth.bound.L0) }),
    },
    figures,
  };
}
