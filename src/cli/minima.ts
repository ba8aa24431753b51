import type { Command } from 'commander';
import { InputError } from '../errors.ts';
import { Rng } from '../linalg/index.ts';
import { assertWeightsMatch, createGradWorkspace, dimsOf, lossAndGrad, parameterCount, requireInvertibleSigmaXX, sharpness } from '../model/index.ts';
import { criticalValues } from '../landscape/index.ts';
import { balancedFactorization, flatMinimumSearch, flatSharpnessClosedForm, globalMinimum } from '../theory/index.ts';
import { readWeightsFile } from '../node/dataFiles.ts';
import { addJsonOption, addSeedOption } from './commonOptions.ts';
import { addDataOptions } from './dataFlags.ts';
import { integerAtLeast, parseDims } from './flagParsers.ts';
import { type TheoryDataFlags, loadStats } from './loadStats.ts';
import { fmt, printResult, warn } from './printResult.ts';
import type { CliContext, CliIO } from './run.ts';

/** Largest parameter count for which the gauge search runs by default (each step is a dense p×p eigen-decomposition). */
const SEARCH_DEFAULT_MAX = 300;
/** Largest parameter count for which the search runs at all. */
const SEARCH_MAX = 1500;

interface MinimaFlags extends TheoryDataFlags { dims?: number[]; starts?: number; iterations: number; weights?: string }

/** Adds `dln minima` to program. */
export function register(program: Command, ctx: CliContext): void {
  const cmd = program.command('minima').description('the flattest global minimum: λ_flat = min λ_max(∇²L) over the global minima, and 2/λ_flat, next to the critical values');
  addDataOptions(cmd);
  cmd.option('--dims <widths>', 'network widths d_0,…,d_N, e.g. 5,4,4,5', (t: string) => parseDims(t))
    .option('--starts <n>', `random starts of the numerical search over gauges (0: closed form only; default 4 up to ${SEARCH_DEFAULT_MAX} parameters, else 0)`, integerAtLeast('--starts', 0))
    .option('--iterations <n>', 'gradient steps per start of the search', integerAtLeast('--iterations', 1), 400)
    .option('--weights <file>', 'also report the sharpness of these weights (.npz), e.g. where dln train ended');
  addSeedOption(cmd);
  addJsonOption(cmd);
  cmd.addHelpText('after', `
Linear stability: GD with step η cannot converge to a minimum sharper than 2/η, so 2/λ_flat is the
largest step at which GD can settle at any global minimum (THEORY §13). The closed form
N·max_{‖v‖=1} ‖P*Σ_XX^{1/2}v‖^{2(N−1)/N}‖Σ_XX^{1/2}v‖^{2/N} is proven as a lower bound and attained
without a bottleneck; the search minimises λ_max(∇²L) over the gauges W_j → G_jW_jG_{j−1}^{−1}.

Examples:
  dln minima --data report-sec5 --dims 5,5,5,5 --starts 0        (the closed form only, no search)
  dln minima --data report-sec5 --dims 5,2,2,5 --starts 8 --json
  dln minima --data report-sec4 --dims 5,4,4,5 --weights W0.npz   (and the sharpness of these weights)

JSON fields: dims, globalMinimumLoss, plateaus (best rank-r losses), bottleneck, unique,
closedForm {lambdaFlat, etaFlat, upper, proven}, balancedSharpness, search {lambdaFlat, etaFlat,
starts, productError} or null, weights {sharpness, loss, excessLoss, twoOverSharpness} or null.
Exit codes: 0 done, 2 bad input, 3 Σ_XX singular.`)
    .action((flags: MinimaFlags) => { ctx.exitCode = minimaCommand(flags, ctx.io); });
}

