// Weight matrices as small heat maps: a diverging blue–white–orange scale (readable with red–green deficiencies).

/** Heat maps are drawn for layers up to this many entries per side. */
export const HEATMAP_MAX_SIDE = 64;

function colour(v: number, scale: number): [number, number, number] {
  const t = Math.max(-1, Math.min(1, scale > 0 ? v / scale : 0));
  // white at 0; #0072B2 (blue) for negative, #E69F00 (orange) for positive.
  const [r, g, b] = t < 0 ? [0, 114, 178] : [230, 159, 0];
  const a = Math.abs(t);
  return [Math.round(255 + (r - 255) * a), Math.round(255 + (g - 255) * a), Math.round(255 + (b - 255) * a)];
}

/** Creates one canvas per layer in parent (W1 first), labelled, and returns them. */
export function createHeatmaps(parent: HTMLElement, dims: readonly number[]): HTMLCanvasElement[] {
  parent.replaceChildren();
  const out: HTMLCanvasElement[] = [];
  for (let j = 1; j < dims.length; j++) {
    const fig = document.createElement('figure');
    fig.className = 'heat';
    const c = document.createElement('canvas');
    c.width = dims[j - 1]; c.height = dims[j];
    c.setAttribute('role', 'img');
    c.setAttribute('aria-label', `heat map of W${j} (${dims[j]}×${dims[j - 1]})`);
    const cap = document.createElement('figcaption');
    cap.textContent = `W${j}`;
    fig.append(c, cap);
    parent.append(fig);
    out.push(c);
  }
  return out;
}

/** Draws flat row-major weights into the canvases, one colour scale (max |w|) shared by all layers. */
export function drawHeatmaps(canvases: readonly HTMLCanvasElement[], weights: readonly Float64Array[]): number {
  let scale = 0;
  for (const w of weights) for (const v of w) if (Number.isFinite(v)) scale = Math.max(scale, Math.abs(v));
  canvases.forEach((c, j) => {
    const ctx = c.getContext('2d') as CanvasRenderingContext2D;
    const img = ctx.createImageData(c.width, c.height);
    const w = weights[j];
    for (let k = 0; k < w.length; k++) {
      const [r, g, b] = colour(w[k], scale);
      img.data[4 * k] = r; img.data[4 * k + 1] = g; img.data[4 * k + 2] = b; img.data[4 * k + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
  });
  return scale;
}
