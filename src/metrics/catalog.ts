/**
 * The metrics a threshold or a regression tolerance may name. Every name carries its unit (`_ms`, `_s`,
 * none for counts, ratios and rates), so `ttft_p95_ms <= 800` can only mean one thing. Each maps onto a
 * field of LoadStatistics (or a stage's `itl_ms`), and — where the figure can be recomputed from the
 * requests of requests.jsonl — onto a statistic of per-request samples, which the baseline comparison
 * resamples.
 *
 * Sample rule: a percentile pq is only judged on at least ⌈100 / (100 − q)⌉ samples — p50 ≥ 2, p90 ≥ 10,
 * p95 ≥ 20, p99 ≥ 100 — i.e. enough that at least one sample lies at or beyond the percentile; below
 * that the value is mostly the maximum of a few samples, and the gate says `inconclusive`. A mean needs
 * 1 sample; ratios and rates need 1 request; counts are always conclusive.
 */
import type { HistogramSummary, LoadStatistics } from '../metrics/aggregate.js';
import { activeWindowSeconds, type RequestSample } from '../metrics/samples.js';
import { percentile, type Summary } from '../metrics/stats.js';
import type { SearchResults } from './capacity.js';

/** The unit of a metric, as printed. */
export type MetricUnit =
  'ms' | 's' | 'ratio' | 'requests' | 'tokens' | 'tokens/s' | 'requests/s' | 'requests in flight';

/** Which direction is good. */
export type Better = 'smaller' | 'bigger';

/** One request, reduced to what the comparable statistics read (warmup requests are left out). */
/** What a metric is at one scope: its value and the samples behind it. */
export interface Observation {
  value: number | null;
  /** Samples the value rests on (requests for counts, ratios and rates). */
  samples: number;
}

/** A metric: name, unit, direction, how to read it from statistics and (maybe) from requests. */
export interface MetricDefinition {
  name: string;
  unit: MetricUnit;
  better: Better;
  /** Only known per stage (ITL comes from a per-stage histogram). */
  stageOnly: boolean;
  /** Samples needed before the value is judged (see the module comment). */
  requiredSamples: number;
  /**
   * Reads the metric from a stage's or the run's statistics (`searches`: the capacity searches of the
   * stage, or of the whole run).
   */
  observe(
    stats: LoadStatistics,
    itl: HistogramSummary | undefined,
    searches?: readonly SearchResults[],
  ): Observation;
  /** Only measured by a capacity search stage (`capacity_rps`, `capacity_concurrency`). */
  capacity?: 'rate' | 'concurrency';
  /**
   * The same figure computed from per-request samples, for the bootstrap comparison; absent when the
   * metric cannot be recomputed from requests.jsonl (ITL) or is fixed by the config (total_requests).
   */
  fromRequests?(requests: readonly RequestSample[]): Observation;
}

type SummaryStat = 'p50' | 'p90' | 'p95' | 'p99' | 'mean';
const SUMMARY_STATS: readonly SummaryStat[] = ['p50', 'p90', 'p95', 'p99', 'mean'];

/** ⌈100 / (100 − q)⌉ for pq; 1 for the mean. */
export function requiredSamplesFor(stat: SummaryStat): number {
  if (stat === 'mean') return 1;
  const q = Number(stat.slice(1));
  return Math.ceil(100 / (100 - q));
}

function statOf(values: Float64Array, stat: SummaryStat): number | null {
  if (values.length === 0) return null;
  if (stat === 'mean') {
    let sum = 0;
    for (const value of values) sum += value;
    return sum / values.length;
  }
  values.sort();
  return percentile(values, Number(stat.slice(1)));
}

function collect(
  requests: readonly RequestSample[],
  pick: (r: RequestSample) => number | undefined,
): Float64Array {
  const values = new Float64Array(requests.length);
  let count = 0;
  for (const request of requests) {
    const value = pick(request);
    if (value !== undefined) values[count++] = value;
  }
  return values.subarray(0, count);
}

type Family = 'ttft' | 'tpot' | 'e2e' | 'itl' | 'dispatch_lag';

