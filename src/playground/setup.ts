// A playground run's starting point: data, statistics and W(0) exactly as `dln train` draws them, and
// the theory's reference values (critical values, Theorem 2.4's bound, λ_max at the start).
import { InputError, PremiseError, isBadInput } from '../errors.ts';
import { type Mat, Rng, randomNormal, singularValues } from '../linalg/index.ts';
import {
  type Dataset, type InitSpec, type Stats, assertFitsData, initialize, maxRank, parameterCount, sharpness, statsFromData,
} from '../model/index.ts';
import {
  builtinData, checkPair, decodeWeights, loadRealData, matrixFromBytes, matrixFromSamples, nrt, reportSec4, saxe,
} from '../data/index.ts';
import { type CriticalLadder, bestRankR, buildCriticalPoint, criticalLadder, criticalValues } from '../landscape/index.ts';
import { boundData, nrtBound } from '../theory/index.ts';
import { perturbLayers } from '../experiments/common/perturb.ts';
import type { PlaygroundConfig } from './config.ts';

/** A file the user picked: its name (for messages) and bytes. */
export interface NamedBytes { name: string; bytes: Uint8Array }
/** A real data set as the page fetched it: the raw table of cars or penguins, or MNIST as `dln playground` prepared it. */
export type RealPayload =
  | { name: 'cars' | 'penguins'; records: unknown }
  | {
    name: 'mnist'; describe: string; meta: Record<string, unknown>; train: number; test: number; pca: number; center: boolean;
    rows: { x: number; y: number }; samples: number; x: string; y: string; rngState: number[];
  };

/** Uploaded files: X and Y (one sample per row) and a weights .npz; and the fetched real data set. */
export interface Uploads { x?: NamedBytes; y?: NamedBytes; weights?: NamedBytes; real?: RealPayload }

/** Uploads larger than this are refused before they are parsed. */
export const MAX_UPLOAD_BYTES = 16 * 1024 * 1024;

/** Theorem 2.4's constants at W(0), or why they do not exist. */
export type BoundInfo = { etaMax: number; M: number; K: number; B: number; alpha: number; delta: number } | { error: string };

/** What the page draws beside a run: the reference values of its instance. */
export interface SetupInfo {
  dims: number[]; dx: number; dy: number; m: number; parameters: number; describe: string;
  /** Every critical value with its rank and S, ascending in loss; empty when Σ_XX is singular. */
  critical: { loss: number; rank: number; subset: number[] }[];
  globalMinimum: number | null;
  /** Singular values of the global minimiser's product (what the product's singular values approach). */
  targets: number[];
  bound: BoundInfo;
  /** λ_max(∇²L(W(0))) by Lanczos on exact Hessian-vector products. */
  lambdaMax0: number;
  /** The step size η (or c) the configuration resolves to. */
  eta: number;
  warnings: string[];
}

/** A run's start: statistics, W(0) and its reference values. */
export interface Setup {
  stats: Stats; dataset: Dataset; w0: Mat[]; info: SetupInfo; spec: InitSpec | null;
  /** The critical values the status line places the loss among (`dln train`'s classification); null when Σ_XX is singular. */
  ladder: CriticalLadder | null;
  /** How a real data set was prepared (means, scales, projections), for the export's config.json; null for other data. */
  realMeta: Record<string, unknown> | null;
  /** Rng.state() after the data and W(0) were drawn: perturbed GD draws its perturbations from here on, as `dln pgd` does. */
  rngState: number[];
}

function checkSize(f: NamedBytes): void {
  if (f.bytes.length > MAX_UPLOAD_BYTES) {
    throw new InputError(`${f.name}: ${(f.bytes.length / 2 ** 20).toFixed(1)} MiB is more than the page accepts (${MAX_UPLOAD_BYTES / 2 ** 20} MiB); use dln train for large data`);
  }
}

/** X and Y from uploaded files, checked with the CLI's messages (data/validate.ts). */
export function datasetFromUploads(u: Uploads): Dataset {
  if (u.x === undefined) throw new InputError('no data: choose an X file (inputs, one sample per row)');
  if (u.y === undefined) throw new InputError('no data: choose a Y file (targets, one sample per row)');
  checkSize(u.x); checkSize(u.y);
  const x = matrixFromSamples(matrixFromBytes(u.x.bytes, u.x.name), u.x.name);
  const y = matrixFromSamples(matrixFromBytes(u.y.bytes, u.y.name), u.y.name);
  checkPair(x, y);
  return { x, y };
}

