import type { TopLevelSpec } from 'vega-lite';
import { lineChart, type LineChartOptions, type Series } from './lineChart.ts';
import { loglogFit, type PowerLaw } from './loglogFit.ts';

/** Options of scatterChart: those of lineChart, with point clouds as series and an optional power-law fit. */
export interface ScatterChartOptions extends Omit<LineChartOptions, 'series'> {
  /** Point clouds, drawn as dots. */
  series: readonly { name: string; x: ArrayLike<number>; y: ArrayLike<number> }[];
  /**
   * Fit y ≈ c·x^p (loglogFit) to the points of one series and draw it as a dashed line over that
   * series' x range; `slope` fixes p (1 for an O(η) law), `of` names the series (default the first),
   * `name` labels it (default "fit: y ≈ c·x^p" with the fitted numbers). Default no fit.
   */
  fit?: { slope?: number; of?: string; name?: string };
}

const FIT_POINTS = 64;

/** The line y = c·x^p at 64 log-spaced x over [lo, hi] (straight on log-log axes, curved on linear ones). */
function powerLawSeries(law: PowerLaw, lo: number, hi: number, name: string): Series {
  const x = Array.from({ length: FIT_POINTS }, (_, i) => lo * (hi / lo) ** (i / (FIT_POINTS - 1)));
  return { name, x, y: x.map((v) => law.coefficient * v ** law.slope), dashed: true };
}

/**
 * A vega-lite scatter chart (e.g. balancedness drift vs step size on log-log axes) with an optional
 * fitted power law as a dashed line series; the fit's numbers appear in its legend entry.
 */
export function scatterChart(opts: ScatterChartOptions): TopLevelSpec {
  const series: Series[] = opts.series.map((s) => ({ name: s.name, x: s.x, y: s.y, mark: 'point' }));
  if (opts.fit !== undefined) {
    const target = opts.fit.of === undefined ? opts.series[0] : opts.series.find((s) => s.name === opts.fit?.of);
    if (target === undefined) throw new RangeError(`scatterChart: no series named '${opts.fit.of ?? ''}' to fit`);
    const law = loglogFit(target.x, target.y, opts.fit.slope);
    const xs = Array.from(target.x).filter((v, i) => v > 0 && target.y[i] > 0 && Number.isFinite(v) && Number.isFinite(target.y[i]));
    const name = opts.fit.name ?? `fit: y ≈ ${law.coefficient.toPrecision(3)}·x^${law.slope.toPrecision(3)}`;
    series.push(powerLawSeries(law, xs.reduce((a, b) => Math.min(a, b)), xs.reduce((a, b) => Math.max(a, b)), name));
  }
  return lineChart({ ...opts, series });
}
