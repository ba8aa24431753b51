/**
 * `node --import tsx bench/kernels.ts [--threads N] [--sizes 5,64,256,512] [--rounds R] [--decomp] [--json FILE]`:
 * square gemm (c = a·b) GFLOP/s for every available kernel backend next to numpy's `matmul(a, b,
 * out=c)` in the same run (OPENBLAS_NUM_THREADS = the native backend's threads), as ratios; the
 * N-API call overhead of the native backend; with --decomp, eigh 1000×1000 and full SVD 512×512
 * through LAPACK (native) and the TypeScript implementations against numpy.linalg.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import type { KernelBackend } from '../src/linalg/backend.ts';
import { availableBackends, resolveBackend } from '../src/linalg/backends/selectBackend.ts';
import { loadNativeAddon } from '../src/linalg/backends/nativeBackend.ts';
import { Rng } from '../src/linalg/rng.ts';
import { setBackend } from '../src/linalg/backend.ts';
import { tsBackend } from '../src/linalg/backends/tsBackend.ts';
import { eigh } from '../src/linalg/eigh.ts';
import { svd } from '../src/linalg/svd.ts';
import { prepareOpenblasCoreType } from '../src/node/openblasCoreType.ts';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const sizes = (flag('--sizes') ?? '5,64,256,512').split(',').map(Number);
const jsonFile = flag('--json');
const decomp = args.includes('--decomp');
const rounds = Math.max(1, Number(flag('--rounds') ?? 1));
prepareOpenblasCoreType();
const names = availableBackends();
const native = names.includes('native') ? resolveBackend('native') : undefined;
if (flag('--threads') !== undefined) native?.setThreads?.(Number(flag('--threads')));
const threads = native?.threads?.() ?? 1;

/** Best seconds per call over 5 rounds of enough calls to last ≥ 40 ms (one call when that is long). */
function secondsPerCall(f: () => void, flopsPerCall: number): number {
  const calls = Math.max(1, Math.min(1e6, Math.round(4e7 / flopsPerCall)));
  for (let i = 0; i < Math.min(calls, 1000); i++) f();
  let best = Infinity;
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) f();
    best = Math.min(best, (performance.now() - t0) / 1e3 / calls);
  }
  return best;
}

function gemmGflops(be: KernelBackend, n: number): number {
  const rng = new Rng(n);
  const a = rng.fillNormal(new Float64Array(n * n)), b = rng.fillNormal(new Float64Array(n * n)), c = new Float64Array(n * n);
  const flops = 2 * n * n * n;
  return flops / secondsPerCall(() => be.gemm(false, false, n, n, n, 1, a, b, 0, c), flops) / 1e9;
}

function numpyGflops(): Record<number, number> | undefined {
  const script = `
import json, sys, time
import numpy as np
out = {}
for n in ${JSON.stringify(sizes)}:
    rng = np.random.default_rng(n)
    a, b, c = rng.standard_normal((n, n)), rng.standard_normal((n, n)), np.empty((n, n))
    flops = 2.0 * n ** 3
    calls = max(1, min(10**6, round(4e7 / flops)))
    for _ in range(min(calls, 1000)): np.matmul(a, b, out=c)
    best = float('inf')
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(calls): np.matmul(a, b, out=c)
        best = min(best, (time.perf_counter() - t0) / calls)
    out[n] = flops / best / 1e9
json.dump(out, sys.stdout)`;
  const res = spawnSync('python3', ['-c', script], { encoding: 'utf8', env: { ...process.env, OPENBLAS_NUM_THREADS: String(threads) } });
  if (res.status !== 0) return undefined;
  return JSON.parse(res.stdout) as Record<number, number>;
}

function napiOverhead(): Record<string, number> | undefined {
  const r = loadNativeAddon();
  if (!('addon' in r) || native === undefined) return undefined;
  const x = r.addon, n = 5;
  const a = new Float64Array(n * n).fill(1), b = a.slice(), c = a.slice();
  const ns = (f: () => void): number => secondsPerCall(f, 4) * 1e9;
  return {
    'empty call': ns(() => x.noop()),
    '5×5 gemm, 10 converted arguments': ns(() => x.gemm(false, false, n, n, n, 1, a, b, 0, c)),
    '5×5 gemm, backend (parameter block + registered arrays)': ns(() => native.gemm(false, false, n, n, n, 1, a, b, 0, c)),
    '0×5×5 gemm, backend (the call alone)': ns(() => native.gemm(false, false, 0, n, n, 1, a, b, 0, c)),
  };
}

/** Best seconds of `rounds` calls of f. */
function bestSeconds(f: () => void, rounds: number): number {
  let best = Infinity;
  for (let r = 0; r < rounds; r++) { const t0 = performance.now(); f(); best = Math.min(best, (performance.now() - t0) / 1e3); }
  return best;
}

