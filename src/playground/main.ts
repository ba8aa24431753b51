// The playground page: the form, the run controls and the live charts around one training worker.
import 'uplot/dist/uPlot.min.css';
import './style.css';
import { InputError } from '../errors.ts';
import { type PlaygroundConfig, DEFAULT_CONFIG, configFromParams, configToParams } from './config.ts';
import { fillForm, readForm, updateVisibility } from './form.ts';
import { PRESETS } from './presets.ts';
import { MAX_UPLOAD_BYTES, type RealPayload, type SetupInfo, type Uploads } from './setup.ts';
import type { FromWorker, Progress, ToWorker } from './protocol.ts';
import { RunStore } from './store.ts';
import { createCharts, type ChartSet } from './chartSet.ts';
import { PlateauTracker, etaMultiples, fmt, stateText, whereText } from './status.ts';
import { showInspection } from './inspectPanel.ts';
import { downloadExport } from './download.ts';

/** What tests and benchmarks read off the page (numbers as the worker sent them). */
export interface PageProbe {
  ready: boolean; backend: string; info: SetupInfo | null; step: number; status: string; running: boolean;
  lastLoss: number; records: number; frames: number; firstChartMs: number; stepsPerSecond: number; errors: string[];
  lastWeights: Float64Array[] | null;
  /** Runs set up so far (a new configuration or a reset). */
  setups: number;
  /** The longest gap between animation frames while a run was going (ms), and the longest task the browser reported (ms, tasks ≥ 50 ms). */
  maxFrameGapMs: number;
  longestTaskMs: number;
  /** The tasks ≥ 50 ms the browser reported: start (performance.now() time) and duration, ms (the first 200). */
  longTasks: { start: number; ms: number }[];
  /** Animation frames the page painted while a run was going (the page's own frame rate; `frames` counts chart redraws). */
  animationFrames: number;
  /** Main-thread time of the slowest and of the latest chart redraw (ms). */
  redrawMaxMs: number;
  redrawLastMs: number;
}

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

/** The most bytes the page reads for a real data set (MNIST with 64 components and 9,999 digits is about 7 MB). */
const MAX_REAL_BYTES = 16 * 1024 * 1024;

/** Fetches cfg's real data set from the page's own server: cars and penguins as raw tables, MNIST prepared (split and projected). */
async function fetchRealData(cfg: PlaygroundConfig): Promise<RealPayload> {
  const d = cfg.data;
  if (d.kind !== 'real') throw new Error('fetchRealData: not a real data set');
  const path = d.name === 'mnist' ? `data/mnist?seed=${cfg.seed}&pca=${d.pca}&train=${d.train}&center=${d.center ? 1 : 0}` : `data/${d.name}.json`;
  let res: Response;
  try {
    res = await fetch(new URL(path, document.baseURI));
  } catch (e) {
    throw new InputError(`${d.name}: the page's server did not answer (${(e as Error).message})`);
  }
  const body = await res.text();
  if (res.status === 404 && d.name === 'mnist') {
    throw new InputError('MNIST is prepared by the server of dln playground (the seeded split and the principal components); this copy of the page has none: run npx dln playground');
  }
  if (!res.ok) throw new InputError(`${d.name}: the server answered ${res.status}: ${body.trim().slice(0, 300)}`);
  if (body.length > MAX_REAL_BYTES) throw new InputError(`${d.name}: ${(body.length / 2 ** 20).toFixed(1)} MiB is more than the page reads (${MAX_REAL_BYTES / 2 ** 20} MiB)`);
  let parsed: unknown;
  try { parsed = JSON.parse(body); } catch (e) { throw new InputError(`${d.name}: the server's answer is not JSON (${(e as Error).message})`); }
  if (d.name === 'mnist') {
    if (typeof parsed !== 'object' || parsed === null || (parsed as { name?: unknown }).name !== 'mnist') throw new InputError('mnist: the server\'s answer is not a prepared MNIST set');
    return parsed as RealPayload;
  }
  return { name: d.name, records: parsed };
}

