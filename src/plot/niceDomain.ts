/** A closed interval [lo, hi] of an axis in data units. */
export type Domain = readonly [number, number];

/** 1, 2 or 5 times a power of ten, the smallest such step ≥ raw. */
function niceStep(raw: number): number {
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

/**
 * A rounded axis domain containing [lo, hi]: ends at 1, 2 or 5 times a power of ten on a log
 * axis, multiples of a 1-2-5 step (about `ticks` intervals, default 5) on a linear one. lo ≤ hi
 * finite; on a log axis both must be > 0.
 */
export function niceDomain(lo: number, hi: number, log: boolean, ticks = 5): Domain {
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo <= hi)) {
    throw new RangeError(`niceDomain: need finite lo <= hi, got [${lo}, ${hi}]`);
  }
  if (log) {
    if (lo <= 0) throw new RangeError(`niceDomain: log axis needs lo > 0, got ${lo}`);
    const down = 10 ** Math.floor(Math.log10(lo) + 1e-12);
    const up = 10 ** Math.floor(Math.log10(hi) - 1e-12);
    const a = [5, 2, 1].map((m) => m * down).find((v) => v <= lo * (1 + 1e-12)) ?? down;
    const b = [1, 2, 5, 10].map((m) => m * up).find((v) => v >= hi * (1 - 1e-12)) ?? 10 * up;
    return b > a ? [a, b] : [a, 2 * a];
  }
  if (lo === hi) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    return niceDomain(lo - pad, hi + pad, false, ticks);
  }
  const step = niceStep((hi - lo) / ticks);
  return [Math.floor(lo / step + 1e-9) * step, Math.ceil(hi / step - 1e-9) * step];
}

/** Position of v along an axis as a fraction: 0 at domain[0], 1 at domain[1]. */
export function axisFraction(v: number, domain: Domain, log: boolean): number {
  const t = log ? Math.log10 : (u: number) => u;
  return (t(v) - t(domain[0])) / (t(domain[1]) - t(domain[0]));
}

/** Extent [min, max] of the values of several arrays; undefined when they are all empty. */
export function extent(arrays: readonly ArrayLike<number>[]): Domain | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  for (const a of arrays) {
    for (let i = 0; i < a.length; i++) {
      if (a[i] < lo) lo = a[i];
      if (a[i] > hi) hi = a[i];
    }
  }
  return lo <= hi ? [lo, hi] : undefined;
}

/** d3 format of tick labels: exponent notation for only tiny or huge numbers, plain on other log axes, else vega's default. */
export function tickFormat(domain: Domain, log: boolean): string | undefined {
  const m = Math.max(Math.abs(domain[0]), Math.abs(domain[1]));
  if (m > 0 && (m < 1e-2 || m >= 1e5)) return '~e';
  return log ? '~g' : undefined;
}

/** The extent of positive values on a log axis, widened by pad of its log span on each side. */
export function padLogDomain(d: Domain, pad: number): Domain {
  const [a, b] = [Math.log10(d[0]), Math.log10(d[1])];
  const w = (b - a) * pad;
  return [10 ** (a - w), 10 ** (b + w)];
}

/**
 * Tick values of a log axis: the powers of ten in the domain (every 2nd, 3rd, … beyond 8 decades);
 * 1, 2, 5 × 10^k when it spans fewer than 3 decades; 1…9 × 10^k under one. Undefined when fewer
 * than 2 such ticks fit, leaving the choice to vega.
 */
export function logTicks(domain: Domain): number[] | undefined {
  const [lo, hi] = domain[0] <= domain[1] ? domain : [domain[1], domain[0]];
  const a = Math.floor(Math.log10(lo));
  const b = Math.ceil(Math.log10(hi));
  const decades = Math.log10(hi / lo);
  const mantissas = decades >= 3 ? [1] : decades >= 1 ? [1, 2, 5] : [1, 2, 3, 4, 5, 6, 7, 8, 9];
  const every = Math.max(1, Math.ceil(decades / 8));
  const ticks: number[] = [];
  for (let k = a; k <= b; k++) {
    if (decades >= 3 && k % every !== 0) continue;
    for (const m of mantissas) {
      const v = Number((m * 10 ** k).toPrecision(12));
      if (v >= lo * (1 - 1e-12) && v <= hi * (1 + 1e-12)) ticks.push(v);
    }
  }
  return ticks.length >= 2 ? ticks : undefined;
}
