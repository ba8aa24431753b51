import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { sampleFigures } from './sampleFigures.ts';
import { writeSampleFigures } from './writeSampleFigures.ts';

test('writeSampleFigures writes one PNG, SVG and spec per sample figure', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dln-plot-'));
  try {
    const pngs = await writeSampleFigures(dir);
    assert.equal(pngs.length, sampleFigures().length);
    for (const p of pngs) {
      assert.deepEqual([...readFileSync(p).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
      assert.ok(readFileSync(p.replace(/\.png$/, '.svg'), 'utf8').startsWith('<svg'));
      assert.match(JSON.parse(readFileSync(p.replace(/\.png$/, '.vl.json'), 'utf8')).$schema, /vega-lite/);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
