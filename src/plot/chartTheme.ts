import type { TopLevelSpec } from 'vega-lite';

/** A layered vega-lite spec at the top level (what every builder here returns). */
export type LayeredSpec = Extract<TopLevelSpec, { layer: unknown }>;
/** One layer of a layered spec: a unit spec (mark + encoding) or a nested layer. */
export type Layer = LayeredSpec['layer'][number];

/** The font every chart uses; the PNG renderer loads the same family from the system. */
export const CHART_FONT = 'DejaVu Sans';

/**
 * Series colours: Okabe–Ito (colour-blind safe; its pale yellow dropped, unreadable on white), then
 * four of Paul Tol's muted scheme, so that 12 series get distinct colours before the cycle repeats.
 */
export const SERIES_COLORS: readonly string[] = [
  '#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000',
  '#882255', '#999933', '#332288', '#44AA99', '#AA4499',
];

/** Colour of reference lines and their labels. */
export const REFERENCE_COLOR = '#444444';

/** Options shared by every chart builder. */
export interface ChartBaseOptions {
  /** Chart title (required: a figure without one is hard to cite). */
  title: string;
  /** One or more subtitle lines under the title; notes about dropped values are appended. Default none. */
  subtitle?: string | string[];
  /** Width of the plotting area in pixels, axes and legend excluded. Default 520. */
  width?: number;
  /** Height of the plotting area in pixels. Default 320. */
  height?: number;
  /** Title of the x axis. Default 'x'. */
  xLabel?: string;
  /** Title of the y axis. Default 'y'. */
  yLabel?: string;
}

export const DEFAULT_WIDTH = 520;
export const DEFAULT_HEIGHT = 320;

/** vega-lite config shared by all charts: one font, readable sizes, light grid, no frame. */
export function chartConfig(): NonNullable<LayeredSpec['config']> {
  return {
    font: CHART_FONT,
    background: 'white',
    padding: 12,
    view: { stroke: '#888888', strokeWidth: 0.8 },
    title: { fontSize: 16, fontWeight: 'bold', anchor: 'start', subtitleFontSize: 12, subtitleColor: '#444444', offset: 10 },
    axis: {
      labelFontSize: 12, titleFontSize: 13, titleFontWeight: 'normal', titleColor: '#111111',
      labelColor: '#222222', gridColor: '#e6e6e6', domainColor: '#666666', tickColor: '#666666',
      labelOverlap: true, titlePadding: 8,
    },
    axisX: { labelFlush: true },
    axisY: { labelFlush: false },
    legend: { labelFontSize: 12, titleFontSize: 12, symbolStrokeWidth: 2.5, labelLimit: 260, titleLimit: 260 },
    header: { labelFontSize: 12, titleFontSize: 13 },
    text: { font: CHART_FONT, fontSize: 11 },
  };
}

/** Title block: the title plus subtitle lines (user subtitle first, then notes). */
export function titleBlock(title: string, subtitle: string | string[] | undefined, notes: readonly string[]): LayeredSpec['title'] {
  const lines = [...(subtitle === undefined ? [] : Array.isArray(subtitle) ? subtitle : [subtitle]), ...notes];
  return lines.length > 0 ? { text: title, subtitle: lines } : { text: title };
}
