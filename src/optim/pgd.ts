import type { Mat } from '../linalg/mat.ts';
import type { Rng } from '../linalg/rng.ts';
import { vectorNorm } from '../linalg/norms.ts';
import type { Stats } from '../model/stats.ts';
import { assertFitsData, parameterCount } from '../model/network.ts';
import { createGradWorkspace, lossAndGrad } from '../model/lossAndGrad.ts';
import { localSmoothness } from './localSmoothness.ts';

/** Options of pgd; every optional field states its default. */
export interface PgdOptions {
  /** Source of the perturbations. */
  rng: Rng;
  /** Gradient-Lipschitz constant β. Default: localSmoothness(stats, weights).beta. */
  beta?: number;
  /** Hessian-Lipschitz constant ρ. Default: localSmoothness(stats, weights).rho. */
  rho?: number;
  /** Target accuracy ε. Default 1e-3. */
  epsilon?: number;
  /** Jin et al.'s absolute constant c. Default 0.5. */
  c?: number;
  /** Failure probability δ ∈ (0, 1). Default 0.1. */
  delta?: number;
  /** Δf ≥ f(w₀) − f*. Default f(w₀) − L_OLS (L_OLS ≤ f*). */
  deltaF?: number;
  /** Stop as 'max-iterations' after this many gradient steps. Default 1e6. */
  maxIterations?: number;
  /**
   * Called with (t, L(w_t)) at every iteration t before its gradient step, and w_t itself with its
   * gradient norm (views of the iterate, valid during the call only: copy what must outlive it). Default: none.
   */
  onProgress?(iteration: number, loss: number, at: PgdPoint): void;
  /** Polled after every gradient step; true stops the run as 'interrupted' (Ctrl-C) at the point reached. Default: never. */
  shouldStop?(): boolean;
  /**
   * Continue an interrupted run from PgdResult.resume (with the same stats, options and the same rng
   * object, or one restored to the state it had): the iterates, perturbations and result are those of
   * one uninterrupted run. The constants come from the resume state, not from weights. Default: a new run.
   */
  resume?: PgdResume;
}

/** The iterate w_t as PgdOptions.onProgress sees it. */
export interface PgdPoint {
  /** W_1 … W_N of w_t (views of the iterate: not to be modified or kept). */
  readonly weights: readonly Mat[];
  /** ‖∇L(w_t)‖. */
  gradNorm: number;
}

/** Where an interrupted PGD run stands: everything its loop carries from one iteration to the next. */
export interface PgdResume {
  /** The iteration t the run continues with (the top of its loop, before any perturbation at t). */
  t: number;
  /** θ = w_t, W_1 first (row-major, as the weights). */
  theta: Float64Array;
  /** w̃ and L(w̃) of the last perturbation, and its iteration (−t_thres − 1 before any). */
  tilde: Float64Array;
  fTilde: number;
  tNoise: number;
  perturbations: number;
  constants: PgdConstants;
}

/** The constants of PGD (THEORY §6.5), as computed from the options. */
export interface PgdConstants {
  /** Number of parameters d = Σ_j d_j d_{j−1}. */
  d: number;
  beta: number;
  rho: number;
  epsilon: number;
  c: number;
  delta: number;
  deltaF: number;
  /** χ = 3·max{log(dβΔf/(cε²δ)), 4}. */
  chi: number;
  /** η = c/β. */
  eta: number;
  /** Perturbation radius r = (√c/χ²)·ε/β. */
  r: number;
  /** g_thres = (√c/χ²)·ε. */
  gThres: number;
  /** f_thres = (c/χ³)·√(ε³/ρ). */
  fThres: number;
  /** t_thres = ⌈(χ/c²)·β/√(ρε)⌉. */
  tThres: number;
  /** Whether ε ≤ β²/ρ, the hypothesis of Jin et al.'s Theorem 3. */
  epsilonInRange: boolean;
}

/** Outcome of pgd. */
export interface PgdResult {
  /** The returned point: w̃ (the point before the last perturbation) when status is 'returned'. */
  weights: Mat[];
  /**
   * 'returned' as in Jin et al.; 'max-iterations'; 'diverged' when the loss became non-finite or > 1e12;
   * 'interrupted' when shouldStop said so (weights are then the current iterate w_t).
   */
  status: 'returned' | 'max-iterations' | 'diverged' | 'interrupted';
  /** Gradient steps taken. */
  iterations: number;
  /** Perturbations applied. */
  perturbations: number;
  /** L and ‖∇L‖ at the returned weights. */
  loss: number;
  gradNorm: number;
  constants: PgdConstants;
  /** With status 'interrupted': the state that options.resume continues from. */
  resume?: PgdResume;
}

/** χ, η, r, g_thres, f_thres, t_thres of PGD(w₀, β, ρ, ε, c, δ, Δf) (THEORY §6.5, log = natural log). */
export function pgdConstants(d: number, p: { beta: number; rho: number; epsilon: number; c: number; delta: number; deltaF: number }): PgdConstants {
  const { beta, rho, epsilon, c, delta, deltaF } = p;
  const positive: [string, number][] = [['beta', beta], ['rho', rho], ['epsilon', epsilon], ['c', c]];
  for (const [name, v] of positive) if (!(Number.isFinite(v) && v > 0)) throw new RangeError(`pgd: ${name} must be a finite number > 0, got ${v}`);
  if (!(delta > 0 && delta < 1)) throw new RangeError(`pgd: delta must lie in (0, 1), got ${delta}`);
  if (!(deltaF >= 0)) throw new RangeError(`pgd: deltaF must be ≥ 0, got ${deltaF}`);
  const chi = 3 * Math.max(Math.log((d * beta * deltaF) / (c * epsilon * epsilon * delta)), 4);
  const sc = Math.sqrt(c) / (chi * chi);
  return {
    d, beta, rho, epsilon, c, delta, deltaF, chi,
    eta: c / beta,
    r: (sc * epsilon) / beta,
    gThres: sc * epsilon,
    fThres: (c / (chi * chi * chi)) * Math.sqrt((epsilon * epsilon * epsilon) / rho),
    tThres: Math.ceil(((chi / (c * c)) * beta) / Math.sqrt(rho * epsilon)),
    epsilonInRange: epsilon <= (beta * beta) / rho,
  };
}

