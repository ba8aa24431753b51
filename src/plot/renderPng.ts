import { Resvg } from '@resvg/resvg-js';
import { CHART_FONT } from './chartTheme.ts';

/** Options of renderPng and renderRgba. */
export interface RenderPngOptions {
  /** Pixels per SVG unit (2 gives crisp output on high-density screens and in print). Default 2. */
  scale?: number;
  /** Background colour behind transparent parts. Default 'white'. */
  background?: string;
  /** Load the system's fonts (fonts-dejavu-core on Debian). Without fonts text silently vanishes. Default true. */
  loadSystemFonts?: boolean;
}

/** Raw RGBA pixels of a rendered SVG, row-major, 4 bytes a pixel. */
export interface RgbaImage { width: number; height: number; pixels: Uint8Array }

function resvg(svg: string, opts: RenderPngOptions): Resvg {
  return new Resvg(svg, {
    background: opts.background ?? 'white',
    fitTo: { mode: 'zoom', value: opts.scale ?? 2 },
    font: { loadSystemFonts: opts.loadSystemFonts ?? true, defaultFontFamily: CHART_FONT },
  });
}

/** Rasterizes an SVG document to PNG bytes with resvg, at scale × its size. */
export function renderPng(svg: string, opts: RenderPngOptions = {}): Uint8Array {
  const png = resvg(svg, opts).render().asPng();
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}

/** Rasterizes an SVG document to raw RGBA pixels (what renderPng would encode). */
export function renderRgba(svg: string, opts: RenderPngOptions = {}): RgbaImage {
  const img = resvg(svg, opts).render();
  const p = img.pixels;
  return { width: img.width, height: img.height, pixels: new Uint8Array(p.buffer, p.byteOffset, p.byteLength) };
}
