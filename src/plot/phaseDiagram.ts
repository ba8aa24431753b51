import type { TopLevelSpec } from 'vega-lite';
import { type ChartBaseOptions, DEFAULT_HEIGHT, DEFAULT_WIDTH, REFERENCE_COLOR, chartConfig, titleBlock } from './chartTheme.ts';

/** One tile of a phase diagram: an x value, a row, and what is coloured there. */
export interface PhaseTile {
  x: number;
  /** Row label (an ordinal axis: depth, width, …). */
  y: string;
  /** Panel label for small multiples; omit for one panel. */
  facet?: string;
  /** A category (phase diagrams) or a number (colour maps). */
  value: string | number;
  /** Shown on hover and in the SVG's title: e.g. "12/20 seeds". */
  note?: string;
}

/** Options of phaseDiagram; every field states its default. */
export interface PhaseDiagramOptions extends ChartBaseOptions {
  tiles: readonly PhaseTile[];
  /** Log-scaled x axis (default true). */
  logX?: boolean;
  /** Categories in legend order with their colours (category maps); omit for a numeric colour map. */
  categories?: readonly { name: string; color: string }[];
  /** Title of the colour legend (default 'status'). */
  legendTitle?: string;
  /** Numeric colour maps: log-scaled colours (default false). */
  logColor?: boolean;
  /** Vertical reference lines across every row (e.g. the Theorem 2.4 bound at multiple 1). */
  vlines?: readonly { x: number; label: string; dashed?: boolean }[];
  /** Per-row markers drawn as black ticks (e.g. 2/λ_max at the start, one per row). */
  marks?: readonly { x: number; y: string; facet?: string }[];
  /** Legend entry of the markers (default none). */
  marksLabel?: string;
  /** Per-row markers drawn as white diamonds outlined in black (e.g. 2/λ_flat, one per row), with their legend entry. */
  diamonds?: { readonly marks: readonly { x: number; y: string; facet?: string }[]; readonly label: string };
  /** Every x value of the grid, for the tile edges (default: the tiles' x values). */
  xGrid?: readonly number[];
  /** x range shown (default: the tiles' extent). */
  xDomain?: [number, number];
  /** Every row label, also of rows without tiles (default: the tiles' rows). */
  rows?: readonly string[];
}

/** Geometric (log) or arithmetic mid-points between sorted distinct xs: the edges of each tile. */
function tileEdges(xs: readonly number[], log: boolean): Map<number, [number, number]> {
  const s = [...new Set(xs)].sort((a, b) => a - b);
  const mid = (a: number, b: number): number => (log ? Math.sqrt(a * b) : (a + b) / 2);
  const out = new Map<number, [number, number]>();
  s.forEach((x, i) => {
    const lo = i > 0 ? mid(s[i - 1], x) : s.length > 1 ? (log ? x * x / mid(x, s[1]) : x - (mid(x, s[1]) - x)) : (log ? x / 2 : x - 0.5);
    const hi = i + 1 < s.length ? mid(x, s[i + 1]) : s.length > 1 ? (log ? x * x / mid(s[i - 1], x) : x + (x - mid(s[i - 1], x))) : (log ? x * 2 : x + 0.5);
    out.set(x, [lo, hi]);
  });
  return out;
}

/**
 * A phase diagram (vega-lite): tiles coloured by category or by value over a quantitative x axis and
 * ordinal rows, optional small multiples (facet), vertical reference lines and per-row markers.
 */
