import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Mat, zeros, transposed } from '../src/linalg/mat.ts';
import { Rng } from '../src/linalg/rng.ts';
import { encodeNpy } from '../src/data/npy.ts';
import { reportSec4, reportSec5 } from '../src/data/generators.ts';
import { statsFromData, type Dataset } from '../src/model/stats.ts';
import { initGaussian } from '../src/model/init.ts';
import { cloneWeights } from '../src/model/network.ts';
import { trainGD } from '../src/optim/train.ts';
import { createBatch, setLane } from '../src/optim/batched/batch.ts';
import { trainBatchedParallel } from '../src/node/trainBatchedParallel.ts';
import { runNumpy } from './numpyRunner.ts';

export interface Measure { value: number; unit: string }
export interface BenchRow { id: string; workload: string; threads: number; dln: Measure; numpy?: Measure; note?: string }
export interface BenchContext { quick: boolean; numpy: boolean; threads: number }
export interface Workload { id: string; run(ctx: BenchContext): Promise<BenchRow[]> }

const tmp = (): string => mkdtempSync(join(tmpdir(), 'dln-bench-'));
const npy = (dir: string, name: string, m: Mat): string => { const p = join(dir, name); writeFileSync(p, encodeNpy(m)); return p; };

/** Median of a few timed repetitions of fn (seconds). */
function timeIt(fn: () => void, reps = 3): number {
  const t: number[] = [];
  for (let i = 0; i < reps; i++) { const s = performance.now(); fn(); t.push((performance.now() - s) / 1000); }
  return t.sort((a, b) => a - b)[Math.floor(t.length / 2)];
}

/** dln's trainGD vs numpy (raw data, as users write it; and from Σ_XX, Σ_YX) on one network. */
async function singleNetwork(id: string, name: string, data: Dataset, dims: number[], lr: number, steps: number, ctx: BenchContext): Promise<BenchRow[]> {
  const rng = new Rng(1);
  const w0 = initGaussian(dims, rng, 0.05);
  const stats = statsFromData(data);
  const sec = timeIt(() => { trainGD(stats, cloneWeights(w0), { schedule: { kind: 'constant', lr }, maxSteps: steps, recordEvery: steps }); });
  const rows: BenchRow[] = [];
  const dln = { value: steps / sec, unit: 'steps/s' };
  if (!ctx.numpy) return [{ id, workload: name, threads: 1, dln }];
  const dir = tmp();
  try {
    const job = { x: npy(dir, 'x.npy', transposed(data.x)), y: npy(dir, 'y.npy', transposed(data.y)), weights: w0.map((w, j) => npy(dir, `w${j + 1}.npy`, w)), lr, steps };
    const raw = runNumpy({ ...job, kind: 'raw' }, 1);
    const st = runNumpy({ ...job, kind: 'stats' }, 1);
    rows.push({ id, workload: name, threads: 1, dln, numpy: { value: steps / raw.seconds, unit: 'steps/s' }, note: 'numpy from raw data (Python loop, @)' });
    rows.push({ id: `${id}s`, workload: `${name} (numpy from Σ_XX, Σ_YX too)`, threads: 1, dln, numpy: { value: steps / st.seconds, unit: 'steps/s' }, note: 'numpy from sufficient statistics' });
  } finally { rmSync(dir, { recursive: true, force: true }); }
  return rows;
}

const w1: Workload = {
  id: 'W1',
  run: (ctx) => singleNetwork('W1', 'report data 1000×5, 5-4-4-5, GD', reportSec4(new Rng(1)), [5, 4, 4, 5], 2e-5, ctx.quick ? 1000 : 5000, ctx),
};

const w2: Workload = {
  id: 'W2',
  run: (ctx) => singleNetwork('W2', 'X 5×5, three 5×5 layers, GD', reportSec5(new Rng(1)), [5, 5, 5, 5], 1e-3, ctx.quick ? 1000 : 5000, ctx),
};

/** 1000 instances of W2 (own data and init each), all cores, vs numpy batched @. */
const w3: Workload = {
  id: 'W3',
  async run(ctx) {
    const lanes = 1000, steps = ctx.quick ? 200 : 2000, dims = [5, 5, 5, 5];
    const batch = createBatch(dims, lanes, true);
    const rng = new Rng(3);
    const d0 = 5;
    const sxx = zeros(lanes, d0 * d0), syx = zeros(lanes, d0 * d0), tryy = zeros(lanes, 1);
    const ws = dims.slice(1).map((d, j) => zeros(lanes, d * dims[j]));
    for (let l = 0; l < lanes; l++) {
      const s = statsFromData(reportSec5(rng));
      const w = initGaussian(dims, rng, 0.2);
      setLane(batch, l, w, s);
      sxx.data.set(s.sxx.data, l * 25); syx.data.set(s.syx.data, l * 25); tryy.data[l] = s.trYY;
      w.forEach((m, j) => ws[j].data.set(m.data, l * m.data.length));
    }
    const lr = 1e-3;
    const t0 = performance.now();
    await trainBatchedParallel(batch, { schedules: { kind: 'constant', lr }, maxSteps: steps }, ctx.threads);
    const sec = (performance.now() - t0) / 1000;
    const dln = { value: steps / sec, unit: 'batch-steps/s' };
    const row: BenchRow = { id: 'W3', workload: `W2 × ${lanes} networks, batched`, threads: ctx.threads, dln, note: `${(lanes * steps / sec / 1e6).toFixed(2)} M network-steps/s` };
    if (!ctx.numpy) return [row];
    const dir = tmp();
    try {
      const job = {
        kind: 'batched', steps,
        sxx: npyBatch(dir, 'sxx.npy', sxx.data, [lanes, d0, d0]), syx: npyBatch(dir, 'syx.npy', syx.data, [lanes, d0, d0]),
        tryy: npyBatch(dir, 'tryy.npy', tryy.data, [lanes]), lr: npyBatch(dir, 'lr.npy', new Float64Array(lanes).fill(lr), [lanes]),
        weights: ws.map((m, j) => npyBatch(dir, `w${j + 1}.npy`, m.data, [lanes, dims[j + 1], dims[j]])),
      };
      const r = runNumpy(job, ctx.threads);
      row.numpy = { value: steps / r.seconds, unit: 'batch-steps/s' };
    } finally { rmSync(dir, { recursive: true, force: true }); }
    return [row];
  },
};

/** An n-d float64 .npy written directly (encodeNpy handles 2-D matrices). */
function npyBatch(dir: string, name: string, data: Float64Array, shape: number[]): string {
  const header0 = `{'descr': '<f8', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const pad = 64 - ((10 + header0.length + 1) % 64);
  const header = header0 + ' '.repeat(pad % 64) + '\n';
  const bytes = new Uint8Array(10 + header.length + data.byteLength);
  bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 0xff, header.length >> 8]);
  for (let i = 0; i < header.length; i++) bytes[10 + i] = header.charCodeAt(i);
  bytes.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

export const workloads: Workload[] = [w1, w2, w3];
