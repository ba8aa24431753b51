#!/usr/bin/env node
// Entry point of the `dln` command. In a source checkout (src/ next to bin/) it runs the TypeScript
// sources through tsx, so that an edit takes effect without a build and a stale dist/ is never run;
// the installed package has no src/ and runs the compiled JavaScript in dist/ (no tsx needed).
// DLN_DIST=1 runs dist/ from a checkout too (to time or test the build: `npm run build:lib` first).
import { existsSync } from 'node:fs';

const sources = process.env.DLN_DIST !== '1' && existsSync(new URL('../src/cli/main.ts', import.meta.url));
let main;
if (sources) {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
} else {
  ({ main } = await import('../dist/cli/main.js'));
}
process.exitCode = await main(process.argv.slice(2));
