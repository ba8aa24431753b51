// The playground in Chromium, beyond GD: perturbed GD paused and stepped keeps the bits of one run and
// its export is replayed by `dln pgd --config`; the real data sets of the data menu give the CLI's
// bits; the status line says where the loss sits among the critical values.
import { after, before, describe, test } from 'node:test';
import { spawn } from 'node:child_process';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { unzipSync } from 'fflate';
import { launchChromium, openLoopbackPage, type LoopbackPage } from '../helpers/browser.ts';
import { type Run, startDln } from '../helpers/cli.ts';
import { type PlaygroundServer, playgroundRoot, startPlaygroundServer } from '../../src/node/playgroundServer.ts';
import { decodeWeights } from '../../src/data/npz.ts';
import type { PageProbe } from '../../src/playground/main.ts';

let browser: Browser;
let server: PlaygroundServer;
let dir = '';
/** The report the ▶-link tests open, and the experiments it holds (each with one linked figure). */
let rep = '';
const LINKED = ['plateaus', 'strict-vs-nonstrict', 'pgd-origin', 'step-size-bound'];
const pages: LoopbackPage[] = [];

type Probe = Omit<PageProbe, 'lastWeights'> & { lastWeights: number[][] | null };
const probe = (page: Page): Promise<Probe> => page.evaluate(() => {
  const p = (window as unknown as { dlnPlayground: PageProbe }).dlnPlayground;
  return { ...p, lastWeights: p.lastWeights === null ? null : p.lastWeights.map((w) => Array.from(w)) };
});

async function open(query: string): Promise<Page> {
  const lp = await openLoopbackPage(browser);
  pages.push(lp);
  await lp.page.goto(`${server.url}${query}`);
  await lp.page.waitForFunction(() => {
    const p = (window as unknown as { dlnPlayground?: PageProbe }).dlnPlayground;
    return p !== undefined && p.ready && p.info !== null && p.step === 0 && !p.running;
  }, null, { timeout: 60000 });
  return lp.page;
}

/** Clicks a control that advances the run and waits until the worker has stopped at step ≥ want. */
async function advanceTo(page: Page, click: () => Promise<void>, want: number): Promise<Probe> {
  await click();
  await page.waitForFunction((n) => {
    const p = (window as unknown as { dlnPlayground: PageProbe }).dlnPlayground;
    return p.step >= n && !p.running;
  }, want, { timeout: 120000 });
  return probe(page);
}

async function runSteps(page: Page, n: number): Promise<Probe> {
  const start = (await probe(page)).step;
  return advanceTo(page, async () => { await page.fill('#nsteps', String(n)); await page.click('#stepn'); }, start + n);
}

async function exportRun(page: Page, name: string): Promise<string> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
  const files = unzipSync(new Uint8Array(readFileSync(await download.path())));
  const out = join(dir, name);
  for (const [path, bytes] of Object.entries(files)) {
    mkdirSync(dirname(join(out, path)), { recursive: true });
    writeFileSync(join(out, path), bytes);
  }
  return join(out, Object.keys(files)[0].split('/')[0]);
}

const dln = (args: readonly string[], cwd: string): Promise<Run> => startDln(args, cwd).done;

/** The rows of an experiment's CSV table (comment lines skipped; no cell of these tables holds a comma). */
function csvRows(path: string): Record<string, string>[] {
  const lines = readFileSync(path, 'utf8').trim().split('\n').filter((l) => !l.startsWith('#'));
  const header = lines[0].split(',');
  return lines.slice(1).map((l) => Object.fromEntries(l.split(',').map((c, i) => [header[i], c])));
}

/** A column of a curves table, by step (numbers round-trip exactly). */
function csvColumn(path: string, name: string): Map<number, number> {
  const rows = csvRows(path);
  assert.ok(rows.length > 0 && name in rows[0], `${path}: column ${name}`);
  return new Map(rows.filter((r) => r[name] !== '' && r[name] !== undefined).map((r) => [Number(Object.values(r)[0]), Number(r[name])]));
}

const hex = (w: { data: Float64Array }[]): string[] => w.map((m) => Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength).toString('hex'));
const liveHex = (p: Probe): string[] => hex((p.lastWeights as number[][]).map((w) => ({ data: Float64Array.from(w) })));

