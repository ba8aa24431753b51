// dln as its users get it: packed once, installed into one temporary project (consumerProject.ts),
// and used from plain Node ESM, CommonJS, strict TypeScript, the installed CLI and a Vite-built page
// in Chromium. Also the package's hygiene: what the tarball holds, publint and arethetypeswrong.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize } from 'node:path';
import type { AddressInfo } from 'node:net';
import { type ConsumerProject, copyFixtures, createConsumerProject, repoRoot } from './consumerProject.ts';
import { launchChromium, openLoopbackPage } from '../helpers/browser.ts';

let project: ConsumerProject;

before(() => {
  project = createConsumerProject(['typescript', 'vite', '@types/node']);
  copyFixtures(project, [
    'require.cjs', 'recordHooks.mjs', 'engineGraph.mjs', 'wasm.mjs', 'page/index.html', 'page/main.js', 'page/trainOnWasm.js',
    'ts/consumer.ts', 'ts/engine.ts', 'ts/tsconfig.json', 'ts/tsconfig.engine.json', 'ts/tsconfig.bundler.json',
  ]);
});
after(() => project?.remove());

/** Writes code to the project as name and runs it with node (worker threads refuse to start under `node -e`). */
function runScript(name: string, code: string): string {
  writeFileSync(join(project.dir, name), code);
  return project.run([name]);
}

