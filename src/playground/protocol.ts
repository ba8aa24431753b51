// The messages between the page and its training worker.
import type { TrajectoryRecord } from '../optim/index.ts';
import type { LossExplanation } from '../landscape/index.ts';
import type { PlaygroundConfig } from './config.ts';
import type { Inspection } from './inspect.ts';
import type { SetupInfo, Uploads } from './setup.ts';
import type { SessionStatus } from './session.ts';

/** Page → worker. */
export type ToWorker =
  | { type: 'setup'; cfg: PlaygroundConfig; uploads: Uploads }
  | { type: 'run' }
  | { type: 'pause' }
  | { type: 'step'; n: number }
  | { type: 'reset' }
  | { type: 'eta'; eta: number }
  /** At most this many steps per second (Infinity: as fast as the worker can). */
  | { type: 'speed'; stepsPerSecond: number }
  | { type: 'inspect' }
  | { type: 'export' };

/** One update of a run: the records since the last one and the state now. */
export interface Progress {
  type: 'progress';
  records: TrajectoryRecord[];
  step: number;
  t: number;
  status: SessionStatus;
  running: boolean;
  eta: number;
  sharpness: { step: number; value: number }[];
  /** The weights now (flat, W1 first), when the network is small enough to draw. */
  weights: Float64Array[] | null;
  /** GD steps per second over the last slices (NaN before any). */
  stepsPerSecond: number;
  /** Where the loss now sits among the critical values (dln train's classification), or null. */
  explanation: LossExplanation | null;
}

/** Worker → page. */
export type FromWorker =
  | { type: 'ready'; backend: string }
  | { type: 'info'; info: SetupInfo }
  | Progress
  | { type: 'inspection'; result: Inspection }
  | { type: 'export'; files: Record<string, Uint8Array | string> }
  | { type: 'error'; message: string; during: 'setup' | 'run' | 'inspect' | 'export' | 'load' };
