import { ArgumentError } from '../../errors.ts';
import { type BuiltinName, builtinNames, generatorDefaults, generatorParamNames, generatorValueProblem, mnistPixels, realDataNames } from '../../data/index.ts';
import { MAX_STEPS } from '../../optim/index.ts';
import { type AxisValue, parseAxis } from './axes.ts';

/**
 * Version of the sweep format (spec, cell records, queue messages): a dln that reads another format
 * refuses the sweep instead of computing different cells.
 */
export const SWEEP_FORMAT = 2;

/** The initialisations a sweep may use (those of `dln train --init`). */
export const INIT_KINDS = ['gaussian', 'balanced', 'orthogonal', 'zero'] as const;
/** One of INIT_KINDS. */
export type InitKind = (typeof INIT_KINDS)[number];

/** The axes a sweep may vary, each a setting of one `dln train` run (lrMultiple resolves to --lr). */
export const AXIS_NAMES = ['data', 'samples', 'noise', 'dx', 'dy', 'rank', 'condition', 'pca', 'center', 'trainSamples', 'depth', 'width', 'widths', 'init', 'initStd', 'initScale', 'lr', 'lrMultiple', 'seed', 'steps'] as const;
/** One of AXIS_NAMES: a setting a sweep may vary. */
export type AxisName = (typeof AXIS_NAMES)[number];

/** The data sets a sweep may use: the generators, then the real data sets (read at the Node edge). */
export const SWEEP_DATA_NAMES: readonly string[] = [...builtinNames, ...realDataNames];

/** Settings of MNIST's preparation (those of `dln train --pca, --no-center, --train-samples`); other data take none. */
export const MNIST_SETTINGS = ['pca', 'center', 'trainSamples'] as const;

/** One cell's settings before the data are drawn: every axis resolved to a value. */
export interface CellSettings {
  data: string;
  /** Generators (THEORY §8): samples m, noise std, d_x, d_y, nrt's rank and condition; each applies to the generators that take it. */
  samples?: number;
  noise?: number;
  dx?: number;
  dy?: number;
  rank?: number;
  condition?: number;
  /** MNIST: principal components kept (default 50; 0 keeps the 784 pixels). */
  pca?: number;
  /** MNIST: centre pixels and targets on the training means (default true). */
  center?: boolean;
  /** MNIST: digits in the seeded training split (default 8000; the rest of the 10,000 are the test split). */
  trainSamples?: number;
  /** Widths d_0..d_N when given whole; else depth and hidden widths build them around the data's ends. */
  dims?: number[];
  depth?: number;
  width?: number;
  widths?: number[];
  init: InitKind;
  initStd: number;
  initScale: number;
  lr?: number;
  lrMultiple?: number;
  /** What lrMultiple multiplies: η_max of Theorem 2.4 (δ optimal) or 2/λ_max(∇²L(W(0))). */
  lrOf: 'bound' | 'sharpness';
  seed: number;
  steps: number;
  divergeAbove: number;
  lossTol?: number;
  gradTol?: number;
}

/** How finished runs are named (THEORY §15.2). */
export interface ClassifyOptions {
  /** 'converged' once L − L* ≤ convergedRel·(L(0) − L*) (default 1e-6). */
  convergedRel: number;
  /** On a plateau when |L − c_r| ≤ plateauRel·c_r (default 0.01). */
  plateauRel: number;
  /** Steps at the end recorded one by one to recognise oscillation (default 32). */
  window: number;
}

/** A validated sweep specification (THEORY §15.1). */
export interface SweepSpec {
  format: number;
  /** The dln version that wrote the spec, when it says. */
  dln?: string;
  name: string;
  base: CellSettings;
  /** Axes in the order given: the first varies slowest in the cell index. */
  axes: { name: AxisName; values: AxisValue[] }[];
  /** Where λ_max(∇²L) is recorded: at the start and the end of every cell (default), the start only, or nowhere. */
  sharpness: 'both' | 'start' | 'none';
  classify: ClassifyOptions;
  /** Cells per chunk (a batch, a queue job); default 64. */
  chunkSize: number;
}

