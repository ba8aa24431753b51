import type { CellRecord, SweepSpec } from '../experiments/sweep/index.ts';
import { encodeExactJson } from '../node/exactJson.ts';

const num = (v: number | null | undefined): string => (v === null || v === undefined ? '' : String(v));
const quote = (s: string): string => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** The cells as CSV: one row per cell, a column per axis, numbers in their shortest exact form; empty where a value is not recorded (eta_flat outside sweeps over the step). */
export function cellsToCsv(spec: SweepSpec, records: readonly CellRecord[]): string {
  const axes = spec.axes.map((a) => a.name);
  const header = ['index', ...axes, 'status', 'stop', 'steps', 'loss', 'grad_norm', 'loss_init', 'loss_max', 'loss_min', 'nearest_critical',
    'nearest_rank', 'critical_kind', 'critical_gap', 'gradient_at_rounding', 'plateau_steps', 'sharpness_start', 'sharpness_end', 'eta_max', 'eta_flat', 'lr', 'dims', 'dln', 'error', 'command'];
  const rows = records.map((r) => [
    String(r.index), ...axes.map((a) => { const v = r.coords[a]; return Array.isArray(v) ? v.join(';') : String(v); }), r.status, r.stop,
    String(r.steps), num(r.loss), num(r.gradNorm), num(r.lossInit), num(r.lossMax), num(r.lossMin), num(r.nearestCritical?.loss),
    num(r.nearestCritical?.rank), r.critical?.kind ?? '', num(r.critical?.gap), r.critical === null || r.critical === undefined ? '' : String(r.critical.gradientAtRounding),
    r.plateauSteps.join(';'), num(r.sharpnessStart), num(r.sharpnessEnd), num(r.etaMax), num(r.etaFlat), num(r.lr),
    r.dims.join(';'), r.dln, r.error ?? '', r.command ?? '',
  ].map(quote).join(','));
  return `${[header.join(','), ...rows].join('\n')}\n`;
}

/** The cells as JSON (non-finite numbers tagged {"$num": "NaN"}, so that no bit is lost); etaFlat is null where not recorded. */
export function cellsToJson(spec: SweepSpec, records: readonly CellRecord[]): string {
  return `${encodeExactJson({ spec, cells: records.map((r) => ({ ...r, etaFlat: r.etaFlat ?? null })) })}\n`;
}
