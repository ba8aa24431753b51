import type { TopLevelSpec } from 'vega-lite';
import { binCounts, binEdges } from './binEdges.ts';
import {
  chartConfig, DEFAULT_HEIGHT, DEFAULT_WIDTH, SERIES_COLORS, titleBlock, type ChartBaseOptions, type Layer,
} from './chartTheme.ts';
import { axisTicks } from './axisTicks.ts';
import { extent, niceDomain, padLogDomain, type Domain } from './niceDomain.ts';
import { referenceLayers, type VLine } from './referenceLayers.ts';

/** One named sample whose values are counted into bins. */
export interface HistogramGroup { name: string; values: ArrayLike<number> }

/** A vertical reference line; with `group` set it belongs to that group (its colour, its panel). */
export interface HistogramLine extends VLine { group?: string }

export interface HistogramOptions extends ChartBaseOptions {
  /** The samples, one per group; give either groups or values. */
  groups?: readonly HistogramGroup[];
  /** A single unnamed sample (no legend): shorthand for groups: [{ name: '', values }]. */
  values?: ArrayLike<number>;
  /** Log-spaced bins on a log x axis (e.g. η_max over 1000 instances); values ≤ 0 are left out with a note. Default false. */
  logBins?: boolean;
  /** About how many bins span the data. Default 30. */
  bins?: number;
  /** Explicit bin edges, ascending (overrides bins); values outside them are left out with a note. */
  edges?: readonly number[];
  /** 'overlay': groups share one plot in translucent colours; 'facet': one panel per group, stacked, on shared axes. Default 'overlay'. */
  layout?: 'overlay' | 'facet';
  /** Dashed vertical reference lines with labels above the plot (e.g. the report's value, a median). Default none. */
  vlines?: readonly HistogramLine[];
  /** Title of the legend in overlay layout. Default none. */
  legendTitle?: string;
  /**
   * Count axes of facet panels: 'shared' (bar heights compare across panels) or 'independent' (each
   * panel scaled to its own tallest bar). Default: shared unless one panel's tallest bar is more than
   * 4× another's, where a shared axis would flatten the smaller group; a note then says so.
   */
  countAxis?: 'shared' | 'independent';
}

/**
 * A vega-lite histogram of one or more groups from bins computed here (bars are rects from the
 * precomputed edges, so log bins get a true log x axis), with labelled vertical reference lines.
 */
