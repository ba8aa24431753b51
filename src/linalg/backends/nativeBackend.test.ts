// What only the native backend has: OpenBLAS threads, its memory-safety checks around the
// registered-array fast path, and per-thread addon state. The shared linalg suite is in
// conformance.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { createNativeBackend, loadNativeAddon } from './nativeBackend.ts';

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
