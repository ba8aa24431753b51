// One-click scenes of the source documents.
import { type PlaygroundConfig, DEFAULT_CONFIG } from './config.ts';

/** A named scene and its configuration. */
export interface Preset { id: string; name: string; cfg: PlaygroundConfig }

const base = DEFAULT_CONFIG;
const sec5: PlaygroundConfig = { ...base, dims: [5, 5, 5, 5], data: { kind: 'builtin', name: 'report-sec5' }, init: { kind: 'gaussian', std: 0.2 } };

/** The presets, in the order the page lists them (the first is the page's default). */
export const PRESETS: readonly Preset[] = [
  { id: 'plateaus', name: 'Plateaus at the critical values', cfg: base },
  {
    id: 'strict', name: 'Strict saddle: escapes',
    cfg: { ...base, dims: [10, 10, 10, 4], data: { kind: 'builtin', name: 'amg-escape' }, init: { kind: 'critical', subset: [1, 2], strict: true, perturb: 1e-4 }, eta: 1e-3, steps: 20000 },
  },
  {
    id: 'nonstrict', name: 'Non-strict saddle: stays',
    cfg: { ...base, dims: [10, 10, 10, 4], data: { kind: 'builtin', name: 'amg-escape' }, init: { kind: 'critical', subset: [1, 2], strict: false, perturb: 1e-4 }, eta: 1e-3, steps: 20000 },
  },
  // report-sec5, 5-5-5-5, Gaussian std 0.2, seed 1: 5000 GD steps diverge for η above 0.012030 (bisection).
  { id: 'below', name: 'Step just below divergence', cfg: { ...sec5, eta: 0.0117, steps: 5000 } },
  { id: 'above', name: 'Step just above divergence', cfg: { ...sec5, eta: 0.0124, steps: 5000 } },
  {
    id: 'pgd2', name: 'PGD at the origin, depth 2',
    cfg: { ...base, dims: [2, 2, 2], data: { kind: 'builtin', name: 'ln-pgd' }, init: { kind: 'zero' }, optimizer: 'pgd', epsilon: 1e-3, steps: 20000, recordEvery: 1 },
  },
  {
    id: 'pgd3', name: 'PGD at the origin, depth 3',
    cfg: { ...base, dims: [2, 2, 2, 2], data: { kind: 'builtin', name: 'ln-pgd' }, init: { kind: 'zero' }, optimizer: 'pgd', epsilon: 1e-3, steps: 20000, recordEvery: 1 },
  },
  // vega-datasets' cars (standardised, as dln train --data cars): from a small start GD rests on the critical values of real data too.
  { id: 'cars', name: 'Cars: real data', cfg: { ...base, dims: [5, 4, 4, 4], data: { kind: 'real', name: 'cars' }, eta: 5e-4, steps: 20000 } },
  // The same instance at 0.91 × the threshold: λ_max(∇²L) climbs to just under 2/η and hovers there while the loss falls unevenly.
  { id: 'eos', name: 'Edge of stability', cfg: { ...sec5, eta: 0.011, steps: 20000 } },
];