describe('the playground page in Chromium: perturbed GD, real data, the status line', () => {
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dln-page-runs-'));
    server = await startPlaygroundServer(playgroundRoot(), '127.0.0.1', 0);
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('perturbed GD steps, pauses and runs on with the bits of one uninterrupted run; dln pgd --config replays the export bit for bit', async () => {
    // Depth 2 from the origin: the first perturbation happens at t = 0, so single steps cross it.
    const query = '?dims=2,2,2&data=ln-pgd&init=zero&opt=pgd&epsilon=0.001&seed=3&steps=1500&every=1';
    const cut = await open(query);
    await advanceTo(cut, () => cut.click('#step1'), 1);
    await advanceTo(cut, () => cut.click('#step1'), 2);
    await runSteps(cut, 300);
    // Run, then pause while running, then run on to the budget.
    // The button offers Pause as soon as Run is clicked (a fast run may be over before the page sees it running).
    await cut.click('#runpause');
    assert.equal(await cut.textContent('#runpause'), 'Pause');
    await cut.click('#runpause');
    const paused = await advanceTo(cut, async () => {}, 302);
    const done = await advanceTo(cut, () => cut.click('#runpause'), 1500);
    assert.equal(done.status, 'max-iterations');
    const whole = await open(query);
    const one = await advanceTo(whole, () => whole.click('#runpause'), 1500);
    assert.deepEqual(liveHex(done), liveHex(one), 'the same weights as one uninterrupted run');
    assert.ok(Object.is(done.lastLoss, one.lastLoss));
    assert.ok(paused.step >= 302);
    // An export in the middle of a run, and one at its end, both replay.
    for (const [name, page, steps] of [['pgd-mid', await open(query), 777], ['pgd-end', cut, 0]] as const) {
      // 93 steps first: there uPlot's range of the sharpness chart (1 − 1.2e-9 … 1) rounded to [1, 1] and its
      // tick loop never ended ('Invalid array length', caught by the last test of this file).
      if (steps > 0) { await runSteps(page, 93); await runSteps(page, steps - 93); }
      const run = await exportRun(page, name);
      const r = await dln(['pgd', '--config', 'config.json', '--out', 'again.npz', '--json', '--no-progress'], run);
      assert.equal(r.code, 0, r.stderr);
      const exported = decodeWeights(readFileSync(join(run, 'weights.npz')));
      assert.deepEqual(hex(decodeWeights(readFileSync(join(run, 'again.npz')))), hex(exported), `${name}: dln pgd --config gives the page's weights`);
      assert.deepEqual(hex(exported), liveHex(await probe(page)), `${name}: the export holds the page's weights`);
      assert.equal((JSON.parse(r.stdout) as { iterations: number }).iterations, steps > 0 ? steps : 1500);
    }
  });

  test('cars, penguins and MNIST from the data menu give the bits of dln train --data, and their exports replay', async () => {
    const cases = [
      { name: 'cars', query: '?dims=5,4,4,4&data=cars&init=gaussian&std=0.05&opt=gd&etaMode=value&eta=0.0005&seed=4&steps=5000&every=10', steps: 1500,
        cli: ['--data', 'cars', '--dims', '5,4,4,4', '--init', 'gaussian', '--init-std', '0.05', '--lr', '0.0005', '--seed', '4'] },
      { name: 'penguins', query: '?dims=4,3,2&data=penguins&init=balanced&scale=0.1&opt=gd&etaMode=value&eta=0.001&seed=2&steps=5000&every=10', steps: 800,
        cli: ['--data', 'penguins', '--dims', '4,3,2', '--init', 'balanced', '--init-scale', '0.1', '--lr', '0.001', '--seed', '2'] },
      // MNIST's split draws from the run's generator before W(0): the server sends its state with the data.
      { name: 'mnist', query: '?dims=8,6,10&data=mnist&pca=8&train=3000&center=1&init=gaussian&std=0.01&opt=gd&etaMode=value&eta=0.00002&seed=5&steps=5000&every=10', steps: 300,
        cli: ['--data', 'mnist', '--pca', '8', '--train-samples', '3000', '--dims', '8,6,10', '--init', 'gaussian', '--init-std', '0.01', '--lr', '0.00002', '--seed', '5'] },
    ];
    for (const c of cases) {
      const page = await open(c.query);
      const p = await runSteps(page, c.steps);
      const out = join(dir, `cli-${c.name}`);
      const r = await dln(['--backend', 'wasm', 'train', ...c.cli, '--steps', String(c.steps), '--record-every', '10', '--out', out, '--json', '--no-progress'], dir);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(liveHex(p), hex(decodeWeights(readFileSync(join(out, 'weights.npz')))), `${c.name}: the page's weights are dln train's`);
      const cliLoss = (JSON.parse(r.stdout) as { loss: number }).loss;
      const run = await exportRun(page, `export-${c.name}`);
      const summary = JSON.parse(readFileSync(join(run, 'summary.json'), 'utf8')) as { loss: number };
      assert.ok(Object.is(summary.loss, cliLoss), `${c.name}: loss ${summary.loss} vs dln train ${cliLoss}`);
      const config = JSON.parse(readFileSync(join(run, 'config.json'), 'utf8')) as { settings: { data: { kind: string; name: string } } };
      assert.deepEqual([config.settings.data.kind, config.settings.data.name], ['real', c.name]);
      const again = await dln(['train', '--config', 'config.json', '--out', 'again', '--json', '--no-progress'], run);
      assert.equal(again.code, 0, again.stderr);
      assert.deepEqual(hex(decodeWeights(readFileSync(join(run, 'again', 'weights.npz')))), liveHex(p), `${c.name}: dln train --config replays the export`);
      assert.match(await page.textContent('#status') ?? '', new RegExp(`step ${c.steps.toLocaleString('en')}`));
    }
  });

  test('Saxe\'s data with the aligned start from the menus give the bits of dln train --data saxe --init aligned, and the export names both again', async () => {
    const page = await open('?dims=5,5,5,5&data=saxe&init=aligned&scale=0.15&opt=gd&etaMode=value&eta=0.01&seed=3&steps=5000&every=10');
    assert.deepEqual([await page.inputValue('#data'), await page.inputValue('#init'), await page.inputValue('#scale')], ['saxe', 'aligned', '0.15']);
    const p = await runSteps(page, 400);
    const out = join(dir, 'cli-saxe');
    const r = await dln(['--backend', 'wasm', 'train', '--data', 'saxe', '--dims', '5,5,5,5', '--init', 'aligned', '--init-scale', '0.15', '--lr', '0.01', '--seed', '3', '--steps', '400', '--record-every', '10', '--out', out, '--json', '--no-progress'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(liveHex(p), hex(decodeWeights(readFileSync(join(out, 'weights.npz')))), 'the page\'s weights are dln train\'s');
    const run = await exportRun(page, 'export-saxe');
    const config = JSON.parse(readFileSync(join(run, 'config.json'), 'utf8')) as { settings: { data: { kind: string; name: string }; init: { kind: string; scale: number } } };
    assert.deepEqual([config.settings.data, config.settings.init], [{ kind: 'builtin', name: 'saxe', seed: 3 }, { kind: 'aligned', scale: 0.15 }]);
    const again = await dln(['train', '--config', 'config.json', '--out', 'again', '--json', '--no-progress'], run);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(hex(decodeWeights(readFileSync(join(run, 'again', 'weights.npz')))), liveHex(p), 'dln train --config replays the export');
  });

  test('choosing a real data set in the menu sets the widths\' ends, and the run starts on it', async () => {
    const page = await open('');
    const setups = (await probe(page)).setups;
    await page.selectOption('#data', 'cars');
    assert.equal(await page.inputValue('#dims'), '5,4,4,4');
    await page.click('#apply');
    await page.waitForFunction((n) => (window as unknown as { dlnPlayground: PageProbe }).dlnPlayground.setups > n, setups, { timeout: 30000 });
    const p = await probe(page);
    assert.deepEqual([p.info?.dx, p.info?.dy, p.info?.m], [5, 4, 392]);
    assert.equal(await page.textContent('#config-error'), '');
    assert.match(new URL(page.url()).search, /data=cars/);
    await page.selectOption('#data', 'mnist');
    assert.equal(await page.inputValue('#dims'), '50,4,4,10');
  });

  test('a static --export on a plain web server: cars trains from the bundled file, MNIST says it needs dln playground', async () => {
    const site = join(dir, 'site');
    const r = await dln(['playground', '--export', site], dir);
    assert.equal(r.code, 0, r.stderr);
    const py = spawn('python3', ['-m', 'http.server', '0', '--bind', '127.0.0.1', '--directory', site], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const port = await new Promise<number>((resolve, reject) => {
        let out = '';
        const seen = (d: Buffer): void => { out += d.toString(); const m = /port (\d+)/.exec(out); if (m !== null) resolve(Number(m[1])); };
        py.stdout.on('data', seen); py.stderr.on('data', seen);
        py.on('exit', (code) => { reject(new Error(`python3 -m http.server exited with ${code}: ${out}`)); });
      });
      const lp = await openLoopbackPage(browser);
      await lp.page.goto(`http://127.0.0.1:${port}/index.html?dims=5,4,4,4&data=cars&seed=4`);
      await lp.page.waitForFunction(() => (window as unknown as { dlnPlayground?: PageProbe }).dlnPlayground?.info?.m === 392, null, { timeout: 60000 });
      await lp.page.goto(`http://127.0.0.1:${port}/index.html?dims=50,4,10&data=mnist`);
      await lp.page.waitForFunction(() => (document.getElementById('config-error')?.textContent ?? '') !== '', null, { timeout: 60000 });
      assert.equal(await lp.page.textContent('#config-error'), 'MNIST is prepared by the server of dln playground (the seeded split and the principal components); this copy of the page has none: run npx dln playground');
      assert.deepEqual(lp.blocked, []);
      await lp.context.close();
    } finally {
      py.kill();
    }
  });

  test('the report\'s ▶ link opens the bundled playground on the figure\'s run, which ends at the experiment\'s loss bit for bit; from disk it points at dln playground', async () => {
    rep = join(dir, 'report');
    // On the page's kernels (WASM) the bits are the same; on others the same to rounding.
    const r = await dln(['--backend', 'wasm', 'reproduce', '--only', LINKED.join(','), '--quick', '--out', rep, '--no-progress'], dir);
    assert.equal(r.code, 0, r.stderr);
    const html = readFileSync(join(rep, 'index.html'), 'utf8');
    const m = /<a class="playground" data-playground="([^"]+)" href="([^"]+)">▶ init std 0\.05 in the playground<\/a>/.exec(html);
    assert.ok(m !== null, 'the plateaus figure links its first curve');
    const query = m[1].replace(/&amp;/g, '&');
    assert.equal(m[2].replace(/&amp;/g, '&'), `playground/index.html?${query}`);
    for (const f of ['index.html', 'data/cars.json', 'data/penguins.json']) assert.ok(existsSync(join(rep, 'playground', f)), f);
    // The experiment's losses of that curve, from the CSV it wrote (numbers round-trip exactly; rows strided).
    const csv = readFileSync(join(rep, 'plateaus', 'loss-curves.csv'), 'utf8').trim().split('\n').filter((l) => !l.startsWith('#'));
    const col = csv[0].split(',').indexOf('loss_init_std_0.05');
    assert.ok(col > 0);
    const want = new Map(csv.slice(1).map((l) => l.split(',')).filter((c) => c[col] !== '' && c[col] !== undefined).map((c) => [Number(c[0]), Number(c[col])]));
    const steps = Number(new URLSearchParams(query).get('steps'));
    // A static server on the bundled copy, as a web host would serve it.
    const bundled = await startPlaygroundServer(join(rep, 'playground'), '127.0.0.1', 0);
    try {
      const lp = await openLoopbackPage(browser);
      pages.push(lp);
      await lp.page.goto(`${bundled.url}index.html?${query}`);
      await lp.page.waitForFunction(() => (window as unknown as { dlnPlayground?: PageProbe }).dlnPlayground?.info != null, null, { timeout: 60000 });
      await lp.page.selectOption('#speed', 'Infinity');
      const p = await advanceTo(lp.page, () => lp.page.click('#runpause'), steps);
      assert.equal(p.step, steps);
      // The page's trajectory (every step) against every loss of the experiment's table.
      const traj = readFileSync(join(await exportRun(lp.page, 'report-link'), 'trajectory.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
      const page = new Map(traj.map((c) => [Number(c[0]), Number(c[1])]));
      let compared = 0;
      for (const [k, loss] of want) {
        if (k > steps) continue;
        assert.ok(Object.is(page.get(k), loss), `step ${k}: page ${page.get(k)} vs experiment ${loss}`);
        compared++;
      }
      assert.ok(compared >= 40, `${compared} losses compared`);
      assert.ok(Object.is(p.lastLoss, page.get(steps)));
    } finally {
      await bundled.close();
    }
    // Opened from disk (no worker, no WASM there), the links go to dln playground on 127.0.0.1:8080.
    const disk = await browser.newPage();
    try {
      await disk.goto(pathToFileURL(join(rep, 'index.html')).href);
      const links = await disk.$$eval('a.playground', (as) => as.map((a) => [(a as HTMLAnchorElement).href, a.getAttribute('data-playground') ?? '']));
      assert.equal(links.length, LINKED.length, 'one link per experiment of this report');
      assert.ok(links.some(([href]) => href === `http://127.0.0.1:8080/?${query}`));
      for (const [href, q] of links) assert.equal(href, `http://127.0.0.1:8080/?${q}`);
      assert.match(await disk.textContent('.playground-note') ?? '', /npx dln playground/);
    } finally {
      await disk.close();
    }
  });

  test('the report\'s ▶ links of a perturbed critical point, of perturbed GD and of plain GD at a bound\'s multiple end at the experiments\' recorded losses bit for bit', async () => {
    assert.ok(rep !== '', 'the report of the previous test');
    const html = readFileSync(join(rep, 'index.html'), 'utf8');
    const links = [...html.matchAll(/<a class="playground" data-playground="([^"]+)" href="([^"]+)">▶ ([^<]+) in the playground<\/a>/g)]
      .map((m) => ({ query: m[1].replace(/&amp;/g, '&'), curve: m[3] }));
    // What each experiment recorded of the linked run: its last step and the loss there.
    const expected = (curve: string, q: URLSearchParams): { steps: number; loss: number } => {
      if (curve.startsWith('strict')) {
        const steps = Number(q.get('steps'));
        return { steps, loss: csvColumn(join(rep, 'strict-vs-nonstrict', 'loss-curves.csv'), curve).get(steps) as number };
      }
      if (curve.startsWith('η =')) {
        const steps = Number(q.get('steps'));
        return { steps, loss: csvColumn(join(rep, 'step-size-bound', 'loss-curves.csv'), `eta_${Number(q.get('eta')).toExponential(3)}`).get(steps) as number };
      }
      const row = csvRows(join(rep, 'pgd-origin', 'runs.csv')).find((c) => c.N === '2' && c.run === '1') as Record<string, string>;
      return { steps: Number(row.iterations), loss: Number(row.final_loss) };
    };
    const kinds = new Set<string>();
    const bundled = await startPlaygroundServer(join(rep, 'playground'), '127.0.0.1', 0);
    try {
      for (const { query, curve } of links.filter((l) => !l.curve.startsWith('init std'))) {
        const q = new URLSearchParams(query);
        kinds.add(`${q.get('init')}/${q.get('opt')}`);
        const want = expected(curve, q);
        assert.ok(Number.isFinite(want.loss) && want.steps > 0, `${curve}: the experiment's record`);
        const lp = await openLoopbackPage(browser);
        pages.push(lp);
        await lp.page.goto(`${bundled.url}index.html?${query}`);
        await lp.page.waitForFunction(() => (window as unknown as { dlnPlayground?: PageProbe }).dlnPlayground?.info != null, null, { timeout: 60000 });
        await lp.page.selectOption('#speed', 'Infinity');
        const p = await advanceTo(lp.page, () => lp.page.click('#runpause'), want.steps);
        assert.equal(p.step, want.steps, `${curve}: the page's last step`);
        assert.ok(Object.is(p.lastLoss, want.loss), `${curve}: page ${p.lastLoss} vs experiment ${want.loss}`);
        await lp.context.close();
      }
    } finally {
      await bundled.close();
    }
    assert.deepEqual([...kinds].sort(), ['critical/gd', 'gaussian/gd', 'zero/pgd']);
  });

  test('no page requested anything outside 127.0.0.1, and no page error was logged', () => {
    for (const p of pages) {
      assert.deepEqual(p.blocked, []);
      assert.deepEqual(p.console.filter((l) => l.startsWith('pageerror') || l.startsWith('error')), []);
    }
  });
});
