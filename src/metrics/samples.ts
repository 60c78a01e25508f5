/**
 * One request's figures, each by its formula. This is where TTFT, TTFAT, TPOT, E2E, dispatch lag and
 * connect time are computed: the statistics (aggregate.ts), the gates and the baseline comparison
 * (metrics/catalog.ts) and the charts (report/charts.ts) all read them from here, so a table, a gate
 * and a chart can never disagree on what a request measured. The same formulas are printed in the
 * summary's legend (METRIC_DEFINITIONS in definitions.ts).
 */
import type { RequestRecord } from './record.js';

/** The figures of one request; a figure is undefined where its formula does not apply. */
export interface RequestSample {
  ok: boolean;
  /** TTFT = first token (content or reasoning) − send; successful requests with a first token only. */
  ttftMs: number | undefined;
  /** TTFAT = first answer (content) token − send; successful requests with one only. */
  ttfatMs: number | undefined;
  /** TPOT = (E2E − TTFT) ÷ (output tokens − 1); successful requests with ≥ 2 tokens only. */
  tpotMs: number | undefined;
  /** E2E = end − send; successful requests only. */
  e2eMs: number | undefined;
  /** E2E from schedule = end − scheduled send; successful requests only. */
  e2eFromScheduleMs: number | undefined;
  /** Dispatch lag = handed to the HTTP client − scheduled send; every request. */
  dispatchLagMs: number;
  /** Connect = written on a connected socket − handed to the HTTP client; every request. */
  connectMs: number;
  /** Output tokens of a successful request, 0 for a failed one. */
  outputTokens: number;
  sentAtMs: number;
  endedAtMs: number;
}

/** The figures of one request (warmup or not: callers decide what they count). */
export function requestSample(record: RequestRecord): RequestSample {
  const e2eMs = record.ok ? record.ended_at_ms - record.sent_at_ms : undefined;
  const ttftMs =
    record.ok && record.first_token_at_ms !== undefined
      ? record.first_token_at_ms - record.sent_at_ms
      : undefined;
  return {
    ok: record.ok,
    ttftMs,
    ttfatMs:
      record.ok && record.first_content_at_ms !== undefined
        ? record.first_content_at_ms - record.sent_at_ms
        : undefined,
    tpotMs:
      e2eMs !== undefined && ttftMs !== undefined && record.output_tokens >= 2
        ? (e2eMs - ttftMs) / (record.output_tokens - 1)
        : undefined,
    e2eMs,
    e2eFromScheduleMs: record.ok ? record.ended_at_ms - record.scheduled_at_ms : undefined,
    dispatchLagMs: record.dispatched_at_ms - record.scheduled_at_ms,
    connectMs: record.sent_at_ms - record.dispatched_at_ms,
    outputTokens: record.ok ? record.output_tokens : 0,
    sentAtMs: record.sent_at_ms,
    endedAtMs: record.ended_at_ms,
  };
}

/** The samples of the counted requests of a set of records (warmup requests are dropped). */
export function requestSamples(records: readonly RequestRecord[]): RequestSample[] {
  const samples: RequestSample[] = [];
  for (const record of records) if (!record.warmup) samples.push(requestSample(record));
  return samples;
}

/**
 * The active window of a set of requests, in seconds: from the first one sent to the last one ended
 * (0 without requests). Throughputs (tokens/s, requests/s) divide by it.
 */
export function activeWindowSeconds(samples: readonly RequestSample[]): number {
  let windowStartMs = Infinity;
  let windowEndMs = -Infinity;
  for (const sample of samples) {
    if (sample.sentAtMs < windowStartMs) windowStartMs = sample.sentAtMs;
    if (sample.endedAtMs > windowEndMs) windowEndMs = sample.endedAtMs;
  }
  return samples.length > 0 ? Math.max(0, (windowEndMs - windowStartMs) / 1000) : 0;
}
