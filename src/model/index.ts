export { type Weights, validateDims, depth, maxRank, parameterCount, zeroWeights, dimsOf, assertWeightsMatch, cloneWeights } from './network.ts';
export { type Dataset, type Stats, statsFromData, statsFromMoments } from './stats.ts';
export {
  type GradWorkspace, type DataWorkspace, createGradWorkspace, createDataWorkspace, forwardProducts, product, backwardFromG,
  lossAndGrad, lossAndGradInto, lossAndGradData,
} from './lossAndGrad.ts';
export { type UnrolledLossAndGrad, compileLossAndGrad, unrollable, UNROLL_LIMIT } from './unrolledLossAndGrad.ts';
export { type InitSpec, initGaussian, initBalanced, initOrthogonal, orthogonalInitIsBalanced, initZero, initialize } from './init.ts';
export {
  type BalanceNorm, type BalanceWorkspace, createBalanceWorkspace, invariantsInto, invariants, symmetricNorm, balancedness,
  initialInvariants, isWideLayer, fitsInitialInvariant,
  invariantDrift, balanceMeasures,
} from './invariants.ts';
export { type HvpWorkspace, hessian, hessianVectorProduct, createHvpWorkspace, parameterOffsets } from './hessian.ts';
export { type MemoryEstimate, type MemoryLimit, estimateTrainMemory, estimateHessianMemory, formatBytes, memoryRefusal, recordBytes } from './memoryEstimate.ts';
