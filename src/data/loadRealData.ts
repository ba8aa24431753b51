import type { Rng } from '../linalg/index.ts';
import { type MnistOptions, mnistData, mnistPixels } from './mnist.ts';
import { type RealData, type RealDataName, type RealDataSource, carsSpec, penguinsSpec, tableData, tableWidth } from './realData.ts';

/**
 * A real data set by name, prepared from its raw files: MNIST split by `rng` (with `mnist`'s
 * options), cars and penguins with missing rows dropped and columns standardised.
 */
export function loadRealData(name: RealDataName, source: RealDataSource, rng: Rng, mnist: MnistOptions = {}): RealData {
  if (name === 'mnist') return mnistData(source.mnistClasses(), rng, mnist);
  return tableData(source.records(name), name === 'cars' ? carsSpec : penguinsSpec, name, `vega-datasets ${name}.json`);
}

/**
 * d_x and d_y of a real data set's training set, known without its files: MNIST's are the number of
 * principal components kept (784 pixels when pca is 0) and 10, the tables' their column counts.
 */
export function realDataEnds(name: RealDataName, pca = 50): [number, number] {
  if (name === 'mnist') return [pca > 0 ? pca : mnistPixels, 10];
  const spec = name === 'cars' ? carsSpec : penguinsSpec;
  return [tableWidth(spec.inputs), tableWidth(spec.outputs)];
}