const FAMILY_FIELDS: Record<Exclude<Family, 'itl'>, keyof LoadStatistics> = {
  ttft: 'ttft_ms',
  tpot: 'tpot_ms',
  e2e: 'e2e_ms',
  dispatch_lag: 'dispatch_lag_ms',
};

const FAMILY_SAMPLES: Record<Exclude<Family, 'itl'>, (r: RequestSample) => number | undefined> = {
  ttft: (r) => r.ttftMs,
  tpot: (r) => r.tpotMs,
  e2e: (r) => r.e2eMs,
  dispatch_lag: (r) => r.dispatchLagMs,
};

function latencyMetric(family: Family, stat: SummaryStat): MetricDefinition {
  const definition: MetricDefinition = {
    name: `${family}_${stat}_ms`,
    unit: 'ms',
    better: 'smaller',
    stageOnly: family === 'itl',
    requiredSamples: requiredSamplesFor(stat),
    observe(stats, itl) {
      if (family === 'itl') {
        // The ITL histogram keeps no standard deviation or minimum, but it has every statistic named here.
        return { value: itl?.[stat] ?? null, samples: itl?.count ?? 0 };
      }
      const summary = stats[FAMILY_FIELDS[family]] as Summary;
      return { value: summary[stat], samples: summary.count };
    },
  };
  if (family !== 'itl') {
    const pick = FAMILY_SAMPLES[family];
    definition.fromRequests = (requests) => {
      const values = collect(requests, pick);
      return { value: statOf(values, stat), samples: values.length };
    };
  }
  return definition;
}

function countOk(requests: readonly RequestSample[]): number {
  let ok = 0;
  for (const request of requests) if (request.ok) ok += 1;
  return ok;
}

function sumTokens(requests: readonly RequestSample[]): number {
  let tokens = 0;
  for (const request of requests) tokens += request.outputTokens;
  return tokens;
}

const SCALAR_METRICS: MetricDefinition[] = [
  {
    name: 'success_rate',
    unit: 'ratio',
    better: 'bigger',
    stageOnly: false,
    requiredSamples: 1,
    observe: (s) => ({ value: s.total_requests > 0 ? s.success_rate : null, samples: s.total_requests }),
    fromRequests: (r) => ({ value: r.length > 0 ? countOk(r) / r.length : null, samples: r.length }),
  },
  {
    name: 'failed_requests',
    unit: 'requests',
    better: 'smaller',
    stageOnly: false,
    requiredSamples: 0,
    observe: (s) => ({ value: s.failed_requests, samples: s.total_requests }),
    fromRequests: (r) => ({ value: r.length - countOk(r), samples: r.length }),
  },
  {
    name: 'successful_requests',
    unit: 'requests',
    better: 'bigger',
    stageOnly: false,
    requiredSamples: 0,
    observe: (s) => ({ value: s.successful_requests, samples: s.total_requests }),
    fromRequests: (r) => ({ value: countOk(r), samples: r.length }),
  },
  {
    name: 'total_requests',
    unit: 'requests',
    better: 'bigger',
    stageOnly: false,
    requiredSamples: 0,
    observe: (s) => ({ value: s.total_requests, samples: s.total_requests }),
  },
  {
    name: 'total_tokens',
    unit: 'tokens',
    better: 'bigger',
    stageOnly: false,
    requiredSamples: 0,
    observe: (s) => ({ value: s.total_tokens, samples: s.total_requests }),
    fromRequests: (r) => ({ value: sumTokens(r), samples: r.length }),
  },
  {
    name: 'avg_tokens_per_request',
    unit: 'tokens',
    better: 'bigger',
    stageOnly: false,
    requiredSamples: 1,
    observe: (s) => ({
      value: s.successful_requests > 0 ? s.avg_tokens_per_request : null,
      samples: s.successful_requests,
    }),
    fromRequests: (r) => {
      const ok = countOk(r);
      return { value: ok > 0 ? sumTokens(r) / ok : null, samples: ok };
    },
  },
  {
    name: 'avg_time_per_request_s',
    unit: 's',
    better: 'smaller',
    stageOnly: false,
    requiredSamples: 1,
    observe: (s) => ({
      value: s.successful_requests > 0 ? s.avg_time_per_request : null,
      samples: s.successful_requests,
    }),
    fromRequests: (r) => {
      const values = collect(r, (x) => x.e2eMs);
      const mean = statOf(values, 'mean');
      return { value: mean === null ? null : mean / 1000, samples: values.length };
    },
  },
  {
    name: 'output_tokens_per_second',
    unit: 'tokens/s',
    better: 'bigger',
    stageOnly: false,
    requiredSamples: 1,
    observe: (s) => ({
      value: s.total_requests > 0 ? s.output_tokens_per_second : null,
      samples: s.total_requests,
    }),
    fromRequests: (r) => {
      const seconds = activeWindowSeconds(r);
      return { value: seconds > 0 ? sumTokens(r) / seconds : null, samples: r.length };
    },
  },
  {
    name: 'requests_per_second',
    unit: 'requests/s',
    better: 'bigger',
    stageOnly: false,
    requiredSamples: 1,
    observe: (s) => ({
      value: s.total_requests > 0 ? s.requests_per_second : null,
      samples: s.total_requests,
    }),
    fromRequests: (r) => {
      const seconds = activeWindowSeconds(r);
      return { value: seconds > 0 ? countOk(r) / seconds : null, samples: r.length };
    },
  },
];

