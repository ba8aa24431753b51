import type { TopLevelSpec } from 'vega-lite';
import { histogram } from './histogram.ts';
import { lineChart } from './lineChart.ts';
import { scatterChart } from './scatterChart.ts';

/** Deterministic uniform numbers in [0, 1) (mulberry32), so the samples never change. */
function uniform(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(u: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

/** Critical values c_r = ½(tr Σ_YY − Σ_{i≤r} λ_i) for λ = (25, 16, 9, 4, 1), tr Σ_YY = 55.05 (THEORY.md §8.1). */
export const SAMPLE_CRITICAL_VALUES: readonly number[] = [0, 1, 2, 3, 4].map((r) => 0.5 * (55.05 - [25, 16, 9, 4, 1].slice(0, r).reduce((a, b) => a + b, 0)));

/** A synthetic loss curve that leaves critical plateau r at step escapes[r], with small noise. */
export function samplePlateauLoss(steps = 20000, escapes: readonly number[] = [60, 900, 3000, 7500], seed = 1): Float64Array {
  const c = SAMPLE_CRITICAL_VALUES;
  const u = uniform(seed);
  const loss = new Float64Array(steps);
  for (let k = 0; k < steps; k++) {
    let l = c[0];
    for (let r = 0; r < escapes.length; r++) l -= (c[r] - c[r + 1]) / (1 + Math.exp(-(k - escapes[r]) / (40 + 0.05 * escapes[r])));
    loss[k] = l * (1 + 0.002 * normal(u));
  }
  return loss;
}

/** The sample figures of THEORY.md §8 shapes, built from synthetic data: name → spec. */
export function sampleFigures(): { name: string; spec: TopLevelSpec }[] {
  const loss = samplePlateauLoss();
  const plateaus = lineChart({
    title: 'Loss plateaus at the critical values c_r',
    subtitle: 'N = 3, widths [5, 4, 4, 5], gradient descent (synthetic sample curve)',
    xLabel: 'iteration k', yLabel: 'loss L(W(k))', logY: true,
    series: [{ name: 'gradient descent', y: loss }],
    hlines: SAMPLE_CRITICAL_VALUES.map((c, r) => ({ y: c, label: `r = ${r}` })),
  });
  const c = SAMPLE_CRITICAL_VALUES;
  const escape = lineChart({
    title: 'Escape from the rank-3 critical point',
    subtitle: 'start: critical point + small perturbation (synthetic sample curves)',
    xLabel: 'iteration k', yLabel: 'loss L(W(k))', logY: true, legendTitle: 'start',
    series: [
      { name: 'non-strict (Z₂ = 0)', y: samplePlateauLoss(4000, [0, 0, 0, 2000], 3) },
      { name: 'strict (Z₂ = 1)', y: samplePlateauLoss(4000, [0, 0, 0, 500], 4) },
      { name: 'random init', y: samplePlateauLoss(4000, [30, 150, 300, 800], 5), dashed: true },
    ],
    hlines: [{ y: c[2], label: 'c₂' }, { y: c[3], label: 'c₃' }, { y: (c[3] + c[4]) / 2, label: 'escape threshold' }, { y: c[4], label: 'c₄' }],
  });
  const u = uniform(2);
  const logNormal = (median: number, sigma: number, n: number) => Array.from({ length: n }, () => median * Math.exp(sigma * normal(u)));
  const a = logNormal(1e-5, 0.9, 500).map((v) => Math.min(1e-4, Math.max(1e-7, v)));
  const b = logNormal(2e-6, 1.0, 500).map((v) => Math.min(1e-4, Math.max(1e-7, v)));
  const median = (v: number[]) => [...v].sort((p, q) => p - q)[v.length >> 1];
  const hist = histogram({
    title: 'Distribution of the step-size bound η_max',
    subtitle: '1000 random instances (synthetic sample values)',
    xLabel: 'η_max', yLabel: 'instances', logBins: true,
    groups: [{ name: 'N = 3, widths 5-5-5-5', values: a }, { name: 'N = 3, widths 5-2-2-5', values: b }],
    vlines: [
      { x: 1e-4, label: 'report ≈ 1e-4' },
      { x: median(a), label: 'median', group: 'N = 3, widths 5-5-5-5' },
      { x: median(b), label: 'median', group: 'N = 3, widths 5-2-2-5' },
    ],
  });
  const facets = histogram({
    title: 'Distribution of the step-size bound η_max, by architecture',
    xLabel: 'η_max', yLabel: 'instances', logBins: true, layout: 'facet',
    groups: [{ name: 'N = 3, widths 5-5-5-5', values: a }, { name: 'N = 3, widths 5-2-2-5', values: b }],
    vlines: [{ x: median(a), label: `median ${median(a).toExponential(1)}`, group: 'N = 3, widths 5-5-5-5' }, { x: median(b), label: `median ${median(b).toExponential(1)}`, group: 'N = 3, widths 5-2-2-5' }],
  });
  const etaMax = 2.374e-4;
  const etas = Array.from({ length: 10 }, (_, k) => 0.9 * etaMax * 2 ** k);
  const finalLoss = etas.map((eta) => (eta < 0.027 ? 0.012 + 2e-3 * Math.exp(-eta * 400) : Infinity));
  const sweep = lineChart({
    title: 'Final loss after 5000 iterations vs step size',
    subtitle: 'doubling search from 0.9 η_max (synthetic sample)',
    xLabel: 'step size η', yLabel: 'final loss', logX: true, logY: true,
    series: [{ name: 'final loss', x: etas, y: finalLoss, mark: 'linepoint' }],
    vlines: [{ x: etaMax, label: 'bound η_max = 2.374e-4' }, { x: 0.0273, label: 'first failing η = 0.0273' }],
  });
  const etaGrid = Array.from({ length: 40 }, (_, i) => 1e-4 * 1000 ** (i / 39));
  const drift = scatterChart({
    title: 'Balancedness drift after 1000 steps vs step size',
    xLabel: 'step size η', yLabel: '‖D(1000) − D(0)‖_F', logX: true, logY: true,
    series: [{ name: 'N = 3', x: etaGrid, y: etaGrid.map((e) => 3.2 * e * Math.exp(0.15 * normal(u))) }],
    fit: { slope: 1 },
  });
  return [{ name: 'plateaus', spec: plateaus }, { name: 'drift', spec: drift }, { name: 'escape', spec: escape }, { name: 'eta-max-histogram', spec: hist }, { name: 'eta-max-facets', spec: facets }, { name: 'step-size-sweep', spec: sweep }];
}
