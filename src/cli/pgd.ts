import { resolve } from 'node:path';
import { explainFinal, explanationJson, explanationLine } from './explainResult.ts';
import type { LossExplanation } from '../landscape/index.ts';
import { type Command, Option } from 'commander';
import { InputError } from '../errors.ts';
import { Rng } from '../linalg/rng.ts';
import { statsFromData } from '../model/stats.ts';
import { type PgdResult, pgd } from '../optim/pgd.ts';
import { localSmoothness } from '../optim/localSmoothness.ts';
import { encodeWeights } from '../data/npz.ts';
import { writeFileAtomic } from './files.ts';
import {
  type DataFlags, type InitChoice, type NetworkFlags, addDataOptions, addJsonOption, addNetworkOptions, addSeedOption, initChoiceFromFlags,
  initialWeights, integerAtLeast, loadDataFromFlags, nonNegativeNumber, parseNumber, positiveNumber,
} from './options.ts';
import { fmt, printResult, warn } from './critical.ts';
import { type Progress, createProgress } from './progress.ts';
import { type CliContext, type CliIO, EXIT_INTERRUPTED, runInWorker } from './run.ts';

interface PgdFlags extends DataFlags, NetworkFlags {
  epsilon: number; beta?: number; rho?: number; c: number; delta: number; deltaF?: number; maxIterations: number;
  seed: number; out?: string; json?: true; progress: boolean;
}

/** Parses a probability in the open interval (0, 1). */
function probability(flag: string): (text: string) => number {
  const need = 'a number strictly between 0 and 1';
  return (text) => {
    const v = parseNumber(flag, text, need);
    if (!(v > 0 && v < 1)) throw new InputError(`${flag} must be ${need}, got '${text}'`);
    return v;
  };
}

/** Adds `dln pgd` to program. */
export function register(program: Command, ctx: CliContext): void {
  const cmd = program.command('pgd').description('perturbed gradient descent (Jin et al. Algorithm 2): run until it returns an ε-second-order stationary point');
  addDataOptions(cmd);
  addNetworkOptions(cmd);
  cmd
    .requiredOption('--epsilon <ε>', 'target accuracy ε of the ε-second-order stationary point', positiveNumber('--epsilon'))
    .option('--beta <β>', 'gradient-Lipschitz constant β (default: a local bound on a region around the start and the minimisers)', positiveNumber('--beta'))
    .option('--rho <ρ>', 'Hessian-Lipschitz constant ρ (default: a local bound on the same region)', positiveNumber('--rho'))
    .option('--c <c>', "Jin et al.'s absolute constant c (step η = c/β)", positiveNumber('--c'), 0.5)
    .option('--delta <δ>', "failure probability δ of Jin et al.'s guarantee (not NRT's balancedness δ)", probability('--delta'), 0.1)
    .option('--delta-f <Δf>', 'Δf ≥ L(W(0)) − min L (default: L(W(0)) − L_OLS)', nonNegativeNumber('--delta-f'))
    .addOption(new Option('--max-iterations <n>', "stop as 'max-iterations' after n gradient steps").argParser(integerAtLeast('--max-iterations', 0)).default(1_000_000, '1000000'));
  addSeedOption(cmd);
  cmd.option('--out <file>', 'write the returned weights W1..WN to this .npz file (replaced atomically if it exists)');
  addJsonOption(cmd);
  cmd.option('--no-progress', 'no progress display on stderr');
  cmd.addHelpText('after', `
PGD(W(0), β, ρ, ε, c, δ, Δf) of THEORY §6.5: gradient steps of size c/β; when ‖∇L‖ ≤ g_thres and no
perturbation happened in the last t_thres steps, remember w̃ and perturb uniformly in a ball of radius
r; t_thres steps later return w̃ unless the loss dropped by f_thres. L is not globally smooth, so the
default β and ρ hold only on a region {‖W_j‖² ≤ K} (THEORY §6.1). At depth N ≥ 3 PGD may return the
origin: a non-strict saddle is ε-second-order stationary. Perturbations are drawn with --seed after
the data and the initial weights (drawn as \`dln train\` draws them).

Examples:
  dln pgd --data ln-pgd --dims 2,2,2 --init zero --epsilon 1e-3 --out w.npz      (escapes the origin)
  dln pgd --data ln-pgd --dims 2,2,2,2 --init zero --epsilon 1e-3 --json         (returns the origin)

JSON fields: status (returned, max-iterations, diverged or interrupted), iterations, perturbations, loss,
gradNorm, constants {d, beta, rho, epsilon, c, delta, deltaF, chi, eta, r, gThres, fThres, tThres,
epsilonInRange}, dims, out, weights (W1..WN as nested arrays, rows of W_j).
Progress goes to stderr (a bar on a terminal, plain lines otherwise; --no-progress silences it).
Exit codes: 0 done (see status), 2 bad input, 130 interrupted by Ctrl-C (the iterate reached is
reported with status interrupted, and written to --out).`)
    .action(async (flags: PgdFlags, command: Command) => { ctx.exitCode = await pgdCommand(flags, command, ctx.io); });
}

/** What the worker thread does: data, initial weights, PGD, polling the shared stop flag. */
export interface PgdJob { flags: PgdFlags; init: InitChoice; shared: SharedArrayBuffer }
export interface PgdOutcome { result: PgdResult; dims: number[]; lossOLS: number; explanation: LossExplanation | null }

