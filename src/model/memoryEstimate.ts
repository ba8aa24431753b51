/** Bytes a piece of work will hold at once, by part, and the longest single Float64Array it needs. */
export interface MemoryEstimate {
  /** Sum of the parts, in bytes. */
  total: number;
  parts: { name: string; bytes: number }[];
  /** Elements of the largest single Float64Array (JavaScript caps one typed array's length). */
  largestArray: number;
}

/** Bytes a retained trajectory record holds: the object, its six numbers and its r singular values. */
export function recordBytes(dims: readonly number[]): number {
  return 160 + 8 * Math.min(dims[0], dims[dims.length - 1]);
}

function estimate(parts: [string, number][], largestArray: number): MemoryEstimate {
  const kept = parts.filter(([, b]) => b > 0).map(([name, bytes]) => ({ name, bytes }));
  return { total: kept.reduce((s, p) => s + p.bytes, 0), parts: kept, largestArray };
}

/** Per-layer buffers of the balancedness measures: d_j² (twice) or, for wide layers, d_j·r and d_j·2r (THEORY §3.7). */
function balanceElements(dims: readonly number[]): { total: number; largest: number } {
  let total = 0, largest = 0;
  for (let j = 1; j < dims.length - 1; j++) {
    const d = dims[j], r = dims[j - 1] + dims[j + 1];
    const [a, b] = r < d ? [d * r, 2 * d * r] : [d * d, d * d];
    total += a + b; largest = Math.max(largest, a, b);
  }
  return { total, largest };
}

/**
 * The memory of training a network of widths dims: weights and gradients (8 bytes per parameter
 * each), the Runge–Kutta stages of the flow (13 parameter vectors), the gradient workspace (forward
 * and backward products Σ_j d_j·d_0, twice with the recorder's), the balancedness buffers, C_j(0),
 * and `records` trajectory records kept in memory.
 */
export function estimateTrainMemory(dims: readonly number[], options: { method: 'gd' | 'flow' | 'pgd'; records: number }): MemoryEstimate {
  let p = 0, largestLayer = 0, products = 0;
  for (let j = 1; j < dims.length; j++) { p += dims[j] * dims[j - 1]; largestLayer = Math.max(largestLayer, dims[j] * dims[j - 1]); }
  for (const d of dims) products += d * dims[0];
  const bal = balanceElements(dims);
  return estimate([
    ['weights', 8 * p],
    ['gradients', 8 * p],
    ['Runge–Kutta stages', options.method === 'flow' ? 13 * 8 * p : options.method === 'pgd' ? 2 * 8 * p : 0],
    ['workspaces', 8 * (4 * products + bal.total + bal.total / 3)],
    ['trajectory', options.records * recordBytes(dims)],
  ], Math.max(options.method === 'flow' ? p : largestLayer, bal.largest));
}

/**
 * The memory of the dense Hessian of p parameters (the p×p matrix, and as much again for its
 * eigenvalues) or of Lanczos (krylov vectors of p numbers, held in one array).
 */
export function estimateHessianMemory(p: number, options: { dense: boolean; krylov?: number }): MemoryEstimate {
  return options.dense
    ? estimate([['Hessian', 8 * p * p], ['eigensolver', 8 * p * p]], p * p)
    : estimate([['Krylov vectors', 8 * p * (options.krylov ?? 100)], ['workspaces', 8 * 8 * p]], p * (options.krylov ?? 100));
}

/** Bytes as a short text: 512 B, 3.4 MB, 12.0 GB (powers of 1000). */
export function formatBytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'];
  let i = 0, v = n;
  while (v >= 1000 && i < units.length - 1) { v /= 1000; i++; }
  return i === 0 ? `${Math.round(v)} B` : `${v.toPrecision(3)} ${units[i]}`;
}

/** The limits a MemoryEstimate is checked against. */
export interface MemoryLimit {
  /** Bytes the work may hold at once. */
  bytes: number;
  /** Where that limit comes from, for the message (e.g. "80% of this machine's 25.3 GB"). */
  source: string;
  /** The longest Float64Array the JavaScript engine can allocate. */
  maxArrayLength: number;
}

/**
 * undefined when est fits limit, else one line naming the work, the size, the estimate (and its
 * largest part), the limit and wayOut.
 */
export function memoryRefusal(est: MemoryEstimate, limit: MemoryLimit, what: string, wayOut: string): string | undefined {
  const biggest = est.parts.reduce((a, b) => (b.bytes > a.bytes ? b : a), { name: '', bytes: 0 });
  const parts = est.parts.map((p) => `${p.name} ${formatBytes(p.bytes)}`).join(', ');
  if (est.largestArray > limit.maxArrayLength) {
    return `${what} needs an array of ${est.largestArray.toExponential(2)} numbers, more than the ${limit.maxArrayLength.toExponential(2)} one array can hold; ${wayOut}`;
  }
  if (est.total <= limit.bytes) return undefined;
  return `${what} needs about ${formatBytes(est.total)} of memory (${parts}; mostly ${biggest.name}), more than the limit of ${formatBytes(limit.bytes)} (${limit.source}); ${wayOut}`;
}
