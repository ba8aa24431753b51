import type { Workload } from './common.ts';
import { smallNetworks } from './smallNetworks.ts';
import { largeNetworks } from './largeNetworks.ts';
import { decompositions } from './decompositions.ts';
import { scaling } from './scaling.ts';
import { memory } from './memory.ts';
import { playground } from './playground.ts';
import { sharpnessBench } from './sharpness.ts';
import { sweepBench } from './sweep.ts';
import { startup } from './startup.ts';

/** Every workload of `npm run bench`, in the order of the table (then memory, sweeps, start-up and the playground). */
export const workloads: Workload[] = [...smallNetworks, ...largeNetworks, ...decompositions, ...scaling, ...sharpnessBench, ...memory, sweepBench, ...startup, ...playground];
