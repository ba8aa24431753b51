import { type Mat, type LanczosWorkspace, isFiniteMat, eigvalsh, Rng, createLanczosWorkspace, lanczosWarm } from '../linalg/index.ts';
import type { Stats } from './stats.ts';
import { type HvpWorkspace, createHvpWorkspace, hessianVectorProduct } from './hessianVectorProduct.ts';
import { hessian, parameterOffsets } from './hessian.ts';

/**
 * Networks with at most this many parameters get their sharpness from the dense Hessian's spectrum
 * (hessian() + eigvalsh): below it that is cheaper than a warm-started Lanczos run (measured by
 * `npm run bench`, docs/performance.md).
 */
export const DENSE_SHARPNESS_MAX_PARAMS = 8;

/** Weight of the fixed random direction added to a warm start, so that Lanczos never stays inside an invariant subspace. */
export const WARM_START_MIX = 1e-3;

/** How a SharpnessTracker measures; every field states its default. */
export interface SharpnessOptions {
  /** Also compute λ_min(∇²L) (default false). */
  readonly lambdaMin?: boolean;
  /** 'dense': the Hessian's spectrum; 'lanczos': warm-started Lanczos on exact HVPs; default 'auto' (dense up to DENSE_SHARPNESS_MAX_PARAMS parameters). */
  readonly method?: 'auto' | 'dense' | 'lanczos';
  /** Lanczos residual tolerance relative to max|λ| (default 1e-10; lanczosWarm's tol). */
  readonly tol?: number;
  /** Lanczos gap-bound tolerance (default 1e-11; lanczosWarm's gapTol). */
  readonly gapTol?: number;
  /** Largest Krylov dimension per measurement (default 200). */
  readonly maxIter?: number;
  /** Seed of the random start / warm-start direction (default 1). */
  readonly seed?: number;
}

/** A tracker's warm-start state (plain data): the last top (and bottom) Ritz vectors, null before the first measurement. */
export interface SharpnessState { vMax: Float64Array | null; vMin: Float64Array | null }

/** Measures λ_max(∇²L) (and λ_min) at successive points of a trajectory (THEORY §12.1–12.2). */
export interface SharpnessTracker {
  readonly method: 'dense' | 'lanczos';
  readonly parameters: number;
  /** Measures at weights; returns λ_max and sets lambdaMax, lambdaMin (NaN unless asked), hvps, converged. */
  measure(weights: readonly Mat[], stats: Stats): number;
  lambdaMax: number;
  lambdaMin: number;
  /** Hessian-vector products of the last measurement (0 on the dense path). */
  hvps: number;
  /** Whether the last Lanczos run met its tolerance (always true on the dense path). */
  converged: boolean;
  /** A copy of the warm-start state, for a checkpoint. */
  state(): SharpnessState;
  /** Continues from a state() taken earlier (bit-exact continuation). */
  restore(state: SharpnessState): void;
}

interface LanczosTracker extends SharpnessTracker {
  readonly lanczos: LanczosWorkspace; readonly hvpWs: HvpWorkspace; readonly start: Float64Array; readonly mix: Float64Array;
  readonly wantMin: boolean; readonly opts: { tol?: number; gapTol?: number; wantMin: boolean };
  warm: boolean; weights: readonly Mat[]; stats: Stats | null; readonly apply: (v: Float64Array, out: Float64Array) => void;
}

