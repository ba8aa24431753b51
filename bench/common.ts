import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Mat } from '../src/linalg/mat.ts';
import { encodeNpy } from '../src/data/npy.ts';
import { getBackend, setBackend } from '../src/linalg/backend.ts';
import { type BackendName, useBackend } from '../src/linalg/backends/selectBackend.ts';
import type { FmaPeak } from './peak.ts';

/** A figure of dln or numpy: a rate (perSecond, higher is faster) or a time per operation. */
export interface Measure { value: number; unit: string; perSecond: boolean }

/** A numpy figure with the thread count OpenBLAS reported inside the numpy process. */
export interface NumpyMeasure extends Measure { threads: number | null }

/** One line of the table. */
export interface BenchRow {
  id: string;
  workload: string;
  /** What ran dln's side: a kernel backend (ts, wasm, native) or a generated engine. */
  backend: string;
  /** Threads dln used (numpy was given as many). */
  threads: number;
  dln: Measure;
  numpy?: NumpyMeasure;
  /** Flops of one unit of dln's measure (a step, or one operation), for GFLOP/s and the share of peak. */
  flops?: number;
  note?: string;
}

export interface BenchContext {
  quick: boolean;
  numpy: boolean;
  /** Cores available: the threads of the multi-threaded workloads. */
  threads: number;
  /** Kernel backends that can run here, fastest first. */
  backends: BackendName[];
  peak: FmaPeak | null;
  /** Where figures go (bench/out). */
  outDir: string;
  /** Extra data for --json (W7's points). */
  extra: Record<string, unknown>;
}

export interface Workload { id: string; run(ctx: BenchContext): Promise<BenchRow[]> }

export const rate = (value: number, unit: string): Measure => ({ value, unit, perSecond: true });
export const seconds = (value: number): Measure => ({ value, unit: 's', perSecond: false });

/** dln's speed over numpy's (> 1: dln is faster), whichever way the figures are given. */
export function speedRatio(row: BenchRow): number {
  if (!row.numpy) return Number.NaN;
  return row.dln.perSecond ? row.dln.value / row.numpy.value : row.numpy.value / row.dln.value;
}

/** dln's GFLOP/s on the row (NaN without a flop count). */
export function gflops(row: BenchRow): number {
  if (row.flops === undefined) return Number.NaN;
  return (row.dln.perSecond ? row.dln.value * row.flops : row.flops / row.dln.value) / 1e9;
}

/** Median of a list. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
}

/** Median wall seconds of fn over reps runs (fewer when they exceed budget seconds; at least one). */
export function medianTime(fn: () => void, reps = 3, budget = Infinity): number {
  const t: number[] = [];
  const start = performance.now();
  while (t.length < reps && (t.length === 0 || (performance.now() - start) / 1000 < budget)) {
    const s = performance.now();
    fn();
    t.push((performance.now() - s) / 1000);
  }
  return median(t);
}

/**
 * Seconds per call of step: a first call (its time is the answer when it alone takes minSeconds);
 * else calls for minSeconds to let V8 compile and optimise them, then the median of three windows of
 * minSeconds / 3 (the machine's other load moves single windows).
 */
export function secondsPerStep(step: () => void, minSeconds: number, maxSteps = 1 << 20): number {
  const t0 = performance.now();
  step();
  const first = (performance.now() - t0) / 1000;
  if (first >= minSeconds) return first;
  for (let w = 0; w < maxSteps && performance.now() - t0 < 1000 * minSeconds; w++) step();
  const windows: number[] = [];
  for (let k = 0; k < 3; k++) {
    let n = 0;
    const s = performance.now();
    do { step(); n++; } while (n < maxSteps && performance.now() - s < (minSeconds * 1000) / 3);
    windows.push((performance.now() - s) / 1000 / n);
  }
  return median(windows);
}

/** Runs fn with the named backend selected (native on `threads` OpenBLAS threads), then restores the previous one. */
export function withBackend<T>(name: BackendName, threads: number, fn: () => T): T {
  const prev = getBackend();
  useBackend(name, { threads });
  try { return fn(); } finally { setBackend(prev); }
}

/** Threads a backend's kernels use in the bench: OpenBLAS gets every core, the others run on one. */
export const backendThreads = (name: BackendName, ctx: BenchContext): number => (name === 'native' ? ctx.threads : 1);

/** A fresh temporary directory for numpy's input files. */
export const tempDir = (): string => mkdtempSync(join(tmpdir(), 'dln-bench-'));

/** Writes a matrix as .npy and returns its path. */
export function npy(dir: string, name: string, m: Mat): string {
  const p = join(dir, name);
  writeFileSync(p, encodeNpy(m));
  return p;
}

/** An n-d float64 .npy written directly (encodeNpy handles 2-D matrices). */
export function npyArray(dir: string, name: string, data: Float64Array, shape: number[]): string {
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
