#!/usr/bin/env node
/**
 * The `exo-bench` command's entry: it turns V8's memory reducer off (src/util/heap.ts: before the engine's
 * code is loaded, which is why the rest is imported here, not above), then calls runCli
 * (src/cli/run.ts) and sets the exit code.
 */
import { disableMemoryReducer } from '../util/heap.js';

disableMemoryReducer();
void Promise.all([import('./run.js'), import('./logger.js')]).then(
  async ([{ runCli }, { processStreams }]) => {
    process.exitCode = await runCli(process.argv.slice(2), processStreams, process.env);
  },
);
