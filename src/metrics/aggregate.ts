/**
 * From records to the numbers people read. A request's own figures (TTFT, TPOT, E2E, …) come from
 * requestSample (samples.ts); the formulas over sets of requests (means, rates, windows, cache hits)
 * are written once, here, next to their code. Their definitions in words are one table,
 * src/metrics/definitions.ts, which the summary, the report and the results schema all print.
 */
import type { ErrorClass, RequestRecord } from './record.js';
import { activeWindowSeconds, requestSample } from './samples.js';
import type { Histogram } from './histogram.js';
import { summarize, type Count, type Summary } from './stats.js';

/** Failures of one class, with the most frequent message of that class. */
export interface ErrorBreakdown {
  /**
   * Class of the failure (src/metrics/record.ts documents each); `unknown` when a failed record names none.
   */
  error_class: ErrorClass | 'unknown';
  /**
   * Failed requests of this class.
   * @asType integer
   * @minimum 0
   */
  count: number;
  /** The most frequent message of this class (server text: escape before rendering). */
  example: string;
}

/**
 * The statistics of a set of requests (one stage, or the whole run).
 * @title load statistics
 */
export interface LoadStatistics {
  // The seed script's metrics, same names.
  /**
   * Requests counted (warmup excluded).
   * @asType integer
   * @minimum 0
   */
  total_requests: number;
  /**
   * Counted requests that succeeded (≥ 1 token, content or reasoning, and a proper end, `data: [DONE]`).
   * @asType integer
   * @minimum 0
   */
  successful_requests: number;
  /**
   * Counted requests that failed.
   * @asType integer
   * @minimum 0
   */
  failed_requests: number;
  /**
   * 0..1, not rounded.
   * @minimum 0
   * @maximum 1
   */
  success_rate: number;
  /**
   * @asType integer
   * @minimum 0
   */
  total_tokens: number;
  avg_tokens_per_request: number;
  avg_time_per_request: number;
  // Ours.
  /**
   * Requests fired in all, warmup included (= total_requests + warmup_requests).
   * @asType integer
   * @minimum 0
   */
  fired_requests: number;
  /**
   * Requests fired and recorded but left out of these statistics.
   * @asType integer
   * @minimum 0
   */
  warmup_requests: number;
  /** Milliseconds. */
  ttft_ms: Summary;
  /** Milliseconds; equals TTFT for models that do not reason. */
  ttfat_ms: Summary;
  /** Milliseconds. */
  tpot_ms: Summary;
  /** Milliseconds, successful requests. */
  e2e_ms: Summary;
  /** End of the response − scheduled send time (ms), successful requests. */
  e2e_from_schedule_ms: Summary;
  /** Milliseconds. */
  dispatch_lag_ms: Summary;
  /** Milliseconds. */
  connect_ms: Summary;
  output_tokens_per_second: number;
  requests_per_second: number;
  /** From the first send to the last end of the counted requests, seconds. */
  active_window_seconds: number;
  /**
   * Successful requests whose token count came from chunks because the server sent no usage.
   * @asType integer
   * @minimum 0
   */
  token_counts_from_chunks: number;
  prompt_tokens: Summary;
  /** Null when the server reports neither. */
  cache_hit_rate: number | null;
  /** Which of the two definitions cache_hit_rate uses; null when it is null. */
  cache_hit_source: 'cached_tokens' | 'prefix_cache_hit' | null;
  /**
   * Σ usage.completion_tokens_details.reasoning_tokens (0 when no server reports them).
   * @asType integer
   * @minimum 0
   */
  reasoning_tokens: number;
  /**
   * Σ token chunks of successful requests (content and reasoning chunks).
   * @asType integer
   * @minimum 0
   */
  token_chunks: number;
  /**
   * Successful requests whose server-counted output exceeds their token chunks by more than one: the server
   * packs several tokens per chunk, so chunk gaps (ITL) are not per-token gaps; TPOT, from the server count,
   * still is.
   * @asType integer
   * @minimum 0
   */
  multi_token_chunk_requests: number;
  /**
   * Σ unusable stream lines (data that is not a JSON object, a chunk or EXO comment that does not parse, a
   * field SSE does not have), failed requests included.
   * @asType integer
   * @minimum 0
   */
  invalid_events: number;
  /**
   * Requests (failed included) whose stream had at least one unusable line.
   * @asType integer
   * @minimum 0
   */
  requests_with_invalid_events: number;
  /** Failures by class, most frequent class first. */
  errors: ErrorBreakdown[];
}

