import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lineChart } from './lineChart.ts';
import { panelGrid } from './panelGrid.ts';
import { renderSvg } from './renderSvg.ts';

test('panelGrid places each chart as a panel under its own heading, columns per row, and renders', async () => {
  const chart = (t: string) => lineChart({ title: t, xLabel: 'step', yLabel: 'v', series: [{ name: 's', y: [1, 2, 3] }], hlines: [{ y: 2.5, label: `line ${t}` }] });
  const spec = panelGrid({ title: 'Grid', subtitle: 'two by two', panels: ['a', 'b', 'c', 'd'].map(chart), columns: 2 }) as unknown as { columns: number; concat: { title: { text: string }; $schema?: string }[] };
  assert.equal(spec.columns, 2);
  assert.deepEqual(spec.concat.map((p) => p.title.text), ['a', 'b', 'c', 'd']);
  assert.ok(spec.concat.every((p) => p.$schema === undefined));
  const svg = await renderSvg(spec as never);
  for (const s of ['Grid', 'two by two', 'line a', 'line d']) assert.ok(svg.includes(s), s);
  assert.throws(() => panelGrid({ title: 'x', panels: [] }), /no panels/);
});
