import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { InputError } from '../errors.ts';
import { type Mat, Rng } from '../linalg/index.ts';
import { type Dataset, assertWeightsMatch } from '../model/index.ts';
import { FLOW_DEFAULTS, MAX_STEPS, type FlowResume, type Schedule, TRAIN_DEFAULTS, type TrainResume, type TrajectoryColumns, trajectoryCsvHeader } from '../optim/index.ts';
import { encodeWeights } from '../data/npz.ts';
import { decodeExactJson, encodeExactJson } from '../node/exactJson.ts';
import { runJob } from '../node/jobRunner.ts';
import { withStagingDir } from '../node/stagingDir.ts';
import { type TrainJobInput, type TrainOutcome, type TrainRun, trajectoryColumns } from '../node/trainJob.ts';
import { readWeightsFile } from '../node/dataFiles.ts';
import { addJsonOption, addSeedOption, userGave } from './commonOptions.ts';
import { type DataFlags, type DataSource, addDataOptions, loadDataFromFlags, loadDataFromSource } from './dataFlags.ts';
import { integerAtLeast, integerIn, nonNegativeNumber, oneOf, positiveNumber } from './flagParsers.ts';
import { type InitChoice, type NetworkFlags, addNetworkOptions, initChoiceFromFlags, initialWeights } from './initFlags.ts';
import { shellCommand } from './shellCommand.ts';
import { type CliContext, type CliIO, EXIT_INTERRUPTED, dlnVersion } from './run.ts';
import { selectBackendOrFail } from './backendOption.ts';
import { planFromConfig } from './trainConfig.ts';
import { getBackend } from '../linalg/backend.ts';
import { checkTrainMemory } from './memoryLimit.ts';
import { checkOutputDir } from './outputFile.ts';
import { explanationJson, explanationLine, finalStatus } from '../landscape/index.ts';
import { renderChart } from '../plot/index.ts';
import { sharpnessFromFlags, sharpnessLine, sharpnessSummary, trajectoryFigure } from './trainSharpness.ts';

/** The step budget of GD when --steps is not given (the flow's is FLOW_DEFAULTS.maxSteps). */
const GD_DEFAULT_STEPS = 1000;
/** Records of a run (GD or flow) kept in memory (evenly spaced; trajectory.csv has every one). */
const TRAJECTORY_RETAIN = 10000;

/** Everything that determines a training run's numbers, as config.json records it: the data, the network, the run. */
export type TrainSettings = { data: DataSource; dims: number[]; init: InitChoice; seed: number } & TrainRun;

/** config.json of an output directory. */
interface RunConfig {
  dln: string;
  command: string;
  cwd: string;
  settings: TrainSettings;
  /** The kernel backend of the run (a resume uses the same one, so that it continues bit for bit). */
  backend?: string;
  resumed?: { command: string; atStep: number }[];
}

/** checkpoint.json of an interrupted run (the weights are weights.npz): GD's TrainResume or the flow's FlowResume. */
interface Checkpoint { step: number; seconds: number; resume: TrainResume | FlowResume }

interface TrainFlags extends DataFlags, NetworkFlags {
  lr?: number; schedule: 'constant' | 'power'; powerB: number; powerP: number; steps?: number;
  flow?: true; tEnd?: number; rtol: number; atol: number; seed: number; recordEvery: number;
  lossTol?: number; gradTol?: number; divergeAbove: number; out?: string; json?: true; progress: boolean; resume?: string; config?: string;
  recordSharpness?: number | true; lambdaMin?: true;
}

