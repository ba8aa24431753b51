import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { textWidth } from './textWidth.ts';

/** The part of a vega text item that its width depends on. */
interface TextItem { text?: unknown; fontSize?: number; fontWeight?: string | number; limit?: number }
type WidthOf = (item: TextItem, text?: unknown) => number;

/**
 * Width of a text item as DejaVu Sans draws it. Without a canvas, vega guesses 0.8 em a character,
 * a third too wide: legends sat far right of the plot with empty space after them, and labelLimit
 * cut labels at about two thirds of its width. A truncated label (limit) is at most limit wide.
 */
const measure: WidthOf = (item, text) => {
  const s = text === undefined || text === null ? '' : String(text).trim();
  const weight = item.fontWeight === 'bold' || Number(item.fontWeight) >= 600 ? 'bold' : 'normal';
  const w = textWidth(s, item.fontSize ?? 11, weight);
  return item.limit !== undefined && item.limit > 0 ? Math.min(w, item.limit) : w;
};

/**
 * Renders a vega-lite spec to an SVG document without a browser: vega-lite → vega, then a headless
 * vega View (renderer 'none') and view.toSVG(). Text is written as <text> in the spec's font and
 * laid out with that font's glyph widths (textWidth), as a browser's canvas would measure them.
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  // vega keeps one text measurer per process; this sets the same function every time.
  (vega as unknown as { textMetrics: { width: WidthOf } }).textMetrics.width = measure;
  const vgSpec = compile(spec).spec;
  const view = new vega.View(vega.parse(vgSpec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