/** Seconds for eigh (n = 1000, symmetric Gaussian) and full SVD (512×512 Gaussian) per implementation. */
function decompositions(): Record<string, { eigh: number; svd: number }> {
  const rng = new Rng(7), ne = 1000, ns = 512;
  const sym = { rows: ne, cols: ne, data: rng.fillNormal(new Float64Array(ne * ne)) };
  for (let i = 0; i < ne; i++) for (let j = 0; j < i; j++) sym.data[j * ne + i] = sym.data[i * ne + j];
  const g = { rows: ns, cols: ns, data: rng.fillNormal(new Float64Array(ns * ns)) };
  const out: Record<string, { eigh: number; svd: number }> = {};
  const prev = setBackend(tsBackend);
  try {
    if (native) {
      setBackend(native);
      out['native (LAPACK)'] = { eigh: bestSeconds(() => eigh(sym), 3), svd: bestSeconds(() => svd(g, { full: true }), 3) };
    }
    setBackend(tsBackend);
    out.ts = { eigh: bestSeconds(() => eigh(sym), 1), svd: bestSeconds(() => svd(g, { full: true }), 1) };
  } finally {
    setBackend(prev);
  }
  const script = `
import json, sys, time
import numpy as np
rng = np.random.default_rng(7)
a = rng.standard_normal((${ne}, ${ne})); a = np.tril(a) + np.tril(a, -1).T
g = rng.standard_normal((${ns}, ${ns}))
def best(f):
    t = float('inf')
    for _ in range(3):
        t0 = time.perf_counter(); f(); t = min(t, time.perf_counter() - t0)
    return t
json.dump({'eigh': best(lambda: np.linalg.eigh(a)), 'svd': best(lambda: np.linalg.svd(g, full_matrices=True))}, sys.stdout)`;
  const res = spawnSync('python3', ['-c', script], { encoding: 'utf8', env: { ...process.env, OPENBLAS_NUM_THREADS: String(threads) } });
  if (res.status === 0) out.numpy = JSON.parse(res.stdout) as { eigh: number; svd: number };
  return out;
}

// Each round measures numpy and then every backend; the best of the rounds is kept, so that a
// burst of other load on a shared machine does not land on one side only.
let np: Record<number, number> | undefined;
const best: Record<number, Record<string, number>> = {};
for (let r = 0; r < rounds; r++) {
  const npr = numpyGflops();
  if (npr) np = Object.fromEntries(sizes.map((n) => [n, Math.max(np?.[n] ?? 0, npr[n])]));
  for (const n of sizes) {
    best[n] ??= {};
    for (const name of names) best[n][name] = Math.max(best[n][name] ?? 0, gemmGflops(resolveBackend(name), n));
  }
}
console.log(`dln kernels — ${cpus()[0]?.model ?? 'unknown CPU'}; backends ${names.join(', ')}; threads ${threads} (native and numpy; wasm and ts use 1); best of ${rounds} round(s)`);
if (native) console.log(`native: ${(loadNativeAddon() as { addon: { config(): string } }).addon.config()}`);
console.log(np ? `numpy with OPENBLAS_NUM_THREADS=${threads}` : 'numpy: not available');
console.log('\nsquare gemm c = a·b, GFLOP/s (ratio to numpy)');
console.log(['n', ...names, 'numpy'].map((s) => s.padStart(16)).join(''));
const rows: { n: number; gflops: Record<string, number> }[] = [];
for (const n of sizes) {
  const g: Record<string, number> = { ...best[n] };
  if (np) g.numpy = np[n];
  rows.push({ n, gflops: g });
  const cell = (v: number): string => (np ? `${v.toFixed(2)} (${(v / np[n]).toFixed(2)}×)` : v.toFixed(2)).padStart(16);
  console.log([String(n).padStart(16), ...names.map((name) => cell(g[name])), np ? np[n].toFixed(2).padStart(16) : ''].join(''));
}
const overhead = napiOverhead();
if (overhead) {
  console.log('\nnative call overhead, ns per call');
  for (const [k, v] of Object.entries(overhead)) console.log(`${v.toFixed(0).padStart(8)}  ${k}`);
}
const dec = decomp ? decompositions() : undefined;
if (dec) {
  console.log('\ndecompositions, seconds (numpy/dln: ≥ 1 means dln is faster)');
  console.log(['', 'eigh 1000×1000', 'full svd 512×512'].map((x, i) => (i === 0 ? x.padEnd(18) : x.padStart(24))).join(''));
  for (const [k, v] of Object.entries(dec)) {
    const r = (x: number, ref?: number): string => `${x.toFixed(3)}${ref && k !== 'numpy' ? ` (${(ref / x).toFixed(2)}×)` : ''}`.padStart(24);
    console.log(k.padEnd(18) + r(v.eigh, dec.numpy?.eigh) + r(v.svd, dec.numpy?.svd));
  }
}
if (jsonFile) writeFileSync(jsonFile, JSON.stringify({ threads, backends: names, rows, napiOverheadNs: overhead, decompositionsSeconds: dec }, null, 2));
