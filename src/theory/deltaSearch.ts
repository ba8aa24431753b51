/** Settings of deltaSearch; every field states its default. */
export interface DeltaSearchOptions {
  /** The search runs over δ > lower (NRT: lower = bal(W(0)), THEORY §4.4(b)). Default 0. */
  lower?: number;
  /** Typical size of δ − lower; the grid is centred on it in log scale. Default max(lower, 1). */
  scale?: number;
  /** Decades searched on each side of scale. Default 8. */
  decades?: number;
  /** Grid points per decade. Default 10. */
  pointsPerDecade?: number;
  /** Golden-section stops when the bracket in log(δ − lower) is narrower than this. Default 1e-10. */
  tolerance?: number;
}

/** Outcome of deltaSearch. */
export interface DeltaSearchResult {
  /** The maximiser found. */
  delta: number;
  /** objective(delta). */
  value: number;
  /** Number of objective evaluations. */
  evaluations: number;
  /** True when the best grid point was the first or last one: the maximum may lie outside the grid. */
  atGridEdge: boolean;
}

const INV_PHI = (Math.sqrt(5) - 1) / 2;

/**
 * Maximises objective(δ) over δ > lower (THEORY §4.4(b)): a log grid in u = δ − lower, then
 * golden-section refinement in log u between the best grid point's neighbours. Non-finite objective
 * values count as −∞. Assumes the objective is unimodal near its maximum, as η_max(δ) of (2.8) is.
 */
export function deltaSearch(objective: (delta: number) => number, options: DeltaSearchOptions = {}): DeltaSearchResult {
  const lower = options.lower ?? 0;
  const scale = options.scale ?? Math.max(lower, 1);
  const decades = options.decades ?? 8;
  const perDecade = options.pointsPerDecade ?? 10;
  const tol = options.tolerance ?? 1e-10;
  if (!(Number.isFinite(lower) && lower >= 0)) throw new RangeError(`deltaSearch: lower must be a finite number ≥ 0, got ${lower}`);
  if (!(Number.isFinite(scale) && scale > 0)) throw new RangeError(`deltaSearch: scale must be a finite number > 0, got ${scale}`);
  if (!(decades > 0 && Number.isInteger(perDecade) && perDecade >= 1)) {
    throw new RangeError(`deltaSearch: need decades > 0 and an integer pointsPerDecade ≥ 1, got ${decades}, ${perDecade}`);
  }
  let evaluations = 0;
  const f = (logU: number): number => {
    evaluations++;
    const v = objective(lower + Math.exp(logU));
    return Number.isFinite(v) ? v : -Infinity;
  };
  const step = Math.LN10 / perDecade;
  const count = 2 * Math.round(decades * perDecade) + 1;
  const start = Math.log(scale) - decades * Math.LN10;
  let best = 0, bestValue = -Infinity;
  for (let i = 0; i < count; i++) {
    const v = f(start + i * step);
    if (v > bestValue) { bestValue = v; best = i; }
  }
  const atGridEdge = best === 0 || best === count - 1;
  let a = start + Math.max(best - 1, 0) * step, b = start + Math.min(best + 1, count - 1) * step;
  let c = b - INV_PHI * (b - a), d = a + INV_PHI * (b - a);
  let fc = f(c), fd = f(d);
  while (b - a > tol) {
    if (fc >= fd) { b = d; d = c; fd = fc; c = b - INV_PHI * (b - a); fc = f(c); }
    else { a = c; c = d; fc = fd; d = a + INV_PHI * (b - a); fd = f(d); }
  }
  let logU = start + best * step, value = bestValue;
  if (fc > value) { value = fc; logU = c; }
  if (fd > value) { value = fd; logU = d; }
  return { delta: lower + Math.exp(logU), value, evaluations, atGridEdge };
}
