import { test } from 'node:test';
import assert from 'node:assert/strict';
import { portableLog } from './portableLog.ts';
import { Rng } from './rng.ts';

test('portableLog has the bits of Node\'s Math.log (fdlibm) on random doubles and the special cases', () => {
  const f = new Float64Array(1), u = new Uint32Array(f.buffer);
  const rng = new Rng(3);
  let checked = 0;
  for (let t = 0; t < 200000; t++) {
    u[0] = rng.nextUint32(); u[1] = rng.nextUint32() & 0x7fffffff;
    if (!Number.isFinite(f[0])) continue;
    checked++;
    if (!Object.is(portableLog(f[0]), Math.log(f[0]))) assert.fail(`log(${f[0]}): ${portableLog(f[0])} vs ${Math.log(f[0])}`);
  }
  assert.ok(checked > 190000);
  for (let t = 0; t < 100000; t++) { const x = rng.uniform(); if (x > 0) assert.ok(Object.is(portableLog(x), Math.log(x)), String(x)); }
  for (const x of [0, -0, -1, 1, 2, 0.5, 1e-310, 5e-324, Infinity, -Infinity, Number.NaN, 1 + 2 ** -30, 1 - 2 ** -30, Math.E, Number.MAX_VALUE]) {
    assert.ok(Object.is(portableLog(x), Math.log(x)), String(x));
  }
});

test('portableLog is within an ulp of the exact logarithm where it is known', () => {
  for (let k = -1074; k <= 1023; k += 7) assert.ok(Math.abs(portableLog(2 ** k) - k * Math.LN2) <= Math.abs(k * Math.LN2) * 2 ** -52, String(k));
  assert.equal(portableLog(1), 0);
});
