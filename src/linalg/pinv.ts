import { type Mat, isFiniteMat, zeros } from './mat.ts';
import { singularValues, svd } from './svd.ts';

/** The default relative cutoff max(m, n)·ε of numpy.linalg.matrix_rank (and of pinv with rtol=None). */
function defaultRtol(a: Mat): number {
  return Math.max(a.rows, a.cols) * Number.EPSILON;
}

function checkFinite(fn: string, a: Mat, rtol: number): void {
  if (!isFiniteMat(a)) throw new RangeError(`${fn}: matrix has non-finite entries`);
  if (!(rtol >= 0)) throw new RangeError(`${fn}: rtol must be a non-negative number, got ${rtol}`);
}

/**
 * Moore–Penrose pseudo-inverse a⁺ = V·diag(1/σ_i)·Uᵀ (n×m) of an m×n matrix, keeping the singular
 * values σ_i > rtol·σ₁ (the others count as zero); rtol defaults to max(m, n)·ε.
 */
export function pinv(a: Mat, rtol: number = defaultRtol(a)): Mat {
  checkFinite('pinv', a, rtol);
  const { rows: m, cols: n } = a, out = zeros(n, m);
  if (Math.min(m, n) === 0) return out;
  const { u, s, vt } = svd(a), k = s.length, cutoff = rtol * s[0];
  let r = 0;
  while (r < k && s[r] > cutoff) r++;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let acc = 0;
      for (let p = 0; p < r; p++) acc += (vt.data[p * n + i] / s[p]) * u.data[j * k + p];
      out.data[i * m + j] = acc;
    }
  }
  return out;
}

/** rank(a) = #{i : σ_i > rtol·σ₁}, rtol defaulting to max(m, n)·ε (numpy.linalg.matrix_rank); 0 for a zero matrix. */
export function numericalRank(a: Mat, rtol: number = defaultRtol(a)): number {
  checkFinite('numericalRank', a, rtol);
  const s = singularValues(a);
  if (s.length === 0) return 0;
  let r = 0;
  while (r < s.length && s[r] > rtol * s[0]) r++;
  return r;
}
