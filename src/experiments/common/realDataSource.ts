import { ArgumentError } from '../../errors.ts';
import type { RealDataSource } from '../../data/index.ts';
import type { ExperimentContext } from '../types.ts';

/** The context's real-data files, or a message saying that this experiment needs them. */
export function requireRealData(ctx: ExperimentContext, experiment: string): RealDataSource {
  if (ctx.realData === undefined) throw new ArgumentError(`${experiment} needs the real data sets (the mnist and vega-datasets packages), which this runner does not provide`);
  return ctx.realData;
}
