import { resolve } from 'node:path';
import { checkOutputFile } from './outputFile.ts';
import { type Command, Option } from 'commander';
import { InputError } from '../errors.ts';
import { encodeWeights } from '../data/npz.ts';
import { maxRank } from '../model/network.ts';
import { requireInvertibleSigmaXX } from '../model/stats.ts';
import { type CriticalType, buildCriticalPoint, criticality, expectedType, theorem7 } from '../landscape/index.ts';
import { writeFileAtomic } from '../node/writeFileAtomic.ts';
import { addJsonOption, addSeedOption } from './commonOptions.ts';
import { addDataOptions } from './dataFlags.ts';
import { oneOf, parseDims, positiveNumber } from './flagParsers.ts';
import { type TheoryDataFlags, loadStats } from './loadStats.ts';
import { fmt, printResult, setText, warn } from './printResult.ts';
import type { CliContext, CliIO } from './run.ts';

interface CriticalPointFlags extends TheoryDataFlags {
  dims?: number[]; subset: number[]; kind?: 'strict' | 'non-strict'; gauge: 'identity' | 'random'; gaugeCond: number; out: string; force?: true;
}

/** Parses --subset: 1-based indices "1,2,3"; "none" (or empty) is S = ∅. Range checks need d_y and come later. */
export function parseSubset(text: string): number[] {
  const t = text.trim();
  if (t === '' || t === 'none' || t === '∅' || t === '{}') return [];
  const parts = t.replace(/^\{|\}$/g, '').split(',').map((s) => s.trim());
  return parts.map((p) => {
    if (!/^\d+$/.test(p)) throw new InputError(`--subset must list 1-based indices like 1,2,3 (or none for S = ∅); got '${text}'`);
    return Number(p);
  });
}

/** S checked against d_y and r_max (InputError naming the flag), sorted ascending. */
function checkSubset(subset: readonly number[], dy: number, dims: readonly number[]): number[] {
  const seen = new Set<number>();
  for (const s of subset) {
    if (s < 1 || s > dy) throw new InputError(`--subset: index ${s} is out of range 1..d_y = ${dy} (indices are 1-based, as in the papers)`);
    if (seen.has(s)) throw new InputError(`--subset lists ${s} twice`);
    seen.add(s);
  }
  const rMax = maxRank(dims);
  if (subset.length > rMax) {
    throw new InputError(`--subset ${setText([...subset].sort((a, b) => a - b))} has |S| = ${subset.length} > r_max = ${rMax} = min(${dims.join(',')}): no critical point has a product of rank ${subset.length}`);
  }
  return [...subset].sort((a, b) => a - b);
}

/** InputError when --kind asks for a type that Theorem 7 rules out for S (or is missing where the type is a choice). */
function checkKind(kind: 'strict' | 'non-strict' | undefined, n: number, s: readonly number[], rMax: number): void {
  const r = s.length, top = s.every((v, i) => v === i + 1);
  const type = expectedType(n, r, rMax, top, kind ?? null);
  const S = setText(s);
  if (type === null) {
    throw new InputError(`--kind strict or non-strict is required: S = ${S} (the best rank-${r} product, r = ${r} < r_max = ${rMax}) at depth N = ${n} has both strict and non-strict critical points (Theorem 7)`);
  }
  if (kind === 'non-strict' && type !== 'non-strict-saddle') {
    const why = r === rMax ? (top ? `r = r_max = ${rMax} and S = {1..${rMax}}: every such point is a global minimiser`
      : `r = r_max = ${rMax} and S ≠ {1..${rMax}}: every such point is a strict saddle`)
      : n === 2 ? `depth N = 2 has no non-strict saddles: every critical point with r < r_max is a strict saddle`
        : `S ≠ {1..${r}}: every critical point with this S is a strict saddle`;
    throw new InputError(`--kind non-strict is impossible for S = ${S}: ${why} (Theorem 7, THEORY §5.6)`);
  }
  if (kind === 'strict' && type === 'global-minimum') {
    throw new InputError(`--kind strict is impossible for S = ${S}: r = r_max = ${rMax} and S = {1..${rMax}} give a global minimiser (Theorem 7); omit --kind`);
  }
}

