import { type Mat, zeros } from '../linalg/index.ts';
import type { Dataset } from '../model/index.ts';
import { DataError } from '../errors.ts';

/** The real data sets dln ships (read offline from the mnist and vega-datasets packages). */
export type RealDataName = 'mnist' | 'cars' | 'penguins';

/** The names of the real data sets, in a fixed order. */
export const realDataNames: readonly RealDataName[] = ['mnist', 'cars', 'penguins'];

/**
 * A real data set in the column convention of THEORY §1.3 (x: d_x×m, y: d_y×m), with how it was
 * prepared: `meta` holds everything needed to map predictions back (means, scales, projections)
 * and is recorded in config.json.
 */
export interface RealData {
  readonly name: RealDataName;
  readonly train: Dataset;
  /** Held-out samples, prepared with the training set's means and scales (MNIST only). */
  readonly test?: Dataset;
  /** Class of each training / test sample (MNIST). */
  readonly trainLabels?: Int32Array;
  readonly testLabels?: Int32Array;
  /** Names of the rows of x and y (the regression sets). */
  readonly features?: { readonly x: readonly string[]; readonly y: readonly string[] };
  /** One line: where the data come from and what was done to them. */
  readonly describe: string;
  readonly meta: Readonly<Record<string, unknown>>;
}

/** A column of a table of records: a number, a date whose year is used, or a category (reference coding). */
export type ColumnSpec =
  | { readonly field: string; readonly kind: 'number' }
  | { readonly field: string; readonly kind: 'year' }
  | { readonly field: string; readonly kind: 'category'; readonly levels: readonly string[] };

/** Which fields of a table are inputs and which are targets. */
export interface TableSpec {
  readonly inputs: readonly ColumnSpec[];
  readonly outputs: readonly ColumnSpec[];
}

/** Names of the numeric columns a spec expands to (a category of k levels gives k − 1 indicator columns). */
function columnNames(specs: readonly ColumnSpec[]): string[] {
  return specs.flatMap((c) => (c.kind === 'category' ? c.levels.slice(1).map((l) => `${c.field}=${l}`) : [c.field]));
}

/** Number of numeric columns a list of column specs expands to. */
export function tableWidth(specs: readonly ColumnSpec[]): number {
  return columnNames(specs).length;
}

/** The values a record contributes for one column spec, or null when the record lacks a usable value. */
function columnValues(record: Readonly<Record<string, unknown>>, spec: ColumnSpec, where: string): number[] | null {
  const v = record[spec.field];
  if (v === null || v === undefined || v === '') return null;
  if (spec.kind === 'number') {
    if (typeof v !== 'number') throw new DataError(`${where}: field "${spec.field}" is ${JSON.stringify(v)}, not a number`);
    return Number.isFinite(v) ? [v] : null;
  }
  if (spec.kind === 'year') {
    const year = typeof v === 'string' ? Number.parseInt(v.slice(0, 4), 10) : Number.NaN;
    if (!Number.isFinite(year)) throw new DataError(`${where}: field "${spec.field}" is ${JSON.stringify(v)}, not a date`);
    return [year];
  }
  const level = spec.levels.indexOf(String(v));
  if (level < 0) throw new DataError(`${where}: field "${spec.field}" is ${JSON.stringify(v)}, not one of ${spec.levels.join(', ')}`);
  return spec.levels.slice(1).map((_, k) => (k + 1 === level ? 1 : 0));
}

/** Centres and scales each row of a (d×m) to mean 0 and standard deviation 1; returns the means and scales. */
function standardiseRows(a: Mat, names: readonly string[], where: string): { means: number[]; scales: number[] } {
  const means: number[] = [], scales: number[] = [];
  const m = a.cols;
  for (let i = 0; i < a.rows; i++) {
    let s = 0;
    for (let j = 0; j < m; j++) s += a.data[i * m + j];
    const mean = s / m;
    let ss = 0;
    for (let j = 0; j < m; j++) { const d = a.data[i * m + j] - mean; ss += d * d; }
    const scale = Math.sqrt(ss / m);
    if (!(scale > 0)) throw new DataError(`${where}: column "${names[i]}" is constant over the kept rows and cannot be standardised`);
    for (let j = 0; j < m; j++) a.data[i * m + j] = (a.data[i * m + j] - mean) / scale;
    means.push(mean); scales.push(scale);
  }
  return { means, scales };
}