function mostFrequent(messages: Map<string, number>): string {
  let best = '';
  let bestCount = -1;
  for (const [message, count] of messages) {
    if (count > bestCount) {
      best = message;
      bestCount = count;
    }
  }
  return best;
}

/** Groups failures by class with the most frequent message of each, most frequent class first. */
export function breakdownErrors(records: readonly RequestRecord[]): ErrorBreakdown[] {
  const byClass = new Map<ErrorClass | 'unknown', Map<string, number>>();
  for (const record of records) {
    if (record.ok) continue;
    const errorClass = record.error_class ?? 'unknown';
    let messages = byClass.get(errorClass);
    if (!messages) byClass.set(errorClass, (messages = new Map()));
    const message = record.error_message ?? '';
    messages.set(message, (messages.get(message) ?? 0) + 1);
  }
  const breakdown: ErrorBreakdown[] = [];
  for (const [errorClass, messages] of byClass) {
    let count = 0;
    for (const n of messages.values()) count += n;
    breakdown.push({ error_class: errorClass, count, example: mostFrequent(messages) });
  }
  return breakdown.sort((a, b) => b.count - a.count || a.error_class.localeCompare(b.error_class));
}

/** What the successful requests add up to: their samples, token counts and cache reports. */
interface SuccessTotals {
  ttft: number[];
  ttfat: number[];
  tpot: number[];
  e2e: number[];
  e2eFromSchedule: number[];
  promptTokens: number[];
  totalTokens: number;
  /** Requests whose output tokens were counted from chunks (no usage). */
  fromChunks: number;
  cachedTokens: number;
  cachedPromptTokens: number;
  /** Requests that reported cached_tokens with their prompt_tokens. */
  cacheReports: number;
  prefixHits: number;
  /** Requests that reported a prefix_cache_hit. */
  prefixReports: number;
  reasoningTokens: number;
  tokenChunks: number;
  multiTokenChunkRequests: number;
}

/**
 * One pass over the successful requests gathering every sum and sample at once, in local variables:
 * a pass per figure would walk the records a dozen times.
 */
function successTotals(successes: readonly RequestRecord[]): SuccessTotals {
  const ttft: number[] = [];
  const ttfat: number[] = [];
  const tpot: number[] = [];
  const e2e: number[] = [];
  const e2eFromSchedule: number[] = [];
  const promptTokens: number[] = [];
  let totalTokens = 0;
  let fromChunks = 0;
  let cachedTokens = 0;
  let cachedPromptTokens = 0;
  let cacheReports = 0;
  let prefixHits = 0;
  let prefixReports = 0;
  let reasoningTokens = 0;
  let tokenChunks = 0;
  let multiTokenChunkRequests = 0;
  for (const record of successes) {
    const sample = requestSample(record);
    e2e.push(sample.e2eMs as number);
    e2eFromSchedule.push(sample.e2eFromScheduleMs as number);
    totalTokens += record.output_tokens;
    if (record.output_tokens_source === 'chunks') fromChunks += 1;
    tokenChunks += record.token_chunks;
    if (record.output_tokens_source !== 'chunks' && record.output_tokens > record.token_chunks + 1)
      multiTokenChunkRequests += 1;
    if (record.reasoning_tokens !== undefined) reasoningTokens += record.reasoning_tokens;
    if (record.cached_tokens !== undefined && record.prompt_tokens !== undefined) {
      cacheReports += 1;
      cachedTokens += record.cached_tokens;
      cachedPromptTokens += record.prompt_tokens;
    }
    if (record.prefix_cache_hit !== undefined) {
      prefixReports += 1;
      if (record.prefix_cache_hit === 'partial' || record.prefix_cache_hit === 'exact') prefixHits += 1;
    }
    if (record.prompt_tokens !== undefined) promptTokens.push(record.prompt_tokens);
    if (sample.ttftMs !== undefined) ttft.push(sample.ttftMs);
    if (sample.tpotMs !== undefined) tpot.push(sample.tpotMs);
    if (sample.ttfatMs !== undefined) ttfat.push(sample.ttfatMs);
  }
  return {
    ttft,
    ttfat,
    tpot,
    e2e,
    e2eFromSchedule,
    promptTokens,
    totalTokens,
    fromChunks,
    cachedTokens,
    cachedPromptTokens,
    cacheReports,
    prefixHits,
    prefixReports,
    reasoningTokens,
    tokenChunks,
    multiTokenChunkRequests,
  };
}

