import type { Command } from 'commander';
import { InputError } from '../errors.ts';
import { type BackendChoice, backendNames, takeBackendNotices, useBackend } from '../linalg/backends/selectBackend.ts';
import { getBackend } from '../linalg/backend.ts';

/**
 * The global `--backend ts|wasm|native|auto` option (default: DLN_BACKEND, else auto = the fastest
 * available). The choice is put into DLN_BACKEND so that worker threads make the same one.
 */
export function addBackendOption(program: Command): void {
  program
    .option('--backend <name>', 'linear-algebra kernels: ts, wasm, native or auto (default: $DLN_BACKEND, else auto = fastest available)')
    .hook('preAction', (cmd) => {
      const opt = cmd.opts().backend as string | undefined;
      selectBackendOrFail(opt ?? process.env.DLN_BACKEND ?? 'auto');
      for (const notice of takeBackendNotices()) process.stderr.write(`dln: ${notice}\n`);
    });
}

/** Selects the backend named by choice, or throws an InputError saying why it cannot run here. */
export function selectBackendOrFail(choice: string): string {
  if (choice !== 'auto' && !(backendNames as readonly string[]).includes(choice)) {
    throw new InputError(`--backend: unknown backend '${choice}' (expected ts, wasm, native or auto)`);
  }
  try {
    useBackend(choice as BackendChoice);
  } catch (e) {
    throw new InputError(`--backend ${choice}: ${(e as Error).message}`);
  }
  process.env.DLN_BACKEND = getBackend().name;
  return getBackend().name;
}
