import type { Mat } from '../linalg/mat.ts';
import type { Stats } from '../model/stats.ts';
import { dimsOf, maxRank } from '../model/network.ts';
import { DEFAULT_GRADIENT_TOL, criticality } from './criticality.ts';
import { dataSpectrum, subsetOfCriticalPoint } from './spectrum.ts';
import { tightening, DEFAULT_RANK_TOL } from './tightening.ts';

/** The second-order type of a first-order critical point (THEORY §5.6). */
export type CriticalType = 'global-minimum' | 'strict-saddle' | 'non-strict-saddle';

/** A classification verdict: a CriticalType, or 'not-critical' when ∇L(W) is not ~0. */
export type Verdict = CriticalType | 'not-critical';

/**
 * Theorem 7's type from the shape of a critical point: depth n, r = |S|, r_max, whether S = {1..r},
 * and whether it is tightened (null: unknown, only decisive when r < r_max and S = {1..r}).
 */
export function expectedType(n: number, r: number, rMax: number, top: boolean, kind: 'strict' | 'non-strict' | null): CriticalType | null {
  if (r === rMax) return top ? 'global-minimum' : 'strict-saddle';
  if (!top || n === 2) return 'strict-saddle';
  if (kind === null) return null;
  return kind === 'strict' ? 'strict-saddle' : 'non-strict-saddle';
}

/** The verdict of Achour et al.'s Theorem 7 on W: global minimum, strict or non-strict saddle (or not critical), with the reason. */
export interface Theorem7Result {
  readonly type: Verdict;
  /** S (1-based), null when W is not critical. */
  readonly subset: number[] | null;
  /** r = |S| (null when not critical). */
  readonly rank: number | null;
  readonly rMax: number;
  readonly relativeGradient: number;
  /** The tightening test's answer where Theorem 7 needs it (r < r_max, S = {1..r}), else null. */
  readonly tightened: boolean | null;
  /** One sentence: which case of Theorem 7 applied. */
  readonly reason: string;
  /** Failed parts of Assumption 1 (repeated or zero eigenvalues of Σ): S may then be ambiguous. */
  readonly warnings: readonly string[];
}

/** Options of theorem7. */
export interface Theorem7Options {
  /** Relative gradient norm above which W is not critical; default 1e-8. */
  readonly gradientTol?: number;
  /** Relative rank threshold of the tightening test; default 1e-9. */
  readonly rankTol?: number;
}

/** Classifies W by Theorem 7 of AMG (THEORY §5.6): S from P, then r = r_max, S = {1..r} and tightening. */
export function theorem7(weights: readonly Mat[], stats: Stats, options: Theorem7Options = {}): Theorem7Result {
  const gradientTol = options.gradientTol ?? DEFAULT_GRADIENT_TOL;
  const dims = dimsOf(weights), rMax = maxRank(dims), n = weights.length;
  const warnings = dataSpectrum(stats).warnings;
  const crit = criticality(weights, stats, gradientTol);
  const sub = crit.critical ? subsetOfCriticalPoint(weights, stats, { gradientTol }) : null;
  if (sub === null) {
    const reason = `the relative gradient norm ${crit.relative.toExponential(2)} exceeds ${gradientTol}: not a first-order critical point`;
    return { type: 'not-critical', subset: null, rank: null, rMax, relativeGradient: crit.relative, tightened: null, reason, warnings };
  }
  const r = sub.rank, s = sub.subset;
  const top = s.every((v, i) => v === i + 1);
  const base = { subset: s, rank: r, rMax, relativeGradient: sub.relativeGradient, warnings };
  if (r === rMax) {
    return top
      ? { ...base, type: 'global-minimum', tightened: null, reason: `r = r_max = ${rMax} and S = {1..${rMax}}: a global minimiser` }
      : { ...base, type: 'strict-saddle', tightened: null, reason: `r = r_max = ${rMax} but S ≠ {1..${rMax}}: a strict saddle` };
  }
  if (!top) return { ...base, type: 'strict-saddle', tightened: null, reason: `r = ${r} < r_max and S ≠ {1..${r}}: a strict saddle` };
  if (n === 2) return { ...base, type: 'strict-saddle', tightened: false, reason: `N = 2, r = ${r} < r_max: no 2-layer critical point with r < r_max is tightened, a strict saddle` };
  const t = tightening(weights, stats, { gradientTol, rankTol: options.rankTol ?? DEFAULT_RANK_TOL });
  return t.tightened
    ? { ...base, type: 'non-strict-saddle', tightened: true, reason: `r = ${r} < r_max, S = {1..${r}} and every pivot is tightened: a non-strict saddle` }
    : { ...base, type: 'strict-saddle', tightened: false, reason: `r = ${r} < r_max, S = {1..${r}} and a pivot is not tightened: a strict saddle` };
}
