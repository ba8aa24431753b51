import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../linalg/rng.ts';
import { sumSquaresLoop } from '../linalg/elementwise.ts';
import { type Mat, zeros } from '../linalg/mat.ts';
import { statsFromData } from './stats.ts';
import { createGradWorkspace, lossAndGrad } from './lossAndGrad.ts';
import { compileLossAndGrad, lossAndGradMultiplyAdds, unrollable, UNROLL_LIMIT } from './unrolledLossAndGrad.ts';

const normal = (rows: number, cols: number, rng: Rng, std = 1): Mat => ({ rows, cols, data: rng.fillNormal(new Float64Array(rows * cols), std) });

function sameBits(a: Float64Array, b: Float64Array): boolean {
  return a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
}

for (const dims of [[1, 1], [3, 2], [5, 4, 4, 5], [5, 5, 5, 5], [2, 7, 1, 3, 4], [6, 1, 6]]) {
  test(`the unrolled kernel gives lossAndGrad's bits for widths ${dims.join('-')}`, () => {
    const rng = new Rng(dims.length * 31 + dims[0]);
    const stats = statsFromData({ x: normal(dims[0], 11, rng), y: normal(dims[dims.length - 1], 11, rng) });
    const w = dims.slice(1).map((d, j) => normal(d, dims[j], rng, 0.6));
    // A zero row makes products of signed zeros, where 0 + (−0) and −0 differ.
    w[0].data.fill(-0, 0, dims[0]);
    const g1 = w.map((m) => zeros(m.rows, m.cols)), g2 = w.map((m) => zeros(m.rows, m.cols));
    const kernel = compileLossAndGrad(dims);
    assert.ok(kernel, 'compiled');
    const out = new Float64Array(2);
    kernel(w, stats, g2, out);
    const l1 = lossAndGrad(w, stats, g1, createGradWorkspace(dims)), l2 = out[0];
    assert.ok(Object.is(l1, l2), `loss ${l1} vs ${l2}`);
    g1.forEach((g, j) => assert.ok(sameBits(g.data, g2[j].data), `∇W${j + 1}`));
    // Summed as gd.ts's tupleNorm: each layer in sumSquaresLoop's order, then the layers in order.
    let s = 0;
    for (const g of g1) s += sumSquaresLoop(g.data);
    assert.ok(Object.is(s, out[1]), `squared gradient norm ${s} vs ${out[1]}`);
  });
}

test('widths beyond UNROLL_LIMIT multiply-adds get no unrolled kernel', () => {
  const big = [12, 12, 12];
  assert.ok(lossAndGradMultiplyAdds(big) > UNROLL_LIMIT);
  assert.equal(unrollable(big), false);
  assert.equal(compileLossAndGrad(big), null);
  assert.equal(lossAndGradMultiplyAdds([5, 5, 5, 5]), 3 * 2 * 125 + 125 + 25);
});
