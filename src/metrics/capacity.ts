/**
 * What a capacity search found (src/load/search.ts runs it), as results.json keeps it: a figure like
 * any other statistic, which the metric catalogue (capacity_rps, capacity_concurrency), thresholds and
 * the baseline comparison read. Types only, so that the statistics layer needs nothing from the load.
 */

/** What a capacity search varies: the open-loop request rate, or the closed-loop concurrency. */
export type SearchMode = 'rate' | 'concurrency';

/** How one probe went, as results.json keeps it (`search.probes[]`). */
export interface SearchProbe {
  /** Order of the probe in the search, from 0 (requests.jsonl's `probe`). */
  index: number;
  /** `bracket` while doubling from `min`, `bisect` afterwards. */
  phase: 'bracket' | 'bisect';
  /** Requests per second (rate) or requests in flight (concurrency). */
  load: number;
  requests: number;
  failures: number;
  /** The metric over the probe's requests (warm-up none; failures left out as in every statistic). */
  value: number | null;
  /** Samples behind `value`. */
  samples: number;
  passed: boolean;
  /** Why a probe failed: `metric` (out of bounds), `failures` (too many) or `samples` (too few). */
  failed_on?: 'metric' | 'failures' | 'samples';
  /** The probe's schedule origin and its last request's end, epoch ms. */
  started_at_ms: number;
  ended_at_ms: number;
  /** Achieved requests per second over the probe: requests ÷ (last end − first send). */
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
  metric: string;
  /** The bound: `max` for smaller-is-better metrics, `min` for the others. */
  max?: number;
  min?: number;
  mode: SearchMode;
  /** The range searched. */
  range_min: number;
  range_max: number;
  tolerance: number;
  /**
   * The highest passing load (= capacity_low); null when no probe passed (below the range, or
   * interrupted before one did).
   */
  capacity: number | null;
  /** The bracket: the highest passing load (0 when none passed)… */
  capacity_low: number;
  /** …and the lowest failing load above it; null when none failed (the capacity is ≥ `range_max`). */
  capacity_high: number | null;
  /** True when the bracket narrowed to the tolerance. */
  converged: boolean;
  reason: SearchReason;
  /** Every probe, in the order it ran. */
  probes: SearchProbe[];
}
