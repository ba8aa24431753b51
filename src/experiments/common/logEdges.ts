/** The largest of 1, 2, 5 × 10^k at most x (x > 0). */
function floor125(x: number): number {
  const p = 10 ** Math.floor(Math.log10(x));
  return [5, 2, 1].map((m) => m * p).find((v) => v <= x * (1 + 1e-12)) ?? p;
}

/** The smallest of 1, 2, 5 × 10^k at least x (x > 0). */
function ceil125(x: number): number {
  const p = 10 ** Math.floor(Math.log10(x));
  return [1, 2, 5, 10].map((m) => m * p).find((v) => v >= x * (1 - 1e-12)) ?? 10 * p;
}

/**
 * count + 1 log-spaced histogram edges from the nearest 1-2-5 value below the smallest positive value
 * to the nearest one above the largest, so that a log axis starts and ends on labelled ticks.
 */
export function niceLogEdges(values: ArrayLike<number>, count: number): number[] {
  const v = Array.from(values).filter((x) => Number.isFinite(x) && x > 0);
  if (v.length === 0) return [1, 10];
  const lo = floor125(Math.min(...v)), hi = ceil125(Math.max(...v) * 1.0001);
  return Array.from({ length: count + 1 }, (_, i) => lo * (hi / lo) ** (i / count));
}
