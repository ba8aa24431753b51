import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse, View } from 'vega';
import { compile } from 'vega-lite';
import { SAMPLE_CRITICAL_VALUES, sampleFigures, samplePlateauLoss } from './sampleFigures.ts';
import { svgTexts } from './svgTexts.ts';

/** A vega logger that records warnings and errors instead of printing them. */
function recorder(messages: string[]) {
  let level = 2;
  const logger = {
    level(l?: number) { if (l === undefined) return level; level = l; return logger; },
    error: (...a: unknown[]) => { messages.push(`error: ${a.join(' ')}`); return logger; },
    warn: (...a: unknown[]) => { messages.push(`warn: ${a.join(' ')}`); return logger; },
    info: () => logger,
    debug: () => logger,
  };
  return logger;
}

test('sample plateau loss sits on each critical value in turn over 20000 steps', () => {
  const loss = samplePlateauLoss();
  assert.equal(loss.length, 20000);
  for (const [k, r] of [[400, 1], [2000, 2], [5000, 3], [19999, 4]]) {
    assert.ok(Math.abs(loss[k] / SAMPLE_CRITICAL_VALUES[r] - 1) < 0.02, `step ${k} near c_${r}`);
  }
});

test('every sample figure compiles and renders without a vega-lite or vega warning, with its title', async () => {
  for (const { name, spec } of sampleFigures()) {
    const messages: string[] = [];
    const vg = compile(spec, { logger: recorder(messages) }).spec;
    const view = new View(parse(vg), { renderer: 'none', logger: recorder(messages) } as ConstructorParameters<typeof View>[1]);
    const svg = await view.toSVG();
    view.finalize();
    assert.deepEqual(messages, [], name);
    const title = typeof spec.title === 'object' && spec.title !== null && 'text' in spec.title ? spec.title.text : undefined;
    assert.ok(typeof title === 'string' && svgTexts(svg).includes(title), `${name}: title drawn`);
  }
});
