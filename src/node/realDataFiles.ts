import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { InputError, MissingPackageError } from '../errors.ts';
import type { MnistClass, RealDataSource } from '../data/index.ts';

const require = createRequire(import.meta.url);

/**
 * The folder of an installed package (the nearest folder above its main file whose package.json
 * has its name: vega-datasets' exports map hides its package.json), or a message that says how to
 * install it.
 */
function packageDir(name: string): string {
  let dir: string;
  try {
    dir = dirname(require.resolve(name));
  } catch {
    throw new MissingPackageError(`the ${name} package is not installed: run npm install ${name}`);
  }
  for (let up = dir; up !== dirname(up); up = dirname(up)) {
    const manifest = join(up, 'package.json');
    if (existsSync(manifest) && (readJson(manifest) as { name?: unknown }).name === name) return up;
  }
  throw new InputError(`cannot find the folder of the ${name} package above ${dir}`);
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch (e) {
    throw new InputError(`cannot read ${path}: ${(e as Error).message}`);
  }
}

/** Checks that the package holding a real data set is installed here (an InputError saying how to install it otherwise). */
export function checkRealDataInstalled(name: 'mnist' | 'cars' | 'penguins'): void {
  packageDir(name === 'mnist' ? 'mnist' : 'vega-datasets');
}

/** Reads the mnist package's digit files (src/digits/0.json … 9.json, offline). */
function mnistClasses(): MnistClass[] {
  const dir = join(packageDir('mnist'), 'src', 'digits');
  return Array.from({ length: 10 }, (_, digit) => {
    const file = join(dir, `${digit}.json`);
    const parsed = readJson(file) as { data?: unknown };
    if (!Array.isArray(parsed.data)) throw new InputError(`${file}: expected an object with a "data" array of pixels`);
    return { digit, pixels: parsed.data as number[] };
  });
}

/** The real data sets' files as installed with dln (the mnist and vega-datasets packages). */
export const packageRealData: RealDataSource = {
  mnistClasses,
  records: (name) => readJson(join(packageDir('vega-datasets'), 'data', `${name}.json`)),
};

/** The path of vega-datasets' cars.json or penguins.json (InputError naming the package when it is not installed). */
export function realDataFilePath(name: 'cars' | 'penguins'): string {
  return join(packageDir('vega-datasets'), 'data', `${name}.json`);
}
