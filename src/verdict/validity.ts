/**
 * The defaults that protect users, judged before the gates: whether the load generator kept up (run
 * validity), and the verdict of a completed run (zero successes fail, an invalid run is `invalid`,
 * then the gates of ./index.ts).
 */
import type { BenchConfig } from '../config/types.js';
import type { ResultsDocument, StageResults, Validity, Verdict } from '../results/document.js';
import { gatesFailed, measuredNothing } from './index.js';

/**
 * Event-loop delay p99 allowed per millisecond of allowed dispatch lag. A late event loop delays every
 * timestamp, so its bound follows the config's dispatch-lag bound: 4 × 5 ms = 20 ms by default; a user
 * who relaxes one relaxes both.
 */
export const EVENT_LOOP_DELAY_PER_DISPATCH_LAG = 4;

/**
 * Fewest samples a p99 is judged on: ⌈100 / (100 − 99)⌉, the thresholds' rule (src/metrics/catalog.ts).
 * Below it the p99 is the largest sample or close to it: one late first request would decide the gate.
 */
export const MIN_P99_SAMPLES = 100;

/**
 * Judges whether the load generator kept up; an invalid run never passes silently. A stage's
 * dispatch-lag p99 is judged on at least MIN_P99_SAMPLES requests; a smaller stage's lag is reported in
 * `notes` and the gate is `inconclusive` (not failed). The event-loop delay is judged on as many samples.
 */
export function judgeValidity(
  config: BenchConfig,
  stages: StageResults[],
  eventLoopDelayP99Ms: number | null,
  eventLoopDelaySamples = Infinity,
): Validity {
  const reasons: string[] = [];
  const notes: string[] = [];
  // Warm-up stages are shown, never judged.
  const judged = stages.filter((stage) => !stage.config.warmup);
  const allLags = judged.flatMap((stage) =>
    stage.dispatch_lag_ms.p99 === null ? [] : [stage.dispatch_lag_ms.p99],
  );
  const worstLag = allLags.length > 0 ? Math.max(...allLags) : null;
  let judgedStages = 0;
  for (const stage of judged) {
    const p99 = stage.dispatch_lag_ms.p99;
    const samples = stage.dispatch_lag_ms.count;
    if (p99 === null) continue;
    if (samples < MIN_P99_SAMPLES) {
      notes.push(
        `stage ${stage.name}: dispatch lag p99 ${p99.toFixed(2)} ms from ${samples} request${samples === 1 ? '' : 's'}, not judged (a p99 needs ≥ ${MIN_P99_SAMPLES})`,
      );
      continue;
    }
    judgedStages += 1;
    if (p99 > config.max_dispatch_lag_p99_ms) {
      reasons.push(
        `stage ${stage.name}: dispatch lag p99 ${p99.toFixed(2)} ms > ${config.max_dispatch_lag_p99_ms} ms over ${samples} requests (the load generator fell behind its schedule)`,
      );
    }
  }
  const maxLoopDelayMs = EVENT_LOOP_DELAY_PER_DISPATCH_LAG * config.max_dispatch_lag_p99_ms;
  if (eventLoopDelayP99Ms !== null && eventLoopDelaySamples < MIN_P99_SAMPLES) {
    notes.push(
      `event-loop delay p99 ${eventLoopDelayP99Ms.toFixed(1)} ms from ${eventLoopDelaySamples} samples, not judged (a p99 needs ≥ ${MIN_P99_SAMPLES})`,
    );
  } else if (eventLoopDelayP99Ms !== null && eventLoopDelayP99Ms > maxLoopDelayMs) {
    reasons.push(
      `event-loop delay p99 ${eventLoopDelayP99Ms.toFixed(1)} ms > ${maxLoopDelayMs} ms (timestamps may be late by that much)`,
    );
  }
  const status =
    reasons.length > 0 ? 'invalid' : notes.length > 0 && judgedStages === 0 ? 'inconclusive' : 'valid';
  return {
    valid: reasons.length === 0,
    status,
    reasons,
    ...(notes.length > 0 ? { notes } : {}),
    dispatch_lag_p99_ms: worstLag,
    max_dispatch_lag_p99_ms: config.max_dispatch_lag_p99_ms,
    event_loop_delay_p99_ms: eventLoopDelayP99Ms,
    max_event_loop_delay_p99_ms: maxLoopDelayMs,
  };
}

/**
 * The verdict of a completed run: zero successes fail; an invalid run is invalid (never a silent pass);
 * then a failed threshold or a regression against the baseline fails.
 */

export function judgeVerdict(
  document: Pick<ResultsDocument, 'results' | 'validity' | 'error'> &
    Partial<Pick<ResultsDocument, 'thresholds' | 'comparison'>>,
): Verdict {
  if (document.error) return 'error';
  if (!document.validity.valid) return 'invalid';
  if (measuredNothing(document)) return 'fail';
  if (gatesFailed(document)) return 'fail';
  return 'pass';
}
