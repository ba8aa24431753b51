// Live line charts (uPlot on canvas) with labelled dashed reference lines drawn by a hook.
import uPlot from 'uplot';
import { decadeSplits, linearLabel, linearSplits, logLabel } from './ticks.ts';

/** Okabe & Ito's palette: distinguishable with every common colour-vision deficiency. */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442'] as const;

/** A horizontal reference line: value, label, colour, dashed or solid. */
export interface RefLine { value: number; label: string; color?: string; dash?: boolean; /** Faint line whose label yields to the others'. */ minor?: boolean }

/** What a chart shows. */
export interface ChartSpec {
  id: string;
  title: string;
  /** Label under the x axis. */
  x: string;
  y: string;
  log: boolean;
  series: { label: string; color: string }[];
  /** Draw the (single) series as bars (a histogram). */
  bars?: boolean;
  /** Reference lines, read at every redraw. */
  refs?: () => RefLine[];
}

/** A chart in the page: its uPlot, its element and its spec. */
export interface LiveChart { plot: uPlot; el: HTMLElement; spec: ChartSpec }

function drawRefs(u: uPlot, refs: RefLine[], log: boolean): void {
  const ctx = u.ctx, { left, top, width, height } = u.bbox;
  const px = devicePixelRatio;
  ctx.save();
  ctx.font = `${Math.round(11 * px)}px system-ui, sans-serif`;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'bottom';
  const visible = refs.filter((r) => Number.isFinite(r.value) && (!log || r.value > 0))
    .map((r) => ({ r, y: u.valToPos(r.value, 'y', true) })).filter((o) => o.y >= top && o.y <= top + height);
  const labelled: number[] = [];
  const gap = 12 * px;
  // Major lines first, so that their labels win where labels would overlap.
  for (const { r, y } of [...visible.filter((o) => o.r.minor !== true), ...visible.filter((o) => o.r.minor === true)]) {
    ctx.strokeStyle = r.color ?? '#444';
    ctx.fillStyle = r.color ?? '#444';
    ctx.globalAlpha = r.minor === true ? 0.45 : 1;
    ctx.lineWidth = px;
    ctx.setLineDash(r.dash === false ? [] : r.minor === true ? [2 * px, 3 * px] : [6 * px, 4 * px]);
    ctx.beginPath();
    ctx.moveTo(left, y);
    ctx.lineTo(left + width, y);
    ctx.stroke();
    ctx.globalAlpha = 1;
    if (labelled.every((l) => Math.abs(l - y) > gap)) {
      ctx.fillText(r.label, left + width - 3 * px, y - 1 * px);
      labelled.push(y);
    }
  }
  ctx.restore();
}

// uPlot's splits callbacks: every axis takes its ticks from ticks.ts, whose loops are bounded for any range.
const logAxisSplits = (_u: uPlot, _axis: number, min: number, max: number): number[] => decadeSplits(min, max);
const linearAxisSplits = (_u: uPlot, _axis: number, min: number, max: number, incr: number): number[] => linearSplits(min, max, incr);

/** Creates a chart inside parent, sized to its box. */
export function createChart(parent: HTMLElement, spec: ChartSpec): LiveChart {
  const el = document.createElement('figure');
  el.className = 'chart';
  el.id = `chart-${spec.id}`;
  const cap = document.createElement('figcaption');
  cap.textContent = spec.title;
  el.append(cap);
  const holder = document.createElement('div');
  holder.className = 'plot';
  holder.setAttribute('role', 'img');
  holder.setAttribute('aria-label', `${spec.title}: ${spec.y} against ${spec.x}`);
  el.append(holder);
  parent.append(el);
  const opts: uPlot.Options = {
    width: Math.max(200, holder.clientWidth), height: Math.max(120, holder.clientHeight),
    scales: { x: { time: false }, y: spec.log ? { distr: 3, log: 10 } : { auto: true } },
    series: [{ label: spec.x }, ...spec.series.map((s) => ({
      label: s.label, stroke: s.color, width: 1.6, points: { show: false },
      ...(spec.bars === true ? { paths: uPlot.paths.bars?.({ size: [0.9, Infinity] }), fill: `${s.color}99` } : {}),
    }))],
    axes: [
      { label: spec.x, labelSize: 16, size: 34, font: '12px system-ui, sans-serif', labelFont: '12px system-ui, sans-serif', splits: linearAxisSplits },
      {
        label: spec.y, labelSize: 16, size: 62, font: '12px system-ui, sans-serif', labelFont: '12px system-ui, sans-serif',
        // decadeSplits thins its ticks itself: uPlot's own filter of log ticks would thin them again (10 and 1e-8 alone over ten decades).
        ...(spec.log ? { splits: logAxisSplits, filter: (_u: uPlot, v: number[]) => v, values: (_u: uPlot, v: (number | null)[]) => v.map(logLabel) }
          : { splits: linearAxisSplits, values: (_u: uPlot, v: (number | null)[]) => v.map(linearLabel) }),
      },
    ],
    legend: { show: spec.series.length === 2, live: false },
    cursor: { drag: { x: false, y: false } },
    hooks: { draw: [(u) => { if (spec.refs !== undefined) drawRefs(u, spec.refs(), spec.log); }] },
  };
  const data: uPlot.AlignedData = [[], ...spec.series.map(() => [])];
  const plot = new uPlot(opts, data, holder);
  return { plot, el, spec };
}

/** Resizes a chart to its box. */
export function fitChart(c: LiveChart): void {
  const holder = c.el.querySelector('.plot') as HTMLElement;
  const legend = c.el.querySelector('.u-legend') as HTMLElement | null;
  const h = holder.clientHeight - (legend?.offsetHeight ?? 0);
  c.plot.setSize({ width: Math.max(200, holder.clientWidth), height: Math.max(100, h) });
}

/** The y range of a log chart that keeps every reference line in view (uPlot's own range is the data's). */
export function logRangeWithRefs(columns: readonly (readonly (number | null)[])[], refs: readonly RefLine[]): [number, number] | null {
  let lo = Infinity, hi = -Infinity;
  for (const col of columns) for (const v of col) if (v !== null && v > 0 && v < Infinity) { if (v < lo) lo = v; if (v > hi) hi = v; }
  if (!Number.isFinite(lo)) return null;
  for (const r of refs) if (r.value > 0 && Number.isFinite(r.value) && r.value >= lo / 100) { lo = Math.min(lo, r.value); hi = Math.max(hi, r.value); }
  return [lo / 1.5, hi * 1.5];
}
