import { lineChart, scatterChart, SERIES_COLORS } from '../../plot/chartSpecs.ts';
import { saxeFlowValue } from '../../theory/index.ts';
import { saxeSingularValues } from '../../data/index.ts';
import type { Figure, FigureRun } from '../types.ts';
import type { SaxeSetting } from '../saxe-modes.ts';

/**
 * The figures of saxe-modes: aligned trajectories with the flow's closed form, the O(η) gap, learning
 * times, one random-init run; those of the setting `shown` draws carry their run (the playground's
 * saxe data, which has the default singular values) when its starts were drawn right after the data.
 */
export function saxeFigures(
  settings: readonly SaxeSetting[], sweep: readonly { n: number; eta: number; flow: number }[], s: readonly number[],
  shown: { n: number; scale: number; seed: number; samples: number },
): Figure[] {
  const pick = settings.find((x) => x.n === shown.n && x.scale === shown.scale) ?? settings[0];
  const linkable = pick.n === shown.n && pick.scale === shown.scale && s.length === saxeSingularValues.length && s.every((v, i) => v === saxeSingularValues[i]);
  const dims = Array.from({ length: pick.n + 1 }, () => s.length);
  const figureRun = (curve: string, init: FigureRun['init'], steps: number): FigureRun | undefined => (linkable
    ? { curve, dims, data: { name: 'saxe', m: shown.samples }, init, eta: pick.eta, seed: shown.seed, steps, recordEvery: pick.every }
    : undefined);
  const t = pick.aligned.steps.map((k) => k * pick.eta);
  const tf = Array.from({ length: 301 }, (_, k) => (k / 300) * t[t.length - 1]);
  const color = (i: number) => SERIES_COLORS[i % SERIES_COLORS.length];
  const traj = lineChart({
    title: `Aligned, balanced start: each mode on its own (N = ${pick.n}, a₀ = ${pick.scale})`,
    subtitle: ["solid: dln's GD (product singular values σ_i); dashed: the gradient flow's closed form σ(t) of THEORY §14.3", `η = ${pick.eta.toPrecision(3)}; t = kη`],
    xLabel: 't = kη', yLabel: 'σ_i / s_i', legendTitle: 'mode',
    series: s.flatMap((si, i) => [
      { name: `s = ${si}: GD`, x: t, y: pick.aligned.sigma.map((v) => v[i] / si), color: color(i) },
      { name: `s = ${si}: flow`, x: tf, y: tf.map((tt) => saxeFlowValue(pick.scale ** pick.n, si, pick.n, tt) / si), dashed: true, color: color(i) },
    ]),
  });
  const depths = [...new Set(sweep.map((p) => p.n))];
  const err = scatterChart({
    title: 'Gradient descent against the flow: learning times differ by O(η)',
    subtitle: ['max over modes of |k_half·η − t_half| / t_half, aligned start (k_half: first GD step with σ_i ≥ s_i/2); dashed: fitted power law'],
    xLabel: 'step size η', yLabel: 'largest relative time gap', logX: true, logY: true, legendTitle: 'depth',
    series: depths.map((n) => ({ name: `N = ${n}`, x: sweep.filter((p) => p.n === n).map((p) => p.eta), y: sweep.filter((p) => p.n === n).map((p) => p.flow) })),
    fit: { of: `N = ${depths[depths.length - 1]}` },
  });
  const pred = settings.flatMap((x) => x.predicted);
  const lo = Math.min(...pred) / 2, hi = Math.max(...pred) * 3;
  const times = lineChart({
    title: 'When each mode is learnt: measured against the prediction',
    subtitle: ['learning step = first step with σ_i ≥ s_i/2; prediction t_half/η from the aligned flow (THEORY §14.3)', 'every depth, scale and mode; random starts use Gaussian weights of std a₀/√d'],
    xLabel: 'predicted learning step t_half/η', yLabel: 'measured learning step', logX: true, logY: true, legendTitle: 'start',
    series: [
      { name: 'aligned, balanced', x: pred, y: settings.flatMap((x) => x.alignedSteps), mark: 'point' },
      { name: 'random Gaussian', x: settings.flatMap((x) => x.random.flatMap(() => x.predicted)), y: settings.flatMap((x) => x.random.flatMap((r) => r.steps)), mark: 'point' },
      { name: 'measured = predicted', x: [lo, hi], y: [lo, hi], dashed: true },
    ],
  });
  const figures: Figure[] = [
    withRun({ name: 'aligned-modes', caption: "Product singular values of dln's GD from the aligned balanced start, against the flow's closed form: sigmoidal transitions, stronger modes first.", spec: traj },
      figureRun('aligned', { kind: 'aligned', scale: pick.scale }, pick.steps)),
    { name: 'flow-gap', caption: "The relative gap between GD's learning times and the closed-form flow's shrinks linearly with the step size.", spec: err },
    { name: 'learning-times', caption: 'Learning step of every mode: aligned starts sit on the prediction, random small starts scatter around it.', spec: times },
  ];
  const r = pick.random[0];
  if (r !== undefined) {
    figures.push(withRun({
      name: 'random-start',
      caption: `A random small start (N = ${pick.n}): the modes still rise one after the other, near the aligned predictions (dashed).`,
      spec: lineChart({
        title: `Random Gaussian start (N = ${pick.n}, std ${(pick.scale / Math.sqrt(s.length)).toPrecision(3)})`,
        subtitle: ['solid: σ_i / s_i of dln\'s GD; vertical lines: the aligned prediction t_half/η of each mode'],
        xLabel: 'GD step', yLabel: 'σ_i / s_i', legendTitle: 'mode',
        series: s.map((si, i) => ({ name: `s = ${si}`, x: r.run.steps, y: r.run.sigma.map((v) => v[i] / si), color: color(i) })),
        vlines: s.map((si, i) => ({ x: pick.predicted[i], label: `s=${si}`, color: color(i) })),
      }),
    }, figureRun('random', { kind: 'gaussian', std: pick.scale / Math.sqrt(s.length) }, r.run.steps[r.run.steps.length - 1])));
  }
  return figures;
}

function withRun(f: Figure, run: FigureRun | undefined): Figure {
  return run === undefined ? f : { ...f, run };
}
