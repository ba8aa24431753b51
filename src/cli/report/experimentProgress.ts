import cliProgress from 'cli-progress';

/** Progress of several experiments on stderr: one line when each starts and ends, a bar for the long ones. */
export interface ExperimentProgress {
  /** A line of its own (start, done, skipped, a message). */
  line(text: string): void;
  /** An experiment started; long ones get a bar (terminal) or a periodic line (otherwise). */
  start(name: string, long: boolean): void;
  update(name: string, fraction: number, message?: string): void;
  /** The experiment ended (its bar, if any, goes). */
  end(name: string): void;
  /** Stops every bar and timer; further calls still print lines. */
  stop(): void;
}

export interface ExperimentProgressOptions {
  /** Bars and periodic lines at all (--no-progress turns them off; start/end lines stay). Default true. */
  bars?: boolean;
  /** Seconds between the plain progress lines of a long experiment when stderr is not a terminal. Default 10. */
  plainIntervalSeconds?: number;
}

interface Live { name: string; long: boolean; started: number; fraction: number; message: string; bar?: cliProgress.SingleBar }

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** The progress display for stream (a cli-progress MultiBar on a terminal, plain lines elsewhere). */
export function createExperimentProgress(stream: NodeJS.WritableStream & { isTTY?: boolean }, options: ExperimentProgressOptions = {}): ExperimentProgress {
  const bars = options.bars ?? true;
  const tty = stream.isTTY === true;
  const live = new Map<string, Live>();
  let multi: cliProgress.MultiBar | null = null;
  let timer: NodeJS.Timeout | undefined;

  const multiBar = (): cliProgress.MultiBar => {
    multi ??= new cliProgress.MultiBar({
      stream, gracefulExit: false, hideCursor: true, clearOnComplete: true, barsize: 24, autopadding: true,
      format(_opts, params, payload: { name: string; message: string }) {
        const size = 24, full = Math.round(params.progress * size);
        const bar = '█'.repeat(full) + '░'.repeat(size - full);
        const pct = Math.floor(100 * params.progress);
        return `  ${payload.name} ${bar} ${String(pct).padStart(3)}% ${seconds(Date.now() - params.startTime)}${payload.message === '' ? '' : ` | ${payload.message}`}`;
      },
    });
    return multi;
  };

  const closeBars = (): void => {
    if (multi === null) return;
    // update() flushes the lines logged since the last redraw; stop() alone would drop them.
    multi.update();
    multi.stop();
    multi = null;
  };

  const plainTick = (): void => {
    for (const l of live.values()) {
      if (l.long) stream.write(`  ${l.name}: ${Math.floor(100 * l.fraction)}%${l.message === '' ? '' : ` (${l.message})`}, ${seconds(Date.now() - l.started)}\n`);
    }
  };

  return {
    line(text) {
      if (multi !== null) multi.log(`${text}\n`);
      else stream.write(`${text}\n`);
    },
    start(name, long) {
      const l: Live = { name, long, started: Date.now(), fraction: 0, message: 'starting' };
      live.set(name, l);
      if (!bars || !long) return;
      if (tty) l.bar = multiBar().create(1, 0, { name, message: l.message });
      else timer ??= setInterval(plainTick, 1000 * (options.plainIntervalSeconds ?? 10));
    },
    update(name, fraction, message) {
      const l = live.get(name);
      if (l === undefined) return;
      l.fraction = fraction;
      l.message = message ?? l.message;
      l.bar?.update(fraction, { name, message: l.message });
    },
    end(name) {
      const l = live.get(name);
      live.delete(name);
      if (l?.bar !== undefined) multi?.remove(l.bar);
      if (![...live.values()].some((x) => x.bar !== undefined)) closeBars();
      if (![...live.values()].some((x) => x.long)) {
        clearInterval(timer);
        timer = undefined;
      }
    },
    stop() {
      clearInterval(timer);
      timer = undefined;
      closeBars();
      live.clear();
    },
  };
}
