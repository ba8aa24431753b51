import { isAbsolute, join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { InputError, PremiseError, isBadInput } from '../errors.ts';
import { experiments, getExperiment } from '../experiments/registry.ts';
import type { Experiment } from '../experiments/types.ts';
import { onInterrupts } from '../node/jobRunner.ts';
import { type ExperimentOutcome, type TaskEnd, runExperiments } from '../node/runExperiments.ts';
import { addJsonOption, addSeedOption } from './commonOptions.ts';
import { shellCommand } from './shellCommand.ts';
import {
  type ExperimentConfigFile, type ExperimentSummary, checkExperimentDir, experimentJson, experimentFiles, experimentIdentity, identityHash, writeExperimentFolder,
} from './report/experimentFolder.ts';
import { createExperimentProgress } from './report/experimentProgress.ts';
import { formatValue } from './report/reportHtml.ts';
import { type CliContext, EXIT_INTERRUPTED, dlnVersion } from './run.ts';

/** A path as a command line should show it: relative to the working directory when inside it. */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

/** config.json of running e (quick or full, with seed) into dir, made by the command `words`. */
export function experimentConfigFile(e: Experiment<any>, quick: boolean, seed: number, dir: string, words: readonly string[]): ExperimentConfigFile {
  const id = experimentIdentity(e, quick, seed, dlnVersion());
  const rerun = ['dln', 'experiment', e.name, ...(quick ? ['--quick'] : []), '--seed', String(seed), '--out', displayPath(dir)];
  return { ...id, hash: identityHash(id), title: e.title, source: e.source, command: shellCommand(words), rerun: shellCommand(rerun) };
}

/** Writes the folder of a finished experiment (atomically); returns its summary. */
export function saveOutcome(dir: string, config: ExperimentConfigFile, question: string, outcome: ExperimentOutcome): ExperimentSummary {
  const { files, summary } = experimentFiles(config, question, outcome);
  writeExperimentFolder(dir, files);
  return summary;
}

/** "agrees — 2 of 2 checks hold (0.4 s)". */
export function verdictLine(s: ExperimentSummary): string {
  return `${s.verdict} — ${s.checksPassed} of ${s.checksTotal} check${s.checksTotal === 1 ? '' : 's'} hold (${s.seconds.toFixed(1)} s)`;
}

function human(s: ExperimentSummary, dir: string): string {
  const width = Math.max(8, ...s.comparisons.map((c) => c.quantity.length));
  const lines = [`${s.experiment}: ${verdictLine(s)}`];
  for (const c of s.comparisons) lines.push(`  ${c.quantity.padEnd(width)}  dln ${formatValue(c.dln).padEnd(14)}  paper ${formatValue(c.paper)}`);
  for (const c of s.checks) lines.push(`  ${c.passed ? '✓' : '✗'} ${c.name} (${c.detail})`);
  lines.push(`results in ${displayPath(dir)}`);
  return `${lines.join('\n')}\n`;
}

function listing(json: boolean): string {
  if (json) return `${JSON.stringify(experiments.map((e) => ({ name: e.name, source: e.source, title: e.title, question: e.question, long: e.long ?? false })), null, 2)}\n`;
  if (experiments.length === 0) return 'no experiments registered yet\n';
  const rows = [['NAME', 'SOURCE', 'TITLE'], ...experiments.map((e) => [e.name, e.source, e.title])];
  const w0 = Math.max(...rows.map((r) => r[0].length)), w1 = Math.max(...rows.map((r) => r[1].length));
  return rows.map((r) => `${r[0].padEnd(w0)}  ${r[1].padEnd(w1)}  ${r[2]}`).join('\n') + '\n';
}

interface ExperimentFlags { list?: true; quick?: true; seed: number; out?: string; json?: true; progress: boolean }

/** Adds `dln experiment` to program. */
export function register(program: Command, ctx: CliContext): void {
  const cmd = program.command('experiment').argument('[name]', 'the experiment to run (see --list)')
    .description('run one experiment of the source documents and write its data, figures and verdict')
    .option('--list', 'list the experiments (name, source, title)')
    .option('--quick', 'the same experiment, smaller (a few seconds)');
  addSeedOption(cmd);
  cmd.option('--out <dir>', 'write config.json, CSV tables, SVG/PNG figures and summary.json here (default report/NAME)');
  addJsonOption(cmd);
  cmd.option('--no-progress', 'no progress bar on stderr')
    .addHelpText('after', `
Examples:
  dln experiment --list
  dln experiment step-size-bound --quick
  dln experiment step-size-bound --quick --seed 2 --out runs/step-size-bound-seed2 --json

An existing --out directory is replaced only when it holds a result of the same experiment.
Exit codes: 0 done (whatever the verdict), 2 bad input, 130 interrupted by Ctrl-C (nothing written).`)
    .action(async (name: string | undefined, flags: ExperimentFlags) => {
      ctx.exitCode = await experimentCommand(name, flags, ctx);
    });
}

async function experimentCommand(name: string | undefined, flags: ExperimentFlags, ctx: CliContext): Promise<number> {
  const io = ctx.io;
  if (flags.list === true) {
    if (name !== undefined) throw new InputError('--list takes no experiment name');
    io.stdout.write(listing(flags.json === true));
    return 0;
  }
  if (name === undefined) throw new InputError('name an experiment to run (dln experiment --list shows them)');
  const e = getExperiment(name);
  const quick = flags.quick === true;
  const dir = resolve(flags.out ?? join('report', e.name));
  checkExperimentDir(flags.out ?? join('report', e.name), e.name);
  const config = experimentConfigFile(e, quick, flags.seed, dir, ['dln', ...ctx.argv]);
  const progress = createExperimentProgress(io.stderr, { bars: flags.progress });
  let summary: ExperimentSummary | null = null;
  const pool = runExperiments([{ name: e.name, quick, seed: flags.seed }], {
    jobs: 1,
    log: io.stderr,
    onStart: () => { progress.line(`${e.name}: start (${quick ? 'quick' : 'full'} run, seed ${flags.seed})`); progress.start(e.name, e.long ?? false); },
    onProgress: (_t, fraction, message) => progress.update(e.name, fraction, message),
    onEnd: (end: TaskEnd) => {
      progress.end(e.name);
      if (end.state === 'done') summary = saveOutcome(dir, config, e.question, end.outcome);
    },
  });
  const off = onInterrupts(io, [() => {
    progress.line('dln: Ctrl-C: aborting the experiment (nothing is written)');
    pool.abort();
  }]);
  let end: TaskEnd;
  try {
    [end] = await pool.done;
  } finally {
    off();
    progress.stop();
  }
  if (end.state === 'failed') {
    if (!(isBadInput(end.error) || end.error instanceof PremiseError)) end.error.message = `experiment ${e.name} failed: ${end.error.message}`;
    throw end.error;
  }
  if (end.state !== 'done' || summary === null) return EXIT_INTERRUPTED;
  const s: ExperimentSummary = summary;
  progress.line(`${e.name}: done in ${s.seconds.toFixed(1)} s — ${s.verdict}`);
  io.stdout.write(flags.json === true ? experimentJson(s) : human(s, dir));
  return 0;
}
