import { Rng } from '../linalg/rng.ts';
import { eigvalsh } from '../linalg/eigh.ts';
import { lnPgd } from '../data/generators.ts';
import { statsFromData } from '../model/stats.ts';
import { initZero } from '../model/init.ts';
import { parameterCount } from '../model/network.ts';
import { hessian } from '../model/hessian.ts';
import { criticalValues } from '../landscape/criticalValues.ts';
import { type PgdResult, pgd } from '../optim/pgd.ts';
import { lineChart } from '../plot/chartSpecs.ts';
import type { Experiment, ExperimentContext, ExperimentResult, Check, FigureRun } from './types.ts';
import { runGD } from './common/optimizerRun.ts';
import { checkStop, report } from './common/interrupt.ts';
import { check, fmt, sig, subscript } from './common/summary.ts';
import { curvesTable, columnsTable } from './common/tables.ts';

export interface PgdOriginConfig {
  /** Depths N (THEORY §8.9: 2 and 3), all widths 2. */
  depths: number[];
  /** PGD runs per depth, each with its own perturbation seed. */
  runs: number;
  /** PGD's ε, c, δ, Δf (THEORY §8.9: 1e-3, 0.5, 0.1, 1); β = 4N and ρ = 6N. */
  epsilon: number;
  c: number;
  delta: number;
  deltaF: number;
}

export const pgdOrigin: Experiment<PgdOriginConfig> = {
  name: 'pgd-origin',
  title: 'Perturbed gradient descent started at the origin, depth 2 and 3',
  source: '[LN] §6.2.7, Jin et al. 2017 Algorithm 2 (THEORY §8.9, §6.5)',
  question: 'Perturbed GD escapes strict saddles. Started at the origin of ℓ(P) = ½‖P − diag(1, 0.5)‖², does it escape for depth 2 (a strict saddle) and for depth 3 (a non-strict one)?',
  defaults: { depths: [2, 3], runs: 50, epsilon: 1e-3, c: 0.5, delta: 0.1, deltaF: 1 },
  quick: { depths: [2, 3], runs: 3, epsilon: 1e-3, c: 0.5, delta: 0.1, deltaF: 1 },
  // 2: the figure carries the first PGD run for the report's playground link.
  version: 2,
  run: runPgdOrigin,
};

/** PGD's iteration budget (pgd's default): the runs return long before it. */
const PGD_BUDGET = 1_000_000;

/**
 * The first PGD run of the first depth, as the playground starts it: at the origin nothing is drawn
 * before the perturbations, so the playground's generator seeded with that run's seed draws them
 * again; β, ρ and Δf are the experiment's (c and δ are the playground's, Jin et al.'s defaults).
 */
function linkedRun(r: { N: number; dims: number[]; runs: PgdResult[] }, config: PgdOriginConfig, seed: number): { run?: FigureRun } {
  const runSeed = seed * 1000 + r.N * 100;
  if (config.c !== 0.5 || config.delta !== 0.1 || !(runSeed <= 0xffffffff) || r.runs.length === 0) return {};
  const k = r.runs[0].constants;
  return {
    run: {
      curve: `N = ${r.N}`, dims: r.dims, data: { name: 'ln-pgd' }, init: { kind: 'zero' },
      optimizer: { kind: 'pgd', epsilon: config.epsilon, beta: k.beta, rho: k.rho, deltaF: k.deltaF },
      seed: runSeed, steps: PGD_BUDGET, recordEvery: 1,
    },
  };
}

