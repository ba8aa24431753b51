import { rmSync } from 'node:fs';
import type { Mat } from '../src/linalg/mat.ts';
import { Rng } from '../src/linalg/rng.ts';
import { svd } from '../src/linalg/svd.ts';
import { eigh, eigvalsh } from '../src/linalg/eigh.ts';
import { statsFromData } from '../src/model/stats.ts';
import { initGaussian } from '../src/model/init.ts';
import { parameterCount } from '../src/model/network.ts';
import { hessian } from '../src/model/hessian.ts';
import type { BackendName } from '../src/linalg/backends/selectBackend.ts';
import { type BenchContext, type BenchRow, type Workload, backendThreads, medianTime, npy, seconds, tempDir, withBackend } from './common.ts';
import { decompositionFlops } from './flops.ts';
import { runNumpy } from './numpyRunner.ts';

const gaussian = (n: number, rng: Rng): Mat => ({ rows: n, cols: n, data: rng.fillNormal(new Float64Array(n * n)) });

function symmetric(n: number, rng: Rng): Mat {
  const a = gaussian(n, rng), s = gaussian(n, rng);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) s.data[i * n + j] = a.data[i * n + j] + a.data[j * n + i];
  return s;
}

/** Backends timed on the large decompositions: all of them, or with --quick the fastest only. */
const timedBackends = (ctx: BenchContext): BackendName[] => (ctx.quick ? ctx.backends.slice(0, 1) : ctx.backends);

/** The dense Hessian of a 16-32-32-16 network (2048 parameters) at a random point of random data. */
function networkHessian(ctx: BenchContext): { h: Mat; build: Map<BackendName, number>; dims: number[] } {
  const dims = [16, 32, 32, 16], rng = new Rng(9), m = 64;
  const x = { rows: 16, cols: m, data: rng.fillNormal(new Float64Array(16 * m)) };
  const y = { rows: 16, cols: m, data: rng.fillNormal(new Float64Array(16 * m)) };
  const stats = statsFromData({ x, y }), w = initGaussian(dims, rng, 0.3);
  const build = new Map<BackendName, number>();
  let h: Mat | undefined;
  for (const b of timedBackends(ctx)) build.set(b, withBackend(b, backendThreads(b, ctx), () => medianTime(() => { h = hessian(w, stats); }, 3, 2)));
  return { h: h as Mat, build, dims };
}

const w6: Workload = {
  id: 'W6',
  async run(ctx) {
    const rng = new Rng(8);
    const a = gaussian(512, rng), s = symmetric(1000, rng), hess = networkHessian(ctx);
    const p = parameterCount(hess.dims);
    const jobs: { id: string; name: string; op: 'svd' | 'eigh' | 'eigvalsh'; m: Mat; run: (m: Mat) => unknown; extra?: (b: BackendName) => string }[] = [
      { id: 'W6a', name: 'SVD 512×512 (U, s, Vᵀ full)', op: 'svd', m: a, run: (m) => svd(m, { full: true }) },
      { id: 'W6b', name: 'eigh 1000×1000 (values and vectors)', op: 'eigh', m: s, run: (m) => eigh(m) },
      {
        id: 'W6c', name: `Hessian spectrum, ${hess.dims.join('-')} network (${p} parameters)`, op: 'eigvalsh', m: hess.h, run: (m) => eigvalsh(m),
        extra: (b) => `; building the ${p}×${p} Hessian takes ${(1000 * (hess.build.get(b) ?? NaN)).toFixed(0)} ms more`,
      },
    ];
    const rows: BenchRow[] = [];
    const dir = tempDir();
    try {
      for (const job of jobs) {
        const np = new Map<number, { s: number; t: number | null }>();
        const numpyOn = (thr: number): { s: number; t: number | null } | undefined => {
          if (ctx.numpy && !np.has(thr)) {
            const r = runNumpy({ kind: 'decomp', op: job.op, matrix: npy(dir, `${job.id}.npy`, job.m), reps: ctx.quick ? 2 : 5 }, thr);
            np.set(thr, { s: r.seconds, t: r.blas_threads });
          }
          return np.get(thr);
        };
        for (const b of timedBackends(ctx)) {
          const thr = backendThreads(b, ctx);
          const sec = withBackend(b, thr, () => medianTime(() => job.run(job.m), ctx.quick ? 2 : 5, ctx.quick ? 1 : 5));
          const n = numpyOn(thr), one = thr > 1 ? numpyOn(1) : undefined;
          rows.push({
            id: job.id, workload: job.name, backend: b, threads: thr, dln: seconds(sec), flops: decompositionFlops[job.op](job.m.rows),
            ...(n ? { numpy: { ...seconds(n.s), threads: n.t } } : {}),
            note: `GFLOP/s from nominal flop counts${job.extra?.(b) ?? ''}${one ? `; numpy on 1 thread ${(1000 * one.s).toPrecision(3)} ms` : ''}${ctx.quick && ctx.backends.length > 1 ? '; --quick times the fastest backend only' : ''}`,
          });
        }
      }
    } finally { rmSync(dir, { recursive: true, force: true }); }
    return rows;
  },
};

export const decompositions: Workload[] = [w6];
