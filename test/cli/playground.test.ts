// `dln playground`: serves the built page and nothing else, on 127.0.0.1; busy ports and Ctrl-C.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN } from '../helpers/cli.ts';
import { realDataFilePath } from '../../src/node/realDataFiles.ts';

let child: ChildProcess;
let url = '';
let stderr = '';
let dir = '';

/** Sends a raw HTTP/1.1 request (the target exactly as given) and returns the status code. */
function rawGet(port: number, target: string, host = `127.0.0.1:${port}`, method = 'GET'): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => { s.write(`${method} ${target} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`); });
    let data = '';
    s.on('data', (d) => { data += d.toString('latin1'); });
    s.on('end', () => { resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0)); });
    s.on('error', reject);
  });
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dln-playground-'));
  child = spawn(process.execPath, [BIN, 'playground', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m !== null) resolve(m[1]);
    });
    child.on('exit', (code) => { reject(new Error(`dln playground exited with ${code}: ${stderr}`)); });
  });
});

after(() => { if (child.exitCode === null) child.kill('SIGKILL'); rmSync(dir, { recursive: true, force: true }); });

test('serves the page on 127.0.0.1 and its assets with their types', async () => {
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  const page = await fetch(url);
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type') ?? '', /text\/html/);
  assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'self'/);
  const html = await page.text();
  const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(html)?.[1];
  assert.ok(script !== undefined, 'index.html names its script');
  const js = await fetch(new URL(script, url));
  assert.equal(js.status, 200);
  assert.match(js.headers.get('content-type') ?? '', /text\/javascript/);
  assert.ok(readdirSync('build/playground/assets').some((f) => f.endsWith('.wasm')), 'the WASM kernels are part of the page');
});

test('refuses paths outside its folder, answers unknown paths with 404, checks method and Host', async () => {
  const port = Number(new URL(url).port);
  for (const target of ['/../package.json', '/assets/../../package.json', '/%2e%2e/package.json', '/%2E%2E%2Fpackage.json', '/..%5Cpackage.json']) {
    const code = await rawGet(port, target);
    assert.ok(code === 403 || code === 400, `${target}: ${code}`);
  }
  assert.equal(await rawGet(port, '/no-such-file.js'), 404);
  assert.equal(await rawGet(port, '/assets'), 404);
  assert.equal(await rawGet(port, '/%zz'), 400);
  assert.equal(await rawGet(port, '/', `127.0.0.1:${port}`, 'POST'), 405);
  assert.equal(await rawGet(port, '/', 'evil.example:80'), 421);
  assert.equal(await rawGet(port, `/?${'a'.repeat(9000)}`), 414);
});

test('a busy port is one line on stderr and exit code 2', async () => {
  const blocker = createServer();
  await new Promise<void>((r) => { blocker.listen(0, '127.0.0.1', r); });
  const port = (blocker.address() as AddressInfo).port;
  try {
    const r = await new Promise<{ code: number | null; err: string; out: string }>((resolve) => {
      const c = spawn(process.execPath, [BIN, 'playground', '--port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '', out = '';
      c.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
      c.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
      c.on('close', (code) => { resolve({ code, err, out }); });
    });
    assert.equal(r.code, 2);
    assert.equal(r.out, '');
    assert.equal(r.err, `dln: port ${port} on 127.0.0.1 is already in use; stop the other server or choose another with --port\n`);
  } finally {
    blocker.close();
  }
});

test('the data menu\'s real data: cars and penguins as vega-datasets has them, MNIST prepared within its caps, anything else refused with one line', async () => {
  for (const name of ['cars', 'penguins'] as const) {
    const r = await fetch(`${url}data/${name}.json`);
    assert.equal(r.status, 200);
    assert.deepEqual(Buffer.from(await r.arrayBuffer()), readFileSync(realDataFilePath(name)));
  }
  const m = await fetch(`${url}data/mnist?seed=3&pca=4&train=500&center=1`);
  assert.equal(m.status, 200);
  const p = await m.json() as { rows: { x: number; y: number }; samples: number; x: string; rngState: number[]; test: number };
  assert.deepEqual([p.rows, p.samples, Buffer.from(p.x, 'base64').length, p.rngState.length, p.test], [{ x: 4, y: 10 }, 500, 8 * 4 * 500, 6, 9500]);
  for (const [q, code, msg] of [
    ['pca=65', 400, /^mnist: pca must be an integer 1 … 64, got '65'\n$/], ['train=10000', 400, /train must be an integer 1 … 9999/],
    ['seed=-1', 400, /seed must be an integer/], ['center=2', 400, /center must be 0 or 1/], ['evil=1', 400, /unknown parameter 'evil'/],
    ['pca=60&train=20', 400, /60 principal components need at least as many training samples/],
  ] as const) {
    const r = await fetch(`${url}data/mnist?${q}`);
    assert.equal(r.status, code, q);
    assert.match(await r.text(), msg);
  }
  for (const bad of ['data/iris.json', 'data/cars.json.bak', 'data/../package.json', 'data/CARS.json']) assert.equal((await fetch(`${url}${bad}`)).status >= 400, true, bad);
});

test('--export writes a self-contained folder, never over a non-empty one', async () => {
  const out = join(dir, 'site');
  const r = await new Promise<number | null>((resolve) => { spawn(process.execPath, [BIN, 'playground', '--export', out], { stdio: 'ignore' }).on('close', resolve); });
  assert.equal(r, 0);
  assert.ok(existsSync(join(out, 'index.html')));
  assert.ok(readdirSync(join(out, 'assets')).some((f) => f.endsWith('.wasm')));
  for (const name of ['cars', 'penguins'] as const) assert.deepEqual(readFileSync(join(out, 'data', `${name}.json`)), readFileSync(realDataFilePath(name)), `the export carries ${name}.json`);
  const full = join(dir, 'full');
  mkdirSync(full);
  writeFileSync(join(full, 'keep.txt'), 'mine');
  const again = await new Promise<number | null>((resolve) => { spawn(process.execPath, [BIN, 'playground', '--export', full], { stdio: 'ignore' }).on('close', resolve); });
  assert.equal(again, 2);
  assert.deepEqual(readdirSync(full), ['keep.txt']);
});

test('Ctrl-C stops the server cleanly (exit 0)', async () => {
  const closed = new Promise<number | null>((resolve) => { child.on('close', resolve); });
  child.kill('SIGINT');
  assert.equal(await closed, 0);
  assert.match(stderr, /playground stopped/);
  await assert.rejects(fetch(url));
});
