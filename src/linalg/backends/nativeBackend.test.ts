// What only the native backend has: OpenBLAS threads, its memory-safety checks around the
// registered-array fast path, and per-thread addon state. The shared linalg suite is in
// conformance.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { twoProd } from '../doubleDouble.ts';
import { descendLoop, sumSquaresLoop } from '../elementwise.ts';
import { NATIVE_DESCEND_MIN, createNativeBackend, loadNativeAddon } from './nativeBackend.ts';

const loaded = loadNativeAddon();
const skip = 'reason' in loaded ? loaded.reason : false;

test('setThreads sets the OpenBLAS thread count that threads() reports', { skip }, () => {
  const be = createNativeBackend();
  const before = be.threads!();
  try {
    be.setThreads!(1);
    assert.equal(be.threads!(), 1);
    assert.equal(createNativeBackend({ threads: 2 }).threads!(), 2);
    assert.throws(() => be.setThreads!(0), /setThreads: n must be a positive integer/);
  } finally {
    be.setThreads!(before);
  }
});

test('gemm on an array whose buffer was transferred away throws a RangeError', { skip }, () => {
  const be = createNativeBackend();
  const a = Float64Array.of(1, 2, 3, 4), b = a.slice(), c = new Float64Array(4);
  be.gemm(false, false, 2, 2, 2, 1, a, b, 0, c);
  structuredClone(a.buffer, { transfer: [a.buffer] });
  assert.equal(a.length, 0);
  assert.throws(() => be.gemm(false, false, 2, 2, 2, 1, a, b, 0, c), /native gemm: buffers of length 0, 4, 4 are too short/);
});

test('the addon rejects non-Float64Array operands and short buffers, naming the argument', { skip }, () => {
  if ('reason' in loaded) return;
  const x = loaded.addon, f = new Float64Array(4);
  assert.throws(() => x.gemm(false, false, 2, 2, 2, 1, new Float32Array(4) as unknown as Float64Array, f, 0, f), /gemm: a must be a Float64Array/);
  assert.throws(() => x.syevd(2, f, [0, 0] as unknown as Float64Array), /syevd: w must be a Float64Array/);
  assert.throws(() => x.gesdd(2, 2, f, f, f, new Float64Array(3), false), /gesdd: buffers too short/);
});

