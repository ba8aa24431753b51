import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { InputError } from '../errors.ts';
import { Rng } from '../linalg/index.ts';
import { encodeWeights } from '../data/npz.ts';
import { runJob } from '../node/jobRunner.ts';
import type { PgdJobInput, PgdOutcome } from '../node/pgdJob.ts';
import { writeFileAtomic } from '../node/writeFileAtomic.ts';
import { addJsonOption, addSeedOption } from './commonOptions.ts';
import { type DataFlags, addDataOptions, loadDataFromFlags } from './dataFlags.ts';
import { integerAtLeast, nonNegativeNumber, parseNumber, positiveNumber } from './flagParsers.ts';
import { type NetworkFlags, addNetworkOptions, initChoiceFromFlags, initialWeights } from './initFlags.ts';
import { fmt, printResult, warn } from './printResult.ts';
import { explanationJson, explanationLine, finalStatus } from '../landscape/index.ts';
import { checkOutputFile } from './outputFile.ts';
import { planFromConfig } from './trainConfig.ts';
import { type CliContext, type CliIO, EXIT_INTERRUPTED } from './run.ts';

interface PgdFlags extends DataFlags, NetworkFlags {
  epsilon?: number; config?: string; beta?: number; rho?: number; c: number; delta: number; deltaF?: number; maxIterations: number;
  seed: number; out?: string; force?: true; json?: true; progress: boolean;
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
    .option('--epsilon <ε>', 'target accuracy ε of the ε-second-order stationary point (required)', positiveNumber('--epsilon'))
    .option('--beta <β>', 'gradient-Lipschitz constant β (default: a local bound on a region around the start and the minimisers)', positiveNumber('--beta'))
    .option('--rho <ρ>', 'Hessian-Lipschitz constant ρ (default: a local bound on the same region)', positiveNumber('--rho'))
    .option('--c <c>', "Jin et al.'s absolute constant c (step η = c/β)", positiveNumber('--c'), 0.5)
    .option('--delta <δ>', "failure probability δ of Jin et al.'s guarantee (not NRT's balancedness δ)", probability('--delta'), 0.1)
    .option('--delta-f <Δf>', 'Δf ≥ L(W(0)) − min L (default: L(W(0)) − L_OLS)', nonNegativeNumber('--delta-f'))
    .addOption(new Option('--max-iterations <n>', "stop as 'max-iterations' after n gradient steps").argParser(integerAtLeast('--max-iterations', 0)).default(1_000_000, '1000000'));
  addSeedOption(cmd);
  cmd.option('--config <file>', "replay the perturbed-GD run of a config.json (a playground export's): its data, W(0), constants and generator");
  cmd.option('--out <file>', 'write the returned weights W1..WN to this new .npz file');
  cmd.option('--force', '--out may replace an existing file (never one of the inputs)');
  addJsonOption(cmd);
  cmd.option('--no-progress', 'no progress display on stderr');
  cmd.addHelpText('after', `
PGD(W(0), β, ρ, ε, c, δ, Δf) of THEORY §6.5: gradient steps of size c/β; when ‖∇L‖ ≤ g_thres and no
perturbation happened in the last t_thres steps, remember w̃ and perturb uniformly in a ball of radius
r; t_thres steps later return w̃ unless the loss dropped by f_thres. L is not globally smooth, so the
default β and ρ hold only on a region {‖W_j‖² ≤ K} (THEORY §6.1). At depth N ≥ 3 PGD may return the
origin: a non-strict saddle is ε-second-order stationary. Perturbations are drawn with --seed after
the data and the initial weights (drawn as \`dln train\` draws them). --config replays the
perturbed-GD run of a playground export's config.json, bit for bit.

Examples:
  dln pgd --data ln-pgd --dims 2,2,2 --init zero --epsilon 1e-3 --out w.npz      (escapes the origin)
  dln pgd --data ln-pgd --dims 2,2,2,2 --init zero --epsilon 1e-3 --json         (returns the origin)
  dln pgd --config run/config.json --out again.npz      (a playground export, bit for bit)

JSON fields: status (returned, max-iterations, converged (its iterations used, with the gradient at rounding
level or the loss test of dln train), diverged or interrupted), iterations, perturbations, loss,
gradNorm, constants {d, beta, rho, epsilon, c, delta, deltaF, chi, eta, r, gThres, fThres, tThres,
epsilonInRange}, dims, out, weights (W1..WN as nested arrays, rows of W_j).
Progress goes to stderr (a bar on a terminal, plain lines otherwise; --no-progress silences it).
Exit codes: 0 done (see status), 2 bad input, 130 interrupted by Ctrl-C (the iterate reached is
reported with status interrupted, and written to --out).`)
    .action(async (flags: PgdFlags, command: Command) => { ctx.exitCode = await pgdCommand(flags, command, ctx.io); });
}

/** The settings of a perturbed-GD config.json beyond those every run has. */
interface PgdSettings { epsilon: number; c?: number; delta?: number; beta?: number; rho?: number; deltaF?: number; maxIterations: number; rngState?: number[] }

