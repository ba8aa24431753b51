/**
 * THEORY §6.2: GD with η ≤ 1/β decreases f by ≥ (η/2)‖∇f‖² per step, so some iterate w_t with
 * t ≤ ⌊2(f(w₀) − f*)/(ηε²)⌋ has ‖∇f(w_t)‖ ≤ ε. Returns that index bound (0 when f(w₀) ≤ f*).
 */
export function stationaritySteps(f0: number, fStar: number, eta: number, epsilon: number): number {
  if (!(eta > 0 && epsilon > 0)) throw new RangeError(`stationaritySteps: need η > 0 and ε > 0, got η = ${eta}, ε = ${epsilon}`);
  return Math.max(0, Math.floor((2 * (f0 - fStar)) / (eta * epsilon * epsilon)));
}
