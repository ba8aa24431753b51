export {
  type BalanceNorm, type BalanceWorkspace, createBalanceWorkspace, invariantsInto, invariants, symmetricNorm, balancedness,
  invariantDrift, balanceMeasures,
} from '../model/invariants.ts';
export { type NormYSource, type BoundData, boundData, isBoundData, asBoundData, assertSigmaXXInvertible } from './boundData.ts';
export { type DeltaSearchOptions, type DeltaSearchResult, deltaSearch } from './deltaSearch.ts';
export {
  type CNChoice, type NrtBoundOptions, type NrtBoundResult, type NrtInputs, cNValue, lemmaM, nrtStepBound, remarkDelta,
  nrtInputs, assertAlphaBelowOne, nrtBound, optimalDelta, closedFormEtaMax,
} from './nrtBound.ts';
export { type UniformBoundOptions, type UniformBoundResult, uniformBound } from './uniformBound.ts';
export { type ScheduleAdmissibility, largestAdmissibleC, scheduleAdmissibility } from './scheduleAdmissibility.ts';
export { lemma31Bound, productNormBound } from './lemma31.ts';
export { gradientNormBounds } from './gradientNormBounds.ts';
export { stationaritySteps } from './stationaritySteps.ts';
export { type EscapeBound, escapeSteps } from './escapeSteps.ts';
export { type ExponentialRate, exponentialRate } from './exponentialRate.ts';
export {
  type GlobalMinimum, type FlatClosedForm, globalMinimum, sqrtPsd, balancedFactorization, flatSharpnessClosedForm,
} from './flatMinima.ts';
export { type FlatSearchOptions, type FlatSearchResult, flatMinimumSearch } from './flatGaugeSearch.ts';
export { saxeGdMode, saxeFlowTime, saxeFlowValue, saxeLearningTime, saxeGdLearningStep } from './saxeModes.ts';
