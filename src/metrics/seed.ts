/**
 * The seed script's per-stage statistics (EXO's `.github/scripts/bench.py`), computed the way it computed
 * them, quirks included, so that a dashboard reading its documents reads ours unchanged. Our own figures
 * (src/metrics/aggregate.ts) are better defined; these exist for compatibility and sit beside them.
 *
 * The formulas, from the seed's interface (README, "Compatibility with the seed script"):
 * - a request succeeds with at least one content chunk and `data: [DONE]`; `tokens` = content chunks
 *   (reasoning chunks and the server's token count are ignored);
 * - `elapsed_s` = end − request start; `time_to_first_token_s` = first content chunk − request start;
 *   the request starts when it is handed to the HTTP client (`dispatched_at_ms`: the seed's timer also
 *   ran through connection set-up);
 * - `decode_tps` = (tokens − 1) ÷ (last chunk − first content chunk), when tokens > 1 and the interval is
 *   positive;
 * - `total_tokens` = Σ tokens over **all** requests (failed too); `avg_tokens_per_request` =
 *   total_tokens ÷ successful; `avg_time_per_request` = Σ elapsed_s over **all** requests ÷ successful
 *   (0 when none succeeded);
 * - TTFT and decode statistics use the successful requests in firing order **minus the first** when
 *   there is more than one (the seed's warm-up); standard deviations divide by n and are null below two
 *   values; `avg_ms_per_token` = mean of 1000 ÷ decode_tps;
 * - every request of the stage counts (our `warmup_requests` too: the seed had no such setting, it
 *   fired `iterations` requests and counted them all).
 * Stage figures are computed from the rounded per-request values of `requests[]`, so anyone can redo
 * them from the document. Rounding is Python's `round` (half to even on the double's exact value).
 */
import type { RequestRecord } from './record.js';

/** One request of the stage, the seed script's way (times epoch seconds). */
export interface SeedRequestResult {
  /**
   * Index of the request in its stage, from 0.
   * @asType integer
   * @minimum 0
   */
  request_id: number;
  /** True with ≥ 1 content chunk and `data: [DONE]` (reasoning chunks do not count). */
  success: boolean;
  /**
   * Content chunks received (failed requests too); not tokenizer tokens.
   * @asType integer
   * @minimum 0
   */
  tokens: number;
  /** End − start (handed to the HTTP client), seconds, 3 places. */
  elapsed_s: number;
  /** When it was handed to the HTTP client, epoch seconds. */
  started_at: number;
  /** When it ended, epoch seconds. */
  completed_at: number;
  /** First content chunk − start, seconds, 3 places; null without a content chunk. */
  time_to_first_token_s: number | null;
  /**
   * (tokens − 1) ÷ (last chunk − first content chunk), 2 places; null unless tokens > 1 and the interval is
   * positive.
   */
  decode_tps: number | null;
  /** Why it failed; null on success. */
  error: string | null;
}

/** A stage's statistics as the seed reported them (its key names; durations seconds, times epoch seconds). */
export interface SeedStageStatistics {
  /**
   * The seed script's key: requests of the stage, warmup requests included (the seed had none).
   * @asType integer
   * @minimum 0
   */
  total_requests: number;
  /**
   * The seed script's key: requests with ≥ 1 content chunk and `data: [DONE]`.
   * @asType integer
   * @minimum 0
   */
  successful_requests: number;
  /**
   * The seed script's key: total_requests − successful_requests.
   * @asType integer
   * @minimum 0
   */
  failed_requests: number;
  /**
   * The seed script's key: successful_requests ÷ total_requests, 0..1, 4 places.
   * @minimum 0
   * @maximum 1
   */
  success_rate: number;
  /**
   * The seed script's key: Σ tokens (content chunks) of every request, failed ones included.
   * @asType integer
   * @minimum 0
   */
  total_tokens: number;
  /** The seed script's key: total_tokens ÷ successful_requests, 2 places; 0 without success. */
  avg_tokens_per_request: number;
  /**
   * The seed script's key: Σ elapsed_s of every request (failed too) ÷ successful_requests, seconds, 3
   * places; 0 without success.
   */
  avg_time_per_request: number;
  /**
   * The seed script's key: mean time_to_first_token_s of the successful requests minus the first one (when
   * more than one), seconds, 3 places; null when none.
   */
  avg_time_to_first_token: number | null;
  /**
   * The seed script's key: population standard deviation of the same values, seconds, 3 places; null below
   * two.
   */
  std_time_to_first_token: number | null;
  /**
   * The seed script's key: mean decode_tps of the same requests (those that have one), 2 places; null when
   * none.
   */
  avg_decode_tps: number | null;
  /** The seed script's key: mean of 1000 ÷ decode_tps over the same, ms, 2 places. */
  avg_ms_per_token: number | null;
  /**
   * The seed script's key: population standard deviation of 1000 ÷ decode_tps, ms, 2 places; null below two.
   */
  std_ms_per_token: number | null;
  /** The seed script's key: the schedule's origin, epoch seconds. */
  stage_started_at: number;
  /**
   * The seed script's key: after the stage's requests ended and the cluster's tasks drained, epoch seconds.
   */
  stage_completed_at: number;
  /** The seed script's key: stage_completed_at − stage_started_at, seconds. */
  stage_duration_s: number;
  /** The seed script's key: one entry per request, in firing order. */
  requests: SeedRequestResult[];
}

