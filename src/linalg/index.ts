/** The public API of dln's dense float64 linear algebra (named re-exports only). */
export type { Mat } from './mat.ts';
export { zeros, eye, fromArray, fromRows, toRows, clone, copyInto, transpose, transposed, assertSameShape, isFiniteMat, shapeOf } from './mat.ts';
export { add, sub, scale, axpy, dot, trace, maxAbsDiff } from './elementwise.ts';
export { matmul, matmulTN, matmulNT, matmulTT, gemm } from './matmul.ts';
export type { KernelBackend } from './backend.ts';
export { getBackend, setBackend } from './backend.ts';
export { Rng } from './rng.ts';
export { randomNormal, haarOrthogonal } from './random.ts';
export { frobenius, spectralNorm, symmetricSpectralNorm } from './norms.ts';
export type { QrResult, QrOptions } from './qr.ts';
export { qr } from './qr.ts';
export type { EighResult } from './eigh.ts';
export { eigh, eigvalsh } from './eigh.ts';
export type { SvdResult, SvdOptions } from './svd.ts';
export { svd, singularValues } from './svd.ts';
export { cholesky, solveSPD, invSqrtSPD } from './cholesky.ts';
export { pinv, numericalRank } from './pinv.ts';
export { solve } from './solve.ts';
