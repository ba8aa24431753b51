export {
  type BalanceNorm, type BalanceWorkspace, createBalanceWorkspace, invariantsInto, invariants, symmetricNorm, balancedness,
  initialInvariants, isWideLayer, fitsInitialInvariant,
  invariantDrift, balanceMeasures,
} from '../model/invariants.ts';
export { type NormYSource, type BoundData, boundData, isBoundData, asBoundData, assertSigmaXXInvertible } from './boundData.ts';
export { type DeltaSearchOptions, type DeltaSearchResult, deltaSearch } from './deltaSearch.ts';
export {
  type CNChoice, type NrtBoundOptions, type NrtBoundResult, type NrtInputs, cNValue, lemmaM, nrtStepBound, remarkDelta,
  nrtInputs, assertAlphaBelowOne, nrtBound, optimalDelta, closedFormEtaMax,
} from './nrtBound.ts';
export { type UniformBoundOptions, type UniformBoundResult, uniformBound } from './uniform.ts';
export { type ScheduleAdmissibility, largestAdmissibleC, scheduleAdmissibility } from './scheduleAdmissibility.ts';
export {
  type EscapeBound, type ExponentialRate, lemma31Bound, productNormBound, gradientNormBounds, stationaritySteps, escapeSteps,
  exponentialRate,
} from './bounds.ts';
