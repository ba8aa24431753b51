import { histogram, phaseDiagram } from '../../plot/chartSpecs.ts';
import type { Figure } from '../types.ts';
import { median } from '../common/summary.ts';
import { niceLogEdges } from '../common/logEdges.ts';
import type { CellRecord } from './evaluateCells.ts';
import type { SweepSpec } from './spec.ts';

/** Colours of the statuses in every phase diagram (Okabe–Ito). */
export const STATUS_COLORS = [
  { name: 'converged', color: '#009E73' }, { name: 'plateau', color: '#56B4E9' }, { name: 'max-steps', color: '#E69F00' },
  { name: 'oscillating', color: '#CC79A7' }, { name: 'diverged', color: '#D55E00' }, { name: 'failed', color: '#999999' },
];

/** Colours of where the cells ended (their critical value's kind, as dln train's summary names it). */
export const ENDED_COLORS = [
  { name: 'global minimum', color: '#009E73' }, { name: 'plateau', color: '#56B4E9' }, { name: 'no critical value', color: '#E69F00' },
  { name: 'diverged or failed', color: '#D55E00' },
];

/** Where a cell ended, in the words of ENDED_COLORS. */
export function endedAs(r: CellRecord): string {
  const k = r.critical?.kind;
  return k === 'global-minimum' ? 'global minimum' : k === 'plateau' ? 'plateau' : k === 'neither' ? 'no critical value' : 'diverged or failed';
}

/** Which axes a figure uses: across (x), up (y) and over panels (facet). */
export interface FigureAxes { x?: string; y?: string; facet?: string }

const label = (v: unknown): string => (Array.isArray(v) ? v.join('-') : String(v));

/** The axes of the figures: x the step axis (lrMultiple or lr) unless given, y the next axis that is not seed. */
export function chooseAxes(spec: SweepSpec, want: FigureAxes = {}): { x: string; y: string | null; facet: string | null } {
  const names = spec.axes.map((a) => a.name as string);
  for (const a of [want.x, want.y, want.facet]) if (a !== undefined && !names.includes(a)) throw new RangeError(`no axis '${a}' in this sweep (axes: ${names.join(', ')})`);
  const x = want.x ?? names.find((n) => n === 'lrMultiple' || n === 'lr') ?? names.find((n) => n !== 'seed') ?? names[0];
  const y = want.y ?? names.find((n) => n !== x && n !== 'seed' && n !== want.facet) ?? null;
  return { x, y, facet: want.facet ?? null };
}

/** The most common status (or other value) of each tile (x, y, facet) with its share, as phase-diagram tiles. */
export function statusTiles(records: readonly CellRecord[], x: string, y: string | null, facet: string | null, value: (r: CellRecord) => string = (r) => r.status) {
  const groups = new Map<string, CellRecord[]>();
  for (const r of records) {
    const k = JSON.stringify([r.coords[x], y === null ? '' : r.coords[y], facet === null ? '' : r.coords[facet]]);
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  return [...groups.values()].map((g) => {
    const counts = new Map<string, number>();
    for (const r of g) counts.set(value(r), (counts.get(value(r)) ?? 0) + 1);
    const [top, n] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0];
    return {
      x: Number(g[0].coords[x]), y: y === null ? 'all' : label(g[0].coords[y]), ...(facet === null ? {} : { facet: `${facet} ${label(g[0].coords[facet])}` }),
      value: top, note: `${n}/${g.length} ${top}`,
    };
  });
}

/** Per row: the median over its cells of f (e.g. 2/λ_max(0) in units of the x axis), NaN values left out. */
function rowMedians(records: readonly CellRecord[], y: string | null, facet: string | null, f: (r: CellRecord) => number) {
  const groups = new Map<string, { y: string; facet?: string; v: number[] }>();
  for (const r of records) {
    const v = f(r);
    if (!Number.isFinite(v)) continue;
    const yl = y === null ? 'all' : label(r.coords[y]), fl = facet === null ? undefined : `${facet} ${label(r.coords[facet])}`;
    const k = `${yl}|${fl ?? ''}`;
    const g = groups.get(k) ?? { y: yl, ...(fl !== undefined ? { facet: fl } : {}), v: [] };
    g.v.push(v);
    groups.set(k, g);
  }
  return [...groups.values()].map((g) => ({ x: median(g.v), y: g.y, ...(g.facet !== undefined ? { facet: g.facet } : {}) }));
}

