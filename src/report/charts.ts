/**
 * The charts' data, shared by the summary (Mermaid) and report.html (SVG): series over time since the
 * first stage's scheduled start, in equal buckets, with the stage boundaries. Pure functions.
 *
 * - In flight: the true peak within each bucket, from every request's send and end (not an average of
 *   periodic samples, which misses the peak between two samples).
 * - TTFT: the mean TTFT of the successful requests sent within each bucket; a bucket in which none was
 *   sent repeats the previous bucket's value (a line needs a point per bucket).
 *
 * TTFT comes from requestSample (metrics/samples.ts), as in the tables: a failed request that got a
 * token before it failed has no TTFT in a chart either.
 */
import type { RequestRecord } from '../metrics/record.js';
import { requestSample } from '../metrics/samples.js';

/** One request, as the charts need it. */
export interface ChartRequest {
  stage: string;
  sentAtMs: number;
  endedAtMs: number;
  /** Absent when the request failed or no token arrived. */
  ttftMs?: number;
}

/** Per-request series the charts need, derived from the records (not kept in results.json). */
export interface ChartInputs {
  /** TTFT of each successful request with a first token, in send order (warmup requests left out). */
  ttftMsInSendOrder: number[];
  /** Every request of the run, for the time series. */
  requests?: ChartRequest[];
}

/** The charts' per-request series from a run's records (every stage, warmup included). */
export function chartInputs(records: readonly RequestRecord[]): ChartInputs {
  const requests: ChartRequest[] = [];
  const counted: Array<{ sentAtMs: number; ttftMs: number }> = [];
  for (const record of records) {
    const { sentAtMs, endedAtMs, ttftMs } = requestSample(record);
    requests.push({ stage: record.stage, sentAtMs, endedAtMs, ...(ttftMs !== undefined ? { ttftMs } : {}) });
    if (ttftMs !== undefined && !record.warmup) counted.push({ sentAtMs, ttftMs });
  }
  counted.sort((a, b) => a.sentAtMs - b.sentAtMs);
  return { ttftMsInSendOrder: counted.map((sample) => sample.ttftMs), requests };
}

/** Most buckets a time series gets: enough detail at ~900 px, few enough for a small summary. */
export const MAX_TIME_BUCKETS = 60;

/** Where a stage starts on the time axis. */
export interface StageBoundary {
  name: string;
  atSeconds: number;
}

/** A series over time: `values[i]` covers [i × bucketSeconds, (i + 1) × bucketSeconds). */
export interface TimeSeries {
  bucketSeconds: number;
  spanSeconds: number;
  values: number[];
  /** Stage starts after the first, in seconds since the origin. */
  boundaries: StageBoundary[];
}

/** The time axis of a run: origin, span and buckets. */
export interface TimeAxis {
  originMs: number;
  spanMs: number;
  buckets: number;
  boundaries: StageBoundary[];
}

/** The axis of a run's stages, or undefined when there is no time to plot. */
export function timeAxis(
  stages: ReadonlyArray<{ name: string; started_at_ms: number; ended_at_ms: number }>,
  requests: readonly ChartRequest[],
  maxBuckets = MAX_TIME_BUCKETS,
): TimeAxis | undefined {
  if (stages.length === 0 || requests.length < 2) return undefined;
  const originMs = Math.min(...stages.map((s) => s.started_at_ms), ...requests.map((r) => r.sentAtMs));
  const endMs = Math.max(...stages.map((s) => s.ended_at_ms), ...requests.map((r) => r.endedAtMs));
  const spanMs = endMs - originMs;
  if (!(spanMs > 0)) return undefined;
  const buckets = Math.max(2, Math.min(maxBuckets, requests.length * 2));
  const boundaries = stages
    .slice(1)
    .map((stage) => ({ name: stage.name, atSeconds: (stage.started_at_ms - originMs) / 1000 }));
  return { originMs, spanMs, buckets, boundaries };
}

function series(axis: TimeAxis, values: number[]): TimeSeries {
  return {
    bucketSeconds: axis.spanMs / axis.buckets / 1000,
    spanSeconds: axis.spanMs / 1000,
    values,
    boundaries: axis.boundaries,
  };
}

function bucketOf(axis: TimeAxis, atMs: number): number {
  const index = Math.floor(((atMs - axis.originMs) / axis.spanMs) * axis.buckets);
  return Math.min(axis.buckets - 1, Math.max(0, index));
}

/** The most requests in flight at any moment of each bucket. */
export function inFlightPeaks(axis: TimeAxis, requests: readonly ChartRequest[]): TimeSeries {
  // Ends sort before sends at the same instant: a request that ends as another starts is not overlap.
  const events = requests
    .flatMap((r) => [
      { atMs: r.sentAtMs, delta: 1 },
      { atMs: Math.max(r.sentAtMs, r.endedAtMs), delta: -1 },
    ])
    .sort((a, b) => a.atMs - b.atMs || a.delta - b.delta);
  const peaks = new Array<number>(axis.buckets).fill(0);
  let open = 0;
  let next = 0;
  for (let bucket = 0; bucket < axis.buckets; bucket += 1) {
    const bucketEndMs = axis.originMs + ((bucket + 1) * axis.spanMs) / axis.buckets;
    let peak = open;
    while (
      next < events.length &&
      ((events[next] as { atMs: number }).atMs < bucketEndMs || bucket === axis.buckets - 1)
    ) {
      open += (events[next] as { delta: number }).delta;
      peak = Math.max(peak, open);
      next += 1;
    }
    peaks[bucket] = peak;
  }
  return series(axis, peaks);
}

/** The mean TTFT of the requests sent in each bucket (a bucket without one repeats the last value). */
export function ttftOverTime(axis: TimeAxis, requests: readonly ChartRequest[]): TimeSeries | undefined {
  const sums = new Array<number>(axis.buckets).fill(0);
  const counts = new Array<number>(axis.buckets).fill(0);
  let any = 0;
  for (const request of requests) {
    if (request.ttftMs === undefined) continue;
    const bucket = bucketOf(axis, request.sentAtMs);
    sums[bucket] = (sums[bucket] as number) + request.ttftMs;
    counts[bucket] = (counts[bucket] as number) + 1;
    any += 1;
  }
  if (any < 2) return undefined;
  const values: number[] = [];
  let last = 0;
  for (let bucket = 0; bucket < axis.buckets; bucket += 1) {
    const count = counts[bucket] as number;
    if (count > 0) last = (sums[bucket] as number) / count;
    else if (values.length === 0) last = 0;
    values.push(last);
  }
  // Leading buckets before the first send take the first value, not 0.
  const first = values.findIndex((_, i) => (counts[i] as number) > 0);
  for (let i = 0; i < first; i += 1) values[i] = values[first] as number;
  return series(axis, values);
}

/** A round upper bound for an axis starting at 0: 1, 2, 2.5, 5 × 10^k above the largest value. */
export function niceMax(values: readonly number[]): number {
  const max = Math.max(0, ...values.filter((v) => Number.isFinite(v)));
  if (max <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10])
    if (step * magnitude >= max * 1.05) return step * magnitude;
  return 10 * magnitude;
}
