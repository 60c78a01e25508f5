/**
 * The action's main step. The entry only calls run(); run() catches everything, publishes what it has
 * (summary, every output, artifact) and only then fails the step, once.
 */
import * as core from '@actions/core';
import { runMainStep } from './modes.js';

/** Runs the main step; never throws. */
export async function run(): Promise<void> {
  const failure = await runMainStep();
  if (failure) core.setFailed(failure);
}

void run();
