import type { TopLevelSpec } from 'vega-lite';
import {
  chartConfig, DEFAULT_HEIGHT, DEFAULT_WIDTH, SERIES_COLORS, titleBlock, type ChartBaseOptions, type Layer,
} from './chartTheme.ts';
import { downsampleMinMax } from './downsampleMinMax.ts';
import { axisTicks } from './axisTicks.ts';
import { extent, niceDomain, padLogDomain, type Domain } from './niceDomain.ts';
import { labelWidth, referenceLayers, type HLine, type VLine } from './referenceLayers.ts';

/** One named series of points (x[i], y[i]); x defaults to 0, 1, …, n − 1 (iterations; on a log x axis step 0 is left out). */
export interface Series {
  name: string;
  y: ArrayLike<number>;
  x?: ArrayLike<number>;
  /** How the points are drawn: a line, dots, or a line with a dot on each point. Default 'line'. */
  mark?: 'line' | 'point' | 'linepoint';
  /** Draw the line dashed (e.g. a fitted or theoretical curve). Default false. */
  dashed?: boolean;
  /** Colour of the series, e.g. one per schedule shared by its solid and dashed variant. Default: SERIES_COLORS in series order. */
  color?: string;
  /** Draw the series beneath the others, thin and translucent (a noisy run that would hide the rest); the legend keeps series order. Default false. */
  background?: boolean;
}

export interface LineChartOptions extends ChartBaseOptions {
  series: readonly Series[];
  /** Logarithmic x axis; points with x ≤ 0 are left out and counted in a note. Default false. */
  logX?: boolean;
  /** Logarithmic y axis; points with y ≤ 0 are left out and counted in a note. Default false. */
  logY?: boolean;
  /** Dashed horizontal reference lines, labelled right of the plot. Default none. */
  hlines?: readonly HLine[];
  /** Dashed vertical reference lines, labelled above the plot. Default none. */
  vlines?: readonly VLine[];
  /** Fixed x domain (points outside are clipped). Default: the extent of data and lines, rounded (linear) or padded 3 % (log). */
  xDomain?: Domain;
  /** Fixed y domain (points outside are clipped), e.g. to keep a diverging run from squashing the rest. Default like x, padded 5 % on a log axis. */
  yDomain?: Domain;
  /** Most points drawn per series; longer series keep their extrema (downsampleMinMax). Default 2000. */
  maxPointsPerSeries?: number;
  /** Title of the legend. Default none. */
  legendTitle?: string;
}

interface Cleaned { name: string; x: number[]; y: number[]; mark: 'line' | 'point' | 'linepoint'; dashed: boolean; background: boolean }

/** Drops non-finite points and those a log axis cannot show; counts what was dropped. */
function clean(s: Series, logX: boolean, logY: boolean, count: { nonFinite: number; xLog: number; yLog: number }, maxPoints: number): Cleaned {
  const n = s.y.length;
  if (s.x !== undefined && s.x.length !== n) throw new RangeError(`lineChart: series '${s.name}' has ${s.x.length} x values and ${n} y values`);
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = s.x === undefined ? i : s.x[i];
    const y = s.y[i];
    if (!Number.isFinite(x) || !Number.isFinite(y)) count.nonFinite++;
    else if (logX && x <= 0) count.xLog++;
    else if (logY && y <= 0) count.yLog++;
    else { xs.push(x); ys.push(y); }
  }
  const d = downsampleMinMax(xs, ys, maxPoints, logX);
  return { name: s.name, x: d.x, y: d.y, mark: s.mark ?? 'line', dashed: s.dashed ?? false, background: s.background ?? false };
}

function dropNotes(c: { nonFinite: number; xLog: number; yLog: number }, empty: string[]): string[] {
  const notes: string[] = [];
  const pts = (k: number) => `${k} point${k === 1 ? '' : 's'}`;
  if (c.nonFinite > 0) notes.push(`${pts(c.nonFinite)} with non-finite values (NaN/∞) not shown`);
  if (c.xLog > 0) notes.push(`log x axis: ${pts(c.xLog)} with x ≤ 0 not shown`);
  if (c.yLog > 0) notes.push(`log y axis: ${pts(c.yLog)} with y ≤ 0 not shown`);
  if (empty.length > 0) notes.push(`no points to draw for: ${empty.join(', ')}`);
  return notes;
}

/** Domain of one axis: fixed, or the extent of data and reference lines, rounded (linear) or padded by pad of its span (log). */
function axisDomain(fixed: Domain | undefined, values: number[][], lines: number[], log: boolean, pad: number): Domain {
  if (fixed !== undefined) return fixed;
  const e = extent([...values, lines.filter((v) => Number.isFinite(v) && (!log || v > 0))]);
  if (e === undefined) return log ? [1, 10] : [0, 1];
  if (log && e[0] < e[1]) return padLogDomain(e, pad);
  return niceDomain(e[0], e[1], log);
}

const scale = (log: boolean, domain: Domain) =>
  log ? { type: 'log' as const, domain: [domain[0], domain[1]], nice: false } : { type: 'linear' as const, domain: [domain[0], domain[1]], nice: false, zero: false };

// About one labelled tick per 100 px on a linear axis: vega's default (one per 40 px) crowds labels like 4,500.
const axis = (title: string, log: boolean, domain: Domain, length: number) =>
  ({ title, ...axisTicks(domain, log), ...(log ? {} : { tickCount: Math.max(2, Math.round(length / 100)) }) });