const TOP_KEYS = ['format', 'dln', 'name', 'base', 'axes', 'stop', 'record', 'classify', 'chunkSize'];
const STOP_KEYS = ['steps', 'divergeAbove', 'lossTol', 'gradTol'] as const;
const BASE_KEYS = [...AXIS_NAMES, 'dims', 'lrOf', ...STOP_KEYS];

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Collects one message per mistake; throws them together as one ArgumentError. */
class Problems {
  readonly list: string[] = [];
  add(field: string, message: string): void { this.list.push(`${field}: ${message}`); }
  throwIfAny(): void {
    if (this.list.length > 0) throw new ArgumentError(`sweep spec: ${this.list.join('; ')}`);
  }
}

/** The data sets that take a data setting (a generator's, or MNIST's preparation). */
export function dataTaking(setting: string): string[] {
  if ((MNIST_SETTINGS as readonly string[]).includes(setting)) return ['mnist'];
  return builtinNames.filter((n: BuiltinName) => setting in generatorDefaults[n]);
}

/** Checks that value fits the named setting; returns the message, or null when it fits. */
export function settingProblem(name: string, v: unknown): string | null {
  const num = typeof v === 'number' && Number.isFinite(v);
  const posInt = num && Number.isInteger(v) && (v as number) >= 1;
  switch (name) {
    case 'data': return typeof v === 'string' && SWEEP_DATA_NAMES.includes(v) ? null : `must be one of ${SWEEP_DATA_NAMES.join(', ')}`;
    case 'pca': return num && Number.isInteger(v) && (v as number) >= 0 && (v as number) <= mnistPixels ? null : `must be an integer in 0..${mnistPixels} (0: all pixels)`;
    case 'center': return typeof v === 'boolean' ? null : 'must be true or false';
    case 'samples': case 'noise': case 'dx': case 'dy': case 'rank': case 'condition': return generatorValueProblem(name, v);
    case 'trainSamples': return num && Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 10000 ? null : 'must be an integer in 1..10000 (the mnist package holds 10,000 digits)';
    case 'init': return typeof v === 'string' && (INIT_KINDS as readonly string[]).includes(v) ? null : `must be one of ${INIT_KINDS.join(', ')}`;
    case 'lrOf': return v === 'bound' || v === 'sharpness' ? null : "must be 'bound' (η_max of Theorem 2.4) or 'sharpness' (2/λ_max at the start)";
    case 'depth': return posInt ? null : 'must be an integer ≥ 1 (number of weight matrices)';
    case 'width': return posInt ? null : 'must be an integer ≥ 1';
    case 'widths': return Array.isArray(v) && v.every((w) => Number.isInteger(w) && w >= 1) ? null : 'must be a list of integers ≥ 1 (the hidden widths)';
    case 'dims': return Array.isArray(v) && v.length >= 2 && v.every((w) => Number.isInteger(w) && w >= 1) ? null : 'must be a list of at least two integers ≥ 1';
    case 'seed': return num && Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 2 ** 32 - 1 ? null : 'must be an integer in 0..2^32−1';
    case 'steps': return num && Number.isInteger(v) && (v as number) >= 0 && (v as number) <= MAX_STEPS ? null : `must be an integer in 0..${MAX_STEPS} (the most steps dln runs, as for dln train --steps)`;
    case 'initStd': case 'lossTol': case 'gradTol': return num && (v as number) >= 0 ? null : 'must be a finite number ≥ 0';
    case 'initScale': return num ? null : 'must be a finite number';
    case 'lr': case 'lrMultiple': case 'divergeAbove': return num && (v as number) > 0 ? null : 'must be a finite number > 0';
    default: return 'is not a setting of a sweep';
  }
}

