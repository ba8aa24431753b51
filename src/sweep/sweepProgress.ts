/** Seconds as "42 s", "3 min 5 s" or "2 h 4 min". */
export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}

/**
 * "cells 120/1000 (12%), 35.2 cells/s, ETA 25 s" for done of total at a rate; etaSeconds, when given,
 * replaces the estimate from the rate.
 */
export function progressLine(label: string, done: number, total: number, rate: number, etaSeconds?: number): string {
  const pct = total > 0 ? Math.floor((100 * done) / total) : 100;
  const eta = etaSeconds !== undefined ? formatSeconds(etaSeconds) : rate > 0 ? formatSeconds((total - done) / rate) : '?';
  return `${label}: cells ${done}/${total} (${pct}%), ${rate.toPrecision(3)} cells/s, ETA ${eta}`;
}

/**
 * The work of the stored cells (sweepWork's units), for an ETA that holds when cells differ in cost:
 * a sweep runs its chunks in the order of their shapes (catapult-phase: the largest first), and cells
 * of 10-128-128-128-8 cost a hundred times those of 10-16-8.
 */
export class WorkTally {
  private readonly stored: Uint8Array;
  private doneWork = 0;
  readonly total: number;
  readonly start: number;

  constructor(private readonly work: Float64Array, done: Iterable<number>) {
    this.stored = new Uint8Array(work.length);
    let total = 0;
    for (const w of work) total += w;
    this.total = total;
    for (const i of done) this.mark(i);
    this.start = this.doneWork;
  }

  private mark(i: number): void {
    if (i >= 0 && i < this.stored.length && this.stored[i] === 0) { this.stored[i] = 1; this.doneWork += this.work[i]; }
  }

  /** Counts the cells of these records as stored (each once). */
  add(records: readonly { index: number }[]): void { for (const r of records) this.mark(r.index); }

  /** The work stored so far. */
  get done(): number { return this.doneWork; }

  /** Seconds left at the pace of the work done since the start, over elapsed seconds; undefined before any. */
  eta(elapsed: number): number | undefined {
    const since = this.doneWork - this.start;
    return since > 0 ? (elapsed * Math.max(0, this.total - this.doneWork)) / since : undefined;
  }
}

/** Progress of a sweep on stderr: a bar redrawn in place on a terminal, a plain line every few seconds otherwise. */
export class SweepProgress {
  private readonly t0 = performance.now();
  private lastPlain = 0;
  private shown = false;

  constructor(private readonly stream: NodeJS.WritableStream & { isTTY?: boolean }, private readonly label: string,
    private readonly total: number, private readonly startDone: number, private readonly enabled = true, private readonly plainEveryMs = 2000,
    private readonly work?: WorkTally) {}

  /** Shows that done cells (of total) are stored; the ETA comes from the work tally where there is one. */
  update(done: number, force = false): void {
    if (!this.enabled) return;
    const now = performance.now(), elapsed = Math.max((now - this.t0) / 1000, 1e-9), rate = (done - this.startDone) / elapsed;
    const line = progressLine(this.label, done, this.total, rate, this.work?.eta(elapsed));
    if (this.stream.isTTY === true) {
      const width = 24, fill = Math.round((width * done) / Math.max(this.total, 1));
      this.stream.write(`\r[${'#'.repeat(fill)}${'-'.repeat(width - fill)}] ${line}\x1b[K`);
      this.shown = true;
    } else if (force || now - this.lastPlain >= this.plainEveryMs) {
      this.stream.write(`${line}\n`);
      this.lastPlain = now;
    }
  }

  /** Ends the display (a newline after a bar). */
  stop(done: number): void {
    this.update(done, true);
    if (this.shown) this.stream.write('\n');
  }
}
