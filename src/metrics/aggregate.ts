/**
 * From records to the numbers people read. Every formula is written once, here, next to its code, and
 * the same text is printed in the summary's legend (METRIC_DEFINITIONS).
 */
import type { RequestRecord } from './record.js';
import type { Histogram } from './histogram.js';
import { summarize, type Summary } from './stats.js';

/** Counts of failures by class, most frequent message of each. */
export interface ErrorBreakdown {
  error_class: string;
  count: number;
  /** The most frequent message of this class (server text: escape before rendering). */
  example: string;
}

/** The statistics of a set of requests (one stage, or the whole run). */
export interface LoadStatistics {
  // The seed script's metrics, same names.
  total_requests: number;
  successful_requests: number;
  failed_requests: number;
  /** successful_requests / total_requests (0..1); the seed printed it as a percentage. */
  success_rate: number;
  total_tokens: number;
  avg_tokens_per_request: number;
  /** Seconds. */
  avg_time_per_request: number;
  // Ours.
  /** Requests fired in all, warmup included (= total_requests + warmup_requests). */
  fired_requests: number;
  warmup_requests: number;
  ttft_ms: Summary;
  /** Time to the first answer (non-reasoning) token; equals TTFT for models that do not reason. */
  ttfat_ms: Summary;
  tpot_ms: Summary;
  e2e_ms: Summary;
  e2e_from_schedule_ms: Summary;
  dispatch_lag_ms: Summary;
  output_tokens_per_second: number;
  requests_per_second: number;
  /** From the first send to the last end of the counted requests, seconds. */
  active_window_seconds: number;
  /** Successful requests whose token count came from chunks because the server sent no usage. */
  token_counts_from_chunks: number;
  prompt_tokens: Summary;
  errors: ErrorBreakdown[];
}

/** The metric legend: name → formula, printed under the summary's tables. */
export const METRIC_DEFINITIONS: ReadonlyArray<readonly [string, string]> = [
  [
    'Success Rate',
    'successful requests ÷ requests (warmup excluded); a success has ≥ 1 token and ends with [DONE]',
  ],
  [
    'Total Tokens',
    'sum of output tokens of successful requests (server usage, else EXO generation_stats, else chunks)',
  ],
  ['Avg Tokens/Request', 'Total Tokens ÷ successful requests'],
  ['Avg Time/Request', 'mean E2E of successful requests, seconds'],
  ['TTFT', 'first chunk with non-empty content or reasoning_content − send time'],
  ['TTFAT', 'first chunk with non-empty content − send time (time to first answer token)'],
  ['TPOT', '(E2E − TTFT) ÷ (output tokens − 1), requests with ≥ 2 tokens'],
  ['ITL', 'gap between consecutive token chunks, every gap of every successful request'],
  ['E2E', 'end of the response − send time; "from schedule" uses the scheduled time instead'],
  ['Dispatch lag', 'actual send time − scheduled send time (the load generator’s own delay)'],
  ['Output tok/s', 'Total Tokens ÷ active window (first send → last end of the counted requests)'],
  ['Req/s', 'successful requests ÷ active window'],
  ['Peak in flight', 'largest number of requests open at once'],
];

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
  const byClass = new Map<string, Map<string, number>>();
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

/** Computes every statistic of a set of records. Warmup records are counted apart and excluded. */
export function computeStatistics(allRecords: readonly RequestRecord[]): LoadStatistics {
  const records = allRecords.filter((record) => !record.warmup);
  const successes = records.filter((record) => record.ok);
  const ttft: number[] = [];
  const ttfat: number[] = [];
  const tpot: number[] = [];
  const e2e: number[] = [];
  const e2eFromSchedule: number[] = [];
  const promptTokens: number[] = [];
  let totalTokens = 0;
  let fromChunks = 0;
  for (const record of successes) {
    const e2eMs = record.ended_at_ms - record.sent_at_ms;
    e2e.push(e2eMs);
    e2eFromSchedule.push(record.ended_at_ms - record.scheduled_at_ms);
    totalTokens += record.output_tokens;
    if (record.output_tokens_source === 'chunks') fromChunks += 1;
    if (record.prompt_tokens !== undefined) promptTokens.push(record.prompt_tokens);
    if (record.first_token_at_ms !== undefined) {
      const ttftMs = record.first_token_at_ms - record.sent_at_ms;
      ttft.push(ttftMs);
      if (record.output_tokens >= 2) tpot.push((e2eMs - ttftMs) / (record.output_tokens - 1));
    }
    if (record.first_content_at_ms !== undefined) ttfat.push(record.first_content_at_ms - record.sent_at_ms);
  }
  const dispatchLag = records.map((record) => record.sent_at_ms - record.scheduled_at_ms);
  let windowStartMs = Infinity;
  let windowEndMs = -Infinity;
  for (const record of records) {
    if (record.sent_at_ms < windowStartMs) windowStartMs = record.sent_at_ms;
    if (record.ended_at_ms > windowEndMs) windowEndMs = record.ended_at_ms;
  }
  const windowSeconds = records.length > 0 ? Math.max(0, (windowEndMs - windowStartMs) / 1000) : 0;
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
    ttft_ms: summarize(ttft),
    ttfat_ms: summarize(ttfat),
    tpot_ms: summarize(tpot),
    e2e_ms: summarize(e2e),
    e2e_from_schedule_ms: summarize(e2eFromSchedule),
    dispatch_lag_ms: summarize(dispatchLag),
    output_tokens_per_second: windowSeconds > 0 ? totalTokens / windowSeconds : 0,
    requests_per_second: windowSeconds > 0 ? successes.length / windowSeconds : 0,
    active_window_seconds: windowSeconds,
    token_counts_from_chunks: fromChunks,
    prompt_tokens: summarize(promptTokens),
    errors: breakdownErrors(records),
  };
}

/** Percentiles of a streaming histogram (inter-token gaps), in the shape results.json uses. */
export interface HistogramSummary {
  count: number;
  mean: number | null;
  p50: number | null;
  p90: number | null;
  p95: number | null;
  p99: number | null;
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