function start(): void {
  const form = $<HTMLFormElement>('config');
  const probe: PageProbe = {
    ready: false, backend: '', info: null, step: 0, status: 'loading', running: false, lastLoss: Number.NaN, records: 0,
    frames: 0, firstChartMs: Number.NaN, stepsPerSecond: Number.NaN, errors: [], lastWeights: null, setups: 0, animationFrames: 0, maxFrameGapMs: 0, longestTaskMs: 0, longTasks: [], redrawMaxMs: 0, redrawLastMs: 0,
  };
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        probe.longestTaskMs = Math.max(probe.longestTaskMs, e.duration);
        if (probe.longTasks.length < 200) probe.longTasks.push({ start: e.startTime, ms: e.duration });
      }
    }).observe({ type: 'longtask', buffered: true });
  } catch { /* no Long Tasks API: maxFrameGapMs still says it */ }
  (window as unknown as { dlnPlayground: PageProbe }).dlnPlayground = probe;
  const store = new RunStore();
  const plateau = new PlateauTracker();
  const uploads: Uploads = {};
  let cfg: PlaygroundConfig = DEFAULT_CONFIG;
  let info: SetupInfo | null = null;
  let last: Progress | null = null;
  let charts: ChartSet | null = null;
  let dirty = false;
  const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  const send = (m: ToWorker): void => { worker.postMessage(m); };
  const configError = $('config-error'), status = $('status'), runpause = $('runpause');

  // The Run button answers at once: after a click on Run it offers Pause (and a click pauses) before
  // the worker's first report of the run arrives; from that report on, the worker's state decides.
  let runAsked = false;
  const runLabel = (): string => (runAsked || last?.running === true ? 'Pause' : 'Run');
  let applying = 0;
  function apply(next: PlaygroundConfig): void {
    configError.textContent = '';
    const token = ++applying;
    if (next.data.kind !== 'real') { send({ type: 'setup', cfg: next, uploads }); cfg = next; return; }
    // A real data set comes from the page's server first (the newest request wins).
    const what = next.data.name;
    status.textContent = `loading ${what}…`;
    fetchRealData(next).then((real) => {
      if (token !== applying) return;
      uploads.real = real;
      send({ type: 'setup', cfg: next, uploads });
      cfg = next;
    }, (e: unknown) => {
      if (token !== applying) return;
      configError.textContent = (e as Error).message;
      probe.errors.push((e as Error).message);
      showStatus();
    });
  }

  function sendSpeed(): void { send({ type: 'speed', stepsPerSecond: Number($<HTMLSelectElement>('speed').value) }); }

  function fromUrl(): PlaygroundConfig {
    try {
      return configFromParams(new URLSearchParams(location.search));
    } catch (e) {
      configError.textContent = `The link's settings are not valid: ${(e as Error).message}. Showing the default run.`;
      return DEFAULT_CONFIG;
    }
  }

  function showStatus(): void {
    if (info === null || last === null) return;
    const parts = [`step ${last.step.toLocaleString('en')}`];
    if (cfg.optimizer === 'flow') parts.push(`t = ${fmt(last.t)}`);
    const loss = store.last?.loss ?? Number.NaN;
    parts.push(`loss ${fmt(loss)}`);
    const p = store.last === null ? null : plateau.update(info, store.last.step, loss);
    const x = last.explanation;
    if (x !== null) parts.push(whereText(x, p));
    else if (info.critical.length === 0) parts.push('no critical values (Σ_XX is singular)');
    if (cfg.optimizer === 'gd' || cfg.optimizer === 'power') parts.push(etaMultiples(info, last.eta));
    if (Number.isFinite(last.stepsPerSecond)) parts.push(`worker computes ${Math.round(last.stepsPerSecond).toLocaleString('en')} steps/s (${probe.backend})`);
    // L(0) for the loss test: the store's first point is step 0 (t = 0 for the flow) and is never thinned away.
    const state = stateText(last.running, last.status, last.explanation, store.x[0] === 0 ? { lossInit: store.loss[0], loss } : undefined);
    // Text set to what it already says would still be laid out again.
    const text = `${state} · ${parts.join(' · ')}`, button = runLabel();
    if (status.textContent !== text) status.textContent = text;
    if (runpause.textContent !== button) runpause.textContent = button;
  }

  worker.addEventListener('message', (ev: MessageEvent<FromWorker>) => {
    const m = ev.data;
    if (m.type === 'ready') { probe.ready = true; probe.backend = m.backend; sendSpeed(); apply(cfg); return; }
    if (m.type === 'error') {
      probe.errors.push(m.message);
      if (m.during === 'setup') configError.textContent = m.message;
      else if (m.during === 'load') configError.textContent = m.message;
      else status.textContent = `${m.during} failed: ${m.message}`;
      return;
    }
    if (m.type === 'info') {
      info = m.info; probe.info = m.info; probe.setups++; probe.step = 0; probe.lastLoss = Number.NaN;
      runAsked = false;
      store.clear(); plateau.reset();
      charts?.destroy();
      charts = createCharts($('charts'), m.info, cfg, store, () => last?.eta ?? m.info.eta);
      ($<HTMLInputElement>('liveeta')).value = Number.isFinite(m.info.eta) ? String(m.info.eta) : '';
      history.replaceState(null, '', `?${configToParams(cfg).toString()}`);
      $('inspection').hidden = true;
      dirty = true;
      return;
    }
    if (m.type === 'progress') {
      last = m;
      if (m.running || !(m.status === 'ready' || m.status === 'paused')) runAsked = false;
      store.add(m.records, cfg.optimizer === 'flow');
      store.addSharpness(m.sharpness);
      probe.step = m.step; probe.status = m.status; probe.running = m.running; probe.stepsPerSecond = m.stepsPerSecond;
      probe.records += m.records.length;
      if (store.last !== null) probe.lastLoss = store.last.loss;
      if (m.weights !== null) probe.lastWeights = m.weights;
      charts?.setWeights(m.weights);
      dirty = true;
      return;
    }
    if (m.type === 'inspection') { showInspection($('inspection'), m.result, info); return; }
    if (m.type === 'export') void downloadExport(m.files, charts, cfg);
  });

  let lastFrame = NaN;
  function frame(now: number): void {
    if (last?.running === true && Number.isFinite(lastFrame)) { probe.maxFrameGapMs = Math.max(probe.maxFrameGapMs, now - lastFrame); probe.animationFrames++; }
    lastFrame = now;
    if (dirty && charts !== null) {
      dirty = false;
      const t0 = performance.now();
      charts.redraw();
      showStatus();
      probe.redrawLastMs = performance.now() - t0;
      if (last?.running === true) probe.redrawMaxMs = Math.max(probe.redrawMaxMs, probe.redrawLastMs);
      if (last?.running === true) probe.frames++;
      // The page's first chart: axes and the theory's lines of the first run, drawn.
      if (Number.isNaN(probe.firstChartMs)) probe.firstChartMs = performance.now();
    }
    requestAnimationFrame(frame);
  }
  requestAnimationFrame(frame);
  addEventListener('resize', () => { charts?.fit(); });

  // ---- controls ----
  for (const p of PRESETS) {
    const b = document.createElement('button');
    b.type = 'button'; b.textContent = p.name; b.dataset.preset = p.id;
    b.addEventListener('click', () => { fillForm(form, p.cfg); apply(p.cfg); });
    $('presets').append(b);
  }
  form.addEventListener('change', (ev) => {
    updateVisibility(form);
    // A real data set fixes d_0 and d_N: the widths' ends follow it (hidden widths stay as typed).
    const id = (ev.target as HTMLElement).id;
    if (id !== 'data' && id !== 'pca') return;
    const name = $<HTMLSelectElement>('data').value, k = $<HTMLInputElement>('pca').value.trim();
    const ends = name === 'cars' ? [5, 4] : name === 'penguins' ? [4, 2] : name === 'mnist' && /^\d+$/.test(k) ? [Number(k), 10] : null;
    const dims = $<HTMLInputElement>('dims'), parts = dims.value.split(',').map((p) => p.trim());
    if (ends !== null && parts.length >= 2) dims.value = [ends[0], ...parts.slice(1, -1), ends[1]].join(',');
  });
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    try { apply(readForm(form)); } catch (e) { if (e instanceof InputError) configError.textContent = e.message; else throw e; }
  });
  const pick = (id: string, key: 'x' | 'y' | 'weights'): void => {
    $<HTMLInputElement>(id).addEventListener('change', async (ev) => {
      const file = (ev.target as HTMLInputElement).files?.[0];
      if (file === undefined) { delete uploads[key]; return; }
      if (file.size > MAX_UPLOAD_BYTES) {
        configError.textContent = `${file.name}: ${(file.size / 2 ** 20).toFixed(1)} MiB is more than the page accepts (${MAX_UPLOAD_BYTES / 2 ** 20} MiB); use dln train for large data`;
        delete uploads[key];
        return;
      }
      uploads[key] = { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) };
      configError.textContent = '';
    });
  };
  pick('xfile', 'x'); pick('yfile', 'y'); pick('wfile', 'weights');
  runpause.addEventListener('click', () => {
    runAsked = runLabel() === 'Run';
    send({ type: runAsked ? 'run' : 'pause' });
    runpause.textContent = runLabel();
  });
  $('step1').addEventListener('click', () => { send({ type: 'step', n: 1 }); });
  $('stepn').addEventListener('click', () => {
    const n = Number($<HTMLInputElement>('nsteps').value);
    if (!(Number.isSafeInteger(n) && n >= 1)) { status.textContent = `N must be an integer ≥ 1, got '${$<HTMLInputElement>('nsteps').value}'`; return; }
    send({ type: 'step', n });
  });
  $('speed').addEventListener('change', sendSpeed);
  $('reset').addEventListener('click', () => { send({ type: 'reset' }); });
  $('seteta').addEventListener('click', () => {
    const text = $<HTMLInputElement>('liveeta').value, eta = Number(text);
    if (!(text.trim() !== '' && Number.isFinite(eta) && eta > 0)) { status.textContent = `η must be a positive finite number, got '${text}'`; return; }
    send({ type: 'eta', eta });
  });
  $('inspect').addEventListener('click', () => { $('inspection').hidden = false; $('inspection').textContent = 'computing the Hessian…'; send({ type: 'inspect' }); });
  $('share').addEventListener('click', () => {
    const url = `${location.origin}${location.pathname}?${configToParams(cfg).toString()}`;
    void navigator.clipboard?.writeText(url).then(() => { status.textContent = `link copied: ${url}`; }, () => { status.textContent = `link: ${url}`; });
  });
  $('export').addEventListener('click', () => { send({ type: 'export' }); });
  addEventListener('keydown', (ev) => {
    const t = ev.target as HTMLElement;
    if (ev.key === 'r' && !ev.ctrlKey && !ev.metaKey && !ev.altKey && !['INPUT', 'SELECT', 'TEXTAREA'].includes(t.tagName)) $('runpause').click();
  });

  cfg = fromUrl();
  fillForm(form, cfg);
}

start();
