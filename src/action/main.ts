/**
 * The action's main step. The entry turns V8's memory reducer off (src/util/heap.ts: before the engine's
 * code is loaded, which is why the rest is imported here, not above) and only calls run(); run()
 * catches everything, publishes what it has (summary, every output, artifact) and only then fails the
 * step, once.
 */
import { disableMemoryReducer } from '../util/heap.js';

disableMemoryReducer();

/** Runs the main step; never throws. */
export async function run(): Promise<void> {
  const [core, { runMainStep }] = await Promise.all([import('@actions/core'), import('./modes.js')]);
  const failure = await runMainStep();
  if (!failure) return;
  if (failure.annotated) {
    // Each problem is already an annotation; a second one saying "it failed" would only be noise.
    core.info(failure.message);
    process.exitCode = 1;
  } else core.setFailed(failure.message);
}

void run();
