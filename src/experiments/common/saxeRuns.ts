import { type Mat, type Rng, type SvdResult, zeros, matmul, svd } from '../../linalg/index.ts';
import { type Stats, type Weights, statsFromData } from '../../model/index.ts';
import { saxe } from '../../data/index.ts';
import { constantSchedule, trainGD } from '../../optim/index.ts';
import { saxeFlowValue, saxeGdMode, saxeLearningTime } from '../../theory/index.ts';

/** Whitened data with Σ_YX = U diag(s) Vᵀ exactly (THEORY §14.1): the saxe generator's statistics. */
export function saxeData(s: readonly number[], m: number, rng: Rng): Stats {
  return statsFromData(saxe(rng, { m, s }));
}

/** One GD run's mode strengths σ_i(k) = u_iᵀPv_i (Σ_YX = U diag(s) Vᵀ) and losses at the recorded steps. */
export interface ModeRun { steps: number[]; sigma: number[][]; loss: number[] }

/** u_iᵀ(W_N⋯W_1)v_i for every mode i: the product's singular values when aligned, Saxe's mode strengths otherwise. */
function modeStrengths(weights: readonly Mat[], f: SvdResult): number[] {
  let p = weights[0];
  for (let j = 1; j < weights.length; j++) p = matmul(zeros(weights[j].rows, p.cols), weights[j], p);
  return Array.from(f.s, (_, i) => {
    let v = 0;
    for (let a = 0; a < p.rows; a++) for (let b = 0; b < p.cols; b++) v += f.u.data[a * f.u.cols + i] * p.data[a * p.cols + b] * f.vt.data[i * f.vt.cols + b];
    return v;
  });
}

/** GD from weights for `steps` steps at η, recording the mode strengths every `every` steps and at the end. */
export function runModes(stats: Stats, weights: Weights, eta: number, steps: number, every: number): ModeRun {
  const f = svd(stats.syx), out: ModeRun = { steps: [], sigma: [], loss: [] };
  const run = trainGD(stats, weights, {
    schedule: constantSchedule(eta), maxSteps: steps, recordEvery: steps,
    onProgress: (k, loss) => { if (k % every === 0) { out.steps.push(k); out.sigma.push(modeStrengths(weights, f)); out.loss.push(loss); } },
  });
  if (out.steps[out.steps.length - 1] !== run.steps) { out.steps.push(run.steps); out.sigma.push(modeStrengths(run.weights, f)); out.loss.push(run.loss); }
  return out;
}

/** First recorded step at which σ_i ≥ s_i/2, interpolated linearly between records (NaN if never). */
export function learningStep(run: ModeRun, i: number, s: number): number {
  for (let k = 1; k < run.steps.length; k++) {
    const a = run.sigma[k - 1][i], b = run.sigma[k][i];
    if (b >= s / 2 && a < s / 2) return run.steps[k - 1] + ((s / 2 - a) / (b - a)) * (run.steps[k] - run.steps[k - 1]);
  }
  return run.sigma.length > 0 && run.sigma[0][i] >= s / 2 ? 0 : Number.NaN;
}

/** Largest |σ_i(k) − a_k^N| / s_i over records and modes (the scalar recursion of THEORY §14.2), and the same against the flow's σ(kη) (§14.3). */
export function modeErrors(run: ModeRun, s: readonly number[], a0: number, n: number, eta: number): { recursion: number; flow: number } {
  const last = run.steps[run.steps.length - 1];
  const rec = s.map((si) => saxeGdMode(a0, si, n, eta, last));
  let recursion = 0, flow = 0;
  const stride = Math.max(1, Math.floor(run.steps.length / 300));
  run.steps.forEach((k, r) => s.forEach((si, i) => {
    recursion = Math.max(recursion, Math.abs(run.sigma[r][i] - rec[i][k] ** n) / si);
    // The flow's value at every stride-th record (and the last): its maximum is smooth in k.
    if (r % stride === 0 || r === run.steps.length - 1) flow = Math.max(flow, Math.abs(run.sigma[r][i] - saxeFlowValue(a0 ** n, si, n, k * eta)) / si);
  }));
  return { recursion, flow };
}

/** GD steps to cover 1.6× the slowest mode's predicted learning time t_half = t(s/2) (THEORY §14.3). */
export function stepsFor(s: readonly number[], a0: number, n: number, eta: number): number {
  return Math.ceil((1.6 * saxeLearningTime(a0 ** n, Math.min(...s), n)) / eta);
}
