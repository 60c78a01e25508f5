/**
 * What bench/accuracy.mjs --in-process uses, bundled on the fly with ncc the way dist/ is: the engine's
 * node run and config parser, and the EXO simulator, in one process.
 */
export { runNode } from '../src/run/benchmark.js';
export { parseConfigText } from '../src/config/index.js';
export { startSimulator } from '../src/simulator/index.js';
