// A playground run as the files of a `dln train --out` folder, with a config.json that `dln train
// --config` replays to the same weights, bit for bit.
import { createRecorder, evaluateGradient, gradientEvaluation, trajectoryToCsv, type TrajectoryRecord } from '../optim/index.ts';
import { type Mat, isFiniteMat, transposed, zeros } from '../linalg/index.ts';
import { dimsOf } from '../model/index.ts';
import { encodeNpy, encodeWeights } from '../data/index.ts';
import { balancedness, invariantDrift, invariants } from '../theory/index.ts';
import { configToParams } from './config.ts';
import { type Session, explainNow } from './session.ts';
import { explanationJson, finalStatus } from '../landscape/index.ts';

/** SHA-256 of bytes, hex (Web Crypto: pages on 127.0.0.1 are a secure context). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

function json(v: unknown): string {
  return `${JSON.stringify(v, null, 2)}\n`;
}

/** The loss, gradient norm and trajectory record at the current weights (`dln train` records the last step). */
function finalRecord(s: Session): TrajectoryRecord {
  const dims = dimsOf(s.weights);
  const grads = s.weights.map((w) => zeros(w.rows, w.cols)), out = new Float64Array(2);
  evaluateGradient(s.weights, s.stats, grads, out, gradientEvaluation(dims));
  const loss = out[0], gradNorm = out[1];
  const rec = createRecorder(dims, invariants(s.setup.w0)).record(s.step, loss, gradNorm, s.weights, s.cfg.optimizer === 'flow' ? s.t : undefined);
  return rec;
}

/** Why `dln train --config` (or `dln pgd --config` for perturbed GD) cannot replay this run, or null when it can. */
export function notReplayable(s: Session): string | null {
  if (s.etaChanges.length > 0) return `η was changed while running (at step ${s.etaChanges.map((c) => c.step).join(', ')}); dln train replays one step size`;
  return null;
}

/** The files of the run folder (figures are added by the page, which draws them). */
export async function exportFiles(s: Session, backend: string, version: string): Promise<Record<string, Uint8Array | string>> {
  const cfg = s.cfg, files: Record<string, Uint8Array | string> = {};
  let data: unknown;
  if (cfg.data.kind === 'real') {
    // Named again as `dln train --data NAME` names it (MNIST with its split and projection).
    const d = cfg.data;
    data = {
      kind: 'real', name: d.name, seed: cfg.seed, ...(d.name === 'mnist' ? { mnist: { train: d.train, test: 10000 - d.train, pca: d.pca, center: d.center } } : {}),
      describe: s.setup.info.describe, preparation: s.setup.realMeta ?? {},
    };
  } else if (cfg.data.kind === 'builtin' && cfg.data.m === undefined && cfg.data.dx === undefined && cfg.data.dy === undefined && cfg.data.rank === undefined) {
    data = { kind: 'builtin', name: cfg.data.name, seed: cfg.seed };
  } else {
    // Data that --data cannot name again travel with the run, one sample per row.
    const x = encodeNpy(transposed(s.setup.dataset.x)), y = encodeNpy(transposed(s.setup.dataset.y));
    files['x.npy'] = x; files['y.npy'] = y;
    data = { kind: 'files', x: 'x.npy', y: 'y.npy', xSha256: await sha256Hex(x), ySha256: await sha256Hex(y) };
  }
  let init: unknown;
  // With data in files the replay draws nothing before W(0), so a random W(0) travels as a file too.
  if (s.setup.spec !== null && s.setup.spec.kind !== 'weights' && (data as { kind: string }).kind !== 'files') init = s.setup.spec;
  else {
    const w0 = encodeWeights(s.setup.w0);
    files['init.npz'] = w0;
    init = { kind: 'weights', path: 'init.npz', sha256: await sha256Hex(w0) };
  }
  const method = cfg.optimizer === 'flow' ? 'flow' : cfg.optimizer === 'pgd' ? 'pgd' : 'gd';
  const settings = {
    data, dims: cfg.dims, init, seed: cfg.seed, method,
    ...(method === 'gd' ? { schedule: cfg.optimizer === 'power' ? { kind: 'power', c: s.eta, b: cfg.powerB, p: cfg.powerP } : { kind: 'constant', lr: s.eta } } : {}),
    ...(method === 'flow' ? { tEnd: cfg.tEnd, rtol: 1e-8, atol: 1e-10 } : {}),
    // PGD with Jin et al.'s default c and δ, β and ρ local at W(0) unless given; its perturbations continue from rngState.
    ...(method === 'pgd' ? { epsilon: cfg.epsilon, c: 0.5, delta: 0.1, ...cfg.pgd, maxIterations: s.step, rngState: s.setup.rngState } : {}),
    steps: s.step, recordEvery: cfg.recordEvery, divergeAbove: 1e12,
  };
  const why = notReplayable(s);
  files['config.json'] = json({
    dln: version, command: `dln playground (?${configToParams(cfg).toString()})`, cwd: '.', settings, backend,
    ...(why !== null ? { replayable: false, note: why } : {}),
  });
  const traj = s.trajectory.slice();
  const finite = s.weights.every(isFiniteMat);
  if (method !== 'pgd' && finite && (traj.length === 0 || traj[traj.length - 1].step !== s.step)) traj.push(finalRecord(s));
  files['trajectory.csv'] = trajectoryToCsv(traj);
  files['weights.npz'] = encodeWeights(s.weights);
  const last = traj[traj.length - 1];
  const c0 = invariants(s.setup.w0);
  // dln train's summary: where the loss sits among the critical values, and its status by the same rule (finalStatus).
  const x = explainNow(s);
  const stopped = s.status === 'paused' || s.status === 'ready' ? (method === 'pgd' ? 'max-iterations' : 'max-steps') : s.status;
  files['summary.json'] = json({
    status: finalStatus(stopped, x, traj[0]?.step === 0 && last !== undefined ? { lossInit: traj[0].loss, loss: last.loss } : undefined), steps: s.step, ...(method === 'flow' ? { t: s.t } : {}),
    ...(x !== null ? { criticalValue: explanationJson(x) } : {}),
    loss: last?.loss ?? Number.NaN, gradNorm: last?.gradNorm ?? Number.NaN,
    balancedness: finite ? balancedness(s.weights) : Number.NaN,
    drift: finite ? invariantDrift(s.weights, c0) : Number.NaN,
    lossOLS: s.stats.lossOLS, method, dims: cfg.dims, backend, etaChanges: s.etaChanges,
  });
  return files;
}
