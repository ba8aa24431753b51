import { totalmem } from 'node:os';
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

/** Refuses (InputError) a training run whose weights, workspaces and trajectory would not fit (estimateTrainMemory). */
export function checkTrainMemory(dims: readonly number[], method: 'gd' | 'flow' | 'pgd', steps: number, recordEvery: number, env: NodeJS.ProcessEnv): void {
  const records = Math.floor(steps / recordEvery) + 2;
  const est = estimateTrainMemory(dims, { method, records });
  const trajectory = est.parts.find((p) => p.name === 'trajectory')?.bytes ?? 0;
  const wayOut = trajectory > est.total / 2
    ? `record less often (--record-every ${Math.ceil((recordEvery * records * recordBytes(dims)) / (0.25 * memoryLimit(env).bytes))} or more) or take fewer --steps`
    : 'use smaller widths in --dims';
  assertFitsMemory(est, env, `--dims ${dims.join(',')} with ${method === 'flow' ? 'gradient flow' : method === 'pgd' ? 'perturbed GD' : 'gradient descent'} for ${steps} steps`, wayOut);
}
