import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TopLevelSpec } from 'vega-lite';
import { lineChart } from './lineChart.ts';
import { renderSvg } from './renderSvg.ts';
import { svgTexts } from './svgTexts.ts';

/** Data rows of every layer that draws a series (rows with a series field s). */
function seriesRows(spec: TopLevelSpec): { s: string; x: number; y: number }[][] {
  assert.ok('layer' in spec);
  return spec.layer.flatMap((l) => {
    const values = 'data' in l && l.data && 'values' in l.data ? (l.data.values as { s?: string; x: number; y: number }[]) : [];
    return values.length > 0 && values[0].s !== undefined ? [values as { s: string; x: number; y: number }[]] : [];
  });
}

const plateau = (n: number) => Float64Array.from({ length: n }, (_, k) => 0.5 + 27 / (1 + k / 50));

test('lineChart renders title, axis titles, legend entries and reference-line labels as SVG text', async () => {
  const spec = lineChart({
    title: 'Loss curves', subtitle: 'two runs', xLabel: 'iteration k', yLabel: 'loss L(W(k))', logY: true,
    series: [{ name: 'run A', y: plateau(3000) }, { name: 'run B', y: plateau(2000), dashed: true }],
    hlines: [{ y: 27.5, label: 'r = 0' }, { y: 15, label: 'r = 1' }, { y: 0.5, label: 'r = 4' }],
    vlines: [{ x: 1000, label: 'escape' }],
  });
  const texts = svgTexts(await renderSvg(spec));
  for (const t of ['Loss curves', 'two runs', 'iteration k', 'loss L(W(k))', 'run A', 'run B', 'r = 0', 'r = 1', 'r = 4', 'escape']) {
    assert.ok(texts.includes(t), `missing text '${t}' in ${JSON.stringify(texts)}`);
  }
});

test('lineChart draws no legend for a single series', async () => {
  const texts = svgTexts(await renderSvg(lineChart({ title: 'One', series: [{ name: 'only series', y: [1, 2, 3] }] })));
  assert.ok(!texts.includes('only series'));
});

test('lineChart keeps at most maxPointsPerSeries points of a 20000-step series, including its extrema', () => {
  const y = plateau(20000);
  y[12345] = 100;
  const rows = seriesRows(lineChart({ title: 't', series: [{ name: 'gd', y }], logY: true }));
  assert.equal(rows.length, 1);
  assert.ok(rows[0].length <= 2000 && rows[0].length > 1000, `${rows[0].length} points`);
  assert.ok(rows[0].some((r) => r.y === 100 && r.x === 12345));
  assert.equal(seriesRows(lineChart({ title: 't', series: [{ name: 'gd', y }], maxPointsPerSeries: 100 }))[0].length <= 100, true);
});

test('lineChart on log axes leaves out non-positive and non-finite points and says so', async () => {
  const spec = lineChart({
    title: 'Log axes', logX: true, logY: true,
    series: [{ name: 'a', x: [0, 1, 2, 3, 4, 5], y: [1, 0, -3, 2, NaN, Infinity] }, { name: 'b', x: [1, 2], y: [3, 4] }],
    hlines: [{ y: 0, label: 'zero line' }],
  });
  const rows = seriesRows(spec);
  assert.deepEqual(rows[0].map((r) => [r.x, r.y]), [[3, 2]]);
  const texts = svgTexts(await renderSvg(spec));
  assert.ok(texts.includes('log x axis: 1 point with x ≤ 0 not shown'), JSON.stringify(texts));
  assert.ok(texts.includes('log y axis: 2 points with y ≤ 0 not shown'));
  assert.ok(texts.includes('2 points with non-finite values (NaN/∞) not shown'));
  assert.ok(texts.some((t) => /reference lines not shown.*zero line/.test(t)));
});

test('lineChart of empty series renders an empty chart with a note', async () => {
  for (const series of [[], [{ name: 'nothing', y: [] }], [{ name: 'all bad', y: [NaN, 0] }]]) {
    const texts = svgTexts(await renderSvg(lineChart({ title: 'Empty', logY: true, series, xLabel: 'k' })));
    assert.ok(texts.includes('nothing to plot: the chart is empty'), JSON.stringify(texts));
    assert.ok(texts.includes('k'), 'axes are still drawn');
  }
});

test('lineChart with a fixed domain clips to it and notes reference lines outside it', async () => {
  const spec = lineChart({ title: 'Fixed', series: [{ name: 'a', y: [1, 1e9, 2] }], logY: true, yDomain: [0.5, 10], hlines: [{ y: 100, label: 'too high' }] });
  const texts = svgTexts(await renderSvg(spec));
  assert.ok(texts.some((t) => /reference lines not shown.*too high/.test(t)));
  assert.ok(!texts.includes('too high'));
});

test('lineChart rejects duplicate series names and mismatched x and y', () => {
  assert.throws(() => lineChart({ title: 't', series: [{ name: 'a', y: [1] }, { name: 'a', y: [2] }] }), /distinct/);
  assert.throws(() => lineChart({ title: 't', series: [{ name: 'a', x: [1, 2], y: [1] }] }), /'a' has 2 x values and 1 y values/);
});

const svgWidth = (svg: string) => Number(/<svg[^>]*\swidth="(\d+(?:\.\d+)?)"/.exec(svg)?.[1]);

test('lineChart shows a 35-character legend label whole and ends the chart just after it', async () => {
  const long = 'η = 0.00305 (k = 12), loss rises once';
  const svg = await renderSvg(lineChart({ title: 'Legend', series: [{ name: 'a', y: [1, 2] }, { name: long, y: [2, 1] }] }));
  assert.ok(svgTexts(svg).includes(long), JSON.stringify(svgTexts(svg)));
  // Plot 520 px, axis ≈ 40, legend offset 18, symbol and gap ≈ 25, label ≈ 230, padding 2 × 12.
  assert.ok(svgWidth(svg) < 880, `chart is ${svgWidth(svg)} px wide`);
});

test('lineChart takes a series colour, keeps the legend in series order and draws background series first', () => {
  const spec = lineChart({
    title: 'Order',
    series: [{ name: 'smooth', y: [3, 2, 1] }, { name: 'noisy', y: [3, 1, 2], background: true, color: '#123456' }],
  });
  assert.ok('layer' in spec);
  const enc = (l: unknown) => (l as { encoding?: { color?: { scale?: { domain: string[]; range: string[] } } } }).encoding?.color?.scale;
  const scale = spec.layer.map(enc).find((s) => s !== undefined);
  assert.deepEqual(scale, { domain: ['smooth', 'noisy'], range: ['#0072B2', '#123456'] });
  assert.deepEqual(seriesRows(spec).map((rows) => rows[0].s), ['noisy', 'smooth']);
});

test('lineChart labels a log axis that reaches below 10⁻³ with powers of ten', async () => {
  const texts = svgTexts(await renderSvg(lineChart({ title: 'Powers', logY: true, series: [{ name: 'a', y: [1, 1e-3, 1e-7] }] })));
  for (const t of ['10⁻⁷', '10⁻⁴', '10⁰']) assert.ok(texts.includes(t), `missing '${t}' in ${JSON.stringify(texts)}`);
  assert.ok(!texts.some((t) => /0\.0000|e-/.test(t)), JSON.stringify(texts));
});
