import { ArgumentError } from '../../errors.ts';
import type { Experiment, ExperimentContext, ExperimentResult } from '../types.ts';
import { checkStop, report } from '../common/interrupt.ts';
import { setBackend } from '../../linalg/index.ts';
import { resolveBackend } from '../../linalg/backends/index.ts';
import { planChunks, sweepWork } from './cells.ts';
import { type CellRecord, evaluateCells } from './evaluateCells.ts';
import { type SweepSpec, parseSpec } from './spec.ts';
import { analyseDivergencePhase } from './divergencePhase.ts';
import { analyseCatapultPhase } from './catapultPhase.ts';

/** The sizes of a built-in sweep (full and --quick). */
interface BuiltinSize { seeds: number; steps: number; grid: number; widths?: number[]; depths: number[] }

const DIVERGENCE: Record<'full' | 'quick', BuiltinSize> = {
  full: { seeds: 1000, steps: 5000, grid: 18, depths: [2, 3, 4, 5] },
  quick: { seeds: 8, steps: 1000, grid: 9, depths: [2, 3, 4, 5] },
};
const CATAPULT: Record<'full' | 'quick', BuiltinSize> = {
  full: { seeds: 10, steps: 1000, grid: 12, widths: [16, 64, 128], depths: [2, 3, 4] },
  quick: { seeds: 2, steps: 300, grid: 12, widths: [16, 64], depths: [2, 3] },
};

/** The names `dln sweep NAME` and the report know. */
export const builtinSweepNames = ['divergence-phase', 'catapult-phase'] as const;

/** The spec of a built-in sweep (THEORY §15.6). */
export function builtinSweepSpec(name: string, quick: boolean): SweepSpec {
  if (name === 'divergence-phase') {
    const z = DIVERGENCE[quick ? 'quick' : 'full'];
    return parseSpec({
      name, chunkSize: 128, record: { sharpness: 'start' },
      base: { data: 'report-sec5', width: 5, init: 'gaussian', initStd: 0.2, lrOf: 'bound', steps: z.steps },
      axes: { depth: z.depths, seed: `0..${z.seeds - 1}`, lrMultiple: { from: 0.5, to: 5e7, count: z.grid, scale: 'log' } },
    });
  }
  if (name === 'catapult-phase') {
    const z = CATAPULT[quick ? 'quick' : 'full'];
    return parseSpec({
      name, chunkSize: 64, record: { sharpness: 'both' },
      base: { data: 'nrt', init: 'gaussian', initStd: 0.3, lrOf: 'sharpness', steps: z.steps },
      axes: { depth: z.depths, width: z.widths, seed: `0..${z.seeds - 1}`, lrMultiple: { from: 0.25, to: 3, count: z.grid, scale: 'linear' } },
    });
  }
  throw new ArgumentError(`unknown built-in sweep '${name}' (built-in: ${builtinSweepNames.join(', ')})`);
}

/** The analysis of a built-in sweep's records (figures, checks, verdict), as the report shows it. */
export function analyseBuiltin(spec: SweepSpec, records: readonly CellRecord[]): ExperimentResult {
  if (spec.name === 'divergence-phase') return analyseDivergencePhase(spec, records);
  if (spec.name === 'catapult-phase') return analyseCatapultPhase(spec, records);
  throw new RangeError(`analyseBuiltin: '${spec.name}' is not a built-in sweep`);
}

/** Work (sweepWork's units) of one piece of a chunk in runSweepHere: a few seconds of computing. */
const PIECE_WORK = 2e9;
/** The fewest cells of a piece: a batch of fewer lanes is slower per cell (2 lanes: 1.3× slower than 8 on 10-128-128-128-8). */
const PIECE_LANES = 8;

/** Evaluates every cell of a spec on this thread, chunk by chunk (large networks in pieces), reporting progress by work and polling the stop flag. */
export function runSweepHere(spec: SweepSpec, ctx: ExperimentContext, dln: string): CellRecord[] {
  const chunks = planChunks(spec), out: CellRecord[] = [];
  // Progress by work, not by cells: chunks come in the order of their shapes (catapult-phase: the
  // largest first), and a large network's cell costs a hundred times a small one's. A chunk of large
  // networks runs in pieces of at least PIECE_LANES cells (fewer lanes
  // would slow the batch), so that progress and Ctrl-C come within seconds rather than minutes;
  // the records do not depend on the pieces.
  const work = sweepWork(spec);
  let total = 0, done = 0;
  for (const w of work) total += w;
  // As dln sweep does: the TypeScript kernels, so that each record's `dln train … --backend ts` reruns it to the bit.
  const prev = setBackend(resolveBackend('ts'));
  try {
    for (const c of chunks) {
      const size = Math.max(PIECE_LANES, Math.floor(PIECE_WORK / work[c[0]]));
      for (let a = 0; a < c.length; a += size) {
        checkStop(ctx, spec.name);
        const piece = c.slice(a, a + size);
        out.push(...evaluateCells(spec, piece, { dln }));
        for (const i of piece) done += work[i];
        report(ctx, Math.min(1, done / total), `${out.length} cells`);
      }
    }
  } finally { setBackend(prev); }
  return out.sort((a, b) => a.index - b.index);
}

const makeExperiment = (name: (typeof builtinSweepNames)[number], title: string, source: string, question: string): Experiment<{ quick: boolean }> => ({
  name, title, source, question, defaults: { quick: false }, quick: { quick: true }, long: true,
  run: (config, ctx) => { const spec = builtinSweepSpec(name, config.quick); return analyseBuiltin(spec, runSweepHere(spec, ctx, 'experiment')); },
});

/** The built-in sweep `divergence-phase` as an experiment: where GD converges, oscillates, stalls or diverges over η and depth (THEORY §15.6). */
export const divergencePhase = makeExperiment('divergence-phase', 'Phase diagram of GD over step size and depth',
  '[REP] Figure 6 at ten times its size; [NRT] Theorem 2.4 (THEORY §15.6)',
  'Over 1,000 random report-sec5 instances per depth 2–5 and a log grid of η from half the Theorem 2.4 bound to far above blow-up, where does GD converge, oscillate, stall or diverge, and how conservative is the bound per depth?');

/** The built-in sweep `catapult-phase` as an experiment: the lazy, catapult and divergent phases over width × η·λ₀ (THEORY §15.6). */
export const catapultPhase = makeExperiment('catapult-phase', 'Lazy, catapult and divergent phases in η·λ₀',
  'Lewkowycz et al. (2020), two-layer linear networks (THEORY §15.6)',
  'Over width × η·λ₀ (λ₀ the sharpness at initialisation) and depth 2–4, where do the lazy/catapult and catapult/divergence boundaries fall against 2 and 4, how high is the spike, and how far does the sharpness fall?');
