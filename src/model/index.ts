export {
  type Weights, validateDims, depth, maxRank, parameterCount, zeroWeights, dimsOf, assertWeightsMatch, assertFitsData, cloneWeights,
} from './network.ts';
export { type Dataset, type Stats, statsFromData, statsFromMoments, SIGMA_XX_SINGULAR, requireInvertibleSigmaXX } from './stats.ts';
export {
  type GradWorkspace, type DataWorkspace, createGradWorkspace, createDataWorkspace, forwardProducts, product, backwardFromG,
  lossAndGrad, lossAndGradInto, lossAndGradData,
} from './lossAndGrad.ts';
export { type UnrolledLossAndGrad, compileLossAndGrad, unrollable, UNROLL_LIMIT } from './unrolledLossAndGrad.ts';
export { type InitSpec, initGaussian, initBalanced, initAligned, initOrthogonal, orthogonalInitIsBalanced, initZero, initialize } from './init.ts';
export {
  type BalanceNorm, type BalanceWorkspace, createBalanceWorkspace, invariantsInto, invariants, symmetricNorm, balancedness,
  initialInvariants, isWideLayer, fitsInitialInvariant,
  invariantDrift, balanceMeasures, assertInvariantsMatch,
} from './invariants.ts';
export { type HessianOptions, hessian, parameterOffsets } from './hessian.ts';
export { type HvpWorkspace, hessianVectorProduct, createHvpWorkspace } from './hessianVectorProduct.ts';
export {
  type SharpnessOptions, type SharpnessState, type SharpnessTracker, createSharpnessTracker, sharpness,
  DENSE_SHARPNESS_MAX_PARAMS, WARM_START_MIX,
} from './sharpness.ts';
export { type MemoryEstimate, type MemoryLimit, estimateTrainMemory, estimateHessianMemory, formatBytes, memoryRefusal, recordBytes } from './memoryEstimate.ts';
