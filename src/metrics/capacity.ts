/**
 * What a capacity search found (src/load/search.ts runs it), as results.json keeps it: a figure like
 * any other statistic, which the metric catalogue (capacity_rps, capacity_concurrency), thresholds and
 * the baseline comparison read. Types only, so that the statistics layer needs nothing from the load.
 */

/** What a capacity search varies: the open-loop request rate, or the closed-loop concurrency. */
export type SearchMode = 'rate' | 'concurrency';

/** One probe of a capacity search: a short sub-stage at one load. */
export interface SearchProbe {
  /**
   * Order of the probe in the search, from 0; requests.jsonl's `probe` field.
   * @asType integer
   * @minimum 0
   */
  index: number;
  /** `bracket` while doubling from min, `bisect` afterwards. */
  phase: 'bracket' | 'bisect';
  /** Requests per second (rate) or requests in flight (concurrency) the probe ran at. */
  load: number;
  /**
   * Requests the probe sent.
   * @asType integer
   * @minimum 0
   */
  requests: number;
  /**
   * Requests of the probe that failed.
   * @asType integer
   * @minimum 0
   */
  failures: number;
  /**
   * The searched metric over the probe's requests (its unit is in its name); null when no request gave a
   * sample.
   */
  value: number | null;
  /**
   * Samples behind value.
   * @asType integer
   * @minimum 0
   */
  samples: number;
  /** True when the probe met the bound, with few enough failures and enough samples. */
  passed: boolean;
  /**
   * Why it failed: `metric` (out of bounds), `failures` (more than max_failure_rate of its requests),
   * `samples` (too few for the metric).
   */
  failed_on?: 'metric' | 'failures' | 'samples';
  /** The probe's schedule origin, ms on the run's monotonic clock. */
  started_at_ms: number;
  /** When the probe's last request ended, ms on the run's monotonic clock. */
  ended_at_ms: number;
  /** Requests ÷ (last end − first send) of the probe, per second; null when it sent none. */
  achieved_rps: number | null;
}

/** Why a search ended. */
export type SearchReason =
  /** The bracket narrowed to the tolerance. */
  | 'converged'
  /** The probe budget ran out first: the bracket is wider than the tolerance. */
  | 'budget'
  /** Even `min` failed: the capacity is below the range. */
  | 'below_range'
  /** Even `max` passed: the capacity is at least `max`. */
  | 'above_range'
  /** The run was stopped during the search. */
  | 'interrupted';

/** A search's outcome, as results.json keeps it (a stage's `search`). */
export interface SearchResults {
  /** The metric judged on each probe. */
  metric: string;
  /** The bound for metrics where smaller is better: a probe passes at ≤ max. */
  max?: number;
  /** The bound for metrics where bigger is better: a probe passes at ≥ min. */
  min?: number;
  /** `rate`: open-loop requests per second; `concurrency`: closed-loop requests in flight. */
  mode: SearchMode;
  /** The least load the search could probe. */
  range_min: number;
  /** The most load the search could probe. */
  range_max: number;
  /** The relative bracket width at which the search stops. */
  tolerance: number;
  /**
   * The highest passing load (= capacity_low); null when no probe passed (below the range, or interrupted
   * first).
   */
  capacity: number | null;
  /** Lower end of the bracket: the highest passing load, 0 when none passed. */
  capacity_low: number;
  /**
   * Upper end of the bracket: the lowest failing load above capacity_low; null when none failed (the capacity
   * is at least range_max).
   */
  capacity_high: number | null;
  /** True when the bracket narrowed to the tolerance. */
  converged: boolean;
  /**
   * Why the search ended: `converged`, `budget` (max_probes spent first), `below_range` (min failed),
   * `above_range` (max passed), `interrupted`.
   */
  reason: SearchReason;
  /** Every probe, in the order it ran. */
  probes: SearchProbe[];
}
