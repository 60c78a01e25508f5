/**
 * Thresholds: `<metric> <comparator> <number>`, e.g. `ttft_p95_ms <= 800`, `success_rate >= 0.99`,
 * `failed_requests == 0`. Parsed once when the config is validated (errors carry the config position)
 * and again when judged; judged against the run's statistics (top-level `thresholds`) or a stage's.
 */
import { computeStatistics, type HistogramSummary, type LoadStatistics } from '../metrics/aggregate.js';
import type { SearchResults } from '../load/search.js';
import { parseThreshold, type Comparator, type Threshold } from '../config/thresholds.js';
import type { ThresholdOutcome } from '../results/outcomes.js';

export { parseThreshold, type Comparator, type Threshold } from '../config/thresholds.js';
export type { ThresholdOutcome, ThresholdStatus } from '../results/outcomes.js';

/** What a capacity threshold is judged with when the run has no run-level requests (search stages only). */
const EMPTY_STATISTICS: LoadStatistics = computeStatistics([]);

function holds(observed: number, comparator: Comparator, limit: number): boolean {
  switch (comparator) {
    case '<':
      return observed < limit;
    case '<=':
      return observed <= limit;
    case '>':
      return observed > limit;
    case '>=':
      return observed >= limit;
    case '==':
      return observed === limit;
    case '!=':
      return observed !== limit;
  }
}

/** Judges a threshold against statistics; inconclusive below the metric's sample rule. */
export function evaluateThreshold(
  threshold: Threshold,
  scope: ThresholdOutcome['scope'],
  stats: LoadStatistics,
  itl?: HistogramSummary,
  searches?: readonly SearchResults[],
): ThresholdOutcome {
  const { metric } = threshold;
  const observation = metric.observe(stats, itl, searches);
  const outcome: ThresholdOutcome = {
    expression: threshold.expression,
    scope,
    metric: metric.name,
    comparator: threshold.comparator,
    limit: threshold.limit,
    observed: observation.value,
    samples: observation.samples,
    required_samples: metric.requiredSamples,
    status: 'inconclusive',
  };
  if (observation.samples < metric.requiredSamples) {
    outcome.reason = `needs ≥ ${metric.requiredSamples} samples, has ${observation.samples}`;
  } else if (observation.value === null) {
    outcome.reason = 'no value (no request produced a sample)';
  } else {
    outcome.status = holds(observation.value, threshold.comparator, threshold.limit) ? 'pass' : 'fail';
  }
  return outcome;
}

/** What the thresholds of a run are judged against: the run's statistics and each stage's. */
export interface ThresholdSubjects {
  run: LoadStatistics | null;
  stages: ReadonlyArray<
    LoadStatistics & { name: string; itl_ms?: HistogramSummary; search?: SearchResults | undefined }
  >;
}

/**
 * Judges every threshold of a config (top level on the run, each stage's on that stage). Expressions
 * were checked when the config loaded; one that still fails to parse is skipped (it cannot happen).
 */
export function evaluateThresholds(
  config: {
    thresholds?: readonly string[];
    stages: ReadonlyArray<{ name: string; thresholds?: readonly string[] }>;
  },
  subjects: ThresholdSubjects,
): ThresholdOutcome[] {
  const outcomes: ThresholdOutcome[] = [];
  const judge = (
    text: string,
    scope: ThresholdOutcome['scope'],
    stats: LoadStatistics | null,
    itl?: HistogramSummary,
    searches?: readonly SearchResults[],
  ): void => {
    const parsed = parseThreshold(text, scope === 'run' ? 'run' : 'stage');
    if (!('threshold' in parsed)) return;
    // A capacity is judged on the searches even when the run-level statistics are empty (a run made of
    // search stages only has no run-level requests).
    const subject = stats ?? (parsed.threshold.metric.capacity && scope === 'run' ? EMPTY_STATISTICS : null);
    if (subject === null) {
      outcomes.push({
        expression: parsed.threshold.expression,
        scope,
        metric: parsed.threshold.metric.name,
        comparator: parsed.threshold.comparator,
        limit: parsed.threshold.limit,
        observed: null,
        samples: 0,
        required_samples: parsed.threshold.metric.requiredSamples,
        status: 'inconclusive',
        reason: 'not measured (the run ended before this stage)',
      });
      return;
    }
    outcomes.push(evaluateThreshold(parsed.threshold, scope, subject, itl, searches));
  };
  const runSearches = subjects.stages.flatMap((stage) => (stage.search ? [stage.search] : []));
  for (const text of config.thresholds ?? []) judge(text, 'run', subjects.run, undefined, runSearches);
  for (const stage of config.stages) {
    const stats = subjects.stages.find((candidate) => candidate.name === stage.name) ?? null;
    for (const text of stage.thresholds ?? [])
      judge(text, { stage: stage.name }, stats, stats?.itl_ms, stats?.search ? [stats.search] : []);
  }
  return outcomes;
}