/**
 * A regression problem from a table of records: rows with a missing value in any used field are
 * dropped (and counted), every column is standardised (population standard deviation), and the
 * means and scales are returned so that predictions can be mapped back (y = scale·ŷ + mean).
 */
export function tableData(records: unknown, spec: TableSpec, name: RealDataName, source: string): RealData {
  if (!Array.isArray(records)) throw new DataError(`${source}: expected a JSON array of records`);
  const xNames = columnNames(spec.inputs), yNames = columnNames(spec.outputs);
  const xs: number[][] = [], ys: number[][] = [];
  let dropped = 0;
  records.forEach((r: unknown, k) => {
    if (typeof r !== 'object' || r === null) throw new DataError(`${source}: record ${k + 1} is not an object`);
    const where = `${source}, record ${k + 1}`;
    const rec = r as Record<string, unknown>;
    const xv = spec.inputs.map((c) => columnValues(rec, c, where));
    const yv = spec.outputs.map((c) => columnValues(rec, c, where));
    if (xv.some((v) => v === null) || yv.some((v) => v === null)) { dropped++; return; }
    xs.push((xv as number[][]).flat()); ys.push((yv as number[][]).flat());
  });
  const m = xs.length;
  if (m < 2) throw new DataError(`${source}: fewer than two complete records`);
  const toMat = (rows: number[][], d: number): Mat => {
    const a = zeros(d, m);
    rows.forEach((row, j) => row.forEach((v, i) => { a.data[i * m + j] = v; }));
    return a;
  };
  const x = toMat(xs, xNames.length), y = toMat(ys, yNames.length);
  const xScale = standardiseRows(x, xNames, source), yScale = standardiseRows(y, yNames, source);
  return {
    name,
    train: { x, y },
    features: { x: xNames, y: yNames },
    describe: `${name}: ${m} records of ${source} (${dropped} with missing values dropped); predict ${yNames.join(', ')} from ${xNames.join(', ')}; every column standardised`,
    meta: { source, records: records.length, kept: m, dropped, inputs: xNames, outputs: yNames, inputMeans: xScale.means, inputScales: xScale.scales, outputMeans: yScale.means, outputScales: yScale.scales },
  };
}

/** vega-datasets' cars.json: predict MPG, horsepower, weight and acceleration from cylinders, displacement, year and origin. */
export const carsSpec: TableSpec = {
  inputs: [
    { field: 'Cylinders', kind: 'number' }, { field: 'Displacement', kind: 'number' }, { field: 'Year', kind: 'year' },
    { field: 'Origin', kind: 'category', levels: ['USA', 'Europe', 'Japan'] },
  ],
  outputs: [
    { field: 'Miles_per_Gallon', kind: 'number' }, { field: 'Horsepower', kind: 'number' },
    { field: 'Weight_in_lbs', kind: 'number' }, { field: 'Acceleration', kind: 'number' },
  ],
};

/** vega-datasets' penguins.json: predict flipper length and body mass from the beak and the species. */
export const penguinsSpec: TableSpec = {
  inputs: [
    { field: 'Beak Length (mm)', kind: 'number' }, { field: 'Beak Depth (mm)', kind: 'number' },
    { field: 'Species', kind: 'category', levels: ['Adelie', 'Chinstrap', 'Gentoo'] },
  ],
  outputs: [{ field: 'Flipper Length (mm)', kind: 'number' }, { field: 'Body Mass (g)', kind: 'number' }],
};

/** Where the real data sets' raw contents come from: Node reads the packages' files, a page fetches them. */
export interface RealDataSource {
  /** The ten digit classes of the mnist package, in order 0–9. */
  mnistClasses(): readonly import('./mnist.ts').MnistClass[];
  /** The parsed JSON records of vega-datasets' cars.json or penguins.json. */
  records(name: 'cars' | 'penguins'): unknown;
}
