import { test } from 'node:test';
import assert from 'node:assert/strict';
import { estimateHessianMemory, estimateTrainMemory, formatBytes, memoryRefusal, recordBytes } from './memoryEstimate.ts';

const limit = { bytes: 1e9, source: 'a test limit', maxArrayLength: 2 ** 32 };

test('the training estimate counts weights, gradients, stages, workspaces and the kept trajectory', () => {
  const gd = estimateTrainMemory([5, 100000, 5], { method: 'gd', records: 1000 });
  const part = (e: typeof gd, name: string): number => e.parts.find((p) => p.name === name)?.bytes ?? 0;
  assert.equal(part(gd, 'weights'), 8e6);
  assert.equal(part(gd, 'gradients'), 8e6);
  assert.equal(part(gd, 'trajectory'), 1000 * recordBytes([5, 100000, 5]));
  assert.equal(part(gd, 'Runge–Kutta stages'), 0);
  // The wide layer's buffers are d·r and d·2r (THEORY §3.7), not d².
  assert.ok(part(gd, 'workspaces') < 100e6);
  assert.equal(gd.total, gd.parts.reduce((s, p) => s + p.bytes, 0));
  const flow = estimateTrainMemory([5, 100000, 5], { method: 'flow', records: 1000 });
  assert.equal(part(flow, 'Runge–Kutta stages'), 13 * 8e6);
  assert.equal(memoryRefusal(gd, limit, 'x', 'y'), undefined);
});

test('memoryRefusal names what, the estimate, the limit and the way out; an array past the engine cap is refused by length', () => {
  const est = estimateTrainMemory([5, 30000000, 5], { method: 'gd', records: 10 });
  assert.match(memoryRefusal(est, limit, 'this run', 'use smaller widths') ?? '',
    /^this run needs about \d+\.\d GB of memory \(weights 2\.40 GB, gradients 2\.40 GB, .*mostly (weights|gradients|workspaces)\), more than the limit of 1\.00 GB \(a test limit\); use smaller widths$/);
  const huge = estimateHessianMemory(100000, { dense: true });
  assert.equal(huge.largestArray, 1e10);
  assert.match(memoryRefusal(huge, { ...limit, bytes: 1e15 }, 'the Hessian', 'use Lanczos') ?? '', /an array of 1\.00e\+10 numbers, more than the 4\.29e\+9/);
  // Lanczos keeps its Krylov vectors in one array of p·k numbers.
  const lanczos = estimateHessianMemory(366000, { dense: false, krylov: 201 });
  assert.deepEqual([lanczos.largestArray, lanczos.parts[0].bytes], [366000 * 201, 8 * 366000 * 201]);
  assert.equal(formatBytes(999), '999 B');
  assert.equal(formatBytes(1234567), '1.23 MB');
});
