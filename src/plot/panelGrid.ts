import type { TopLevelSpec } from 'vega-lite';
import { chartConfig, titleBlock } from './chartTheme.ts';

/** Options of panelGrid: a figure title and the charts to place, row by row. */
export interface PanelGridOptions {
  title: string;
  subtitle?: string | string[];
  /** Charts built by lineChart (or any single-view spec of this module); each keeps its own title, axes and legend. */
  panels: readonly TopLevelSpec[];
  /** Panels per row. Default: all in one row. */
  columns?: number;
}

/**
 * Several charts as one figure (a vega-lite concat, `columns` per row), each with its own scales,
 * axes and legend; the panels' own titles become panel headings.
 */
export function panelGrid(opts: PanelGridOptions): TopLevelSpec {
  if (opts.panels.length === 0) throw new RangeError('panelGrid: no panels');
  const columns = opts.columns ?? opts.panels.length;
  if (!Number.isInteger(columns) || columns < 1) throw new RangeError(`panelGrid: columns must be a positive integer, got ${columns}`);
  const views = opts.panels.map((p) => {
    const { $schema: _s, config: _c, title, ...view } = p as TopLevelSpec & { title?: unknown };
    const t = title as { text?: string; subtitle?: string | string[] } | string | undefined;
    const text = typeof t === 'string' ? t : t?.text;
    const sub = typeof t === 'object' ? t.subtitle : undefined;
    return { ...view, ...(text !== undefined ? { title: { text, ...(sub !== undefined ? { subtitle: sub } : {}), fontSize: 13, fontWeight: 'normal' as const, subtitleFontSize: 11 } } : {}) };
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: titleBlock(opts.title, opts.subtitle, []),
    config: chartConfig(),
    columns,
    concat: views,
    spacing: 28,
    resolve: { scale: { x: 'independent', y: 'independent', color: 'independent' }, legend: { color: 'independent' } },
  } as TopLevelSpec;
}
