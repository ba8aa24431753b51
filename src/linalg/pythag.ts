/**
 * √(a² + b²) to within about one ulp. V8's Math.hypot rescales its arguments first and is off by
 * several ulps, which measurably loosens the orthogonality of rotations and reflectors built from
 * it (2.5× in bdsqr), so the plain formula is used unless the squares would leave the normal range.
 */
export function pythag(a: number, b: number): number {
  const r = Math.sqrt(a * a + b * b);
  return r > 1e-150 && r < 1e150 ? r : Math.hypot(a, b);
}