/** Float64 values from base64 (little-endian, as the server wrote them). */
function float64FromBase64(text: string, count: number, what: string): Float64Array {
  const bin = atob(text);
  if (bin.length !== 8 * count) throw new InputError(`MNIST from the server: ${what} holds ${bin.length} bytes, expected ${8 * count}`);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  const v = new Float64Array(bytes.buffer);
  if (!v.every(Number.isFinite)) throw new InputError(`MNIST from the server: ${what} holds a non-finite value`);
  return v;
}

/** The real data set of cfg from the fetched payload: cars and penguins by dln's loader (the CLI's bits), MNIST as the server split and projected it (and the generator after its split). */
export function realDataset(cfg: PlaygroundConfig, real: RealPayload | undefined, rng: Rng): { dataset: Dataset; describe: string; rng: Rng; meta: Record<string, unknown> } {
  const d = cfg.data;
  if (d.kind !== 'real') throw new Error('realDataset: not a real data set');
  if (real === undefined || real.name !== d.name) throw new InputError(`no ${d.name} data yet: the page fetches it from its server`);
  if (real.name === 'mnist') {
    if (d.name !== 'mnist' || real.pca !== d.pca || real.train !== d.train || real.center !== d.center) throw new InputError('MNIST from the server: not the preparation asked for');
    const m = real.samples;
    if (!(Number.isSafeInteger(m) && m === real.train && real.rows.x === real.pca && real.rows.y === 10)) throw new InputError('MNIST from the server: unexpected shapes');
    if (!(Array.isArray(real.rngState) && real.rngState.length === 6)) throw new InputError('MNIST from the server: no generator state');
    const x = { rows: real.rows.x, cols: m, data: float64FromBase64(real.x, real.rows.x * m, 'X') };
    const y = { rows: real.rows.y, cols: m, data: float64FromBase64(real.y, real.rows.y * m, 'Y') };
    return { dataset: { x, y }, describe: real.describe, rng: Rng.fromState(real.rngState), meta: real.meta };
  }
  const data = loadRealData(real.name, { records: () => real.records, mnistClasses: () => { throw new InputError('MNIST comes prepared from the server'); } }, rng);
  return { dataset: data.train, describe: data.describe, rng, meta: { ...data.meta } };
}

function drawData(cfg: PlaygroundConfig, rng: Rng, uploads: Uploads): { dataset: Dataset; describe: string } {
  const d = cfg.data;
  if (d.kind === 'upload') return { dataset: datasetFromUploads(uploads), describe: `uploaded ${uploads.x?.name} and ${uploads.y?.name}` };
  if (d.kind === 'real') throw new Error('drawData: real data come from realDataset');
  const g = d.name === 'report-sec4' && d.m !== undefined ? reportSec4(rng, d.m)
    : d.name === 'nrt' && (d.m ?? d.dx ?? d.dy ?? d.rank) !== undefined ? nrt(rng, { m: d.m, dx: d.dx, dy: d.dy, rank: d.rank })
      : d.name === 'saxe' && d.m !== undefined ? saxe(rng, { m: d.m })
        : builtinData[d.name](rng);
  return { dataset: g, describe: g.describe };
}

function initialWeights(cfg: PlaygroundConfig, stats: Stats, rng: Rng, uploads: Uploads): { w0: Mat[]; spec: InitSpec | null } {
  const init = cfg.init;
  if (init.kind === 'upload') {
    if (uploads.weights === undefined) throw new InputError('no weights: choose a weights .npz file (W1 … WN)');
    checkSize(uploads.weights);
    const spec: InitSpec = { kind: 'weights', weights: decodeWeights(uploads.weights.bytes, uploads.weights.name) };
    try { return { w0: initialize(cfg.dims, spec, rng), spec }; } catch (e) { throw new InputError(`${uploads.weights.name}: ${(e as Error).message}`); }
  }
  if (init.kind === 'critical') {
    const cp = buildCriticalPoint(stats, cfg.dims, init.subset, { kind: init.strict ? 'strict' : 'non-strict' });
    // Relative: the experiments' per-layer perturbation, so that a report's ▶ link starts their run.
    if (init.relative === true) return { w0: perturbLayers(cp.weights, init.perturb, rng), spec: null };
    const w0 = cp.weights;
    for (const w of w0) {
      const e = randomNormal(w.rows, w.cols, rng, init.perturb);
      for (let i = 0; i < w.data.length; i++) w.data[i] += e.data[i];
    }
    return { w0, spec: null };
  }
  // The aligned start reads Σ_YX: the statistics' own, as saxe-modes starts from them.
  return { w0: initialize(cfg.dims, init, rng, stats.syx), spec: init };
}

