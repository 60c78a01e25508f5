/** Small shared type helpers of the simulator. */
import type { RequestFault, SlowHeadersFault } from './faults.js';

/** A request fault that acts on the response body (everything but `slow_headers`). */
export type BodyFault = Exclude<RequestFault, SlowHeadersFault>;