/** Adds `dln train` to program. */
export function register(program: Command, ctx: CliContext): void {
  const cmd = program.command('train').description('train a deep linear network by gradient descent (or gradient flow) and record its trajectory');
  addDataOptions(cmd);
  addNetworkOptions(cmd);
  cmd
    .option('--lr <eta>', 'step size η (with --schedule power: the constant c)', positiveNumber('--lr'))
    .addOption(new Option('--schedule <kind>', 'constant: η_k = lr; power: η_k = lr/(k+b)^p').argParser(oneOf('--schedule', ['constant', 'power'])).default('constant', 'constant'))
    .option('--power-b <b>', 'b of --schedule power', positiveNumber('--power-b'), 1)
    .option('--power-p <p>', 'p of --schedule power', nonNegativeNumber('--power-p'), 0.5)
    .option('--steps <n>', `number of GD steps (default ${GD_DEFAULT_STEPS}); with --flow the most Runge–Kutta steps (default ${FLOW_DEFAULTS.maxSteps})`, integerIn('--steps', 0, MAX_STEPS, 'the most steps dln runs'))
    .option('--flow', 'integrate the gradient flow dW/dt = −∇L (Dormand–Prince 5(4)) instead of GD')
    .option('--t-end <T>', 'end time of --flow', positiveNumber('--t-end'))
    .addOption(new Option('--rtol <r>', 'relative tolerance of --flow').argParser(positiveNumber('--rtol')).default(FLOW_DEFAULTS.rtol, String(FLOW_DEFAULTS.rtol)))
    .addOption(new Option('--atol <a>', 'absolute tolerance of --flow').argParser(positiveNumber('--atol')).default(FLOW_DEFAULTS.atol, String(FLOW_DEFAULTS.atol)));
  addSeedOption(cmd);
  cmd
    .option('--record-every <k>', 'record the trajectory every k steps', integerAtLeast('--record-every', 1), TRAIN_DEFAULTS.recordEvery)
    .addOption(new Option('--record-sharpness [k]', 'record the sharpness λ_max(∇²L) every k steps (default: at every record) and at the end: column sharpness, 2/η in the summary, trajectory.png with --out').argParser(integerAtLeast('--record-sharpness', 1)))
    .option('--lambda-min', 'with --record-sharpness: record λ_min(∇²L) too (column lambdaMin)')
    .option('--loss-tol <L>', "stop as 'converged' once the loss is ≤ L", nonNegativeNumber('--loss-tol'))
    .option('--grad-tol <g>', "stop as 'converged' once the gradient norm is ≤ g", nonNegativeNumber('--grad-tol'))
    .addOption(new Option('--diverge-above <L>', "stop as 'diverged' once the loss exceeds L (or is not finite)").argParser(positiveNumber('--diverge-above')).default(TRAIN_DEFAULTS.divergeAbove, TRAIN_DEFAULTS.divergeAbove.toExponential()))
    .option('--out <dir>', 'write config.json, trajectory.csv, weights.npz, summary.json into this new directory');
  addJsonOption(cmd);
  cmd
    .option('--no-progress', 'no progress display on stderr')
    .option('--resume <dir>', 'continue the interrupted run saved in dir (writes back into dir unless --out)')
    .option('--config <file>', 'run again what a config.json (of --out, or exported by dln playground) describes, to the same bits')
    .addHelpText('after', `
Examples:
  dln train --data report-sec4 --dims 5,4,4,5 --lr 1e-5 --steps 20000 --out runs/sec4
  dln train --x X.npy --y Y.npy --dims 5,4,4,5 --init balanced --lr 1e-4 --schedule power --power-p 0.5 --json
  dln train --data nrt --dims 10,12,12,8 --init balanced --flow --t-end 50
  dln train --data nrt --dims 10,12,12,8 --lr 0.05 --steps 3000 --record-sharpness 10 --out runs/eos
  dln train --config runs/sec4/config.json --out runs/again

After Ctrl-C, dln train --resume runs/sec4 continues the run to its original --steps.
Files hold one sample per row (.npy or .csv). Exit codes: 0 done (see "status"), 2 bad input,
130 interrupted by Ctrl-C (results so far are written, with a checkpoint for --resume).`)
    .action(async (flags: TrainFlags, command: Command) => {
      ctx.exitCode = await trainCommand(flags, command, ctx);
    });
}

