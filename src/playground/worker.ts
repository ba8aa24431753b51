// The playground's Web Worker: trains on dln's engine with the WASM kernels, in slices, so that it
// answers the page between slices (pause, step, η) and the page itself never waits for it.
import { useWasmKernels } from '../linalg/backends/index.ts';
import type { TrajectoryRecord } from '../optim/index.ts';
import type { LossExplanation } from '../landscape/index.ts';
import { type FromWorker, type Progress, type ToWorker } from './protocol.ts';
import { createSetup } from './setup.ts';
import { type Session, advance, canAdvance, createSession, explainNow, sampleSharpness, setEta } from './session.ts';
import { inspect } from './inspect.ts';
import { exportFiles } from './exportRun.ts';

/** Work per slice before the worker looks at its messages again. */
const SLICE_MS = 25;
/** Progress is posted about this often while running: at a slice's records and at its end, but not sooner after the last post. */
const POST_MS = 20;
/** Weights are sent for heat maps up to this many parameters. */
const HEATMAP_LIMIT = 20000;
/** The version written into exported config.json files. */
declare const __DLN_VERSION__: string;

const post = (m: FromWorker, transfer: Transferable[] = []): void => { (self as unknown as Worker).postMessage(m, transfer); };

let session: Session | null = null;
let running = false;
/** The step a run goes to (Infinity: until the budget or a stop rule ends it). */
let target = Infinity;
/** The speed limit, and the steps it allows that have not been taken yet. */
let speed = Infinity;
let allowance = { steps: 0, at: 0 };
let backend = 'ts';
let pending: TrajectoryRecord[] = [];
let sharpSent = 0;
let lastSharp = { at: -Infinity, cost: 0 };
let rate = { steps: 0, ms: 0 };
let lastPost = -Infinity;

/**
 * The next slice runs from a MessageChannel task, not setTimeout(tick, 0): nested timeouts wait at
 * least 4 ms (HTML's timer clamping), a tenth of each slice. The page's messages are tasks of the same
 * (posted-message) source, so those already sent are handled before the next slice.
 */
const ticks = new MessageChannel();
let tickQueued = false;
const runTick = (): void => { tickQueued = false; tick(); };
ticks.port1.onmessage = runTick;
/** Queues the next slice, after delayMs (once: a pause and a run in quick succession do not start a second chain of slices). */
function queueTick(delayMs = 0): void {
  if (tickQueued) return;
  tickQueued = true;
  if (delayMs > 0) setTimeout(runTick, delayMs);
  else ticks.port2.postMessage(null);
}

/** The status line's classification costs a gradient evaluation: at most every EXPLAIN_MS while running. */
const EXPLAIN_MS = 100;
let explained: { at: number; step: number; x: LossExplanation | null } = { at: -Infinity, step: -1, x: null };

/** The classification at step (the session's weights are those of that step). */
function explanation(s: Session, step: number): LossExplanation | null {
  const now = performance.now();
  if (explained.step === step || (running && now - explained.at < EXPLAIN_MS)) return explained.x;
  explained = { at: now, step, x: explainNow(s) };
  return explained.x;
}

/**
 * Posts the records since the last post and the state now. Within a slice (at a GD record) `at`
 * gives the step reached: the session's own step is the slice's first until advance returns, while
 * its weights are already those of the record's step.
 */
function progress(at?: { step: number; t: number }): void {
  const s = session;
  if (s === null) return;
  const p = s.setup.info.parameters;
  const weights = p <= HEATMAP_LIMIT ? s.weights.map((w) => w.data.slice()) : null;
  const step = at?.step ?? s.step;
  const msg: Progress = {
    type: 'progress', records: pending, step, t: at?.t ?? s.t, status: s.status, running, eta: s.eta,
    sharpness: s.sharpness.slice(sharpSent), weights, stepsPerSecond: rate.ms > 0 ? (1000 * rate.steps) / rate.ms : Number.NaN,
    explanation: explanation(s, step),
  };
  pending = [];
  sharpSent = s.sharpness.length;
  lastPost = performance.now();
  post(msg, weights === null ? [] : weights.map((w) => w.buffer));
}