function runPgdOrigin(config: PgdOriginConfig, ctx: ExperimentContext): ExperimentResult {
  const stats = statsFromData(lnPgd());
  const total = config.depths.length * config.runs;
  let done = 0;
  const results = config.depths.map((N) => {
    const dims = Array.from({ length: N + 1 }, () => 2);
    const c = criticalValues(stats, dims).plateaus;
    const ev = eigvalsh(hessian(initZero(dims), stats));
    const runs: PgdResult[] = [];
    for (let run = 0; run < config.runs; run++) {
      checkStop(ctx, 'pgd-origin');
      runs.push(pgd(stats, initZero(dims), {
        rng: new Rng(ctx.seed * 1000 + N * 100 + run), beta: 4 * N, rho: 6 * N,
        epsilon: config.epsilon, c: config.c, delta: config.delta, deltaF: config.deltaF,
      }));
      report(ctx, ++done / total, `N = ${N}, run ${run + 1}`);
    }
    // The phase PGD runs after its first perturbation: GD with η = c/β from a point uniform in the ball of radius r.
    const k = runs[0].constants, rng = new Rng(ctx.seed * 1000 + N * 100), d = parameterCount(dims);
    const w = initZero(dims), dir = Array.from({ length: d }, () => rng.normal());
    const scale = (k.r * Math.pow(rng.uniform(), 1 / d)) / Math.hypot(...dir);
    let o = 0;
    for (const m of w) for (let i = 0; i < m.data.length; i++) m.data[i] = scale * dir[o++];
    const trace = runGD(stats, w, k.eta, { maxSteps: k.tThres });
    return { N, dims, c, lambdaMin: ev[0], lambdaMax: ev[ev.length - 1], runs, trace: trace.losses };
  });
  const isZero = (r: PgdResult) => r.weights.every((m) => m.data.every((v) => v === 0));
  const byN = (N: number) => results.find((r) => r.N === N);
  const deep = results.filter((r) => r.N >= 3), shallow = results.filter((r) => r.N === 2);
  const worstShallow = Math.max(...shallow.flatMap((r) => r.runs.map((x) => x.loss)));
  const checks: Check[] = [
    check('PGD escapes the origin at depth 2 and reaches the global minimum (L ≤ 1e-12)',
      shallow.length > 0 && shallow.every((r) => r.runs.every((x) => x.status === 'returned' && x.loss <= 1e-12)),
      `worst final loss ${fmt(worstShallow)} over ${config.runs} runs`),
    check('PGD returns the origin at depth 3 after one perturbation',
      deep.length > 0 && deep.every((r) => r.runs.every((x) => x.status === 'returned' && isZero(x) && x.perturbations === 1)),
      deep.map((r) => `N = ${r.N}: ${r.runs.filter(isZero).length}/${config.runs} returned W = 0, loss ${fmt(r.runs[0].loss)} = c₀`).join('; ')),
    check('the Hessian at the origin has a negative eigenvalue at depth 2 and vanishes exactly at depth 3 (THEORY §5.8)',
      shallow.every((r) => r.lambdaMin < 0) && deep.every((r) => r.lambdaMin === 0 && r.lambdaMax === 0),
      results.map((r) => `N = ${r.N}: λ ∈ [${fmt(r.lambdaMin)}, ${fmt(r.lambdaMax)}]`).join('; ')),
  ];
  const c0 = results[0].c;
  const floor = Math.min(...results.map((r) => Math.min(...r.trace.subarray(1).filter((v) => v > 0))));
  const fig = lineChart({
    title: 'Perturbed GD at the origin: depth 2 escapes, depth 3 does not',
    subtitle: [`ℓ(P) = ½‖P − diag(1, 0.5)‖², all widths 2; the window PGD watches after its perturbation (radius r ≈ ${fmt(results[0].runs[0].constants.r)})`,
      `GD with η = c/β (β = 4N) for t_thres steps; PGD returns the start if L fell by less than f_thres`,
      ...(floor < 1e-20 ? [`the floor at ${fmt(floor)} is float64 rounding at the global minimum (L = 0)`] : [])],
    xLabel: 'iteration after the perturbation', yLabel: 'loss', logX: true, logY: true, legendTitle: 'depth',
    series: results.map((r) => ({ name: `N = ${r.N}`, x: Array.from({ length: r.trace.length - 1 }, (_, i) => i + 1), y: r.trace.subarray(1) })),
    hlines: c0.slice(0, -1).map((v, r) => ({ y: v, label: `c${subscript(r)} = ${fmt(v)} (rank ${r})` })),
  });
  const n2 = byN(2), n3 = byN(3);
  return {
    headline: Object.fromEntries(results.flatMap((r) => [
      [`final_loss_N${r.N}_worst`, sig(Math.max(...r.runs.map((x) => x.loss)))], [`returned_origin_N${r.N}`, `${r.runs.filter(isZero).length}/${config.runs}`],
      [`iterations_N${r.N}`, r.runs[0].iterations], [`hessian_lambda_min_at_origin_N${r.N}`, sig(r.lambdaMin)],
    ])),
    comparisons: [
      { quantity: 'depth 2: final loss of PGD from the origin', dln: n2 ? sig(Math.max(...n2.runs.map((x) => x.loss))) : 'not run', paper: 'escapes to the global minimum (L = 0)', note: 'THEORY §11 reference: L = 8e-31.' },
      { quantity: 'depth 3: point PGD returns', dln: n3 ? `W = 0 in ${n3.runs.filter(isZero).length}/${config.runs} runs` : 'not run', paper: 'the origin (Hessian = 0 there)', note: '[LN] §6.2.7: a non-strict saddle is ε-second-order stationary, so PGD accepts it; THEORY §11 reference: exactly the origin after one perturbation.' },
    ],
    verdict: checks.every((k) => k.passed) ? 'agrees' : `differs: ${checks.filter((k) => !k.passed).map((k) => k.name).join('; ')}`,
    checks,
    tables: {
      runs: {
        header: ['N', 'run', 'status', 'iterations', 'perturbations', 'final_loss', 'returned_origin'],
        rows: results.flatMap((r) => r.runs.map((x, i) => [r.N, i + 1, x.status, x.iterations, x.perturbations, x.loss, String(isZero(x))])),
      },
      constants: columnsTable({
        N: results.map((r) => r.N), beta: results.map((r) => r.runs[0].constants.beta), rho: results.map((r) => r.runs[0].constants.rho),
        eta: results.map((r) => r.runs[0].constants.eta), radius: results.map((r) => r.runs[0].constants.r), t_thres: results.map((r) => r.runs[0].constants.tThres),
        f_thres: results.map((r) => r.runs[0].constants.fThres), g_thres: results.map((r) => r.runs[0].constants.gThres),
      }),
      'loss-after-perturbation': curvesTable('iteration', results.map((r) => ({ name: `N${r.N}`, values: r.trace }))),
    },
    figures: [{ name: 'pgd-window', caption: 'Loss during the window after PGD perturbs the origin: depth 2 leaves the strict saddle exponentially fast and reaches the global minimum; depth 3 does not move, so PGD returns the origin.', spec: fig, ...linkedRun(results[0], config, ctx.seed) }],
  };
}
