import { mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { getExperiment, selectExperiments } from '../experiments/registry.ts';
import { onInterrupts } from '../node/jobRunner.ts';
import { type ExperimentTask, type TaskEnd, runExperiments } from '../node/runExperiments.ts';
import { displayPath, experimentConfigFile, register as registerExperiment, saveOutcome, verdictLine } from './experiment.ts';
import { integerAtLeast } from './flagParsers.ts';
import { type ExperimentConfigFile, readCompleteResult } from './report/experimentFolder.ts';
import { createExperimentProgress } from './report/experimentProgress.ts';
import { isReportFolder, writeReport } from './report/writeReport.ts';
import { checkOutputDir } from './outputFile.ts';
import { type CliContext, EXIT_INTERRUPTED, dlnVersion, oneLine } from './run.ts';

/** The seed of every experiment that `dln reproduce` runs (each experiment derives its own streams from it). */
export const REPRODUCE_SEED = 1;

interface ReproduceFlags { quick?: true; only?: string; out: string; jobs: number; force?: true; progress: boolean; json?: true }

/** Adds `dln experiment` and `dln reproduce` to program. */
export function registerExperimentCommands(program: Command, ctx: CliContext): void {
  registerExperiment(program, ctx);
  register(program, ctx);
}

/** Adds `dln reproduce` to program. */
export function register(program: Command, ctx: CliContext): void {
  program.command('reproduce')
    .description('run every experiment of the source documents in parallel and write report/index.html')
    .option('--quick', 'the same experiments, smaller (a few seconds each)')
    .option('--only <names>', 'only these experiments, comma-separated, run in this order (see dln experiment --list)')
    .addOption(new Option('--out <dir>', 'the report folder: one folder per experiment, index.html, summary.json').default('report'))
    .addOption(new Option('--jobs <n>', 'experiments run at once, each on its own worker thread').argParser(integerAtLeast('--jobs', 1)).default(availableParallelism(), 'the cores available'))
    .option('--force', 'rerun experiments whose folder already holds a result for the same configuration')
    .option('--no-progress', 'no progress bars on stderr (the line per experiment stays)')
    .option('--json', 'print what the report holds as JSON on stdout: report, experiments, verdicts, failed, notStarted')
    .addHelpText('after', `
Examples:
  dln reproduce --only step-size-bound,nrt-decreasing-steps --quick --jobs 2
  dln reproduce --only step-size-bound --quick --force

dln reproduce alone runs every experiment in full (about 14 minutes on two cores); with --quick,
the same experiments smaller (about a minute). dln experiment --list names them.
Resumable: an experiment whose folder already holds a complete result for the same configuration
(seed, --quick, dln version) is skipped. Ctrl-C starts no further experiment and lets the running
ones finish; a second Ctrl-C aborts them. Finished folders stay, none is ever half-written.
Exit codes: 0 done (whatever the verdicts), 1 an experiment failed, 2 bad input, 130 interrupted.`)
    .action(async (flags: ReproduceFlags) => {
      ctx.exitCode = await reproduceCommand(flags, ctx);
    });
}

interface Planned { task: ExperimentTask; dir: string; config: ExperimentConfigFile; index: number }

async function reproduceCommand(flags: ReproduceFlags, ctx: CliContext): Promise<number> {
  const io = ctx.io;
  const selected = selectExperiments(flags.only);
  const out = resolve(flags.out);
  checkOutputDir(flags.out, '--out', { isOwn: isReportFolder, what: 'report of dln reproduce' });
  mkdirSync(out, { recursive: true });
  const quick = flags.quick === true, words = ['dln', ...ctx.argv], total = selected.length;
  const progress = createExperimentProgress(io.stderr, { bars: flags.progress });
  const tag = (p: { index: number }): string => `[${p.index + 1}/${total}]`;

  const todo: Planned[] = [];
  selected.forEach((e, index) => {
    const dir = join(out, e.name);
    const config = experimentConfigFile(e, quick, REPRODUCE_SEED, dir, words);
    const previous = flags.force === true ? null : readCompleteResult(dir);
    if (previous !== null && previous.config.hash === config.hash) {
      const v = previous.summary.verdict;
      progress.line(`${tag({ index })} ${e.name}: up to date, skipped (${v.length > 60 ? `${v.slice(0, 59)}…` : v}; --force reruns it)`);
    } else {
      todo.push({ task: { name: e.name, quick, seed: REPRODUCE_SEED }, dir, config, index });
    }
  });
  const jobs = Math.min(flags.jobs, Math.max(1, todo.length));
  if (todo.length > 0) progress.line(`dln reproduce: running ${todo.length} experiment${todo.length === 1 ? '' : 's'} on ${jobs} worker thread${jobs === 1 ? '' : 's'}${quick ? ' (--quick)' : ''}`);

  const plan = new Map(todo.map((p) => [p.task.name, p]));
  let failures = 0;
  const pool = runExperiments(todo.map((p) => p.task), {
    jobs,
    log: io.stderr,
    onStart(task) {
      const p = plan.get(task.name) as Planned;
      progress.line(`${tag(p)} ${task.name}: start`);
      progress.start(task.name, getExperiment(task.name).long ?? false);
    },
    onProgress: (task, fraction, message) => progress.update(task.name, fraction, message),
    onEnd(end: TaskEnd) {
      const p = plan.get(end.task.name) as Planned;
      progress.end(end.task.name);
      if (end.state === 'done') {
        try {
          const s = saveOutcome(p.dir, p.config, getExperiment(end.task.name).question, end.outcome);
          progress.line(`${tag(p)} ${end.task.name}: done, ${verdictLine(s)}`);
        } catch (e) {
          failures++;
          progress.line(`${tag(p)} ${end.task.name}: failed: ${oneLine((e as Error).message)}`);
          throw e;
        }
      } else if (end.state === 'failed') {
        failures++;
        const err = end.error;
        progress.line(`${tag(p)} ${end.task.name}: failed: ${io.env.DLN_DEBUG === '1' ? err.stack ?? err.message : oneLine(err.message)}`);
      } else if (end.state === 'aborted') {
        progress.line(`${tag(p)} ${end.task.name}: aborted, nothing written`);
      }
    },
  });

  const off = onInterrupts(io, [
    () => {
      const running = pool.running();
      pool.stopStarting();
      if (running.length > 0) progress.line(`dln: Ctrl-C: starting no further experiment; waiting for ${running.join(', ')} to finish (Ctrl-C again aborts)`);
    },
    () => {
      const running = pool.running();
      if (running.length > 0) progress.line(`dln: second Ctrl-C: aborting ${running.join(', ')}`);
      pool.abort();
    },
  ]);
  let ends: TaskEnd[];
  try {
    ends = await pool.done;
  } finally {
    off();
    progress.stop();
  }
  const notStarted = ends.filter((e) => e.state === 'not-started').map((e) => e.task.name);
  if (notStarted.length > 0) io.stderr.write(`dln: not started: ${notStarted.join(', ')} (run dln reproduce again to continue)\n`);

  const report = writeReport(out, dlnVersion());
  const count = (k: string): number => report.entries.filter((e) => e.summary.verdictClass === k).length;
  const tally = [`${count('agrees')} agree`, `${count('order')} agree in order of magnitude`, `${count('differs')} differ`].filter((t) => !t.startsWith('0 '));
  if (flags.json === true) {
    const verdicts = { agrees: count('agrees'), order: count('order'), differs: count('differs'), other: count('other') };
    io.stdout.write(`${JSON.stringify({ report: join(out, 'index.html'), experiments: report.entries.map((e) => e.folder), verdicts, failed: failures, notStarted }, null, 2)}\n`);
  } else {
    io.stdout.write(`report: ${displayPath(join(out, 'index.html'))} (${report.entries.length} experiment${report.entries.length === 1 ? '' : 's'}${tally.length > 0 ? `: ${tally.join(', ')}` : ''})\n`);
  }
  if (ends.some((e) => e.state === 'aborted') || notStarted.length > 0) return EXIT_INTERRUPTED;
  if (failures > 0) {
    io.stderr.write(`dln: ${failures} experiment${failures === 1 ? '' : 's'} failed${io.env.DLN_DEBUG === '1' ? '' : ' (set DLN_DEBUG=1 for the stack trace)'}\n`);
    return 1;
  }
  return 0;
}
