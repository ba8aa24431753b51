import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
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

/** CPU seconds (user + system, every thread) a process has used so far, from /proc (Linux); NaN elsewhere. */
function cpuSecondsOf(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch { return Number.NaN; }
}

/** Wall seconds of one run of a fresh sweep in dir, and the CPU seconds this process and the given others spent on it. */
async function timeSweep(dir: string, run: (dir: string) => Promise<unknown>, seeds: number, steps: number, others: readonly ChildProcess[] = []): Promise<{ wall: number; cpu: number }> {
  const spec = benchSpec(seeds, steps);
  createSweep(dir, spec, 'bench').close();
  const othersCpu = (): number => others.reduce((s, p) => s + cpuSecondsOf(p.pid as number), 0);
  const c0 = process.cpuUsage(), o0 = othersCpu(), t = performance.now();
  await run(dir);
  const wall = (performance.now() - t) / 1000, c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1e6 + othersCpu() - o0 };
}

/** A `dln sweep worker` process, once it says it takes chunks (its thread has loaded dln: the timed runs do not wait for a start). */
function startWorker(url: string): Promise<ChildProcess> {
  const w = spawn(process.execPath, [BIN, 'sweep', 'worker', '--queue', url, '--jobs', '1'], { stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolve, reject) => {
    let text = '';
    w.stderr?.on('data', (d) => { text += d; if (text.includes('taking chunks')) resolve(w); });
    w.on('exit', (code) => reject(new Error(`dln sweep worker exited with code ${code}: ${text.trim()}`)));
  });
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
      const { wall: tLocal, cpu: cLocal } = await timeSweep(join(root, 'local'), local(ctx.threads), seeds, steps);
      const { wall: tLocal1, cpu: cLocal1 } = await timeSweep(join(root, 'local1'), local(1), seeds, steps);
      const ms = (cpu: number): string => `${((cpu / seeds) * 1e3).toFixed(2)} ms`;
      const row: BenchRow = {
        id: 'S1', workload: `dln sweep, ${seeds} seeds of 5-4-4-5, ${steps} steps, local`, backend: 'batched engine', threads: ctx.threads,
        dln: rate(seeds / tLocal, 'cells/s'),
        note: `${((seeds * steps) / tLocal / 1e6).toFixed(2)} M network-steps/s with data, set-up, classification and store; 1 thread: ${(seeds / tLocal1).toPrecision(3)} cells/s; CPU per cell ${ms(cLocal)} (1 thread: ${ms(cLocal1)})`,
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
        row.note += `; numpy: GD steps only (no data, set-up or classification), CPU per cell ${ms(Number(r.cpu_seconds))}`;
      }
      rows.push(row);
      const port = 20000 + Math.floor(Math.random() * 20000);
      const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
      const url = `redis://127.0.0.1:${port}/0`;
      const workers: ChildProcess[] = [];
      try {
        await new Promise((r) => setTimeout(r, 500));
        const queued = (d: string) => { const s = SweepStore.open(d); return runQueued(s, 'bench', url, { ...quiet, jobs: 1 }).finally(() => s.close()); };
        const times: number[] = [], cpus: number[] = [];
        for (const w of [1, 2]) {
          while (workers.length < w) workers.push(await startWorker(url));
          const t = await timeSweep(join(root, `redis${w}`), queued, seeds, steps, workers);
          times.push(t.wall); cpus.push(t.cpu);
        }
        rows.push({
          id: 'S2', workload: `the same sweep through Redis (BullMQ), 1 worker process`, backend: 'batched engine', threads: 1, dln: rate(seeds / times[0], 'cells/s'),
          note: `queue overhead ${(((times[0] - tLocal1) / seeds) * 1e3).toFixed(2)} ms per cell (wall) against the local run on 1 thread; CPU per cell ${ms(cpus[0])} (coordinator and worker; local on 1 thread ${ms(cLocal1)})`,
        }, {
          id: 'S3', workload: `the same sweep through Redis (BullMQ), 2 worker processes`, backend: 'batched engine', threads: 2, dln: rate(seeds / times[1], 'cells/s'),
          note: `${(times[0] / times[1]).toFixed(2)}× one worker; CPU per cell ${ms(cpus[1])}`,
        });
      } finally {
        for (const w of workers) w.kill('SIGTERM');
        redis.kill('SIGTERM');
      }
    } finally { rmSync(root, { recursive: true, force: true }); }
    return rows;
  },
};