function minimaCommand(flags: MinimaFlags, io: CliIO): number {
  if (flags.dims === undefined) throw new InputError('--dims is required (e.g. --dims 5,4,4,5)');
  const dims = flags.dims;
  const { stats, checkDims } = loadStats(flags);
  checkDims(dims);
  requireInvertibleSigmaXX(stats, 'the flattest minimum');
  const given = flags.weights === undefined ? null : readWeightsFile(flags.weights);
  if (given !== null) assertWeightsMatch(given, dims, flags.weights);
  const cv = criticalValues(stats, dims);
  warn(io, cv.warnings);
  const min = globalMinimum(stats, dims);
  const cf = flatSharpnessClosedForm(stats, dims);
  const balanced = sharpness(balancedFactorization(min.product, dims), stats).lambdaMax;
  const p = parameterCount(dims);
  if (flags.starts !== undefined && flags.starts > 0 && p > SEARCH_MAX) {
    throw new InputError(`--starts: the gauge search needs a dense ${p}×${p} eigen-decomposition per step; it runs up to ${SEARCH_MAX} parameters (use --starts 0 for the closed form)`);
  }
  const starts = flags.starts ?? (p <= SEARCH_DEFAULT_MAX ? 4 : 0);
  if (flags.starts === undefined && starts === 0) warn(io, [`${p} parameters: the gauge search is skipped (give --starts N to run it); the closed form is exact without a bottleneck`]);
  const found = starts > 0 ? flatMinimumSearch(stats, dims, { rng: new Rng(flags.seed), starts, iterations: flags.iterations }) : null;
  const search = found === null ? null : { lambdaFlat: found.lambda, etaFlat: 2 / found.lambda, starts: found.perStart.map((s) => s.end), productError: found.productError };
  const at = given === null ? null : (() => {
    const lam = sharpness(given, stats).lambdaMax, loss = lossAndGrad(given, stats, null, createGradWorkspace(dims));
    return { sharpness: lam, twoOverSharpness: 2 / lam, loss, excessLoss: loss - min.loss, dims: dimsOf(given) };
  })();
  const result = {
    dims, globalMinimumLoss: min.loss, plateaus: cv.plateaus, bottleneck: min.bottleneck, unique: min.unique,
    closedForm: { lambdaFlat: cf.lambda, etaFlat: cf.eta, upper: cf.upper, proven: cf.proven }, balancedSharpness: balanced, search,
    weights: at === null ? null : { sharpness: at.sharpness, twoOverSharpness: at.twoOverSharpness, loss: at.loss, excessLoss: at.excessLoss },
    warnings: cv.warnings,
  };
  printResult(io, flags.json === true, result, () => [
    `critical values: best rank-r losses c_r, r = 0..${cv.rMax}: ${cv.plateaus.map(fmt).join('  ')}`,
    `global minimum: loss ${fmt(min.loss)}${min.bottleneck ? ` (rank-constrained: r_max = ${cv.rMax} is a bottleneck)` : ''}${min.unique ? '' : ' — not unique (λ_r = λ_{r+1})'}`,
    `λ_flat (closed form, THEORY §13.2)   ${fmt(cf.lambda)}   2/λ_flat ${fmt(cf.eta)}${cf.proven ? '' : '   (a lower bound here: bottleneck, §13.4)'}`,
    ...(search === null ? [] : [`λ_flat (search, ${search.starts.length} starts)      ${fmt(search.lambdaFlat)}   2/λ_flat ${fmt(search.etaFlat)}   (relative to the closed form ${fmt(search.lambdaFlat / cf.lambda - 1)})`]),
    `sharpness of the balanced minimum  ${fmt(balanced)}   upper bound N‖P*S‖^{2−2/N}‖Σ_XX‖^{1/N} ${fmt(cf.upper)}`,
    ...(at === null ? [] : [`--weights: sharpness ${fmt(at.sharpness)} (2/λ ${fmt(at.twoOverSharpness)}), loss ${fmt(at.loss)}, above the minimum by ${fmt(at.excessLoss)}`]),
    '',
  ].join('\n'));
  return 0;
}
