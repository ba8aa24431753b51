// The playground's run configuration: one plain object that the URL, the controls and the worker share.
import { InputError } from '../errors.ts';
import { builtinNames, type BuiltinName } from '../data/index.ts';

/** Where the data come from: a built-in generator (with its parameters) or the uploaded X/Y files. */
export type DataConfig =
  | { kind: 'builtin'; name: BuiltinName; m?: number; dx?: number; dy?: number; rank?: number }
  | { kind: 'upload' }
  /** The real data sets of `dln train --data`: cars and penguins (standardised), MNIST's seeded split projected onto its top `pca` principal components. */
  | { kind: 'real'; name: 'cars' | 'penguins' }
  | { kind: 'real'; name: 'mnist'; pca: number; train: number; center: boolean };

/** The real data sets of the data menu. */
export const REAL_DATA = ['cars', 'penguins', 'mnist'] as const;
/** MNIST's digits, and the most principal components the page takes (its widths stop at MAX_WIDTH). */
const MNIST_DIGITS = 10000;

/** The initialisation: dln's kinds, an uploaded weights file, or a critical point of S (AMG §5.7) plus a Gaussian perturbation. */
export type InitConfig =
  | { kind: 'gaussian'; std: number }
  | { kind: 'balanced'; scale: number }
  | { kind: 'orthogonal'; scale: number }
  /** Saxe et al.'s aligned balanced start along Σ_YX's singular vectors (THEORY §14.2). */
  | { kind: 'aligned'; scale: number }
  | { kind: 'zero' }
  | { kind: 'upload' }
  /** perturb is the std of every entry, or with relative the per-layer std perturb·‖W_h‖_F/√(d_h d_{h−1}) of the experiments (THEORY §8.2). */
  | { kind: 'critical'; subset: number[]; strict: boolean; perturb: number; relative?: boolean };

/** How η is given: as a number, as k × η_max of Theorem 2.4 (THEORY §4.3), or as k × 2/λ_max(∇²L(W(0))). */
export type EtaMode = 'value' | 'bound' | 'sharpness';

/** Everything that determines a playground run's numbers. */
export interface PlaygroundConfig {
  dims: number[];
  data: DataConfig;
  init: InitConfig;
  /** gd: constant η; power: η_k = c/(k+b)^p; flow: gradient flow (Dormand–Prince); pgd: perturbed GD (Jin et al.). */
  optimizer: 'gd' | 'power' | 'flow' | 'pgd';
  etaMode: EtaMode;
  /** η (or c of the power schedule) when etaMode is 'value', else the multiple k. */
  eta: number;
  powerB: number;
  powerP: number;
  /** Flow: end time. PGD: target accuracy ε. */
  tEnd: number;
  epsilon: number;
  /** PGD's β, ρ and Δf when given (else dln pgd's defaults: β and ρ local at W(0), Δf = L(W(0)) − L_OLS). */
  pgd?: { beta?: number; rho?: number; deltaF?: number };
  seed: number;
  /** Step budget of a run (GD steps, accepted flow steps or PGD iterations). */
  steps: number;
  recordEvery: number;
}

/** The configuration a fresh page opens with: the plateaus of the report's §4 network. */
export const DEFAULT_CONFIG: PlaygroundConfig = {
  dims: [5, 4, 4, 5], data: { kind: 'builtin', name: 'report-sec4' }, init: { kind: 'gaussian', std: 0.05 },
  optimizer: 'gd', etaMode: 'value', eta: 2e-5, powerB: 1, powerP: 0.5, tEnd: 50, epsilon: 1e-3, seed: 1, steps: 20000, recordEvery: 10,
};

/** The most layers and the widest layer the page trains at interactive speed. */
export const MAX_LAYERS = 10;
export const MAX_WIDTH = 64;

const OPTIMIZERS = ['gd', 'power', 'flow', 'pgd'] as const;
const ETA_MODES = ['value', 'bound', 'sharpness'] as const;
const INITS = ['gaussian', 'balanced', 'orthogonal', 'aligned', 'zero', 'upload', 'critical'] as const;

