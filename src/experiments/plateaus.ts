import { Rng } from '../linalg/rng.ts';
import { reportSec4 } from '../data/generators.ts';
import { statsFromData } from '../model/stats.ts';
import { initGaussian } from '../model/init.ts';
import { criticalValues } from '../landscape/criticalValues.ts';
import { lineChart } from '../plot/chartSpecs.ts';
import type { Experiment, ExperimentContext, ExperimentResult, Check } from './types.ts';
import { runGD } from './common/optimizerRun.ts';
import { stepAtMinimum } from './common/sharpness.ts';
import { analysePlateaus, type PlateauVisit } from './common/plateauAnalysis.ts';
import { checkStop, report } from './common/interrupt.ts';
import { check, fmt, median, sig, subscript } from './common/summary.ts';
import { curvesTable, columnsTable } from './common/tables.ts';

export interface PlateausConfig {
  /** Samples m of the report-sec4 data (THEORY §8.1: 1000). */
  samples: number;
  /** Standard deviations of the random initialisations: THEORY §8.1's 0.05, and a smaller one that passes closer to every saddle. */
  initStds: number[];
  /** Random initialisations per standard deviation. */
  runsPerStd: number;
  /** Most GD iterations per run (a run stops once it sits at the global minimum). */
  maxSteps: number;
}

const DIMS = [5, 4, 4, 5];
/** A plateau is visited when the loss stays within 1 % of c_r for at least this many iterations. */
const MIN_DWELL = 100;

export const plateaus: Experiment<PlateausConfig> = {
  name: 'plateaus',
  title: 'Plateaus of gradient descent at the low-rank critical values',
  source: '[REP] Figure 1 (THEORY §8.1)',
  question: 'Started near the origin, does gradient descent on a 5-4-4-5 linear network stall on plateaus, and are the plateau losses exactly the critical values c_r = ½(tr Σ_YY − Σ_{i≤r} λ_i)?',
  defaults: { samples: 1000, initStds: [0.05, 5e-4], runsPerStd: 10, maxSteps: 300000 },
  quick: { samples: 1000, initStds: [0.05, 5e-4], runsPerStd: 1, maxSteps: 200000 },
  // 2: the figure carries its run for the report's playground link.
  version: 2,
  run: runPlateaus,
};

interface RunSummary { std: number; run: number; losses: Float64Array; visits: PlateauVisit[]; steps: number; converged: boolean }

