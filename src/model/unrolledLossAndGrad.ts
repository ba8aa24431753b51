import type { Mat } from '../linalg/mat.ts';
import type { Stats } from './stats.ts';
import { validateDims } from './network.ts';

/**
 * Straight-line JavaScript for the loss and gradient of one small network (lossAndGrad.ts), generated
 * per shape: every loop over i, j, p is unrolled and every intermediate is a local variable, so V8
 * keeps values in registers instead of loading and storing typed arrays at each multiply-add. Each
 * entry is summed in exactly the order of tsBackend's gemm (a·b and aᵀ·b: 0 + a_i0·b_0j + a_i1·b_1j
 * + …; a·bᵀ: 0 + (0 + a_i0·b_j0 + …)), so the results are the very bits of lossAndGrad under the
 * TypeScript backend. The batched engine (optim/batched/laneProgram.ts) builds on the same text.
 */

/** Multiply-adds of one loss-and-gradient evaluation for widths dims (forward, G = EΣ_XX, backward). */
export function lossAndGradMultiplyAdds(dims: readonly number[]): number {
  const n = dims.length - 1, d0 = dims[0];
  let f = dims[n] * d0 * d0 + dims[n] * d0;
  for (let j = 2; j <= n; j++) f += 3 * dims[j] * dims[j - 1] * d0;
  return f;
}

/** Largest multiply-add count unrolled: beyond it V8 declines to optimise the function or spills heavily. */
export const UNROLL_LIMIT = 3000;

/** Whether widths dims are small enough for the unrolled kernel. */
export function unrollable(dims: readonly number[]): boolean {
  return lossAndGradMultiplyAdds(dims) <= UNROLL_LIMIT;
}

type Name = (r: number, c: number) => string;

/**
 * One assignment of the straight-line program: 'dot' is out = 0 + a₀·b₀ + a₁·b₁ + … summed left to
 * right (wrapped: out = 0 + (that sum), tsBackend's a·bᵀ branch); 'sub' is out = a − b; 'add' is
 * out = a + b; 'loss' is
 * out = lossOLS + 0.5·max(a, 0); 'copy' is out = a.
 */
export type KernelOp =
  | { kind: 'dot'; out: string; terms: [string, string][]; wrapped: boolean }
  | { kind: 'sub'; out: string; a: string; b: string }
  | { kind: 'add'; out: string; a: string; b: string }
  | { kind: 'copy'; out: string; a: string }
  | { kind: 'loss'; out: string; a: string };

/** out(i,j) = Σ_p a(i,p)·b(p,j) in tsBackend's summation order (nt: the a·bᵀ branch). */
function product(m: number, n: number, k: number, a: Name, b: Name, out: Name, nt: boolean): KernelOp[] {
  const ops: KernelOp[] = [];
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const terms: [string, string][] = [];
      for (let p = 0; p < k; p++) terms.push([a(i, p), b(p, j)]);
      ops.push({ kind: 'dot', out: out(i, j), terms, wrapped: nt });
    }
  }
  return ops;
}

/**
 * The loss-and-gradient program for widths dims over named scalars. Inputs: w{j}_{i} (entry i of
 * weights[j], row-major), s_{i} (Σ_XX), a_{i} (the OLS map A), lossOLS. Outputs: `loss`, `gradSq`
 * (Σ_j‖∇_{W_j}L‖_F², summed as gd.ts's tupleNorm) and g{j}_{i} (entry i of ∇_{W_{j+1}}L). The
 * operations are those of lossAndGrad.ts, in its order.
 */
