import { statfsSync } from 'node:fs';
import { totalmem } from 'node:os';
import { dirname, resolve } from 'node:path';
import { InputError } from '../errors.ts';
import { type MemoryEstimate, type MemoryLimit, estimateTrainMemory, formatBytes, memoryRefusal, recordBytes } from '../model/index.ts';

/** The longest Float64Array V8 allocates (Node 20: 2³² elements). */
const MAX_ARRAY_LENGTH = 2 ** 32;

/** Bytes from DLN_MEMORY_LIMIT's text: a number with an optional k, M, G or T suffix (powers of 1000; KiB-style 1024 with "i"). */
export function parseMemorySize(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kMGT]?)(i?)B?\s*$/i.exec(text);
  if (m === null) return undefined;
  const power = ' KMGT'.indexOf(m[2].toUpperCase() || ' ');
  return Number(m[1]) * (m[3] ? 1024 : 1000) ** power;
}

/** The memory dln allows itself: DLN_MEMORY_LIMIT when set, else 80% of this machine's memory. */
export function memoryLimit(env: NodeJS.ProcessEnv): MemoryLimit {
  const text = env.DLN_MEMORY_LIMIT;
  if (text !== undefined && text !== '') {
    const bytes = parseMemorySize(text);
    if (bytes === undefined || !(bytes > 0)) throw new InputError(`DLN_MEMORY_LIMIT must be a size such as 8G or 500M, got '${text}'`);
    return { bytes, source: 'DLN_MEMORY_LIMIT', maxArrayLength: MAX_ARRAY_LENGTH };
  }
  const total = totalmem();
  return { bytes: 0.8 * total, source: `80% of this machine's ${formatBytes(total)}; DLN_MEMORY_LIMIT sets another`, maxArrayLength: MAX_ARRAY_LENGTH };
}

/** Throws an InputError (one line: what, estimate, limit, way out) unless est fits the memory limit. */
export function assertFitsMemory(est: MemoryEstimate, env: NodeJS.ProcessEnv, what: string, wayOut: string): void {
  const refusal = memoryRefusal(est, memoryLimit(env), what, wayOut);
  if (refusal !== undefined) throw new InputError(refusal);
}

/** Bytes of one trajectory.csv line (shortest round-trip numbers are at most 24 characters and a comma). */
function csvLineBytes(dims: readonly number[], flow: boolean): number {
  return 25 * (6 + (flow ? 1 : 0) + Math.min(dims[0], dims[dims.length - 1]));
}

/**
 * Refuses (InputError) a training run whose weights, workspaces and kept trajectory (at most retain
 * records, GD or flow) would not fit in memory (estimateTrainMemory), or whose trajectory.csv would not
 * fit on the disk of outDir.
 */
export function checkTrainMemory(dims: readonly number[], method: 'gd' | 'flow' | 'pgd', steps: number, recordEvery: number, env: NodeJS.ProcessEnv, retain = Infinity, outDir?: string): void {
  const produced = Math.floor(steps / recordEvery) + 2;
  const records = Math.min(produced, retain + 1);
  const est = estimateTrainMemory(dims, { method, records });
  const trajectory = est.parts.find((p) => p.name === 'trajectory')?.bytes ?? 0;
  const every = (budget: number, bytesPerRecord: number): number => Math.ceil((recordEvery * produced * bytesPerRecord) / budget);
  const wayOut = trajectory > est.total / 2
    ? `record less often (--record-every ${every(0.25 * memoryLimit(env).bytes, recordBytes(dims))} or more) or take fewer --steps`
    : 'use smaller widths in --dims';
  const what = `--dims ${dims.join(',')} with ${method === 'flow' ? 'gradient flow' : method === 'pgd' ? 'perturbed GD' : 'gradient descent'} for ${steps} steps`;
  assertFitsMemory(est, env, what, wayOut);
  if (outDir === undefined) return;
  const csv = produced * csvLineBytes(dims, method === 'flow');
  const free = freeDiskBytes(outDir);
  if (free !== undefined && csv > free) {
    throw new InputError(`${what} records ${produced} rows into trajectory.csv, about ${formatBytes(csv)}, more than the ${formatBytes(free)} free on the disk of ${outDir}; record less often (--record-every ${every(0.5 * free, csvLineBytes(dims, method === 'flow'))} or more) or take fewer --steps`);
  }
}

/** Bytes free for this user on the file system that holds path (or its nearest existing parent); undefined when unknown. */
function freeDiskBytes(path: string): number | undefined {
  for (let p = resolve(path); ; p = dirname(p)) {
    try {
      const s = statfsSync(p);
      return s.bavail * s.bsize;
    } catch {
      if (dirname(p) === p) return undefined;
    }
  }
}