/** Adds `dln critical-point` to program. */
export function register(program: Command, ctx: CliContext): void {
  const cmd = program.command('critical-point').description('write the weights of a first-order critical point with index set S, strict or non-strict (THEORY §5.7)');
  addDataOptions(cmd);
  cmd
    .option('--dims <widths>', 'network widths d_0,…,d_N, e.g. 5,4,4,5 (depth N ≥ 2)', (t: string) => parseDims(t))
    .requiredOption('--subset <S>', 'index set S ⊂ {1..d_y}, 1-based, e.g. 1,2,3 (none for S = ∅)', parseSubset)
    .addOption(new Option('--kind <kind>', 'strict or non-strict saddle (needed only when S = {1..r}, r < r_max, N ≥ 3)').argParser(oneOf('--kind', ['strict', 'non-strict'] as const)))
    .addOption(new Option('--gauge <gauge>', 'gauges D_h: identity, or random well-conditioned matrices drawn with --seed').argParser(oneOf('--gauge', ['identity', 'random'] as const)).default('identity'))
    .option('--gauge-cond <c>', 'random gauges have condition number below c', positiveNumber('--gauge-cond'), 10);
  addSeedOption(cmd);
  cmd.requiredOption('--out <file>', 'write the weights W1..WN to this new .npz file');
  cmd.option('--force', '--out may replace an existing file (never one of the inputs)');
  addJsonOption(cmd);
  cmd.addHelpText('after', `
Builds W_1 = D_1[U_SᵀΣ_YXΣ_XX⁻¹; Z_1], W_h = D_h[I_r 0; 0 Z_h]D_{h−1}⁻¹, W_N = [U_S, U_QZ_N]D_{N−1}⁻¹
(AMG Props 8, 10). Theorem 7 fixes the type by S except when S = {1..r}, r < r_max and N ≥ 3: there
--kind strict takes middle blocks Z_h with a 1 in the corner (a pivot is not tightened) and
--kind non-strict takes Z_h = 0 (every pivot tightened). Elsewhere --kind may be omitted; a --kind
that Theorem 7 rules out (non-strict at depth 2, non-strict for S ≠ {1..r}, strict for the global
minimum) is an error. The written point is checked: its gradient and its Theorem-7 type.

Examples:
  dln critical-point --data report-sec4 --dims 5,4,4,5 --subset 1,2,3 --kind non-strict --out ns.npz
  dln critical-point --x X.npy --y Y.npy --dims 5,4,4,5 --subset 1,3 --gauge random --seed 7 --out cp.npz --json
  dln hessian --data report-sec4 --weights ns.npz        (classifies the point again, from its Hessian)

JSON fields: out, dims, subset, rank, rMax, kind, gauge, loss (the closed form ½(tr Σ_YY − Σ_{i∈S}λ_i)),
lossAtWeights, relativeGradient, expected (Theorem 7's type by construction), theorem7 (the type
found on the written weights), warnings.
Exit codes: 0 written, 2 bad input (S out of range or larger than r_max, an impossible --kind),
3 Σ_XX singular (with --json also {error, exitCode, premise} on stdout).`)
    .action((flags: CriticalPointFlags) => { ctx.exitCode = criticalPointCommand(flags, ctx.io); });
}

function criticalPointCommand(flags: CriticalPointFlags, io: CliIO): number {
  const dims = flags.dims;
  if (dims === undefined) throw new InputError('--dims is required (e.g. --dims 5,4,4,5)');
  checkOutputFile(flags.out, '--out', { force: flags.force === true, inputs: [flags.x, flags.y] });
  const { stats, rng, checkDims } = loadStats(flags);
  checkDims(dims);
  const n = dims.length - 1;
  if (n < 2) throw new InputError(`--dims ${dims.join(',')} has depth N = 1; critical points of a one-layer network are the least-squares map only (use depth N ≥ 2)`);
  const subset = checkSubset(flags.subset, stats.dy, dims);
  checkKind(flags.kind, n, subset, maxRank(dims));
  requireInvertibleSigmaXX(stats, 'a critical point (Proposition 1)');
  const cp = buildCriticalPoint(stats, dims, subset, {
    kind: flags.kind ?? 'strict', gauge: flags.gauge, rng, gaugeCond: flags.gaugeCond,
  });
  const crit = criticality(cp.weights, stats);
  const t7 = theorem7(cp.weights, stats);
  warn(io, t7.warnings);
  const expected = cp.expected as CriticalType;
  if (t7.type !== expected) {
    warn(io, [`the written point classifies as ${t7.type} by Theorem 7, not ${expected} (${t7.reason})`]);
  }
  const out = resolve(flags.out);
  writeFileAtomic(out, encodeWeights(cp.weights));
  const result = {
    out, dims, subset: cp.subset, rank: cp.rank, rMax: cp.rMax, kind: flags.kind ?? null, gauge: flags.gauge,
    loss: cp.loss, lossAtWeights: crit.loss, relativeGradient: crit.relative, expected, theorem7: t7.type, warnings: t7.warnings,
  };
  printResult(io, flags.json === true, result, () => [
    `critical point S = ${setText(cp.subset)} (rank ${cp.rank}, r_max = ${cp.rMax}) written to ${flags.out}`,
    `  type (Theorem 7)        ${expected}${t7.type === expected ? '' : `  (found on the weights: ${t7.type})`}`,
    `  loss                    ${fmt(cp.loss)}   (at the weights: ${fmt(crit.loss)})`,
    `  relative gradient norm  ${crit.relative.toExponential(2)}`,
    `  gauge                   ${flags.gauge}`,
    '',
  ].join('\n'));
  return 0;
}