export function lossAndGradProgram(dims: readonly number[]): KernelOp[] {
  validateDims(dims);
  const n = dims.length - 1, d0 = dims[0], dy = dims[n];
  const w = (j: number, cols: number): Name => (r, c) => `w${j}_${r * cols + c}`;
  const fwd = (j: number): Name => (j === 1 ? w(0, d0) : (r, c) => `f${j}_${r * d0 + c}`);
  const ops: KernelOp[] = [];
  for (let j = 2; j <= n; j++) ops.push(...product(dims[j], d0, dims[j - 1], w(j - 1, dims[j - 1]), fwd(j - 1), fwd(j), false));
  const p = fwd(n);
  for (let i = 0; i < dy; i++) for (let c = 0; c < d0; c++) ops.push({ kind: 'sub', out: `e_${i * d0 + c}`, a: p(i, c), b: `a_${i * d0 + c}` });
  const e: Name = (r, c) => `e_${r * d0 + c}`;
  const sxx: Name = (r, c) => `s_${r * d0 + c}`;
  const g0: Name = (r, c) => `G_${r * d0 + c}`;
  ops.push(...product(dy, d0, d0, e, sxx, g0, false));
  const excess: [string, string][] = [];
  for (let i = 0; i < dy * d0; i++) excess.push([`e_${i}`, `G_${i}`]);
  ops.push({ kind: 'dot', out: 'excess', terms: excess, wrapped: false }, { kind: 'loss', out: 'loss', a: 'excess' });
  let r = g0;
  for (let j = n; j >= 1; j--) {
    const grad: Name = (a, b) => `g${j - 1}_${a * dims[j - 1] + b}`;
    if (j === 1) {
      for (let a = 0; a < dims[1]; a++) for (let b = 0; b < d0; b++) ops.push({ kind: 'copy', out: grad(a, b), a: r(a, b) });
      break;
    }
    const f = fwd(j - 1);
    ops.push(...product(dims[j], dims[j - 1], d0, r, (pp, c) => f(c, pp), grad, true));
    const wt = w(j - 1, dims[j - 1]);
    const back: Name = (a, b) => `b${j - 1}_${a * d0 + b}`;
    ops.push(...product(dims[j - 1], d0, dims[j], (a, pp) => wt(pp, a), r, back, false));
    r = back;
  }
  // Σ_j‖∇_{W_j}L‖_F² as gd.ts's tupleNorm sums it: each layer's squares in sumSquaresLoop's eight
  // partial sums, then the layers in order.
  for (let j = 0; j < n; j++) {
    const len = dims[j + 1] * dims[j], main = len - (len % 8);
    const part: [string, string][][] = Array.from({ length: 8 }, () => []);
    for (let i = 0; i < len; i++) part[i < main ? i % 8 : 0].push([`g${j}_${i}`, `g${j}_${i}`]);
    part.forEach((terms, r) => ops.push({ kind: 'dot', out: `q${j}_${r}`, terms, wrapped: false }));
    const add = (out: string, a: string, b: string): void => { ops.push({ kind: 'add', out, a, b }); };
    add(`q${j}_01`, `q${j}_0`, `q${j}_1`); add(`q${j}_23`, `q${j}_2`, `q${j}_3`); add(`q${j}_45`, `q${j}_4`, `q${j}_5`); add(`q${j}_67`, `q${j}_6`, `q${j}_7`);
    add(`q${j}_03`, `q${j}_01`, `q${j}_23`); add(`q${j}_47`, `q${j}_45`, `q${j}_67`);
    // tupleNorm's 0 + ‖G_1‖² is ‖G_1‖² itself (a sum of squares is never −0).
    if (j === 0) add(n === 1 ? 'gradSq' : 'sq0', 'q0_03', 'q0_47');
    else { add(`q${j}`, `q${j}_03`, `q${j}_47`); add(j === n - 1 ? 'gradSq' : `sq${j}`, `sq${j - 1}`, `q${j}`); }
  }
  return ops;
}

/** lossAndGradProgram as JavaScript statements declaring every output as a const. */
export function lossAndGradStatements(dims: readonly number[]): string {
  return lossAndGradProgram(dims).map((op) => {
    if (op.kind === 'sub') return `const ${op.out} = ${op.a} - ${op.b};`;
    if (op.kind === 'add') return `const ${op.out} = ${op.a} + ${op.b};`;
    if (op.kind === 'copy') return `const ${op.out} = ${op.a};`;
    if (op.kind === 'loss') return `const ${op.out} = lossOLS + 0.5 * Math.max(${op.a}, 0);`;
    const s = op.terms.reduce((acc, [a, b]) => `${acc} + ${a} * ${b}`, '0');
    return `const ${op.out} = ${op.wrapped ? `0 + (${s})` : s};`;
  }).join('\n');
}

/**
 * The loss and gradient of one network of fixed widths: writes ∇_{W_j}L into grads[j−1].data, L into
 * out[0] and Σ_j‖∇_{W_j}L‖_F² into out[1] (returning nothing: a returned double would be boxed, one
 * allocation per call). Bit-identical to lossAndGrad with the TS backend.
 */
export type UnrolledLossAndGrad = (weights: readonly Mat[], stats: Stats, grads: Mat[], out: Float64Array) => void;

/** JavaScript source of the UnrolledLossAndGrad for widths dims (a function expression). */
export function unrolledLossAndGradSource(dims: readonly number[]): string {
  const n = dims.length - 1, d0 = dims[0], dy = dims[n];
  const lines = ['(function (weights, stats, grads, out) {'];
  for (let j = 0; j < n; j++) {
    lines.push(`const W${j} = weights[${j}].data;`);
    for (let i = 0; i < dims[j + 1] * dims[j]; i++) lines.push(`const w${j}_${i} = W${j}[${i}];`);
  }
  lines.push('const S = stats.sxx.data, A = stats.ols.data, lossOLS = stats.lossOLS;');
  for (let i = 0; i < d0 * d0; i++) lines.push(`const s_${i} = S[${i}];`);
  for (let i = 0; i < dy * d0; i++) lines.push(`const a_${i} = A[${i}];`);
  lines.push(lossAndGradStatements(dims));
  for (let j = 0; j < n; j++) {
    lines.push(`const G${j} = grads[${j}].data;`);
    for (let i = 0; i < dims[j + 1] * dims[j]; i++) lines.push(`G${j}[${i}] = g${j}_${i};`);
  }
  lines.push('out[0] = loss;', 'out[1] = gradSq;', '})');
  return lines.join('\n');
}

const cache = new Map<string, UnrolledLossAndGrad | null>();

/**
 * The compiled UnrolledLossAndGrad for widths dims, or null when dims are beyond UNROLL_LIMIT or the
 * engine forbids generated code (a Content-Security-Policy without 'unsafe-eval'). Compiled once per shape.
 */
export function compileLossAndGrad(dims: readonly number[]): UnrolledLossAndGrad | null {
  const key = dims.join(',');
  let f = cache.get(key);
  if (f === undefined) {
    f = null;
    if (unrollable(dims)) {
      try { f = new Function(`return ${unrolledLossAndGradSource(dims)}`)() as UnrolledLossAndGrad; } catch { f = null; }
    }
    cache.set(key, f);
  }
  return f;
}
