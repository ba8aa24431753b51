import { hostname } from 'node:os';
import { isRealData, specDataNames } from '../experiments/sweep/index.ts';
import { checkRealDataInstalled } from '../node/realDataFiles.ts';
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

/**
 * Evaluates the sweep's missing cells on `jobs` threads (each chunk one batch of one shape) and stores
 * each chunk in one transaction as it finishes. Ctrl-C stops handing out chunks; a second Ctrl-C drops
 * the running ones. Nothing stored is ever recomputed.
 */
export async function runLocal(store: SweepStore, dln: string, o: RunLocalOptions): Promise<RunOutcome> {
  const spec = store.meta.spec, total = store.meta.total;
  const queue = pendingChunks(spec, store.doneIndices());
  let done = store.doneIndices().size;
  const progress = new SweepProgress(o.stderr, 'sweep', total, done, o.progress);
  if (queue.length === 0) return { done, total, interrupted: false };
  // The threads read real data from this machine's packages: say before starting when one is missing.
  for (const name of specDataNames(spec)) if (isRealData(name)) checkRealDataInstalled(name);
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
    for (let next = queue.shift(); next !== undefined && stops === 0; next = queue.shift()) {
      const records = await Promise.race([pool.run(spec, next.cells), aborted]);
      done += store.put(records, worker);
      progress.update(done);
    }
  };
  try {
    await Promise.all(Array.from({ length: pool.threads }, lane));
  } catch (e) {
    if (stops < 2) throw e;
  } finally {
    off();
    await pool.close();
    progress.stop(done);
  }
  return { done, total, interrupted: stops > 0 };
}