/** The ```js blocks of the README's library section, in order. */
function readmeExamples(): string[] {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## The library'), readme.indexOf('\n## ', readme.indexOf('## The library') + 1));
  return [...section.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

describe('the tarball', () => {
  test('holds the compiled entry points, the WASM kernels and the native sources, and no tests, benchmarks or references', () => {
    const paths = project.pack.files.map((f) => f.path);
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { exports: Record<string, string | Record<string, string>> };
    for (const target of Object.values(pkg.exports).flatMap((t) => (typeof t === 'string' ? [t] : Object.values(t)))) {
      assert.ok(paths.includes(target.replace(/^\.\//, '')), `exports target ${target} is missing from the tarball`);
    }
    for (const p of ['bin/dln.js', 'native/binding.gyp', 'native/dln_native.c', 'scripts/build-native.mjs', 'dist/node/batchWorker.mjs', 'dist/node/importModule.mjs']) {
      assert.ok(paths.includes(p), `${p} is missing from the tarball`);
    }
    const unwanted = paths.filter((p) => /(^|\/)(test|tests|bench|reference|\.ci)\/|\.test\.|^src\/|\.py$|\.png$|\.tgz$/.test(p));
    assert.deepEqual(unwanted, []);
    console.log(`tarball: ${project.pack.size} bytes packed, ${project.pack.unpackedSize} unpacked, ${project.pack.entryCount} files`);
  });

  test('publint finds nothing to report', () => {
    const out = project.run([join(repoRoot, 'node_modules/publint/src/cli.js'), 'run', '--strict', project.tarball]);
    assert.match(out, /All good!/, out);
  });

  test('arethetypeswrong finds no problem for ESM consumers and bundlers (require goes through require(esm))', () => {
    // esm-only profile: node10 (no exports maps) and the CommonJS view of TypeScript < 5.8 are not
    // checked; require('dln') at run time is tested below.
    const r = spawnSync(process.execPath, [join(repoRoot, 'node_modules/@arethetypeswrong/cli/dist/index.js'), project.tarball,
      '--profile', 'esm-only', '--exclude-entrypoints', './kernels.wasm', '--format', 'json'], { encoding: 'utf8' });
    const report = JSON.parse(r.stdout) as { analysis: { problems: { kind: string; resolutionKind?: string }[] } };
    const ignored = new Set(['node10', 'node16-cjs']);
    assert.deepEqual(report.analysis.problems.filter((p) => p.resolutionKind === undefined || !ignored.has(p.resolutionKind)), []);
    assert.equal(r.status, 0, r.stderr);
  });

  test('the install script says truthfully which kernels dln runs on', () => {
    assert.equal(project.installMessage.trim(), 'dln: native build skipped (DLN_SKIP_NATIVE is set); using the WASM kernels');
    const out = JSON.parse(project.run(['--input-type=module', '-e', "import { availableBackends } from 'dln'; console.log(JSON.stringify(availableBackends()))"])) as string[];
    assert.deepEqual(out, ['wasm', 'ts']);
  });
});

describe('plain Node', () => {
  test("the README's library examples run from the package and give the same bits as the repository's own sources", () => {
    const [train, wasm] = readmeExamples();
    assert.ok(train !== undefined && wasm !== undefined, 'the README library section has two js examples');
    writeFileSync(join(project.dir, 'readme-1.mjs'), train);
    writeFileSync(join(project.dir, 'readme-2.mjs'), wasm);
    const installed = project.run(['readme-1.mjs']);
    // The same example against src/ under tsx (the repository's trainGD, criticalValues, …).
    const fromSources = join(project.dir, 'readme-1-sources.mjs');
    writeFileSync(fromSources, train.replace(/from 'dln'/, `from ${JSON.stringify(join(repoRoot, 'src/index.ts'))}`));
    const sources = project.run(['--import', import.meta.resolve('tsx'), fromSources]);
    assert.match(installed, /^max-steps \d+\.\d+ \d+\.\d+ true true\n$/);
    assert.equal(installed, sources);
    assert.match(project.run(['readme-2.mjs']), /^wasm \[ 'wasm', 'ts' \]\n$/);
  });

  test("require('dln') works (require(esm), no flag) and trains to the same bits as import", () => {
    const required = JSON.parse(project.run(['require.cjs'])) as { loss: number; backend: string; trainBatchedParallel: string; experiments: number };
    const imported = JSON.parse(project.run(['--input-type=module', '-e', `
      import { Rng, reportSec4, statsFromData, initGaussian, trainGD, constantSchedule } from 'dln';
      const rng = new Rng(1), stats = statsFromData(reportSec4(rng));
      console.log(JSON.stringify(trainGD(stats, initGaussian([5, 4, 4, 5], rng, 0.05), { schedule: constantSchedule(2e-5), maxSteps: 20000 }).loss));`])) as number;
    assert.equal(required.backend, 'ts');
    assert.equal(required.trainBatchedParallel, 'function');
    assert.ok(required.experiments > 0);
    assert.equal(Object.is(required.loss, imported), true, `${required.loss} vs ${imported}`);
  });

  test('importing the engine entry loads only dln\'s engine modules: no vega, resvg, commander, cli-progress, piscina, Node built-ins or native addon', () => {
    const graph = JSON.parse(project.run(['engineGraph.mjs'])) as { urls: { url: string; parent: string }[]; required: string[]; exports: number };
    const dist = new URL(`file://${join(project.dir, 'node_modules/dln/dist/')}`).href;
    // fflate (dln's one dependency here) is allowed, with what its Node build imports (node:module, for its workers).
    const fflate = (u: string): boolean => /\/node_modules\/fflate\//.test(u);
    const outside = graph.urls.filter(({ url, parent }) => !url.startsWith(dist) && !fflate(url) && !fflate(parent));
    assert.deepEqual(outside, []);
    const layers = new Set(graph.urls.filter(({ url }) => url.startsWith(dist)).map(({ url }) => url.slice(dist.length).split('/')[0]));
    assert.deepEqual(graph.required.filter((p) => p.endsWith('.node')), []);
    assert.ok(graph.exports > 100, `only ${graph.exports} exports`);
  });

  test('importing dln/experiments loads no renderer (vega, resvg), CLI package or Node-only layer, so that a page can use it', () => {
    const graph = JSON.parse(project.run(['engineGraph.mjs', 'dln/experiments'])) as { urls: { url: string }[] };
    const heavy = graph.urls.map(({ url }) => url).filter((u) => /\/node_modules\/(vega[^/]*|@resvg|commander|cli-progress|piscina)\/|\/dist\/(cli|node|sweep)\//.test(u));
    assert.deepEqual(heavy, []);
  });

  test('dln/node, dln/experiments and dln/plot load and run in plain Node', () => {
    const out = JSON.parse(runScript('entries.mjs', `
      import { createBatch, setLane, initGaussian, statsFromData, reportSec4, Rng, constantSchedule } from 'dln';
      import { trainBatchedParallel } from 'dln/node';
      import { experiments } from 'dln/experiments';
      import { lineChart, renderSvg } from 'dln/plot';
      const rng = new Rng(3), stats = statsFromData(reportSec4(rng, 50));
      const batch = createBatch([5, 3, 5], 8, true);
      for (let l = 0; l < 8; l++) setLane(batch, l, initGaussian([5, 3, 5], rng, 0.1), stats);
      const r = await trainBatchedParallel(batch, { schedules: constantSchedule(1e-4), maxSteps: 50 }, 2);
      const svg = await renderSvg(lineChart({ title: 't', series: [{ name: 'a', x: [1, 2], y: [3, 4] }] }));
      console.log(JSON.stringify({ lanes: r.loss.length, finite: Array.from(r.loss).every(Number.isFinite), experiments: experiments.length, svg: svg.startsWith('<svg') }));`)) as Record<string, unknown>;
    assert.deepEqual(out, { lanes: 8, finite: true, experiments: out.experiments, svg: true });
  });

  test('the installed dln command runs the compiled CLI (no tsx in the project)', () => {
    assert.throws(() => project.run(['--input-type=module', '-e', "await import('tsx/esm/api')"]), /Cannot find package 'tsx'/);
    const bin = join(project.dir, 'node_modules/.bin/dln');
    assert.match(project.run([bin, '--help']), /^Usage: dln/);
    const out = JSON.parse(project.run([bin, 'train', '--data', 'report-sec4', '--dims', '5,4,4,5', '--init', 'gaussian', '--init-std', '0.05',
      '--lr', '2e-5', '--steps', '300', '--seed', '1', '--json'])) as { status: string; steps: number; loss: number };
    assert.equal(out.status, 'max-steps');
    assert.equal(out.steps, 300);
    assert.ok(Number.isFinite(out.loss));
  });
});

describe('TypeScript', () => {
  const tsc = (config: string): { status: number | null; output: string } => {
    const r = spawnSync(process.execPath, [join(project.dir, 'node_modules/typescript/bin/tsc'), '-p', join(project.dir, 'ts', config)], { encoding: 'utf8' });
    return { status: r.status, output: `${r.stdout}${r.stderr}` };
  };

  test('a strict consumer of the engine (noUncheckedIndexedAccess, exactOptionalPropertyTypes, skipLibCheck false) type-checks with zero errors, NodeNext and Bundler', () => {
    for (const config of ['tsconfig.engine.json', 'tsconfig.bundler.json']) {
      const r = tsc(config);
      assert.equal(r.output, '', `${config}:\n${r.output}`);
      assert.equal(r.status, 0);
    }
  });

  test('a strict consumer of all four entry points finds no error in dln\'s declarations', () => {
    const r = tsc('tsconfig.json');
    // vega-lite 6.4's own axis.d.ts fails exactOptionalPropertyTypes (TS2320 in Axis), which dln/plot's types reach.
    const errors = r.output.split('\n').filter((l) => /error TS\d+/.test(l));
    assert.deepEqual(errors.filter((l) => !/node_modules\/vega-lite\/build\//.test(l)), [], r.output);
  });
});

/** Serves dir on 127.0.0.1 (a free port) with the MIME types a page and its WASM need. */
async function serveStatic(dir: string): Promise<{ server: Server; url: string }> {
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css' };
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname)).replace(/^(\.\.[/\\])+/, '');
    try {
      const body = readFileSync(join(dir, path.endsWith('/') ? `${path}index.html` : path));
      res.writeHead(200, { 'content-type': types[extname(path) || '.html'] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

describe('a browser bundle', () => {
  test('a Vite-built page imports dln, loads its WASM kernels and trains to the same loss as Node on the WASM backend, in Chromium', async () => {
    const { build } = await import('vite');
    const root = join(project.dir, 'page');
    await build({ root, logLevel: 'silent', configFile: false, build: { outDir: 'dist', emptyOutDir: true } });
    const node = JSON.parse(project.run(['wasm.mjs'])) as { backend: string; loss: number };
    assert.equal(node.backend, 'wasm');
    const { server, url } = await serveStatic(join(root, 'dist'));
    const browser = await launchChromium();
    try {
      const { page, blocked, console: lines } = await openLoopbackPage(browser);
      await page.goto(url);
      await page.waitForFunction(() => (window as { dlnResult?: unknown }).dlnResult !== undefined, undefined, { timeout: 60_000 });
      const result = await page.evaluate(() => (window as unknown as { dlnResult: Record<string, unknown> }).dlnResult);
      assert.deepEqual(blocked, []);
      assert.deepEqual(result, node, lines.join('\n'));
    } finally {
      await browser.close();
      server.close();
    }
  });
});