/** Malformed stream events, and how many requests saw any (failed requests included). */
function invalidEventCounts(records: readonly RequestRecord[]): {
  invalidEvents: number;
  requestsWithInvalidEvents: number;
} {
  let invalidEvents = 0;
  let requestsWithInvalidEvents = 0;
  for (const record of records) {
    if (record.invalid_events === undefined) continue;
    invalidEvents += record.invalid_events;
    requestsWithInvalidEvents += 1;
  }
  return { invalidEvents, requestsWithInvalidEvents };
}

/**
 * The cache hit rate: cached prompt tokens over prompt tokens when the server reports cached_tokens,
 * else the share of requests with a prefix-cache hit (the simulator's report); null with neither.
 */
function cacheHitRate(totals: SuccessTotals): Pick<LoadStatistics, 'cache_hit_rate' | 'cache_hit_source'> {
  const { cacheReports, cachedTokens, cachedPromptTokens, prefixReports, prefixHits } = totals;
  return {
    cache_hit_rate:
      cacheReports > 0
        ? cachedPromptTokens > 0
          ? cachedTokens / cachedPromptTokens
          : 0
        : prefixReports > 0
          ? prefixHits / prefixReports
          : null,
    cache_hit_source: cacheReports > 0 ? 'cached_tokens' : prefixReports > 0 ? 'prefix_cache_hit' : null,
  };
}

/** Computes every statistic of a set of records. Warmup records are counted apart and excluded. */
export function computeStatistics(allRecords: readonly RequestRecord[]): LoadStatistics {
  const records = allRecords.filter((record) => !record.warmup);
  const successes = records.filter((record) => record.ok);
  const totals = successTotals(successes);
  const { totalTokens, e2e } = totals;
  const { invalidEvents, requestsWithInvalidEvents } = invalidEventCounts(records);
  const countedSamples = records.map(requestSample);
  const dispatchLag = countedSamples.map((sample) => sample.dispatchLagMs);
  const connect = countedSamples.map((sample) => sample.connectMs);
  const windowSeconds = activeWindowSeconds(countedSamples);
  const { cache_hit_rate, cache_hit_source } = cacheHitRate(totals);
  return {
    total_requests: records.length,
    successful_requests: successes.length,
    failed_requests: records.length - successes.length,
    success_rate: records.length > 0 ? successes.length / records.length : 0,
    total_tokens: totalTokens,
    avg_tokens_per_request: successes.length > 0 ? totalTokens / successes.length : 0,
    avg_time_per_request:
      successes.length > 0 ? e2e.reduce((sum, v) => sum + v, 0) / successes.length / 1000 : 0,
    fired_requests: allRecords.length,
    warmup_requests: allRecords.length - records.length,
    ttft_ms: summarize(totals.ttft),
    ttfat_ms: summarize(totals.ttfat),
    tpot_ms: summarize(totals.tpot),
    e2e_ms: summarize(e2e),
    e2e_from_schedule_ms: summarize(totals.e2eFromSchedule),
    dispatch_lag_ms: summarize(dispatchLag),
    connect_ms: summarize(connect),
    output_tokens_per_second: windowSeconds > 0 ? totalTokens / windowSeconds : 0,
    requests_per_second: windowSeconds > 0 ? successes.length / windowSeconds : 0,
    active_window_seconds: windowSeconds,
    token_counts_from_chunks: totals.fromChunks,
    prompt_tokens: summarize(totals.promptTokens),
    cache_hit_rate,
    cache_hit_source,
    reasoning_tokens: totals.reasoningTokens,
    token_chunks: totals.tokenChunks,
    multi_token_chunk_requests: totals.multiTokenChunkRequests,
    invalid_events: invalidEvents,
    requests_with_invalid_events: requestsWithInvalidEvents,
    errors: breakdownErrors(records),
  };
}

