import { InputError } from '../errors.ts';

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** Parses a decimal number (1e-4, .5, -3); other text is an InputError naming the flag. */
export function parseNumber(flag: string, text: string, need = 'a number'): number {
  if (!DECIMAL.test(text.trim())) throw new InputError(`${flag} must be ${need}, got '${text}'`);
  return Number(text);
}

/** An argument parser for flags that take a finite number > 0 (a step size, a tolerance, a time). */
export function positiveNumber(flag: string): (text: string) => number {
  const need = 'a positive finite number';
  return (text) => {
    const v = parseNumber(flag, text, need);
    if (!(Number.isFinite(v) && v > 0)) throw new InputError(`${flag} must be ${need}, got '${text}'`);
    return v;
  };
}

/** An argument parser for flags that take a finite number ≥ 0. */
export function nonNegativeNumber(flag: string): (text: string) => number {
  const need = 'a finite number ≥ 0';
  return (text) => {
    const v = parseNumber(flag, text, need);
    if (!(Number.isFinite(v) && v >= 0)) throw new InputError(`${flag} must be ${need}, got '${text}'`);
    return v;
  };
}

/** An argument parser for flags that take an integer ≥ min. */
export function integerAtLeast(flag: string, min: number): (text: string) => number {
  const need = min === 0 ? 'an integer ≥ 0' : `an integer ≥ ${min}`;
  return (text) => {
    const v = parseNumber(flag, text, need);
    if (!(Number.isSafeInteger(v) && v >= min)) throw new InputError(`${flag} must be ${need}, got '${text}'`);
    return v;
  };
}

/** An argument parser for flags that take an integer in min..max; what names the bound's reason, e.g. "the mnist package's 10,000 digits". */
export function integerIn(flag: string, min: number, max: number, what: string): (text: string) => number {
  const need = `an integer in ${min}..${max} (${what})`;
  return (text) => {
    const v = parseNumber(flag, text, need);
    if (!(Number.isSafeInteger(v) && v >= min && v <= max)) throw new InputError(`${flag} must be ${need}, got '${text}'`);
    return v;
  };
}

/** An argument parser for flags that take one of the given words. */
export function oneOf<T extends string>(flag: string, allowed: readonly T[]): (text: string) => T {
  return (text) => {
    if (!(allowed as readonly string[]).includes(text)) throw new InputError(`${flag} must be one of ${allowed.join(', ')}; got '${text}'`);
    return text as T;
  };
}

/** Network widths from "5,4,4,5": at least two, each a positive integer. */
export function parseDims(text: string, flag = '--dims'): number[] {
  const parts = text.split(',').map((s) => s.trim());
  if (parts.length < 2) throw new InputError(`${flag} needs at least two widths (d_x and d_y), e.g. 5,4,4,5; got '${text}'`);
  return parts.map((p, i) => {
    const v = DECIMAL.test(p) ? Number(p) : Number.NaN;
    if (!(Number.isSafeInteger(v) && v > 0)) {
      throw new InputError(`${flag}: width ${i + 1} of '${text}' is '${p}'; every width must be a positive integer`);
    }
    return v;
  });
}

/** Parses a seed: an integer in [0, 2³²). */
export function seedValue(text: string): number {
  const v = integerAtLeast('--seed', 0)(text);
  if (v > 0xffffffff) throw new InputError(`--seed must be an integer ≥ 0 and < 2^32, got '${text}'`);
  return v;
}