test('worker threads each get their own addon state (parameter block and registry)', { skip }, async () => {
  const addonPath = fileURLToPath(new URL('../../../native/build/Release/dln_native.node', import.meta.url));
  // Plain JavaScript in the workers: what is under test is the addon's per-thread state.
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    const x = require(workerData);
    const p = new Float64Array(16); x.bindParams(p);
    const id = Math.floor(Math.random() * 4);
    const n = 48, a = new Float64Array(n * n).fill(1), c = new Float64Array(n * n);
    x.register(id, a); x.register(id + 4, c);
    let ok = true;
    for (let r = 0; r < 400; r++) { p.set([0, 0, n, n, n, r, 0, id, id, id + 4]); x.gemmR(); if (c[n + 1] !== n * r) ok = false; }
    parentPort.postMessage(ok);`;
  const workers = [0, 1, 2, 3].map(() => new Worker(code, { eval: true, workerData: addonPath }));
  try {
    const results = await Promise.all(workers.map((w) => new Promise((resolve, reject) => { w.on('message', resolve); w.on('error', reject); })));
    assert.deepEqual(results, [true, true, true, true]);
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
});

test('eigvalsh through LAPACK (values only) equals the eigenvalues of the full decomposition', { skip }, async () => {
  const { setBackend } = await import('../backend.ts');
  const { eigh, eigvalsh } = await import('../eigh.ts');
  const { Rng } = await import('../rng.ts');
  const n = 60, rng = new Rng(5);
  const a = { rows: n, cols: n, data: new Float64Array(n * n) };
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) { const v = rng.normal(); a.data[i * n + j] = v; a.data[j * n + i] = v; }
  const prev = setBackend(createNativeBackend());
  try {
    const full = eigh(a).values, only = eigvalsh(a);
    const scale = Math.max(...Array.from(full, Math.abs));
    for (let k = 0; k < n; k++) assert.ok(Math.abs(full[k] - only[k]) <= 50 * n * 2.2e-16 * scale, `λ_${k}: ${full[k]} vs ${only[k]}`);
    for (let k = 1; k < n; k++) assert.ok(only[k - 1] <= only[k], 'ascending');
  } finally { setBackend(prev); }
});

test('descend (the gradient step\'s update) gives the JavaScript loop\'s bits, vectorised or not, for every length', { skip }, () => {
  const be = createNativeBackend();
  assert.ok('addon' in loaded && typeof loaded.addon.descendR === 'function', 'this build of the addon has descendR');
  // Values where a fused multiply-add would round differently from a product then a difference,
  // signed zeros, subnormals, infinities and NaN.
  let seed = 7;
  const next = (): number => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
  const special = [0, -0, 5e-324, -5e-324, Infinity, -Infinity, Number.NaN, 1e308, -1e-308];
  for (const n of [1, 7, NATIVE_DESCEND_MIN - 1, NATIVE_DESCEND_MIN, NATIVE_DESCEND_MIN + 5, 100003]) {
    const w = new Float64Array(n), g = new Float64Array(n + 3);
    for (let i = 0; i < n; i++) {
      w[i] = i % 97 === 0 ? special[(i / 97) % special.length] : (next() - 0.5) * 10 ** Math.round(next() * 8 - 4);
      g[i] = i % 89 === 0 ? special[(i / 89) % special.length] : 1 / 3 + next() * 1e-9;
    }
    g[n] = Number.NaN; // past w's length: never read
    for (const eta of [0.1, 1e-6, 3, -2.5]) {
      const want = w.slice(), got = w.slice();
      descendLoop(want, g, eta);
      be.descend!(got, g, eta);
      const a = new BigUint64Array(want.buffer), b = new BigUint64Array(got.buffer);
      let differ = 0;
      for (let i = 0; i < n; i++) if (a[i] !== b[i] && !(Number.isNaN(want[i]) && Number.isNaN(got[i]))) differ++;
      assert.equal(differ, 0, `n = ${n}, η = ${eta}: ${differ} entries differ`);
      if (n === 100003 && eta === 0.1) {
        // The check can tell a fused multiply-add: w − (η·g exactly, as hi + lo) rounded once differs
        // from w − round(η·g) on some of these entries.
        const dd = new Float64Array(2);
        let fusedDiffers = 0;
        for (let i = 0; i < n; i++) {
          twoProd(dd, eta, g[i]);
          if (Number.isFinite(dd[0]) && (w[i] - dd[0]) - dd[1] !== want[i]) fusedDiffers++;
        }
        assert.ok(fusedDiffers > 100, `${fusedDiffers} entries where a fused step would differ`);
      }
    }
  }
  assert.throws(() => be.descend!(new Float64Array(NATIVE_DESCEND_MIN), new Float64Array(10), 0.1), /native descend: a gradient of length 10 for weights of length 2048/);
});

test('sumSquares gives sumSquaresLoop\'s bits, vectorised or not, for every length', { skip }, () => {
  const be = createNativeBackend();
  let seed = 11;
  const next = (): number => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648 - 0.5; };
  for (const n of [0, 5, 8, NATIVE_DESCEND_MIN - 1, NATIVE_DESCEND_MIN, NATIVE_DESCEND_MIN + 7, 100003]) {
    const x = new Float64Array(n).map(() => next() * 10 ** Math.round(next() * 12));
    assert.ok(Object.is(be.sumSquares!(x), sumSquaresLoop(x)), `n = ${n}`);
    if (n > 100) {
      x[n - 1] = Number.NaN;
      assert.ok(Number.isNaN(be.sumSquares!(x)));
    }
  }
});
