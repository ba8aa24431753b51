/** A power law y ≈ coefficient · x^slope. */
export interface PowerLaw { slope: number; coefficient: number; points: number }

/**
 * Least-squares fit of log y = log c + p log x over the pairs with x, y > 0 and finite. With slope
 * given, only c is fitted (geometric mean of y / x^p), e.g. slope 1 for an O(η) drift.
 */
export function loglogFit(x: ArrayLike<number>, y: ArrayLike<number>, slope?: number): PowerLaw {
  if (x.length !== y.length) throw new RangeError(`loglogFit: x has ${x.length} values, y has ${y.length}`);
  const lx: number[] = [];
  const ly: number[] = [];
  for (let i = 0; i < x.length; i++) {
    if (x[i] > 0 && y[i] > 0 && Number.isFinite(x[i]) && Number.isFinite(y[i])) {
      lx.push(Math.log(x[i]));
      ly.push(Math.log(y[i]));
    }
  }
  const n = lx.length;
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  if (slope !== undefined) {
    if (n < 1) throw new RangeError('loglogFit: no pair with x > 0 and y > 0');
    return { slope, coefficient: Math.exp(mean(ly.map((v, i) => v - slope * lx[i]))), points: n };
  }
  if (n < 2) throw new RangeError(`loglogFit: need 2 pairs with x > 0 and y > 0, got ${n}`);
  const mx = mean(lx);
  const my = mean(ly);
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (lx[i] - mx) ** 2;
    sxy += (lx[i] - mx) * (ly[i] - my);
  }
  if (sxx === 0) throw new RangeError('loglogFit: all x are equal, the slope is undetermined');
  const p = sxy / sxx;
  return { slope: p, coefficient: Math.exp(my - p * mx), points: n };
}
