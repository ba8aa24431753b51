import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { InputError } from '../errors.ts';
import { type Mat, isFiniteMat } from '../linalg/mat.ts';
import { Rng } from '../linalg/rng.ts';
import { type Dataset, statsFromData } from '../model/stats.ts';
import type { Schedule } from '../optim/schedules.ts';
import { type TrainResult, type TrainResume, trainGD } from '../optim/train.ts';
import { type FlowResult, type FlowResume, gradientFlow } from '../optim/flow.ts';
import { trajectoryToCsv } from '../optim/trajectory.ts';
import { invariantDrift } from '../theory/balancedness.ts';
import { encodeWeights } from '../data/npz.ts';
import { commitStagingDir, createStagingDir, discardStagingDir, readWeightsFile } from './files.ts';
import {
  type DataFlags, type DataSource, type InitChoice, type NetworkFlags, addDataOptions, addJsonOption, addNetworkOptions,
  addSeedOption, checkWeightsMatchDims, initChoiceFromFlags, initialWeights, integerAtLeast, loadDataFromFlags,
  loadDataFromSource, nonNegativeNumber, oneOf, positiveNumber, shellCommand, userGave,
} from './options.ts';
import { type Progress, createProgress } from './progress.ts';
import { type CliContext, type CliIO, EXIT_INTERRUPTED, dlnVersion, runInWorker } from './run.ts';
import { selectBackendOrFail } from './backendOption.ts';
import { checkTrainMemory } from './memoryLimit.ts';
import { explainFinal, explanationJson, explanationLine, finalStatus } from './explainResult.ts';
import type { LossExplanation } from '../landscape/index.ts';
import { getBackend } from '../linalg/backend.ts';

/** Everything that determines a training run's numbers, as config.json records it. */
export interface TrainSettings {
  data: DataSource;
  dims: number[];
  init: InitChoice;
  seed: number;
  method: 'gd' | 'flow';
  /** GD: the step sizes η_k. */
  schedule?: Schedule;
  /** GD: the step budget; flow: the most accepted Runge–Kutta steps. */
  steps: number;
  /** Flow: end time and per-step tolerances. */
  tEnd?: number;
  rtol?: number;
  atol?: number;
  recordEvery: number;
  lossTol?: number;
  gradTol?: number;
  divergeAbove: number;
}

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
  lossTol?: number; gradTol?: number; divergeAbove: number; out?: string; json?: true; progress: boolean; resume?: string;
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
    .option('--steps <n>', 'number of GD steps (default 1000); with --flow the most Runge–Kutta steps (default 100000)', integerAtLeast('--steps', 0))
    .option('--flow', 'integrate the gradient flow dW/dt = −∇L (Dormand–Prince 5(4)) instead of GD')
    .option('--t-end <T>', 'end time of --flow', positiveNumber('--t-end'))
    .addOption(new Option('--rtol <r>', 'relative tolerance of --flow').argParser(positiveNumber('--rtol')).default(1e-8, '1e-8'))
    .addOption(new Option('--atol <a>', 'absolute tolerance of --flow').argParser(positiveNumber('--atol')).default(1e-10, '1e-10'));
  addSeedOption(cmd);
  cmd
    .option('--record-every <k>', 'record the trajectory every k steps', integerAtLeast('--record-every', 1), 10)
    .option('--loss-tol <L>', "stop as 'converged' once the loss is ≤ L", nonNegativeNumber('--loss-tol'))
    .option('--grad-tol <g>', "stop as 'converged' once the gradient norm is ≤ g", nonNegativeNumber('--grad-tol'))
    .addOption(new Option('--diverge-above <L>', "stop as 'diverged' once the loss exceeds L (or is not finite)").argParser(positiveNumber('--diverge-above')).default(1e12, '1e12'))
    .option('--out <dir>', 'write config.json, trajectory.csv, weights.npz, summary.json into this new directory');
  addJsonOption(cmd);
  cmd
    .option('--no-progress', 'no progress display on stderr')
    .option('--resume <dir>', 'continue the interrupted run saved in dir (writes back into dir unless --out)')
    .addHelpText('after', `
Examples:
  dln train --data report-sec4 --dims 5,4,4,5 --lr 1e-5 --steps 20000 --out runs/sec4
  dln train --x X.npy --y Y.npy --dims 5,4,4,5 --init balanced --lr 1e-4 --schedule power --power-p 0.5 --json
  dln train --data nrt --dims 10,12,12,8 --init balanced --flow --t-end 50
  dln train --resume runs/sec4        (after Ctrl-C: continue to the original --steps)

Files hold one sample per row (.npy or .csv). Exit codes: 0 done (see "status"), 2 bad input,
130 interrupted by Ctrl-C (results so far are written, with a checkpoint for --resume).`)
    .action(async (flags: TrainFlags, command: Command) => {
      ctx.exitCode = await trainCommand(flags, command, ctx);
    });
}

