import { ArgumentError } from '../../errors.ts';
import { Rng } from '../../linalg/index.ts';
import type { InitSpec } from '../../model/index.ts';
import {
  type BuiltinName, type GeneratorParams, type RealDataName, builtinData, generatorDefaults, generatorParamNames, generatorParamsProblems, realDataEnds, realDataNames,
} from '../../data/index.ts';
import type { AxisValue } from './axes.ts';
import type { CellSettings, SweepSpec } from './spec.ts';

/** Most cells one sweep may hold. */
export const MAX_CELLS = 10_000_000;

/** One cell: its index (first axis slowest), its axis values and its resolved settings. */
export interface CellPlan {
  index: number;
  /** Canonical text of the axis values: the same cell of the same spec always has the same key. */
  key: string;
  coords: Record<string, AxisValue>;
  settings: CellSettings;
  /** Widths d_0..d_N. */
  dims: number[];
}

/** Number of cells: the product of the axis lengths; an ArgumentError above MAX_CELLS. */
export function cellCount(spec: SweepSpec): number {
  const n = spec.axes.reduce((p, a) => p * a.values.length, 1);
  if (n > MAX_CELLS) throw new ArgumentError(`sweep spec: ${n} cells is more than the ${MAX_CELLS} a sweep may hold; split it`);
  return n;
}

const ends = new Map<string, [number, number]>();

/** True for the real data sets (mnist, cars, penguins), whose files the Node edge reads. */
export const isRealData = (name: string): name is RealDataName => (realDataNames as readonly string[]).includes(name);

/** MNIST's preparation of a cell with its defaults (those of `dln train`): train/test split, principal components, centring. */
export function mnistSettings(s: CellSettings): { train: number; test: number; pca: number; center: boolean } {
  const train = s.trainSamples ?? 8000;
  return { train, test: 10000 - train, pca: s.pca ?? 50, center: s.center ?? true };
}

/** The generator settings of a cell that its data set takes (the others, meant for other data of the sweep, left out). */
export function generatorParams(s: CellSettings): GeneratorParams {
  if (isRealData(s.data)) return {};
  const takes = generatorDefaults[s.data as BuiltinName];
  return Object.fromEntries(generatorParamNames.filter((k) => k in takes && s[k] !== undefined).map((k) => [k, s[k]])) as GeneratorParams;
}

/**
 * d_x and d_y of a cell's data: real data from their known shapes (no files needed), a generator
 * from its dx and dy settings or else one draw with a throwaway generator.
 */
export function dataEnds(s: CellSettings): [number, number] {
  if (isRealData(s.data)) return realDataEnds(s.data, s.pca ?? 50);
  let e = ends.get(s.data);
  if (e === undefined) {
    const d = builtinData[s.data as BuiltinName](new Rng(0));
    e = [d.x.rows, d.y.rows];
    ends.set(s.data, e);
  }
  const p = generatorParams(s);
  return [p.dx ?? e[0], p.dy ?? e[1]];
}

/**
 * What fixes a cell's data set: the generator and seed; for cars and penguins the name alone (they
 * draw nothing); for MNIST its seeded split and preparation. Cells with one key share one data set.
 */
export function dataKey(s: CellSettings): string {
  if (s.data === 'mnist') return JSON.stringify([s.data, s.seed, mnistSettings(s)]);
  if (isRealData(s.data)) return JSON.stringify([s.data]);
  return JSON.stringify([s.data, s.seed, generatorParams(s)]);
}