/** Settings and initial state of a new run from the flags. */
function planFresh(flags: TrainFlags, cmd: Command): { settings: TrainSettings; dataset: Dataset; weights: Mat[] } {
  const flow = flags.flow === true;
  let method: { method: 'gd'; schedule: Schedule } | { method: 'flow'; tEnd: number; rtol: number; atol: number };
  if (flow) {
    for (const [key, flag] of [['lr', '--lr'], ['schedule', '--schedule'], ['powerB', '--power-b'], ['powerP', '--power-p']] as const) {
      if (userGave(cmd, key)) throw new InputError(`${flag} does not apply to --flow (gradient flow has no step size)`);
    }
    if (flags.tEnd === undefined) throw new InputError('--flow needs --t-end T (the end time)');
    method = { method: 'flow', tEnd: flags.tEnd, rtol: flags.rtol, atol: flags.atol };
  } else {
    for (const [key, flag] of [['tEnd', '--t-end'], ['rtol', '--rtol'], ['atol', '--atol']] as const) {
      if (userGave(cmd, key)) throw new InputError(`${flag} applies to --flow only`);
    }
    if (flags.lr === undefined) throw new InputError('--lr is required (the step size, e.g. --lr 1e-3)');
    if (flags.schedule === 'constant' && (userGave(cmd, 'powerB') || userGave(cmd, 'powerP'))) {
      throw new InputError('--power-b and --power-p apply to --schedule power only');
    }
    const schedule: Schedule = flags.schedule === 'power'
      ? { kind: 'power', c: flags.lr, b: flags.powerB, p: flags.powerP }
      : { kind: 'constant', lr: flags.lr };
    method = { method: 'gd', schedule };
  }
  const steps = flags.steps ?? (flow ? FLOW_DEFAULTS.maxSteps : GD_DEFAULT_STEPS);
  if (flags.dims !== undefined) checkTrainMemory(flags.dims, method.method, steps, flags.recordEvery, process.env, TRAJECTORY_RETAIN, flags.out);
  const init = initChoiceFromFlags(flags, cmd);
  // One generator, in a fixed order: built-in data first, then the initial weights.
  const rng = new Rng(flags.seed);
  const { dataset, source } = loadDataFromFlags(flags, rng, flags.seed);
  const { dims, weights } = initialWeights(init, flags.dims, dataset, rng);
  const sharpness = sharpnessFromFlags(flags.recordSharpness, flags.lambdaMin === true, flags.recordEvery);
  const settings: TrainSettings = {
    data: source, dims, init, seed: flags.seed, ...method, ...(sharpness !== undefined ? { sharpness } : {}),
    steps,
    recordEvery: flags.recordEvery, divergeAbove: flags.divergeAbove,
    ...(flags.lossTol !== undefined ? { lossTol: flags.lossTol } : {}),
    ...(flags.gradTol !== undefined ? { gradTol: flags.gradTol } : {}),
  };
  return { settings, dataset, weights };
}

function readJson<T>(path: string, what: string): T {
  try {
    return decodeExactJson(readFileSync(path, 'utf8')) as T;
  } catch (e) {
    throw new InputError(`${path}: cannot read ${what} (${(e as Error).message})`);
  }
}

/** Config, data and saved state of an interrupted run in dir. */
function planResume(flags: TrainFlags, cmd: Command, dir: string): { config: RunConfig; dataset: Dataset; weights: Mat[]; checkpoint: Checkpoint } {
  for (const opt of cmd.options) {
    const key = opt.attributeName();
    if (!['resume', 'out', 'json', 'progress'].includes(key) && userGave(cmd, key)) {
      throw new InputError(`--resume continues a run with the settings in its config.json; ${opt.long ?? key} cannot be given with it`);
    }
  }
  if (!existsSync(join(dir, 'config.json'))) throw new InputError(`--resume ${dir}: not a dln train output directory (no config.json)`);
  const config = readJson<RunConfig>(join(dir, 'config.json'), 'the run configuration');
  if (!existsSync(join(dir, 'checkpoint.json'))) {
    const status = existsSync(join(dir, 'summary.json')) ? readJson<{ status?: string }>(join(dir, 'summary.json'), 'the summary').status : undefined;
    if (status === 'interrupted') throw new InputError(`--resume ${dir}: the run was interrupted but left no checkpoint.json; start the run again`);
    throw new InputError(`--resume ${dir}: nothing to resume (the run ended with status ${status ?? 'unknown'})`);
  }
  const checkpoint = readJson<Checkpoint>(join(dir, 'checkpoint.json'), 'the checkpoint');
  const weights = readWeightsFile(join(dir, 'weights.npz'));
  assertWeightsMatch(weights, config.settings.dims, join(dir, 'weights.npz'));
  return { config, dataset: loadDataFromSource(config.settings.data), weights, checkpoint };
}

/** InputError unless dir can receive a run (before it starts): absent, empty, or (keep) the run being resumed; and writable. */
function checkOutDir(dir: string, flag: string, keep?: string): void {
  if (dir !== keep && existsSync(dir) && statSync(dir).isDirectory() && readdirSync(dir).length > 0) {
    throw new InputError(`--out ${dir} already exists and is not empty (dln never overwrites results; choose a new directory)`);
  }
  checkOutputDir(dir, flag, { isOwn: (d) => d === keep, what: 'run being resumed' });
}

