import type { AxisValue } from './axes.ts';
import { ArgumentError, DataError, PremiseError, ShapeError } from '../../errors.ts';
import type { Mat } from '../../linalg/index.ts';
import type { GeneratorParams } from '../../data/index.ts';
import { type ExplanationJson, classifyLoss, explanationJson, finalStatus, gradientAtRoundingLevel } from '../../landscape/index.ts';
import { type CellPlan, cellAt, cellInit, generatorParams, instanceKey, isRealData, mnistSettings } from './cells.ts';
import { SweepData } from './cellData.ts';
import { type CellStatus, classifyRun, plateauSteps } from './classifyRun.ts';
import { type Instance, cellSharpness, prepareInstance } from './prepareInstance.ts';
import { segmentedRun } from './segmentedRun.ts';
import type { CellSettings, SweepSpec } from './spec.ts';

/** A cell's `dln train` settings (the fields of its config.json), so that any cell can be rerun alone. */
export interface CellTrainConfig {
  /** The data as `dln train` records them: a generator, or real data (MNIST with its preparation). */
  data: { kind: 'builtin'; name: string; seed: number; params?: GeneratorParams } | { kind: 'real'; name: string; seed: number; mnist?: ReturnType<typeof mnistSettings> };
  dims: number[];
  init: ReturnType<typeof cellInit>;
  seed: number;
  method: 'gd';
  schedule: { kind: 'constant'; lr: number };
  steps: number;
  divergeAbove: number;
  lossTol?: number;
  gradTol?: number;
}

/** Everything a sweep stores about one finished cell (THEORY §15). */
export interface CellRecord {
  index: number;
  key: string;
  coords: Record<string, AxisValue>;
  /** 'failed' when the cell could not be run (its step size needs a bound whose premise fails). */
  status: CellStatus | 'failed';
  /** Why a failed cell could not run: no step size could be computed, and why. */
  error?: string;
  /** The stop rule that ended GD (trainGD's status); `dln train` prints status, which names converged runs as the sweep does. */
  stop: 'converged' | 'diverged' | 'max-steps' | 'failed';
  steps: number;
  loss: number;
  gradNorm: number;
  lossInit: number;
  /** Largest loss over the recorded steps (a catapult's spike). */
  lossMax: number;
  /** The global minimum L* of the cell's landscape. */
  lossMin: number;
  /** The critical value the final loss is nearest to, with its rank and index set S. */
  nearestCritical: { loss: number; rank: number; subset: number[] } | null;
  /**
   * Where the run ended, as `dln train`'s summary says it (its criticalValue): the nearest critical
   * value, whether it is the global minimum for these widths, a plateau or neither, and whether
   * ‖∇L‖ is at rounding level; null for a diverged or failed cell.
   */
  critical: ExplanationJson | null;
  /** Steps on each non-global plateau c_0, …, c_{r_max − 1}. */
  plateauSteps: number[];
  sharpnessStart: number | null;
  sharpnessEnd: number | null;
  etaMax: number | null;
  /** 2/λ_flat of the cell's landscape (THEORY §13.2), recorded in sweeps with a step axis (lr or lrMultiple); absent in stores made before it was. */
  etaFlat?: number | null;
  /** The step size η of the cell; NaN for a failed cell, which has none. */
  lr: number;
  dims: number[];
  dln: string;
  /** The cell's `dln train` settings; a failed cell's step (schedule.lr) is NaN, as no step size could be computed. */
  config: CellTrainConfig;
  /** The `dln train` command that reruns this cell alone; null for a failed cell (no step size to give --lr; error says why). */
  command: string | null;
}

function builtinSource(s: CellSettings): CellTrainConfig['data'] {
  const params = generatorParams(s);
  return { kind: 'builtin', name: s.data, seed: s.seed, ...(Object.keys(params).length > 0 ? { params } : {}) };
}

function trainConfig(s: CellSettings, dims: number[], lr: number): CellTrainConfig {
  return {
    data: isRealData(s.data) ? { kind: 'real', name: s.data, seed: s.seed, ...(s.data === 'mnist' ? { mnist: mnistSettings(s) } : {}) } : builtinSource(s),
    dims, init: cellInit(s), seed: s.seed, method: 'gd',
    schedule: { kind: 'constant', lr }, steps: s.steps, divergeAbove: s.divergeAbove,
    ...(s.lossTol !== undefined ? { lossTol: s.lossTol } : {}), ...(s.gradTol !== undefined ? { gradTol: s.gradTol } : {}),
  };
}

