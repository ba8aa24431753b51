import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('./numpy_workloads.py', import.meta.url));

/** Whether python3 with numpy can be run here; returns its version or null. */
export function numpyVersion(): string | null {
  const r = spawnSync('python3', ['-c', 'import numpy; print(numpy.__version__)'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** What a numpy job reports: seconds (of the whole job's timed part), OpenBLAS's own thread count, extras. */
export interface NumpyResult { seconds: number; blas_threads: number | null; loss?: number; [k: string]: unknown }

/** Runs one job of numpy_workloads.py with OpenBLAS limited to `threads` threads. */
export function runNumpy(job: Record<string, unknown>, threads: number): NumpyResult {
  const env = { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads) };
  const r = spawnSync('python3', [script], { input: JSON.stringify(job), encoding: 'utf8', env, maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`numpy job ${job.kind} failed: ${r.stderr.trim().split('\n').pop()}`);
  return JSON.parse(r.stdout) as NumpyResult;
}
