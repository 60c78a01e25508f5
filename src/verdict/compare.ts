/**
 * Comparison with a baseline run, per stage and metric, on the per-request samples of both runs (not
 * two means): a seeded bootstrap interval of the difference of the statistic, read against the
 * metric's tolerance.
 *
 * With d = current − baseline, turned so that positive is worse, [lo, hi] its 95 % interval and
 * t = tolerance × |baseline|:
 * - `regression`: lo > 0 (the interval excludes zero, on the worse side) and d > t;
 * - `improvement`: hi < 0 and −d > t (the mirror image);
 * - `unchanged`: −t ≤ lo and hi ≤ t (the whole interval lies within the tolerance);
 * - `inconclusive`: anything else — within noise, or too few samples to say.
 * Only like-for-like runs are compared (same models, endpoint, stages, node count, placements, hardware labels).
 */
import { describeShape } from '../load/arrivals.js';
import type { RequestRecord } from '../metrics/record.js';
import type { ResultsDocument } from '../results/document.js';
import { bootstrapDifference, CONFIDENCE_LEVEL, seedOf } from './bootstrap.js';
import { requestSamples, type RequestSample } from '../metrics/samples.js';
import { METRICS, type Better } from '../metrics/catalog.js';
import type { SearchResults } from '../load/search.js';
import { regressionTolerances } from '../config/regression.js';
import type {
  ComparisonResult,
  ComparisonStatus,
  MetricComparison,
  StageComparison,
} from '../results/outcomes.js';

export type {
  ComparisonResult,
  ComparisonStatus,
  MetricComparison,
  StageComparison,
} from '../results/outcomes.js';

/** A baseline run, read from its results.json and requests.jsonl. */
export interface LoadedBaseline {
  /** Where it came from, for people: a path, `run 123456 (artifact exo-bench-…)`. */
  source: string;
  document: ResultsDocument;
  /** Its requests, or null when no requests.jsonl was found beside results.json. */
  records: RequestRecord[] | null;
  /** A link to the baseline's run or artifact, when known. */
  url?: string;
}

/** What the shell hands to the engine: a baseline, or why there is none. */
export type BaselineInput =
  { status: 'loaded'; baseline: LoadedBaseline } | { status: 'unavailable'; source: string; reason: string };

/** The method, as printed under the comparison table. */
export const COMPARISON_METHOD =
  'seeded percentile bootstrap (95 % interval) of the difference of each statistic over the requests of both runs; ' +
  'regression = the interval excludes zero on the worse side and the change exceeds the tolerance; ' +
  'unchanged = the whole interval lies within the tolerance; otherwise inconclusive';

/** Below this many samples on either side, a comparison says `inconclusive`. */
export const MIN_COMPARISON_SAMPLES = 10;

const stageKey = (stage: ResultsDocument['configuration']['stages'][number]): string =>
  JSON.stringify([
    stage.name,
    stage.prompt_length,
    stage.generation_length,
    stage.iterations,
    stage.time_between_requests,
    stage.no_overlap,
    stage.warmup_requests,
    stage.search ?? null,
    // Since 1.5: the load shape, only when it is not the seed's (older documents have none).
    ...(isSeedShape(stage)
      ? []
      : [stage.arrival ?? 'constant', stage.burstiness, stage.concurrency, stage.ramp_to_rate]),
  ]);

const isSeedShape = (stage: ResultsDocument['configuration']['stages'][number]): boolean =>
  (stage.arrival ?? 'constant') === 'constant' &&
  stage.concurrency === undefined &&
  stage.ramp_to_rate === undefined;

const describeStage = (stage: ResultsDocument['configuration']['stages'][number]): string =>
  stage.search
    ? `${stage.name} (prompt ${stage.prompt_length}, generation ${stage.generation_length}, search ${JSON.stringify(stage.search)})`
    : `${stage.name} (prompt ${stage.prompt_length}, generation ${stage.generation_length}, ${stage.iterations} × ${stage.time_between_requests} s${stage.no_overlap ? ', no overlap' : ''}${isSeedShape(stage) ? '' : `, ${describeShape(stage)}`}${stage.warmup_requests ? `, ${stage.warmup_requests} warmup` : ''})`;

