import { type Mat, Rng, matmulNT, zeros } from '../../linalg/index.ts';
import { type Dataset, type Stats, statsFromData } from '../../model/index.ts';
import { type BuiltinName, type MnistClass, type RealDataSource, builtinData, generateData, loadRealData } from '../../data/index.ts';
import { dataKey, generatorParams, isRealData, mnistSettings } from './cells.ts';
import type { CellSettings } from './spec.ts';

/** A cell's data set and the generator that then draws its initial weights (as `dln train` continues after the data). */
export interface CellData {
  dataset: Dataset;
  rng: Rng;
  /** The data's sufficient statistics (THEORY §1.3) and Σ_YY = YYᵀ, computed once per data set and shared by every cell on it. */
  stats: Stats;
  syy: Mat;
}

interface Entry {
  dataset: Dataset;
  stats: Stats;
  syy: Mat;
  /** The seeded generator's state after drawing the data; null when the data drew nothing (a fresh Rng(seed) follows). */
  after: number[] | null;
  doubles: number;
}

/** Most doubles of data sets one SweepData keeps (128 MiB); the oldest are dropped beyond it. */
const MAX_DOUBLES = 2 ** 24;

/**
 * The data sets of a sweep's cells with their statistics, each drawn or prepared once per distinct
 * configuration (dataKey) and kept while it fits: generators from the cell's seed, the real data sets from a RealDataSource
 * that the Node edge provides (the packages' files; this layer reads none). Each raw file is asked of
 * the source once. One SweepData serves any number of chunks, so a worker thread keeps one.
 */
export class SweepData {
  private readonly cache = new Map<string, Entry>();
  private held = 0;
  private mnist: readonly MnistClass[] | undefined;
  private readonly tables = new Map<string, unknown>();
  private readonly source: RealDataSource | undefined;

  /** source: where mnist, cars and penguins come from; without one, cells of real data fail with a message. */
  constructor(source?: RealDataSource) {
    if (source === undefined) { this.source = undefined; return; }
    this.source = {
      mnistClasses: () => (this.mnist ??= source.mnistClasses()),
      records: (name) => {
        if (!this.tables.has(name)) this.tables.set(name, source.records(name));
        return this.tables.get(name);
      },
    };
  }

  /** The data of a cell and the generator, positioned after the data, that draws its initial weights. */
  load(s: CellSettings): CellData {
    const key = dataKey(s);
    let e = this.cache.get(key);
    if (e === undefined) {
      e = this.draw(s);
      this.cache.set(key, e);
      this.held += e.doubles;
      for (const [k, old] of this.cache) {
        if (this.held <= MAX_DOUBLES || old === e) break;
        this.cache.delete(k);
        this.held -= old.doubles;
      }
    }
    return { dataset: e.dataset, stats: e.stats, syy: e.syy, rng: e.after === null ? new Rng(s.seed) : Rng.fromState(e.after) };
  }

  private draw(s: CellSettings): Entry {
    const rng = new Rng(s.seed);
    let dataset: Dataset, drew: boolean;
    if (isRealData(s.data)) {
      if (this.source === undefined) throw new Error(`data ${s.data} is read from its package's files, which this sweep evaluator was not given`);
      dataset = loadRealData(s.data, this.source, rng, s.data === 'mnist' ? mnistSettings(s) : {}).train;
      drew = s.data === 'mnist';
    } else {
      const params = generatorParams(s);
      dataset = Object.keys(params).length === 0 ? builtinData[s.data as BuiltinName](rng) : generateData(s.data as BuiltinName, rng, params);
      drew = true;
    }
    const stats = statsFromData(dataset), dy = dataset.y.rows;
    const syy = matmulNT(zeros(dy, dy), dataset.y, dataset.y);
    const doubles = dataset.x.data.length + dataset.y.data.length + stats.sxx.data.length + stats.syx.data.length + dy * dy;
    return { dataset, stats, syy, after: drew ? rng.state() : null, doubles };
  }
}
