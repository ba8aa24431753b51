import { ArgumentError } from '../errors.ts';

function checkMode(fn: string, s: number, n: number): void {
  if (!(Number.isFinite(s) && s > 0)) throw new ArgumentError(`${fn}: the target singular value s must be positive and finite, got ${s}`);
  if (!(Number.isInteger(n) && n >= 1)) throw new ArgumentError(`${fn}: the depth N must be an integer ≥ 1, got ${n}`);
}

/**
 * GD on one aligned, balanced mode (THEORY §14.2): a_{k+1} = a_k + η(s − a_k^N)a_k^{N−1}, k = 0..steps;
 * every layer's singular value of the mode is a_k and the product's is a_k^N. Stops early at a non-finite value.
 */
export function saxeGdMode(a0: number, s: number, n: number, eta: number, steps: number): Float64Array {
  checkMode('saxeGdMode', s, n);
  const out = new Float64Array(steps + 1);
  out[0] = a0;
  let a = a0;
  for (let k = 1; k <= steps; k++) {
    const an1 = a ** (n - 1);
    a = a + eta * (s - an1 * a) * an1;
    out[k] = a;
    if (!Number.isFinite(a)) { out.fill(Number.NaN, k); break; }
  }
  return out;
}

// 10-point Gauss–Legendre nodes and weights on [−1, 1].
const GL_X = [-0.9739065285171717, -0.8650633666889845, -0.6794095682990244, -0.4333953941292472, -0.1488743389816312,
  0.1488743389816312, 0.4333953941292472, 0.6794095682990244, 0.8650633666889845, 0.9739065285171717];
const GL_W = [0.0666713443086881, 0.1494513491505806, 0.219086362515982, 0.2692667193099963, 0.2955242247147529,
  0.2955242247147529, 0.2692667193099963, 0.219086362515982, 0.1494513491505806, 0.0666713443086881];

/** ∫_lo^hi f by 16 panels of 10-point Gauss–Legendre. */
function quad(f: (x: number) => number, lo: number, hi: number): number {
  const panels = 16, h = (hi - lo) / panels;
  let sum = 0;
  for (let p = 0; p < panels; p++) {
    const mid = lo + (p + 0.5) * h;
    for (let i = 0; i < 10; i++) sum += GL_W[i] * f(mid + 0.5 * h * GL_X[i]);
  }
  return 0.5 * h * sum;
}

/**
 * Gradient-flow time for a mode's product singular value to move from σ0 to σ (THEORY §14.3):
 * t = (1/s)[(a^{2−N} − a0^{2−N})/(2−N) + ∫_{a0}^{a} x/(s − x^N) dx], a = σ^{1/N} (logarithm at N = 2:
 * t = ln(σ(s−σ0)/(σ0(s−σ)))/(2s)); the integral's pole at x = s^{1/N} is subtracted analytically.
 * σ0 and σ must lie strictly on the same side of s, with σ0, σ > 0.
 */
export function saxeFlowTime(sigma0: number, sigma: number, s: number, n: number): number {
  checkMode('saxeFlowTime', s, n);
  if (!(sigma0 > 0 && sigma > 0) || (sigma0 - s) * (sigma - s) <= 0) {
    throw new ArgumentError(`saxeFlowTime: σ0 = ${sigma0} and σ = ${sigma} must be positive and on the same side of s = ${s}`);
  }
  if (n === 2) return Math.log((sigma * (s - sigma0)) / (sigma0 * (s - sigma))) / (2 * s);
  const a0 = sigma0 ** (1 / n), a = sigma ** (1 / n), r = s ** (1 / n);
  const c = r ** (2 - n) / n;
  const smooth = quad((x) => x / (s - x ** n) - c / (r - x), a0, a);
  const pole = c * Math.log((r - a0) / (r - a));
  const power = (a ** (2 - n) - a0 ** (2 - n)) / (2 - n);
  return (power + smooth + pole) / s;
}

/**
 * The product's singular value σ(t) of one mode under gradient flow, dσ/dt = Nσ^{2−2/N}(s − σ)
 * (THEORY §14.1): the logistic σ(t) = sσ0e^{2st}/(s + σ0(e^{2st} − 1)) at N = 2, else saxeFlowTime inverted by safeguarded Newton.
 */
export function saxeFlowValue(sigma0: number, s: number, n: number, t: number): number {
  checkMode('saxeFlowValue', s, n);
  if (!(sigma0 > 0) || !(t >= 0)) throw new ArgumentError(`saxeFlowValue: needs σ0 > 0 and t ≥ 0, got σ0 = ${sigma0}, t = ${t}`);
  if (sigma0 === s || t === 0) return sigma0;
  if (n === 2) {
    const e = Math.exp(-2 * s * t);
    return (s * sigma0) / (sigma0 + (s - sigma0) * e);
  }
  // Safeguarded Newton on t(σ) − t = 0 (dt/dσ = 1/(Nσ^{2−2/N}(s − σ))), bracketed between σ0 and s.
  let lo = Math.min(sigma0, s), hi = Math.max(sigma0, s);
  const up = sigma0 < s;
  let x = up ? Math.min(s * (1 - 1e-12), sigma0 * Math.exp(n * s * t)) : Math.max(s * (1 + 1e-12), s + (sigma0 - s) * Math.exp(-t));
  x = Math.min(Math.max(x, lo), hi);
  for (let it = 0; it < 100; it++) {
    const inside = x > lo && x < hi;
    const f = inside ? saxeFlowTime(sigma0, x, s, n) - t : Number.NaN;
    if (inside && Math.abs(f) <= 1e-14 * Math.max(t, 1)) break;
    if (inside) { if ((f < 0) === up) lo = x; else hi = x; }
    const newton = inside ? x - f * n * x ** (2 - 2 / n) * (s - x) : Number.NaN;
    const next = newton > lo && newton < hi ? newton : 0.5 * (lo + hi);
    if (next === x || hi - lo <= 4 * Number.EPSILON * hi) { x = next; break; }
    x = next;
  }
  return x;
}

/** Predicted learning time of a mode: the flow time from σ0 to s/2 (THEORY §14.3); needs 0 < σ0 < s/2. */
export function saxeLearningTime(sigma0: number, s: number, n: number): number {
  return saxeFlowTime(sigma0, s / 2, s, n);
}

/** First GD step k at which a_k^N ≥ s/2 under saxeGdMode's recursion (THEORY §14.2), or null within maxSteps. */
export function saxeGdLearningStep(a0: number, s: number, n: number, eta: number, maxSteps: number): number | null {
  checkMode('saxeGdLearningStep', s, n);
  let a = a0;
  for (let k = 0; k <= maxSteps; k++) {
    if (a ** n >= s / 2) return k;
    const an1 = a ** (n - 1);
    a = a + eta * (s - an1 * a) * an1;
    if (!Number.isFinite(a)) return null;
  }
  return null;
}
