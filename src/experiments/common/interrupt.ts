import type { ExperimentContext } from '../types.ts';

/** Thrown by an experiment when ctx.shouldStop() asks it to stop (Ctrl-C): it returns no partial result. */
export class ExperimentInterrupted extends Error {
  constructor(experiment: string) {
    super(`${experiment}: interrupted`);
    this.name = 'ExperimentInterrupted';
  }
}

/** Throws ExperimentInterrupted when the context asks the experiment to stop; call between units of work. */
export function checkStop(ctx: ExperimentContext, experiment: string): void {
  if (ctx.shouldStop?.()) throw new ExperimentInterrupted(experiment);
}

/** Reports progress in [0, 1] (clamped) when the context listens. */
export function report(ctx: ExperimentContext, fraction: number, message?: string): void {
  ctx.progress?.(Math.min(1, Math.max(0, fraction)), message);
}
