/** Moves the outer edges out to min and max where rounding (10 ** (j / m), j · step) left them a hair inside. */
function cover(edges: number[], min: number, max: number): number[] {
  if (edges[0] > min) edges[0] = min;
  if (edges[edges.length - 1] < max) edges[edges.length - 1] = max;
  return edges;
}

/**
 * Edges e[0] < e[1] < … < e[k] of about `count` bins covering [min, max]. Linear bins have a 1-2-5
 * width and edges on its multiples; log bins (min > 0 required) have m edges a decade at 10^(j/m),
 * so edges fall on powers of ten. min == max gives one bin around the value.
 */
export function binEdges(min: number, max: number, count: number, log = false): number[] {
  if (!(Number.isFinite(min) && Number.isFinite(max) && min <= max)) throw new RangeError(`binEdges: need finite min <= max, got [${min}, ${max}]`);
  if (!(Number.isInteger(count) && count >= 1)) throw new RangeError(`binEdges: count must be a positive integer, got ${count}`);
  if (log) {
    if (min <= 0) throw new RangeError(`binEdges: log bins need min > 0, got ${min}`);
    const lo = Math.log10(min);
    const hi = Math.log10(max);
    const perDecade = Math.max(1, Math.round(count / Math.max(hi - lo, 1e-9)));
    const m = Math.min(perDecade, 100);
    const a = Math.floor(lo * m + 1e-9);
    const b = Math.max(a + 1, Math.ceil(hi * m - 1e-9));
    return cover(Array.from({ length: b - a + 1 }, (_, j) => 10 ** ((a + j) / m)), min, max);
  }
  if (min === max) {
    const w = min === 0 ? 1 : Math.abs(min) * 0.1;
    return [min - w / 2, min + w / 2];
  }
  const raw = (max - min) / count;
  const p = 10 ** Math.floor(Math.log10(raw));
  const r = raw / p;
  const step = (r <= 1 ? 1 : r <= 2 ? 2 : r <= 5 ? 5 : 10) * p;
  const a = Math.floor(min / step + 1e-9);
  const b = Math.max(a + 1, Math.ceil(max / step - 1e-9));
  return cover(Array.from({ length: b - a + 1 }, (_, j) => (a + j) * step), min, max);
}

/** Counts of values in the bins [e[j], e[j+1]) (the last bin also holds e[k]); values outside are not counted. */
export function binCounts(values: ArrayLike<number>, edges: readonly number[]): number[] {
  const k = edges.length - 1;
  const counts = new Array<number>(k).fill(0);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!(v >= edges[0] && v <= edges[k])) continue;
    let lo = 0;
    let hi = k;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (v >= edges[mid]) lo = mid;
      else hi = mid;
    }
    counts[lo]++;
  }
  return counts;
}
