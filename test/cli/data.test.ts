import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDln } from '../helpers/cli.ts';
import { runNumpy } from '../helpers/numpy.ts';

const dir = mkdtempSync(join(tmpdir(), 'dln-data-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const dln = (...args: string[]) => startDln(args, dir).done;

test('dln data export writes cars as the numbers --data cars trains on: the critical values agree bit for bit', async () => {
  const ex = await dln('data', 'export', 'cars', '--x', 'cx.npy', '--y', 'cy.npy', '--json');
  assert.equal(ex.code, 0, ex.stderr);
  const info = JSON.parse(ex.stdout);
  assert.equal(info.samples, 392);
  assert.equal(info.preparation.dropped, 14);
  const fromFiles = await dln('critical', '--x', 'cx.npy', '--y', 'cy.npy', '--dims', '5,4,4,4', '--json');
  const fromData = await dln('critical', '--data', 'cars', '--dims', '5,4,4,4', '--json');
  assert.equal(fromFiles.code, 0, fromFiles.stderr);
  assert.equal(fromData.code, 0, fromData.stderr);
  assert.deepEqual(JSON.parse(fromFiles.stdout).values, JSON.parse(fromData.stdout).values);
  const np = runNumpy(`
X = np.load(data['x']); Y = np.load(data['y'])
emit({'shape': [list(X.shape), list(Y.shape)], 'mean': float(abs(X.mean(0)).max()), 'std': float(abs(X.std(0) - 1).max())})`, { x: join(dir, 'cx.npy'), y: join(dir, 'cy.npy') }) as { shape: number[][]; mean: number; std: number } | null;
  if (np === null) return;
  assert.deepEqual(np.shape, [[392, 5], [392, 4]]);
  assert.ok(np.mean < 392 * 2.3e-16 * 4 && np.std < 1e-12, `numpy sees standardised columns: ${np.mean}, ${np.std}`);
});

test('dln data export mnist writes both splits; numpy reads 8000×50 and 2000×50 inputs with centred one-hot targets', async () => {
  const ex = await dln('data', 'export', 'mnist', '--x', 'X.npy', '--y', 'Y.npy', '--test-x', 'Xt.npy', '--test-y', 'Yt.npy');
  assert.equal(ex.code, 0, ex.stderr);
  assert.match(ex.stdout, /principal components/);
  const np = runNumpy(`
d = data['dir']; X = np.load(d + '/X.npy'); Y = np.load(d + '/Y.npy'); Xt = np.load(d + '/Xt.npy'); Yt = np.load(d + '/Yt.npy')
emit({'shapes': [list(a.shape) for a in (X, Y, Xt, Yt)], 'ysum': float(abs(Y.sum(1)).max()), 'xmean': float(abs(X.mean(0)).max())})`, { dir }) as { shapes: number[][]; ysum: number; xmean: number } | null;
  if (np === null) return;
  assert.deepEqual(np.shapes, [[8000, 50], [8000, 10], [2000, 50], [2000, 10]]);
  assert.ok(np.ysum < 1e-12, 'centred one-hot targets sum to zero over the classes');
  assert.ok(np.xmean < 1e-10);
});

test('dln data export refuses to overwrite, odd extensions and a test split of data without one', async () => {
  writeFileSync(join(dir, 'mine.npy'), 'my own file');
  const cases: [string[], RegExp][] = [
    [['data', 'export', 'report-sec4', '--x', 'mine.npy', '--y', 'y2.npy'], /^dln: --x mine\.npy already exists \(dln does not overwrite files; add --force to replace it\)\n$/],
    [['data', 'export', 'report-sec4', '--x', 'a.txt', '--y', 'b.npy'], /--x a\.txt: the file must end in \.npy or \.csv/],
    [['data', 'export', 'cars', '--x', 'a.npy', '--y', 'b.npy', '--test-x', 'c.npy', '--test-y', 'd.npy'], /only mnist has a test split/],
    [['data', 'export', 'iris', '--x', 'a.npy', '--y', 'b.npy'], /NAME must be one of/],
    [['data', 'export', 'cars', '--x', 'a.npy', '--y', 'a.npy'], /must be different files/],
    [['train', '--data', 'cars', '--pca', '3', '--dims', '5,4', '--lr', '1e-3', '--steps', '1'], /--pca, --no-center and --train-samples apply to --data mnist only/],
    // Before: "MNIST: the test set needs a whole number of samples ≥ 0, got -10000", a number the user never gave.
    [['data', 'export', 'mnist', '--train-samples', '20000', '--x', 'a.npy', '--y', 'b.npy'], /^dln: --train-samples must be an integer in 1\.\.10000 \(the mnist package's 10,000 digits\), got '20000'\n$/],
    // Before: exit 0 and two .npy files of 0 rows.
    [['data', 'export', 'mnist', '--train-samples', '10000', '--x', 'a.npy', '--y', 'b.npy', '--test-x', 'c.npy', '--test-y', 'd.npy'], /^dln: --test-x\/--test-y: --train-samples 10000 leaves no digits for the test split; give fewer training samples\n$/],
    [['train', '--data', 'mnist', '--train-samples', '10001', '--dims', '50,10', '--lr', '1e-3', '--steps', '1'], /^dln: --train-samples must be an integer in 1\.\.10000/],
  ];
  for (const [args, message] of cases) {
    const r = await dln(...args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.ok(!r.stderr.includes('    at '), 'no stack trace');
  }
  assert.deepEqual(readdirSync(dir).filter((f) => /^(a|b|c|d|y2)\./.test(f)), [], 'nothing written');
  assert.ok(existsSync(join(dir, 'mine.npy')));
});

test('dln train --data mnist records how the data were prepared in config.json and trains the PCA inputs', async () => {
  const r = await dln('train', '--data', 'penguins', '--dims', '4,3,2', '--init', 'balanced', '--init-scale', '0.5', '--lr', '1e-3', '--steps', '200', '--json');
  assert.equal(r.code, 0, r.stderr);
  const m = await dln('train', '--data', 'mnist', '--pca', '20', '--train-samples', '2000', '--dims', '20,10', '--init', 'zero', '--lr', '1e-5', '--steps', '50', '--out', 'mn', '--no-progress');
  assert.equal(m.code, 0, m.stderr);
  const config = JSON.parse(await import('node:fs').then((fs) => fs.readFileSync(join(dir, 'mn', 'config.json'), 'utf8')));
  assert.equal(config.settings.data.kind, 'real');
  assert.deepEqual(config.settings.data.mnist, { train: 2000, test: 8000, pca: 20, center: true });
  assert.equal(config.settings.data.preparation.inputMean.length, 784);
  assert.match(config.settings.data.describe, /top 20 principal components/);
});
