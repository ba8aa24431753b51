import { Worker } from 'node:worker_threads';
import { type WorkerErrorData, reviveError } from '../errors.ts';
import { type Progress, createProgress } from './progress.ts';

/**
 * dln's one job runner: long work (train, pgd, hessian, an experiment, a sweep's task) runs in a worker
 * thread so that the main thread stays free for progress on stderr and for Ctrl-C.
 *
 * A job is a function exported by a module that imports only what the job needs (no commander, no
 * file system unless the job reads files): `export function fooJob(input: FooInput, job: JobContext): R`
 * (or `Promise<R>`). The input and the value cross threads by structured clone (typed arrays, plain
 * objects; no class instances: pass `Rng.state()`, not an Rng). Errors keep their class (InputError,
 * PremiseError) through reviveError.
 *
 * In the job: call `job.begin(total)` once the set-up is done (the progress display appears then,
 * counting toward total), `job.progress(value, loss)` as often as you like (it writes two numbers to
 * shared memory; the display samples them every 100 ms), and poll `job.shouldStop()` between steps:
 * it turns true on the first Ctrl-C, and the job then returns what it has (e.g. status 'interrupted').
 * Work in stages (hessian: the dense Hessian, then its eigenvalues) calls `job.begin(total, stage)`
 * at the start of each: the display of the previous stage ends and one for the new stage begins,
 * counting from 0 in stage.unit (total 0: a stage that cannot count, shown with its time only).
 *
 * In the command: `const value = await runJob({ moduleUrl, exportName, input }, { io, progress: { enabled,
 * label, unit }, stopping: 'stopping after the current step and saving what was recorded' })`. It
 * resolves the job's value (also after a first Ctrl-C: the job stopped cleanly; the caller writes what
 * was done and exits 130), or null after a second Ctrl-C (the worker was killed: quit without saving).
 * `startJob` is the lower level (no display, no Ctrl-C) for pools of jobs such as runExperiments; a
 * job that serves requests (a sweep's chunk threads, sweep/chunkPool.ts) takes them with
 * `job.receive()` from the parent's `send(data)` and answers with `job.post`.
 */
export interface JobContext {
  /** True once the job was asked to stop (first Ctrl-C): finish the current step and return. */
  shouldStop(): boolean;
  /** The set-up is done and the work proper (or its next stage) begins, counting toward total (steps, or time t). */
  begin(total: number, stage?: JobStage): void;
  /** Where the work stands (value of total) and the current loss; cheap: two stores to shared memory. */
  progress(value: number, loss?: number): void;
  /** Sends data (structured-cloned) to the parent's onPost, e.g. a progress message with text. */
  post(data: unknown): void;
  /** The next value the parent sent with RunningJob.send, in order (a job that serves requests: a pool's thread). */
  receive(): Promise<unknown>;
}

/** A stage of a job's work, as its display names it. */
export interface JobStage {
  /** What the stage does, e.g. 'building the dense Hessian'. */
  readonly label: string;
  /** What it counts ('column', 'iteration'); ignored when total is 0. */
  readonly unit: string;
}

/** Which exported function of which module runs, with what input. */
export interface JobSpec {
  /** The module's URL (import.meta.url of the job's own file, or new URL('./fooJob.ts', import.meta.url)). */
  readonly moduleUrl: string | URL;
  readonly exportName: string;
  readonly input: unknown;
}

/** Options of startJob; every field is optional. */
export interface StartJobOptions {
  /** BLAS threads of the worker's kernels (default: the backend's own choice); 1 when jobs run side by side. */
  readonly threads?: number;
  /** Where the worker's console output goes (default: the process's own stdout and stderr). */
  readonly log?: NodeJS.WritableStream;
  /** Called when the job calls begin(total, stage); reached is where the previous stage's progress ended (0 at the first). */
  onBegin?(total: number, stage?: JobStage, reached?: number): void;
  /** Called with what the job posts. */
  onPost?(data: unknown): void;
}

/** A job running in its worker thread. */
export interface RunningJob<R> {
  /** Settles with the job's value, or rejects with its error (or abort's reason). */
  readonly result: Promise<R>;
  /** Asks the job to stop: its shouldStop() turns true. */
  stop(): void;
  /** Kills the worker at once; result then rejects with reason. */
  abort(reason: Error): void;
  /** Sends data (structured-cloned) to the job, which takes it with receive(). */
  send(data: unknown): void;
  /** The last progress(value, loss) the job reported (value 0 and loss NaN before the first). */
  live(): { value: number; loss: number };
}

type WorkerMessage =
  | { kind: 'begin'; total: number; stage?: JobStage; reached: number }
  | { kind: 'post'; data: unknown }
  | { kind: 'done'; value: unknown }
  | { kind: 'error'; error: WorkerErrorData };

