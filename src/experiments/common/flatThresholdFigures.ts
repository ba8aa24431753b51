import { histogram, lineChart } from '../../plot/chartSpecs.ts';
import type { Figure, FigureRun } from '../types.ts';
import type { Thresholds } from './thresholdBisection.ts';
import type { GapOutcome } from './gapBehaviour.ts';

/** What flat-minima-threshold measured for one width pattern. */
export interface PatternResult {
  name: string;
  dims: number[];
  /** 2/λ_flat (closed form) per instance. */
  etaFlat: number[];
  proven: boolean;
  etaMax: number[];
  thresholds: Thresholds[];
  /** λ_max(∇²L) where GD ended at its largest converging step. */
  reached: number[];
  gaps: { instance: number; eta: number; where: number; outcome: GapOutcome }[];
  searched: { closed: number; search: number }[];
}

/** Log-spaced bin edges 2^{k/16} that cover the values and have 1 (the prediction) as an edge. */
function edgesAtOne(values: number[]): number[] {
  const v = values.filter((x) => Number.isFinite(x) && x > 0);
  const lo = Math.floor(16 * Math.log2(Math.min(...v, 0.9))), hi = Math.ceil(16 * Math.log2(Math.max(...v, 1.1)));
  return Array.from({ length: hi - lo + 1 }, (_, k) => 2 ** ((lo + k) / 16));
}

function medianOf(v: number[]): number {
  const s = v.filter(Number.isFinite).sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : s[Math.floor((s.length - 1) / 2)];
}

/** The instance the between-thresholds figure draws: the first with all three steps in its gap, and those runs. */
export function betweenExample(results: readonly PatternResult[]): { r: PatternResult; instance: number; runs: PatternResult['gaps'] } | undefined {
  const example = results.flatMap((r) => r.gaps.map((g) => ({ r, g }))).filter(({ r, g }) => r.gaps.filter((h) => h.instance === g.instance).length === 3)[0];
  return example === undefined ? undefined : { r: example.r, instance: example.g.instance, runs: example.r.gaps.filter((h) => h.instance === example.g.instance) };
}

/** The iterations the between-thresholds figure draws: the last 60 of each run. */
export const BETWEEN_TAIL = 60;

/** The figures of flat-minima-threshold: ratio histograms, thresholds against 2/λ_flat, one instance's runs between the thresholds. (its first run linked when it is the first draw after `seed`). */
export function flatThresholdFigures(results: readonly PatternResult[], config: { instances: number; iterations: number; initStd: number }, seed: number): Figure[] {
  const conv = results.map((r) => ({ name: r.name, values: r.thresholds.map((s, i) => (s.slow ? Number.NaN : s.convLo / r.etaFlat[i])) }));
  const blow = results.map((r) => ({ name: r.name, values: r.thresholds.map((s, i) => s.blowHi / r.etaFlat[i]) }));
  const slow = results.reduce((n, r) => n + r.thresholds.filter((t) => t.slow).length, 0);
  const ratios = histogram({
    title: 'Thresholds of gradient descent in units of 2/λ_flat',
    subtitle: [`${config.instances} instances per pattern ([REP] §5 data, Gaussian weights), ${config.iterations} GD iterations per step, bisection on log η`,
      `all patterns pooled (${results.map((r) => r.name).join(', ')}); dashed: the prediction 2/λ_flat`,
      `${slow} instances converge at no tested step within the budget (plateaus): no convergence threshold for them`],
    xLabel: 'η / (2/λ_flat)  (log scale)', yLabel: 'instances', logBins: true, layout: 'overlay', legendTitle: 'threshold',
    edges: edgesAtOne([...conv, ...blow].flatMap((g) => g.values)),
    groups: [{ name: 'converges up to', values: conv.flatMap((g) => g.values) }, { name: 'blows up at', values: blow.flatMap((g) => g.values) }],
    vlines: [{ x: 1, label: '2/λ_flat', color: '#444444' }],
  });
  const x = results.flatMap((r) => r.etaFlat);
  const lo = Math.min(...x) / 1.5, hi = Math.max(...x) * 1.5;
  const scatter = lineChart({
    title: 'Measured step-size thresholds against the prediction 2/λ_flat',
    subtitle: ['each point is one instance (all patterns); on the dashed line the threshold equals 2/λ_flat',
      `Theorem 2.4's guaranteed η_max lies a median factor ${Math.round(medianOf(results.flatMap((r) => r.etaFlat.map((e, i) => e / r.etaMax[i]))))} below 2/λ_flat`],
    xLabel: '2/λ_flat (closed form, THEORY §13.2)', yLabel: 'step size η', logX: true, logY: true, legendTitle: 'measured',
    series: [
      { name: 'largest converging η', x: results.flatMap((r) => r.thresholds.map((s, i) => (s.slow ? Number.NaN : r.etaFlat[i]))), y: results.flatMap((r) => r.thresholds.map((s) => (s.slow ? Number.NaN : s.convLo))), mark: 'point' },
      { name: 'first blow-up η', x, y: results.flatMap((r) => r.thresholds.map((s) => s.blowHi)), mark: 'point' },
      { name: 'η_max of Theorem 2.4', x, y: results.flatMap((r) => r.etaMax), mark: 'point' },
      { name: 'η = 2/λ_flat', x: [lo, hi], y: [lo, hi], dashed: true },
    ],
  });
  const figures: Figure[] = [
    { name: 'threshold-ratios', caption: 'The largest converging step and the first blow-up step of every instance, divided by its 2/λ_flat (per-pattern medians in the comparison table).', spec: ratios },
    { name: 'thresholds-vs-prediction', caption: 'Per instance, the thresholds against 2/λ_flat (log–log), with the step guaranteed by Theorem 2.4 for contrast.', spec: scatter },
  ];
  const example = betweenExample(results);
  if (example !== undefined) {
    const { r, runs } = example;
    const s = r.thresholds[example.instance];
    // Only the first pattern's first instance is the first draw after the seed (report-sec5's data, then W(0)), as the playground draws it.
    const run: FigureRun | undefined = r === results[0] && example.instance === 0 ? {
      curve: `η = ${runs[0].eta.toPrecision(4)}`, dims: r.dims, data: { name: 'report-sec5' }, init: { kind: 'gaussian', std: config.initStd },
      eta: runs[0].eta, seed, steps: config.iterations, recordEvery: 1,
    } : undefined;
    figures.push({
      ...(run !== undefined ? { run } : {}),
      name: 'between-thresholds',
      caption: `One ${r.name} instance run at three steps between the convergence threshold (${s.convLo.toPrecision(4)}) and the blow-up threshold (${s.blowHi.toPrecision(4)}): the excess loss L − L* over the last 60 of ${config.iterations} iterations.`,
      spec: lineChart({
        title: `GD between non-convergence and blow-up (${r.name}, instance ${example.instance + 1})`,
        subtitle: [`2/λ_flat = ${r.etaFlat[example.instance].toPrecision(4)}; the last 60 iterations: the runs neither converge nor diverge`],
        xLabel: 'iteration', yLabel: 'L − L* (log scale)', logY: true, legendTitle: 'step',
        series: runs.map((h) => {
          const tail = h.outcome.trace.slice(-BETWEEN_TAIL), first = h.outcome.trace.length - tail.length;
          return { name: `η = ${h.eta.toPrecision(4)}: ${h.outcome.kind}`, x: tail.map((_, k) => first + k), y: tail, mark: 'linepoint' as const };
        }),
      }),
    });
  }
  return figures;
}
