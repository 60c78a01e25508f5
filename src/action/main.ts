/**
 * The action's main step. The entry only calls run(); run() catches everything, publishes what it has
 * (summary, every output, artifact) and only then fails the step, once.
 */
import * as core from '@actions/core';
import { runMainStep } from './modes.js';

/** Runs the main step; never throws. */
export async function run(): Promise<void> {
  const failure = await runMainStep();
  if (!failure) return;
  if (failure.annotated) {
    // Each problem is already an annotation; a second one saying "it failed" would only be noise.
    core.info(failure.message);
    process.exitCode = 1;
  } else core.setFailed(failure.message);
}

void run();
