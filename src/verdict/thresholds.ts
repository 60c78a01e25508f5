/**
 * Thresholds: `<metric> <comparator> <number>`, e.g. `ttft_p95_ms <= 800`, `success_rate >= 0.99`,
 * `failed_requests == 0`. Parsed once when the config is validated (errors carry the config position)
 * and again when judged; judged against the run's statistics (top-level `thresholds`) or a stage's.
 */
import { computeStatistics, type HistogramSummary, type LoadStatistics } from '../metrics/aggregate.js';
import { closestMatch } from '../config/describe.js';
import type { SearchResults } from '../load/search.js';
import { METRICS, METRIC_NAMES, type MetricDefinition } from './metrics.js';

/** The comparators a threshold may use. */
export type Comparator = '<' | '<=' | '>' | '>=' | '==' | '!=';

/** A parsed threshold. */
export interface Threshold {
  /** As written (trimmed), for messages and the summary. */
  expression: string;
  metric: MetricDefinition;
  comparator: Comparator;
  limit: number;
}

/** A threshold judged: `inconclusive` when too few samples, or no value, back the metric. */
export type ThresholdStatus = 'pass' | 'fail' | 'inconclusive';

/** One threshold's outcome, as stored in results.json. */
export interface ThresholdOutcome {
  expression: string;
  /** `run` for a top-level threshold, else the stage's name. */
  scope: 'run' | { stage: string };
  metric: string;
  comparator: Comparator;
  limit: number;
  observed: number | null;
  samples: number;
  required_samples: number;
  status: ThresholdStatus;
  /** Why it is inconclusive. */
  reason?: string;
}

const EXPRESSION = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(<=|>=|==|!=|<|>|=)?\s*(.*?)\s*$/;
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** What a capacity threshold is judged with when the run has no run-level requests (search stages only). */
const EMPTY_STATISTICS: LoadStatistics = computeStatistics([]);

const FORM = 'write "<metric> <comparator> <number>", e.g. "ttft_p95_ms <= 800"';

/** Parses one threshold; returns the reason in the user's terms when it cannot. */
export function parseThreshold(
  text: string,
  scope: 'run' | 'stage',
): { threshold: Threshold } | { error: string } {
  const match = EXPRESSION.exec(text);
  if (!match || text.trim() === '')
    return { error: `expected a threshold; ${FORM}, found ${JSON.stringify(text)}` };
  const [, name = '', comparatorText, limitText = ''] = match;
  const metric = METRICS.get(name);
  if (!metric) {
    const suggestion = closestMatch(name, METRIC_NAMES);
    const hint = suggestion
      ? `did you mean "${suggestion}"?`
      : 'configs/README.md lists the metrics (the unit is part of the name: _ms, _s)';
    return { error: `unknown metric "${name}"; ${hint}` };
  }
  if (metric.stageOnly && scope === 'run') {
    return { error: `"${name}" is only measured per stage; put this threshold under a stage's thresholds` };
  }
  if (comparatorText === undefined) {
    return { error: `expected a comparator (<, <=, >, >=, == or !=) after "${name}"; ${FORM}` };
  }
  if (comparatorText === '=') return { error: `"=" is not a comparator; did you mean "=="?` };
  if (limitText.endsWith('%')) {
    return {
      error: `expected a number, found "${limitText}"; ${metric.name === 'success_rate' ? 'success_rate is a ratio from 0 to 1 (write 0.99 for 99%)' : 'percentages are not numbers here'}`,
    };
  }
  if (!NUMBER.test(limitText)) {
    return {
      error: `expected a number after "${name} ${comparatorText}", found ${limitText === '' ? 'nothing' : JSON.stringify(limitText)}${/^\d/.test(limitText) ? ' (no unit: it is in the metric name)' : ''}`,
    };
  }
  const limit = Number(limitText);
  if (!Number.isFinite(limit)) return { error: `expected a finite number, found "${limitText}"` };
  return { threshold: { expression: text.trim(), metric, comparator: comparatorText as Comparator, limit } };
}

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