/** Runs a job (in a worker thread): shared holds an Int32 stop flag, then Float64 [iteration, loss]. */
export function pgdJob(job: PgdJob, started: () => void): PgdOutcome {
  const flags = job.flags;
  const stop = new Int32Array(job.shared, 0, 1), live = new Float64Array(job.shared, 8, 2);
  // The same generator order as dln train (data, then initial weights); the perturbations come after.
  const rng = new Rng(flags.seed);
  const { dataset } = loadDataFromFlags(flags, rng, flags.seed);
  const { dims, weights } = initialWeights(job.init, flags.dims, dataset, rng);
  const stats = statsFromData(dataset);
  let beta = flags.beta, rho = flags.rho;
  if (beta === undefined || rho === undefined) {
    try {
      // What pgd would compute itself; done here so that a bad start is reported before progress begins.
      const local = localSmoothness(stats, weights);
      beta ??= local.beta;
      rho ??= local.rho;
    } catch (e) {
      // The default β, ρ vanish when the start and the least-squares map are both 0.
      if (e instanceof RangeError && e.message.startsWith('localSmoothness')) throw new InputError(`${e.message.replace(/^localSmoothness: /, '')}: give --beta and --rho`);
      throw e;
    }
  }
  started();
  const result = pgd(stats, weights, {
    rng, epsilon: flags.epsilon, beta, rho, c: flags.c, delta: flags.delta, deltaF: flags.deltaF, maxIterations: flags.maxIterations,
    onProgress(t, loss) { live[0] = t; live[1] = loss; },
    shouldStop: () => Atomics.load(stop, 0) !== 0,
  });
  live[0] = result.iterations;
  live[1] = result.loss;
  return { result, dims, lossOLS: stats.lossOLS, explanation: explainFinal(result, stats, dims) };
}

class Aborted extends Error {}

/**
 * Runs the job in a worker thread, so that the main thread stays free for Ctrl-C and progress on
 * stderr: the first Ctrl-C stops after the current iteration, a second one aborts (resolves null).
 */
async function execute(job: Omit<PgdJob, 'shared'>, io: CliIO, progressOn: boolean): Promise<PgdOutcome | null> {
  const shared = new SharedArrayBuffer(24);
  const stopFlag = new Int32Array(shared, 0, 1), live = new Float64Array(shared, 8, 2);
  let progress: Progress | null = null;
  let timer: NodeJS.Timeout | undefined;
  const show = (): void => { if (live[0] > 0) progress?.update(live[0], live[1]); };
  const run = runInWorker<PgdOutcome>(import.meta.url, 'pgdJob', { ...job, shared }, () => {
    progress = createProgress(job.flags.maxIterations, { stream: io.stderr, enabled: progressOn, label: 'pgd', unit: 'step' });
    timer = setInterval(show, 100);
  });
  let interrupts = 0;
  const off = io.onInterrupt(() => {
    if (++interrupts === 1) {
      io.stderr.write(`${io.stderr.isTTY === true ? '\n' : ''}dln: Ctrl-C: stopping after the current iteration and reporting the point reached (Ctrl-C again quits without saving)\n`);
      Atomics.store(stopFlag, 0, 1);
    } else {
      io.stderr.write('dln: second Ctrl-C: quitting without saving\n');
      run.terminate(new Aborted());
    }
  });
  try {
    return await run.result;
  } catch (e) {
    if (e instanceof Aborted) return null;
    throw e;
  } finally {
    off();
    clearInterval(timer);
    show();
    (progress as Progress | null)?.stop();
  }
}

async function pgdCommand(flags: PgdFlags, cmd: Command, io: CliIO): Promise<number> {
  const init = initChoiceFromFlags(flags, cmd);
  const outcome = await execute({ flags: { ...flags }, init }, io, flags.progress);
  if (outcome === null) return EXIT_INTERRUPTED;
  const { result: r, dims, lossOLS, explanation: x } = outcome;
  const k = r.constants;
  if (!k.epsilonInRange) {
    warn(io, [`ε = ${fmt(k.epsilon)} exceeds β²/ρ = ${fmt((k.beta * k.beta) / k.rho)}: Jin et al.'s guarantee (Theorem 3) does not apply`]);
  }
  const out = flags.out !== undefined ? resolve(flags.out) : undefined;
  if (out !== undefined) writeFileAtomic(out, encodeWeights(r.weights));
  const result = {
    status: r.status, iterations: r.iterations, perturbations: r.perturbations, loss: r.loss, gradNorm: r.gradNorm,
    ...(x !== null ? { criticalValue: explanationJson(x) } : {}),
    constants: k, dims, ...(out !== undefined ? { out } : {}),
    weights: r.weights.map((w) => Array.from({ length: w.rows }, (_, i) => Array.from(w.data.subarray(i * w.cols, (i + 1) * w.cols)))),
  };
  printResult(io, flags.json === true, result, () => [
    `${r.status} after ${r.iterations} iterations and ${r.perturbations} perturbation${r.perturbations === 1 ? '' : 's'}`,
    `  loss            ${fmt(r.loss)}   (best linear map: ${fmt(lossOLS)})`,
    `  gradient norm   ${fmt(r.gradNorm)}`,
    ...(x !== null ? [`  where           ${explanationLine(explanationJson(x))}`] : []),
    `  constants       β = ${fmt(k.beta)}, ρ = ${fmt(k.rho)}, η = ${fmt(k.eta)}, χ = ${fmt(k.chi)}, r = ${fmt(k.r)}`,
    `                  g_thres = ${fmt(k.gThres)}, f_thres = ${fmt(k.fThres)}, t_thres = ${k.tThres}`,
    ...(out !== undefined ? [`  weights in      ${flags.out}`] : []),
    '',
  ].join('\n'));
  return r.status === 'interrupted' ? EXIT_INTERRUPTED : 0;
}
