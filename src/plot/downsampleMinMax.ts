/** Points of one series after downsampling. */
export interface XY { x: number[]; y: number[] }

function isNonDecreasing(x: ArrayLike<number>): boolean {
  for (let i = 1; i < x.length; i++) if (x[i] < x[i - 1]) return false;
  return true;
}

/**
 * Keeps at most maxPoints of the n points (x[i], y[i]) such that a line through them looks like the
 * full series: the first and last points, and in each of ⌊(maxPoints − 2)/2⌋ buckets the points with
 * the smallest and largest y, in their original order. When x is non-decreasing the buckets are equal
 * widths of the axis (of log10 x when logX; all x must then be > 0), so a log axis keeps its early
 * steps; otherwise they are equal runs of indices. Returns copies; n ≤ maxPoints keeps every point.
 */
export function downsampleMinMax(x: ArrayLike<number>, y: ArrayLike<number>, maxPoints: number, logX = false): XY {
  const n = x.length;
  if (y.length !== n) throw new RangeError(`downsampleMinMax: x has ${n} points, y has ${y.length}`);
  if (!(maxPoints >= 4)) throw new RangeError(`downsampleMinMax: maxPoints must be >= 4, got ${maxPoints}`);
  if (n <= maxPoints) return { x: Array.from(x), y: Array.from(y) };
  const buckets = Math.floor((maxPoints - 2) / 2);
  const lo = new Int32Array(buckets).fill(-1);
  const hi = new Int32Array(buckets).fill(-1);
  const byAxis = isNonDecreasing(x);
  const t = logX ? Math.log10 : (u: number) => u;
  const t0 = t(x[0]);
  const span = t(x[n - 1]) - t0;
  for (let i = 1; i < n - 1; i++) {
    const f = byAxis ? (span > 0 ? (t(x[i]) - t0) / span : 0) : i / n;
    const b = Math.min(buckets - 1, Math.max(0, Math.floor(f * buckets)));
    if (lo[b] < 0 || y[i] < y[lo[b]]) lo[b] = i;
    if (hi[b] < 0 || y[i] > y[hi[b]]) hi[b] = i;
  }
  const keep = [0];
  for (let b = 0; b < buckets; b++) {
    if (lo[b] < 0) continue;
    keep.push(Math.min(lo[b], hi[b]));
    if (hi[b] !== lo[b]) keep.push(Math.max(lo[b], hi[b]));
  }
  keep.push(n - 1);
  return { x: keep.map((i) => x[i]), y: keep.map((i) => y[i]) };
}
