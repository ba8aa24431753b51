import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { writeFileAtomic } from '../node/writeFileAtomic.ts';
import { join } from 'node:path';
import { InputError, isBadInput } from '../errors.ts';
import { type SweepSpec, SWEEP_FORMAT, cellCount, parseSpec, planChunks, specToJson } from '../experiments/sweep/index.ts';
import { SweepStore } from './sweepStore.ts';

/** Reads and validates a sweep spec file (JSON); every problem is an InputError naming the file. */
export function readSpecFile(path: string): SweepSpec {
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch (e) { throw new InputError(`${path}: cannot read the sweep spec (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`); }
  let raw: unknown;
  try { raw = JSON.parse(text); } catch (e) { throw new InputError(`${path}: not valid JSON (${(e as Error).message})`); }
  try { return parseSpec(raw); } catch (e) { throw isBadInput(e) ? new InputError(`${path}: ${(e as Error).message}`) : e; }
}

/** Creates the sweep directory dir (absent or empty): spec.json and the store with its meta. */
export function createSweep(dir: string, spec: SweepSpec, dln: string): SweepStore {
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw new InputError(`--out ${dir} exists and is not a directory`);
    if (readdirSync(dir).length > 0) throw new InputError(`--out ${dir} already exists and is not empty (to continue a sweep there: dln sweep resume ${dir})`);
  }
  const total = cellCount(spec);
  planChunks(spec);
  mkdirSync(dir, { recursive: true });
  const stamped = { ...spec, dln: spec.dln ?? dln };
  writeFileAtomic(join(dir, 'spec.json'), `${JSON.stringify(specToJson(stamped), null, 2)}\n`);
  return SweepStore.create(dir, { spec: stamped, id: randomUUID(), format: SWEEP_FORMAT, dln, total, created: new Date().toISOString() });
}

/** The chunks of the plan with the cells not stored yet (chunks already complete left out). */
export function pendingChunks(spec: SweepSpec, done: ReadonlySet<number>): { chunk: number; cells: number[] }[] {
  return planChunks(spec).map((cells, chunk) => ({ chunk, cells: cells.filter((i) => !done.has(i)) })).filter((c) => c.cells.length > 0);
}
