import { availableParallelism } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { type Command } from 'commander';
import { InputError, isBadInput } from '../errors.ts';
import { type SweepSpec, builtinSweepSpec, builtinSweepNames } from '../experiments/sweep/index.ts';
import {
  type RunOutcome, REDIS_GRACE_SECONDS, RedisLostError, STORE_FILE, SweepStore, cellsToCsv, connectRedis, cellsToJson, createSweep, formatSeconds, plotSweep, readSpecFile, runLocal, runQueued,
  runQueueWorker,
} from '../sweep/index.ts';
import { writeFileAtomic } from '../node/writeFileAtomic.ts';
import { integerAtLeast, positiveNumber } from './flagParsers.ts';
import { addJsonOption } from './commonOptions.ts';
import { checkDirWritable, checkOutputFile } from './outputFile.ts';
import { type CliContext, EXIT_INTERRUPTED, dlnVersion } from './run.ts';

/** Where the stored cells ended, in words: "at the global minimum 12, on a plateau 3, at no critical value 1, diverged or failed 4". */
function endedLine(ended: Record<string, number>): string {
  const words: Record<string, string> = { 'global-minimum': 'at the global minimum', plateau: 'on a plateau', neither: 'at no critical value', none: 'diverged or failed', unknown: 'not recorded' };
  return Object.keys(words).filter((k) => (ended[k] ?? 0) > 0).map((k) => `${words[k]} ${ended[k]}`).join(', ');
}

interface RunFlags { out?: string; jobs: number; queue?: string; redisGrace?: number; quick?: true; progress: boolean; json?: true }

const graceOption = (cmd: Command): Command => cmd.option('--redis-grace <s>', `with --queue: give up once Redis has been unreachable this long (default ${REDIS_GRACE_SECONDS})`, positiveNumber('--redis-grace'));
const jobsOption = (cmd: Command): Command => cmd.option('--jobs <n>', 'threads (default: the cores available)', integerAtLeast('--jobs', 1), availableParallelism());

function specFromArg(arg: string, quick: boolean): SweepSpec {
  if ((builtinSweepNames as readonly string[]).includes(arg)) return builtinSweepSpec(arg, quick);
  if (quick) throw new InputError('--quick applies to the built-in sweeps only (divergence-phase, catapult-phase)');
  return readSpecFile(arg);
}

async function execute(ctx: CliContext, store: SweepStore, dir: string, flags: RunFlags): Promise<number> {
  const io = ctx.io, dln = dlnVersion();
  const opts = { jobs: flags.jobs, stderr: io.stderr, progress: flags.progress, onInterrupt: (stop: () => void) => io.onInterrupt(stop), redisGraceSeconds: flags.redisGrace };
  let out: RunOutcome;
  try {
    out = flags.queue !== undefined ? await runQueued(store, dln, flags.queue, opts) : await runLocal(store, dln, opts);
  } catch (e) {
    if (!(e instanceof RedisLostError)) throw e;
    const stored = store.doneIndices().size;
    throw new RedisLostError(`${e.message}; ${stored}/${store.meta.total} cells are stored in ${dir}; once Redis is back: dln sweep resume ${dir} --queue ${flags.queue}`);
  } finally {
    store.close();
  }
  const reopened = SweepStore.open(dir);
  const counts = reopened.counts();
  reopened.close();
  const summary = { dir: resolve(dir), total: out.total, done: out.done, interrupted: out.interrupted, counts };
  if (flags.json === true) io.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  else io.stdout.write(`${dir}: ${out.done}/${out.total} cells stored (${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ')})\n`);
  if (out.interrupted) {
    io.stderr.write(`dln: interrupted with ${out.done}/${out.total} cells stored; continue with: dln sweep resume ${dir}\n`);
    return EXIT_INTERRUPTED;
  }
  return 0;
}

