// One-click scenes of the source documents.
import { type PlaygroundConfig, DEFAULT_CONFIG } from './config.ts';

/** A named scene and its configuration. */
export interface Preset { id: string; name: string; cfg: PlaygroundConfig }

const base = DEFAULT_CONFIG;

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
  {
    id: 'below', name: 'Step just below divergence',
    cfg: { ...base, dims: [5, 5, 5, 5], data: { kind: 'builtin', name: 'report-sec5' }, init: { kind: 'gaussian', std: 0.2 }, etaMode: 'sharpness', eta: 0.95, steps: 5000 },
  },
  {
    id: 'above', name: 'Step just above divergence',
    cfg: { ...base, dims: [5, 5, 5, 5], data: { kind: 'builtin', name: 'report-sec5' }, init: { kind: 'gaussian', std: 0.2 }, etaMode: 'sharpness', eta: 1.3, steps: 5000 },
  },
  {
    id: 'pgd2', name: 'PGD at the origin, depth 2',
    cfg: { ...base, dims: [2, 2, 2], data: { kind: 'builtin', name: 'ln-pgd' }, init: { kind: 'zero' }, optimizer: 'pgd', epsilon: 1e-3, steps: 20000, recordEvery: 1 },
  },
  {
    id: 'pgd3', name: 'PGD at the origin, depth 3',
    cfg: { ...base, dims: [2, 2, 2, 2], data: { kind: 'builtin', name: 'ln-pgd' }, init: { kind: 'zero' }, optimizer: 'pgd', epsilon: 1e-3, steps: 20000, recordEvery: 1 },
  },
  {
    id: 'eos', name: 'Edge of stability',
    cfg: { ...base, dims: [10, 12, 12, 8], data: { kind: 'builtin', name: 'nrt' }, init: { kind: 'gaussian', std: 0.3 }, etaMode: 'sharpness', eta: 0.6, steps: 20000 },
  },
];
