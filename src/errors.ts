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
