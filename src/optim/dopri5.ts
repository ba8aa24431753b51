/**
 * The Dormand–Prince 5(4) embedded Runge–Kutta pair with FSAL and error-per-step control, for an
 * autonomous system y' = f(y) on a flat vector. Coefficients: J. R. Dormand and P. J. Prince, "A
 * family of embedded Runge–Kutta formulae", J. Comput. Appl. Math. 6(1), 19–26, 1980 (Table 2);
 * error norm, step-size controller and starting step: E. Hairer, S. P. Nørsett, G. Wanner, Solving
 * Ordinary Differential Equations I, 2nd ed., Springer 1993, §II.4 (as in their DOPRI5 code).
 */

/** f(y) written into dydt; returns an auxiliary value computed alongside (the loss, for gradient flow). */
export type Rhs = (y: Float64Array, dydt: Float64Array) => number;

// Nodes c = (0, 1/5, 3/10, 4/5, 8/9, 1, 1) are not needed: the system is autonomous.
const A: number[][] = [
  [],
  [1 / 5],
  [3 / 40, 9 / 40],
  [44 / 45, -56 / 15, 32 / 9],
  [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
  [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
  [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84],
];
/** b − b̂: 5th-order weights (= last row of A) minus the embedded 4th-order ones. */
const E = [71 / 57600, 0, -71 / 16695, 71 / 1920, -17253 / 339200, 22 / 525, -1 / 40];

/** Buffers for one integration: the seven stages k[0..6], a stage point and the trial solution. */
export interface Dopri5Workspace {
  readonly k: Float64Array[];
  readonly yStage: Float64Array;
  readonly yNew: Float64Array;
  /** f's auxiliary value at yNew after the last trial step. */
  auxNew: number;
}

/** Buffers for dopri5Step on a state of n numbers (allocated once per integration). */
export function createDopri5Workspace(n: number): Dopri5Workspace {
  const k: Float64Array[] = [];
  for (let i = 0; i < 7; i++) k.push(new Float64Array(n));
  return { k, yStage: new Float64Array(n), yNew: new Float64Array(n), auxNew: Number.NaN };
}

/** Hairer's weighted RMS norm √(mean((v_i / (atol + rtol·max(|y_i|, |z_i|)))²)). */
function scaledNorm(v: Float64Array, y: Float64Array, z: Float64Array, rtol: number, atol: number, scale = 1): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) {
    const q = (scale * v[i]) / (atol + rtol * Math.max(Math.abs(y[i]), Math.abs(z[i])));
    s += q * q;
  }
  return Math.sqrt(s / Math.max(v.length, 1));
}

/**
 * One trial step of size h from y, with k[0] = f(y) already in ws: writes the 5th-order solution to
 * ws.yNew, f(yNew) to ws.k[6] (first-same-as-last) and its auxiliary value to ws.auxNew; returns the
 * scaled error estimate (the step is acceptable iff it is ≤ 1; NaN when the trial left the finite
 * numbers). Allocates nothing.
 */
export function dopri5Step(f: Rhs, y: Float64Array, h: number, ws: Dopri5Workspace, rtol: number, atol: number): number {
  const { k, yStage, yNew } = ws;
  const n = y.length;
  for (let s = 1; s < 7; s++) {
    const a = A[s], out = s === 6 ? yNew : yStage;
    for (let i = 0; i < n; i++) {
      let acc = 0;
      for (let j = 0; j < s; j++) acc += a[j] * k[j][i];
      out[i] = y[i] + h * acc;
    }
    ws.auxNew = f(out, k[s]);
  }
  // Error estimate h·Σ_i e_i k_i, accumulated in yStage (no longer needed).
  for (let i = 0; i < n; i++) {
    let acc = 0;
    for (let j = 0; j < 7; j++) acc += E[j] * k[j][i];
    yStage[i] = acc;
  }
  const err = scaledNorm(yStage, y, yNew, rtol, atol, h);
  return Number.isFinite(err) && Number.isFinite(ws.auxNew) ? err : Number.NaN;
}

/** The next step size from an error estimate: h·min(facMax, max(0.2, 0.9·err^(−1/5))); shrinks by 5× on NaN. */
export function nextStepSize(h: number, err: number, facMax: number): number {
  if (!(err >= 0)) return 0.2 * h;
  const fac = err === 0 ? facMax : Math.min(facMax, Math.max(0.2, 0.9 * Math.pow(err, -0.2)));
  return h * fac;
}

/**
 * Hairer–Nørsett–Wanner's starting step (§II.4): h = min(100·h₀, (0.01/max(d₁, d₂))^{1/5}) with
 * h₀ = 0.01·‖y₀‖/‖f(y₀)‖ and d₂ ≈ ‖f'‖ estimated by one Euler step. k[0] must hold f(y); uses
 * ws.yStage and ws.k[1] as scratch.
 */
export function initialStepSize(f: Rhs, y: Float64Array, ws: Dopri5Workspace, rtol: number, atol: number): number {
  const f0 = ws.k[0], y1 = ws.yStage, f1 = ws.k[1];
  const d0 = scaledNorm(y, y, y, rtol, atol), d1 = scaledNorm(f0, y, y, rtol, atol);
  const h0 = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : 0.01 * (d0 / d1);
  for (let i = 0; i < y.length; i++) y1[i] = y[i] + h0 * f0[i];
  f(y1, f1);
  for (let i = 0; i < y.length; i++) f1[i] -= f0[i];
  const d2 = scaledNorm(f1, y, y, rtol, atol) / h0;
  const dm = Math.max(d1, d2);
  const h1 = dm <= 1e-15 || !Number.isFinite(dm) ? Math.max(1e-6, h0 * 1e-3) : Math.pow(0.01 / dm, 0.2);
  return Math.min(100 * h0, h1);
}
