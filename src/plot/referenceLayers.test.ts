import assert from 'node:assert/strict';
import { test } from 'node:test';
import { referenceLayers, spreadLabels } from './referenceLayers.ts';
import { textWidth } from './textWidth.ts';

test('spreadLabels keeps order, leaves spaced labels alone and pushes crowded ones to the minimum gap', () => {
  assert.deepEqual(spreadLabels([10, 50, 90], 14, 0, 100), [10, 50, 90]);
  const p = spreadLabels([40, 41, 42, 43], 14, 0, 100);
  for (let i = 1; i < p.length; i++) assert.ok(p[i] - p[i - 1] >= 14 - 1e-9);
  const q = spreadLabels([95, 96, 97], 14, 0, 100);
  assert.ok(q[2] <= 100 && q[1] - q[0] >= 14 && q[2] - q[1] >= 14, `stays inside: ${q}`);
});

test('referenceLayers leaves out lines a log axis cannot show and names them in a note', () => {
  const frame = { width: 500, height: 300, xDomain: [1, 100] as const, yDomain: [1e-3, 10] as const, logX: true, logY: true };
  const r = referenceLayers([{ y: 0, label: 'r = 4' }, { y: 1, label: 'r = 1' }], [{ x: -1, label: 'negative' }, { x: 10, label: 'ten' }], frame);
  assert.equal(r.notes.length, 1);
  assert.match(r.notes[0], /r = 4, negative/);
  const texts = r.layers.flatMap((l) => ('mark' in l && typeof l.mark === 'object' && 'text' in l.mark ? [l.mark.text] : []));
  assert.deepEqual(texts, ['r = 1', 'ten']);
});

/** Text labels and leader rules (value-encoded rules) of the layers, in pixels. */
function placement(layers: ReturnType<typeof referenceLayers>['layers']) {
  const texts: { text: string; x: number; y: number; align: string }[] = [];
  const leaders: { x: number; top: number }[] = [];
  for (const l of layers) {
    if (!('mark' in l) || typeof l.mark !== 'object') continue;
    const m = l.mark as { type: string; text?: string; x?: number; y?: number; align?: string };
    if (m.type === 'text') texts.push({ text: String(m.text), x: m.x ?? 0, y: m.y ?? 0, align: m.align ?? 'left' });
    const e = (l as { encoding?: { x?: { value?: number }; y?: { value?: number } } }).encoding;
    if (m.type === 'rule' && e?.x?.value !== undefined) leaders.push({ x: e.x.value, top: e.y?.value ?? 0 });
  }
  return { texts, leaders };
}

test('referenceLayers stacks labels of close vlines so that no leader crosses a label below it', () => {
  const frame = { width: 500, height: 300, xDomain: [0, 100] as const, yDomain: [0, 1] as const, logX: false, logY: false };
  const vlines = [{ x: 20, label: 'η_max bound' }, { x: 22, label: 'empirical threshold' }, { x: 80, label: 'right side' }, { x: 83, label: 'also right' }];
  const { texts, leaders } = placement(referenceLayers([], vlines, frame).layers);
  assert.equal(texts.length, 4);
  assert.equal(new Set(texts.map((t) => `${t.x},${t.y}`)).size, 4, 'distinct places');
  const span = (t: (typeof texts)[number]) => {
    const w = textWidth(t.text, 11);
    return t.align === 'left' ? [t.x, t.x + w] : [t.x - w, t.x];
  };
  for (const l of leaders) {
    for (const t of texts) {
      const [a, b] = span(t);
      if (t.y > l.top) assert.ok(!(l.x >= a && l.x <= b), `leader at ${l.x} crosses '${t.text}'`);
    }
  }
});

test('referenceLayers places many coincident vlines without looping, each label in its own row', () => {
  const frame = { width: 500, height: 300, xDomain: [0, 1] as const, yDomain: [0, 1] as const, logX: false, logY: false };
  const vlines = Array.from({ length: 6 }, (_, i) => ({ x: 0.5, label: `line ${i}` }));
  const { texts } = placement(referenceLayers([], vlines, frame).layers);
  assert.equal(new Set(texts.map((t) => t.y)).size, 6);
});
