import type { Command } from 'commander';
import { InputError } from '../errors.ts';
import { Rng } from '../linalg/rng.ts';
import { type Stats, requireInvertibleSigmaXX, statsFromData } from '../model/stats.ts';
import { assertFitsData } from '../model/network.ts';
import { type CriticalValue, criticalValues } from '../landscape/index.ts';
import { type DataFlags, addDataOptions, addJsonOption, addSeedOption, loadDataFromFlags, parseDims } from './options.ts';
import type { CliContext, CliIO } from './run.ts';

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

/** The flags every theory command shares: data, --seed, --json. */
export interface TheoryDataFlags extends DataFlags { seed: number; json?: true }

/** The data of --x/--y or --data as statistics; rng (seeded by --seed) is returned for what the command draws next. */
export function loadStats(flags: TheoryDataFlags): { stats: Stats; rng: Rng; checkDims(dims: number[]): void } {
  const rng = new Rng(flags.seed);
  const { dataset } = loadDataFromFlags(flags, rng, flags.seed);
  return { stats: statsFromData(dataset), rng, checkDims: (dims) => { assertFitsData(dims, dataset.x.rows, dataset.y.rows, '--dims'); } };
}

interface CriticalFlags extends TheoryDataFlags { dims?: number[] }

/** Adds `dln critical` to program. */
export function register(program: Command, ctx: CliContext): void {
  const cmd = program.command('critical').description('list every critical value ½(tr Σ_YY − Σ_{i∈S} λ_i) of the loss, with its index set S and rank');
  addDataOptions(cmd);
  cmd.option('--dims <widths>', 'network widths d_0,…,d_N, e.g. 5,4,4,5 (r_max is the smallest)', (t: string) => parseDims(t));
  addSeedOption(cmd);
  addJsonOption(cmd);
  cmd.addHelpText('after', `
Σ = Σ_YXΣ_XX⁻¹Σ_XY has eigenvalues λ_1 > … > λ_{d_y}; for every S ⊂ {1..d_y} with |S| ≤ r_max a
critical point with product U_SU_SᵀΣ_YXΣ_XX⁻¹ and loss ½(tr Σ_YY − Σ_{i∈S} λ_i) exists (THEORY
§5.2–§5.3). Index sets are 1-based, as in the papers; S = {1..r_max} is the global minimum.

Examples:
  dln critical --data report-sec4 --dims 5,4,4,5
  dln critical --x X.npy --y Y.npy --dims 5,3,3,4 --json

JSON fields: dims, rMax, eigenvalues (of Σ, descending), trSigmaYY, lossOLS, criticalPoints
[{subset, rank, loss}] sorted by loss, globalMinimum {subset, rank, loss}, plateaus (best rank-r
losses, r = 0..r_max), warnings.
Exit codes: 0 done (repeated eigenvalues of Σ make S ambiguous: a warning on stderr), 2 bad input,
3 Σ_XX singular (with --json also {error, premise} on stdout).`)
    .action((flags: CriticalFlags) => { ctx.exitCode = criticalCommand(flags, ctx.io); });
}

function table(values: readonly CriticalValue[], rMax: number): string {
  const rows = values.map((v) => {
    const top = v.subset.every((s, i) => s === i + 1);
    const note = top ? (v.rank === rMax ? 'global minimum' : `best rank ${v.rank}`) : '';
    return [fmt(v.loss), String(v.rank), setText(v.subset), note];
  });
  const head = ['loss', 'rank', 'S', ''];
  const width = head.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k].length)));
  const line = (r: string[]): string => `  ${r.map((c, k) => (k === 0 ? c.padStart(width[k]) : c.padEnd(width[k]))).join('  ')}`.trimEnd();
  return [line(head), ...rows.map(line)].join('\n');
}

function criticalCommand(flags: CriticalFlags, io: CliIO): number {
  if (flags.dims === undefined) throw new InputError('--dims is required (e.g. --dims 5,4,4,5): r_max is the smallest width');
  const { stats, checkDims } = loadStats(flags);
  checkDims(flags.dims);
  requireInvertibleSigmaXX(stats, 'the list of critical values');
  const cv = criticalValues(stats, flags.dims);
  warn(io, cv.warnings);
  const result = {
    dims: flags.dims, rMax: cv.rMax, eigenvalues: Array.from(cv.lambda), trSigmaYY: stats.trYY, lossOLS: stats.lossOLS,
    criticalPoints: cv.values.map((v) => ({ subset: v.subset, rank: v.rank, loss: v.loss })),
    globalMinimum: cv.globalMinimum, plateaus: cv.plateaus, warnings: cv.warnings,
  };
  printResult(io, flags.json === true, result, () => [
    `eigenvalues of Σ = Σ_YXΣ_XX⁻¹Σ_XY (descending): ${Array.from(cv.lambda, fmt).join('  ')}`,
    `r_max = ${cv.rMax}; ${cv.values.length} critical values (S ⊂ {1..${stats.dy}}, |S| ≤ ${cv.rMax}), by loss:`,
    '',
    table(cv.values, cv.rMax),
    '',
  ].join('\n'));
  return 0;
}
