// Export: the worker's run files plus the charts as PNG and SVG figures, zipped as one run folder.
import { strToU8, zipSync } from 'fflate';
import type { PlaygroundConfig } from './config.ts';
import type { ChartSet } from './chartSet.ts';
import { chartSvg } from './chartSvg.ts';

async function canvasPng(canvas: HTMLCanvasElement): Promise<Uint8Array> {
  const blob = await new Promise<Blob | null>((res) => { canvas.toBlob(res, 'image/png'); });
  if (blob === null) throw new Error('the chart could not be drawn as PNG');
  return new Uint8Array(await blob.arrayBuffer());
}

/** The folder name of an exported run. */
export function exportName(cfg: PlaygroundConfig): string {
  return `dln-run-${cfg.dims.join('-')}-seed${cfg.seed}`;
}

/** Zips files (and the charts' figures) into <name>/… and downloads the zip. */
export async function downloadExport(files: Record<string, Uint8Array | string>, charts: ChartSet | null, cfg: PlaygroundConfig): Promise<void> {
  const name = exportName(cfg);
  const entries: Record<string, Uint8Array> = {};
  for (const [k, v] of Object.entries(files)) entries[`${name}/${k}`] = typeof v === 'string' ? strToU8(v) : v;
  for (const c of charts?.charts ?? []) {
    const canvas = c.el.querySelector('canvas');
    if (canvas !== null) entries[`${name}/figures/${c.spec.id}.png`] = await canvasPng(canvas);
    entries[`${name}/figures/${c.spec.id}.svg`] = strToU8(chartSvg(c));
  }
  const zip = zipSync(entries, { level: 6 });
  const url = URL.createObjectURL(new Blob([zip as Uint8Array<ArrayBuffer>], { type: 'application/zip' }));
  const a = document.createElement('a');
  a.href = url; a.download = `${name}.zip`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => { URL.revokeObjectURL(url); }, 10000);
}
