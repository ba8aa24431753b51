import { Command } from 'commander';
import { type CliContext, type CliIO, dlnVersion, processIO, runCli } from './run.ts';
import { register as registerTrain } from './train.ts';
import { registerExperimentCommands } from './reproduce.ts';
import { register as registerCritical } from './critical.ts';
import { register as registerCriticalPoint } from './criticalPoint.ts';
import { register as registerHessian } from './hessian.ts';
import { register as registerBound } from './bound.ts';
import { register as registerPgd } from './pgd.ts';
import { register as registerPlayground } from './playground.ts';
import { register as registerData } from './data.ts';
import { register as registerMinima } from './minima.ts';
import { addBackendOption } from './backendOption.ts';
import { register as registerSweep } from './sweep.ts';

/**
 * The `dln` program. Each subcommand lives in its own file and exports
 * `register(program, ctx)`; adding one is an import and a call below.
 */
export function createProgram(ctx: CliContext): Command {
  const program = new Command('dln')
    .description('A float64 laboratory for the gradient-descent dynamics of deep linear networks')
    .version(dlnVersion(), '-V, --version', 'print the version of dln')
    .helpOption('-h, --help', 'show help')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => { ctx.io.stdout.write(s); },
      writeErr: (s) => { ctx.io.stderr.write(s); },
      // runCli reports errors itself, as one line.
      outputError: () => {},
    })
    .showSuggestionAfterError(true);
  addBackendOption(program);
  registerTrain(program, ctx);
  registerExperimentCommands(program, ctx);
  registerCritical(program, ctx);
  registerCriticalPoint(program, ctx);
  registerHessian(program, ctx);
  registerBound(program, ctx);
  registerPgd(program, ctx);
  registerPlayground(program, ctx);
  registerData(program, ctx);
  registerMinima(program, ctx);
  registerSweep(program, ctx);
  return program;
}

/** Runs `dln argv…` and returns the exit code (0 ok, 1 internal error, 2 bad input, 3 failed premise, 130 Ctrl-C). */
export async function main(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  return runCli(argv, createProgram, io);
}