/** Settings and initial state of a new run from the flags. */
function planFresh(flags: TrainFlags, cmd: Command): { settings: TrainSettings; dataset: Dataset; weights: Mat[] } {
  const method = flags.flow === true ? 'flow' : 'gd';
  let schedule: Schedule | undefined;
  if (method === 'flow') {
    for (const [key, flag] of [['lr', '--lr'], ['schedule', '--schedule'], ['powerB', '--power-b'], ['powerP', '--power-p']] as const) {
      if (userGave(cmd, key)) throw new InputError(`${flag} does not apply to --flow (gradient flow has no step size)`);
    }
    if (flags.tEnd === undefined) throw new InputError('--flow needs --t-end T (the end time)');
  } else {
    for (const [key, flag] of [['tEnd', '--t-end'], ['rtol', '--rtol'], ['atol', '--atol']] as const) {
      if (userGave(cmd, key)) throw new InputError(`${flag} applies to --flow only`);
    }
    if (flags.lr === undefined) throw new InputError('--lr is required (the step size, e.g. --lr 1e-3)');
    if (flags.schedule === 'constant' && (userGave(cmd, 'powerB') || userGave(cmd, 'powerP'))) {
      throw new InputError('--power-b and --power-p apply to --schedule power only');
    }
    schedule = flags.schedule === 'power'
      ? { kind: 'power', c: flags.lr, b: flags.powerB, p: flags.powerP }
      : { kind: 'constant', lr: flags.lr };
  }
  const steps = flags.steps ?? (method === 'gd' ? 1000 : 100000);
  if (flags.dims !== undefined) checkTrainMemory(flags.dims, method, steps, flags.recordEvery, process.env);
  const init = initChoiceFromFlags(flags, cmd);
  // One generator, in a fixed order: built-in data first, then the initial weights.
  const rng = new Rng(flags.seed);
  const { dataset, source } = loadDataFromFlags(flags, rng, flags.seed);
  const { dims, weights } = initialWeights(init, flags.dims, dataset, rng);
  const settings: TrainSettings = {
    data: source, dims, init, seed: flags.seed, method,
    ...(schedule !== undefined ? { schedule } : { tEnd: flags.tEnd, rtol: flags.rtol, atol: flags.atol }),
    steps,
    recordEvery: flags.recordEvery, divergeAbove: flags.divergeAbove,
    ...(flags.lossTol !== undefined ? { lossTol: flags.lossTol } : {}),
    ...(flags.gradTol !== undefined ? { gradTol: flags.gradTol } : {}),
  };
  return { settings, dataset, weights };
}

