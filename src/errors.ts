/**
 * A problem with what the user gave dln (a file, a flag, a shape): the CLI prints its message as
 * one line on stderr and exits with code 2, never with a stack trace.
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

/** Rebuilds an error that crossed from a worker thread with its class (InputError, PremiseError, ShapeError). */
export function reviveError(e: WorkerErrorData): Error {
  const err = e.name === 'InputError' ? new InputError(e.message)
    : e.name === 'PremiseError' ? new PremiseError(e.premise ?? 'unknown', e.message)
      : e.name === 'ShapeError' ? new ShapeError(e.message) : new Error(e.message);
  if (e.stack !== undefined) err.stack = e.stack;
  return err;
}
