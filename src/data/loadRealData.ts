import type { Rng } from '../linalg/index.ts';
import { type MnistOptions, mnistData } from './mnist.ts';
import { type RealData, type RealDataName, type RealDataSource, carsSpec, penguinsSpec, tableData } from './realData.ts';

/**
 * A real data set by name, prepared from its raw files: MNIST split by `rng` (with `mnist`'s
 * options), cars and penguins with missing rows dropped and columns standardised.
 */
export function loadRealData(name: RealDataName, source: RealDataSource, rng: Rng, mnist: MnistOptions = {}): RealData {
  if (name === 'mnist') return mnistData(source.mnistClasses(), rng, mnist);
  return tableData(source.records(name), name === 'cars' ? carsSpec : penguinsSpec, name, `vega-datasets ${name}.json`);
}