function readJson<T>(path: string, what: string): T {
  try {
    return decodeJson(readFileSync(path, 'utf8')) as T;
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
  checkWeightsMatchDims(weights, config.settings.dims, join(dir, 'weights.npz'));
  return { config, dataset: loadDataFromSource(config.settings.data), weights, checkpoint };
}

/** What the worker thread does: statistics, then GD or flow, polling the shared stop flag. */
export interface TrainJob { settings: TrainSettings; dataset: Dataset; weights: Mat[]; resume?: TrainResume | FlowResume; shared: SharedArrayBuffer }
export interface TrainOutcome {
  result: TrainResult | FlowResult;
  seconds: number;
  lossOLS: number;
  /** max_j ‖C_j − C_j(0)‖₂ of the final weights (THEORY §3.4); NaN when they are not finite. */
  drift: number;
  /** Where the final loss sits among the critical values; null when it cannot be said (Σ_XX singular, weights not finite). */
  explanation: LossExplanation | null;
}

/** Runs a job (in a worker thread): shared holds an Int32 stop flag, then Float64 [progress, loss]. */
export function trainJob(job: TrainJob, started: () => void): TrainOutcome {
  const stop = new Int32Array(job.shared, 0, 1), live = new Float64Array(job.shared, 8, 2);
  const s = job.settings;
  const stats = statsFromData(job.dataset);
  const common = {
    maxSteps: s.steps, recordEvery: s.recordEvery, divergeAbove: s.divergeAbove, lossTol: s.lossTol, gradTol: s.gradTol,
    shouldStop: () => Atomics.load(stop, 0) !== 0,
  };
  started();
  const t0 = performance.now();
  const result = s.method === 'gd'
    ? trainGD(stats, job.weights, { ...common, schedule: s.schedule as Schedule, onProgress(step, loss) { live[0] = step; live[1] = loss; } }, job.resume as TrainResume | undefined)
    : gradientFlow(stats, job.weights, { ...common, tEnd: s.tEnd as number, rtol: s.rtol, atol: s.atol, onProgress(_step, loss, t) { live[0] = t; live[1] = loss; } }, job.resume as FlowResume | undefined);
  const seconds = (performance.now() - t0) / 1000;
  const drift = result.weights.every(isFiniteMat) ? invariantDrift(result.weights, result.c0) : Number.NaN;
  return { result, seconds, lossOLS: stats.lossOLS, drift, explanation: explainFinal(result, stats, s.dims) };
}

// JSON that keeps every float64 bit: typed arrays as base64, non-finite numbers and −0 tagged.
function encodeJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v instanceof Float64Array) return { $f64: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') };
    if (typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0))) return { $num: Object.is(v, -0) ? '-0' : String(v) };
    return v;
  });
}

function decodeJson(text: string): unknown {
  return JSON.parse(text, (_k, v: unknown) => {
    if (v !== null && typeof v === 'object' && '$f64' in v) {
      const bytes = Buffer.from((v as { $f64: string }).$f64, 'base64');
      return new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    }
    if (v !== null && typeof v === 'object' && '$num' in v) return Number((v as { $num: string }).$num);
    return v;
  });
}

/** InputError unless dir can receive a run: absent, empty, or (keep) the run being resumed. */
function checkOutDir(dir: string, keep?: string): void {
  if (!existsSync(dir) || dir === keep) return;
  if (!statSync(dir).isDirectory()) throw new InputError(`--out ${dir} exists and is not a directory`);
  if (readdirSync(dir).length > 0) throw new InputError(`--out ${dir} already exists and is not empty (dln never overwrites results; choose a new directory)`);
}

class Aborted extends Error {}

/** How the Ctrl-C handler reaches a running job. */
interface JobControl { stop(): void; abort(): void }

/**
 * Runs the job in a worker thread (the main thread stays free for Ctrl-C and progress on stderr);
 * resolves null when the job was aborted.
 */
async function execute(job: Omit<TrainJob, 'shared'>, io: CliIO, progressOn: boolean, control: (c: JobControl) => void): Promise<TrainOutcome | null> {
  const shared = new SharedArrayBuffer(24);
  const stopFlag = new Int32Array(shared, 0, 1), live = new Float64Array(shared, 8, 2);
  const s = job.settings;
  let progress: Progress | null = null;
  let timer: NodeJS.Timeout | undefined;
  const show = (): void => { if (live[0] > 0) progress?.update(live[0], live[1]); };
  const run = runInWorker<TrainOutcome>(import.meta.url, 'trainJob', { ...job, shared }, () => {
    const gd = s.method === 'gd';
    progress = createProgress(gd ? s.steps : (s.tEnd as number), { stream: io.stderr, enabled: progressOn, label: 'train', unit: gd ? 'step' : 't' });
    timer = setInterval(show, 100);
  });
  control({ stop: () => Atomics.store(stopFlag, 0, 1), abort: () => run.terminate(new Aborted()) });
  try {
    return await run.result;
  } catch (e) {
    if (e instanceof Aborted) return null;
    throw e;
  } finally {
    clearInterval(timer);
    show();
    (progress as Progress | null)?.stop();
  }
}

