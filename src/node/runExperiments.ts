import type { ExperimentOutcome, ExperimentTask, TaskProgress } from './experimentTask.ts';
import { type RunningJob, startJob } from './jobRunner.ts';

export type { ExperimentTask, RenderedFigure, ExperimentOutcome } from './experimentTask.ts';

/** How one task ended. */
export type TaskEnd =
  | { task: ExperimentTask; state: 'done'; outcome: ExperimentOutcome }
  | { task: ExperimentTask; state: 'failed'; error: Error }
  | { task: ExperimentTask; state: 'aborted' }
  | { task: ExperimentTask; state: 'not-started' };

/** Options of runExperiments: parallelism and callbacks. */
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

/**
 * Runs each task in a fresh worker thread (startJob of experimentTask, one BLAS thread each), at most options.jobs at a time,
 * starting them in the order given. A fresh thread per experiment means no state survives from one
 * experiment to the next, so the results do not depend on the number of workers or the order.
 */
export function runExperiments(tasks: readonly ExperimentTask[], options: RunExperimentsOptions): ExperimentPool {
  const jobs = Math.max(1, Math.floor(options.jobs));
  const ends: TaskEnd[] = tasks.map((task) => ({ task, state: 'not-started' }));
  const live = new Map<number, { job: RunningJob<ExperimentOutcome>; aborted: boolean }>();
  let next = 0, stopping = false, settled = false;
  let resolveDone: (ends: TaskEnd[]) => void = () => {};
  const done = new Promise<TaskEnd[]>((resolve) => { resolveDone = resolve; });
  const log = options.log ?? process.stderr;

  const finish = (i: number, end: TaskEnd): void => {
    const slot = live.get(i);
    if (slot === undefined) return;
    live.delete(i);
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
    const job = startJob<ExperimentOutcome>({ moduleUrl: new URL('./experimentTask.ts', import.meta.url), exportName: 'experimentTask', input: task }, {
      threads: 1, log,
      onPost(data) { const p = data as TaskProgress; options.onProgress?.(task, p.fraction, p.message); },
    });
    const slot = { job, aborted: false };
    live.set(i, slot);
    options.onStart?.(task);
    job.result.then(
      (outcome) => finish(i, { task, state: 'done', outcome }),
      (error: Error) => finish(i, slot.aborted ? { task, state: 'aborted' } : { task, state: 'failed', error }),
    );
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
        slot.job.abort(new Error('aborted'));
      }
      if (live.size === 0) setImmediate(fill);
    },
    running: () => [...live.keys()].map((i) => tasks[i].name),
  };
}
