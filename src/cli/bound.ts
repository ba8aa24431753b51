import { type Command, Option } from 'commander';
import { InputError, PremiseError } from '../errors.ts';
import { Rng } from '../linalg/rng.ts';
import { type CNChoice, boundData, closedFormEtaMax, nrtBound, nrtInputs } from '../theory/index.ts';
import { addJsonOption, addSeedOption } from './commonOptions.ts';
import { type DataFlags, addDataOptions, loadDataFromFlags } from './dataFlags.ts';
import { oneOf, parseNumber } from './flagParsers.ts';
import { type NetworkFlags, addNetworkOptions, initChoiceFromFlags, initialWeights } from './initFlags.ts';
import { fmt, printResult } from './printResult.ts';
import type { CliContext, CliIO } from './run.ts';

const CN_CHOICES = ['(N+1)^2', 'N-1'] as const satisfies readonly CNChoice[];

interface BoundFlags extends DataFlags, NetworkFlags {
  seed: number; cN: CNChoice; delta: 'remark' | 'optimal' | number; balancednessNorm: 'spectral' | 'frobenius'; json?: true;
}

/** Parses --delta: remark, optimal, or a finite number > 0. */
function deltaValue(text: string): 'remark' | 'optimal' | number {
  if (text === 'remark' || text === 'optimal') return text;
  const need = "'remark', 'optimal' or a positive finite number";
  const v = parseNumber('--delta', text, need);
  if (!(Number.isFinite(v) && v > 0)) throw new InputError(`--delta must be ${need}, got '${text}'`);
  return v;
}

/** Adds `dln bound` to program. */
export function register(program: Command, ctx: CliContext): void {
  const cmd = program.command('bound').description('the step-size bound η_max of Nguegnang–Rauhut–Terstiege (Theorem 2.4) for the data and an initialisation');
  addDataOptions(cmd);
  addNetworkOptions(cmd);
  addSeedOption(cmd);
  cmd
    .addOption(new Option('--c-n <choice>', "c_N in K_δ = M^{2/N} + c_N δ: '(N+1)^2' (the theorem) or 'N-1' (conjectured sharp, THEORY §4.2)")
      .argParser(oneOf('--c-n', CN_CHOICES)).default('(N+1)^2'))
    .addOption(new Option('--delta <δ>', "δ > bal(W(0)): 'remark' = M^{2/N}/(N c_N) (Remark 2.5(b)), 'optimal' (maximises η_max), or a number")
      .argParser(deltaValue).default('remark'))
    .addOption(new Option('--balancedness-norm <norm>', 'norm of the invariants C_j in bal(W(0))')
      .argParser(oneOf('--balancedness-norm', ['spectral', 'frobenius'] as const)).default('spectral'));
  addJsonOption(cmd);
  cmd.addHelpText('after', `
For W(0) with balancedness constant bal(W(0)) = max_j ‖W_{j+1}ᵀW_{j+1} − W_jW_jᵀ‖ and δ > bal(W(0)),
α = bal(W(0))/δ, Theorem 2.4 (THEORY §4.3) guarantees convergence of GD to a critical point for
every step size η_k ≤ η_max = 2(1−α)δ / (4L(W(0)) + (1−α)δB_δ), with
  M = (√(2L(W(0))) + ‖Y‖)/σ_min(X),  K_δ = M^{2/N} + c_N δ,
  B_δ = 2eN K_δ^{N−1}‖X‖² + √e N K_δ^{N/2−1}‖XYᵀ‖.
The initial weights are drawn exactly as \`dln train\` draws them for the same flags and --seed.

Examples:
  dln bound --data report-sec5 --dims 5,5,5,5 --init gaussian --init-std 0.05 --seed 1
  dln bound --data nrt --dims 10,12,12,8 --init balanced --c-n N-1 --delta optimal --json
  dln bound --x X.npy --y Y.npy --init-weights W0.npz --delta 0.5

JSON fields: N, dims, cN, cNChoice, balancedness, balancednessNorm, delta, deltaChoice, alpha, M, K,
B, L0, etaMax, sigmaMinX, normX, normXY, normY, closedForm ({etaMax, delta, alpha} of THEORY §4.4(b),
or null with closedFormNote when α ≥ 1 there).
Exit codes: 0 done, 2 bad input, 3 a premise fails: 'sigma-xx-singular' (Σ_XX = XXᵀ not invertible)
or 'alpha-below-one' (δ ≤ bal(W(0))); with --json also {error, exitCode, premise} on stdout.`)
    .action((flags: BoundFlags, command: Command) => { ctx.exitCode = boundCommand(flags, command, ctx.io); });
}

function boundCommand(flags: BoundFlags, cmd: Command, io: CliIO): number {
  const init = initChoiceFromFlags(flags, cmd);
  // The same generator order as dln train: built-in data first, then the initial weights.
  const rng = new Rng(flags.seed);
  const { dataset } = loadDataFromFlags(flags, rng, flags.seed);
  const { dims, weights } = initialWeights(init, flags.dims, dataset, rng);
  const data = boundData(dataset);
  const r = nrtBound(data, weights, { cN: flags.cN, delta: flags.delta, balancednessNorm: flags.balancednessNorm });
  // The closed form fixes δ* = M^{2/N}/(N(N+1)²) and c_N = (N+1)²; it needs α < 1 at that δ*.
  let closedForm: { etaMax: number; delta: number; alpha: number } | null = null, closedFormNote: string | undefined;
  try {
    closedForm = closedFormEtaMax(nrtInputs(data, weights, '(N+1)^2', flags.balancednessNorm));
  } catch (e) {
    if (!(e instanceof PremiseError)) throw e;
    const star = Math.pow(r.M, 2 / r.N) / (r.N * (r.N + 1) ** 2);
    closedFormNote = `α = bal(W(0))/δ* = ${fmt(r.balancedness / star)} ≥ 1 at δ* = M^{2/N}/(N(N+1)²) = ${fmt(star)}`;
  }
  const result = {
    N: r.N, dims, cN: r.cN, cNChoice: flags.cN, balancedness: r.balancedness, balancednessNorm: flags.balancednessNorm,
    delta: r.delta, deltaChoice: r.deltaChoice, alpha: r.alpha, M: r.M, K: r.K, B: r.B, L0: r.L0, etaMax: r.etaMax,
    sigmaMinX: r.sigmaMinX, normX: r.normX, normXY: r.normXY, normY: r.normY,
    closedForm, ...(closedFormNote !== undefined ? { closedFormNote } : {}),
  };
  printResult(io, flags.json === true, result, () => [
    `NRT Theorem 2.4, depth N = ${r.N}, widths ${dims.join(',')}, c_N = ${flags.cN} = ${r.cN}`,
    `  balancedness bal(W(0))  ${fmt(r.balancedness)}   (${flags.balancednessNorm})`,
    `  δ                       ${fmt(r.delta)}   (${r.deltaChoice})`,
    `  α = bal/δ               ${fmt(r.alpha)}`,
    `  L(W(0))                 ${fmt(r.L0)}`,
    `  M                       ${fmt(r.M)}`,
    `  K_δ                     ${fmt(r.K)}`,
    `  B_δ                     ${fmt(r.B)}`,
    `  η_max                   ${fmt(r.etaMax)}`,
    closedForm !== null
      ? `  closed form (§4.4(b))   ${fmt(closedForm.etaMax)}   (δ* = ${fmt(closedForm.delta)}, α = ${fmt(closedForm.alpha)})`
      : `  closed form (§4.4(b))   not applicable: ${closedFormNote ?? ''}`,
    '',
  ].join('\n'));
  return 0;
}
