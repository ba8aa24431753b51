export { type ParsedNpy, parseNpy, matFromNpy, encodeNpy } from './npy.ts';
export { parseNpz, encodeNpz, encodeWeights, decodeWeights } from './npz.ts';
export { type CsvTable, parseCsvTable, parseCsv, encodeCsv, formatNumber } from './csv.ts';
export { matrixFromBytes, extensionOf } from './matrixBytes.ts';
export { assertFinite, matrixFromSamples, checkPair, checkDimsMatchData } from './validate.ts';
export {
  type GeneratedData, type NrtOptions, type BuiltinName, reportSec4, reportSec5, nrt, amgEscape, lnPgd, builtinData, builtinNames,
} from './generators.ts';
