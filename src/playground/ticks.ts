// Axis ticks and tick labels of the playground's charts. uPlot's own tick loop never ends on some
// ranges (an infinite end; a range that its rounding collapsed to one value, as 0.9999999988 … 1 of a
// sharpness chart became [1, 1]), so every axis gets its ticks here: at most MAX_TICKS of them, for
// any range uPlot hands over.

/** The most ticks an axis gets, whatever the range and increment. */
export const MAX_TICKS = 50;

/**
 * Ticks of a log axis: powers of ten, at most about six of them; over a range of less than two
 * decades (one power of ten or none inside) also 2 and 5 times them; none for a range without two positive finite ends.
 */
export function decadeSplits(min: number, max: number): number[] {
  if (!(min > 0 && max > min && Number.isFinite(max))) return [];
  const lo = Math.ceil(Math.log10(min) - 1e-9), hi = Math.floor(Math.log10(max) + 1e-9);
  const step = Math.max(1, Math.ceil((hi - lo + 1) / 6));
  const out: number[] = [];
  if (hi - lo < 1) {
    for (let e = lo - 1; e <= hi; e++) {
      for (const m of [1, 2, 5]) {
        const v = Number((m * 10 ** e).toPrecision(15));
        if (v >= min * (1 - 1e-12) && v <= max * (1 + 1e-12)) out.push(v);
      }
    }
  } else {
    for (let e = lo; e <= hi; e += step) out.push(10 ** e);
  }
  if (out.length === 0) out.push(min, max);
  return out;
}

/**
 * Ticks of a linear axis: the multiples of incr (uPlot's choice of spacing) in [min, max]. None when
 * the range or incr is not finite, or when incr would give more than MAX_TICKS ticks (it is below the
 * range's rounding); one at min when the range is a single value.
 */
export function linearSplits(min: number, max: number, incr: number): number[] {
  if (!(Number.isFinite(min) && Number.isFinite(max) && max >= min)) return [];
  if (max === min) return [min];
  if (!(incr > 0 && Number.isFinite(incr))) return [];
  const first = Math.ceil(min / incr), last = Math.floor(max / incr);
  if (!(Number.isFinite(first) && Number.isFinite(last)) || last - first + 1 > MAX_TICKS) return [];
  const out: number[] = [];
  for (let k = first; k <= last; k++) {
    // k·incr to 15 significant digits: 0.1·3 is 0.3 here, not 0.30000000000000004.
    const v = Number((k * incr).toPrecision(15));
    out.push(Object.is(v, -0) ? 0 : v);
  }
  return out;
}

/** A linear axis's tick: small and huge values in exponent form (uPlot's own labels round 1e-4 to 0). */
export function linearLabel(v: number | null): string {
  if (v === null) return '';
  const a = Math.abs(v);
  if (v === 0) return '0';
  if (a < 1e-3 || a >= 1e7) return v.toExponential(1).replace('e+', 'e');
  return v.toLocaleString('en', { maximumSignificantDigits: 4 });
}

/** A log axis's tick: powers of ten from 1e3 and below 1e-3 as 1eN, others with three significant digits. */
export function logLabel(v: number | null): string {
  if (v === null || !(v > 0)) return '';
  const e = Math.log10(v);
  return Math.abs(e - Math.round(e)) < 1e-9 && Math.abs(e) >= 3 ? `1e${Math.round(e)}` : String(Number(v.toPrecision(3)));
}