function parseClassify(raw: unknown, problems: Problems): ClassifyOptions {
  const out: ClassifyOptions = { convergedRel: 1e-6, plateauRel: 0.01, window: 32 };
  if (raw === undefined) return out;
  if (!isObject(raw)) { problems.add('classify', 'must be an object'); return out; }
  for (const [k, v] of Object.entries(raw)) {
    if (k === 'window') {
      if (Number.isInteger(v) && (v as number) >= 4 && (v as number) <= 4096) out.window = v as number; else problems.add('classify.window', 'must be an integer in 4..4096');
    } else if (k === 'convergedRel' || k === 'plateauRel') {
      if (typeof v === 'number' && v > 0 && v < 1) out[k] = v; else problems.add(`classify.${k}`, 'must be a number in (0, 1)');
    } else problems.add(`classify.${k}`, 'unknown field (known: convergedRel, plateauRel, window)');
  }
  return out;
}

/**
 * Validates a parsed JSON sweep specification: every mistake is named by its field, all of them in
 * one ArgumentError. Defaults: data report-sec5, init gaussian (std 0.05), lrOf bound, seed 0,
 * steps 1000, divergeAbove 1e12.
 */
export function parseSpec(raw: unknown): SweepSpec {
  const problems = new Problems();
  if (!isObject(raw)) throw new ArgumentError('sweep spec: must be a JSON object with "base" and "axes"');
  for (const k of Object.keys(raw)) if (!TOP_KEYS.includes(k)) problems.add(k, `unknown field (known: ${TOP_KEYS.join(', ')})`);
  const format = raw.format ?? SWEEP_FORMAT;
  if (format !== SWEEP_FORMAT) {
    const newer = typeof format === 'number' && format > SWEEP_FORMAT;
    throw new ArgumentError(`sweep spec: format ${String(format)} is ${newer ? 'newer than' : 'not'} this dln's sweep format ${SWEEP_FORMAT}${newer ? ` (written by dln ${String(raw.dln ?? '?')}); update dln` : ''}`);
  }
  const base: Record<string, unknown> = { data: 'report-sec5', init: 'gaussian', initStd: 0.05, initScale: 1, lrOf: 'bound', seed: 0, steps: 1000, divergeAbove: 1e12 };
  const rawBase = raw.base ?? {};
  if (!isObject(rawBase)) problems.add('base', 'must be an object of dln train settings');
  else {
    for (const [k, v] of Object.entries(rawBase)) {
      if (!BASE_KEYS.includes(k)) { problems.add(`base.${k}`, `unknown setting (known: ${BASE_KEYS.join(', ')})`); continue; }
      const p = settingProblem(k, v);
      if (p !== null) problems.add(`base.${k}`, p); else base[k] = v;
    }
  }
  if (raw.stop !== undefined) {
    if (!isObject(raw.stop)) problems.add('stop', 'must be an object');
    else for (const [k, v] of Object.entries(raw.stop)) {
      if (!(STOP_KEYS as readonly string[]).includes(k)) { problems.add(`stop.${k}`, `unknown stop rule (known: ${STOP_KEYS.join(', ')})`); continue; }
      const p = settingProblem(k, v);
      if (p !== null) problems.add(`stop.${k}`, p); else base[k] = v;
    }
  }
  const axes: SweepSpec['axes'] = [];
  if (!isObject(raw.axes)) problems.add('axes', 'must be an object, e.g. {"seed": "0..99", "lrMultiple": {"from": 1, "to": 1000, "count": 7, "scale": "log"}}');
  else for (const [k, v] of Object.entries(raw.axes)) {
    if (!(AXIS_NAMES as readonly string[]).includes(k)) { problems.add(`axes.${k}`, `not an axis (axes: ${AXIS_NAMES.join(', ')})`); continue; }
    const values = parseAxis(`axes.${k}`, v, (val) => settingProblem(k, val), problems);
    if (values !== null) axes.push({ name: k as AxisName, values });
  }
  const names = new Set(axes.map((a) => a.name as string));
  const has = (k: string): boolean => names.has(k) || base[k] !== undefined;
  if (has('lr') && has('lrMultiple')) problems.add('lr', 'give lr or lrMultiple, not both');
  if (!has('lr') && !has('lrMultiple')) problems.add('lr', 'missing: give lr or lrMultiple (in base or as an axis)');
  if (has('width') && has('widths')) problems.add('widths', 'give width or widths, not both');
  if (base.dims !== undefined && (has('depth') || has('widths'))) problems.add('base.dims', 'give dims whole, or depth and width(s), not both');
  if (base.dims !== undefined && has('width') && (base.dims as number[]).length < 3) problems.add('width', 'dims have no hidden layer to widen');
  // A generator's setting must be taken by every data set of the sweep (a cell whose data lack it would
  // silently ignore it: nrt has no noise); MNIST's settings apply to the mnist cells, so one is enough.
  const dataAxisBad = isObject(raw.axes) && raw.axes.data !== undefined && !names.has('data');
  const dataValues = names.has('data') ? (axes.find((a) => a.name === 'data')?.values ?? []) : [base.data];
  if (!dataAxisBad) {
    for (const k of [...generatorParamNames, ...MNIST_SETTINGS]) {
      if (!names.has(k) && base[k] === undefined) continue;
      const takers = dataTaking(k), ignoring = dataValues.filter((d) => !takers.includes(d as string));
      const field = names.has(k) ? `axes.${k}` : `base.${k}`;
      if (ignoring.length === dataValues.length) problems.add(field, `applies to data ${takers.join(', ')} only (this sweep's data: ${dataValues.join(', ')})`);
      else if (ignoring.length > 0 && (generatorParamNames as readonly string[]).includes(k)) {
        problems.add(field, `applies to data ${takers.join(', ')} only, and this sweep's data ${ignoring.join(', ')} take${ignoring.length === 1 ? 's' : ''} no ${k} (those cells would ignore it)`);
      }
    }
  }
  const rs = isObject(raw.record) ? raw.record.sharpness : undefined;
  const sharpness = raw.record === undefined ? 'both' : rs === true || rs === 'both' ? 'both' : rs === 'start' ? 'start' : rs === false || rs === 'none' ? 'none'
    : (problems.add('record.sharpness', "must be 'both', 'start' or 'none'"), 'both');
  const classify = parseClassify(raw.classify, problems);
  const chunkSize = raw.chunkSize ?? 64;
  if (!(Number.isInteger(chunkSize) && (chunkSize as number) >= 1 && (chunkSize as number) <= 4096)) problems.add('chunkSize', 'must be an integer in 1..4096');
  if (raw.name !== undefined && (typeof raw.name !== 'string' || raw.name.length > 200)) problems.add('name', 'must be a string of at most 200 characters');
  if (raw.dln !== undefined && typeof raw.dln !== 'string') problems.add('dln', 'must be a version string');
  problems.throwIfAny();
  return {
    format: SWEEP_FORMAT, ...(raw.dln !== undefined ? { dln: raw.dln as string } : {}), name: (raw.name as string | undefined) ?? 'sweep',
    base: base as unknown as CellSettings, axes, sharpness, classify, chunkSize: chunkSize as number,
  };
}

/** The data sets a sweep's cells use (its data axis, or the base's data). */
export function specDataNames(s: SweepSpec): string[] {
  const axis = s.axes.find((a) => a.name === 'data');
  return axis !== undefined ? axis.values.map(String) : [s.base.data];
}

/** The JSON form of a parsed spec: parseSpec(specToJson(s)) gives s back (spec.json of a sweep directory). */
export function specToJson(s: SweepSpec): Record<string, unknown> {
  const base = Object.fromEntries(Object.entries(s.base).filter(([, v]) => v !== undefined));
  return {
    format: s.format, ...(s.dln !== undefined ? { dln: s.dln } : {}), name: s.name, base,
    axes: Object.fromEntries(s.axes.map((a) => [a.name, a.values])), record: { sharpness: s.sharpness }, classify: s.classify, chunkSize: s.chunkSize,
  };
}