/** Starts spec's job in a fresh worker thread (jobWorker.mjs); see JobContext for the job's side. */
export function startJob<R>(spec: JobSpec, options: StartJobOptions = {}): RunningJob<R> {
  // Layout: an Int32 stop flag, 4 bytes of padding, then Float64 [value, loss].
  const shared = new SharedArrayBuffer(24);
  const stopFlag = new Int32Array(shared, 0, 1), live = new Float64Array(shared, 8, 2);
  live[1] = Number.NaN;
  const piped = options.log !== undefined;
  const worker = new Worker(new URL('./jobWorker.mjs', import.meta.url), {
    workerData: { shared, moduleUrl: String(spec.moduleUrl), exportName: spec.exportName, input: spec.input, threads: options.threads },
    stdout: piped, stderr: piped,
  });
  if (options.log !== undefined) {
    worker.stdout.pipe(options.log, { end: false });
    worker.stderr.pipe(options.log, { end: false });
  }
  let rejectRun: (e: Error) => void = () => {};
  const result = new Promise<R>((resolve, reject) => {
    rejectRun = reject;
    worker.on('message', (m: WorkerMessage) => {
      if (m.kind === 'begin') { options.onBegin?.(m.total, m.stage, m.reached); return; }
      if (m.kind === 'post') { options.onPost?.(m.data); return; }
      if (m.kind === 'done') resolve(m.value as R); else reject(reviveError(m.error));
      void worker.terminate();
    });
    worker.on('error', (e) => reject(e));
    worker.on('exit', (code) => reject(new Error(`worker thread exited with code ${code} before finishing`)));
  });
  return {
    result,
    stop() { Atomics.store(stopFlag, 0, 1); },
    abort(reason) { rejectRun(reason); Atomics.store(stopFlag, 0, 1); void worker.terminate(); },
    send(data) { worker.postMessage({ kind: 'input', data }); },
    live: () => ({ value: live[0], loss: live[1] }),
  };
}

/** Where a job's command talks to the user: stderr for progress and messages, and its Ctrl-C. */
export interface JobIO {
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** Calls handler on every Ctrl-C until the returned function is called. */
  onInterrupt(handler: () => void): () => void;
}

/**
 * Calls stages[k] on the (k+1)-th Ctrl-C, and the last stage on any later one, until the returned
 * function is called: the two-stage Ctrl-C of every long command is onInterrupts(io, [stop, abort]).
 */
export function onInterrupts(io: JobIO, stages: readonly (() => void)[]): () => void {
  let count = 0;
  return io.onInterrupt(() => { stages[Math.min(count++, stages.length - 1)](); });
}

/** Options of runJob. */
export interface RunJobOptions extends Omit<StartJobOptions, 'onBegin'> {
  readonly io: JobIO;
  /**
   * The display from begin(total) on: a bar on a terminal, plain lines otherwise, nothing when not
   * enabled; a stage's display is labelled `label (stage.label)` and shows no loss.
   */
  readonly progress: { readonly enabled: boolean; readonly label: string; readonly unit: string };
  /** What the first Ctrl-C does, as its message says it: e.g. 'stopping after the current step and saving what was recorded'. */
  readonly stopping: string;
}

class Aborted extends Error {}

/**
 * Runs spec's job in a worker thread with progress on io.stderr and the two-stage Ctrl-C: the first
 * asks the job to stop (it returns what it has: the caller writes it and exits 130), the second kills
 * it. Resolves the job's value, or null when a second Ctrl-C aborted it; rejects with the job's error.
 */
export async function runJob<R>(spec: JobSpec, options: RunJobOptions): Promise<R | null> {
  const { io, progress: show } = options;
  let progress: Progress | null = null;
  let timer: NodeJS.Timeout | undefined;
  const update = (): void => {
    const { value, loss } = job.live();
    if (value > 0) progress?.update(value, loss);
  };
  const job: RunningJob<R> = startJob<R>(spec, {
    ...options,
    onBegin(total, stage, reached = 0) {
      // The worker has reset the shared value for the new stage: the previous one ends where it reached.
      if (progress !== null) { if (reached > 0) progress.update(reached, Number.NaN); progress.stop(); }
      progress = createProgress(total, {
        stream: io.stderr, enabled: show.enabled,
        ...(stage !== undefined ? { label: `${show.label} (${stage.label})`, unit: stage.unit, showLoss: false } : { label: show.label, unit: show.unit }),
      });
      timer ??= setInterval(update, 100);
    },
  });
  const off = onInterrupts(io, [
    () => {
      io.stderr.write(`${io.stderr.isTTY === true ? '\n' : ''}dln: Ctrl-C: ${options.stopping} (Ctrl-C again quits without saving)\n`);
      job.stop();
    },
    () => {
      io.stderr.write('dln: second Ctrl-C: quitting without saving\n');
      job.abort(new Aborted());
    },
  ]);
  try {
    return await job.result;
  } catch (e) {
    if (e instanceof Aborted) return null;
    throw e;
  } finally {
    off();
    clearInterval(timer);
    update();
    (progress as Progress | null)?.stop();
  }
}
