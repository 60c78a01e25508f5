/**
 * What the in-process benches (bench/memory.mjs) use of the engine, bundled on the fly with ncc the way
 * dist/ is: the request lifecycle that builds records, and the per-stage histogram.
 */
export { startRequest } from '../src/load/request.js';
export { Histogram } from '../src/metrics/histogram.js';
