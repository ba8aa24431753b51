import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from './common.ts';
import { runNumpy } from './numpyRunner.ts';

/** Peak double-precision GFLOP/s of one core, and how it was obtained. */
export interface FmaPeak { scalar?: number; simd128?: number; avx2: number; source: string }

/**
 * The machine's FMA peak per core: bench/fmaPeak.c compiled with the system's C compiler and run
 * (best of many short runs, so other processes lower it little); without a compiler, numpy's
 * single-threaded 1024×1024 product as the attainable peak; null when neither can run.
 */
export function measureFmaPeak(numpy: boolean): FmaPeak | null {
  const dir = tempDir();
  try {
    const src = fileURLToPath(new URL('./fmaPeak.c', import.meta.url)), exe = join(dir, 'fmaPeak');
    const cc = spawnSync('cc', ['-O2', '-mavx2', '-mfma', src, '-o', exe], { encoding: 'utf8' });
    if (cc.status === 0) {
      const r = spawnSync(exe, { encoding: 'utf8' });
      if (r.status === 0) {
        const p = JSON.parse(r.stdout) as { scalar: number; simd128: number; avx2: number };
        return { ...p, source: 'measured by bench/fmaPeak.c (independent FMA chains, best of 25 runs)' };
      }
    }
    if (numpy) {
      const n = 1024, g = runNumpy({ kind: 'gemm', n, reps: 5 }, 1);
      return { avx2: (2 * n ** 3) / g.seconds / 1e9, source: 'no C compiler: numpy 1024×1024 product on one thread (attainable, not peak)' };
    }
    return null;
  } finally { rmSync(dir, { recursive: true, force: true }); }
}