export function histogram(opts: HistogramOptions): TopLevelSpec {
  const log = opts.logBins ?? false;
  const layout = opts.layout ?? 'overlay';
  const width = opts.width ?? DEFAULT_WIDTH;
  if ((opts.groups === undefined) === (opts.values === undefined)) throw new RangeError('histogram: give either groups or values');
  const groups = opts.groups ?? [{ name: '', values: opts.values ?? [] }];
  if (groups.length === 0) throw new RangeError('histogram: groups is empty; give at least one group (it may have no values)');
  const names = groups.map((g) => g.name);
  if (new Set(names).size !== names.length) throw new RangeError(`histogram: group names must be distinct, got ${names.join(', ')}`);
  for (const l of opts.vlines ?? []) {
    if (l.group !== undefined && !names.includes(l.group)) throw new RangeError(`histogram: line '${l.label}' names unknown group '${l.group}'`);
  }
  const notes: string[] = [];
  let nonFinite = 0;
  let nonPositive = 0;
  const kept = groups.map((g) => {
    const v: number[] = [];
    for (let i = 0; i < g.values.length; i++) {
      const x = g.values[i];
      if (!Number.isFinite(x)) nonFinite++;
      else if (log && x <= 0) nonPositive++;
      else v.push(x);
    }
    return v;
  });
  if (nonFinite > 0) notes.push(`${nonFinite} non-finite value${nonFinite === 1 ? '' : 's'} (NaN/∞) not counted`);
  if (nonPositive > 0) notes.push(`log bins: ${nonPositive} value${nonPositive === 1 ? '' : 's'} ≤ 0 not counted`);
  const ext = extent(kept);
  let edges: number[];
  if (opts.edges !== undefined) {
    edges = [...opts.edges];
    if (edges.length < 2 || edges.some((e, j) => !Number.isFinite(e) || (j > 0 && e <= edges[j - 1])) || (log && edges[0] <= 0)) {
      throw new RangeError(`histogram: edges must be ≥ 2 finite ascending numbers${log ? ', all > 0 for log bins' : ''}`);
    }
  } else if (ext !== undefined) edges = binEdges(ext[0], ext[1], opts.bins ?? 30, log);
  else edges = log ? [1, 10] : [0, 1];
  const counts = kept.map((v) => binCounts(v, edges));
  const outside = kept.reduce((s, v, g) => s + v.length - counts[g].reduce((a, b) => a + b, 0), 0);
  if (outside > 0) notes.push(`${outside} value${outside === 1 ? '' : 's'} outside the bin edges not counted`);
  const emptyGroups = names.filter((_, g) => kept[g].length === 0);
  if (emptyGroups.length > 0) notes.push(`no values for: ${emptyGroups.map((n) => `'${n}'`).join(', ')}`);
  if (ext === undefined) notes.push('nothing to plot: the chart is empty');

  // The x axis also reaches lines beyond the bins (a report's value far from the data).
  const lineXs = (opts.vlines ?? []).map((l) => l.x).filter((x) => Number.isFinite(x) && (!log || x > 0));
  const lo = Math.min(edges[0], ...lineXs);
  const hi = Math.max(edges[edges.length - 1], ...lineXs);
  const xDomain: Domain = lo <= edges[0] && lineXs.includes(lo) || hi >= edges[edges.length - 1] && lineXs.includes(hi)
    ? (log ? padLogDomain([lo, hi], 0.03) : [lo - 0.03 * (hi - lo), hi + 0.03 * (hi - lo)])
    : [edges[0], edges[edges.length - 1]];
  const xTicks = axisTicks(xDomain, log);
  const color = (g: number) => SERIES_COLORS[g % SERIES_COLORS.length];
  const groupScale = { domain: names, range: names.map((_, i) => color(i)) };
  // One named group keeps its legend entry: its name may be all that says what the bars count.
  const legend = layout === 'overlay' && (names.length > 1 || names[0] !== '') ? { title: opts.legendTitle ?? null, symbolType: 'square' } : null;
  const colorOf = (group: string | undefined) => (group === undefined ? undefined : color(names.indexOf(group)));
  const panel = (groupIdx: number[], height: number, xTitle: string | null, shared: boolean): { layers: Layer[]; notes: string[] } => {
    const maxCount = Math.max(1, ...(shared ? counts : groupIdx.map((g) => counts[g])).flat());
    const yDomain = niceDomain(0, maxCount * 1.05, false, 8);
    const lines = (opts.vlines ?? [])
      .filter((l) => l.group === undefined || groupIdx.some((g) => names[g] === l.group))
      .map((l) => ({ ...l, color: l.color ?? colorOf(l.group) }));
    const ref = referenceLayers([], lines, { width, height, xDomain, yDomain, logX: log, logY: false });
    const bars: Layer[] = groupIdx.map((g) => ({
      data: { values: counts[g].map((c, j) => ({ group: names[g], x0: edges[j], x1: edges[j + 1], count: c })) },
      mark: { type: 'rect' as const, fillOpacity: groupIdx.length > 1 ? 0.4 : 0.75, strokeWidth: 0.7 },
      encoding: {
        x: { field: 'x0', type: 'quantitative', scale: log ? { type: 'log' as const, domain: [xDomain[0], xDomain[1]], nice: false } : { type: 'linear' as const, domain: [xDomain[0], xDomain[1]], nice: false, zero: false }, axis: { title: xTitle, ...xTicks } },
        x2: { field: 'x1' },
        y: { field: 'count', type: 'quantitative', scale: { domain: [yDomain[0], yDomain[1]], nice: false }, axis: { title: opts.yLabel ?? 'count', tickMinStep: 1 } },
        y2: { datum: 0 },
        stroke: { field: 'group', type: 'nominal', scale: groupScale, legend },
        color: { field: 'group', type: 'nominal', scale: groupScale, legend },
      },
    }));
    return { layers: [...bars, ...ref.layers], notes: ref.notes };
  };

  const base = { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', config: chartConfig() } as const;
  if (layout === 'overlay' || names.length <= 1) {
    const height = opts.height ?? DEFAULT_HEIGHT;
    const p = panel(names.map((_, g) => g), height, opts.xLabel ?? 'value', true);
    return { ...base, title: titleBlock(opts.title, opts.subtitle, [...notes, ...p.notes]), width, height, layer: p.layers };
  }
  const height = opts.height ?? Math.max(130, Math.round(DEFAULT_HEIGHT / names.length) + 40);
  const last = names.length - 1;
  const peaks = counts.map((c) => Math.max(0, ...c)).filter((m) => m > 0);
  const shared = opts.countAxis === undefined ? Math.max(...peaks) <= 4 * Math.min(...peaks) : opts.countAxis === 'shared';
  if (!shared) notes.push('each panel has its own count axis');
  const panels = names.map((name, g) => ({ name, ...panel([g], height, g === last ? (opts.xLabel ?? 'value') : null, shared) }));
  const refNotes = [...new Set(panels.flatMap((p) => p.notes))];
  return {
    ...base,
    title: titleBlock(opts.title, opts.subtitle, [...notes, ...refNotes]),
    vconcat: panels.map((p) => ({ title: { text: p.name, fontSize: 13, fontWeight: 'normal' as const }, width, height, layer: p.layers })),
    spacing: 24,
  };
}
