/**
 * A problem with what the user gave dln (a file, a flag): the CLI prints its message as one line on
 * stderr and exits with code 2, never with a stack trace. The error of the CLI and of the Node layer
 * that reads files; the engine layers throw ShapeError, ArgumentError or DataError instead.
 */
export class InputError extends Error {
  readonly exitCode: number = 2;
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/**
 * A theorem's premise does not hold for the given instance (Σ_XX singular, α ≥ 1, …): the CLI
 * exits with code 3 and reports which premise failed and why.
 */
export class PremiseError extends Error {
  readonly exitCode: number = 3;
  readonly premise: string;
  constructor(premise: string, message: string) {
    super(message);
    this.name = 'PremiseError';
    this.premise = premise;
  }
}

/**
 * Shapes that do not fit: a network's widths against the data (d_0 ≠ d_x or d_N ≠ d_y), weights
 * against their widths, layers that do not chain. The engine's one shape error; being a RangeError,
 * it is caught as one. The CLI reports it as bad input (exit code 2), as it does an InputError.
 */
export class ShapeError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'ShapeError';
  }
}

/**
 * An argument outside what an engine function accepts, of the kind a caller takes from its user: an
 * index set S that is not one, a rank or count out of range, an unknown choice or name, a combination
 * that has no answer (no non-strict saddle for N = 2). Being a RangeError, it is caught as one; the CLI
 * reports it as bad input (exit code 2). Shapes that do not fit are a ShapeError instead.
 */
export class ArgumentError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'ArgumentError';
  }
}

/**
 * A package dln reads data from (mnist, vega-datasets) is not installed: bad input (exit code 2),
 * and a server answers it with 404 rather than 400.
 */
export class MissingPackageError extends InputError {
  constructor(message: string) {
    super(message);
    this.name = 'MissingPackageError';
  }
}

/**
 * Data that are not what they claim to be: bytes that are no valid .npy/.npz/.csv, a non-finite
 * value, a data set without samples, records without the fields a table needs. The data layer's
 * error; the CLI reports it as bad input (exit code 2).
 */
export class DataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataError';
  }
}

/**
 * True for the errors the CLI reports as bad input (exit code 2, one line): its own InputError and the
 * engine's ShapeError, ArgumentError and DataError. Callers test the class, never the message.
 */
export function isBadInput(e: unknown): boolean {
  return e instanceof InputError || e instanceof ShapeError || e instanceof ArgumentError || e instanceof DataError;
}

/**
 * Work that was asked to stop (its shouldStop() turned true, e.g. at a first Ctrl-C) before it had
 * any result to return: it names the stage it stopped in and how far that stage had come.
 */
export class StoppedError extends Error {
  readonly stage: string;
  readonly done: number;
  readonly total: number;
  constructor(stage: string, done: number, total: number) {
    super(`stopped in stage ${stage} at ${done} of ${total}`);
    this.name = 'StoppedError';
    this.stage = stage;
    this.done = done;
    this.total = total;
  }
}

/** An error as it crosses from a worker thread (structured clone keeps no class). */
export interface WorkerErrorData { name: string; message: string; stack?: string; premise?: string }

/** The classes reviveError rebuilds by name (besides PremiseError, which carries its premise). */
const REVIVED: Record<string, new (message: string) => Error> = { InputError, MissingPackageError, ShapeError, ArgumentError, DataError };

/** Rebuilds an error that crossed from a worker thread with its class (InputError, PremiseError, ShapeError, ArgumentError, DataError). */
export function reviveError(e: WorkerErrorData): Error {
  const Revived = Object.hasOwn(REVIVED, e.name) ? REVIVED[e.name] : null;
  const err = e.name === 'PremiseError' ? new PremiseError(e.premise ?? 'unknown', e.message)
    : Revived !== null ? new Revived(e.message) : new Error(e.message);
  if (e.stack !== undefined) err.stack = e.stack;
  return err;
}
