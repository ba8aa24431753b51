import type { Mat } from '../linalg/mat.ts';
import type { Stats } from '../model/stats.ts';
import { dimsOf, maxRank } from '../model/network.ts';
import { DEFAULT_GRADIENT_TOL, criticality } from './criticality.ts';
import { dataSpectrum } from './spectrum.ts';
import { subsetOfCriticalPoint } from './subsetOfCriticalPoint.ts';
import { tightening, DEFAULT_RANK_TOL } from './tightening.ts';

/** The second-order type of a first-order critical point (THEORY §5.6). */
export type CriticalType = 'global-minimum' | 'strict-saddle' | 'non-strict-saddle';

/** A classification verdict: a CriticalType, or 'not-critical' when ∇L(W) is not ~0. */
export type Verdict = CriticalType | 'not-critical';

/**
 * The case of Theorem 7 (THEORY §5.6) that a critical point's shape selects — depth n, r = |S|, r_max,
 * whether S = {1..r}, and whether it is tightened (kind; null: unknown) — with its type (null when
 * only tightening decides, i.e. r < r_max, S = {1..r}, n ≥ 3 and kind unknown) and the reason.
 */
function theorem7Case(n: number, r: number, rMax: number, top: boolean, kind: 'strict' | 'non-strict' | null): { type: CriticalType | null; reason: string } {
  if (r === rMax) {
    return top
      ? { type: 'global-minimum', reason: `r = r_max = ${rMax} and S = {1..${rMax}}: a global minimiser` }
      : { type: 'strict-saddle', reason: `r = r_max = ${rMax} but S ≠ {1..${rMax}}: a strict saddle` };
  }
  if (!top) return { type: 'strict-saddle', reason: `r = ${r} < r_max and S ≠ {1..${r}}: a strict saddle` };
  if (n === 2) return { type: 'strict-saddle', reason: `N = 2, r = ${r} < r_max: no 2-layer critical point with r < r_max is tightened, a strict saddle` };
  if (kind === null) return { type: null, reason: `r = ${r} < r_max and S = {1..${r}}: tightening decides` };
  return kind === 'non-strict'
    ? { type: 'non-strict-saddle', reason: `r = ${r} < r_max, S = {1..${r}} and every pivot is tightened: a non-strict saddle` }
    : { type: 'strict-saddle', reason: `r = ${r} < r_max, S = {1..${r}} and a pivot is not tightened: a strict saddle` };
}

/**
 * Theorem 7's type from the shape of a critical point: depth n, r = |S|, r_max, whether S = {1..r},
 * and whether it is tightened (null: unknown, only decisive when r < r_max and S = {1..r}).
 */
export function expectedType(n: number, r: number, rMax: number, top: boolean, kind: 'strict' | 'non-strict' | null): CriticalType | null {
  return theorem7Case(n, r, rMax, top, kind).type;
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
  let found = theorem7Case(n, r, rMax, top, null);
  let tightened: boolean | null = n === 2 && r < rMax && top ? false : null;
  if (found.type === null) {
    tightened = tightening(weights, stats, { gradientTol, rankTol: options.rankTol ?? DEFAULT_RANK_TOL }).tightened;
    found = theorem7Case(n, r, rMax, top, tightened ? 'non-strict' : 'strict');
  }
  return { ...base, type: found.type as CriticalType, tightened, reason: found.reason }; // with a kind, every case decides
}
