// The browser-safe half of src/plot: pure builders of vega-lite specs, no Node APIs, no rendering.
export { lineChart, type LineChartOptions, type Series } from './lineChart.ts';
export { panelGrid, type PanelGridOptions } from './panelGrid.ts';
export { histogram, type HistogramOptions, type HistogramGroup, type HistogramLine } from './histogram.ts';
export { scatterChart, type ScatterChartOptions } from './scatterChart.ts';
export { loglogFit, type PowerLaw } from './loglogFit.ts';
export { type HLine, type VLine } from './referenceLayers.ts';
export { type ChartBaseOptions, CHART_FONT, SERIES_COLORS } from './chartTheme.ts';
export { binEdges, binCounts } from './binEdges.ts';
export { type XY, downsampleMinMax } from './downsampleMinMax.ts';
export { sampleFigures } from './sampleFigures.ts';
export { phaseDiagram, type PhaseDiagramOptions, type PhaseTile } from './phaseDiagram.ts';
export { type Domain, niceDomain } from './niceDomain.ts';
