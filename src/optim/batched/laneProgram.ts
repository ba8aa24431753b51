import { lossAndGradStatements, unrollable } from '../../model/unrolledLossAndGrad.ts';
import type { Schedule } from '../schedules.ts';
import { laneWasmSource } from './laneWasm.ts';

/**
 * The batched engine's fast path for small widths: generated JavaScript that trains lanes [lo, hi)
 * of a lane-batched Batch (batch.ts) one lane at a time, holding the lane's whole network, Σ_XX and A
 * in local variables for all its steps (no memory traffic inside the step loop). The step body is
 * model/unrolledLossAndGrad.ts's straight-line text (tsBackend's summation order), followed by
 * trainGD's stop rules in trainGD's order and the update W ← W − ηG, so each lane ends with the bits
 * trainGD gives that network alone. The function is plain JavaScript (no imports), so worker threads
 * rebuild it from its source without loading TypeScript tooling.
 */

/** Flat per-lane schedule parameters: [kind (0 constant, 1 power), lr or c, b, p] for each lane. */
export function encodeSchedules(schedules: readonly Schedule[]): Float64Array {
  const out = new Float64Array(4 * schedules.length);
  schedules.forEach((s, l) => {
    if (s.kind === 'constant') out.set([0, s.lr, 0, 0], 4 * l);
    else out.set([1, s.c, s.b, s.p], 4 * l);
  });
  return out;
}

/** Stop rules in the order trainLanes reads them. */
export interface LaneRules { maxSteps: number; lossTol: number; gradTol: number; divergeAbove: number }

/**
 * trainLanes(weights, sxx, ols, lossOLS, lanes, lo, hi, schedules, rules, status, steps, loss, gradNorm):
 * arrays as in Batch and in trainBatchRange's out; schedules from encodeSchedules.
 */
export type LaneProgram = (weights: readonly Float64Array[], sxx: Float64Array, ols: Float64Array, lossOLS: Float64Array,
  lanes: number, lo: number, hi: number, schedules: Float64Array, rules: LaneRules,
  status: Int32Array, steps: Int32Array, loss: Float64Array, gradNorm: Float64Array) => void;

/** Source (a function expression) of the LaneProgram for widths dims. */
export function laneProgramSource(dims: readonly number[]): string {
  const n = dims.length - 1, d0 = dims[0], dy = dims[n];
  const size = (j: number): number => dims[j + 1] * dims[j];
  const L: string[] = [
    '(function trainLanes(weights, S, A, LOLS, B, lo, hi, sched, rules, oStatus, oSteps, oLoss, oGrad) {',
    'const maxSteps = rules.maxSteps, lossTol = rules.lossTol, gradTol = rules.gradTol, divergeAbove = rules.divergeAbove;',
  ];
  for (let j = 0; j < n; j++) L.push(`const W${j} = weights[${j}];`);
  L.push('for (let l = lo; l < hi; l++) {');
  for (let j = 0; j < n; j++) for (let i = 0; i < size(j); i++) L.push(`let w${j}_${i} = W${j}[${i} * B + l];`);
  for (let i = 0; i < d0 * d0; i++) L.push(`const s_${i} = S[${i} * B + l];`);
  for (let i = 0; i < dy * d0; i++) L.push(`const a_${i} = A[${i} * B + l];`);
  L.push(
    'const lossOLS = LOLS[l];',
    'const kind = sched[4 * l], c = sched[4 * l + 1], sb = sched[4 * l + 2], sp = sched[4 * l + 3];',
    'let step = 0, code = -1, lastLoss = 0, lastGrad = 0;',
    'for (;;) {',
    lossAndGradStatements(dims),
    'const gn = Math.sqrt(gradSq);',
    'if (!Number.isFinite(loss) || loss > divergeAbove || !Number.isFinite(gn)) code = 2;',
    'else if (loss <= lossTol || gn <= gradTol) code = 1;',
    'else if (step >= maxSteps) code = 0;',
    'if (code >= 0) { lastLoss = loss; lastGrad = gn; break; }',
    // stepSize(schedule, k) of schedules.ts, term for term.
    'const eta = kind === 0 ? c : c / Math.pow(step + sb, sp);',
  );
  for (let j = 0; j < n; j++) for (let i = 0; i < size(j); i++) L.push(`w${j}_${i} -= eta * g${j}_${i};`);
  L.push('step++;', '}');
  for (let j = 0; j < n; j++) for (let i = 0; i < size(j); i++) L.push(`W${j}[${i} * B + l] = w${j}_${i};`);
  L.push('oStatus[l] = code; oSteps[l] = step; oLoss[l] = lastLoss; oGrad[l] = lastGrad;', '}', '})');
  return L.join('\n');
}

/** Builds a LaneProgram from its source (also used by worker threads); throws where generated code is forbidden. */
export function programFromSource(source: string): LaneProgram {
  return new Function(`return ${source}`)() as LaneProgram;
}

/** A compiled lane program, its source, and which code runs it. */
export interface CompiledLanes { source: string; program: LaneProgram; engine: 'wasm-simd' | 'js' }

const cache = new Map<string, CompiledLanes | null>();

/**
 * The LaneProgram for widths dims: WebAssembly SIMD (two lanes per instruction, laneWasm.ts) where the
 * engine has it, else generated JavaScript; null when dims are beyond UNROLL_LIMIT or generated code is
 * forbidden (a Content-Security-Policy without 'unsafe-eval'). Compiled once per shape and engine.
 */
export function compileLaneProgram(dims: readonly number[], engine: 'auto' | 'wasm-simd' | 'js' = 'auto'): CompiledLanes | null {
  const key = `${dims.join(',')}/${engine}`;
  let p = cache.get(key);
  if (p === undefined) {
    p = null;
    if (unrollable(dims)) {
      const tries: ('wasm-simd' | 'js')[] = engine === 'auto' ? ['wasm-simd', 'js'] : [engine];
      for (const e of tries) {
        try {
          const source = e === 'js' ? laneProgramSource(dims) : laneWasmSource(dims);
          p = { source, program: programFromSource(source), engine: e };
          break;
        } catch { p = null; }
      }
    }
    cache.set(key, p);
  }
  return p;
}