function num(params: URLSearchParams, key: string, fallback: number, ok: (v: number) => boolean, need: string): number {
  const text = params.get(key);
  if (text === null) return fallback;
  const v = Number(text);
  if (text.trim() === '' || !ok(v)) throw new InputError(`${key} must be ${need}, got '${text}'`);
  return v;
}

const positive = (v: number): boolean => Number.isFinite(v) && v > 0;
const nonNegative = (v: number): boolean => Number.isFinite(v) && v >= 0;
const intAtLeast = (min: number) => (v: number): boolean => Number.isSafeInteger(v) && v >= min;

function pick<T extends string>(params: URLSearchParams, key: string, allowed: readonly T[], fallback: T): T {
  const text = params.get(key);
  if (text === null) return fallback;
  if (!(allowed as readonly string[]).includes(text)) throw new InputError(`${key} must be one of ${allowed.join(', ')}; got '${text}'`);
  return text as T;
}

/** Widths "5,4,4,5" checked against the page's limits; InputError names the problem. */
export function parseWidths(text: string): number[] {
  const parts = text.split(',').map((s) => s.trim());
  if (parts.length < 2) throw new InputError(`widths need at least two entries (d_x and d_y), e.g. 5,4,4,5; got '${text}'`);
  const dims = parts.map((p, i) => {
    const v = /^\d+$/.test(p) ? Number(p) : Number.NaN;
    if (!(Number.isSafeInteger(v) && v > 0)) throw new InputError(`width ${i + 1} of '${text}' is '${p}'; every width must be a positive integer`);
    return v;
  });
  if (dims.length - 1 > MAX_LAYERS) throw new InputError(`${dims.length - 1} layers: the page trains at most ${MAX_LAYERS} at interactive speed (use dln train for deeper networks)`);
  const wide = dims.find((d) => d > MAX_WIDTH);
  if (wide !== undefined) throw new InputError(`width ${wide}: the page trains widths up to ${MAX_WIDTH} at interactive speed (use dln train for wider networks)`);
  return dims;
}

function parseSubset(text: string): number[] {
  if (text.trim() === '') return [];
  return text.split(',').map((p) => {
    const v = Number(p.trim());
    if (!(Number.isSafeInteger(v) && v >= 1)) throw new InputError(`subset: '${p}' is not a 1-based index`);
    return v;
  });
}

/** The configuration a URL's query string holds (missing keys take DEFAULT_CONFIG's values); InputError for a bad value. */
export function configFromParams(params: URLSearchParams): PlaygroundConfig {
  const d = DEFAULT_CONFIG;
  const dims = params.has('dims') ? parseWidths(params.get('dims') as string) : [...d.dims];
  const dataName = params.get('data') ?? 'report-sec4';
  let data: DataConfig;
  if (dataName === 'upload') data = { kind: 'upload' };
  else if (dataName === 'cars' || dataName === 'penguins') data = { kind: 'real', name: dataName };
  else if (dataName === 'mnist') {
    data = {
      kind: 'real', name: 'mnist',
      pca: num(params, 'pca', 50, (v) => intAtLeast(1)(v) && v <= MAX_WIDTH, `an integer 1 … ${MAX_WIDTH} (the page's widest layer)`),
      train: num(params, 'train', 8000, (v) => intAtLeast(1)(v) && v < MNIST_DIGITS, `an integer 1 … ${MNIST_DIGITS - 1}`),
      center: params.get('center') !== '0',
    };
  } else {
    const name = pick(params, 'data', [...builtinNames, 'upload', ...REAL_DATA], 'report-sec4') as BuiltinName;
    data = { kind: 'builtin', name };
    for (const key of ['m', 'dx', 'dy', 'rank'] as const) {
      if (params.has(key)) data[key] = num(params, key, 0, intAtLeast(1), 'an integer ≥ 1');
    }
  }
  const kind = pick(params, 'init', INITS, 'gaussian');
  const init: InitConfig = kind === 'gaussian' ? { kind, std: num(params, 'std', 0.05, nonNegative, 'a finite number ≥ 0') }
    : kind === 'balanced' || kind === 'orthogonal' || kind === 'aligned' ? { kind, scale: num(params, 'scale', 1, Number.isFinite, 'a finite number') }
      : kind === 'critical' ? {
        kind, subset: parseSubset(params.get('subset') ?? '1'), strict: params.get('strict') !== '0',
        perturb: num(params, 'perturb', 1e-3, nonNegative, 'a finite number ≥ 0'),
        ...(params.get('perturbRel') === '1' ? { relative: true } : {}),
      } : { kind };
  const pgdConstants: NonNullable<PlaygroundConfig['pgd']> = {};
  for (const [key, name, ok, need] of [['beta', 'beta', positive, 'a positive finite number'], ['rho', 'rho', positive, 'a positive finite number'], ['deltaF', 'deltaF', nonNegative, 'a finite number ≥ 0']] as const) {
    if (params.has(key) && params.get(key) !== '') pgdConstants[name] = num(params, key, 0, ok, need);
  }
  return {
    dims, data, init,
    optimizer: pick(params, 'opt', OPTIMIZERS, d.optimizer),
    etaMode: pick(params, 'etaMode', ETA_MODES, d.etaMode),
    eta: num(params, 'eta', d.eta, positive, 'a positive finite number'),
    powerB: num(params, 'b', d.powerB, positive, 'a positive finite number'),
    powerP: num(params, 'p', d.powerP, nonNegative, 'a finite number ≥ 0'),
    tEnd: num(params, 'tEnd', d.tEnd, positive, 'a positive finite number'),
    epsilon: num(params, 'epsilon', d.epsilon, positive, 'a positive finite number'),
    ...(Object.keys(pgdConstants).length > 0 ? { pgd: pgdConstants } : {}),
    seed: num(params, 'seed', d.seed, (v) => intAtLeast(0)(v) && v <= 0xffffffff, 'an integer 0 … 2^32−1'),
    steps: num(params, 'steps', d.steps, intAtLeast(1), 'an integer ≥ 1'),
    recordEvery: num(params, 'every', d.recordEvery, intAtLeast(1), 'an integer ≥ 1'),
  };
}

