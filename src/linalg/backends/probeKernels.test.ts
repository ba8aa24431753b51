import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { tsBackend } from './tsBackend.ts';
import type { NativeAddon } from './nativeBackend.ts';
import { probeKernels } from './probeKernels.ts';
import { admitNative, availableBackends, backendUnavailableReason, resolveBackend, takeBackendNotices } from './selectBackend.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** An addon that computes with the TypeScript kernel, wrong by `error` in entry 0 when transB and k > 32. */
function faultyAddon(error: number): NativeAddon {
  let params: Float64Array = new Float64Array(16);
  const arrays = new Map<number, Float64Array>();
  const gemm = (ta: boolean, tb: boolean, m: number, n: number, k: number, alpha: number, a: Float64Array, b: Float64Array, beta: number, c: Float64Array): void => {
    tsBackend.gemm(ta, tb, m, n, k, alpha, a, b, beta, c);
    if (tb && k > 32 && m * n > 0) c[0] += error;
  };
  const addon: NativeAddon = {
    gemm,
    bindParams: (block) => { params = block; },
    register: (id, x) => { arrays.set(id, x); },
    gemmR: () => {
      const p = params, get = (i: number): Float64Array => arrays.get(p[i]) as Float64Array;
      gemm(p[0] === 1, p[1] === 1, p[2], p[3], p[4], p[5], get(7), get(8), p[6], get(9));
    },
    syevd: () => { throw new Error('not used'); },
    gesdd: () => { throw new Error('not used'); },
    setThreads: () => {},
    getThreads: () => 1,
    config: () => 'OpenBLAS 0.3.21 fake; core Prescott',
    noop: () => {},
  };
  return addon;
}

test('probeKernels passes the TypeScript kernels and every backend available here', () => {
  assert.equal(probeKernels(tsBackend), undefined);
  for (const name of availableBackends()) assert.equal(probeKernels(resolveBackend(name)), undefined, name);
});

test('a kernel wrong by 1e-9 in one entry of one transpose is caught, and the native backend is refused once with a notice', () => {
  takeBackendNotices();
  const r = admitNative(faultyAddon(1e-9));
  assert.ok('reason' in r);
  assert.match(r.reason, /OpenBLAS core Prescott.*gemm \d+×\d+·\d+×\d+ \(Bᵀ\) differs from the reference by 1\.00e-9/);
  const notices = takeBackendNotices();
  assert.equal(notices.length, 1);
  assert.match(notices[0], /using the WASM kernels instead/);
  assert.deepEqual(takeBackendNotices(), []);
  // Rounding-level differences (what a correct optimised kernel produces) pass.
  const rounding = faultyAddon(1e-15);
  assert.equal(probeKernels({ name: 'rounding', gemm: rounding.gemm }), undefined);
  assert.match(probeKernels({ name: 'off', gemm: faultyAddon(1e-9).gemm }) ?? '', /differs/);
});

test('OpenBLAS forced to its generic core (OPENBLAS_CORETYPE=Prescott) passes the probe and stays the native backend', { skip: backendUnavailableReason('native') }, () => {
  const script = `const s = await import(${JSON.stringify(new URL('./selectBackend.ts', import.meta.url).href)});
const b = s.useBackend('auto');
console.log(JSON.stringify({ name: b.name, core: s.nativeCoreType(), notices: s.takeBackendNotices() }));`;
  const res = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: root, encoding: 'utf8', env: { ...process.env, DLN_BACKEND: undefined, OPENBLAS_CORETYPE: 'Prescott' },
  });
  assert.equal(res.status, 0, res.stderr);
  assert.deepEqual(JSON.parse(res.stdout), { name: 'native', core: 'Prescott', notices: [] });
});
