/**
 * Achieved against requested prompt length: how exactly a stage's prompts measured, from the records
 * and the stage's calibration (kept beside the calibration, which the statistics in src/metrics/ do not
 * know about).
 */
import type { RequestRecord } from '../metrics/record.js';
import type { StageCalibration } from './calibrate.js';

/** How a stage's prompts measured against its `prompt_length`. */
export interface PromptLengthStatistics {
  /**
   * The stage's prompt_length (in a trace stage: the rounded mean of the requests' input_length).
   * @asType integer
   * @minimum 0
   */
  requested_tokens: number;
  /**
   * Successful requests whose server-reported prompt tokens equal the requested length (each its own in a
   * trace stage).
   * @asType integer
   * @minimum 0
   */
  exact_requests: number;
  /**
   * Successful requests that reported prompt tokens at all.
   * @asType integer
   * @minimum 0
   */
  reported_requests: number;
  /** How the prompt text was sized; probes are calibration requests, not in any other figure. */
  calibration: StageCalibration;
  /** True unless calibration was exact and every reporting request measured the requested length. */
  approximate: boolean;
}

/** Achieved against requested prompt length, over the successful non-warmup requests of a stage. */
export function promptLengthStatistics(
  allRecords: readonly RequestRecord[],
  requestedTokens: number,
  calibration: StageCalibration,
): PromptLengthStatistics {
  let exact = 0;
  let reported = 0;
  for (const record of allRecords) {
    if (record.warmup || !record.ok || record.prompt_tokens === undefined) continue;
    reported += 1;
    // A trace request aims at its own length; every other at the stage's.
    if (record.prompt_tokens === (record.target_prompt_tokens ?? requestedTokens)) exact += 1;
  }
  return {
    requested_tokens: requestedTokens,
    exact_requests: exact,
    reported_requests: reported,
    calibration,
    approximate: calibration.status !== 'exact' || exact < reported,
  };
}
