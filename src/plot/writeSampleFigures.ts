import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderChart } from './renderChart.ts';
import { sampleFigures } from './sampleFigures.ts';

/**
 * Renders every sample figure into dir as NAME.png, NAME.svg and NAME.vl.json (the vega-lite spec);
 * returns the PNG paths. Node only. Run: node --import tsx -e
 * "import('./src/plot/writeSampleFigures.ts').then((m) => m.writeSampleFigures('/tmp/dln-plot-samples'))"
 */
export async function writeSampleFigures(dir: string): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const { name, spec } of sampleFigures()) {
    const { svg, png } = await renderChart(spec);
    writeFileSync(join(dir, `${name}.vl.json`), JSON.stringify(spec, null, 1));
    writeFileSync(join(dir, `${name}.svg`), svg);
    writeFileSync(join(dir, `${name}.png`), png);
    written.push(join(dir, `${name}.png`));
  }
  return written;
}