/**
 * The capacity a search found (src/load/search.ts): the highest passing load. With several searches of
 * the mode in scope (run-level), the lowest: the run takes at most that. A search that failed even at
 * its `min` counts as 0 (its bracket is [0, min]), so `capacity_rps >= 12` fails rather than goes
 * unjudged; a search that ran no probe gives no value.
 */
function capacityMetric(mode: 'rate' | 'concurrency'): MetricDefinition {
  return {
    name: mode === 'rate' ? 'capacity_rps' : 'capacity_concurrency',
    unit: mode === 'rate' ? 'requests/s' : 'requests in flight',
    better: 'bigger',
    stageOnly: false,
    requiredSamples: 1,
    capacity: mode,
    observe: (_stats, _itl, searches) => {
      const found = (searches ?? []).filter((s) => s.mode === mode && s.probes.length > 0);
      if (found.length === 0) return { value: null, samples: 0 };
      return {
        value: Math.min(...found.map((s) => s.capacity ?? 0)),
        samples: found.reduce((sum, s) => sum + s.probes.length, 0),
      };
    },
  };
}

/** Every metric, by name, in the order they are documented. */
export const METRICS: ReadonlyMap<string, MetricDefinition> = new Map(
  [
    ...(['ttft', 'tpot', 'e2e', 'itl', 'dispatch_lag'] as const).flatMap((family) =>
      SUMMARY_STATS.map((stat) => latencyMetric(family, stat)),
    ),
    ...SCALAR_METRICS,
    capacityMetric('rate'),
    capacityMetric('concurrency'),
  ].map((metric) => [metric.name, metric]),
);

/** The capacity metrics: measured by search stages only, compared with a baseline on their brackets. */
export const CAPACITY_METRIC_NAMES: readonly string[] = ['capacity_rps', 'capacity_concurrency'];

/**
 * Metrics a capacity search may judge its probes on: what a server's load moves — latencies (not our
 * own dispatch lag), the success rate and the throughputs. Counts are fixed by the probe size.
 */
export const SEARCHABLE_METRIC_NAMES: readonly string[] = [
  ...(['ttft', 'tpot', 'e2e', 'itl'] as const).flatMap((family) =>
    SUMMARY_STATS.map((stat) => `${family}_${stat}_ms`),
  ),
  'avg_time_per_request_s',
  'success_rate',
  'output_tokens_per_second',
  'requests_per_second',
];

/** Every metric name, for did-you-mean suggestions and the docs. */
export const METRIC_NAMES: readonly string[] = [...METRICS.keys()];

/** Metrics a baseline comparison can resample (they have a per-request statistic). */
export const COMPARABLE_METRIC_NAMES: readonly string[] = METRIC_NAMES.filter(
  (name) => METRICS.get(name)?.fromRequests !== undefined,
);