/** Theorem 2.4's bound as `dln bound` computes it: ‖Y‖ exact, from the data set itself. */
function boundAt(dataset: Dataset, w0: readonly Mat[]): BoundInfo {
  try {
    const b = nrtBound(boundData(dataset), w0);
    return { etaMax: b.etaMax, M: b.M, K: b.K, B: b.B, alpha: b.alpha, delta: b.delta };
  } catch (e) {
    if (e instanceof PremiseError || e instanceof InputError || e instanceof RangeError) return { error: e.message };
    throw e;
  }
}

/** The step size η a configuration asks for, given the bound and λ_max at W(0). */
export function resolveEta(cfg: PlaygroundConfig, bound: BoundInfo, lambdaMax0: number): number {
  if (cfg.etaMode === 'value') return cfg.eta;
  if (cfg.etaMode === 'bound') {
    if ('error' in bound) throw new InputError(`η as a multiple of Theorem 2.4's bound: ${bound.error}`);
    return cfg.eta * bound.etaMax;
  }
  if (!(lambdaMax0 > 0)) throw new InputError('η as a multiple of 2/λ_max: λ_max(∇²L(W(0))) is not positive');
  return (cfg.eta * 2) / lambdaMax0;
}

/**
 * The start of a run: one generator seeded with cfg.seed draws the built-in data and then W(0), in
 * `dln train`'s order (a critical point's perturbation is drawn after the data too).
 */
export function createSetup(cfg: PlaygroundConfig, uploads: Uploads = {}): Setup {
  let rng = new Rng(cfg.seed);
  let dataset: Dataset, describe: string, realMeta: Record<string, unknown> | null = null;
  if (cfg.data.kind === 'real') ({ dataset, describe, rng, meta: realMeta } = realDataset(cfg, uploads.real, rng));
  else ({ dataset, describe } = drawData(cfg, rng, uploads));
  assertFitsData(cfg.dims, dataset.x.rows, dataset.y.rows, 'widths');
  const stats = statsFromData(dataset);
  const { w0, spec } = initialWeights(cfg, stats, rng, uploads);
  const rngState = rng.state();
  const warnings: string[] = [];
  let critical: SetupInfo['critical'] = [], globalMinimum: number | null = null, targets: number[] = [];
  try {
    const cv = criticalValues(stats, cfg.dims, { maxCount: 5000 });
    critical = cv.values.map((v) => ({ loss: v.loss, rank: v.rank, subset: v.subset }));
    globalMinimum = cv.globalMinimum.loss;
    targets = Array.from(singularValues(bestRankR(stats, maxRank(cfg.dims)).product));
    warnings.push(...cv.warnings);
  } catch (e) {
    if (!(e instanceof PremiseError || isBadInput(e))) throw e;
    warnings.push(`no critical values: ${(e as Error).message}`);
  }
  const bound = boundAt(dataset, w0);
  const lambdaMax0 = sharpness(w0, stats).lambdaMax;
  const eta = cfg.optimizer === 'flow' || cfg.optimizer === 'pgd' ? Number.NaN : resolveEta(cfg, bound, lambdaMax0);
  const info: SetupInfo = {
    dims: cfg.dims, dx: stats.dx, dy: stats.dy, m: dataset.x.cols, parameters: parameterCount(cfg.dims), describe,
    critical, globalMinimum, targets, bound, lambdaMax0, eta, warnings,
  };
  let ladder: CriticalLadder | null = null;
  try { ladder = criticalLadder(stats, cfg.dims); } catch (e) { if (!(e instanceof PremiseError || e instanceof InputError || e instanceof RangeError)) throw e; }
  return { stats, dataset, w0, info, spec, rngState, realMeta, ladder };
}