/** The first x at which each instance (the cells equal but for x) diverges; NaN where it never does. */
export function divergenceThresholds(records: readonly CellRecord[], x: string): { coords: Record<string, unknown>; threshold: number }[] {
  const groups = new Map<string, CellRecord[]>();
  for (const r of records) {
    const { [x]: _omit, ...rest } = r.coords;
    const k = JSON.stringify(rest);
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  return [...groups.values()].map((g) => {
    const div = g.filter((r) => r.status === 'diverged').map((r) => Number(r.coords[x]));
    const { [x]: _omit, ...rest } = g[0].coords;
    return { coords: rest, threshold: div.length > 0 ? Math.min(...div) : Number.NaN };
  });
}

/**
 * The figures of a sweep (THEORY §15.5): the phase diagram of status over two axes (small multiples over
 * a third) with the Theorem 2.4 bound, 2/λ_max at the start and 2/λ_flat, with `ended` the same tiles
 * coloured by where the runs ended (the kind of their nearest critical value), and histograms of divergence
 * thresholds and of the steps spent on plateaus (escape times).
 */
export function sweepFigures(spec: SweepSpec, records: readonly CellRecord[], want: FigureAxes = {}, options: { ended?: boolean } = {}): Figure[] {
  const { x, y, facet } = chooseAxes(spec, want);
  const isMultiple = x === 'lrMultiple', of = spec.base.lrOf;
  const xLabel = isMultiple ? (of === 'bound' ? 'η / η_max (Theorem 2.4)' : 'η·λ_max(0) / 2') : x === 'lr' ? 'step size η' : x;
  const vlines = isMultiple ? [{ x: 1, label: of === 'bound' ? 'η_max (Theorem 2.4)' : '2/λ_max at the start' }] : [];
  const toX = (eta: number, r: CellRecord): number => (x === 'lr' ? eta : isMultiple ? eta / (r.lr / Number(r.coords[x])) : Number.NaN);
  const marks = x === 'lr' || isMultiple
    ? rowMedians(records, y, facet, (r) => (of === 'bound' && isMultiple) || x === 'lr'
      ? (r.sharpnessStart !== null ? toX(2 / r.sharpnessStart, r) : Number.NaN)
      : (r.etaMax !== null ? toX(r.etaMax, r) : Number.NaN))
    : [];
  const marksLabel = (of === 'bound' && isMultiple) || x === 'lr' ? '2/λ_max at the start (median of the row)' : 'η_max of Theorem 2.4 (median of the row)';
  // 2/λ_flat (THEORY §13.2): above it GD cannot settle stably at any global minimum; records without it (older stores) draw no diamonds.
  const flat = x === 'lr' || isMultiple ? rowMedians(records, y, facet, (r) => (typeof r.etaFlat === 'number' ? toX(r.etaFlat, r) : Number.NaN)) : [];
  const flatLabel = '2/λ_flat, the largest step stable at some global minimum (median of the row)';
  const n = records.length;
  const logX = spec.axes.find((a) => a.name === x)?.values.every((v) => typeof v === 'number' && v > 0) ?? false;
  // Both diagrams over the step carry the same references, and their captions say which.
  const references = `the dashed line is ${vlines[0]?.label ?? 'absent'}${marks.length > 0 ? `, black ticks mark ${marksLabel}` : ''}${flat.length > 0 ? `, white diamonds ${flatLabel}` : ''}`;
  const referenceLayers = { vlines, marks, marksLabel, ...(flat.length > 0 ? { diamonds: { marks: flat, label: flatLabel } } : {}) };
  const figures: Figure[] = [{
    name: 'phase-diagram',
    caption: `Status of ${n} cells over ${xLabel} and ${y ?? 'one row'}${facet !== null ? `, one panel per ${facet}` : ''}: each tile shows the most common status of its cells; ${references}.`,
    spec: phaseDiagram({
      title: `Phase diagram of ${spec.name}`, subtitle: [`${n} cells; colour: the most common status of each tile`], xLabel, yLabel: y ?? '',
      tiles: statusTiles(records, x, y, facet), categories: STATUS_COLORS.filter((c) => records.some((r) => r.status === c.name)), logX, ...referenceLayers,
    }),
  }];
  if (options.ended === true) figures.push({
    name: 'where-it-ended',
    caption: `Where ${n} cells ended, over ${xLabel} and ${y ?? 'one row'}${facet !== null ? `, one panel per ${facet}` : ''}: each tile shows the most common kind of the critical value nearest to the final loss (the global minimum for these widths, a plateau's saddle value, or none within 1e-6·½tr Σ_YY), as dln train's summary names it; ${references}.`,
    spec: phaseDiagram({
      title: `${spec.name}: where the runs ended`, legendTitle: 'ended at', subtitle: [`${n} cells; colour: the most common kind of the nearest critical value`], xLabel, yLabel: y ?? '',
      tiles: statusTiles(records, x, y, facet, endedAs), categories: ENDED_COLORS.filter((c) => records.some((r) => endedAs(r) === c.name)), logX, ...referenceLayers,
    }),
  });
  const thresholds = divergenceThresholds(records, x).filter((t) => Number.isFinite(t.threshold));
  if (thresholds.length > 0) {
    const groups = new Map<string, number[]>();
    for (const t of thresholds) { const k = y === null ? 'all' : `${y} ${label(t.coords[y])}`; groups.set(k, [...(groups.get(k) ?? []), t.threshold]); }
    figures.push({
      name: 'divergence-thresholds', caption: `Per instance, the smallest ${xLabel} of the grid at which GD diverged (${thresholds.length} instances that diverged somewhere).`,
      spec: histogram({
        title: 'Divergence thresholds', subtitle: [`smallest grid value of ${xLabel} at which an instance diverged`], xLabel, yLabel: 'instances', logBins: true,
        edges: niceLogEdges(thresholds.map((t) => t.threshold), 20), layout: 'facet', groups: [...groups.entries()].map(([name, values]) => ({ name, values })),
      }),
    });
  }
  const escapes = records.filter((r) => r.status === 'converged' && r.plateauSteps.some((s) => s > 0)).map((r) => r.plateauSteps.reduce((a, b) => a + b, 0));
  if (escapes.length > 0) {
    figures.push({
      name: 'escape-times', caption: `Steps that converged runs spent on plateaus (within ${spec.classify.plateauRel} of a non-global critical value), ${escapes.length} runs.`,
      spec: histogram({ title: 'Escape times', subtitle: ['steps on plateaus before converging'], xLabel: 'steps on plateaus', yLabel: 'runs', logBins: true, edges: niceLogEdges(escapes, 20), values: escapes }),
    });
  }
  return figures;
}
