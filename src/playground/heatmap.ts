// Weight matrices as small heat maps: a diverging blue–white–orange scale (readable with red–green deficiencies).

/** Heat maps are drawn for layers up to this many entries per side. */
export const HEATMAP_MAX_SIDE = 64;

/** Writes the colour of v (white at 0; #0072B2, blue, for negative, #E69F00, orange, for positive) at offset o of px (RGBA). */
function colour(px: Uint8ClampedArray, o: number, v: number, scale: number): void {
  const t = Math.max(-1, Math.min(1, scale > 0 ? v / scale : 0));
  const a = Math.abs(t);
  const neg = t < 0;
  px[o] = Math.round(255 + ((neg ? 0 : 230) - 255) * a);
  px[o + 1] = Math.round(255 + ((neg ? 114 : 159) - 255) * a);
  px[o + 2] = Math.round(255 + ((neg ? 178 : 0) - 255) * a);
  px[o + 3] = 255;
}

/** Each canvas's context and pixels, made once and written again at every redraw. */
const surfaces = new WeakMap<HTMLCanvasElement, { ctx: CanvasRenderingContext2D; img: ImageData }>();

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
    let sf = surfaces.get(c);
    if (sf === undefined) {
      const ctx = c.getContext('2d') as CanvasRenderingContext2D;
      sf = { ctx, img: ctx.createImageData(c.width, c.height) };
      surfaces.set(c, sf);
    }
    const px = sf.img.data, w = weights[j];
    for (let k = 0; k < w.length; k++) colour(px, 4 * k, w[k], scale);
    sf.ctx.putImageData(sf.img, 0, 0);
  });
  return scale;
}
