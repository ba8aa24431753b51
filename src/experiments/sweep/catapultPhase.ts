import { phaseDiagram } from '../../plot/chartSpecs.ts';
import type { Check, ExperimentResult } from '../types.ts';
import { check, fmt, median } from '../common/summary.ts';
import type { CellRecord } from './evaluateCells.ts';
import type { SweepSpec } from './spec.ts';
import { STATUS_COLORS, statusTiles } from './sweepFigures.ts';

/** A run caught the catapult: its loss rose above the start before it came down (THEORY §15.6). */
const spiked = (r: CellRecord): boolean => r.status !== 'diverged' && r.lossMax > r.lossInit * (1 + 1e-9);

/**
 * The catapult-phase analysis (THEORY §15.6, Lewkowycz et al. 2020): per (width, depth), the smallest
 * η·λ₀ of the grid where the loss spikes (lazy → catapult), where most seeds diverge (catapult →
 * divergence), the spike height and the final-to-initial sharpness ratio.
 */
export function analyseCatapultPhase(spec: SweepSpec, records: readonly CellRecord[]): ExperimentResult {
  const x = (r: CellRecord): number => 2 * Number(r.coords.lrMultiple);
  const combos = [...new Set(records.map((r) => `${r.coords.depth}|${r.coords.width}`))].map((k) => k.split('|').map(Number));
  const grid = [...new Set(records.map(x))].sort((a, b) => a - b);
  const rows = combos.map(([depth, width]) => {
    const cells = records.filter((r) => r.coords.depth === depth && r.coords.width === width);
    const at = (v: number): CellRecord[] => cells.filter((r) => x(r) === v);
    const catapultOnset = grid.find((v) => at(v).filter(spiked).length * 2 > at(v).length) ?? Number.NaN;
    const divergeOnset = grid.find((v) => at(v).filter((r) => r.status === 'diverged').length * 2 > at(v).length) ?? Number.NaN;
    const inPhase = cells.filter((r) => spiked(r) && r.status !== 'diverged');
    return {
      depth, width, catapultOnset, divergeOnset,
      spike: median(inPhase.map((r) => r.lossMax / r.lossInit)),
      sharpRatio: median(inPhase.filter((r) => r.sharpnessEnd !== null && r.sharpnessStart !== null).map((r) => (r.sharpnessEnd as number) / (r.sharpnessStart as number))),
      convergedInPhase: inPhase.filter((r) => r.status === 'converged').length, inPhase: inPhase.length,
    };
  }).sort((a, b) => a.depth - b.depth || a.width - b.width);
  const step = grid.length > 1 ? grid[1] - grid[0] : 0;
  const two = rows.filter((r) => r.depth === 2), widest = two.filter((r) => r.width === Math.max(...two.map((t) => t.width)));
  const lazy = records.filter((r) => r.coords.depth === 2 && x(r) < 2);
  const top = fmt(Math.max(...grid));
  const onset = (v: number, what: string) => (Number.isFinite(v) ? `${what} from η·λ₀ ≈ ${fmt(v)}` : `no ${what} up to η·λ₀ = ${top}`);
  const checks: Check[] = [
    check('depth 2: no run below η·λ₀ = 2 spikes or diverges (the lazy phase)', lazy.every((r) => !spiked(r) && r.status !== 'diverged'),
      `${lazy.filter(spiked).length} spiked, ${lazy.filter((r) => r.status === 'diverged').length} diverged of ${lazy.length}`),
    check('depth 2, widest: most seeds spike and still converge somewhere in 2 < η·λ₀ ≤ 4 (the catapult phase)',
      widest.every((r) => Number.isFinite(r.catapultOnset) && r.catapultOnset > 2 && r.catapultOnset <= 4 && r.convergedInPhase > 0),
      widest.map((r) => `width ${r.width}: onset ${fmt(r.catapultOnset)}, ${r.convergedInPhase}/${r.inPhase} spiking runs converged`).join(', ')),
    check('depth 2, widest: most seeds diverge from η·λ₀ ≥ 4 on (within one grid step)', widest.every((r) => !Number.isFinite(r.divergeOnset) || r.divergeOnset >= 4 - step - 1e-12),
      widest.map((r) => `width ${r.width}: ${onset(r.divergeOnset, 'divergence')}`).join(', ')),
    check('after a catapult the sharpness ends below where it started', rows.every((r) => !(r.sharpRatio >= 1)), rows.map((r) => `N=${r.depth} w=${r.width}: ${fmt(r.sharpRatio)}`).join(', ')),
  ];
  const table = rows.map((r) => `N = ${r.depth}, width ${r.width}: ${onset(r.catapultOnset, 'catapult')}, ${onset(r.divergeOnset, 'divergence')}`).join('; ');
  const verdict = checks.every((k) => k.passed) ? `agrees at depth 2 (lazy below 2, catapult above, divergence near 4 or later); ${table}` : `differs: ${checks.filter((k) => !k.passed).map((k) => `${k.name} (${k.detail})`).join('; ')}; measured: ${table}`;
  const tiles = (value: (r: CellRecord) => number) => rows.flatMap((row) => grid.map((v) => {
    const vals = records.filter((r) => r.coords.depth === row.depth && r.coords.width === row.width && x(r) === v && spiked(r)).map(value);
    return { x: v, y: String(row.width), facet: `depth ${row.depth}`, value: vals.length > 0 ? median(vals) : Number.NaN };
  })).filter((t) => Number.isFinite(t.value));
  const status = statusTiles(records, 'lrMultiple', 'width', 'depth').map((t) => ({ ...t, x: 2 * t.x }));
  const half = step / 2;
  const common = {
    xLabel: 'η·λ₀', yLabel: 'width', logX: false, vlines: [{ x: 2, label: '2' }, { x: 4, label: '4' }],
    xDomain: [grid[0] - half, grid[grid.length - 1] + half] as [number, number], xGrid: grid, rows: [...new Set(rows.map((r) => String(r.width)))],
  };
  return {
    headline: Object.fromEntries(rows.flatMap((r) => [[`catapult_onset_N${r.depth}_w${r.width}`, r.catapultOnset], [`divergence_onset_N${r.depth}_w${r.width}`, r.divergeOnset]])),
    comparisons: rows.map((r) => ({ quantity: `boundaries in η·λ₀, depth ${r.depth}, width ${r.width}`, dln: `${fmt(r.catapultOnset)} / ${fmt(r.divergeOnset)}`, paper: r.depth === 2 ? '2 / ≈4 (large width)' : null, note: `spike ×${fmt(r.spike)}, sharpness end/start ${fmt(r.sharpRatio)}` })),
    verdict, checks,
    tables: { boundaries: { header: ['depth', 'width', 'catapult_onset', 'divergence_onset', 'median_spike_ratio', 'median_sharpness_ratio', 'catapult_runs', 'catapult_runs_converged'],
      rows: rows.map((r) => [r.depth, r.width, r.catapultOnset, r.divergeOnset, r.spike, r.sharpRatio, r.inPhase, r.convergedInPhase]) } },
    figures: [
      { name: 'phase-diagram', caption: 'Most common status over η·λ₀ and width, one panel per depth; the lines mark the paper\'s boundaries 2 and 4.',
        spec: phaseDiagram({ ...common, title: 'Catapult phase diagram', subtitle: ['status of the most seeds per tile'], tiles: status, categories: STATUS_COLORS.filter((c) => records.some((r) => r.status === c.name)) }) },
      { name: 'spike-height', caption: 'Median largest loss over the initial loss, over the runs whose loss rose first (the catapult), log colour.',
        spec: phaseDiagram({ ...common, title: 'Catapult spike height', subtitle: ['median L_max / L(0) of the runs that spiked'], tiles: tiles((r) => r.lossMax / r.lossInit), legendTitle: 'L_max / L(0)', logColor: true }) },
      { name: 'sharpness-ratio', caption: 'Median final over initial sharpness of the runs that spiked: below 1 the curvature fell, as the catapult mechanism says.',
        spec: phaseDiagram({ ...common, title: 'Sharpness after the catapult', subtitle: ['median λ_max(end) / λ_max(0) of the runs that spiked'], tiles: tiles((r) => (r.sharpnessEnd ?? Number.NaN) / (r.sharpnessStart ?? Number.NaN)), legendTitle: 'λ_end / λ₀' }) },
    ],
  };
}
