import type { Batch } from '../optim/batched/batch.ts';
import { type BatchTrainOptions, trainBatchRange } from '../optim/batched/trainBatched.ts';

/** What a worker receives: the batch (its arrays on SharedArrayBuffers), options, its lane range, result arrays. */
export interface BatchWorkerData {
  batch: Batch;
  options: BatchTrainOptions;
  lo: number;
  hi: number;
  out: { status: Int32Array; steps: Int32Array; loss: Float64Array; gradNorm: Float64Array };
}

/** Trains lanes [lo, hi) in place (the arrays are shared with the parent thread). */
export function runBatchWorker(d: BatchWorkerData): void {
  trainBatchRange(d.batch, d.options, d.lo, d.hi, d.out);
}
