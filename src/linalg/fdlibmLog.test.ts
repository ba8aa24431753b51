import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fdlibmLog } from './fdlibmLog.ts';
import { Rng } from './rng.ts';
import { runNumpy } from '../../test/helpers/numpy.ts';

/** Distance in units in the last place between two finite doubles of the same sign. */
function ulps(a: number, b: number): number {
  const v = new Float64Array([a, b]), w = new BigInt64Array(v.buffer);
  const d = w[0]! - w[1]!;
  return Number(d < 0n ? -d : d);
}

/** Inputs across the range: (0, 1) as the Rng's polar method feeds it, near 1, huge, tiny and subnormal. */
function inputs(n: number): number[] {
  const rng = new Rng(3), xs: number[] = [];
  for (let i = 0; i < n; i++) {
    const u = rng.uniform() + 2 ** -60;
    xs.push(u, 1 + (u - 0.5) * 2 ** -19, 1 + (u - 0.5) * 2 ** -40, Math.exp((u - 0.5) * 1400), u * 2 ** -1050);
  }
  return xs;
}

test('fdlibmLog is within 1 ulp of numpy.log (glibc) across the range', (t) => {
  const xs = inputs(4000);
  const ref = runNumpy('emit([float(v) for v in np.log(np.array(data, dtype=np.float64))])', xs) as number[] | null;
  if (ref === null) { t.skip('python3 with numpy is not available'); return; }
  let worst = 0;
  for (let i = 0; i < xs.length; i++) worst = Math.max(worst, ulps(fdlibmLog(xs[i]!), ref[i]!));
  assert.ok(worst <= 1, `worst difference ${worst} ulp`);
});

test('fdlibmLog handles 0, negatives, NaN, infinities, 1 and the extremes as IEEE log does', () => {
  assert.equal(fdlibmLog(0), -Infinity);
  assert.equal(fdlibmLog(-0), -Infinity);
  assert.ok(Number.isNaN(fdlibmLog(-1)) && Number.isNaN(fdlibmLog(NaN)) && Number.isNaN(fdlibmLog(-Infinity)));
  assert.equal(fdlibmLog(Infinity), Infinity);
  assert.ok(Object.is(fdlibmLog(1), 0));
  assert.equal(fdlibmLog(Math.E), 1);
  assert.equal(fdlibmLog(2), Math.LN2);
  assert.equal(fdlibmLog(5e-324), -744.4400719213812);
  assert.equal(fdlibmLog(Number.MAX_VALUE), 709.782712893384);
});

test('fdlibmLog gives the bits of Node 20\'s Math.log (V8 ports the same fdlibm code), so seeded streams keep their values', () => {
  for (const x of inputs(20000)) assert.ok(Object.is(fdlibmLog(x), Math.log(x)), `x = ${x}: ${fdlibmLog(x)} vs Math.log ${Math.log(x)}`);
});