/** Adds `dln sweep` (run, resume, worker, status, export, plot) to program. */
export function register(program: Command, ctx: CliContext): void {
  const sweep = program.command('sweep').description('run many training runs over a grid of settings and draw the phase diagrams')
    .addHelpText('after', `
Examples:
  dln sweep grid.json --out sweeps/grid                 (all cores; Ctrl-C stops, resume continues)
  dln sweep resume sweeps/grid
  dln sweep status sweeps/grid
  dln sweep export sweeps/grid --csv cells.csv
  dln sweep plot sweeps/grid --x lrMultiple --y depth
  dln sweep divergence-phase --quick --out sweeps/div

Across machines, through Redis: dln sweep grid.json --out sweeps/grid --queue redis://HOST:6379/0
here, and dln sweep worker --queue redis://HOST:6379/0 on every machine that helps.

A spec is JSON: {"base": {dln train settings}, "axes": {"seed": "0..99", "lrMultiple": {"from": 0.5,
"to": 1e6, "count": 12, "scale": "log"}, "depth": [2, 3, 4]}}; see README "Sweeps".`);
  const run = sweep.command('run <spec>', { isDefault: true }).description('start a sweep: SPEC.json, or a built-in sweep (divergence-phase, catapult-phase)')
    .option('--out <dir>', 'the sweep directory (default sweeps/NAME)')
    .option('--queue <url>', 'hand the cells to `dln sweep worker` processes through Redis, e.g. redis://127.0.0.1:6379/0')
    .option('--quick', 'the built-in sweep, smaller')
    .option('--no-progress', 'no progress display on stderr');
  jobsOption(run);
  graceOption(run);
  addJsonOption(run).action(async (specArg: string, flags: RunFlags) => {
    const spec = specFromArg(specArg, flags.quick === true);
    const dir = flags.out ?? `sweeps/${spec.name}`;
    // The default folder stays inside sweeps/ (a spec named "../../x" would write elsewhere).
    if (flags.out === undefined && !resolve(dir).startsWith(resolve('sweeps') + sep)) {
      throw new InputError(`the sweep's name ${JSON.stringify(spec.name)} would put its default folder sweeps/NAME outside sweeps/; give --out DIR, or a name without ".."`);
    }
    checkDirWritable(dir, flags.out !== undefined ? '--out' : 'the sweep directory');
    // A bad or unreachable --queue is refused before the sweep directory is made.
    if (flags.queue !== undefined) (await connectRedis(flags.queue)).disconnect();
    let store: SweepStore;
    try {
      store = createSweep(dir, spec, dlnVersion());
    } catch (e) {
      // Problems found in the cells ("sweep spec: widths … give depth 3, but depth is 2") name the file, as parse problems do.
      if (isBadInput(e) && (e as Error).message.startsWith('sweep spec:')) throw new InputError(`${specArg}: ${(e as Error).message}`);
      throw e;
    }
    ctx.exitCode = await execute(ctx, store, dir, flags);
  });
  const resume = sweep.command('resume <dir>').description('continue a sweep after a crash or Ctrl-C (recomputes nothing stored)')
    .option('--queue <url>', 'continue through Redis').option('--no-progress', 'no progress display on stderr');
  jobsOption(resume);
  graceOption(resume);
  addJsonOption(resume).action(async (dir: string, flags: RunFlags) => {
    ctx.exitCode = await execute(ctx, SweepStore.open(dir), dir, flags);
  });
  const worker = sweep.command('worker').description('take chunks of any sweep from a Redis queue until stopped (run one on every machine that should help)')
    .requiredOption('--queue <url>', 'the Redis of the sweep, e.g. redis://HOST:6379/0')
    .option('--lock-seconds <s>', 'a chunk whose worker is silent this long is handed to another', positiveNumber('--lock-seconds'), 30)
    .option('--exit-when-idle <s>', 'exit after this many seconds without work (default: run until Ctrl-C)', positiveNumber('--exit-when-idle'));
  graceOption(worker);
  jobsOption(worker).action(async (flags: { queue: string; jobs: number; lockSeconds: number; exitWhenIdle?: number; redisGrace?: number }) => {
    ctx.exitCode = await runQueueWorker({ ...flags, redisGraceSeconds: flags.redisGrace, dln: dlnVersion(), stderr: ctx.io.stderr, onInterrupt: (f: () => void) => ctx.io.onInterrupt(f) });
  });
  addJsonOption(sweep.command('status <dir>').description('cells done / failed / pending, rate and ETA')).action((dir: string, flags: { json?: true }) => {
    const store = SweepStore.open(dir);
    const counts = store.counts(), ended = store.criticalCounts(), t = store.timing(), total = store.meta.total;
    store.close();
    const failed = counts.failed ?? 0, done = t.n - failed;
    const span = t.first !== null && t.last !== null ? (Date.parse(t.last) - Date.parse(t.first)) / 1000 : 0;
    const rate = span > 0 ? t.n / span : Number.NaN;
    const status = { dir: resolve(dir), total, done, failed, pending: total - t.n, counts, ended, cellsPerSecond: rate, etaSeconds: (total - t.n) / rate };
    if (flags.json === true) ctx.io.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
    else {
      ctx.io.stdout.write(`${dir}: ${done} done, ${failed} failed, ${total - t.n} pending of ${total}\n`);
      ctx.io.stdout.write(`  ${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ') || 'nothing stored yet'}\n`);
      if (t.n > 0) ctx.io.stdout.write(`  ended ${endedLine(ended)}\n`);
      if (Number.isFinite(rate)) ctx.io.stdout.write(`  ${rate.toPrecision(3)} cells/s while running; ETA ${t.n === total ? 'done' : formatSeconds((total - t.n) / rate)}\n`);
    }
  });
  sweep.command('export <dir>').description('write the stored cells as CSV or JSON')
    .option('--csv <file>', 'one row per cell').option('--json <file>', 'every record, bit-exact')
    .option('--force', 'the file may replace an existing file')
    .action((dir: string, flags: { csv?: string; json?: string; force?: true }) => {
      if ((flags.csv === undefined) === (flags.json === undefined)) throw new InputError('dln sweep export needs one of --csv FILE or --json FILE');
      checkOutputFile(flags.csv ?? flags.json ?? '', flags.csv !== undefined ? '--csv' : '--json', { force: flags.force === true, inputs: [join(dir, STORE_FILE), join(dir, 'spec.json')] });
      const store = SweepStore.open(dir);
      const records = store.records(), spec = store.meta.spec;
      store.close();
      if (flags.csv !== undefined) writeFileAtomic(flags.csv, cellsToCsv(spec, records));
      if (flags.json !== undefined) writeFileAtomic(flags.json, cellsToJson(spec, records));
      ctx.io.stdout.write(`${flags.csv ?? flags.json}: ${records.length} cells\n`);
    });
  sweep.command('plot <dir>').description('phase diagrams and histograms (SVG + PNG) of the cells stored so far, into DIR/figures')
    .option('--x <axis>', 'axis across (default: the step axis)').option('--y <axis>', 'axis up (default: the next axis that is not seed)')
    .option('--facet <axis>', 'small multiples over this axis')
    .action(async (dir: string, flags: { x?: string; y?: string; facet?: string }) => {
      const files = await plotSweep(dir, flags);
      ctx.io.stdout.write(`${files.map((f) => `${f}\n`).join('')}`);
    });
}
