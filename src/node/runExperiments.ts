import { Worker } from 'node:worker_threads';
import { reviveError } from '../errors.ts';
import { packageRealData } from './realDataFiles.ts';
import type { ExperimentContext, ExperimentResult } from '../experiments/types.ts';

/** One experiment to run: its name, which configuration (--quick or the full one), and the seed. */
export interface ExperimentTask { name: string; quick: boolean; seed: number }

/** A figure as the CLI writes it: the caption, the SVG document and its PNG. */
export interface RenderedFigure { name: string; caption: string; svg: string; png: Uint8Array }

/** What a worker sends back: the result with its figures rendered, and the experiment's own run time. */
export interface ExperimentOutcome {
  result: Omit<ExperimentResult, 'figures'> & { figures: RenderedFigure[] };
  /** Seconds spent in run() (rendering excluded). */
  seconds: number;
}

/** How one task ended. */
export type TaskEnd =
  | { task: ExperimentTask; state: 'done'; outcome: ExperimentOutcome }
  | { task: ExperimentTask; state: 'failed'; error: Error }
  | { task: ExperimentTask; state: 'aborted' }
  | { task: ExperimentTask; state: 'not-started' };

export interface RunExperimentsOptions {
  /** Most experiments running at once, each on its own worker thread (at least 1). */
  jobs: number;
  /** Called when a task's worker starts. */
  onStart?(task: ExperimentTask): void;
  /** Progress reported by the experiment, at most every progressMs. */
  onProgress?(task: ExperimentTask, fraction: number, message?: string): void;
  /** Called (synchronously, in the main thread) as each task ends, before the next one starts in its place. */
  onEnd?(end: TaskEnd): void;
  /** Where the workers' own console output goes (default process.stderr: stdout stays for results). */
  log?: NodeJS.WritableStream;
}

/** A running set of experiments. */
export interface ExperimentPool {
  /** Settles once no task runs and none will start: every task's end, in the order given. */
  readonly done: Promise<TaskEnd[]>;
  /** Starts no further task; the running ones finish. */
  stopStarting(): void;
  /** Starts no further task and kills the running ones (they end 'aborted'). */
  abort(): void;
  /** Names of the tasks running now. */
  running(): string[];
}

type WorkerMessage =
  | { kind: 'progress'; fraction: number; message?: string }
  | { kind: 'done'; outcome: ExperimentOutcome }
  | { kind: 'error'; error: { name: string; message: string; stack?: string; premise?: string } };

/**
 * Runs each task in a fresh worker thread (experimentWorker.mjs), at most options.jobs at a time,
 * starting them in the order given. A fresh thread per experiment means no state survives from one
 * experiment to the next, so the results do not depend on the number of workers or the order.
 */
export function runExperiments(tasks: readonly ExperimentTask[], options: RunExperimentsOptions): ExperimentPool {
  const jobs = Math.max(1, Math.floor(options.jobs));
  const ends: TaskEnd[] = tasks.map((task) => ({ task, state: 'not-started' }));
  const live = new Map<number, { worker: Worker; stop: Int32Array; aborted: boolean }>();
  let next = 0, stopping = false, settled = false;
  let resolveDone: (ends: TaskEnd[]) => void = () => {};
  const done = new Promise<TaskEnd[]>((resolve) => { resolveDone = resolve; });
  const log = options.log ?? process.stderr;

  const finish = (i: number, end: TaskEnd): void => {
    const slot = live.get(i);
    if (slot === undefined) return;
    live.delete(i);
    void slot.worker.terminate();
    ends[i] = end;
    try {
      options.onEnd?.(end);
    } catch (e) {
      ends[i] = { task: end.task, state: 'failed', error: e instanceof Error ? e : new Error(String(e)) };
    }
    fill();
  };

  const start = (i: number): void => {
    const task = tasks[i];
    const stop = new Int32Array(new SharedArrayBuffer(4));
    const worker = new Worker(new URL('./experimentWorker.mjs', import.meta.url), { workerData: { task, stop }, stdout: true, stderr: true });
    worker.stdout.pipe(log, { end: false });
    worker.stderr.pipe(log, { end: false });
    const slot = { worker, stop, aborted: false };
    live.set(i, slot);
    options.onStart?.(task);
    worker.on('message', (m: WorkerMessage) => {
      if (m.kind === 'progress') options.onProgress?.(task, m.fraction, m.message);
      else if (m.kind === 'done') finish(i, { task, state: 'done', outcome: m.outcome });
      else finish(i, { task, state: 'failed', error: reviveError(m.error) });
    });
    worker.on('error', (e) => finish(i, { task, state: 'failed', error: e }));
    worker.on('exit', (code) => {
      finish(i, slot.aborted ? { task, state: 'aborted' } : { task, state: 'failed', error: new Error(`the worker thread of ${task.name} exited with code ${code} before finishing`) });
    });
  };

  function fill(): void {
    while (!stopping && live.size < jobs && next < tasks.length) start(next++);
    if (live.size === 0 && (stopping || next >= tasks.length) && !settled) {
      settled = true;
      resolveDone(ends);
    }
  }

  // Start on the next tick, so that the caller holds the pool before the first onStart.
  setImmediate(fill);
  return {
    done,
    stopStarting() { stopping = true; if (live.size === 0) setImmediate(fill); },
    abort() {
      stopping = true;
      for (const slot of live.values()) {
        slot.aborted = true;
        Atomics.store(slot.stop, 0, 1);
        void slot.worker.terminate();
      }
      if (live.size === 0) setImmediate(fill);
    },
    running: () => [...live.keys()].map((i) => tasks[i].name),
  };
}

/**
 * What a worker thread does with its task: runs the experiment with its configuration and seed,
 * then renders every figure to SVG and PNG. stop is the shared flag that shouldStop() polls;
 * report receives progress, at most every progressMs.
 */
export async function experimentTask(task: ExperimentTask, stop: Int32Array, report: (fraction: number, message?: string) => void, progressMs = 250): Promise<ExperimentOutcome> {
  const { getExperiment } = await import('../experiments/registry.ts');
  const experiment = getExperiment(task.name);
  const config = structuredClone(task.quick ? experiment.quick : experiment.defaults);
  let last = -Infinity;
  const ctx: ExperimentContext = {
    quick: task.quick,
    seed: task.seed,
    progress(fraction, message) {
      const now = performance.now();
      if (now - last < progressMs && fraction < 1) return;
      last = now;
      report(Math.min(1, Math.max(0, fraction)), message);
    },
    shouldStop: () => Atomics.load(stop, 0) !== 0,
    realData: packageRealData,
  };
  const t0 = performance.now();
  const result = await experiment.run(config, ctx);
  const seconds = (performance.now() - t0) / 1000;
  if (result === null || typeof result !== 'object' || !Array.isArray(result.figures)) {
    throw new Error(`experiment ${task.name} returned no result with figures`);
  }
  report(1, 'rendering figures');
  const { renderChart } = await import('../plot/renderChart.ts');
  const figures: RenderedFigure[] = [];
  for (const f of result.figures) {
    const { svg, png } = await renderChart(f.spec);
    figures.push({ name: f.name, caption: f.caption, svg, png });
  }
  return { result: { ...result, figures }, seconds };
}
