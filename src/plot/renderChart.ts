import type { TopLevelSpec } from 'vega-lite';
import { renderPng, type RenderPngOptions } from './renderPng.ts';
import { renderSvg } from './renderSvg.ts';

/** A chart rendered both ways: the SVG document and its PNG rasterization. */
export interface RenderedChart { svg: string; png: Uint8Array }

/** renderSvg then renderPng: one spec to an SVG string and PNG bytes (scale 2, white background by default). */
export async function renderChart(spec: TopLevelSpec, opts: RenderPngOptions = {}): Promise<RenderedChart> {
  const svg = await renderSvg(spec);
  return { svg, png: renderPng(svg, opts) };
}