/**
 * Legend symbols that match each series: a dot for point series, a (dashed) stroke for lines. vega-lite
 * would give every entry the symbol of the first layer.
 */
function legendSymbols(series: readonly Cleaned[]) {
  const names = (pick: (s: Cleaned) => boolean) => JSON.stringify(series.filter(pick).map((s) => s.name));
  const dots = names((s) => s.mark === 'point');
  const dashed = names((s) => s.dashed);
  return {
    shape: { signal: `indexof(${dots}, datum.value) >= 0 ? 'circle' : 'stroke'` },
    fill: { signal: `indexof(${dots}, datum.value) >= 0 ? scale('color', datum.value) : 'transparent'` },
    stroke: { signal: "scale('color', datum.value)" },
    strokeDash: { signal: `indexof(${dashed}, datum.value) >= 0 ? [5, 3] : [1, 0]` },
    strokeWidth: { value: 2.5 },
    // A dot as large as the plotted ones (mark size 30), not vega's default 100.
    size: { signal: `indexof(${dots}, datum.value) >= 0 ? 40 : 100` },
    opacity: { value: 1 },
  };
}

function seriesMark(s: Cleaned) {
  const dash = s.dashed ? { strokeDash: [7, 4] } : {};
  const stroke = s.background ? { strokeWidth: 1, opacity: 0.8 } : { strokeWidth: 1.8 };
  if (s.mark === 'point') return { type: 'point' as const, filled: true, size: 30, opacity: s.background ? 0.4 : 0.85, clip: true };
  if (s.mark === 'linepoint') return { type: 'line' as const, ...stroke, clip: true, point: { filled: true, size: 30 }, ...dash };
  return { type: 'line' as const, ...stroke, clip: true, ...dash };
}

/**
 * A vega-lite spec of several named series over x (THEORY.md §8 loss curves, step-size sweeps), with
 * optional log axes and labelled dashed reference lines; every series keeps ≤ maxPointsPerSeries points.
 */
export function lineChart(opts: LineChartOptions): TopLevelSpec {
  const logX = opts.logX ?? false;
  const logY = opts.logY ?? false;
  const width = opts.width ?? DEFAULT_WIDTH;
  const height = opts.height ?? DEFAULT_HEIGHT;
  const hlines = opts.hlines ?? [];
  const vlines = opts.vlines ?? [];
  const names = opts.series.map((s) => s.name);
  if (new Set(names).size !== names.length) throw new RangeError(`lineChart: series names must be distinct, got ${names.join(', ')}`);
  const count = { nonFinite: 0, xLog: 0, yLog: 0 };
  const series = opts.series.map((s) => clean(s, logX, logY, count, opts.maxPointsPerSeries ?? 2000));
  const empty = series.filter((s) => s.x.length === 0).map((s) => `'${s.name}'`);
  const notes = dropNotes(count, empty);
  if (series.every((s) => s.x.length === 0)) notes.push('nothing to plot: the chart is empty');

  const xDomain = axisDomain(opts.xDomain, series.map((s) => s.x), vlines.map((v) => v.x), logX, 0.03);
  const yDomain = axisDomain(opts.yDomain, series.map((s) => s.y), hlines.map((h) => h.y), logY, 0.05);
  const ref = referenceLayers(hlines, vlines, { width, height, xDomain, yDomain, logX, logY });
  notes.push(...ref.notes);

  const colorScale = { domain: names, range: opts.series.map((s, i) => s.color ?? SERIES_COLORS[i % SERIES_COLORS.length]) };
  // The legend starts right of the hline labels, which sit in the same column from the top down.
  const offset = hlines.length > 0 ? Math.max(...hlines.map((h) => labelWidth(h.label))) + 16 : 18;
  const legend = names.length > 1 ? { title: opts.legendTitle ?? null, offset, encode: { symbols: { update: legendSymbols(series) } } } : null;
  const drawOrder = [...series.filter((s) => s.background), ...series.filter((s) => !s.background)];
  const seriesLayers: Layer[] = drawOrder.map((s) => ({
    data: { values: s.x.map((x, i) => ({ s: s.name, x, y: s.y[i] })) },
    mark: seriesMark(s),
    encoding: {
      x: { field: 'x', type: 'quantitative', scale: scale(logX, xDomain), axis: axis(opts.xLabel ?? 'x', logX, xDomain, width) },
      y: { field: 'y', type: 'quantitative', scale: scale(logY, yDomain), axis: axis(opts.yLabel ?? 'y', logY, yDomain, 2 * height) },
      color: { field: 's', type: 'nominal', scale: colorScale, legend },
    },
  }));
  // An empty chart still needs a layer that draws the axes.
  const axesLayer: Layer = {
    data: { values: [{ x: xDomain[0], y: yDomain[0] }] },
    mark: { type: 'point', opacity: 0 },
    encoding: {
      x: { field: 'x', type: 'quantitative', scale: scale(logX, xDomain), axis: axis(opts.xLabel ?? 'x', logX, xDomain, width) },
      y: { field: 'y', type: 'quantitative', scale: scale(logY, yDomain), axis: axis(opts.yLabel ?? 'y', logY, yDomain, 2 * height) },
    },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: titleBlock(opts.title, opts.subtitle, notes),
    width,
    height,
    config: chartConfig(),
    layer: [axesLayer, ...ref.layers.filter((l) => 'encoding' in l), ...seriesLayers, ...ref.layers.filter((l) => !('encoding' in l))],
  };
}
