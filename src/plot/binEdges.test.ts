import assert from 'node:assert/strict';
import { test } from 'node:test';
import { binCounts, binEdges } from './binEdges.ts';

test('binEdges(log) covers [1e-7, 1e-4] with edges on powers of ten and about count bins', () => {
  const e = binEdges(1e-7, 1e-4, 30, true);
  assert.ok(e[0] <= 1e-7 && e[e.length - 1] >= 1e-4);
  assert.equal(e.length - 1, 30);
  for (const p of [1e-7, 1e-6, 1e-5, 1e-4]) assert.ok(e.some((v) => Math.abs(v / p - 1) < 1e-12), `edge at ${p}`);
  for (let j = 1; j < e.length - 1; j++) assert.ok(Math.abs(e[j + 1] / e[j] - e[j] / e[j - 1]) < 1e-9, 'equal ratios');
});

test('binEdges(linear) covers the data with a 1-2-5 width on its multiples', () => {
  const e = binEdges(0.013, 0.871, 20);
  assert.ok(e[0] <= 0.013 && e[e.length - 1] >= 0.871);
  const w = e[1] - e[0];
  assert.ok(Math.abs(w - 0.05) < 1e-12, `width ${w}`);
  for (const v of e) assert.ok(Math.abs(v / w - Math.round(v / w)) < 1e-9);
});

test('binEdges gives one bin around a constant sample and rejects bad input', () => {
  assert.equal(binEdges(3, 3, 10).length, 2);
  assert.equal(binEdges(2e-5, 2e-5, 10, true).length, 2);
  assert.throws(() => binEdges(0, 1, 10, true), /log bins need min > 0/);
  assert.throws(() => binEdges(1, 0, 10), /min <= max/);
  assert.throws(() => binEdges(0, 1, 0), /positive integer/);
});

test('binCounts agrees with a linear scan and counts the right edge into the last bin', () => {
  let s = 7;
  const values = Array.from({ length: 5000 }, () => ((s = (s * 48271) % 2147483647) / 2147483647) * 1.2 - 0.1);
  const edges = [0, 0.1, 0.25, 0.5, 0.9, 1];
  const counts = binCounts([...values, 1, 0], edges);
  const expect = edges.slice(1).map((hi, j) => values.filter((v) => v >= edges[j] && (j === edges.length - 2 ? v <= hi : v < hi)).length);
  expect[expect.length - 1] += 1;
  expect[0] += 1;
  assert.deepEqual(counts, expect);
  assert.ok(counts.reduce((a, b) => a + b, 0) < values.length, 'values outside the edges are not counted');
});
