export { type ParsedNpy, parseNpy, matFromNpy, encodeNpy } from './npy.ts';
export { type EncodeNpzOptions, parseNpz, encodeNpz, encodeWeights, decodeWeights } from './npz.ts';
export { type CsvTable, parseCsvTable, parseCsv, encodeCsv, formatNumber } from './csv.ts';
export { matrixFromBytes, extensionOf } from './matrixBytes.ts';
export { assertFinite, matrixFromSamples, checkPair } from './validate.ts';
export {
  type GeneratedData, type NrtOptions, type BuiltinName, reportSec4, reportSec5, nrt, amgEscape, lnPgd, saxe, saxeSingularValues, type SaxeOptions, builtinData, builtinNames,
  type GeneratorParams, type GeneratorParamName, generatorParamNames, generatorDefaults, generatorValueProblem, generatorParamsProblems,
  generateData, MAX_GENERATOR_SIZE,
} from './generators.ts';
export { type MnistClass, type MnistOptions, mnistPixels, mnistData, permutation, classificationError } from './mnist.ts';
export {
  type RealData, type RealDataName, type RealDataSource, type ColumnSpec, type TableSpec, realDataNames, tableData, tableWidth, carsSpec, penguinsSpec,
} from './realData.ts';
export { loadRealData, realDataEnds } from './loadRealData.ts';
export { whitenInputs } from './whiten.ts';