/**
 * `dln train …` for a cell's settings (numbers in JavaScript's shortest round-trip form), on the
 * TypeScript kernels that a sweep's cells compute with (`dln sweep` threads use them on every machine).
 */
export function trainCommand(c: CellTrainConfig): string {
  const init = c.init.kind === 'gaussian' ? ` --init-std ${c.init.std}` : c.init.kind === 'zero' ? '' : ` --init-scale ${c.init.scale}`;
  const m = c.data.kind === 'real' ? c.data.mnist : undefined;
  const p = c.data.kind === 'builtin' ? c.data.params ?? {} : {};
  const data = (m === undefined ? '' : ` --pca ${m.pca} --train-samples ${m.train}${m.center ? '' : ' --no-center'}`)
    + Object.entries(p).map(([k, v]) => ` --${k} ${v}`).join('');
  return `dln train --data ${c.data.name}${data} --seed ${c.seed} --dims ${c.dims.join(',')} --init ${c.init.kind}${init}`
    + ` --lr ${c.schedule.lr} --steps ${c.steps} --diverge-above ${c.divergeAbove}`
    + (c.lossTol !== undefined ? ` --loss-tol ${c.lossTol}` : '') + (c.gradTol !== undefined ? ` --grad-tol ${c.gradTol}` : '') + ' --backend ts';
}

/** The step of a cell: lr, or lrMultiple × η_max (Theorem 2.4) or × 2/λ_max(W(0)); an error message when that base is missing. */
function cellStep(s: CellSettings, inst: Instance): number | string {
  if (s.lr !== undefined) return s.lr;
  const m = s.lrMultiple as number;
  if (s.lrOf === 'bound') return inst.etaMax !== null ? m * inst.etaMax : `η_max of Theorem 2.4 is not defined here (${inst.etaMaxError ?? 'premise failed'})`;
  return inst.sharpness0 !== null && inst.sharpness0 > 0 ? m * (2 / inst.sharpness0) : 'λ_max at the start is not positive (or not recorded: set record.sharpness)';
}

/** The explanation of a finished run's loss among the instance's critical values (dln train's summary); null where it cannot be said. */
function explain(inst: Instance, r: { weights: Mat[]; loss: number; gradNorm: number }): ExplanationJson | null {
  if (inst.table === null || !Number.isFinite(r.loss)) return null;
  return explanationJson(classifyLoss(inst.table, r.loss, gradientAtRoundingLevel(r.weights, inst.stats, r.gradNorm)));
}

/** Options of evaluateCells. */
export interface EvaluateOptions {
  /** dln's version, recorded in every cell. */
  dln: string;
  /** Where the cells' data sets come from (and are kept between chunks); needed for real data, whose files the Node edge reads. */
  data?: SweepData;
  /** Polled between segments; true stops the chunk with an Error('interrupted'). */
  shouldStop?(): boolean;
}

/**
 * Runs the cells of one chunk (all of one network shape) as lanes of one batch and returns their
 * records in the order given. The result depends on the spec and the indices alone: chunking, the
 * number of threads and the machine's queue do not change a bit.
 */
