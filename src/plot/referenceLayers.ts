import { REFERENCE_COLOR, type Layer } from './chartTheme.ts';
import { axisFraction, type Domain } from './niceDomain.ts';
import { textWidth } from './textWidth.ts';

/** A dashed horizontal line at height y, labelled at the right edge of the plot (e.g. "r = 2"); color defaults to dark grey. */
export interface HLine { y: number; label: string; color?: string }
/** A dashed vertical line at x, labelled above the plot (e.g. "η_max bound"); color defaults to dark grey. */
export interface VLine { x: number; label: string; color?: string }

/** Geometry of the plotting area that reference labels are placed against. */
export interface Frame {
  width: number;
  height: number;
  xDomain: Domain;
  yDomain: Domain;
  logX: boolean;
  logY: boolean;
}

const LABEL_GAP = 14;
const LABEL_FONT_SIZE = 11;
/** Width of a reference label in pixels, with a little room on each side. */
export const labelWidth = (s: string) => textWidth(s, LABEL_FONT_SIZE) + 6;

/** Moves sorted positions apart to at least gap, staying within [lo, hi] where possible. */
export function spreadLabels(positions: readonly number[], gap: number, lo: number, hi: number): number[] {
  const p = [...positions];
  for (let i = 1; i < p.length; i++) p[i] = Math.max(p[i], p[i - 1] + gap);
  if (p.length > 0 && p[p.length - 1] > hi) p[p.length - 1] = hi;
  for (let i = p.length - 2; i >= 0; i--) p[i] = Math.min(p[i], p[i + 1] - gap);
  if (p.length > 0 && p[0] < lo) {
    p[0] = lo;
    for (let i = 1; i < p.length; i++) p[i] = Math.max(p[i], p[i - 1] + gap);
  }
  return p;
}

/**
 * The lowest row above the plot for a label spanning [left, end] whose leader rises at px through
 * the rows below it: no overlap with a label in that row, its leader crosses no lower label, and no
 * leader rising higher crosses it.
 */
function labelRow(placed: readonly { left: number; end: number; px: number; row: number }[], left: number, end: number, px: number): number {
  const hits = (a: number, b: number, x: number) => x >= a - 2 && x <= b + 2;
  const free = (row: number, leaders: boolean) => placed.every((p) =>
    !(p.row === row && p.left < end + 2 && left < p.end + 2) &&
    !(leaders && p.row < row && hits(p.left, p.end, px)) &&
    !(leaders && p.row > row && hits(left, end, p.px)));
  for (let row = 0; row <= placed.length; row++) if (free(row, true)) return row;
  // Lines closer than a label's width: a leader has to cross a label; keep the labels apart at least.
  for (let row = 0; ; row++) if (free(row, false)) return row;
}

const ruleMark = (color: string | undefined) =>
  ({ type: 'rule' as const, strokeDash: [6, 4], strokeWidth: 1.2, color: color ?? REFERENCE_COLOR });

const textLayer = (text: string, x: number, y: number, align: 'left' | 'right', baseline: 'middle' | 'bottom', color?: string): Layer => ({
  data: { values: [{}] },
  mark: { type: 'text', text, x, y, align, baseline, fontSize: LABEL_FONT_SIZE, color: color ?? REFERENCE_COLOR },
});

const inDomain = (v: number, d: Domain) => v >= Math.min(d[0], d[1]) && v <= Math.max(d[0], d[1]);

/**
 * Layers drawing hlines (labels right of the plot, pushed apart so they never overlap) and vlines
 * (labels above the plot, in as many rows as needed). Lines that a log axis cannot show or that lie
 * outside the domain are left out and reported in notes.
 */
export function referenceLayers(hlines: readonly HLine[], vlines: readonly VLine[], frame: Frame): { layers: Layer[]; notes: string[] } {
  const layers: Layer[] = [];
  const notes: string[] = [];
  const hs = hlines.filter((h) => Number.isFinite(h.y) && (!frame.logY || h.y > 0) && inDomain(h.y, frame.yDomain));
  const vs = vlines.filter((v) => Number.isFinite(v.x) && (!frame.logX || v.x > 0) && inDomain(v.x, frame.xDomain));
  const dropped = [...hlines.filter((h) => !hs.includes(h)), ...vlines.filter((v) => !vs.includes(v))];
  if (dropped.length > 0) notes.push(`reference lines not shown (off the axis): ${dropped.map((d) => d.label).join(', ')}`);

  for (const h of hs) layers.push({ data: { values: [{ y: h.y }] }, mark: ruleMark(h.color), encoding: { y: { field: 'y', type: 'quantitative' } } });
  const hPx = hs.map((h) => ({ h, px: frame.height * (1 - axisFraction(h.y, frame.yDomain, frame.logY)) })).sort((a, b) => a.px - b.px);
  const hPlaced = spreadLabels(hPx.map((e) => e.px), LABEL_GAP, -LABEL_GAP / 2, frame.height + LABEL_GAP / 2);
  hPx.forEach((e, i) => layers.push(textLayer(e.h.label, frame.width + 6, hPlaced[i], 'left', 'middle', e.h.color)));

  for (const v of vs) layers.push({ data: { values: [{ x: v.x }] }, mark: ruleMark(v.color), encoding: { x: { field: 'x', type: 'quantitative' } } });
  // Labels run right of lines in the left 60 % and left of lines beyond; placing each kind starting
  // from the side its labels point to lets a stacked label's leader pass beside the labels below it.
  const vPx = vs.map((v) => ({ v, px: frame.width * axisFraction(v.x, frame.xDomain, frame.logX) }))
    .sort((a, b) => {
      const ra = a.px > frame.width * 0.6;
      const rb = b.px > frame.width * 0.6;
      return ra !== rb ? (ra ? 1 : -1) : ra ? a.px - b.px : b.px - a.px;
    });
  const placed: { left: number; end: number; px: number; row: number }[] = [];
  for (const { v, px } of vPx) {
    const w = labelWidth(v.label);
    const right = px > frame.width * 0.6;
    const [left, end] = right ? [px - w, px] : [px, px + w];
    const row = labelRow(placed, left, end, px);
    placed.push({ left, end, px, row });
    const baseline = -4 - row * LABEL_GAP;
    layers.push(textLayer(v.label, right ? px - 4 : px + 4, baseline, right ? 'right' : 'left', 'bottom', v.color));
    // A leader from the plot's top edge up beside the label ties a stacked label to its line.
    layers.push({ data: { values: [{}] }, mark: { ...ruleMark(v.color), strokeDash: [2, 2] }, encoding: { x: { value: px }, y: { value: baseline - 9 }, y2: { value: 0 } } });
  }
  return { layers, notes };
}
