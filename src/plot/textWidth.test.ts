import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Resvg } from '@resvg/resvg-js';
import { CHART_FONT } from './chartTheme.ts';
import { textWidth } from './textWidth.ts';

/** Advance width of s as resvg draws it: where a bar after s ends, minus where a bar alone ends. */
function renderedWidth(s: string, weight: 'normal' | 'bold'): number {
  const right = (t: string) => {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="2000" height="60"><text x="10" y="40" font-family="${CHART_FONT}" `
      + `font-size="20" font-weight="${weight}" xml:space="preserve">${t}|</text></svg>`;
    const box = new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: CHART_FONT } }).getBBox();
    assert.ok(box, `resvg drew '${t}|'`);
    return box.x + box.width;
  };
  return right(s) - right('');
}

test('textWidth matches the width resvg draws for chart text (Latin, Greek, sub- and superscripts, math)', () => {
  for (const s of ['loss L(W(k))', 'η_max (2.8) 8.28e-7', '10⁻⁶ and c₃ ≤ ½‖P‖²', 'step size / η_max']) {
    for (const weight of ['normal', 'bold'] as const) {
      const drawn = renderedWidth(s, weight);
      assert.ok(Math.abs(textWidth(s, 20, weight) - drawn) <= 0.01 * drawn, `'${s}' (${weight}): ${textWidth(s, 20, weight)} vs drawn ${drawn}`);
    }
  }
});

test('textWidth ignores kerning, so it never measures a label narrower than drawn', () => {
  for (const s of ['WAVE AVA To', 'Ty, Vo, Yo']) assert.ok(textWidth(s, 20) >= renderedWidth(s, 'normal'));
});

test('textWidth scales with the font size and gives a character missing from the table a digit\'s width', () => {
  assert.equal(textWidth('abc', 24), 2 * textWidth('abc', 12));
  assert.equal(textWidth('', 12), 0);
  assert.ok(Math.abs(textWidth('\u4e00', 10) - 6.4) < 1e-12);
});