/** The query string that configFromParams turns back into cfg (numbers in their shortest round-trip form, so bit for bit). */
export function configToParams(cfg: PlaygroundConfig): URLSearchParams {
  const p = new URLSearchParams();
  p.set('dims', cfg.dims.join(','));
  if (cfg.data.kind === 'upload') p.set('data', 'upload');
  else if (cfg.data.kind === 'real') {
    p.set('data', cfg.data.name);
    if (cfg.data.name === 'mnist') { p.set('pca', String(cfg.data.pca)); p.set('train', String(cfg.data.train)); p.set('center', cfg.data.center ? '1' : '0'); }
  } else {
    p.set('data', cfg.data.name);
    for (const key of ['m', 'dx', 'dy', 'rank'] as const) if (cfg.data[key] !== undefined) p.set(key, String(cfg.data[key]));
  }
  p.set('init', cfg.init.kind);
  if (cfg.init.kind === 'gaussian') p.set('std', String(cfg.init.std));
  if (cfg.init.kind === 'balanced' || cfg.init.kind === 'orthogonal' || cfg.init.kind === 'aligned') p.set('scale', String(cfg.init.scale));
  if (cfg.init.kind === 'critical') {
    p.set('subset', cfg.init.subset.join(','));
    p.set('strict', cfg.init.strict ? '1' : '0');
    p.set('perturb', String(cfg.init.perturb));
    if (cfg.init.relative === true) p.set('perturbRel', '1');
  }
  p.set('opt', cfg.optimizer);
  p.set('etaMode', cfg.etaMode);
  p.set('eta', String(cfg.eta));
  if (cfg.optimizer === 'power') { p.set('b', String(cfg.powerB)); p.set('p', String(cfg.powerP)); }
  if (cfg.optimizer === 'flow') p.set('tEnd', String(cfg.tEnd));
  if (cfg.optimizer === 'pgd') {
    p.set('epsilon', String(cfg.epsilon));
    for (const key of ['beta', 'rho', 'deltaF'] as const) if (cfg.pgd?.[key] !== undefined) p.set(key, String(cfg.pgd[key]));
  }
  p.set('seed', String(cfg.seed));
  p.set('steps', String(cfg.steps));
  p.set('every', String(cfg.recordEvery));
  return p;
}
