/**
 * The action's post step. Runs after the job's steps, also when the main step was cancelled or crashed.
 * Idempotent: if main finished its own cleanup there is nothing to do; otherwise it deletes the
 * instances main placed, stops the EXO it started, and publishes what main left in its output folder.
 */
import * as core from '@actions/core';
import { runPostStep } from './post-step.js';

/** Runs the post step; a failure is a warning (the job's verdict was decided by main). */
export async function run(): Promise<void> {
  try {
    await runPostStep();
  } catch (error) {
    core.warning(`exo-bench post step: ${error instanceof Error ? error.message : String(error)}`);
  }
}

void run();
