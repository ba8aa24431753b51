import { DEJAVU_SANS, DEJAVU_SANS_BOLD, type WidthRanges } from './textWidthTable.ts';

/** Width (em) of a character the table lacks: about that of a digit. */
const FALLBACK_EM = 0.64;

function lookup(ranges: WidthRanges): (c: number) => number {
  return (c) => {
    for (const [first, widths] of ranges) {
      if (c >= first && c < first + widths.length) return widths[c - first] > 0 ? widths[c - first] / 2048 : FALLBACK_EM;
    }
    return FALLBACK_EM;
  };
}

const regular = lookup(DEJAVU_SANS);
const bold = lookup(DEJAVU_SANS_BOLD);

/**
 * Width in pixels of text set in DejaVu Sans (the charts' font, CHART_FONT) at fontSize px: the sum
 * of the glyphs' advance widths, kerning ignored (it changes a label by about 1 %).
 */
export function textWidth(text: string, fontSize: number, weight: 'normal' | 'bold' = 'normal'): number {
  const em = weight === 'bold' ? bold : regular;
  let w = 0;
  for (const ch of text) w += em(ch.codePointAt(0) ?? 0x20);
  return w * fontSize;
}
