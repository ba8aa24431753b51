import cliProgress from 'cli-progress';

/** Where and how often progress is shown; every field states its default. */
export interface ProgressOptions {
  /** Progress goes here (stderr; never stdout, which carries results). */
  readonly stream: NodeJS.WritableStream & { isTTY?: boolean };
  /** False silences everything (--no-progress). */
  readonly enabled: boolean;
  /** Text before each line, e.g. "train". */
  readonly label: string;
  /**
   * What is counted: 't' (time along a flow, 4 significant digits) or the name of an integer count
   * ('step', 'column', 'iteration'). With total 0 nothing is counted: the display shows the label and the time.
   */
  readonly unit: string;
  /** Whether the loss is shown (default true: a training run's progress). */
  readonly showLoss?: boolean;
  /** Seconds between plain lines when the stream is not a terminal (default 2). */
  readonly plainIntervalSeconds?: number;
}

/** A progress display: update often (cheap), stop once. */
export interface Progress {
  update(value: number, loss: number): void;
  stop(): void;
}

function fmtLoss(loss: unknown): string {
  return typeof loss === 'number' ? loss.toExponential(4) : '…';
}

function fmtValue(v: number, unit: string): string {
  return unit === 't' ? v.toPrecision(4) : String(Math.round(v));
}

function fmtSeconds(ms: number): string {
  const s = Math.max(0, ms / 1000);
  return s < 60 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

/**
 * A cli-progress bar when the stream is a terminal; otherwise a plain line every few seconds and a
 * last one at stop (`train: step 1200/5000 (24%), loss 1.2345e-3, 2.0 s`).
 */
export function createProgress(total: number, options: ProgressOptions): Progress {
  if (!options.enabled) return { update() {}, stop() {} };
  const tty = options.stream.isTTY === true;
  const { unit, label } = options, showLoss = options.showLoss ?? true;
  const bar = new cliProgress.SingleBar({
    stream: options.stream,
    noTTYOutput: true,
    notTTYSchedule: 1000 * (options.plainIntervalSeconds ?? 2),
    gracefulExit: false,
    hideCursor: tty,
    // A terminal keeps the finished bar; plain output already ends each line itself.
    clearOnComplete: !tty,
    barsize: 24,
    format(opts, params, payload: { loss?: number }) {
      const elapsed = fmtSeconds((params.stopTime ?? Date.now()) - params.startTime);
      if (params.total === 0) return tty ? `${label} … | ${elapsed}` : `${label}, ${elapsed}`;
      const pct = Math.min(100, Math.floor((100 * params.value) / params.total));
      const counts = `${unit} ${fmtValue(params.value, unit)}/${fmtValue(params.total, unit)}`;
      const loss = payload.loss === undefined || !showLoss ? '' : `, loss ${fmtLoss(payload.loss)}`;
      if (!tty) return `${label}: ${counts} (${pct}%)${loss}, ${elapsed}`;
      const size = opts.barsize ?? 24, full = Math.round((params.progress ?? 0) * size);
      const barText = '█'.repeat(full) + '░'.repeat(Math.max(0, size - full));
      const eta = params.value > 0 && params.value < params.total && Number.isFinite(params.eta) ? ` | ETA ${fmtSeconds(1000 * params.eta)}` : '';
      return `${label} ${barText} ${pct}% | ${counts}${showLoss ? ` | loss ${fmtLoss(payload.loss)}` : ''} | ${elapsed}${eta}`;
    },
  });
  bar.start(total, 0, {});
  let stopped = false;
  return {
    update(value, loss) {
      if (!stopped) bar.update(value, { loss });
    },
    stop() {
      if (stopped) return;
      stopped = true;
      bar.stop();
    },
  };
}