const labels = (document: ResultsDocument): string =>
  Object.entries(document.configuration.hardware_plan)
    .map(([label, count]) => `${label}×${count}`)
    .sort()
    .join(', ');

/**
 * How the models were placed, per model: node count, sharding and instance kind (node IDs are new on
 * every EXO start, so they are not compared). Undefined for documents older than 1.3 or without an
 * EXO cluster, which have nothing to compare.
 */
const placements = (document: ResultsDocument): string | undefined => {
  const instances = document.cluster.instances.filter((i) => i.sharding !== undefined);
  if (instances.length === 0) return undefined;
  return instances
    .map(
      (i) =>
        `${i.model_id} on ${i.node_ids.length} node${i.node_ids.length === 1 ? '' : 's'} (${i.sharding}, ${i.instance_meta})`,
    )
    .sort()
    .join('; ');
};

/** Why two runs cannot be compared like for like; empty when they can. */
export function likeForLikeProblems(baseline: ResultsDocument, current: ResultsDocument): string[] {
  const problems: string[] = [];
  const [baselineMajor] = baseline.schema_version.split('.');
  const [currentMajor] = current.schema_version.split('.');
  if (baselineMajor !== currentMajor) {
    problems.push(
      `results schema ${baseline.schema_version} vs ${current.schema_version} (different major version)`,
    );
    return problems;
  }
  if (!baseline.metadata.is_primary)
    problems.push('the baseline is a secondary node (only the primary measures)');
  if (baseline.verdict === 'error' || baseline.verdict === 'invalid') {
    problems.push(`the baseline run's verdict is ${baseline.verdict}, its numbers cannot be trusted`);
  }
  const models = (d: ResultsDocument): string => [...(d.configuration.model_ids ?? [])].sort().join(', ');
  if (models(baseline) !== models(current))
    problems.push(`models differ: ${models(baseline)} vs ${models(current)}`);
  if (baseline.configuration.endpoint !== current.configuration.endpoint) {
    problems.push(
      `endpoint differs: ${baseline.configuration.endpoint} vs ${current.configuration.endpoint}`,
    );
  }
  if (baseline.cluster.expected_nodes !== current.cluster.expected_nodes) {
    problems.push(
      `node count differs: ${baseline.cluster.expected_nodes} vs ${current.cluster.expected_nodes}`,
    );
  }
  const baselinePlacements = placements(baseline);
  const currentPlacements = placements(current);
  if (baselinePlacements && currentPlacements && baselinePlacements !== currentPlacements) {
    problems.push(`placements differ: ${baselinePlacements} vs ${currentPlacements}`);
  }
  if (labels(baseline) !== labels(current)) {
    problems.push(`hardware labels differ: ${labels(baseline)} vs ${labels(current)}`);
  }
  const baselineStages = baseline.configuration.stages;
  const currentStages = current.configuration.stages;
  if (baselineStages.length !== currentStages.length) {
    problems.push(`stage count differs: ${baselineStages.length} vs ${currentStages.length}`);
  } else {
    baselineStages.forEach((stage, index) => {
      const other = currentStages[index];
      if (other && stageKey(stage) !== stageKey(other)) {
        problems.push(`stage ${index + 1} differs: ${describeStage(stage)} vs ${describeStage(other)}`);
      }
    });
  }
  return problems;
}

