export { dataSpectrum, criticalProduct, criticalValueOf, REPEATED_GAP } from './spectrum.ts';
export type { DataSpectrum } from './spectrum.ts';
export { bestRankR } from './bestRankR.ts';
export type { BestRankResult } from './bestRankR.ts';
export { subsetOfCriticalPoint } from './subsetOfCriticalPoint.ts';
export type { SubsetResult, SubsetOptions } from './subsetOfCriticalPoint.ts';
export { criticalValues } from './criticalValues.ts';
export type { CriticalValue, CriticalValuesResult, CriticalValuesOptions } from './criticalValues.ts';
export { criticality, requireCriticalPoint, DEFAULT_GRADIENT_TOL } from './criticality.ts';
export type { CriticalityResult } from './criticality.ts';
export { buildCriticalPoint } from './criticalPoint.ts';
export type { CriticalPointOptions, CriticalPointResult } from './criticalPoint.ts';
export { tightening, productRank, DEFAULT_RANK_TOL } from './tightening.ts';
export type { TighteningResult, TighteningOptions, PivotRanks } from './tightening.ts';
export { theorem7, expectedType } from './theorem7.ts';
export type { CriticalType, Verdict, Theorem7Result, Theorem7Options } from './theorem7.ts';
export { hessianVerdict, DEFAULT_SIGN_TOL } from './hessianVerdict.ts';
export type { HessianStage, HessianVerdictOptions, HessianVerdictResult } from './hessianVerdict.ts';
export { classify } from './classify.ts';
export type { ClassifyResult, ClassifyOptions } from './classify.ts';
export { lanczosExtreme } from '../linalg/lanczos.ts';
export type { LanczosOptions, LanczosResult } from '../linalg/lanczos.ts';
export { lossSlice } from './slice.ts';
export type { LossSliceResult } from './slice.ts';
export {
  type CriticalLadder, type LossExplanation, classifyLoss, criticalLadder, explainLoss, explainFinal, gradientAtRoundingLevel, gradientRoundingLevel,
  type ExplanationJson, CONVERGED_REL, finalStatus, lossConverged, explanationJson, explanationLine,
} from './explainLoss.ts';
