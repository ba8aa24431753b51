import { rmSync } from 'node:fs';
import type { Mat } from '../src/linalg/mat.ts';
import { Rng } from '../src/linalg/rng.ts';
import { eigvalsh } from '../src/linalg/eigh.ts';
import { statsFromData } from '../src/model/stats.ts';
import { initGaussian } from '../src/model/init.ts';
import { hessian } from '../src/model/hessian.ts';
import { createSharpnessTracker } from '../src/model/sharpness.ts';
import { constantSchedule } from '../src/optim/schedules.ts';
import { trainGD } from '../src/optim/train.ts';
import { type BenchRow, type Workload, median, npy, seconds, tempDir, withBackend, backendThreads } from './common.ts';
import { runNumpy } from './numpyRunner.ts';

/** Widths of the networks timed (p = 8 … 2048 parameters); --quick skips the largest. */
const SHAPES: number[][] = [[2, 2, 2], [3, 3, 3, 3], [4, 6, 6, 4], [8, 8, 8, 8], [10, 12, 12, 8], [16, 20, 20, 20, 16], [16, 32, 32, 16]];

/** Points of one GD run, `every` steps apart near its edge of stability (η = 1.9/λ_max at the start): what a tracker sees. */
function trajectoryPoints(dims: number[], records: number, every: number): { stats: ReturnType<typeof statsFromData>; points: Mat[][] } {
  const rng = new Rng(21), m = 4 * dims[0];
  const x = { rows: dims[0], cols: m, data: rng.fillNormal(new Float64Array(dims[0] * m)) };
  const y = { rows: dims[dims.length - 1], cols: m, data: rng.fillNormal(new Float64Array(dims[dims.length - 1] * m)) };
  const stats = statsFromData({ x, y });
  const w = initGaussian(dims, rng, 0.5);
  const lam = createSharpnessTracker(dims).measure(w, stats);
  const points: Mat[][] = [];
  trainGD(stats, w, { schedule: constantSchedule(1 / lam), maxSteps: records * every, recordEvery: every,
    onRecord: () => { points.push(w.map((m) => ({ rows: m.rows, cols: m.cols, data: m.data.slice() }))); } });
  return { stats, points: points.slice(0, records) };
}

/**
 * W8: the cost of one sharpness record along a trajectory: warm-started Lanczos on exact HVPs (HVPs
 * and ms per record), a cold start, and the dense path (Hessian + eigvalsh) against numpy's eigvalsh
 * of the same Hessian in the same run.
 */
const w8: Workload = {
  id: 'W8',
  async run(ctx) {
    const rows: BenchRow[] = [];
    const dir = tempDir();
    const backend = ctx.backends[0], thr = backendThreads(backend, ctx);
    try {
      for (const dims of ctx.quick ? SHAPES.slice(0, 6) : SHAPES) {
        const records = 12;
        const { stats, points } = trajectoryPoints(dims, records, 10);
        const p = dims.slice(1).reduce((s, d, j) => s + d * dims[j], 0);
        const r = withBackend(backend, thr, () => {
          const warm = createSharpnessTracker(dims, { method: 'lanczos' }), cold = createSharpnessTracker(dims, { method: 'lanczos' });
          warm.measure(points[0], stats);
          const wt: number[] = [], ct: number[] = [], wh: number[] = [], ch: number[] = [], dt: number[] = [];
          let h: Mat | null = null;
          for (const pt of points.slice(1)) {
            let t = performance.now(); warm.measure(pt, stats); wt.push(performance.now() - t); wh.push(warm.hvps);
            cold.restore({ vMax: null, vMin: null });
            t = performance.now(); cold.measure(pt, stats); ct.push(performance.now() - t); ch.push(cold.hvps);
            if (dt.length < (p > 1000 ? 2 : 6)) { t = performance.now(); h = hessian(pt, stats); eigvalsh(h); dt.push(performance.now() - t); }
          }
          return { warm: median(wt), cold: median(ct), warmHvps: median(wh), coldHvps: median(ch), dense: median(dt), h: h as Mat };
        });
        const np = ctx.numpy ? runNumpy({ kind: 'decomp', op: 'eigvalsh', matrix: npy(dir, 'H.npy', r.h), reps: p > 1000 ? 3 : 7 }, thr) : null;
        const numpy = np ? { ...seconds(np.seconds), threads: np.blas_threads } : undefined;
        const shape = `${dims.join('-')} (p = ${p})`;
        rows.push({
          id: 'W8', workload: `sharpness record, warm Lanczos, ${shape}`, backend, threads: thr, dln: seconds(r.warm / 1000), numpy,
          note: `${r.warmHvps} HVPs per record (cold start ${r.coldHvps} HVPs, ${r.cold.toPrecision(3)} ms); numpy = eigvalsh of the same Hessian`,
        });
        rows.push({
          id: 'W8d', workload: `sharpness record, dense Hessian + eigvalsh, ${shape}`, backend, threads: thr, dln: seconds(r.dense / 1000), numpy,
          note: `dense/warm Lanczos = ${(r.dense / r.warm).toFixed(2)}; numpy times eigvalsh only (the Hessian given)`,
        });
      }
    } finally { rmSync(dir, { recursive: true, force: true }); }
    return rows;
  },
};

export const sharpnessBench: Workload[] = [w8];
