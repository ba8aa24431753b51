import assert from 'node:assert/strict';
import { test } from 'node:test';
import { referenceLayers, spreadLabels } from './referenceLayers.ts';

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
