// The page's copy of a run's trajectory, in the columns the charts draw, thinned as it grows.
import type { TrajectoryRecord } from '../optim/index.ts';

/** Points kept per column before every other one is dropped (charts stay fast on long runs). */
export const MAX_POINTS = 4000;

/** Columns of the live charts: x = step (or t for the flow). */
export class RunStore {
  x: number[] = [];
  loss: number[] = [];
  gradNorm: number[] = [];
  balancedness: number[] = [];
  drift: number[] = [];
  sv: number[][] = [];
  sharpX: number[] = [];
  sharp: number[] = [];
  /** The newest record (never thinned away). */
  last: TrajectoryRecord | null = null;
  private stride = 1;
  private seen = 0;

  clear(): void {
    this.x = []; this.loss = []; this.gradNorm = []; this.balancedness = []; this.drift = []; this.sv = [];
    this.sharpX = []; this.sharp = []; this.last = null; this.stride = 1; this.seen = 0;
  }

  /** Appends records (keeping every stride-th); returns whether anything was added. */
  add(records: readonly TrajectoryRecord[], useTime: boolean): boolean {
    for (const r of records) {
      this.last = r;
      if (this.seen++ % this.stride !== 0) continue;
      this.x.push(useTime && r.t !== undefined ? r.t : r.step);
      this.loss.push(r.loss);
      this.gradNorm.push(r.gradNorm);
      this.balancedness.push(r.balancedness);
      this.drift.push(r.drift);
      r.singularValues.forEach((v, k) => { (this.sv[k] ??= new Array<number>(this.x.length - 1).fill(Number.NaN)).push(v); });
      if (this.x.length > MAX_POINTS) this.thin();
    }
    return records.length > 0;
  }

  addSharpness(samples: readonly { step: number; value: number }[]): void {
    for (const s of samples) { this.sharpX.push(s.step); this.sharp.push(s.value); }
    if (this.sharpX.length > MAX_POINTS) {
      this.sharpX = this.sharpX.filter((_, i) => i % 2 === 0);
      this.sharp = this.sharp.filter((_, i) => i % 2 === 0);
    }
  }

  private thin(): void {
    const keep = <T>(a: T[]): T[] => a.filter((_, i) => i % 2 === 0);
    this.x = keep(this.x); this.loss = keep(this.loss); this.gradNorm = keep(this.gradNorm);
    this.balancedness = keep(this.balancedness); this.drift = keep(this.drift); this.sv = this.sv.map(keep);
    this.stride *= 2;
  }
}
