/**
 * dln's engine, the `dln` entry: dense float64 linear algebra and its kernel backends (`linalg`),
 * deep linear networks, their loss, gradients and Hessians (`model`), data sets and file formats as
 * bytes (`data`), gradient descent, gradient flow, PGD, SGD and the batched engine (`optim`), the
 * step-size bound (`theory`) and the loss landscape (`landscape`). Browser-safe: no Node built-ins.
 *
 * Conventions, everywhere: float64 throughout; a matrix is `{ rows, cols, data }` with `data` a
 * row-major Float64Array; a data set holds one sample per column (X is d_0 × m, Y is d_N × m); a
 * network of widths `[d_0, …, d_N]` (input first) has weights W_1 … W_N with W_j of shape
 * d_j × d_{j−1}, and maps x to W_N⋯W_1 x; the loss is L(W) = ½‖Y − W_N⋯W_1 X‖_F² (no 1/m); step
 * sizes η are in units of that loss; index sets S are 1-based, as in the papers. The mathematics
 * and its sections (cited as THEORY §n in the reference) are in docs/THEORY.md.
 *
 * @module dln
 */
export * from './linalg/index.ts';
export * from './model/index.ts';
export * from './data/index.ts';
export * from './optim/index.ts';
export * from './theory/index.ts';
export * from './landscape/index.ts';
export { InputError, PremiseError } from './errors.ts';
