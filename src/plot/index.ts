/**
 * Public API of dln's charts: the browser-safe spec builders (chartSpecs.ts) and the Node renderers.
 *
 * @module dln/plot
 */
export * from './chartSpecs.ts';
export { renderSvg } from './renderSvg.ts';
export { renderPng, renderRgba, type RenderPngOptions, type RgbaImage } from './renderPng.ts';
export { renderChart, type RenderedChart } from './renderChart.ts';
export { svgTexts } from './svgTexts.ts';
export { writeSampleFigures } from './writeSampleFigures.ts';