export function phaseDiagram(o: PhaseDiagramOptions): TopLevelSpec {
  const log = o.logX ?? true;
  const edges = tileEdges([...(o.xGrid ?? []), ...o.tiles.map((t) => t.x)], log);
  const rows = o.tiles.map((t) => ({ ...t, x0: edges.get(t.x)?.[0], x1: edges.get(t.x)?.[1], facet: t.facet ?? '' }));
  // Rows top to bottom: numeric labels largest first, others in reverse text order.
  const labels = [...new Set([...(o.rows ?? []), ...o.tiles.map((t) => t.y)])];
  const numeric = labels.every((l) => Number.isFinite(Number(l)));
  const ySort = labels.sort((a, b) => (numeric ? Number(b) - Number(a) : a < b ? 1 : a > b ? -1 : 0));
  const all = [...edges.values()].flat();
  const domain = o.xDomain ?? [Math.min(...all), Math.max(...all)];
  const xScale = { type: log ? 'log' : 'linear', domain, nice: false } as const;
  const color = o.categories !== undefined
    ? { field: 'value', type: 'nominal', title: o.legendTitle ?? 'status', scale: { domain: o.categories.map((c) => c.name), range: o.categories.map((c) => c.color) } }
    : { field: 'value', type: 'quantitative', title: o.legendTitle ?? 'value', scale: { type: o.logColor === true ? 'log' : 'linear', scheme: 'viridis' } };
  const layersFor = (facet: string | null): unknown[] => {
    const keep = <T extends { facet: string }>(v: readonly T[]): T[] => (facet === null ? [...v] : v.filter((r) => r.facet === facet));
    const layers: unknown[] = [{
      data: { values: keep(rows) },
      mark: { type: 'rect', stroke: 'white', strokeWidth: 0.5, clip: true },
      encoding: {
        x: { field: 'x0', type: 'quantitative', scale: xScale, title: o.xLabel ?? 'x' }, x2: { field: 'x1' },
        y: { field: 'y', type: 'ordinal', title: o.yLabel ?? 'y', sort: ySort, scale: { domain: ySort } },
        color, tooltip: [{ field: 'x', type: 'quantitative' }, { field: 'y' }, { field: 'value' }, { field: 'note' }],
      },
    }];
    for (const v of o.vlines ?? []) {
      const values = [{ x: v.x, label: v.label }];
      layers.push({ data: { values }, mark: { type: 'rule', clip: true, color: REFERENCE_COLOR, strokeWidth: 2, strokeDash: v.dashed === false ? [] : [6, 4] }, encoding: { x: { field: 'x', type: 'quantitative', scale: xScale } } });
      layers.push({ data: { values }, mark: { type: 'text', align: 'left', dx: 4, dy: 2, baseline: 'top', color: REFERENCE_COLOR, fontSize: 11 }, encoding: { x: { field: 'x', type: 'quantitative', scale: xScale }, y: { value: 0 }, text: { field: 'label' } } });
    }
    const marks = keep((o.marks ?? []).map((m) => ({ ...m, facet: m.facet ?? '', what: o.marksLabel ?? 'marker' })));
    if (marks.length > 0) {
      layers.push({
        data: { values: marks },
        mark: { type: 'tick', orient: 'vertical', color: 'black', thickness: 3 },
        encoding: { x: { field: 'x', type: 'quantitative', scale: xScale }, y: { field: 'y', type: 'ordinal', sort: ySort } },
      });
    }
    const diamonds = keep((o.diamonds?.marks ?? []).map((m) => ({ ...m, facet: m.facet ?? '', what: o.diamonds?.label ?? 'marker' })));
    if (diamonds.length > 0) {
      layers.push({
        data: { values: diamonds },
        mark: { type: 'point', shape: 'diamond', filled: true, fill: 'white', stroke: 'black', strokeWidth: 1.5, size: 90, opacity: 1, clip: true },
        encoding: { x: { field: 'x', type: 'quantitative', scale: xScale }, y: { field: 'y', type: 'ordinal', sort: ySort } },
      });
    }
    return layers;
  };
  const width = o.width ?? DEFAULT_WIDTH, height = o.height ?? DEFAULT_HEIGHT;
  const base = { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', title: titleBlock(o.title, o.subtitle, [
    ...(o.marks !== undefined && o.marks.length > 0 && o.marksLabel !== undefined ? [`black ticks: ${o.marksLabel}`] : []),
    ...(o.diamonds !== undefined && o.diamonds.marks.length > 0 ? [`white diamonds: ${o.diamonds.label}`] : []),
  ]), config: chartConfig() };
  const facets = [...new Set(rows.map((r) => r.facet))];
  if (facets.length <= 1 && facets[0] === '') return { ...base, width, height, layer: layersFor(null) } as TopLevelSpec;
  const panelWidth = Math.max(180, Math.floor(width / Math.min(facets.length, 3)));
  return {
    ...base, columns: 3, resolve: { scale: { color: 'shared' } },
    concat: facets.map((f) => ({ title: { text: f, fontSize: 13, fontWeight: 'normal' }, width: panelWidth, height: Math.floor(height * 0.7), layer: layersFor(f) })),
  } as unknown as TopLevelSpec;
}
