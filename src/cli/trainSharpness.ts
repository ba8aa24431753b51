import type { TopLevelSpec } from 'vega-lite';
import { InputError } from '../errors.ts';
import { type Schedule, type SharpnessRecording, type TrajectoryRecord, stepSize } from '../optim/index.ts';
import { lineChart, panelGrid, type Series } from '../plot/index.ts';

/** The sharpness recording that `--record-sharpness [k]` and `--lambda-min` ask for (THEORY §12), or undefined. */
export function sharpnessFromFlags(recordSharpness: number | true | undefined, lambdaMin: boolean, recordEvery: number): SharpnessRecording | undefined {
  if (recordSharpness === undefined) {
    if (lambdaMin) throw new InputError('--lambda-min needs --record-sharpness (λ_min is recorded beside the sharpness)');
    return undefined;
  }
  const every = recordSharpness === true ? recordEvery : recordSharpness;
  if (every % recordEvery !== 0) {
    throw new InputError(`--record-sharpness ${every} must be a multiple of --record-every ${recordEvery} (the sharpness is measured on recorded steps)`);
  }
  return { every, lambdaMin };
}

/** 2/η_k at step k of a GD schedule: the linear-stability threshold of THEORY §12.1. */
export function twoOverEta(schedule: Schedule, step: number): number {
  return 2 / stepSize(schedule, step);
}

/** summary.json's sharpness fields: the last record's sharpness (and λ_min), and for GD 2/η at the last step. */
export function sharpnessSummary(trajectory: readonly TrajectoryRecord[], s: SharpnessRecording | undefined, schedule: Schedule | undefined, steps: number): Record<string, number> {
  if (s === undefined) return {};
  const last = trajectory[trajectory.length - 1];
  return {
    sharpness: last?.sharpness ?? Number.NaN,
    ...(s.lambdaMin === true ? { lambdaMin: last?.lambdaMin ?? Number.NaN } : {}),
    ...(schedule !== undefined ? { twoOverEta: twoOverEta(schedule, steps) } : {}),
  };
}

/** The text summary's sharpness line ('' without sharpness fields). */
export function sharpnessLine(summary: Record<string, unknown>, e: (v: unknown) => string): string[] {
  if (summary.sharpness === undefined) return [];
  const min = summary.lambdaMin !== undefined ? `, λ_min ${e(summary.lambdaMin)}` : '';
  const eta = summary.twoOverEta !== undefined ? `   (2/η = ${e(summary.twoOverEta)})` : '';
  return [`  sharpness      ${e(summary.sharpness)}${eta}${min}`];
}

/** trajectory.svg/png of a run with sharpness: the loss, and the sharpness against the 2/η line (GD). */
export function trajectoryFigure(trajectory: readonly TrajectoryRecord[], schedule: Schedule | undefined, title: string): TopLevelSpec | null {
  const measured = trajectory.filter((r) => r.sharpness !== undefined);
  if (measured.length === 0) return null;
  const xLabel = trajectory.some((r) => r.t !== undefined) ? 'accepted Runge–Kutta step' : 'step';
  const loss = lineChart({
    title: 'loss', xLabel, yLabel: 'loss L(W)', logY: true, height: 220,
    series: [{ name: 'loss', x: trajectory.map((r) => r.step), y: trajectory.map((r) => r.loss) }],
  });
  const series: Series[] = [{ name: 'sharpness λ_max(∇²L)', x: measured.map((r) => r.step), y: measured.map((r) => r.sharpness as number), mark: measured.length < 60 ? 'linepoint' : 'line' }];
  let hlines: { y: number; label: string }[] = [];
  if (schedule?.kind === 'constant') hlines = [{ y: 2 / schedule.lr, label: `2/η = ${(2 / schedule.lr).toPrecision(3)}` }];
  else if (schedule !== undefined) series.push({ name: '2/η_k', x: measured.map((r) => r.step), y: measured.map((r) => twoOverEta(schedule, r.step)), dashed: true });
  const sharp = lineChart({ title: 'sharpness', xLabel, yLabel: 'λ_max(∇²L)', height: 220, series, hlines });
  return panelGrid({
    title, subtitle: schedule !== undefined ? 'GD is linearly stable at a minimum only if its sharpness is ≤ 2/η (THEORY §12.1)' : 'gradient flow',
    panels: [loss, sharp], columns: 1,
  });
}