/**
 * Python's `round(x, digits)`: the nearest multiple of 10^-digits to the double's exact value, ties to
 * even. `toFixed` alone would round ties away from zero (JavaScript: 0.125 → 0.13; Python: 0.12).
 */
export function pythonRound(value: number, digits: number): number {
  if (!Number.isFinite(value)) return value;
  const exact = Math.abs(value).toFixed(Math.min(100, digits + 60));
  const point = exact.indexOf('.');
  const kept = exact.slice(0, point + 1 + digits);
  const rest = exact.slice(point + 1 + digits);
  let rounded = Number(kept);
  const step = 10 ** -digits;
  if (rest > '5' + '0'.repeat(rest.length - 1)) rounded = Number((rounded + step).toFixed(digits));
  else if (rest === '5' + '0'.repeat(rest.length - 1)) {
    const lastDigit = Number(kept.replace('.', '').slice(-1));
    if (lastDigit % 2 === 1) rounded = Number((rounded + step).toFixed(digits));
  }
  return value < 0 ? -rounded : rounded;
}

/** Content chunks of a record: token chunks carry content or reasoning, never both counted. */
export function contentChunks(record: RequestRecord): number {
  return record.token_chunks - record.reasoning_chunks;
}

/** One record, the seed's way. */
export function seedRequestResult(record: RequestRecord): SeedRequestResult {
  const tokens = contentChunks(record);
  const success = record.ok && tokens >= 1;
  const startMs = record.dispatched_at_ms;
  let decodeTps: number | null = null;
  if (record.first_content_at_ms !== undefined && record.last_token_at_ms !== undefined && tokens > 1) {
    const decodeSeconds = (record.last_token_at_ms - record.first_content_at_ms) / 1000;
    if (decodeSeconds > 0) decodeTps = pythonRound((tokens - 1) / decodeSeconds, 2);
  }
  let error: string | null = null;
  if (!success) {
    error = record.ok
      ? 'no content chunk (the answer carried reasoning only)'
      : (record.error_message ?? record.error_class ?? 'failed');
  }
  return {
    request_id: record.index,
    success,
    tokens,
    elapsed_s: pythonRound((record.ended_at_ms - startMs) / 1000, 3),
    started_at: startMs / 1000,
    completed_at: record.ended_at_ms / 1000,
    time_to_first_token_s:
      record.first_content_at_ms === undefined
        ? null
        : pythonRound((record.first_content_at_ms - startMs) / 1000, 3),
    decode_tps: decodeTps,
    error,
  };
}

function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** Population standard deviation (÷ n); null below two values, as the seed reported it. */
function populationStd(values: readonly number[]): number | null {
  const average = mean(values);
  if (average === null || values.length < 2) return null;
  const squared = values.reduce((sum, value) => sum + (value - average) ** 2, 0);
  return Math.sqrt(squared / values.length);
}

const roundOrNull = (value: number | null, digits: number): number | null =>
  value === null ? null : pythonRound(value, digits);

/**
 * A stage's seed statistics from all its records (any order; warmup included), the stage's start and
 * the moment it completed (after the drain), epoch ms.
 */
export function computeSeedStageStatistics(
  records: readonly RequestRecord[],
  stageStartedAtMs: number,
  stageCompletedAtMs: number,
): SeedStageStatistics {
  const requests = [...records].sort((a, b) => a.index - b.index).map(seedRequestResult);
  const total = requests.length;
  const successes = requests.filter((request) => request.success);
  const successful = successes.length;
  const totalTokens = requests.reduce((sum, request) => sum + request.tokens, 0);
  const totalElapsed = requests.reduce((sum, request) => sum + request.elapsed_s, 0);
  // The seed's warm-up: the first success is left out of TTFT and decode figures when there are more.
  const measured = successful > 1 ? successes.slice(1) : successes;
  const ttfts = measured.flatMap((r) => (r.time_to_first_token_s === null ? [] : [r.time_to_first_token_s]));
  const decodeRates = measured.flatMap((r) => (r.decode_tps === null ? [] : [r.decode_tps]));
  const msPerToken = decodeRates.map((tps) => 1000 / tps);
  return {
    total_requests: total,
    successful_requests: successful,
    failed_requests: total - successful,
    success_rate: total > 0 ? pythonRound(successful / total, 4) : 0,
    total_tokens: totalTokens,
    avg_tokens_per_request: successful > 0 ? pythonRound(totalTokens / successful, 2) : 0,
    avg_time_per_request: successful > 0 ? pythonRound(totalElapsed / successful, 3) : 0,
    avg_time_to_first_token: roundOrNull(mean(ttfts), 3),
    std_time_to_first_token: roundOrNull(populationStd(ttfts), 3),
    avg_decode_tps: roundOrNull(mean(decodeRates), 2),
    avg_ms_per_token: roundOrNull(mean(msPerToken), 2),
    std_ms_per_token: roundOrNull(populationStd(msPerToken), 2),
    stage_started_at: stageStartedAtMs / 1000,
    stage_completed_at: stageCompletedAtMs / 1000,
    stage_duration_s: (stageCompletedAtMs - stageStartedAtMs) / 1000,
    requests,
  };
}

/** Moves a stage's completion to after the drain (the seed took `stage_completed_at` there). */
export function completeSeedStage(
  stage: SeedStageStatistics,
  startedAtMs: number,
  completedAtMs: number,
): void {
  stage.stage_completed_at = completedAtMs / 1000;
  // From the milliseconds: a difference of epoch seconds would lose digits.
  stage.stage_duration_s = (completedAtMs - startedAtMs) / 1000;
}