function checkRngState(file: string, st: unknown): number[] | undefined {
  if (st === undefined) return undefined;
  if (!Array.isArray(st) || st.length !== 6 || !st.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new InputError(`--config ${file}: settings.rngState must be the generator state of an export (six numbers)`);
  }
  return st as number[];
}

/** The job's input from a config.json: data and W(0) drawn as the run drew them; the perturbations from its recorded generator state (else after W(0)). */
function planPgdConfig(file: string, cmd: Command): { input: PgdJobInput; dims: number[] } {
  const { settings, dataset, weights, rng } = planFromConfig(file, cmd, 'pgd');
  const s = settings as unknown as PgdSettings;
  const num = (key: keyof PgdSettings, ok: (v: number) => boolean, need: string): number | undefined => {
    const v = s[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !ok(v)) throw new InputError(`--config ${file}: settings.${key} must be ${need}, got ${JSON.stringify(v)}`);
    return v;
  };
  const pos = (v: number): boolean => Number.isFinite(v) && v > 0;
  const epsilon = num('epsilon', pos, 'a positive number') as number;
  const maxIterations = num('maxIterations', (v) => Number.isSafeInteger(v) && v >= 0, 'an integer ≥ 0') as number;
  const options = {
    epsilon, maxIterations, c: num('c', pos, 'a positive number') ?? 0.5, delta: num('delta', (v) => v > 0 && v < 1, 'in (0, 1)') ?? 0.1,
    beta: num('beta', pos, 'a positive number'), rho: num('rho', pos, 'a positive number'), deltaF: num('deltaF', (v) => v >= 0, 'a number ≥ 0'),
  };
  const rngState = checkRngState(file, s.rngState) ?? rng.state();
  return { input: { dataset, weights, options, rngState }, dims: settings.dims };
}

/** The job's input from the flags: data, then the initial weights, drawn as `dln train` draws them; the perturbations come after. */
function planPgd(flags: PgdFlags, cmd: Command): { input: PgdJobInput; dims: number[] } {
  if (flags.epsilon === undefined) throw new InputError("--epsilon is required (the target accuracy ε), e.g. --epsilon 1e-3; or replay a run with --config");
  const init = initChoiceFromFlags(flags, cmd);
  const rng = new Rng(flags.seed);
  const { dataset } = loadDataFromFlags(flags, rng, flags.seed);
  const { dims, weights } = initialWeights(init, flags.dims, dataset, rng);
  const options = { epsilon: flags.epsilon, beta: flags.beta, rho: flags.rho, c: flags.c, delta: flags.delta, deltaF: flags.deltaF, maxIterations: flags.maxIterations };
  return { input: { dataset, weights, options, rngState: rng.state() }, dims };
}

async function pgdCommand(flags: PgdFlags, cmd: Command, io: CliIO): Promise<number> {
  if (flags.out !== undefined) checkOutputFile(flags.out, '--out', { force: flags.force === true, inputs: [flags.x, flags.y, flags.initWeights, flags.config] });
  const { input, dims } = flags.config !== undefined ? planPgdConfig(flags.config, cmd) : planPgd(flags, cmd);
  const outcome = await runJob<PgdOutcome>({ moduleUrl: new URL('../node/pgdJob.ts', import.meta.url), exportName: 'pgdJob', input }, {
    io, progress: { enabled: flags.progress, label: 'pgd', unit: 'step' },
    stopping: 'stopping after the current iteration and reporting the point reached',
  });
  if (outcome === null) return EXIT_INTERRUPTED;
  const { result: r, lossOLS, explanation: x, lossInit } = outcome;
  // Named as dln train and the playground name a run that used its iterations (finalStatus, THEORY §15.2).
  const status = finalStatus(r.status, x, Number.isFinite(lossInit) ? { lossInit, loss: r.loss } : undefined);
  const k = r.constants;
  if (!k.epsilonInRange) {
    warn(io, [`ε = ${fmt(k.epsilon)} exceeds β²/ρ = ${fmt((k.beta * k.beta) / k.rho)}: Jin et al.'s guarantee (Theorem 3) does not apply`]);
  }
  const out = flags.out !== undefined ? resolve(flags.out) : undefined;
  if (out !== undefined) writeFileAtomic(out, encodeWeights(r.weights));
  const result = {
    status, iterations: r.iterations, perturbations: r.perturbations, loss: r.loss, gradNorm: r.gradNorm,
    ...(x !== null ? { criticalValue: explanationJson(x) } : {}),
    constants: k, dims, ...(out !== undefined ? { out } : {}),
    weights: r.weights.map((w) => Array.from({ length: w.rows }, (_, i) => Array.from(w.data.subarray(i * w.cols, (i + 1) * w.cols)))),
  };
  printResult(io, flags.json === true, result, () => [
    `${status} after ${r.iterations} iterations and ${r.perturbations} perturbation${r.perturbations === 1 ? '' : 's'}`,
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
