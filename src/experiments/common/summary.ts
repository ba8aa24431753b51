import type { Check } from '../types.ts';

/** The q-quantile (0 ≤ q ≤ 1) of the finite values, linear interpolation between order statistics (numpy's default); NaN when none. */
export function quantile(values: ArrayLike<number>, q: number): number {
  const v = Array.from(values).filter(Number.isFinite).sort((a, b) => a - b);
  if (v.length === 0) return Number.NaN;
  const pos = q * (v.length - 1), lo = Math.floor(pos), hi = Math.ceil(pos);
  return v[lo] + (pos - lo) * (v[hi] - v[lo]);
}

/** The median of the finite values (NaN when none). */
export function median(values: ArrayLike<number>): number {
  return quantile(values, 0.5);
}

/**
 * The median of a sample in which `censored` further values are only known to exceed every listed
 * one (runs that had not escaped when they were stopped): +∞ when half or more are censored.
 */
export function censoredMedian(values: ArrayLike<number>, censored: number): number {
  const v = Array.from(values).filter(Number.isFinite).sort((a, b) => a - b);
  const n = v.length + censored;
  if (n === 0) return Number.NaN;
  const pos = 0.5 * (n - 1), lo = Math.floor(pos), hi = Math.ceil(pos);
  if (hi >= v.length) return Infinity;
  return v[lo] + (pos - lo) * (v[hi] - v[lo]);
}

/** x with `digits` significant digits as a number (for headlines and tables). */
export function sig(x: number, digits = 3): number {
  return Number.isFinite(x) && x !== 0 ? Number(x.toPrecision(digits)) : x;
}

/** x as a short string: 3 significant digits, exponent form for very small or large magnitudes. */
export function fmt(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  return a >= 1e-3 && a < 1e5 ? String(Number(x.toPrecision(digits))) : x.toExponential(digits - 1);
}

/** A check with its outcome and a detail line saying what was measured. */
export function check(name: string, passed: boolean, detail: string): Check {
  return { name, passed, detail };
}

/** 10/50/90 % quantiles as a short string "a / b / c". */
export function q109050(values: ArrayLike<number>): string {
  return [0.1, 0.5, 0.9].map((q) => fmt(quantile(values, q))).join(' / ');
}

const SUBSCRIPTS = '₀₁₂₃₄₅₆₇₈₉';

/** A non-negative integer in Unicode subscript digits (c₃, λ₁₂). */
export function subscript(n: number): string {
  return String(n).split('').map((d) => SUBSCRIPTS[Number(d)] ?? d).join('');
}
