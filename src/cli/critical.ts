import type { Command } from 'commander';
import { InputError } from '../errors.ts';
import { requireInvertibleSigmaXX } from '../model/index.ts';
import { type CriticalValue, criticalValues } from '../landscape/index.ts';
import { addJsonOption, addSeedOption } from './commonOptions.ts';
import { addDataOptions } from './dataFlags.ts';
import { parseDims } from './flagParsers.ts';
import { type TheoryDataFlags, loadStats } from './loadStats.ts';
import { fmt, printResult, setText, warn } from './printResult.ts';
import type { CliContext, CliIO } from './run.ts';

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
  dln critical --x X.npy --y Y.npy --dims 5,3,3,5 --json

JSON fields: dims, rMax, eigenvalues (of Σ, descending), trSigmaYY, lossOLS, criticalPoints
[{subset, rank, loss}] sorted by loss, globalMinimum {subset, rank, loss}, plateaus (best rank-r
losses, r = 0..r_max), warnings.
Exit codes: 0 done (repeated eigenvalues of Σ make S ambiguous: a warning on stderr), 2 bad input,
3 Σ_XX singular (with --json also {error, exitCode, premise} on stdout).`)
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
