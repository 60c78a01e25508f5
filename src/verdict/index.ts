/**
 * Verdict gates: the config's thresholds and the comparison with a baseline. Both feed the verdict
 * (`fail` on a failed threshold or a regression) after the defaults that protect users (zero successes
 * fail, an invalid run is `invalid`), which ./validity.ts judges first.
 */
import type { RequestRecord } from '../metrics/record.js';
import type { Logger } from '../core/ports.js';
import { stageStatistics, type ResultsDocument } from '../results/document.js';
import { compareWithBaseline, notCompared, type BaselineInput, type ComparisonResult } from './compare.js';
import { evaluateThresholds, type ThresholdOutcome } from './thresholds.js';

export type { BaselineInput, ComparisonResult, LoadedBaseline, MetricComparison } from './compare.js';
export type { ThresholdOutcome } from './thresholds.js';
export { resolveBaseline, parseBaselineSpec, type BaselineFetcher, type BaselineSpec } from './baseline.js';
export { writeBenchmarkActionFiles } from './benchmark-action.js';

/** What the gates found, as stored in results.json. */
export interface GateResults {
  thresholds: ThresholdOutcome[];
  comparison: ComparisonResult | null;
}

/**
 * Judges the thresholds and compares with the baseline. Never throws (runNode's contract): an
 * unexpected failure is logged and recorded as a comparison that did not happen.
 */
export function evaluateGates(
  document: ResultsDocument,
  records: readonly RequestRecord[],
  baseline: BaselineInput | undefined,
  logger: Logger,
): GateResults {
  let thresholds: ThresholdOutcome[] = [];
  try {
    thresholds = evaluateThresholds(document.configuration, {
      run: document.results.run,
      // Our figures, not the seed's of the same names (src/results/document.ts).
      stages: document.results.stages.map((stage) => ({
        ...stageStatistics(stage),
        name: stage.name,
        itl_ms: stage.itl_ms,
      })),
    });
  } catch (error) {
    logger.error(`could not judge the thresholds: ${error instanceof Error ? error.message : String(error)}`);
  }
  let comparison: ComparisonResult | null = null;
  if (baseline?.status === 'unavailable') {
    comparison = notCompared({ source: baseline.source }, [`no baseline: ${baseline.reason}`]);
  } else if (baseline?.status === 'loaded') {
    try {
      comparison = compareWithBaseline(document, records, baseline.baseline);
    } catch (error) {
      comparison = notCompared({ source: baseline.baseline.source }, [
        `the comparison failed: ${error instanceof Error ? error.message : String(error)}`,
      ]);
    }
  }
  for (const outcome of thresholds) {
    if (outcome.status === 'inconclusive')
      logger.warning(
        `threshold ${outcome.expression} (${scopeName(outcome.scope)}) is inconclusive: ${outcome.reason ?? ''}`,
      );
    else
      logger.info(
        `threshold ${outcome.expression} (${scopeName(outcome.scope)}): ${outcome.status}, observed ${outcome.observed ?? '–'}`,
      );
  }
  if (comparison) {
    if (!comparison.comparable)
      logger.warning(
        `not compared with baseline ${comparison.baseline.source}: ${comparison.reasons.join('; ')}`,
      );
    else
      logger.info(
        `compared with baseline ${comparison.baseline.source}: ${comparison.regressions} regression(s), ${comparison.improvements} improvement(s)`,
      );
  }
  return { thresholds, comparison };
}

/** `run` or `stage <name>`. */
export function scopeName(scope: ThresholdOutcome['scope']): string {
  return scope === 'run' ? 'run' : `stage ${scope.stage}`;
}

/** True when a threshold failed or the comparison found a regression. */
export function gatesFailed(document: Partial<Pick<ResultsDocument, 'thresholds' | 'comparison'>>): boolean {
  return (
    (document.thresholds ?? []).some((outcome) => outcome.status === 'fail') ||
    (document.comparison?.regressions ?? 0) > 0
  );
}

/**
 * True when the verdict is `fail` only because of thresholds or regressions (the run itself went
 * well): what `fail-on-threshold: false` / `--no-fail-on-threshold` lets through.
 */
export function failedOnlyOnGates(document: ResultsDocument): boolean {
  if (document.verdict !== 'fail' || !gatesFailed(document)) return false;
  return !document.error && document.validity.valid && !measuredNothing(document);
}

/**
 * Every reason the verdict is not `pass`, in one list: the error, each validity bound exceeded, no
 * successful request, each failed threshold and each regression. The CLI and the step print them all
 * in one message, so a run that is invalid *and* misses a threshold says both.
 */
export function verdictReasons(document: ResultsDocument): string[] {
  const reasons: string[] = [];
  if (document.error) reasons.push(document.error.message);
  reasons.push(...document.validity.reasons);
  if (!document.error && document.metadata.is_primary && measuredNothing(document))
    reasons.push('no request succeeded');
  const gates = describeGateFailures(document);
  if (gates) reasons.push(...gates.split('; '));
  return reasons;
}

/** `verdict: invalid (a; b; c)` — the verdict and every reason, for the CLI and the step's failure. */
export function describeVerdict(document: ResultsDocument): string {
  const reasons = verdictReasons(document);
  return `verdict: ${document.verdict}${reasons.length ? ` (${reasons.join('; ')})` : ''}`;
}

/** One line saying why the gates failed, for the step's failure message. */
export function describeGateFailures(document: ResultsDocument): string {
  const parts: string[] = [];
  for (const outcome of document.thresholds ?? []) {
    if (outcome.status === 'fail')
      parts.push(
        `${outcome.expression} (${scopeName(outcome.scope)}: observed ${formatObserved(outcome.observed)})`,
      );
  }
  for (const stage of document.comparison?.stages ?? []) {
    for (const metric of stage.metrics) {
      if (metric.status === 'regression')
        parts.push(
          `${metric.metric} regressed in stage ${stage.stage} (${formatChange(metric.change_ratio)})`,
        );
    }
  }
  return parts.join('; ');
}

function formatObserved(value: number | null): string {
  return value === null ? '–' : String(Number(value.toPrecision(6)));
}

/** A relative change as a signed percentage. */
export function formatChange(ratio: number | null): string {
  if (ratio === null) return '–';
  return `${ratio >= 0 ? '+' : ''}${(ratio * 100).toFixed(1)}%`;
}

/**
 * True when no request the verdict rests on succeeded: the run-level requests, or — in a run whose
 * stages are all capacity searches (and warm-ups), which has no run-level figures — the searches'.
 */
export function measuredNothing(document: Pick<ResultsDocument, 'results'>): boolean {
  const run = document.results.run;
  if (run) return run.successful_requests === 0;
  const searches = document.results.stages.filter((stage) => stage.search && !stage.config.warmup);
  if (document.results.run_stages?.length === 0 && searches.length > 0)
    return searches.every((stage) => stage.counted_successful_requests === 0);
  return true;
}