function runPlateaus(config: PlateausConfig, ctx: ExperimentContext): ExperimentResult {
  const rng = new Rng(ctx.seed);
  const stats = statsFromData(reportSec4(rng, config.samples));
  const cv = criticalValues(stats, DIMS);
  const c = cv.plateaus, rMax = cv.rMax;
  const { eta, lambdaMax } = stepAtMinimum(stats, DIMS);
  const stopBelow = c[rMax] * (1 + 1e-10);
  const runs: RunSummary[] = [];
  const total = config.initStds.length * config.runsPerStd;
  for (const std of config.initStds) {
    for (let run = 0; run < config.runsPerStd; run++) {
      checkStop(ctx, 'plateaus');
      const w = initGaussian(DIMS, rng, std);
      const r = runGD(stats, w, eta, { maxSteps: config.maxSteps, stopBelow, gradNorms: true });
      runs.push({ std, run, losses: r.losses, visits: analysePlateaus(r.losses, r.gradNorms!, c), steps: r.steps, converged: r.status === 'stopped' });
      report(ctx, runs.length / total, `init std ${std}, run ${run + 1}`);
    }
  }
  const small = runs.filter((r) => r.std === Math.min(...config.initStds));
  const large = runs.filter((r) => r.std === Math.max(...config.initStds));
  const exitOf = (v: PlateauVisit) => (v.exit < 0 ? Infinity : v.exit);
  const visited = (r: RunSummary) => r.visits.filter((v) => v.dwell >= MIN_DWELL);
  const worstSmall = Math.max(...small.flatMap((r) => visited(r).map((v) => v.relError)));
  const worstAll = Math.max(...runs.flatMap((r) => visited(r).map((v) => v.relError)));
  const smallAll = small.filter((r) => visited(r).length === rMax && visited(r).every((v, i) => v.rank === i && (i === 0 || exitOf(v) > exitOf(visited(r)[i - 1]))));
  const dwell3 = median(large.map((r) => r.visits[rMax - 1].dwell));
  const longest = large.map((r) => Math.max(...r.visits.map((v) => v.dwell)));
  const conv = runs.filter((r) => r.converged);
  const finalErr = Math.max(...conv.map((r) => Math.abs(r.losses[r.losses.length - 1] - c[rMax]) / c[rMax]));

  const checks: Check[] = [
    check('plateau losses match the critical values to 1e-6 relative',
      worstSmall <= 1e-6,
      `init std ${fmt(small[0].std)}: worst |L_plateau − c_r|/c_r = ${fmt(worstSmall)} over ${small.reduce((s, r) => s + visited(r).length, 0)} plateaus (≥ ${MIN_DWELL} iterations within 1 % of c_r); all runs: ${fmt(worstAll)}`),
    check('the small initialisation visits every plateau c_0, …, c_3, in order',
      smallAll.length === small.length,
      `${smallAll.length}/${small.length} runs with init std ${fmt(small[0].std)}`),
    check('most runs reach the global minimum c_4, each to 1e-9 relative',
      2 * conv.length >= runs.length && finalErr <= 1e-9,
      `${conv.length}/${runs.length} runs converged within ${config.maxSteps} iterations; worst relative error ${fmt(finalErr)}`),
    check(`every run from init std ${fmt(large[0].std)} stalls on some plateau for at least 100 iterations`,
      Math.min(...longest) >= 100,
      `longest stay within 1 % of a critical value: ${longest.join(', ')} iterations; within 1 % of c_3: median ${dwell3} (THEORY §11 reference run: ≈ 960)`),
  ];

  const show = [large[0], small[0]];
  const label = (r: RunSummary) => `init std ${r.std}`;
  const curves = show.map((r) => ({ name: label(r), x: Array.from({ length: r.losses.length - 1 }, (_, k) => k + 1), y: r.losses.subarray(1) }));
  const hlines = c.map((v, r) => ({ y: v, label: `c${subscript(r)} (r = ${r})` }));
  const figure = lineChart({
    title: 'Gradient descent stalls at the critical values c_r',
    subtitle: [`report-sec4 data (m = ${config.samples}), widths 5-4-4-5, GD with η = 1/λ_max(∇²L at a global minimiser) = ${fmt(eta)}`,
      'dashed: c_r = ½(tr Σ_YY − Σ_{i≤r} λ_i), the loss of the best rank-r product'],
    xLabel: 'iteration k', yLabel: 'loss L(W(k))', logX: true, logY: true, legendTitle: 'random start',
    series: curves, hlines,
  });
  const tablePlateaus = columnsTable({
    init_std: runs.flatMap((r) => r.visits.map(() => r.std)),
    run: runs.flatMap((r) => r.visits.map(() => r.run + 1)),
    rank: runs.flatMap((r) => r.visits.map((v) => v.rank)),
    c_r: runs.flatMap((r) => r.visits.map((v) => c[v.rank])),
    plateau_loss: runs.flatMap((r) => r.visits.map((v) => v.loss)),
    relative_error: runs.flatMap((r) => r.visits.map((v) => v.relError)),
    iterations_within_1_percent: runs.flatMap((r) => r.visits.map((v) => v.dwell)),
    exit_iteration: runs.flatMap((r) => r.visits.map((v) => v.exit)),
  });
  return {
    headline: {
      critical_values: c.map((v) => sig(v, 6)).join(', '),
      step_size: sig(eta), lambda_max_at_minimum: sig(lambdaMax),
      worst_plateau_relative_error_small_init: sig(worstSmall),
      rank3_dwell_std_0_05: dwell3,
      longest_plateau_std_0_05_median: median(longest),
      runs_converged: `${conv.length}/${runs.length}`,
    },
    comparisons: [
      { quantity: 'plateau losses', dln: `c_r to ${fmt(worstSmall)} relative`, paper: 'at the critical values (qualitative)', note: '[REP] Fig. 1 shows plateaus at the critical values without numbers; losses here carry the ½ of THEORY §1.7 (report loss = 2L).' },
      { quantity: 'iterations within 1 % of c_3 (init std 0.05, median over runs)', dln: dwell3, paper: '≈ 500 epochs', note: `The report's step size and initial scale are unstated (THEORY §8.1), so only the order of magnitude is comparable; ${large.length > 1 ? `the stay varies a lot from start to start (${Math.min(...large.map((r) => r.visits[rMax - 1].dwell))}–${Math.max(...large.map((r) => r.visits[rMax - 1].dwell))} here); ` : ''}THEORY §11's reference run: ≈ 960.` },
      { quantity: 'critical values c_0 … c_4', dln: c.map((v) => fmt(v, 5)).join(', '), paper: null, note: 'THEORY §11 reference draw: 27428, 15214, 6855, 2591, 509 (another random data set of the same law).' },
    ],
    verdict: checks.every((k) => k.passed) ? 'agrees' : `differs: ${checks.filter((k) => !k.passed).map((k) => k.name).join('; ')}`,
    checks,
    tables: {
      'loss-curves': curvesTable('iteration', show.map((r) => ({ name: `loss_${label(r).replace(/ /g, '_')}`, values: r.losses }))),
      plateaus: tablePlateaus,
      'critical-values': columnsTable({ rank: c.map((_, r) => r), c_r: c, lambda_r: c.map((_, r) => (r === 0 ? '' : cv.lambda[r - 1])) }),
    },
    figures: [{
      name: 'plateaus', caption: 'Loss of gradient descent from two random starts near the origin (log–log). The curves rest on the dashed critical values c_r, leaving them one rank at a time; the smaller start passes closer to each saddle and rests longer.', spec: figure,
      // The first start is the first draw after the data: a fresh generator seeded like the experiment gives it again.
      ...(runs[0] === large[0] ? { run: { curve: label(large[0]), dims: DIMS, data: { name: 'report-sec4' as const, ...(config.samples === 1000 ? {} : { m: config.samples }) }, init: { kind: 'gaussian' as const, std: large[0].std }, eta, seed: ctx.seed, steps: large[0].steps, recordEvery: 1 } } : {}),
    }],
  };
}