function classify(
  better: Better,
  baselineValue: number,
  difference: number,
  low: number,
  high: number,
  tolerance: number,
): ComparisonStatus {
  // Turn everything so that positive is worse.
  const sign = better === 'smaller' ? 1 : -1;
  const worse = sign * difference;
  const [worseLow, worseHigh] = sign === 1 ? [low, high] : [-high, -low];
  const allowed = tolerance * Math.abs(baselineValue);
  if (worseLow > 0 && worse > allowed) return 'regression';
  if (worseHigh < 0 && -worse > allowed) return 'improvement';
  if (worseLow >= -allowed && worseHigh <= allowed) return 'unchanged';
  return 'inconclusive';
}

/** Compares one metric of one stage. */
export function compareMetric(
  metricName: string,
  tolerance: number,
  baseline: readonly RequestSample[],
  current: readonly RequestSample[],
  seedText: string,
): MetricComparison {
  const metric = METRICS.get(metricName);
  const statistic = metric?.fromRequests;
  if (!metric || !statistic) throw new Error(`metric ${metricName} cannot be compared`);
  const before = statistic(baseline);
  const after = statistic(current);
  const result: MetricComparison = {
    metric: metric.name,
    unit: metric.unit,
    better: metric.better,
    baseline: before.value,
    current: after.value,
    change_ratio:
      before.value !== null && after.value !== null && before.value !== 0
        ? (after.value - before.value) / Math.abs(before.value)
        : before.value === 0 && after.value === 0
          ? 0
          : null,
    ci_low: null,
    ci_high: null,
    tolerance_ratio: tolerance,
    samples_baseline: before.samples,
    samples_current: after.samples,
    status: 'inconclusive',
  };
  const needed = Math.max(MIN_COMPARISON_SAMPLES, metric.requiredSamples);
  if (before.samples < needed || after.samples < needed) {
    result.reason = `needs ≥ ${needed} samples on each side, has ${before.samples} (baseline) and ${after.samples} (now)`;
    return result;
  }
  if (before.value === null || after.value === null) {
    result.reason = 'no value on one side';
    return result;
  }
  const interval = bootstrapDifference(
    baseline,
    current,
    (sample) => statistic(sample).value,
    seedOf(seedText),
  );
  if (!interval || interval.undefinedResamples > interval.resamples / 10) {
    result.reason = 'too few resamples produced a value';
    return result;
  }
  result.ci_low = interval.low;
  result.ci_high = interval.high;
  result.status = classify(
    metric.better,
    before.value,
    after.value - before.value,
    interval.low,
    interval.high,
    tolerance,
  );
  return result;
}

/**
 * Compares the capacity two searches found. A capacity is no per-request statistic: its uncertainty is
 * the search's bracket [capacity_low, capacity_high] (the true crossing lies in it), so the interval of
 * the difference is [current low − baseline high, current high − baseline low], read against the
 * tolerance like a bootstrap interval (higher is better). A bracket open at the top (the search passed
 * its whole range) leaves the interval open: inconclusive.
 */
export function compareCapacity(
  metricName: string,
  tolerance: number,
  baseline: SearchResults | undefined,
  current: SearchResults,
): MetricComparison {
  const metric = METRICS.get(metricName);
  if (!metric?.capacity) throw new Error(`metric ${metricName} is not a capacity`);
  const before = baseline ? (baseline.capacity ?? 0) : null;
  const after = current.capacity ?? 0;
  const result: MetricComparison = {
    metric: metric.name,
    unit: metric.unit,
    better: metric.better,
    baseline: before,
    current: after,
    change_ratio: before !== null && before !== 0 ? (after - before) / before : null,
    ci_low: null,
    ci_high: null,
    tolerance_ratio: tolerance,
    samples_baseline: baseline?.probes.length ?? 0,
    samples_current: current.probes.length,
    status: 'inconclusive',
  };
  if (!baseline || before === null) {
    result.reason = 'the baseline stage ran no search of this kind';
    return result;
  }
  if (baseline.probes.length === 0 || current.probes.length === 0) {
    result.reason = 'a search ran no probe';
    return result;
  }
  if (baseline.capacity_high === null || current.capacity_high === null) {
    result.reason = 'a search passed its whole range: its capacity is only known to be at least its max';
    return result;
  }
  result.ci_low = current.capacity_low - baseline.capacity_high;
  result.ci_high = current.capacity_high - baseline.capacity_low;
  result.status = classify(metric.better, before, after - before, result.ci_low, result.ci_high, tolerance);
  return result;
}

