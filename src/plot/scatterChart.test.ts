import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderSvg } from './renderSvg.ts';
import { scatterChart } from './scatterChart.ts';
import { svgTexts } from './svgTexts.ts';

const eta = Array.from({ length: 20 }, (_, i) => 1e-4 * 10 ** (i / 6));

test('scatterChart draws points and a fitted O(η) line named with its numbers', async () => {
  const spec = scatterChart({
    title: 'Drift vs step size', xLabel: 'step size η', yLabel: 'drift', logX: true, logY: true,
    series: [{ name: 'N = 3', x: eta, y: eta.map((e) => 2.5 * e) }], fit: { slope: 1 },
  });
  const texts = svgTexts(await renderSvg(spec));
  for (const t of ['Drift vs step size', 'step size η', 'drift', 'N = 3', 'fit: y ≈ 2.50·x^1.00']) assert.ok(texts.includes(t), `missing '${t}' in ${JSON.stringify(texts)}`);
});

test('scatterChart fits the named series with a free slope and rejects an unknown one', async () => {
  const spec = scatterChart({
    title: 't', logX: true, logY: true,
    series: [{ name: 'a', x: eta, y: eta }, { name: 'b', x: eta, y: eta.map((e) => 0.1 * e * e) }], fit: { of: 'b', name: 'O(η²) fit' },
  });
  assert.ok(svgTexts(await renderSvg(spec)).includes('O(η²) fit'));
  const auto = scatterChart({ title: 't', series: [{ name: 'b', x: eta, y: eta.map((e) => 0.1 * e * e) }], fit: {} });
  assert.ok(svgTexts(await renderSvg(auto)).includes('fit: y ≈ 0.100·x^2.00'));
  assert.throws(() => scatterChart({ title: 't', series: [{ name: 'a', x: [1], y: [1] }], fit: { of: 'z' } }), /no series named 'z'/);
});
