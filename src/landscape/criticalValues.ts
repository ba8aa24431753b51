import type { Stats } from '../model/stats.ts';
import { assertFitsData, maxRank } from '../model/network.ts';
import { ArgumentError } from '../errors.ts';
import { dataSpectrum, criticalValueOf } from './spectrum.ts';

/** One critical value of L and the index set that gives it. */
export interface CriticalValue {
  /** S ⊂ {1..d_y}, 1-based and ascending, |S| ≤ r_max. */
  readonly subset: number[];
  /** |S| = rank of the critical product. */
  readonly rank: number;
  /** ½(tr Σ_YY − Σ_{i∈S}λ_i). */
  readonly loss: number;
}

/** Every critical value of L over networks of the given widths (THEORY §3), from the spectrum of Σ. */
export interface CriticalValuesResult {
  /** Every critical value, ascending in loss (ties by rank, then lexicographically in S). */
  readonly values: CriticalValue[];
  /** S = {1..r_max}: the smallest value, the global minimum of L. */
  readonly globalMinimum: CriticalValue;
  /** c_r = ½(tr Σ_YY − Σ_{i≤r}λ_i) for r = 0..r_max: the plateau values (best rank-r losses). */
  readonly plateaus: number[];
  readonly rMax: number;
  /** Eigenvalues of Σ, descending. */
  readonly lambda: Float64Array;
  /** From dataSpectrum: repeated or zero eigenvalues of Σ. */
  readonly warnings: readonly string[];
}

/** Options of criticalValues. */
export interface CriticalValuesOptions {
  /** Largest number of index sets enumerated (Σ_{r≤r_max} C(d_y, r)); default 100000. */
  readonly maxCount?: number;
}

function binomial(n: number, k: number): number {
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return Math.round(c);
}

/**
 * The set of critical values { ½(tr Σ_YY − Σ_{i∈S}λ_i) : S ⊂ {1..d_y}, |S| ≤ r_max } of THEORY §5.3
 * (Propositions 1–2), every S listed with its value, sorted by loss.
 */
export function criticalValues(stats: Stats, dims: readonly number[], options: CriticalValuesOptions = {}): CriticalValuesResult {
  assertFitsData(dims, stats.dx, stats.dy);
  const spec = dataSpectrum(stats);
  const dy = spec.dy, rMax = maxRank(dims);
  const maxCount = options.maxCount ?? 100000;
  let count = 0;
  for (let r = 0; r <= rMax; r++) count += binomial(dy, r);
  if (count > maxCount) {
    throw new ArgumentError(`listing every critical value means ${count} index sets S ⊂ {1..${dy}} with |S| ≤ ${rMax}, more than the ${maxCount} dln enumerates; use smaller widths (r_max = min width) or data with fewer outputs d_y`);
  }
  const values: CriticalValue[] = [];
  const current: number[] = [];
  const visit = (next: number): void => {
    values.push({ subset: [...current], rank: current.length, loss: criticalValueOf(spec, current) });
    if (current.length === rMax) return;
    for (let i = next; i <= dy; i++) { current.push(i); visit(i + 1); current.pop(); }
  };
  visit(1);
  values.sort((a, b) => a.loss - b.loss || a.rank - b.rank || compareLex(a.subset, b.subset));
  const plateaus: number[] = [];
  for (let r = 0; r <= rMax; r++) plateaus.push(criticalValueOf(spec, Array.from({ length: r }, (_, i) => i + 1)));
  const top = Array.from({ length: rMax }, (_, i) => i + 1);
  const globalMinimum = { subset: top, rank: rMax, loss: plateaus[rMax] };
  return { values, globalMinimum, plateaus, rMax, lambda: spec.lambda, warnings: spec.warnings };
}

function compareLex(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}
