import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseSpec, cellAt, prepareInstance, cellCount } from '../src/experiments/sweep/index.ts';
import { createSweep, runLocal, runQueued } from '../src/sweep/index.ts';
import { type BenchRow, type Workload, npyArray, rate, tempDir } from './common.ts';
import { runNumpy } from './numpyRunner.ts';

const BIN = new URL('../bin/dln.js', import.meta.url).pathname;
const quiet = { stderr: process.stderr, progress: false, onInterrupt: () => () => undefined };

/** A 1,000-seed sweep of the report's 5-4-4-5 network (report-sec4 data, constant η = 2e-5), no sharpness. */
const benchSpec = (seeds: number, steps: number) => parseSpec({
  name: 'bench', chunkSize: 125, record: { sharpness: 'none' },
  base: { data: 'report-sec4', dims: [5, 4, 4, 5], initStd: 0.05, lr: 2e-5, steps }, axes: { seed: `0..${seeds - 1}` },
});

async function timeSweep(dir: string, run: (dir: string) => Promise<unknown>, seeds: number, steps: number): Promise<number> {
  const spec = benchSpec(seeds, steps);
  createSweep(dir, spec, 'bench').close();
  const t = performance.now();
  await run(dir);
  return (performance.now() - t) / 1000;
}

/** `dln sweep` cells per second locally, against numpy's batched @ on the same cells, and through Redis with one and two workers. */
export const sweepBench: Workload = {
  id: 'S1',
  async run(ctx) {
    const seeds = ctx.quick ? 200 : 1000, steps = ctx.quick ? 500 : 2000;
    const root = tempDir();
    const rows: BenchRow[] = [];
    const { SweepStore } = await import('../src/sweep/index.ts');
    const local = (jobs: number) => async (d: string) => { const s = SweepStore.open(d); try { return await runLocal(s, 'bench', { ...quiet, jobs }); } finally { s.close(); } };
    try {
      // A first small sweep fills tsx's compile cache and the page cache, so the timed runs compare like with like.
      await timeSweep(join(root, 'warm'), local(ctx.threads), 8, 10);
      const tLocal = await timeSweep(join(root, 'local'), local(ctx.threads), seeds, steps);
      const tLocal1 = await timeSweep(join(root, 'local1'), local(1), seeds, steps);
      const row: BenchRow = {
        id: 'S1', workload: `dln sweep, ${seeds} seeds of 5-4-4-5, ${steps} steps, local`, backend: 'batched engine', threads: ctx.threads,
        dln: rate(seeds / tLocal, 'cells/s'), note: `${((seeds * steps) / tLocal / 1e6).toFixed(2)} M network-steps/s with classification and store; 1 thread: ${(seeds / tLocal1).toPrecision(3)} cells/s`,
      };
      if (ctx.numpy) {
        const spec = benchSpec(seeds, steps), n = cellCount(spec);
        const inst = Array.from({ length: n }, (_, i) => prepareInstance(cellAt(spec, i), false));
        const pack = (f: (k: number) => Float64Array, size: number) => { const a = new Float64Array(n * size); for (let k = 0; k < n; k++) a.set(f(k), k * size); return a; };
        const dims = [5, 4, 4, 5];
        const job = {
          kind: 'batched', steps,
          sxx: npyArray(root, 'sxx.npy', pack((k) => inst[k].stats.sxx.data, 25), [n, 5, 5]), syx: npyArray(root, 'syx.npy', pack((k) => inst[k].stats.syx.data, 25), [n, 5, 5]),
          tryy: npyArray(root, 'tryy.npy', Float64Array.from(inst, (x) => x.stats.trYY), [n]), lr: npyArray(root, 'lr.npy', new Float64Array(n).fill(2e-5), [n]),
          weights: dims.slice(1).map((d, j) => npyArray(root, `w${j + 1}.npy`, pack((k) => inst[k].weights[j].data, d * dims[j]), [n, d, dims[j]])),
        };
        const r = runNumpy(job, ctx.threads);
        row.numpy = { ...rate(seeds / r.seconds, 'cells/s'), threads: r.blas_threads };
        row.note += ` (numpy: GD steps only, no classification)`;
      }
      rows.push(row);
      const port = 20000 + Math.floor(Math.random() * 20000);
      const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
      const url = `redis://127.0.0.1:${port}/0`;
      const workers: ChildProcess[] = [];
      try {
        await new Promise((r) => setTimeout(r, 500));
        const queued = (d: string) => { const s = SweepStore.open(d); return runQueued(s, 'bench', url, { ...quiet, jobs: 1 }).finally(() => s.close()); };
        const times: number[] = [];
        for (const w of [1, 2]) {
          while (workers.length < w) workers.push(spawn(process.execPath, [BIN, 'sweep', 'worker', '--queue', url, '--jobs', '1'], { stdio: 'ignore' }));
          await new Promise((r) => setTimeout(r, 3000));
          times.push(await timeSweep(join(root, `redis${w}`), queued, seeds, steps));
        }
        rows.push({
          id: 'S2', workload: `the same sweep through Redis (BullMQ), 1 worker process`, backend: 'batched engine', threads: 1, dln: rate(seeds / times[0], 'cells/s'),
          note: `queue overhead ${(((times[0] - tLocal1) / seeds) * 1e3).toFixed(2)} ms per cell against the local run on 1 thread`,
        }, {
          id: 'S3', workload: `the same sweep through Redis (BullMQ), 2 worker processes`, backend: 'batched engine', threads: 2, dln: rate(seeds / times[1], 'cells/s'),
          note: `${(times[0] / times[1]).toFixed(2)}× one worker`,
        });
      } finally {
        for (const w of workers) w.kill('SIGTERM');
        redis.kill('SIGTERM');
      }
    } finally { rmSync(root, { recursive: true, force: true }); }
    return rows;
  },
};