/** The numbers a run ends with (summary.json and --json). */
function summarize(outcome: TrainOutcome, settings: TrainSettings, previousSeconds: number): Record<string, unknown> {
  const r = outcome.result, x = outcome.explanation, first = r.trajectory[0];
  return {
    // The status of THEORY §15.2, as a sweep names its cells (finalStatus): the loss test needs L(0), the first record.
    status: finalStatus(r.status, x, first?.step === 0 ? { lossInit: first.loss, loss: r.loss } : undefined), steps: r.steps, ...('t' in r ? { t: r.t } : {}),
    loss: r.loss, gradNorm: r.gradNorm, balancedness: r.balancedness, drift: outcome.drift,
    ...(x !== null ? { criticalValue: explanationJson(x) } : {}),
    seconds: previousSeconds + outcome.seconds, lossOLS: outcome.lossOLS, method: settings.method, dims: settings.dims,
    backend: getBackend().name,
    ...sharpnessSummary(r.trajectory, settings.sharpness, settings.method === 'gd' ? settings.schedule : undefined, r.steps),
  };
}

function human(summary: Record<string, unknown>, out: string | undefined): string {
  const e = (v: unknown): string => (typeof v === 'number' ? v.toExponential(6) : String(v));
  const t = summary.t !== undefined ? ` (t = ${e(summary.t)})` : '';
  const lines = [
    `${String(summary.status)} after ${String(summary.steps)} steps${t} in ${(summary.seconds as number).toFixed(2)} s`,
    `  loss           ${e(summary.loss)}   (best linear map: ${e(summary.lossOLS)})`,
    `  gradient norm  ${e(summary.gradNorm)}`,
    `  balancedness   ${e(summary.balancedness)}`,
    ...sharpnessLine(summary, e),
    ...(summary.criticalValue !== undefined ? [`  where          ${explanationLine(summary.criticalValue as ReturnType<typeof explanationJson>)}`] : []),
  ];
  if (out !== undefined) lines.push(`  results in     ${relative(process.cwd(), out) || '.'}`);
  return `${lines.join('\n')}\n`;
}