function groupByStage(records: readonly RequestRecord[]): Map<string, RequestRecord[]> {
  const byStage = new Map<string, RequestRecord[]>();
  for (const record of records) {
    let list = byStage.get(record.stage);
    if (!list) byStage.set(record.stage, (list = []));
    list.push(record);
  }
  return byStage;
}

function baselineFacts(baseline: LoadedBaseline): ComparisonResult['baseline'] {
  return {
    source: baseline.source,
    ...(baseline.url ? { url: baseline.url } : {}),
    run_id: baseline.document.metadata.run_id,
    started_at: baseline.document.metadata.started_at,
    verdict: baseline.document.verdict,
  };
}

/** A comparison that did not happen, with the reason. */
export function notCompared(baseline: ComparisonResult['baseline'], reasons: string[]): ComparisonResult {
  return {
    baseline,
    comparable: false,
    reasons,
    method: COMPARISON_METHOD,
    confidence_level: CONFIDENCE_LEVEL,
    stages: [],
    regressions: 0,
    improvements: 0,
  };
}

/**
 * Compares the current run (its document and records) with a baseline, stage by stage, over the
 * metrics of the config's `regression` mapping (or the default set).
 */
export function compareWithBaseline(
  current: ResultsDocument,
  currentRecords: readonly RequestRecord[],
  baseline: LoadedBaseline,
): ComparisonResult {
  const facts = baselineFacts(baseline);
  const problems = likeForLikeProblems(baseline.document, current);
  if (problems.length > 0) return notCompared(facts, problems);
  if (baseline.records === null) {
    return notCompared(facts, [
      'the baseline has no requests.jsonl beside its results.json; the comparison needs its per-request samples',
    ]);
  }
  const tolerances = regressionTolerances(current.configuration.regression);
  const baselineByStage = groupByStage(baseline.records);
  const currentByStage = groupByStage(currentRecords);
  const stages: StageComparison[] = [];
  for (const stage of current.configuration.stages) {
    const currentStage = currentByStage.get(stage.name);
    // A warm-up stage is shown but never judged, against a baseline neither.
    if (!currentStage || stage.warmup) continue;
    const search = current.results.stages.find((s) => s.name === stage.name)?.search;
    if (stage.search) {
      // A search stage is compared on its capacity only: its requests are overloaded on purpose.
      if (!search) continue;
      const before = baseline.document.results.stages.find((s) => s.name === stage.name)?.search;
      const metrics = [...tolerances]
        .filter(([metric]) => METRICS.get(metric)?.capacity === search.mode)
        .map(([metric, tolerance]) => compareCapacity(metric, tolerance, before, search));
      if (metrics.length > 0) stages.push({ stage: stage.name, metrics });
      continue;
    }
    const before = requestSamples(baselineByStage.get(stage.name) ?? []);
    const after = requestSamples(currentStage);
    const metrics = [...tolerances]
      .filter(([metric]) => !METRICS.get(metric)?.capacity)
      .map(([metric, tolerance]) =>
        compareMetric(metric, tolerance, before, after, `${stage.name}\u0000${metric}`),
      );
    stages.push({ stage: stage.name, metrics });
  }
  const all = stages.flatMap((stage) => stage.metrics);
  return {
    baseline: facts,
    comparable: true,
    reasons: [],
    method: COMPARISON_METHOD,
    confidence_level: CONFIDENCE_LEVEL,
    stages,
    regressions: all.filter((m) => m.status === 'regression').length,
    improvements: all.filter((m) => m.status === 'improvement').length,
  };
}