/** Percentiles of a streaming histogram (inter-token gaps), in the shape results.json uses. */
export interface HistogramSummary {
  /**
   * Number of gaps.
   * @asType integer
   * @minimum 0
   */
  count: number;
  /** Mean gap (ms). */
  mean: number | null;
  /** 50th percentile (ms). */
  p50: number | null;
  /** 90th percentile (ms). */
  p90: number | null;
  /** 95th percentile (ms). */
  p95: number | null;
  /** 99th percentile (ms). */
  p99: number | null;
  /** Largest gap (ms). */
  max: number | null;
}

/** Summarises a histogram; relative error of each percentile ≤ 1 % (src/metrics/histogram.ts). */
export function histogramSummary(histogram: Histogram): HistogramSummary {
  return {
    count: histogram.count,
    mean: histogram.mean,
    p50: histogram.percentile(50),
    p90: histogram.percentile(90),
    p95: histogram.percentile(95),
    p99: histogram.percentile(99),
    max: histogram.max,
  };
}

/** Output length against `generation_length` (servers that stop early or ignore `max_tokens`). */
export interface OutputLengthStatistics {
  /**
   * max_tokens of every request (the stage's generation_length; in a trace stage the rounded mean of the
   * requests' output_length, each request asking for its own).
   * @asType integer
   * @minimum 0
   */
  requested_tokens: number;
  /** Output tokens of successful requests. */
  achieved_tokens: Summary;
  /**
   * Successful requests with fewer output tokens than requested (EOS, stop string).
   * @asType integer
   * @minimum 0
   */
  short_requests: number;
  /**
   * Successful requests with more output tokens than requested (the server ignored max_tokens).
   * @asType integer
   * @minimum 0
   */
  over_requests: number;
  shortfall_ratio: number;
  /** Successful requests by finish_reason (`none` when the server sent none). */
  finish_reasons: Record<string, Count>;
}

/** Requested against achieved output tokens, over the successful non-warmup requests of a stage. */
export function outputLengthStatistics(
  allRecords: readonly RequestRecord[],
  requestedTokens: number,
): OutputLengthStatistics {
  const achieved: number[] = [];
  let short = 0;
  let over = 0;
  let missing = 0;
  let requested = 0;
  const finishReasons: Record<string, number> = {};
  for (const record of allRecords) {
    if (record.warmup || !record.ok) continue;
    // A trace request asks for its own output_length; every other for the stage's.
    const wanted = record.max_tokens ?? requestedTokens;
    achieved.push(record.output_tokens);
    if (record.output_tokens < wanted) short += 1;
    if (record.output_tokens > wanted) over += 1;
    missing += Math.max(0, wanted - record.output_tokens);
    requested += wanted;
    const reason = record.finish_reason ?? 'none';
    finishReasons[reason] = (finishReasons[reason] ?? 0) + 1;
  }
  return {
    requested_tokens: requestedTokens,
    achieved_tokens: summarize(achieved),
    short_requests: short,
    over_requests: over,
    shortfall_ratio: requested > 0 ? missing / requested : 0,
    finish_reasons: finishReasons,
  };
}