/** theta += ξ with ξ uniform in the ball of radius r: a Gaussian direction times r·U^{1/d}. */
function perturbInBall(theta: Float64Array, r: number, rng: Rng, scratch: Float64Array): void {
  let s = 0;
  for (let i = 0; i < scratch.length; i++) { const z = rng.normal(); scratch[i] = z; s += z * z; }
  const radius = r * Math.pow(rng.uniform(), 1 / scratch.length) / Math.sqrt(s);
  for (let i = 0; i < theta.length; i++) theta[i] += radius * scratch[i];
}


/**
 * Perturbed gradient descent (Jin et al. 2017, Algorithm 2, with the fixes of THEORY §10 L5; THEORY §6.5)
 * on θ = [vec_r(W_1); …; vec_r(W_N)]. Whenever ‖∇L‖ ≤ g_thres and no perturbation happened in the last
 * t_thres steps, remember w̃ = w_t and add ξ uniform in the ball of radius r; t_thres steps after a
 * perturbation, return w̃ if L has not dropped by f_thres below L(w̃). The input weights are not modified.
 */
export function pgd(stats: Stats, weights: readonly Mat[], options: PgdOptions): PgdResult {
  const dims = assertFitsData(weights, stats.dx, stats.dy);
  const d = parameterCount(dims);
  const theta = new Float64Array(d), grad = new Float64Array(d), tilde = new Float64Array(d), scratch = new Float64Array(d);
  const w: Mat[] = [], g: Mat[] = [];
  let o = 0;
  for (const wj of weights) {
    const n = wj.data.length;
    theta.set(wj.data, o);
    w.push({ rows: wj.rows, cols: wj.cols, data: theta.subarray(o, o + n) });
    g.push({ rows: wj.rows, cols: wj.cols, data: grad.subarray(o, o + n) });
    o += n;
  }
  const ws = createGradWorkspace(dims);
  const evaluate = (): number => lossAndGrad(w, stats, g, ws);
  const resume = options.resume;
  if (resume !== undefined) {
    if (resume.theta.length !== d || resume.tilde.length !== d) throw new RangeError(`pgd: the resume state holds ${resume.theta.length} parameters, the network ${d}`);
    theta.set(resume.theta);
    tilde.set(resume.tilde);
  }
  let f = evaluate(), gn = vectorNorm(grad);
  let k: PgdConstants;
  if (resume !== undefined) k = resume.constants;
  else {
    const needLocal = options.beta === undefined || options.rho === undefined;
    const local = needLocal ? localSmoothness(stats, weights) : undefined;
    k = pgdConstants(d, {
      beta: options.beta ?? local!.beta, rho: options.rho ?? local!.rho,
      epsilon: options.epsilon ?? 1e-3, c: options.c ?? 0.5, delta: options.delta ?? 0.1,
      deltaF: options.deltaF ?? Math.max(f - stats.lossOLS, 0),
    });
  }
  const maxIterations = options.maxIterations ?? 1_000_000;
  let tNoise = resume?.tNoise ?? -k.tThres - 1, fTilde = resume?.fTilde ?? Number.NaN, perturbations = resume?.perturbations ?? 0;
  const finish = (status: PgdResult['status'], iterations: number, at: Float64Array): PgdResult => {
    const state: PgdResume | undefined = status === 'interrupted'
      ? { t: iterations, theta: at.slice(), tilde: tilde.slice(), fTilde, tNoise, perturbations, constants: k } : undefined;
    theta.set(at);
    const loss = evaluate();
    return {
      weights: w.map((m) => ({ rows: m.rows, cols: m.cols, data: m.data.slice() })), status, iterations, perturbations, loss, gradNorm: vectorNorm(grad), constants: k,
      ...(state !== undefined ? { resume: state } : {}),
    };
  };
  const point: PgdPoint = { weights: w, gradNorm: Number.NaN };
  for (let t = resume?.t ?? 0; ; t++) {
    if (!Number.isFinite(f) || f > 1e12) return finish('diverged', t, theta.slice());
    // A return and a perturbation at the same t exclude each other (t − t_noise = t_thres vs > t_thres);
    // the budget is checked before a perturbation, so that a run stopped at t is w_t itself.
    if (t - tNoise === k.tThres && f - fTilde > -k.fThres) return finish('returned', t, tilde);
    if (t >= maxIterations) return finish('max-iterations', t, theta.slice());
    if (gn <= k.gThres && t - tNoise > k.tThres) {
      tilde.set(theta);
      fTilde = f;
      tNoise = t;
      perturbations++;
      perturbInBall(theta, k.r, options.rng, scratch);
      f = evaluate();
      gn = vectorNorm(grad);
    }
    if (options.onProgress !== undefined) { point.gradNorm = gn; options.onProgress(t, f, point); }
    for (let i = 0; i < d; i++) theta[i] -= k.eta * grad[i];
    f = evaluate();
    gn = vectorNorm(grad);
    if (options.shouldStop?.()) return finish('interrupted', t + 1, theta.slice());
  }
}
