import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { InputError } from '../errors.ts';
import { assertPlaygroundBuilt, playgroundRoot, startPlaygroundServer } from '../node/playgroundServer.ts';
import { withStagingDir } from '../node/stagingDir.ts';
import { TABLE_FILES, tableFile } from '../node/playgroundData.ts';
import { integerAtLeast } from './flagParsers.ts';
import type { CliContext, CliIO } from './run.ts';

interface PlaygroundFlags { port: number; host: string; open?: true; export?: string }

/** Adds `dln playground` to program. */
export function register(program: Command, ctx: CliContext): void {
  program.command('playground')
    .description('serve the browser playground (train and inspect deep linear networks live, on dln\'s engine)')
    .addOption(new Option('--port <n>', 'port to listen on (0: any free port)').argParser(integerAtLeast('--port', 0)).default(8080))
    .option('--host <address>', 'address to bind (only this machine can connect to the default)', '127.0.0.1')
    .option('--open', 'open the page in the default browser')
    .option('--export <dir>', 'write the page as a self-contained static folder (for any web host) instead of serving it')
    .addHelpText('after', `
The page trains in a Web Worker on dln's WASM kernels (the same bits as dln train); it fetches
nothing from outside the server it came from. Ctrl-C stops the server.

Examples:
  dln playground --port 0           (any free port; the address is printed, Ctrl-C stops)
  dln playground --export site/playground

dln playground alone serves on http://127.0.0.1:8080; --open also opens the page in a browser.

Exit codes: 0 stopped by Ctrl-C (or exported), 2 bad input (port taken, folder not empty).`)
    .action(async (flags: PlaygroundFlags) => { ctx.exitCode = await playgroundCommand(flags, ctx.io); });
}

function openBrowser(url: string, io: CliIO): void {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  try {
    const child = spawn(cmd, [url], { stdio: 'ignore', detached: true });
    child.on('error', () => { io.stderr.write(`dln: could not open a browser (${cmd} failed); open ${url} yourself\n`); });
    child.unref();
  } catch {
    io.stderr.write(`dln: could not open a browser; open ${url} yourself\n`);
  }
}

function exportSite(dir: string, io: CliIO): number {
  const root = playgroundRoot();
  assertPlaygroundBuilt(root);
  const out = resolve(dir);
  if (existsSync(out) && (!statSync(out).isDirectory() || readdirSync(out).length > 0)) {
    throw new InputError(`--export ${dir} already exists and is not an empty folder (dln never overwrites files; choose a new one)`);
  }
  const missing: string[] = [];
  withStagingDir(out, (staging) => {
    cpSync(root, staging, { recursive: true });
    // The data menu's cars and penguins travel with the page; MNIST needs dln playground's server.
    mkdirSync(join(staging, 'data'), { recursive: true });
    for (const name of TABLE_FILES) {
      const d = tableFile(name);
      if (d.code === 200) writeFileSync(join(staging, 'data', `${name}.json`), d.body);
      else missing.push(`${name} (${String(d.body).trim()})`);
    }
  }, { ifExists: 'replace' });
  if (missing.length > 0) io.stderr.write(`dln: the data menu's ${missing.join(', ')} left out of the export\n`);
  io.stdout.write(`playground written to ${out} (open index.html through any static web server; MNIST needs dln playground itself)\n`);
  return 0;
}

async function playgroundCommand(flags: PlaygroundFlags, io: CliIO): Promise<number> {
  if (flags.export !== undefined) return exportSite(flags.export, io);
  if (flags.port > 65535) throw new InputError(`--port must be at most 65535, got ${flags.port}`);
  const srv = await startPlaygroundServer(playgroundRoot(), flags.host, flags.port);
  io.stdout.write(`dln playground: ${srv.url}  (Ctrl-C stops)\n`);
  if (flags.host !== '127.0.0.1' && flags.host !== 'localhost' && flags.host !== '::1') {
    io.stderr.write(`dln: listening on ${flags.host}: other machines may reach the page\n`);
  }
  if (flags.open === true) openBrowser(srv.url, io);
  await new Promise<void>((done) => {
    const off = io.onInterrupt(() => { off(); void srv.close().then(done); });
  });
  io.stderr.write('dln: playground stopped\n');
  return 0;
}
