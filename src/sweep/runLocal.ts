import { hostname } from 'node:os';
import { SweepData, cellAt, evaluateCells, isRealData, specDataNames, sweepWork } from '../experiments/sweep/index.ts';
import { setBackend } from '../linalg/index.ts';
import { resolveBackend } from '../linalg/backends/index.ts';
import { onInterrupts } from '../node/jobRunner.ts';
import { checkRealDataInstalled, packageRealData } from '../node/realDataFiles.ts';
import { ChunkPool } from './chunkPool.ts';
import { pendingChunks } from './sweepDir.ts';
import { SweepProgress, WorkTally } from './sweepProgress.ts';
import type { SweepStore } from './sweepStore.ts';

/** Options of runLocal. */
export interface RunLocalOptions {
  /** Threads (default: the cores available). */
  jobs: number;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  progress: boolean;
  /** When the worker threads start (default THREAD_START); 'only' starts jobs threads at once and leaves the calling thread to the store. */
  threadStart?: { afterSeconds: number; remainingSeconds: number } | 'only';
  /** Called with a function that stops the sweep: first call finishes the running chunks, second drops them. */
  onInterrupt(stop: () => void): () => void;
}

/** How a run ended: every cell stored, or interrupted with done of total stored. */
export interface RunOutcome { done: number; total: number; interrupted: boolean }

/** Most cells, and most cell-steps, the calling thread evaluates at a time (it yields to Ctrl-C and the threads' results in between). */
export const MAIN_THREAD_PIECE = { cells: 32, cellSteps: 1 << 16 };

/**
 * When the worker threads start: once the calling thread has computed for afterSeconds and the cells
 * left would take it more than remainingSeconds (a thread takes 0.2 s to load the compiled engine,
 * 1–2 s through tsx, and that time is spent on a core the sweep shares).
 */
export const THREAD_START = { afterSeconds: 1, remainingSeconds: 3 };

/**
 * Evaluates the sweep's missing cells on `jobs` threads and stores each chunk (or piece of one) in one
 * transaction as it finishes. The calling thread is one of the `jobs`: it evaluates pieces of chunks
 * (MAIN_THREAD_PIECE) between its other work; the other jobs − 1 are worker threads taking whole
 * chunks, started only when the sweep is long enough to repay their start (THREAD_START). So a small
 * sweep does not wait for threads to load the engine; the cells' bits do not depend on who evaluates them.
 * Ctrl-C stops handing out chunks; a second Ctrl-C drops the threads' running ones (the calling
 * thread's piece, a few hundredths of a second, is finished). Nothing stored is ever recomputed.
 */
export async function runLocal(store: SweepStore, dln: string, o: RunLocalOptions): Promise<RunOutcome> {
  const spec = store.meta.spec, total = store.meta.total;
  const stored = store.doneIndices();
  const queue = pendingChunks(spec, stored);
  let done = stored.size;
  const work = new WorkTally(sweepWork(spec), stored);
  const progress = new SweepProgress(o.stderr, 'sweep', total, done, o.progress, undefined, work);
  if (queue.length === 0) return { done, total, interrupted: false };
  // The threads read real data from this machine's packages: say before starting when one is missing.
  for (const name of specDataNames(spec)) if (isRealData(name)) checkRealDataInstalled(name);
  const only = o.threadStart === 'only';
  const threads = Math.max(0, Math.min(o.jobs, queue.length) - (only ? 0 : 1));
  let pool: ChunkPool | null = null, failed: unknown;
  const lanes: Promise<void>[] = [];
  let stops = 0;
  let abort: (e: Error) => void = () => {};
  const aborted = new Promise<never>((_, reject) => { abort = reject; });
  aborted.catch(() => undefined);
  // The two-stage Ctrl-C of every long command (node/jobRunner.ts): stop handing out chunks, then drop the running ones.
  const off = onInterrupts({ stderr: o.stderr, onInterrupt: o.onInterrupt }, [
    () => { stops = 1; o.stderr.write('\ndln: stopping after the running chunks (Ctrl-C again to drop them)\n'); },
    () => { stops = 2; (pool as ChunkPool | null)?.stop(); abort(new Error('dropped')); },
  ]);
  const worker = `${hostname()}:${process.pid}`;
  const lane = async (p: ChunkPool): Promise<void> => {
    await Promise.race([p.ready, aborted]);
    for (let next = queue.shift(); next !== undefined && stops === 0; next = queue.shift()) {
      const records = await Promise.race([p.run(spec, next.cells), aborted]);
      done += store.put(records, worker);
      work.add(records);
      progress.update(done);
    }
  };
  // As in the threads (chunkJob.ts): the TypeScript kernels, whatever this process selected, and the data sets kept between pieces.
  const ts = resolveBackend('ts'), data = new SweepData(packageRealData);
  const evaluateHere = (cells: readonly number[]) => {
    const prev = setBackend(ts);
    try { return evaluateCells(spec, cells, { dln, data }); } finally { setBackend(prev); }
  };
  const t0 = performance.now();
  let here = 0;
  const startThreads = (): void => {
    const seconds = (performance.now() - t0) / 1000, left = queue.reduce((n, c) => n + c.cells.length, 0);
    const when = o.threadStart === undefined || o.threadStart === 'only' ? THREAD_START : o.threadStart;
    if (!only && (pool !== null || threads === 0 || left === 0 || seconds < when.afterSeconds || (left * seconds) / here <= when.remainingSeconds)) return;
    const p = new ChunkPool(Math.min(threads, queue.length), dln);
    pool = p;
    for (let i = 0; i < p.threads; i++) lanes.push(lane(p).catch((e: unknown) => { failed ??= e; throw e; }));
    for (const l of lanes) l.catch(() => undefined);
  };
  const mainLane = async (): Promise<void> => {
    for (let next = queue.shift(); next !== undefined && stops === 0 && failed === undefined; next = queue.shift()) {
      const steps = cellAt(spec, next.cells[0]).settings.steps;
      const size = Math.max(1, Math.min(MAIN_THREAD_PIECE.cells, Math.floor(MAIN_THREAD_PIECE.cellSteps / steps)));
      const piece = next.cells.slice(0, size);
      if (next.cells.length > piece.length) queue.unshift({ ...next, cells: next.cells.slice(piece.length) });
      const records = evaluateHere(piece);
      done += store.put(records, worker);
      work.add(records);
      here += piece.length;
      progress.update(done);
      startThreads();
      await new Promise((r) => setImmediate(r));
    }
  };
  try {
    if (only) startThreads(); else await mainLane();
    await Promise.all(lanes);
  } catch (e) {
    if (stops < 2) throw e;
  } finally {
    off();
    await (pool as ChunkPool | null)?.close();
    progress.stop(done);
  }
  return { done, total, interrupted: stops > 0 };
}