/** The numbers a run ends with (summary.json and --json). */
function summarize(outcome: TrainOutcome, settings: TrainSettings, previousSeconds: number): Record<string, unknown> {
  const r = outcome.result, x = outcome.explanation;
  return {
    status: finalStatus(r.status, x), steps: r.steps, ...('t' in r ? { t: r.t } : {}),
    loss: r.loss, gradNorm: r.gradNorm, balancedness: r.balancedness, drift: outcome.drift,
    ...(x !== null ? { criticalValue: explanationJson(x) } : {}),
    seconds: previousSeconds + outcome.seconds, lossOLS: outcome.lossOLS, method: settings.method, dims: settings.dims,
    backend: getBackend().name,
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
    ...(summary.criticalValue !== undefined ? [`  where          ${explanationLine(summary.criticalValue as ReturnType<typeof explanationJson>)}`] : []),
  ];
  if (out !== undefined) lines.push(`  results in     ${relative(process.cwd(), out) || '.'}`);
  return `${lines.join('\n')}\n`;
}

/** Writes a whole run directory through a staging directory (never half-written). */
function writeRunDir(dir: string, files: Record<string, string | Uint8Array>, resuming: boolean, remove: string[]): void {
  const staging = createStagingDir(dir, { ifExists: resuming ? 'resume' : 'replace' });
  try {
    for (const name of remove) rmSync(join(staging, name), { force: true });
    for (const [name, content] of Object.entries(files)) writeFileSync(join(staging, name), content);
    commitStagingDir(staging, dir);
  } catch (e) {
    discardStagingDir(staging);
    throw e;
  }
}

async function trainCommand(flags: TrainFlags, cmd: Command, ctx: CliContext): Promise<number> {
  const io = ctx.io;
  const resumeDir = flags.resume !== undefined ? resolve(flags.resume) : undefined;
  const out = flags.out !== undefined ? resolve(flags.out) : resumeDir;
  if (out !== undefined) checkOutDir(out, resumeDir);
  const words = ['dln', ...ctx.argv];
  let config: RunConfig, job: Omit<TrainJob, 'shared'>, previousSeconds = 0;
  if (resumeDir !== undefined) {
    const r = planResume(flags, cmd, resumeDir);
    if (r.config.backend !== undefined) selectBackendOrFail(r.config.backend);
    config = { ...r.config, resumed: [...r.config.resumed ?? [], { command: shellCommand(words), atStep: r.checkpoint.step }] };
    job = { settings: config.settings, dataset: r.dataset, weights: r.weights, resume: r.checkpoint.resume };
    previousSeconds = r.checkpoint.seconds;
  } else {
    const p = planFresh(flags, cmd);
    config = { dln: dlnVersion(), command: shellCommand(words), cwd: process.cwd(), settings: p.settings, backend: getBackend().name };
    job = { settings: p.settings, dataset: p.dataset, weights: p.weights };
  }
  let control: JobControl | null = null, interrupts = 0;
  const off = io.onInterrupt(() => {
    interrupts++;
    if (control === null) return;
    if (interrupts === 1) {
      io.stderr.write(`${io.stderr.isTTY === true ? '\n' : ''}dln: Ctrl-C: stopping after the current step and saving what was recorded (Ctrl-C again quits without saving)\n`);
      control.stop();
    } else {
      io.stderr.write('dln: second Ctrl-C: quitting without saving\n');
      control.abort();
    }
  });
  try {
    const outcome = await execute(job, io, flags.progress, (c) => { control = c; });
    control = null;
    if (outcome === null) return EXIT_INTERRUPTED;
    const summary = summarize(outcome, config.settings, previousSeconds);
    const r = outcome.result;
    if (out !== undefined) {
      const files: Record<string, string | Uint8Array> = {
        'config.json': `${JSON.stringify(config, null, 2)}\n`,
        'trajectory.csv': trajectoryToCsv(r.trajectory),
        'weights.npz': encodeWeights(r.weights),
        'summary.json': `${JSON.stringify(summary, null, 2)}\n`,
      };
      const interrupted = r.status === 'interrupted';
      if (interrupted) {
        const resume = 'resume' in r ? r.resume : { step: r.steps, trajectory: r.trajectory, c0: r.c0 };
        const checkpoint: Checkpoint = { step: r.steps, seconds: summary.seconds as number, resume };
        files['checkpoint.json'] = `${encodeJson(checkpoint)}\n`;
      }
      writeRunDir(out, files, out === resumeDir, interrupted ? [] : ['checkpoint.json']);
    }
    const printed = out !== undefined ? { ...summary, out } : summary;
    io.stdout.write(flags.json === true ? `${JSON.stringify(printed, null, 2)}\n` : human(summary, out));
    return r.status === 'interrupted' ? EXIT_INTERRUPTED : 0;
  } finally {
    off();
  }
}
