import type { CliIO } from './run.ts';

/** Writes each warning as one line `dln: warning: …` on stderr. */
export function warn(io: CliIO, warnings: readonly string[]): void {
  for (const w of warnings) io.stderr.write(`dln: warning: ${w.replace(/\s*\n\s*/g, '; ')}\n`);
}

/** A number for a terminal table: 7 significant digits, exponent form when very large or small. */
export function fmt(v: number): string {
  if (v === 0 || !Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a >= 1e-3 && a < 1e7 ? String(Number(v.toPrecision(7))) : v.toExponential(6);
}

/** An index set as the papers write it: {1,2,3}, or ∅. */
export function setText(subset: readonly number[]): string {
  return subset.length === 0 ? '∅' : `{${subset.join(',')}}`;
}

/** Prints a result: JSON on stdout with --json, else the text human() makes. */
export function printResult(io: CliIO, json: boolean, result: object, human: () => string): void {
  io.stdout.write(json ? `${JSON.stringify(result, null, 2)}\n` : human());
}
