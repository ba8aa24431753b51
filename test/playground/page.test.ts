// The playground in Debian's Chromium (one browser for every check): it trains, exports runs that
// `dln train --config` replays bit for bit, shares runs by URL, reports bad uploads, agrees with
// `dln hessian`, passes axe-core and fetches nothing from outside 127.0.0.1.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { unzipSync } from 'fflate';
import { launchChromium, openLoopbackPage, type LoopbackPage } from '../helpers/browser.ts';
import { BIN } from '../helpers/cli.ts';
import { type PlaygroundServer, playgroundRoot, startPlaygroundServer } from '../../src/node/playgroundServer.ts';
import { decodeWeights } from '../../src/data/npz.ts';
import { unrollable } from '../../src/model/index.ts';
import type { PageProbe } from '../../src/playground/main.ts';

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));

let browser: Browser;
let server: PlaygroundServer;
let dir = '';
const pages: LoopbackPage[] = [];

type Probe = Omit<PageProbe, 'lastWeights'> & { lastWeights: number[][] | null };
/** The page's probe, with the weights as plain arrays. */
const probe = (page: Page): Promise<Probe> => page.evaluate(() => {
  const p = (window as unknown as { dlnPlayground: PageProbe }).dlnPlayground;
  return { ...p, lastWeights: p.lastWeights === null ? null : p.lastWeights.map((w) => Array.from(w)) };
});

async function open(query = '', viewport = { width: 1366, height: 768 }): Promise<Page> {
  const lp = await openLoopbackPage(browser, viewport);
  pages.push(lp);
  await lp.page.goto(`${server.url}${query}`);
  await waitSetup(lp.page);
  return lp.page;
}

/** Waits until the worker has set up the run the page asked for (info present, at step 0). */
async function waitSetup(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const p = (window as unknown as { dlnPlayground?: PageProbe }).dlnPlayground;
    return p !== undefined && p.ready && p.info !== null && p.step === 0 && !p.running;
  }, null, { timeout: 30000 });
}

async function runSteps(page: Page, n: number): Promise<Probe> {
  const start = (await probe(page)).step;
  await page.fill('#nsteps', String(n));
  await page.click('#stepn');
  await page.waitForFunction((want) => {
    const p = (window as unknown as { dlnPlayground: PageProbe }).dlnPlayground;
    return p.step >= want && !p.running;
  }, start + n, { timeout: 60000 });
  return probe(page);
}

async function preset(page: Page, id: string): Promise<void> {
  const setups = (await probe(page)).setups;
  await page.click(`#presets button[data-preset="${id}"]`);
  await page.waitForFunction((n) => (window as unknown as { dlnPlayground: PageProbe }).dlnPlayground.setups > n, setups, { timeout: 30000 });
  await waitSetup(page);
}

/** Clicks Export and unpacks the zip into a new folder; returns the run folder's path. */
async function exportRun(page: Page, name: string): Promise<string> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
  const zip = readFileSync(await download.path());
  const out = join(dir, name);
  for (const [path, bytes] of Object.entries(unzipSync(new Uint8Array(zip)))) {
    const file = join(out, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, bytes);
  }
  const top = Object.keys(unzipSync(new Uint8Array(zip)))[0].split('/')[0];
  return join(out, top);
}

function dln(args: readonly string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    c.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    c.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    c.on('error', reject);
    c.on('close', (code) => { resolve({ code, stdout, stderr }); });
  });
}

const hex = (w: { data: Float64Array }[]): string[] => w.map((m) => Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength).toString('hex'));

