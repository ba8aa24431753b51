/** Seconds as "42 s", "3 min 5 s" or "2 h 4 min". */
export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}

/** "cells 120/1000 (12%), 35.2 cells/s, ETA 25 s" for done of total at a rate. */
export function progressLine(label: string, done: number, total: number, rate: number): string {
  const pct = total > 0 ? Math.floor((100 * done) / total) : 100;
  const eta = rate > 0 ? formatSeconds((total - done) / rate) : '?';
  return `${label}: cells ${done}/${total} (${pct}%), ${rate.toPrecision(3)} cells/s, ETA ${eta}`;
}

/** Progress of a sweep on stderr: a bar redrawn in place on a terminal, a plain line every few seconds otherwise. */
export class SweepProgress {
  private readonly t0 = performance.now();
  private lastPlain = 0;
  private shown = false;

  constructor(private readonly stream: NodeJS.WritableStream & { isTTY?: boolean }, private readonly label: string,
    private readonly total: number, private readonly startDone: number, private readonly enabled = true, private readonly plainEveryMs = 2000) {}

  /** Shows that done cells (of total) are stored. */
  update(done: number, force = false): void {
    if (!this.enabled) return;
    const now = performance.now(), rate = (done - this.startDone) / Math.max((now - this.t0) / 1000, 1e-9);
    const line = progressLine(this.label, done, this.total, rate);
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
