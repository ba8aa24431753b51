import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TopLevelSpec } from 'vega-lite';
import { histogram } from './histogram.ts';
import { renderSvg } from './renderSvg.ts';
import { svgTexts } from './svgTexts.ts';

type Bar = { group: string; x0: number; x1: number; count: number };

/** Bars of every layer (rows with a count), per panel: one panel unless the layout is 'facet'. */
function panels(spec: TopLevelSpec): Bar[][] {
  const layersOf = (s: object): object[] => ('layer' in s ? (s.layer as object[]) : []);
  const views = 'vconcat' in spec ? (spec.vconcat as object[]) : [spec];
  return views.map((v) => layersOf(v).flatMap((l) => {
    const values = 'data' in l ? ((l.data as { values?: Bar[] }).values ?? []) : [];
    return values.filter((r) => r.count !== undefined);
  }));
}

const spread = (n: number, lo: number, hi: number) => Array.from({ length: n }, (_, i) => lo * (hi / lo) ** ((i * 0.618034) % 1));

test('histogram with log bins counts every positive value into log-spaced bins from 1e-7 to 1e-4', async () => {
  const a = spread(500, 1e-7, 1e-4);
  const b = spread(500, 1e-6, 1e-4);
  const spec = histogram({
    title: 'η_max', xLabel: 'η_max', yLabel: 'instances', logBins: true, bins: 30,
    groups: [{ name: '5-5-5-5', values: a }, { name: '5-2-2-5', values: b }],
    vlines: [{ x: 1e-4, label: 'report ≈ 1e-4' }, { x: 3e-6, label: 'median', group: '5-2-2-5' }],
  });
  const [bars] = panels(spec);
  for (const g of ['5-5-5-5', '5-2-2-5']) assert.equal(bars.filter((r) => r.group === g).reduce((s, r) => s + r.count, 0), 500);
  const ratios = bars.filter((r) => r.group === '5-5-5-5').map((r) => r.x1 / r.x0);
  assert.ok(ratios.every((q) => Math.abs(q / ratios[1] - 1) < 1e-6), 'log-spaced');
  assert.ok(bars[0].x0 <= 1e-7 && bars[bars.length - 1].x1 >= 1e-4 * (1 - 1e-12));
  const texts = svgTexts(await renderSvg(spec));
  for (const t of ['η_max', 'instances', '5-5-5-5', '5-2-2-5', 'report ≈ 1e-4', 'median']) assert.ok(texts.includes(t), `missing '${t}' in ${JSON.stringify(texts)}`);
});

test('histogram with log bins leaves out values <= 0 and NaN and says so', async () => {
  const spec = histogram({ title: 'h', logBins: true, groups: [{ name: 'g', values: [0, -1, NaN, 1e-3, 2e-3, 5e-2] }] });
  assert.equal(panels(spec)[0].reduce((s, r) => s + r.count, 0), 3);
  const texts = svgTexts(await renderSvg(spec));
  assert.ok(texts.includes('log bins: 2 values ≤ 0 not counted'), JSON.stringify(texts));
  assert.ok(texts.includes('1 non-finite value (NaN/∞) not counted'));
});

test('histogram facet layout gives one panel per group with its own lines', async () => {
  const spec = histogram({
    title: 'Facets', xLabel: 'value', layout: 'facet',
    groups: [{ name: 'first group', values: [1, 2, 2, 3] }, { name: 'second group', values: [2, 3, 3, 4] }],
    vlines: [{ x: 2, label: 'median one', group: 'first group' }, { x: 3, label: 'median two', group: 'second group' }, { x: 2.5, label: 'shared' }],
  });
  const ps = panels(spec);
  assert.equal(ps.length, 2);
  assert.deepEqual(ps.map((p) => p.reduce((s, r) => s + r.count, 0)), [4, 4]);
  const texts = svgTexts(await renderSvg(spec));
  for (const t of ['first group', 'second group', 'median one', 'median two', 'value']) assert.ok(texts.includes(t), `missing '${t}'`);
  assert.equal(texts.filter((t) => t === 'shared').length, 2, 'a line without a group appears in every panel');
  assert.equal(texts.filter((t) => t === 'median one').length, 1, 'a group line appears only in its panel');
});

