import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type BenchRow, type Workload, median, seconds } from './common.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const bin = fileURLToPath(new URL('../bin/dln.js', import.meta.url));

/** Median wall seconds of `node bin/dln.js --help`, whole process, with env added (one warm-up run first). */
function helpTime(env: Record<string, string>, runs: number): number {
  const t: number[] = [];
  for (let i = 0; i <= runs; i++) {
    const s = performance.now();
    const r = spawnSync(process.execPath, [bin, '--help'], { env: { ...process.env, ...env }, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`dln --help failed: ${r.stderr}`);
    if (i > 0) t.push((performance.now() - s) / 1000);
  }
  return median(t);
}

/**
 * Start-up of the command (S1): `dln --help` as installed users run it (compiled JavaScript in dist/)
 * and as a checkout runs it (the TypeScript sources through tsx). dist/ is built first when missing.
 */
const s1: Workload = {
  id: 'T1',
  async run(ctx) {
    if (!existsSync(new URL('../dist/cli/main.js', import.meta.url))) {
      const b = spawnSync(process.execPath, ['scripts/build-lib.mjs'], { cwd: root, encoding: 'utf8' });
      if (b.status !== 0) throw new Error(`building dist/ failed: ${b.stderr}`);
    }
    const runs = ctx.quick ? 5 : 15;
    const sources = helpTime({ DLN_DIST: '0' }, runs), compiled = helpTime({ DLN_DIST: '1' }, runs);
    const row = (workload: string, value: number, note: string): BenchRow => ({ id: 'T1', workload, backend: 'node', threads: 1, dln: seconds(value), note });
    return [
      row('dln --help start-up, compiled dist/ (installed package)', compiled, `median of ${runs} runs, whole process; ${(sources / compiled).toFixed(1)}× faster than through tsx`),
      row('dln --help start-up, TypeScript sources through tsx (checkout)', sources, `median of ${runs} runs, whole process`),
    ];
  },
};

export const startup: Workload[] = [s1];
