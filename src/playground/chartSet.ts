// The page's live charts of one run: loss against the critical values, singular values against their
// targets, sharpness against 2/η, balancedness and drift, gradient norm, and the weights as heat maps.
import type uPlot from 'uplot';
import type { PlaygroundConfig } from './config.ts';
import type { SetupInfo } from './setup.ts';
import type { RunStore } from './store.ts';
import { type LiveChart, type RefLine, PALETTE, createChart, fitChart, logRangeWithRefs } from './charts.ts';
import { HEATMAP_MAX_SIDE, createHeatmaps, drawHeatmaps } from './heatmap.ts';
import { fmt } from './status.ts';

/** The charts of a run and what the page does with them. */
export interface ChartSet {
  redraw(): void;
  fit(): void;
  destroy(): void;
  setWeights(weights: Float64Array[] | null): void;
  /** The charts (for export as figures). */
  charts: LiveChart[];
}

function setText(s: number[]): string {
  return `{${s.join(',')}}`;
}

/** Builds the charts for a run of info's instance inside parent. */
export function createCharts(parent: HTMLElement, info: SetupInfo, cfg: PlaygroundConfig, store: RunStore, eta: () => number): ChartSet {
  parent.replaceChildren();
  const xName = cfg.optimizer === 'flow' ? 't' : 'step';
  // Beyond this many critical values (MNIST's ten targets have 1,024) only the plateau values are drawn.
  const many = info.critical.length > 40;
  const lossRefs = (): RefLine[] => [
    // The plateau values c_r (S = {1..r}, where runs from a small start wait) are the major lines.
    ...info.critical.filter((c) => c.loss !== info.globalMinimum && (!many || c.subset.every((s, i) => s === i + 1))).map((c) => {
      const top = c.subset.every((s, i) => s === i + 1);
      return { value: c.loss, label: top ? `rank ${c.rank}` : `rank ${c.rank} ${setText(c.subset)}`, color: top ? '#333' : '#777', minor: !top };
    }),
    ...(info.globalMinimum !== null ? [{ value: info.globalMinimum, label: 'global minimum', color: PALETTE[2], dash: false }] : []),
  ];
  const svCount = Math.min(info.dx, info.dy);
  const specs = [
    { id: 'loss', title: many ? `Loss L(W) with the plateau values c_r (of ${info.critical.length.toLocaleString('en')} critical values)` : 'Loss L(W) with every critical value', x: xName, y: 'loss', log: true, series: [{ label: 'loss', color: PALETTE[0] }], refs: lossRefs },
    {
      id: 'sv', title: 'Singular values of the product and their targets', x: xName, y: 'σ_i', log: false,
      series: Array.from({ length: svCount }, (_, k) => ({ label: `σ${k + 1}`, color: PALETTE[k % PALETTE.length] })),
      refs: () => info.targets.map((v, k) => ({ value: v, label: `σ${k + 1}* = ${fmt(v)}`, color: PALETTE[k % PALETTE.length] })),
    },
    {
      id: 'sharp', title: 'Sharpness λ_max(∇²L) and 2/η', x: 'step', y: 'λ_max', log: false, series: [{ label: 'λ_max', color: PALETTE[1] }],
      refs: () => (Number.isFinite(eta()) ? [{ value: 2 / eta(), label: `2/η = ${fmt(2 / eta())}`, color: '#000' }] : []),
    },
    { id: 'balance', title: 'Balancedness and invariant drift', x: xName, y: '‖C_j‖₂', log: false, series: [{ label: 'balancedness', color: PALETTE[3] }, { label: 'drift', color: PALETTE[4] }] },
    { id: 'grad', title: 'Gradient norm ‖∇L‖', x: xName, y: '‖∇L‖', log: true, series: [{ label: '‖∇L‖', color: PALETTE[5] }] },
  ];
  const charts = specs.map((s) => createChart(parent, s));
  const heatFig = document.createElement('figure');
  heatFig.className = 'chart heatmaps';
  const cap = document.createElement('figcaption');
  const showHeat = info.dims.every((d) => d <= HEATMAP_MAX_SIDE);
  cap.textContent = showHeat ? 'Weights W_j (blue < 0 < orange)' : `Weights: heat maps are drawn for widths up to ${HEATMAP_MAX_SIDE}`;
  const heatBox = document.createElement('div');
  heatBox.className = 'heatbox';
  heatFig.append(cap, heatBox);
  parent.append(heatFig);
  const canvases = showHeat ? createHeatmaps(heatBox, info.dims) : [];
  const scaleNote = document.createElement('p');
  scaleNote.className = 'note';
  heatFig.append(scaleNote);
  let weights: Float64Array[] | null = null, drawn: Float64Array[] | null = null;
  /** The sharpness samples and the 2/η line the sharpness chart shows. */
  let sharpDrawn = { n: -1, last: Number.NaN, limit: Number.NaN };
  const setData = (c: LiveChart, data: uPlot.AlignedData, log: boolean): void => {
    c.plot.setData(data, true);
    if (log) {
      const r = logRangeWithRefs(data.slice(1) as (number | null)[][], c.spec.refs?.() ?? []);
      if (r !== null) c.plot.setScale('y', { min: r[0], max: r[1] });
    } else {
      // Constant or nearly constant data (all zero at the origin; λ_max from 1 to 1 − 1.2e-9 over PGD's
      // first steps) get from uPlot a range it rounds to a single value, where no line is drawn: such a
      // chart gets a range around the value. (Its tick labels have four digits: a spread below 1e-6 of
      // the value could not be labelled anyway.)
      let lo = Infinity, hi = -Infinity;
      for (let k = 1; k < data.length; k++) for (const v of data[k] as (number | null)[]) if (v !== null && Number.isFinite(v)) { if (v < lo) lo = v; if (v > hi) hi = v; }
      if (lo <= hi && hi - lo <= 1e-6 * Math.max(Math.abs(lo), Math.abs(hi))) {
        const pad = hi === 0 && lo === 0 ? 1 : Math.max(Math.abs(lo), Math.abs(hi)) * 0.1;
        c.plot.setScale('y', { min: lo - pad, max: hi + pad });
      }
    }
  };
  fitAll();
  function fitAll(): void { for (const c of charts) fitChart(c); }
  return {
    charts,
    redraw() {
      const [loss, sv, sharp, bal, grad] = charts;
      const pos = (a: number[]): number[] => a.map((v) => (v > 0 ? v : Number.NaN));
      setData(loss, [store.x, pos(store.loss)], true);
      setData(sv, [store.x, ...Array.from({ length: svCount }, (_, k) => store.sv[k] ?? store.x.map(() => Number.NaN))], false);
      // The sharpness is sampled a few times a second: its chart is drawn again only when a sample or η is new.
      const sx = store.sharpX, sy = store.sharp, limit = 2 / eta();
      if (sharpDrawn.n !== sx.length || !Object.is(sharpDrawn.last, sx.at(-1) ?? Number.NaN) || !Object.is(sharpDrawn.limit, limit)) {
        sharpDrawn = { n: sx.length, last: sx.at(-1) ?? Number.NaN, limit };
        setData(sharp, [sx, sy], false);
        if (sy.length > 0 && Number.isFinite(limit)) {
          const hi = Math.max(limit, ...sy.filter(Number.isFinite)) * 1.1;
          sharp.plot.setScale('y', { min: 0, max: hi });
        }
      }
      setData(bal, [store.x, store.balancedness, store.drift], false);
      setData(grad, [store.x, pos(store.gradNorm)], true);
      if (weights !== null && weights !== drawn && canvases.length > 0) {
        drawn = weights;
        scaleNote.textContent = `colour scale ±${fmt(drawHeatmaps(canvases, weights))}`;
      }
    },
    fit: fitAll,
    destroy() { for (const c of charts) c.plot.destroy(); parent.replaceChildren(); },
    setWeights(w) { weights = w; },
  };
}