/** A tracker for networks of widths dims (THEORY §12.2: dense spectrum for small p, else warm-started Lanczos on exact HVPs). */
export function createSharpnessTracker(dims: readonly number[], options: SharpnessOptions = {}): SharpnessTracker {
  const p = parameterOffsets(dims)[dims.length - 1];
  const method = options.method ?? 'auto';
  const wantMin = options.lambdaMin ?? false;
  if (method === 'dense' || (method === 'auto' && p <= DENSE_SHARPNESS_MAX_PARAMS)) return denseTracker(p, wantMin);
  const mix = new Rng(options.seed ?? 1).fillNormal(new Float64Array(p));
  let s = 0;
  for (let i = 0; i < p; i++) s += mix[i] * mix[i];
  for (let i = 0; i < p; i++) mix[i] /= Math.sqrt(s);
  const t: LanczosTracker = {
    method: 'lanczos', parameters: p, lambdaMax: Number.NaN, lambdaMin: Number.NaN, hvps: 0, converged: true,
    lanczos: createLanczosWorkspace(p, options.maxIter ?? 200), hvpWs: createHvpWorkspace(dims), start: new Float64Array(p), mix,
    wantMin, opts: { tol: options.tol, gapTol: options.gapTol, wantMin }, warm: false, weights: [], stats: null,
    apply: (v, out) => { hessianVectorProduct(t.weights, t.stats as Stats, v, out, t.hvpWs); },
    measure: measureLanczos, state: lanczosState, restore: lanczosRestore,
  };
  return t;
}

function measureLanczos(this: LanczosTracker, weights: readonly Mat[], stats: Stats): number {
  if (!weights.every(isFiniteMat)) return unmeasured(this);
  this.weights = weights; this.stats = stats;
  const { start, mix, lanczos: ws } = this;
  if (this.warm) {
    // THEORY §12.2: the last Ritz vectors plus a small fixed random direction.
    for (let i = 0; i < start.length; i++) start[i] = ws.vMax[i] + (this.wantMin ? ws.vMin[i] : 0) + WARM_START_MIX * mix[i];
  } else start.set(mix);
  this.hvps = lanczosWarm(this.apply, ws, start, this.opts);
  this.weights = []; this.stats = null;
  this.lambdaMax = ws.out[0];
  this.lambdaMin = this.wantMin ? ws.out[1] : Number.NaN;
  this.converged = ws.out[5] === 1;
  this.warm = true;
  return this.lambdaMax;
}

function unmeasured(t: SharpnessTracker): number {
  t.lambdaMax = Number.NaN; t.lambdaMin = Number.NaN; t.hvps = 0; t.converged = false;
  return Number.NaN;
}

function lanczosState(this: LanczosTracker): SharpnessState {
  if (!this.warm) return { vMax: null, vMin: null };
  return { vMax: this.lanczos.vMax.slice(), vMin: this.wantMin ? this.lanczos.vMin.slice() : null };
}

function lanczosRestore(this: LanczosTracker, state: SharpnessState): void {
  const p = this.parameters;
  if (state.vMax === null) { this.warm = false; return; }
  if (state.vMax.length !== p || (this.wantMin && (state.vMin === null || state.vMin.length !== p))) {
    throw new RangeError(`sharpness state holds vectors of length ${state.vMax.length}${this.wantMin ? ' and a λ_min vector' : ''}; this network has ${p} parameters`);
  }
  this.lanczos.vMax.set(state.vMax);
  if (this.wantMin && state.vMin !== null) this.lanczos.vMin.set(state.vMin);
  this.warm = true;
}

function denseTracker(p: number, wantMin: boolean): SharpnessTracker {
  const t: SharpnessTracker = {
    method: 'dense', parameters: p, lambdaMax: Number.NaN, lambdaMin: Number.NaN, hvps: 0, converged: true,
    measure(weights, stats) {
      if (!weights.every(isFiniteMat)) return unmeasured(t);
      const values = eigvalsh(hessian(weights, stats));
      t.lambdaMax = values[values.length - 1];
      t.lambdaMin = wantMin ? values[0] : Number.NaN;
      t.converged = true;
      return t.lambdaMax;
    },
    state: () => ({ vMax: null, vMin: null }),
    restore: () => undefined,
  };
  return t;
}

/** λ_max(∇²L(W)) (and λ_min when asked) at one point, by a fresh tracker (THEORY §12.1). */
export function sharpness(weights: readonly Mat[], stats: Stats, options: SharpnessOptions = {}): { lambdaMax: number; lambdaMin: number; hvps: number } {
  const dims = [weights[0].cols, ...weights.map((w) => w.rows)];
  const t = createSharpnessTracker(dims, options);
  t.measure(weights, stats);
  return { lambdaMax: t.lambdaMax, lambdaMin: t.lambdaMin, hvps: t.hvps };
}
