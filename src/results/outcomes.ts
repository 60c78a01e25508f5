/**
 * What the gates of a run produced, as results.json stores it: threshold outcomes and the comparison
 * with a baseline. The types live here, beside the document that holds them, so that the document does
 * not depend on the code that judges (src/verdict/), which depends on the document.
 */
import type { Comparator } from '../config/thresholds.js';
import type { Better, MetricUnit } from '../metrics/catalog.js';

/** A threshold judged: `inconclusive` when too few samples, or no value, back the metric. */
export type ThresholdStatus = 'pass' | 'fail' | 'inconclusive';

/** One threshold of the config with its observed value and result. */
export interface ThresholdOutcome {
  /** As written (trimmed), e.g. "ttft_p95_ms <= 800". */
  expression: string;
  /** `run` for a top-level threshold, else the stage it belongs to. */
  scope:
    | 'run'
    | {
        /** The stage's name. */
        stage: string;
      };
  /** The metric judged (src/metrics/catalog.ts). */
  metric: string;
  /** How observed is compared with limit. */
  comparator: Comparator;
  /** The number of the expression, in the unit of the metric. */
  limit: number;
  /** The observed value; null when no request produced a sample. */
  observed: number | null;
  /**
   * Samples behind the observed value.
   * @asType integer
   * @minimum 0
   */
  samples: number;
  /**
   * Samples the metric needs before it is judged.
   * @asType integer
   * @minimum 0
   */
  required_samples: number;
  /** pass or fail; inconclusive when too few samples, or no value, back the metric. */
  status: ThresholdStatus;
  /** Why it is inconclusive. */
  reason?: string;
}

/** How a metric moved. */
export type ComparisonStatus = 'regression' | 'improvement' | 'unchanged' | 'inconclusive';

/** One metric of one stage, compared with the baseline. */
export interface MetricComparison {
  /** The metric compared (src/metrics/catalog.ts). */
  metric: string;
  /** Unit of baseline, current, ci_low and ci_high. */
  unit: MetricUnit;
  /** Which direction is an improvement. */
  better: Better;
  /** The statistic over the baseline's requests; null when it has none. */
  baseline: number | null;
  /** The statistic over this run's requests; null when it has none. */
  current: number | null;
  /** (current − baseline) ÷ |baseline|; null when either is missing or the baseline is 0. */
  change_ratio: number | null;
  /** Low end of the bootstrap interval of current − baseline, in the metric’s unit. */
  ci_low: number | null;
  /** High end of the bootstrap interval of current − baseline, in the metric’s unit. */
  ci_high: number | null;
  /** How much worse the metric may get, as a ratio of |baseline| (0.1 = 10 %). */
  tolerance_ratio: number;
  /**
   * Samples of the baseline's stage.
   * @asType integer
   * @minimum 0
   */
  samples_baseline: number;
  /**
   * Samples of this run's stage.
   * @asType integer
   * @minimum 0
   */
  samples_current: number;
  /**
   * regression: the interval excludes zero on the worse side and the change exceeds the tolerance;
   * improvement: its mirror image; unchanged: the whole interval lies within the tolerance; otherwise
   * inconclusive.
   */
  status: ComparisonStatus;
  /** Why inconclusive, when it is not about noise. */
  reason?: string;
}

/** One stage's comparison. */
export interface StageComparison {
  /** The stage's name. */
  stage: string;
  /** The metrics compared, in the order of the regression mapping. */
  metrics: MetricComparison[];
}

/** The comparison with a baseline, as stored in results.json. */
export interface ComparisonResult {
  /** The baseline run, as far as it is known. */
  baseline: {
    /** Where it came from, for people: a path, `run 123456 (artifact exo-bench-…)`. */
    source: string;
    /** A link to the baseline's run or artifact. */
    url?: string;
    /** The baseline's metadata.run_id. */
    run_id?: string;
    /** The baseline's metadata.started_at. */
    started_at?: string;
    /** The baseline's verdict. */
    verdict?: string;
  };
  /** False when the runs are not like for like, or the baseline could not be used; reasons say why. */
  comparable: boolean;
  /** Why the runs were not compared; empty when they were. */
  reasons: string[];
  /** The method, as printed under the comparison table. */
  method: string;
  /** Confidence level of the bootstrap intervals (0.95). */
  confidence_level: number;
  /** One entry per stage of this run's config, in config order; empty when not comparable. */
  stages: StageComparison[];
  /**
   * Metrics whose status is regression.
   * @asType integer
   * @minimum 0
   */
  regressions: number;
  /**
   * Metrics whose status is improvement.
   * @asType integer
   * @minimum 0
   */
  improvements: number;
}