test('histogram with explicit edges counts values outside them in a note', async () => {
  const spec = histogram({ title: 'h', edges: [0, 1, 2], groups: [{ name: 'g', values: [0.5, 1.5, 2, 7] }] });
  assert.deepEqual(panels(spec)[0].map((r) => r.count), [1, 2]);
  assert.ok(svgTexts(await renderSvg(spec)).includes('1 value outside the bin edges not counted'));
  assert.throws(() => histogram({ title: 'h', edges: [0, 0], groups: [{ name: 'g', values: [1] }] }), /ascending/);
  assert.throws(() => histogram({ title: 'h', groups: [] }), /groups is empty/);
});

test('histogram of no values renders an empty chart with a note; bad groups are rejected', async () => {
  const texts = svgTexts(await renderSvg(histogram({ title: 'Empty', logBins: true, groups: [{ name: 'g', values: [] }] })));
  assert.ok(texts.includes('nothing to plot: the chart is empty'), JSON.stringify(texts));
  assert.throws(() => histogram({ title: 'h', groups: [{ name: 'g', values: [1] }], vlines: [{ x: 1, label: 'l', group: 'nope' }] }), /unknown group 'nope'/);
  assert.throws(() => histogram({ title: 'h', groups: [{ name: 'g', values: [1] }, { name: 'g', values: [2] }] }), /distinct/);
});

test('histogram(values) draws one unnamed sample without a legend; groups and values together are rejected', async () => {
  const spec = histogram({ title: 'One sample', xLabel: 'first failing η', values: [0.01, 0.012, 0.02, 0.021, 0.03] });
  assert.equal(panels(spec)[0].reduce((s, r) => s + r.count, 0), 5);
  const texts = svgTexts(await renderSvg(spec));
  assert.ok(texts.includes('first failing η') && texts.includes('count'));
  assert.throws(() => histogram({ title: 'h', values: [1], groups: [{ name: 'g', values: [1] }] }), /either groups or values/);
  assert.throws(() => histogram({ title: 'h' }), /either groups or values/);
});

/** Upper end of the count axis of each panel. */
function countTops(spec: TopLevelSpec): number[] {
  const views = 'vconcat' in spec ? (spec.vconcat as object[]) : [spec];
  return views.map((v) => {
    const layers = 'layer' in v ? (v.layer as { encoding?: { y?: { scale?: { domain?: number[] } } } }[]) : [];
    return layers.find((l) => l.encoding?.y?.scale?.domain)?.encoding?.y?.scale?.domain?.[1] ?? Number.NaN;
  });
}

test('histogram facets share a count axis unless one group would be flattened, and say when they do not', async () => {
  const alike = histogram({ title: 'h', layout: 'facet', groups: [{ name: 'a', values: spread(300, 1, 10) }, { name: 'b', values: spread(200, 1, 10) }] });
  const [a, b] = countTops(alike);
  assert.equal(a, b);
  const small = histogram({ title: 'h', layout: 'facet', groups: [{ name: 'big', values: Array(400).fill(5) }, { name: 'small', values: [2, 5, 8] }] });
  const [big, few] = countTops(small);
  assert.ok(few < big / 10, `count axes ${big} and ${few}`);
  assert.ok(svgTexts(await renderSvg(small)).includes('each panel has its own count axis'));
  const [s1, s2] = countTops(histogram({ title: 'h', layout: 'facet', countAxis: 'shared', groups: [{ name: 'big', values: Array(400).fill(5) }, { name: 'small', values: [2, 5, 8] }] }));
  assert.equal(s1, s2);
});

test('histogram keeps the legend entry of a single named group', async () => {
  const texts = svgTexts(await renderSvg(histogram({ title: 'h', legendTitle: 'start', groups: [{ name: 'strict (200/200)', values: [1, 2, 3] }] })));
  assert.ok(texts.includes('strict (200/200)') && texts.includes('start'), JSON.stringify(texts));
});
