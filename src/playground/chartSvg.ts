// A live chart as a standalone SVG figure (title, axes with end ticks, series, reference lines).
import type { LiveChart } from './charts.ts';
import { fmt } from './status.ts';

const W = 640, H = 360, L = 70, R = 20, T = 36, B = 44;

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** SVG text of chart c's current data (log axes where the chart has them). */
export function chartSvg(c: LiveChart): string {
  const data = c.plot.data as unknown as (number | null)[][];
  const xs = data[0] as number[], log = c.spec.log;
  const f = (v: number): number => (log ? Math.log10(v) : v);
  const ok = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v) && (!log || v > 0);
  const ys = data.slice(1).flat().filter(ok);
  const refs = (c.spec.refs?.() ?? []).filter((r) => ok(r.value));
  const all = [...ys, ...refs.map((r) => r.value)].map(f);
  let y0 = Math.min(...all), y1 = Math.max(...all);
  if (!Number.isFinite(y0)) { y0 = 0; y1 = 1; }
  if (y0 === y1) { y0 -= 0.5; y1 += 0.5; }
  const x0 = xs.length > 0 ? xs[0] : 0, x1 = xs.length > 1 ? xs[xs.length - 1] : x0 + 1;
  const px = (x: number): number => L + ((x - x0) / (x1 - x0 || 1)) * (W - L - R);
  const py = (y: number): number => T + (1 - (f(y) - y0) / (y1 - y0)) * (H - T - B);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="DejaVu Sans, sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${L}" y="20" font-size="14">${esc(c.spec.title)}</text>`,
    `<rect x="${L}" y="${T}" width="${W - L - R}" height="${H - T - B}" fill="none" stroke="#999"/>`,
    `<text x="${(L + W - R) / 2}" y="${H - 8}" text-anchor="middle">${esc(c.spec.x)}</text>`,
    `<text x="14" y="${(T + H - B) / 2}" text-anchor="middle" transform="rotate(-90 14 ${(T + H - B) / 2})">${esc(c.spec.y)}${log ? ' (log)' : ''}</text>`,
    `<text x="${L}" y="${H - B + 16}" text-anchor="start">${fmt(x0)}</text><text x="${W - R}" y="${H - B + 16}" text-anchor="end">${fmt(x1)}</text>`,
    `<text x="${L - 4}" y="${T + 4}" text-anchor="end">${fmt(log ? 10 ** y1 : y1)}</text><text x="${L - 4}" y="${H - B}" text-anchor="end">${fmt(log ? 10 ** y0 : y0)}</text>`,
  ];
  for (const r of refs) {
    const y = py(r.value).toFixed(1);
    parts.push(`<line x1="${L}" x2="${W - R}" y1="${y}" y2="${y}" stroke="${r.color ?? '#444'}" ${r.dash === false ? '' : 'stroke-dasharray="5 4"'}/>`,
      `<text x="${W - R - 3}" y="${Number(y) - 2}" text-anchor="end" fill="${r.color ?? '#444'}" font-size="10">${esc(r.label)}</text>`);
  }
  c.spec.series.forEach((s, k) => {
    const col = data[k + 1] ?? [];
    const pts: string[] = [];
    for (let i = 0; i < xs.length; i++) { const v = col[i]; if (ok(v)) pts.push(`${px(xs[i]).toFixed(1)},${py(v).toFixed(1)}`); }
    if (pts.length > 0) parts.push(`<polyline fill="none" stroke="${s.color}" stroke-width="1.5" points="${pts.join(' ')}"/>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