function slice(steps: number): void {
  const s = session as Session;
  const t0 = performance.now(), step0 = s.step;
  // Read the clock about every 0.5 ms of work (every step when a step takes longer), at most every 64 steps.
  const perMs = rate.ms > 0 ? rate.steps / rate.ms : 1;
  const checkEvery = Math.max(1, Math.min(64, 2 ** Math.floor(Math.log2(Math.max(1, perMs / 2)))));
  // GD (constant or power steps) updates the session's weights in place, so a record's progress can
  // be posted from within the slice: the charts then move every POST_MS whatever SLICE_MS is. The
  // flow's weights are copied back at the end of its call, so it posts per slice; PGD every 200 records.
  const live = s.cfg.optimizer === 'gd' || s.cfg.optimizer === 'power';
  const onRecord = (r: TrajectoryRecord): void => {
    if (s.cfg.optimizer === 'flow') return;
    pending.push(r);
    if (s.cfg.optimizer === 'pgd' ? pending.length >= 200 : live && performance.now() - lastPost >= POST_MS) progress(live ? { step: r.step, t: s.t } : undefined);
  };
  const records = advance(s, steps, t0 + SLICE_MS, onRecord, undefined, checkEvery);
  const t1 = performance.now();
  if (s.cfg.optimizer === 'flow') pending.push(...records);
  rate = { steps: rate.steps * 0.8 + (s.step - step0), ms: rate.ms * 0.8 + (t1 - t0) };
  // Sharpness costs a Lanczos run: sample it at most a tenth of the time (PGD's weights are those at the slice's end).
  if (t1 - lastSharp.at > Math.max(100, 10 * lastSharp.cost)) {
    sampleSharpness(s);
    const t2 = performance.now();
    lastSharp = { at: t2, cost: t2 - t1 };
  }
}

/** Steps the speed limit allows now. */
function allowed(): number {
  if (speed === Infinity) return Infinity;
  const now = performance.now();
  // Unused allowance is capped at a tenth of a second's worth, so a limited run never bursts.
  allowance = { steps: Math.min(allowance.steps + ((now - allowance.at) * speed) / 1000, Math.max(1, speed / 10)), at: now };
  return Math.floor(allowance.steps);
}

function tick(): void {
  if (!running || session === null) return;
  const n = Math.min(target - session.step, allowed());
  if (n < 1) { queueTick(10); return; }
  try {
    const before = session.step;
    slice(n);
    allowance.steps -= session.step - before;
  } catch (e) {
    running = false;
    post({ type: 'error', message: (e as Error).message, during: 'run' });
  }
  if (!canAdvance(session) || session.step >= target) {
    running = false;
    if (session.sharpness.at(-1)?.step !== session.step) sampleSharpness(session);
  }
  // A record's post moments ago already told the page nearly all of it: the rest goes with the next one.
  if (!running || performance.now() - lastPost >= POST_MS) progress();
  if (running) queueTick();
}

async function handle(m: ToWorker): Promise<void> {
  if (m.type === 'setup') {
    // A setup that fails (bad upload, bad widths) leaves the current run as it was.
    const setup = createSetup(m.cfg, m.uploads);
    running = false;
    session = createSession(m.cfg, setup);
    pending = []; sharpSent = 0; rate = { steps: 0, ms: 0 }; lastSharp = { at: -Infinity, cost: 0 }; explained = { at: -Infinity, step: -1, x: null };
    post({ type: 'info', info: setup.info });
    progress();
    return;
  }
  if (m.type === 'speed') { speed = m.stepsPerSecond; allowance = { steps: 0, at: performance.now() }; return; }
  const s = session;
  if (s === null) return;
  switch (m.type) {
    case 'run': target = Infinity; if (!running && canAdvance(s)) { running = true; queueTick(); } break;
    case 'pause': running = false; progress(); break;
    case 'step': {
      // N steps in slices, like a run, so that the worker keeps answering; pause stops them.
      target = s.step + m.n;
      if (!running && canAdvance(s)) { running = true; queueTick(); }
      break;
    }
    case 'reset': {
      running = false;
      session = createSession(s.cfg, s.setup);
      pending = []; sharpSent = 0; rate = { steps: 0, ms: 0 }; explained = { at: -Infinity, step: -1, x: null };
      post({ type: 'info', info: s.setup.info });
      progress();
      break;
    }
    case 'eta': setEta(s, m.eta); progress(); break;
    case 'inspect': post({ type: 'inspection', result: inspect(s.weights, s.stats) }); break;
    case 'export': post({ type: 'export', files: await exportFiles(s, backend, typeof __DLN_VERSION__ === 'string' ? __DLN_VERSION__ : 'dev') }); break;
  }
}

async function start(): Promise<void> {
  try {
    backend = (await useWasmKernels()).name;
  } catch (e) {
    post({ type: 'error', message: `the WASM kernels did not load (${(e as Error).message}); training on the TypeScript kernels`, during: 'load' });
  }
  post({ type: 'ready', backend });
}

const ready = start();
self.addEventListener('message', (ev: MessageEvent<ToWorker>) => {
  const m = ev.data;
  void ready.then(() => handle(m)).catch((e: unknown) => {
    const during = m.type === 'setup' || m.type === 'inspect' || m.type === 'export' ? m.type : 'run';
    post({ type: 'error', message: (e as Error).message, during });
  });
});
