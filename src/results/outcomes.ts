/**
 * What the gates of a run produced, as results.json stores it: threshold outcomes and the comparison
 * with a baseline. The types live here, beside the document that holds them, so that the document does
 * not depend on the code that judges (src/verdict/), which depends on the document.
 */
import type { Comparator } from '../config/thresholds.js';
import type { Better, MetricUnit } from '../metrics/catalog.js';

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

/** How a metric moved. */
export type ComparisonStatus = 'regression' | 'improvement' | 'unchanged' | 'inconclusive';

/** One metric of one stage, compared. */
export interface MetricComparison {
  metric: string;
  unit: MetricUnit;
  better: Better;
  baseline: number | null;
  current: number | null;
  /** (current − baseline) ÷ |baseline|; null when either is missing or the baseline is 0. */
  change_ratio: number | null;
  /** Interval of current − baseline, in the metric's unit. */
  ci_low: number | null;
  ci_high: number | null;
  tolerance_ratio: number;
  samples_baseline: number;
  samples_current: number;
  status: ComparisonStatus;
  /** Why inconclusive, when it is not about noise. */
  reason?: string;
}

/** One stage's comparison. */
export interface StageComparison {
  stage: string;
  metrics: MetricComparison[];
}

/** The comparison with a baseline, as stored in results.json. */
export interface ComparisonResult {
  baseline: { source: string; url?: string; run_id?: string; started_at?: string; verdict?: string };
  /** False when the runs are not like for like, or the baseline could not be used; `reasons` say why. */
  comparable: boolean;
  reasons: string[];
  method: string;
  confidence_level: number;
  stages: StageComparison[];
  regressions: number;
  improvements: number;
}