/** Exports the page's run and replays it with `dln train --config`; asserts the same weights, bit for bit. */
async function assertReplays(page: Page, name: string): Promise<string> {
  const run = await exportRun(page, name);
  const r = await dln(['train', '--config', 'config.json', '--out', 'again', '--json', '--no-progress'], run);
  assert.equal(r.code, 0, r.stderr);
  const page0 = decodeWeights(readFileSync(join(run, 'weights.npz')));
  const node = decodeWeights(readFileSync(join(run, 'again', 'weights.npz')));
  assert.deepEqual(hex(node), hex(page0), `${name}: dln train --config gives the page's weights`);
  const live = (await probe(page)).lastWeights as number[][];
  assert.deepEqual(hex(live.map((w) => ({ data: Float64Array.from(w) }))), hex(page0), `${name}: the export holds the page's weights`);
  return run;
}

describe('the playground page in Chromium', () => {
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dln-page-'));
    mkdirSync(ARTIFACTS, { recursive: true });
    server = await startPlaygroundServer(playgroundRoot(), '127.0.0.1', 0);
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the default preset trains until the loss falls below a critical-value line; screenshots', async () => {
    const page = await open();
    const info = (await probe(page)).info!;
    const rank1 = info.critical.find((c) => c.subset.join() === '1')!;
    await page.click('#runpause');
    await page.waitForFunction((line) => (window as unknown as { dlnPlayground: PageProbe }).dlnPlayground.lastLoss < line, rank1.loss, { timeout: 60000 });
    await page.waitForFunction(() => !(window as unknown as { dlnPlayground: PageProbe }).dlnPlayground.running, null, { timeout: 60000 });
    // dln train's classification: the run ends at the global minimum with its gradient at rounding level.
    assert.match(await page.textContent('#status') ?? '', /^stopped: converged · .* · at the global minimum for these widths: critical value [\d.]+ \(rank 4 ≤ 4 = min width\)/);
    assert.equal((await probe(page)).backend, 'wasm');
    await page.screenshot({ path: join(ARTIFACTS, 'playground-1366x768.png') });
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(ARTIFACTS, 'playground-1920x1080.png') });
  });

  test('export → dln train --config gives the same weights, bit for bit (generated kernel, and WASM products from files and a critical point)', async () => {
    const page = await open();
    await runSteps(page, 1234);
    const run = await assertReplays(page, 'default');
    const config = JSON.parse(readFileSync(join(run, 'config.json'), 'utf8')) as { settings: { data: { kind: string }; steps: number }; backend: string };
    assert.equal(config.settings.data.kind, 'builtin');
    assert.equal(config.settings.steps, 1234);
    assert.equal(config.backend, 'wasm');
    for (const f of ['trajectory.csv', 'summary.json', 'figures/loss.png', 'figures/loss.svg']) assert.ok(readFileSync(join(run, f)).length > 0, f);
    const dims = [5, 40, 40, 5];
    assert.equal(unrollable(dims), false, 'this network takes the WASM products');
    const wide = await open(`?dims=${dims.join(',')}&data=report-sec4&m=200&init=critical&subset=1,2&strict=1&perturb=0.001&opt=gd&etaMode=sharpness&eta=0.5&seed=7&steps=500&every=7`);
    await runSteps(wide, 321);
    const run2 = await assertReplays(wide, 'wide');
    const c2 = JSON.parse(readFileSync(join(run2, 'config.json'), 'utf8')) as { settings: { data: { kind: string }; init: { kind: string } } };
    assert.deepEqual([c2.settings.data.kind, c2.settings.init.kind], ['files', 'weights']);
  });

  test('a shared URL reproduces the numbers, bit for bit', async () => {
    const a = await open('?dims=5,3,5&data=report-sec4&init=balanced&scale=0.3&opt=power&etaMode=value&eta=3e-5&b=1&p=0.5&seed=12&steps=5000&every=10');
    const pa = await runSteps(a, 777);
    const b = await open(new URL(a.url()).search);
    const pb = await runSteps(b, 777);
    assert.deepEqual(pb.lastWeights, pa.lastWeights);
    assert.ok(Object.is(pb.lastLoss, pa.lastLoss));
    assert.equal(pb.step, 777);
  });

  test('from a non-strict critical point the run stays on its plateau; from the strict one it escapes', async () => {
    const page = await open();
    await preset(page, 'nonstrict');
    const info = (await probe(page)).info!;
    const level = info.critical.find((c) => c.subset.join() === '1,2')!.loss;
    const non = await runSteps(page, 3000);
    assert.ok(Math.abs(non.lastLoss - level) / level < 1e-4, `non-strict: loss ${non.lastLoss} vs L(S) ${level}`);
    assert.match(await page.textContent('#status') ?? '', /on a plateau: the saddle value [\d.]+ \(S = \{1,2\}, rank 2\) for [\d,]+ steps; the global minimum is [\d.]+ · /);
    await preset(page, 'strict');
    const strict = await runSteps(page, 3000);
    assert.ok(strict.lastLoss < level - 1, `strict: loss ${strict.lastLoss} left L(S) = ${level}`);
  });

  test('a malformed CSV gets the CLI\'s message in the page, and the page stays usable', async () => {
    const page = await open();
    const bad = 'a,b\n1,2\n3\n', good = 'y\n1\n2\n';
    writeFileSync(join(dir, 'X.csv'), bad);
    writeFileSync(join(dir, 'Y.csv'), good);
    const cli = await dln(['train', '--x', 'X.csv', '--y', 'Y.csv', '--dims', '2,2,1', '--lr', '1e-3'], dir);
    assert.equal(cli.code, 2);
    const message = cli.stderr.trim().replace(/^dln: /, '');
    await page.selectOption('#data', 'upload');
    await page.setInputFiles('#xfile', { name: 'X.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
    await page.setInputFiles('#yfile', { name: 'Y.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
    await page.fill('#dims', '2,2,1');
    await page.click('#apply');
    await page.waitForFunction(() => (document.getElementById('config-error')?.textContent ?? '') !== '');
    assert.equal(await page.textContent('#config-error'), message);
    const before = await probe(page);
    const after = await runSteps(page, 100);
    assert.equal(after.step, before.step + 100, 'the previous run still runs');
    await preset(page, 'plateaus');
    assert.equal(await page.textContent('#config-error'), '');
  });

  test('the Hessian panel\'s verdicts equal dln hessian on the same weights', async () => {
    for (const strict of ['0', '1']) {
      const page = await open(`?dims=10,10,10,4&data=amg-escape&init=critical&subset=1,2&strict=${strict}&perturb=0&seed=1`);
      await page.click('#inspect');
      await page.waitForSelector('#verdicts');
      const text = await page.textContent('#verdicts') ?? '';
      const run = await exportRun(page, `hessian-${strict}`);
      const r = await dln(['hessian', '--data', 'amg-escape', '--seed', '1', '--weights', 'weights.npz', '--json'], run);
      assert.equal(r.code, 0, r.stderr);
      const cli = JSON.parse(r.stdout) as { theorem7: string; hessianVerdict: string };
      assert.equal(cli.hessianVerdict, strict === '1' ? 'strict-saddle' : 'non-strict-saddle');
      assert.equal(text, `Theorem 7: ${cli.theorem7} · Hessian: ${cli.hessianVerdict} · the verdicts agree`);
    }
  });

  test('axe-core finds no serious or critical violations (main view and inspect panel)', async () => {
    const page = await open();
    await runSteps(page, 200);
    await page.click('#inspect');
    await page.waitForSelector('#verdicts');
    const result = await new AxeBuilder({ page }).analyze();
    const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    assert.deepEqual(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), []);
  });

  test('no page requested anything outside 127.0.0.1, and no page error was logged', () => {
    assert.ok(pages.length >= 8);
    for (const p of pages) {
      assert.deepEqual(p.blocked, []);
      assert.deepEqual(p.console.filter((l) => l.startsWith('pageerror') || l.startsWith('error')), []);
    }
  });
});
