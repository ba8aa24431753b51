import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { type Batch } from '../optim/batched/batch.ts';
import { type BatchTrainOptions, type BatchTrainResult, STATUS_CODES, laneSchedules, trainBatchRange } from '../optim/batched/trainBatched.ts';

const shared = (n: number, bytes: number): ArrayBuffer | SharedArrayBuffer => new SharedArrayBuffer(n * bytes);

/**
 * trainBatched on `threads` worker threads (default: the cores available), each training a
 * contiguous range of lanes of a batch created with shared = true. Lanes are independent, so the
 * results are bit-identical to trainBatched on one thread, whatever the number of threads.
 */
export async function trainBatchedParallel(batch: Batch, options: BatchTrainOptions, threads = availableParallelism()): Promise<BatchTrainResult> {
  const B = batch.lanes;
  laneSchedules(options.schedules, B);
  if (!(batch.sxx.buffer instanceof SharedArrayBuffer)) throw new RangeError('trainBatchedParallel: create the batch with shared = true');
  const out = {
    status: new Int32Array(shared(B, 4)), steps: new Int32Array(shared(B, 4)),
    loss: new Float64Array(shared(B, 8)), gradNorm: new Float64Array(shared(B, 8)),
  };
  const t = Math.max(1, Math.min(threads, B));
  if (t === 1) trainBatchRange(batch, options, 0, B, out);
  else {
    const url = new URL('./batchWorker.mjs', import.meta.url);
    const jobs: Promise<void>[] = [];
    for (let w = 0; w < t; w++) {
      const lo = Math.floor((w * B) / t), hi = Math.floor(((w + 1) * B) / t);
      jobs.push(new Promise((resolve, reject) => {
        const worker = new Worker(url, { workerData: { batch, options, lo, hi, out } });
        worker.once('message', () => resolve());
        worker.once('error', reject);
        worker.once('exit', (code) => { if (code !== 0) reject(new Error(`batch worker exited with code ${code}`)); });
      }));
    }
    await Promise.all(jobs);
  }
  return { status: Array.from(out.status, (c) => STATUS_CODES[c]), steps: out.steps, loss: out.loss, gradNorm: out.gradNorm };
}