export function evaluateCells(spec: SweepSpec, indices: readonly number[], options: EvaluateOptions): CellRecord[] {
  const cells: CellPlan[] = indices.map((i) => cellAt(spec, i));
  const dims = cells[0].dims;
  if (cells.some((c) => c.dims.join(',') !== dims.join(','))) throw new RangeError('evaluateCells: a chunk must hold one network shape');
  // 2/λ_flat costs about a millisecond per instance: recorded only where a phase diagram over the step can draw it.
  const withFlat = spec.axes.some((a) => a.name === 'lr' || a.name === 'lrMultiple');
  // An instance that cannot be prepared for a reason of its own (its data or initial weights are
  // refused: a premise, shape, argument or data error) fails its cells alone, with the reason stored:
  // the chunk's other cells run, and a resumed sweep does not stop there again. Anything else (a file
  // that cannot be read, an interruption, a bug) stops the chunk: stored as failed, a cell is never
  // computed again.
  const instances = new Map<string, Instance | { error: string }>();
  const data = options.data ?? new SweepData();
  const prepared = cells.map((c) => {
    const k = instanceKey(c);
    let v = instances.get(k);
    if (v === undefined) {
      try {
        v = prepareInstance(c, spec.sharpness !== 'none', data, withFlat);
      } catch (e) {
        if (!(e instanceof PremiseError || e instanceof ShapeError || e instanceof ArgumentError || e instanceof DataError)) throw e;
        v = { error: `this cell's data or initial weights could not be prepared: ${e.message}` };
      }
      instances.set(k, v);
    }
    return v;
  });
  const steps = cells.map((c, i) => { const v = prepared[i]; return 'error' in v ? v.error : cellStep(c.settings, v); });
  const inst = prepared.map((v) => ('error' in v ? null : v));
  const runnable = cells.map((_, i) => i).filter((i) => typeof steps[i] === 'number');
  const s0 = spec.base;
  const runs = runnable.length === 0 ? [] : segmentedRun(dims, runnable.map((i) => ({ weights: (inst[i] as Instance).weights, stats: (inst[i] as Instance).stats, lr: steps[i] as number })),
    { steps: cells[runnable[0]].settings.steps, divergeAbove: s0.divergeAbove, lossTol: s0.lossTol, gradTol: s0.gradTol }, spec.classify.window, options.shouldStop);
  if (cells.some((c) => c.settings.steps !== cells[runnable[0] ?? 0].settings.steps)) throw new RangeError('evaluateCells: a chunk must hold one step budget');
  const byCell = new Map(runnable.map((i, k) => [i, runs[k]]));
  return cells.map((c, i): CellRecord => {
    const I = inst[i], lr = typeof steps[i] === 'number' ? steps[i] as number : c.settings.lr ?? Number.NaN;
    const config = trainConfig(c.settings, dims, lr);
    const common = {
      index: c.index, key: c.key, coords: c.coords, lossInit: I?.loss0 ?? Number.NaN, lossMin: I?.lossMin ?? Number.NaN, sharpnessStart: I?.sharpness0 ?? null,
      etaMax: I?.etaMax ?? null, ...(withFlat ? { etaFlat: I?.etaFlat ?? null } : {}), lr, dims, dln: options.dln, config, command: Number.isFinite(lr) ? trainCommand(config) : null,
    };
    const r = byCell.get(i);
    if (r === undefined) {
      const error = I === null ? steps[i] as string
        : `no step size could be computed for lrMultiple ${c.settings.lrMultiple ?? '?'}: ${steps[i] as string}; no dln train command reruns this cell`;
      return { ...common, status: 'failed', error, stop: 'failed', steps: 0, loss: Number.NaN, gradNorm: Number.NaN, lossMax: I?.loss0 ?? Number.NaN, nearestCritical: null, critical: null, plateauSteps: [], sharpnessEnd: null };
    }
    // A cell that ran had its instance prepared.
    const ran = I as Instance;
    const summary = { stop: r.stop, steps: [0, ...r.sampleSteps], loss: [ran.loss0, ...r.sampleLoss], lossMin: ran.lossMin, plateaus: ran.plateaus };
    const finite = summary.loss.filter(Number.isFinite);
    const critical = r.stop === 'diverged' ? null : explain(ran, r);
    return {
      // Converged or not by dln train's own rule (finalStatus: ‖∇L‖ at rounding level, or the loss test of THEORY §15.2).
      ...common, status: finalStatus(r.stop, critical, { lossInit: ran.loss0, loss: r.loss, rel: spec.classify.convergedRel }) === 'converged' ? 'converged' : classifyRun(summary, spec.classify), stop: r.stop, steps: r.steps, loss: r.loss, gradNorm: r.gradNorm,
      lossMax: finite.length > 0 ? Math.max(...finite) : Number.NaN,
      nearestCritical: critical === null ? null : { loss: critical.nearest, rank: critical.rank, subset: critical.subset }, critical,
      plateauSteps: ran.plateaus.length > 0 ? plateauSteps(summary, spec.classify.plateauRel) : [],
      sharpnessEnd: spec.sharpness === 'both' && r.stop !== 'diverged' ? cellSharpness(r.weights, ran.stats) : null,
    };
  });
}
