import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { type Batch } from '../optim/batched/batch.ts';
import {
  type BatchTrainOptions, type BatchTrainResult, STATUS_CODES, laneSchedules, laneRules, lanePrograms, trainBatchRange, trainBatched,
} from '../optim/batched/trainBatched.ts';
import { encodeSchedules } from '../optim/batched/laneProgram.ts';

const shared = (n: number, bytes: number): SharedArrayBuffer => new SharedArrayBuffer(n * bytes);

/** Chunks per thread: small enough that a worker which starts late still gets an even share. */
const CHUNKS_PER_THREAD = 16;

// Workers outlive a call (starting one costs ~0.1 s): idle ones wait here, unref'd so that they never
// keep the process alive.
const idle: Worker[] = [];

function takeWorker(): Worker {
  const w = idle.pop() ?? new Worker(new URL('./batchWorker.mjs', import.meta.url));
  w.ref();
  return w;
}

/** Runs one job on a pool worker; the worker goes back to the pool when it answers, and is dropped if it fails. */
function runOnWorker(data: unknown): Promise<void> {
  const w = takeWorker();
  return new Promise((resolve, reject) => {
    const fail = (e: Error): void => { w.off('message', onMessage); w.terminate().catch(() => undefined); reject(e); };
    const onError = (e: Error): void => fail(e);
    const onExit = (code: number): void => fail(new Error(`batch worker exited with code ${code}`));
    const onMessage = (m: { done?: boolean; error?: string }): void => {
      w.off('error', onError).off('exit', onExit);
      if (m.error !== undefined) { fail(new Error(`batch worker: ${m.error}`)); return; }
      w.unref();
      idle.push(w);
      resolve();
    };
    w.once('message', onMessage).once('error', onError).once('exit', onExit);
    w.postMessage(data);
  });
}

/**
 * trainBatched on `threads` threads (default: the cores available): this thread and threads − 1
 * pooled workers claim chunks of lanes of a batch created with shared = true until none are left. Lanes are
 * independent, so the results are bit-identical to trainBatched on one thread, whatever the number
 * of threads. This thread computes too, so the event loop is blocked until its chunks are done.
 */
export async function trainBatchedParallel(batch: Batch, options: BatchTrainOptions, threads = availableParallelism()): Promise<BatchTrainResult> {
  // Sharpness recording keeps a tracker per lane on this thread (the result has the same bits).
  if (options.sharpness !== undefined) return trainBatched(batch, options);
  const B = batch.lanes;
  const schedules = laneSchedules(options.schedules, B);
  if (!(batch.sxx.buffer instanceof SharedArrayBuffer)) throw new RangeError('trainBatchedParallel: create the batch with shared = true');
  const out = {
    status: new Int32Array(shared(B, 4)), steps: new Int32Array(shared(B, 4)),
    loss: new Float64Array(shared(B, 8)), gradNorm: new Float64Array(shared(B, 8)),
  };
  const t = Math.max(1, Math.min(threads, B));
  const chunkLanes = Math.max(1, Math.ceil(B / (CHUNKS_PER_THREAD * t)));
  const chunks = Math.ceil(B / chunkLanes);
  const next = new Int32Array(shared(1, 4));
  const fast = lanePrograms(batch.dims, options.kernels);
  const encoded = fast ? encodeSchedules(schedules) : undefined;
  const rules = laneRules(options);
  const run = (lo: number, hi: number): void => {
    if (fast && encoded) {
      fast.program(batch.weights, batch.sxx, batch.ols, batch.lossOLS, B, lo, hi, encoded, rules, out.status, out.steps, out.loss, out.gradNorm);
    } else trainBatchRange(batch, options, lo, hi, out);
  };
  const job = { batch, options, out, next, chunks, chunkLanes, source: fast?.source, schedules: encoded, rules };
  const jobs: Promise<void>[] = [];
  for (let w = 1; w < t; w++) jobs.push(runOnWorker(job));
  for (;;) {
    const c = Atomics.add(next, 0, 1);
    if (c >= chunks) break;
    run(c * chunkLanes, Math.min(B, (c + 1) * chunkLanes));
  }
  await Promise.all(jobs);
  return { status: Array.from(out.status, (c) => STATUS_CODES[c]), steps: out.steps, loss: out.loss, gradNorm: out.gradNorm };
}