/** Writes a whole run directory (never half-written): a resumed run's files are kept unless replaced or removed. */
function writeRunDir(dir: string, files: Record<string, string | Uint8Array>, resuming: boolean, remove: string[], moves: Record<string, string> = {}): void {
  withStagingDir(dir, (staging) => {
    for (const name of remove) rmSync(join(staging, name), { force: true });
    for (const [name, content] of Object.entries(files)) writeFileSync(join(staging, name), content);
    for (const [name, from] of Object.entries(moves)) renameSync(from, join(staging, name));
  }, { ifExists: resuming ? 'resume' : 'replace' });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Where the worker streams trajectory.csv while it runs: a hidden file beside the output directory
 * (same file system), holding the header, or a resumed run's rows so far.
 */
function startTrajectoryFile(out: string, resumeDir: string | undefined, dims: readonly number[], columns: TrajectoryColumns): string {
  const prefix = `.${basename(out)}.trajectory-`, path = join(dirname(out), `${prefix}${process.pid}.csv`);
  try {
    // A run killed outright (SIGKILL, SIGTERM) leaves its stream behind: remove those of dead processes.
    for (const name of readdirSync(dirname(out))) {
      const pid = name.startsWith(prefix) && name.endsWith('.csv') ? Number(name.slice(prefix.length, -4)) : Number.NaN;
      if (Number.isInteger(pid) && pid !== process.pid && !processAlive(pid)) rmSync(join(dirname(out), name), { force: true });
    }
    if (resumeDir !== undefined && existsSync(join(resumeDir, 'trajectory.csv'))) copyFileSync(join(resumeDir, 'trajectory.csv'), path);
    else writeFileSync(path, `${trajectoryCsvHeader(Math.min(dims[0], dims[dims.length - 1]), columns)}\n`);
  } catch (e) {
    throw new InputError(`cannot write beside ${out}: ${(e as Error).message}`);
  }
  return path;
}

async function trainCommand(flags: TrainFlags, cmd: Command, ctx: CliContext): Promise<number> {
  const io = ctx.io;
  const resumeDir = flags.resume !== undefined ? resolve(flags.resume) : undefined;
  const out = flags.out !== undefined ? resolve(flags.out) : resumeDir;
  if (out !== undefined) checkOutDir(out, flags.out !== undefined ? '--out' : '--resume', resumeDir);
  const words = ['dln', ...ctx.argv];
  let config: RunConfig, job: TrainJobInput, previousSeconds = 0;
  if (resumeDir !== undefined) {
    const r = planResume(flags, cmd, resumeDir);
    if (r.config.backend !== undefined) selectBackendOrFail(r.config.backend);
    config = { ...r.config, resumed: [...r.config.resumed ?? [], { command: shellCommand(words), atStep: r.checkpoint.step }] };
    job = { run: config.settings, dataset: r.dataset, weights: r.weights, resume: r.checkpoint.resume };
    previousSeconds = r.checkpoint.seconds;
  } else {
    const p = flags.config !== undefined ? planFromConfig(flags.config, cmd) : planFresh(flags, cmd);
    config = { dln: dlnVersion(), command: shellCommand(words), cwd: process.cwd(), settings: p.settings, backend: getBackend().name };
    job = { run: p.settings, dataset: p.dataset, weights: p.weights };
  }
  // Ctrl-C is the job's (runJob's two stages) until it ends; then ignored until the results are written.
  const ignore = io.onInterrupt(() => {});
  try {
    return await trainAndWrite(flags, config, job, previousSeconds, out, resumeDir, io);
  } finally {
    ignore();
  }
}

async function trainAndWrite(flags: TrainFlags, config: RunConfig, job: TrainJobInput, previousSeconds: number, out: string | undefined, resumeDir: string | undefined, io: CliIO): Promise<number> {
  const gd = config.settings.method === 'gd';
  if (out !== undefined) mkdirSync(dirname(out), { recursive: true });
  const stream = out !== undefined ? startTrajectoryFile(out, resumeDir, config.settings.dims, trajectoryColumns(config.settings)) : undefined;
  try {
    return await runAndWrite(flags, config, { ...job, retain: TRAJECTORY_RETAIN, ...(stream !== undefined ? { trajectoryFile: stream } : {}) }, previousSeconds, out, resumeDir, io, stream);
  } finally {
    if (stream !== undefined) rmSync(stream, { force: true });
  }
}

async function runAndWrite(flags: TrainFlags, config: RunConfig, job: TrainJobInput, previousSeconds: number, out: string | undefined, resumeDir: string | undefined, io: CliIO, stream: string | undefined): Promise<number> {
  const gd = config.settings.method === 'gd';
  const outcome = await runJob<TrainOutcome>({ moduleUrl: new URL('../node/trainJob.ts', import.meta.url), exportName: 'trainJob', input: job }, {
    io, progress: { enabled: flags.progress, label: 'train', unit: gd ? 'step' : 't' },
    stopping: 'stopping after the current step and saving what was recorded',
  });
  if (outcome === null) return EXIT_INTERRUPTED;
  const summary = summarize(outcome, config.settings, previousSeconds);
  const r = outcome.result;
  if (out !== undefined) {
    const files: Record<string, string | Uint8Array> = {
      'config.json': `${JSON.stringify(config, null, 2)}\n`,
      'weights.npz': encodeWeights(r.weights),
      'summary.json': `${JSON.stringify(summary, null, 2)}\n`,
    };
    const figure = trajectoryFigure(r.trajectory, config.settings.method === 'gd' ? config.settings.schedule : undefined, `dln train: ${config.settings.dims.join('-')} network, ${r.status} after ${r.steps} steps`);
    if (figure !== null) {
      const drawn = await renderChart(figure);
      files['trajectory.svg'] = drawn.svg;
      files['trajectory.png'] = drawn.png;
    }
    const interrupted = r.status === 'interrupted';
    if (interrupted) {
      const resume = 'resume' in r ? r.resume
        : {
          step: r.steps, trajectory: r.trajectory, c0: r.c0, ...(r.sharpnessState !== undefined ? { sharpness: r.sharpnessState } : {}),
          ...(r.recording !== undefined ? { recording: r.recording } : {}),
        };
      const checkpoint: Checkpoint = { step: r.steps, seconds: summary.seconds as number, resume };
      files['checkpoint.json'] = `${encodeExactJson(checkpoint)}\n`;
    }
    writeRunDir(out, files, out === resumeDir, interrupted ? [] : ['checkpoint.json'], stream !== undefined ? { 'trajectory.csv': stream } : {});
  }
  const printed = out !== undefined ? { ...summary, out } : summary;
  io.stdout.write(flags.json === true ? `${JSON.stringify(printed, null, 2)}\n` : human(summary, out));
  return r.status === 'interrupted' ? EXIT_INTERRUPTED : 0;
}
