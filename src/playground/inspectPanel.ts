// The inspect panel: Hessian spectrum (histogram and extremes), both verdicts, NRT constants, loss slice.
import type { Inspection } from './inspect.ts';
import type { SetupInfo } from './setup.ts';
import { type LiveChart, PALETTE, createChart, fitChart } from './charts.ts';
import { fmt } from './status.ts';

let slice: LiveChart | null = null;
let spectrum: LiveChart | null = null;

function row(table: HTMLTableElement, name: string, value: string): void {
  const tr = table.insertRow();
  const th = document.createElement('th');
  th.scope = 'row'; th.textContent = name;
  tr.append(th);
  tr.insertCell().textContent = value;
}

/** Histogram counts of values over bins evenly spaced between their extremes. */
export function histogramCounts(values: readonly number[], bins: number): { centers: number[]; counts: number[] } {
  const lo = Math.min(...values), hi = Math.max(...values), w = (hi - lo) / bins || 1;
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) counts[Math.min(bins - 1, Math.floor((v - lo) / w))]++;
  return { centers: counts.map((_, k) => lo + (k + 0.5) * w), counts };
}

/** Shows an inspection in panel. */
export function showInspection(panel: HTMLElement, r: Inspection, info: SetupInfo | null): void {
  slice?.plot.destroy(); spectrum?.plot.destroy();
  panel.replaceChildren();
  panel.hidden = false;
  const h = document.createElement('h2');
  h.textContent = 'At the current point';
  const verdict = document.createElement('p');
  verdict.id = 'verdicts';
  verdict.className = r.agree ? 'verdict agree' : 'verdict disagree';
  verdict.textContent = `Theorem 7: ${r.theorem7} · Hessian: ${r.hessianVerdict} · ${r.agree ? 'the verdicts agree' : 'the verdicts DISAGREE'}`;
  const table = document.createElement('table');
  table.className = 'facts';
  const cap = table.createCaption();
  cap.textContent = 'Hessian and Theorem 2.4';
  row(table, 'parameters', String(r.parameters));
  row(table, 'loss', fmt(r.loss));
  row(table, 'relative gradient', r.relativeGradient.toExponential(2));
  row(table, 'λ_min, λ_max', `${fmt(r.lambdaMin)}, ${fmt(r.lambdaMax)} (${r.method})`);
  if (r.negative !== null) row(table, 'negative / zero eigenvalues', `${r.negative} / ${r.zero}`);
  row(table, 'Theorem 7', `${r.theorem7}: ${r.theorem7Reason}`);
  row(table, 'Hessian verdict', `${r.hessianVerdict}: ${r.hessianReason}`);
  if ('error' in r.nrt) row(table, 'NRT constants', `premise fails: ${r.nrt.error}`);
  else {
    const n = r.nrt;
    row(table, 'M, K_δ, B_δ', `${fmt(n.M)}, ${fmt(n.K)}, ${fmt(n.B)}`);
    row(table, 'α, δ', `${fmt(n.alpha)}, ${fmt(n.delta)}`);
    row(table, 'η_max from here', fmt(n.etaMax));
  }
  const plots = document.createElement('div');
  plots.className = 'charts inspect-charts';
  panel.append(h, verdict, table, plots);
  if (r.eigenvalues !== null && r.eigenvalues.length > 1) {
    const hist = histogramCounts(r.eigenvalues, Math.min(40, r.eigenvalues.length));
    spectrum = createChart(plots, { id: 'spectrum', title: 'Hessian spectrum (histogram)', x: 'eigenvalue', y: 'count', log: false, bars: true, series: [{ label: 'count', color: PALETTE[0] }] });
    spectrum.plot.setData([hist.centers, hist.counts]);
    fitChart(spectrum);
  }
  const refs = info?.globalMinimum !== null && info !== null ? [{ value: info.globalMinimum as number, label: 'global minimum', color: PALETTE[2], dash: false }] : [];
  slice = createChart(plots, { id: 'slice', title: `Loss along the ${r.slice.direction} direction`, x: 's (unit direction)', y: 'L(W + s·v)', log: false, series: [{ label: 'loss', color: PALETTE[1] }], refs: () => refs });
  slice.plot.setData([r.slice.coords, r.slice.loss]);
  fitChart(slice);
  panel.scrollIntoView({ block: 'nearest' });
}
