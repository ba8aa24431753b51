#!/usr/bin/env node
// Entry point of the `dln` command: runs the TypeScript CLI through tsx (no build step).
import { register } from 'tsx/esm/api';
register();
// OpenBLAS picks its kernels once, when the native addon loads: settle the core type first.
const { prepareOpenblasCoreType } = await import('../src/node/openblasCoreType.ts');
prepareOpenblasCoreType();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