/** The widths a cell's settings describe: dims, or d_x, hidden widths, d_y. */
export function cellDims(s: CellSettings): number[] {
  if (s.data === 'mnist') {
    const m = mnistSettings(s);
    if (m.pca > m.train) throw new ArgumentError(`sweep spec: pca ${m.pca} needs at least as many training samples, but trainSamples is ${m.train}`);
  } else if (!isRealData(s.data)) {
    const problems = generatorParamsProblems(s.data as BuiltinName, generatorParams(s));
    if (problems.length > 0) throw new ArgumentError(`sweep spec: data ${s.data} with ${JSON.stringify(generatorParams(s))}: ${problems.join('; ')}`);
  }
  const [dx, dy] = dataEnds(s);
  if (s.dims !== undefined && s.width === undefined) {
    if (s.dims[0] !== dx || s.dims[s.dims.length - 1] !== dy) {
      throw new ArgumentError(`sweep spec: dims [${s.dims.join(',')}] need d_0 = ${dx} and d_N = ${dy} for data ${s.data}`);
    }
    return [...s.dims];
  }
  let hidden: number[];
  if (s.widths !== undefined) {
    if (s.depth !== undefined && s.widths.length !== s.depth - 1) {
      throw new ArgumentError(`sweep spec: widths [${s.widths.join(',')}] give depth ${s.widths.length + 1}, but depth is ${s.depth}`);
    }
    hidden = s.widths;
  } else {
    const depth = s.depth ?? (s.dims !== undefined ? s.dims.length - 1 : 2);
    const width = s.width ?? Math.max(dx, dy);
    hidden = Array.from({ length: depth - 1 }, () => width);
  }
  return [dx, ...hidden, dy];
}

/** The cell at index: mixed-radix digits of index over the axes, the last axis fastest. */
export function cellAt(spec: SweepSpec, index: number): CellPlan {
  const coords: Record<string, AxisValue> = {};
  let rest = index;
  for (let a = spec.axes.length - 1; a >= 0; a--) {
    const ax = spec.axes[a];
    coords[ax.name] = ax.values[rest % ax.values.length];
    rest = Math.floor(rest / ax.values.length);
  }
  const ordered: Record<string, AxisValue> = {};
  for (const ax of spec.axes) ordered[ax.name] = coords[ax.name];
  const settings = { ...spec.base, ...ordered } as CellSettings;
  return { index, key: JSON.stringify(ordered), coords: ordered, settings, dims: cellDims(settings) };
}

/** The initialisation of a cell as `dln train` records it. */
export function cellInit(s: CellSettings): Exclude<InitSpec, { kind: 'weights' }> {
  switch (s.init) {
    case 'gaussian': return { kind: 'gaussian', std: s.initStd };
    case 'balanced': return { kind: 'balanced', scale: s.initScale };
    case 'orthogonal': return { kind: 'orthogonal', scale: s.initScale };
    case 'zero': return { kind: 'zero' };
  }
}

/** What fixes a cell's data and initial weights (cells differing only in the step share it). */
export function instanceKey(c: CellPlan): string {
  return JSON.stringify([dataKey(c.settings), c.settings.seed, c.dims, cellInit(c.settings)]);
}

/**
 * A cell's work in multiply-add units, for estimates of time (progress and ETA): its steps times
 * its network's parameters Σ_j d_j·d_{j−1} times d_0 (about what a step costs, from the statistics).
 */
export function cellWork(c: CellPlan): number {
  let params = 0;
  for (let j = 1; j < c.dims.length; j++) params += c.dims[j] * c.dims[j - 1];
  return Math.max(1, c.settings.steps) * params * c.dims[0];
}

/** cellWork of every cell of the spec, by index. */
export function sweepWork(spec: SweepSpec): Float64Array {
  const n = cellCount(spec), w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = cellWork(cellAt(spec, i));
  return w;
}

/**
 * The cells in chunks of at most spec.chunkSize, each of one network shape and step budget (one batch), cells of
 * one instance together, in a fixed order: the plan depends on the spec alone.
 */
export function planChunks(spec: SweepSpec): number[][] {
  const n = cellCount(spec);
  const cells = Array.from({ length: n }, (_, i) => cellAt(spec, i));
  const shapeOf = (c: CellPlan): string => `${c.dims.join(',')}/${c.settings.steps}`;
  const keyOf = cells.map((c) => `${shapeOf(c)}|${instanceKey(c)}`);
  const order = cells.map((c) => c.index).sort((a, b) => (keyOf[a] < keyOf[b] ? -1 : keyOf[a] > keyOf[b] ? 1 : a - b));
  const chunks: number[][] = [];
  let cur: number[] = [];
  for (const i of order) {
    if (cur.length > 0 && (cur.length >= spec.chunkSize || shapeOf(cells[cur[0]]) !== shapeOf(cells[i]))) { chunks.push(cur); cur = []; }
    cur.push(i);
  }
  if (cur.length > 0) chunks.push(cur);
  return chunks;
}
