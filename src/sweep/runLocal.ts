import { hostname } from 'node:os';
import { evaluateCells } from '../experiments/sweep/index.ts';
import { ChunkPool } from './chunkPool.ts';
import { pendingChunks } from './sweepDir.ts';
import { SweepProgress } from './sweepProgress.ts';
import type { SweepStore } from './sweepStore.ts';

/** Options of runLocal. */
export interface RunLocalOptions {
  /** Threads (default: the cores available). */
  jobs: number;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  progress: boolean;
  /** Called with a function that stops the sweep: first call finishes the running chunks, second drops them. */
  onInterrupt(stop: () => void): () => void;
}

/** How a run ended: every cell stored, or interrupted with done of total stored. */
export interface RunOutcome { done: number; total: number; interrupted: boolean }

/** Cells the calling thread evaluates at a time while the threads start (it yields to Ctrl-C and the threads' results in between). */
export const MAIN_THREAD_PIECE = 32;

/**
 * Evaluates the sweep's missing cells on `jobs` threads (each chunk one batch of one shape) and stores
 * each chunk in one transaction as it finishes. Until the first thread has loaded the engine (up to a
 * second or two under tsx), the calling thread evaluates cells itself, MAIN_THREAD_PIECE at a time, so a
 * small sweep is not kept waiting for threads (the cells' bits do not depend on who evaluates them).
 * Ctrl-C stops handing out chunks; a second Ctrl-C drops the running ones. Nothing stored is ever recomputed.
 */
export async function runLocal(store: SweepStore, dln: string, o: RunLocalOptions): Promise<RunOutcome> {
  const spec = store.meta.spec, total = store.meta.total;
  const queue = pendingChunks(spec, store.doneIndices());
  let done = store.doneIndices().size;
  const progress = new SweepProgress(o.stderr, 'sweep', total, done, o.progress);
  if (queue.length === 0) return { done, total, interrupted: false };
  const pool = new ChunkPool(Math.max(1, Math.min(o.jobs, queue.length)), dln);
  let stops = 0;
  let abort: (e: Error) => void = () => {};
  const aborted = new Promise<never>((_, reject) => { abort = reject; });
  aborted.catch(() => undefined);
  const off = o.onInterrupt(() => {
    stops++;
    if (stops === 1) o.stderr.write('\ndln: stopping after the running chunks (Ctrl-C again to drop them)\n');
    else abort(new Error('dropped'));
  });
  const worker = `${hostname()}:${process.pid}`;
  const lane = async (): Promise<void> => {
    await Promise.race([pool.ready, aborted]);
    for (let next = queue.shift(); next !== undefined && stops === 0; next = queue.shift()) {
      const records = await Promise.race([pool.run(spec, next.cells), aborted]);
      done += store.put(records, worker);
      progress.update(done);
    }
  };
  let poolReady = false;
  void pool.ready.then(() => { poolReady = true; }, () => undefined);
  const mainLane = async (): Promise<void> => {
    while (!poolReady && stops === 0) {
      const next = queue.shift();
      if (next === undefined) return;
      const piece = next.cells.slice(0, MAIN_THREAD_PIECE);
      if (next.cells.length > piece.length) queue.unshift({ ...next, cells: next.cells.slice(piece.length) });
      done += store.put(evaluateCells(spec, piece, { dln }), worker);
      progress.update(done);
      await new Promise((r) => setImmediate(r));
    }
  };
  try {
    await Promise.all([mainLane(), ...Array.from({ length: pool.threads }, lane)]);
  } catch (e) {
    if (stops < 2) throw e;
  } finally {
    off();
    await pool.close();
    progress.stop(done);
  }
  return { done, total, interrupted: stops > 0 };
}
