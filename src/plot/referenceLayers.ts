import { REFERENCE_COLOR, type Layer } from './chartTheme.ts';
import { axisFraction, type Domain } from './niceDomain.ts';

/** A dashed horizontal line at height y, labelled at the right edge of the plot (e.g. "r = 2"). */
export interface HLine { y: number; label: string; color?: string }
/** A dashed vertical line at x, labelled above the plot (e.g. "η_max bound"). */
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
/** Rough width of a label in pixels (DejaVu Sans at 11 px averages ≈ 6.6 px a character). */
const labelWidth = (s: string) => s.length * 6.6 + 6;

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
  const vPx = vs.map((v) => ({ v, px: frame.width * axisFraction(v.x, frame.xDomain, frame.logX) })).sort((a, b) => a.px - b.px);
  const rowEnds: number[] = [];
  for (const { v, px } of vPx) {
    const w = labelWidth(v.label);
    const right = px > frame.width * 0.6;
    const [left, end] = right ? [px - w, px] : [px, px + w];
    let row = rowEnds.findIndex((e) => e < left);
    if (row < 0) row = rowEnds.push(-Infinity) - 1;
    rowEnds[row] = end;
    layers.push(textLayer(v.label, right ? px - 4 : px + 4, -4 - row * LABEL_GAP, right ? 'right' : 'left', 'bottom', v.color));
  }
  return { layers, notes };
}
