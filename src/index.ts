// dln's public API: named re-exports of each layer (linalg <- model <- optim <- theory/landscape).
export * from './linalg/index.ts';
export * from './model/index.ts';
export * from './data/index.ts';
export * from './optim/index.ts';
export * from './theory/index.ts';
export * from './landscape/index.ts';
export { InputError, PremiseError } from './errors.ts';
