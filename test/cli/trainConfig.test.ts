// dln train --config: a config.json replays its run to the same bits; conflicting flags and bad files are one-line errors.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDln } from '../helpers/cli.ts';

let dir = '';
const dln = (args: readonly string[]) => startDln(['train', ...args], dir).done;

before(() => { dir = mkdtempSync(join(tmpdir(), 'dln-config-')); });
after(() => { rmSync(dir, { recursive: true, force: true }); });

test('a run folder\'s config.json gives the same weights and trajectory again', async () => {
  const first = await dln(['--data', 'report-sec5', '--dims', '5,3,5', '--init', 'balanced', '--init-scale', '0.5', '--lr', '1e-3', '--steps', '333', '--seed', '9', '--out', 'a', '--no-progress']);
  assert.equal(first.code, 0, first.stderr);
  const again = await dln(['--config', join('a', 'config.json'), '--out', 'b', '--no-progress']);
  assert.equal(again.code, 0, again.stderr);
  assert.ok(readFileSync(join(dir, 'a', 'weights.npz')).equals(readFileSync(join(dir, 'b', 'weights.npz'))));
  assert.equal(readFileSync(join(dir, 'b', 'trajectory.csv'), 'utf8'), readFileSync(join(dir, 'a', 'trajectory.csv'), 'utf8'));
  const cfg = JSON.parse(readFileSync(join(dir, 'b', 'config.json'), 'utf8')) as { settings: unknown };
  assert.deepEqual(cfg.settings, (JSON.parse(readFileSync(join(dir, 'a', 'config.json'), 'utf8')) as { settings: unknown }).settings);
});

test('--config refuses flags that would change the run, and files that are not run configurations', async () => {
  const withLr = await dln(['--config', join('a', 'config.json'), '--lr', '1']);
  assert.equal(withLr.code, 2);
  assert.equal(withLr.stderr, `dln: --config replays the settings in ${join('a', 'config.json')}; --lr cannot be given with it\n`);
  writeFileSync(join(dir, 'pgd.json'), JSON.stringify({ settings: { method: 'pgd' } }));
  const pgd = await dln(['--config', 'pgd.json']);
  assert.equal(pgd.code, 2);
  assert.match(pgd.stderr, /^dln: --config pgd\.json: settings\.method is 'pgd'; dln train replays 'gd' and 'flow' runs \(replay perturbed GD with dln pgd --config\)\n$/);
  const missing = await dln(['--config', 'nope.json']);
  assert.equal(missing.code, 2);
  assert.equal(missing.stderr, 'dln: --config nope.json: cannot read it (ENOENT)\n');
  // Data and widths of the file that do not fit: the message names the file (before: "--dims starts with 3, but X has 5 features", a flag not given).
  const a = JSON.parse(readFileSync(join(dir, 'a', 'config.json'), 'utf8')) as { settings: { dims: number[]; data: { params?: unknown } } };
  writeFileSync(join(dir, 'dims.json'), JSON.stringify({ ...a, settings: { ...a.settings, dims: [3, 3, 5] } }));
  const dims = await dln(['--config', 'dims.json', '--no-progress']);
  assert.equal(dims.code, 2);
  assert.match(dims.stderr, /^dln: --config dims\.json: --dims starts with 3, but X has 5 features[^\n]*\n$/);
  writeFileSync(join(dir, 'noise.json'), JSON.stringify({ ...a, settings: { ...a.settings, data: { ...a.settings.data, params: { noise: -1 } } } }));
  const noise = await dln(['--config', 'noise.json', '--no-progress']);
  assert.equal(noise.code, 2);
  assert.match(noise.stderr, /^dln: --config noise\.json: [^\n]*noise[^\n]*\n$/);
  // A run's length and records are held to the limits of their flags (--steps: at most 10⁹), before any work.
  const limits: [string, unknown, RegExp][] = [
    ['steps', 1e15, /settings\.steps must be an integer in 0\.\.1000000000 \(the most steps dln runs, as for --steps\), got 1000000000000000/],
    ['steps', 2.5, /settings\.steps must be an integer in 0\.\.1000000000 \(the most steps dln runs, as for --steps\), got 2\.5/],
    ['recordEvery', 0, /settings\.recordEvery must be an integer ≥ 1, got 0/],
    ['seed', -1, /settings\.seed must be an integer in 0\.\.4294967295, got -1/],
    ['divergeAbove', 'big', /settings\.divergeAbove must be a positive number, got "big"/],
  ];
  for (const [key, value, message] of limits) {
    writeFileSync(join(dir, 'limit.json'), JSON.stringify({ ...a, settings: { ...a.settings, [key]: value } }));
    const r = await dln(['--config', 'limit.json', '--out', 'never', '--no-progress']);
    assert.equal(r.code, 2, `${key} = ${String(value)}`);
    assert.match(r.stderr, new RegExp(`^dln: --config limit\\.json: ${message.source}\n$`));
    assert.equal(existsSync(join(dir, 'never')), false, 'nothing written');
  }
  writeFileSync(join(dir, 'bad.json'), '{');
  assert.match((await dln(['--config', 'bad.json'])).stderr, /^dln: --config bad\.json: not JSON/);
});
