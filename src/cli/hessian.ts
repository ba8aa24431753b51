import { extname, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { InputError } from '../errors.ts';
import { encodeNpy } from '../data/npy.ts';
import { assertFitsData, parameterCount } from '../model/network.ts';
import { estimateHessianMemory } from '../model/memoryEstimate.ts';
import { DEFAULT_LANCZOS_MAX_ITER } from '../linalg/lanczos.ts';
import { requireInvertibleSigmaXX } from '../model/stats.ts';
import { DEFAULT_GRADIENT_TOL, DEFAULT_SIGN_TOL, criticality, criticalValueOf, dataSpectrum } from '../landscape/index.ts';
import { readWeightsFile } from '../node/dataFiles.ts';
import { HESSIAN_STAGES, type HessianJobInput, type HessianOutcome } from '../node/hessianJob.ts';
import { runJob } from '../node/jobRunner.ts';
import { writeFileAtomic } from '../node/writeFileAtomic.ts';
import { addJsonOption, addSeedOption } from './commonOptions.ts';
import { addDataOptions } from './dataFlags.ts';
import { oneOf, positiveNumber } from './flagParsers.ts';
import { assertFitsMemory } from './memoryLimit.ts';
import { checkOutputFile } from './outputFile.ts';
import { type TheoryDataFlags, loadStats } from './loadStats.ts';
import { fmt, printResult, setText, warn } from './printResult.ts';
import { type CliContext, type CliIO, EXIT_INTERRUPTED } from './run.ts';

/** The most parameters for which the dense Hessian (and --eigenvalues all) is used; Lanczos above. */
const DENSE_LIMIT = 3000;

/** How many of the smallest and of the largest eigenvalues the text summary of --eigenvalues all shows. */
const EXTREMES_SHOWN = 5;

/** From this many parameters on, the Hessian's stages are shown on stderr (below, it takes well under a second). */
const PROGRESS_MIN_PARAMETERS = 1000;

interface HessianFlags extends TheoryDataFlags {
  weights: string; eigenvalues: 'all' | 'extreme'; gradientTol: number; signTol: number; requireCritical?: true; progress: boolean;
  out?: string; force?: true;
}

/** Adds `dln hessian` to program. */
export function register(program: Command, ctx: CliContext): void {
  const cmd = program.command('hessian').description('classify weights twice, by Theorem 7 and by the Hessian spectrum, and say whether the verdicts agree');
  addDataOptions(cmd);
  cmd
    .requiredOption('--weights <file>', 'the weights W1..WN (.npz), e.g. from dln critical-point or dln train')
    .addOption(new Option('--eigenvalues <which>', `all (dense Hessian, at most ${DENSE_LIMIT} parameters) or extreme (λ_min and λ_max)`)
      .argParser(oneOf('--eigenvalues', ['all', 'extreme'] as const)).default('extreme'))
    .addOption(new Option('--gradient-tol <t>', 'relative gradient norm up to which the weights count as a critical point')
      .argParser(positiveNumber('--gradient-tol')).default(DEFAULT_GRADIENT_TOL, String(DEFAULT_GRADIENT_TOL)))
    .addOption(new Option('--sign-tol <t>', 'eigenvalues below −t·max|λ| are negative, within ±t·max|λ| zero')
      .argParser(positiveNumber('--sign-tol')).default(DEFAULT_SIGN_TOL, String(DEFAULT_SIGN_TOL)))
    .option('--require-critical', 'fail (exit 2) unless the weights are a first-order critical point');
  addSeedOption(cmd);
  cmd.option('--out <file>', 'also write the result to this new file: .json (the fields of --json) or .npy (the eigenvalues, ascending; needs --eigenvalues all)');
  cmd.option('--force', '--out may replace an existing file (never one of the inputs)');
  addJsonOption(cmd);
  cmd.option('--no-progress', 'no progress display on stderr');
  cmd.addHelpText('after', `
Theorem 7 (THEORY §5.6) reads S off the product and applies the tightening test; the Hessian verdict
comes from its spectrum (dense for up to ${DENSE_LIMIT} parameters, else Lanczos on exact Hessian-vector
products): a negative eigenvalue means a strict saddle; otherwise the loss separates the global
minimum from a non-strict saddle, since a DLN's Hessian always has zero eigenvalues.

Weights that are not a first-order critical point are classified 'not-critical' by both (exit 0), so
any weights, e.g. from dln train, can be inspected. A classification needs a critical point: with
--require-critical such weights are an error (exit 2) instead.

With --eigenvalues all the text output summarises the spectrum (how many eigenvalues are negative,
zero within the tolerance and positive, and the ${EXTREMES_SHOWN} smallest and largest); the full list is in the
output of --json and in --out.

Examples:
  dln critical-point --data report-sec4 --dims 5,4,4,5 --subset 1,2,3 --kind strict --out s.npz
  dln hessian --data report-sec4 --weights s.npz --eigenvalues all --json
  dln hessian --data report-sec4 --weights s.npz --eigenvalues all --out spectrum.npy

JSON fields: status (complete; interrupted: Lanczos stopped by Ctrl-C, the fields as usual; stopped:
the dense path stopped by Ctrl-C, then only stage, done and total), weights, dims, loss, gradNorm, relativeGradient, critical, parameters, method (dense or
lanczos), eigenvalues (all, ascending, or {min, max}), negative, zero (counts, null with Lanczos),
tolerance (the absolute threshold used for the counts), subset (1-based S, when critical), rank,
rMax, criticalValue, theorem7, tightened, hessianVerdict (each global-minimum, strict-saddle,
non-strict-saddle or not-critical), agree, reasons, warnings.
From ${PROGRESS_MIN_PARAMETERS} parameters on, progress goes to stderr (a bar on a terminal, plain lines otherwise;
--no-progress silences it): the dense Hessian column by column, its eigendecomposition, or the
Lanczos iterations. A first Ctrl-C stops at the next column or iteration: Lanczos then reports the
estimates reached (status interrupted), the dense path, which has no partial result, prints none;
a second Ctrl-C quits at once.
Exit codes: 0 done, 2 bad input (weights of the wrong shape, not critical with --require-critical,
a Hessian or Krylov basis larger than the memory limit: 80% of the machine's, or DLN_MEMORY_LIMIT),
3 Σ_XX singular (with --json also {error, premise} on stdout), 130 interrupted by Ctrl-C.`)
    .action(async (flags: HessianFlags) => { ctx.exitCode = await hessianCommand(flags, ctx.io); });
}

/** The format of --out from its extension; checked, with the path, before any work. */
function outFormat(flags: HessianFlags): 'json' | 'npy' | null {
  if (flags.out === undefined) return null;
  const ext = extname(flags.out).toLowerCase();
  if (ext !== '.json' && ext !== '.npy') throw new InputError(`--out ${flags.out}: give a .json file (the result) or a .npy file (the eigenvalues)`);
  if (ext === '.npy' && flags.eigenvalues !== 'all') throw new InputError(`--out ${flags.out}: a .npy file holds every eigenvalue, which needs --eigenvalues all; or give a .json file`);
  checkOutputFile(flags.out, '--out', { force: flags.force === true, inputs: [flags.weights, flags.x, flags.y] });
  return ext === '.json' ? 'json' : 'npy';
}

/** Numbers for the terminal, separated by two spaces. */
const numbers = (values: ArrayLike<number>): string => Array.from(values, fmt).join('  ');

/**
 * The text summary of every eigenvalue: how many, the counts by sign at the tolerance, the smallest
 * and largest few (all of them when they are few), and where the full list is (unless in --out).
 */
function spectrumLines(values: Float64Array, tolerance: number, negative: number, zero: number, written: boolean): string[] {
  const n = values.length;
  const lines = [`  Hessian eigenvalues     ${n} (dense): ${negative} negative, ${zero} zero (|λ| ≤ ${tolerance.toExponential(2)}), ${n - negative - zero} positive`];
  if (n <= 2 * EXTREMES_SHOWN) return [...lines, `    ascending             ${numbers(values)}`];
  return [
    ...lines,
    `    ${EXTREMES_SHOWN} smallest            ${numbers(values.subarray(0, EXTREMES_SHOWN))}`,
    `    ${EXTREMES_SHOWN} largest             ${numbers(values.subarray(n - EXTREMES_SHOWN))}`,
    ...(written ? [] : ['    full list             with --json, or --out FILE.json / FILE.npy']),
  ];
}

async function hessianCommand(flags: HessianFlags, io: CliIO): Promise<number> {
  const format = outFormat(flags);
  const weights = readWeightsFile(flags.weights);
  const { stats } = loadStats(flags);
  const dims = assertFitsData(weights, stats.dx, stats.dy, flags.weights);
  const p = parameterCount(dims);
  if (flags.eigenvalues === 'all' && p > DENSE_LIMIT) {
    throw new InputError(`--eigenvalues all needs the dense Hessian of at most ${DENSE_LIMIT} parameters, but the network has ${p}; use --eigenvalues extreme`);
  }
  const dense = p <= DENSE_LIMIT;
  assertFitsMemory(estimateHessianMemory(p, { dense, krylov: Math.min(p, DEFAULT_LANCZOS_MAX_ITER) + 1 }), io.env,
    `the Hessian of ${flags.weights} (${p} parameters, ${dense ? 'dense' : 'by Lanczos'})`, 'use weights of smaller widths, or set DLN_MEMORY_LIMIT higher if the machine has the memory');
  requireInvertibleSigmaXX(stats, 'the classification (Theorem 7 and the global minimum)');
  const crit = criticality(weights, stats, flags.gradientTol);
  if (flags.requireCritical === true && !crit.critical) {
    throw new InputError(`${flags.weights} is not a first-order critical point: relative gradient norm ${crit.relative.toExponential(2)} > --gradient-tol ${flags.gradientTol}`);
  }
  const input: HessianJobInput = { weights, stats, options: { eigenvalues: flags.eigenvalues, gradientTol: flags.gradientTol, signTol: flags.signTol, denseLimit: DENSE_LIMIT } };
  const outcome = await runJob<HessianOutcome>({ moduleUrl: new URL('../node/hessianJob.ts', import.meta.url), exportName: 'hessianJob', input }, {
    io, progress: { enabled: flags.progress && p >= PROGRESS_MIN_PARAMETERS, label: 'hessian', unit: 'column' },
    stopping: 'stopping at the next column or iteration',
  });
  if (outcome === null) return EXIT_INTERRUPTED;
  if (outcome.status === 'stopped') {
    const st = HESSIAN_STAGES[outcome.stage](p);
    const where = outcome.total > 0 ? ` (${st.unit} ${outcome.done} of ${outcome.total})` : '';
    io.stderr.write(`dln: stopped while ${st.label}${where}: the dense path has no partial result, so nothing is reported\n`);
    if (flags.json === true) io.stdout.write(`${JSON.stringify({ status: 'stopped', stage: outcome.stage, done: outcome.done, total: outcome.total }, null, 2)}\n`);
    return EXIT_INTERRUPTED;
  }
  const c = outcome.classification;
  const t7 = c.theorem7, h = c.hessian;
  warn(io, t7.warnings);
  if (h.lanczos?.stopped === true) warn(io, [`Lanczos was stopped after ${h.lanczos.iterations} iterations: λ_min and λ_max are estimates (the true λ_min ≤ the reported one, λ_max ≥ it)`]);
  else if (h.lanczos !== null && !h.lanczos.converged) warn(io, [`Lanczos did not converge in ${h.lanczos.iterations} iterations: λ_min and λ_max are estimates`]);
  const subset = t7.subset;
  const result = {
    status: outcome.status, weights: resolve(flags.weights), dims, loss: crit.loss, gradNorm: crit.gradNorm, relativeGradient: crit.relative, critical: crit.critical,
    parameters: p, method: h.method,
    eigenvalues: h.eigenvalues !== null ? Array.from(h.eigenvalues) : { min: h.lambdaMin, max: h.lambdaMax },
    negative: h.negativeCount, zero: h.zeroCount, tolerance: h.tolerance, signTol: flags.signTol,
    subset, rank: t7.rank, rMax: t7.rMax, criticalValue: subset !== null ? criticalValueOf(dataSpectrum(stats), subset) : null,
    theorem7: t7.type, tightened: t7.tightened, hessianVerdict: h.verdict, agree: c.agree,
    reasons: { theorem7: t7.reason, hessian: h.reason }, ...(h.lanczos !== null ? { lanczos: h.lanczos } : {}), warnings: t7.warnings,
  };
  if (format !== null && flags.out !== undefined) {
    writeFileAtomic(resolve(flags.out), format === 'npy'
      ? encodeNpy({ rows: p, cols: 1, data: h.eigenvalues ?? new Float64Array(0) }, [p])
      : `${JSON.stringify(result, null, 2)}\n`);
  }
  if (!c.agree) warn(io, [`the verdicts disagree: Theorem 7 says ${t7.type} (${t7.reason}), the Hessian ${h.verdict} (${h.reason})`]);
  const counts = h.negativeCount !== null ? `${h.negativeCount} negative, ${h.zeroCount} zero (|λ| ≤ ${h.tolerance.toExponential(2)})` : 'no counts (Lanczos finds λ_min and λ_max only)';
  printResult(io, flags.json === true, result, () => [
    ...(outcome.status === 'interrupted' ? [`interrupted after ${h.lanczos?.iterations ?? 0} Lanczos iterations`] : []),
    `${flags.weights}: widths ${dims.join(',')}, ${p} parameters`,
    `  loss                    ${fmt(crit.loss)}${subset !== null ? `   (S = ${setText(subset)}, rank ${t7.rank}, r_max = ${t7.rMax})` : ''}`,
    `  gradient norm           ${fmt(crit.gradNorm)}   (relative ${crit.relative.toExponential(2)}, ${crit.critical ? 'critical' : 'not critical'})`,
    ...(h.eigenvalues !== null
      ? spectrumLines(h.eigenvalues, h.tolerance, h.negativeCount ?? 0, h.zeroCount ?? 0, format !== null)
      : [`  Hessian eigenvalues     λ_min = ${fmt(h.lambdaMin)}, λ_max = ${fmt(h.lambdaMax)} (${h.method}); ${counts}`]),
    `  Theorem 7               ${t7.type}: ${t7.reason}`,
    `  Hessian verdict         ${h.verdict}: ${h.reason}`,
    `  agree                   ${c.agree ? 'yes' : 'NO'}`,
    ...(flags.out !== undefined ? [`  ${format === 'npy' ? 'eigenvalues in' : 'result in     '}          ${flags.out}`] : []),
    '',
  ].join('\n'));
  return outcome.status === 'interrupted' ? EXIT_INTERRUPTED : 0;
}
