import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lineChart } from './lineChart.ts';
import { renderChart } from './renderChart.ts';
import { renderPng, renderRgba, type RgbaImage } from './renderPng.ts';
import { renderSvg } from './renderSvg.ts';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Pixels of the box [x0, x1) × [y0, y1) (image pixels) whose r, g and b are all below 96. */
function darkPixels(img: RgbaImage, x0: number, y0: number, x1: number, y1: number): number {
  let n = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const i = 4 * (y * img.width + x);
      if (img.pixels[i] < 96 && img.pixels[i + 1] < 96 && img.pixels[i + 2] < 96) n++;
    }
  }
  return n;
}

const chart = (title: string) => lineChart({
  title, xLabel: 'iteration k', yLabel: 'loss',
  series: [{ name: 'gd', y: Array.from({ length: 100 }, (_, k) => 10 / (1 + k)) }],
});

const svgSize = (svg: string) => {
  const m = /<svg[^>]*\bwidth="(\d+(?:\.\d+)?)"[^>]*\bheight="(\d+(?:\.\d+)?)"/.exec(svg);
  assert.ok(m, 'svg has width and height');
  return { width: Number(m[1]), height: Number(m[2]) };
};

test('renderChart gives an SVG and a PNG with the PNG signature at twice the SVG size', async () => {
  const { svg, png } = await renderChart(chart('Size check'));
  assert.ok(svg.startsWith('<svg'));
  assert.deepEqual([...png.subarray(0, 8)], PNG_SIGNATURE);
  const view = new DataView(png.buffer, png.byteOffset);
  const size = svgSize(svg);
  assert.equal(view.getUint32(16), Math.round(2 * size.width), 'IHDR width');
  assert.equal(view.getUint32(20), Math.round(2 * size.height), 'IHDR height');
  assert.ok(size.width > 500 && size.width < 900 && size.height > 350 && size.height < 550, `${size.width}×${size.height}`);
  const one = renderPng(svg, { scale: 1 });
  assert.equal(new DataView(one.buffer, one.byteOffset).getUint32(16), Math.round(size.width));
});

test('renderPng draws text: a title puts dark pixels in the title band that an empty title leaves blank', async () => {
  const withTitle = renderRgba(await renderSvg(chart('A title that is long enough to measure')));
  const without = renderRgba(await renderSvg(chart('')));
  // Title band: 12–30 px from the top (scale 2), over the plot's columns so that y-axis labels stay out.
  const band = (img: RgbaImage) => darkPixels(img, 2 * 90, 2 * 12, 2 * 320, 2 * 30);
  assert.ok(band(withTitle) > 1000, `title pixels: ${band(withTitle)}`);
  assert.ok(band(without) < 50, `empty title pixels: ${band(without)}`);
});

test('the dark-pixel check catches text that vanished for want of a font', async () => {
  const svg = await renderSvg(chart('A title that is long enough to measure'));
  const noFonts = renderRgba(svg, { loadSystemFonts: false });
  const withFonts = renderRgba(svg);
  const all = (img: RgbaImage) => darkPixels(img, 0, 0, img.width, img.height);
  assert.ok(all(noFonts) < all(withFonts) / 10, `no fonts: ${all(noFonts)}, fonts: ${all(withFonts)}`);
});

test('renderPng paints a white background by default', async () => {
  const img = renderRgba(await renderSvg(chart('Background')));
  assert.deepEqual([...img.pixels.subarray(0, 4)], [255, 255, 255, 255]);
});
