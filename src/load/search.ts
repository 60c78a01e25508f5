/**
 * Capacity search: the highest load (open-loop request rate, or closed-loop concurrency) at which a
 * metric stays within its bound — "how much load does this cluster take before TTFT p95 goes over X?".
 * Pure: the probes are run by a function given by the caller (src/benchmark.ts runs each as a sub-stage
 * through runStage; the unit tests give a fake).
 *
 * 1. Bracket from below: probe `min`, then ×2 (capped at `max`) until a probe fails or `max` passes.
 *    Starting low is the safe end: a passing probe leaves no queue behind, so the next probe starts on
 *    a quiet server; an overloaded probe is the slow one (its requests wait in the queue) and the
 *    doubling runs at most one of them. It costs ⌈log2(max / min)⌉ + 1 probes at most (8 for 0.5–64).
 * 2. Bisect the bracket [last pass, first fail] at its geometric mean (rates span orders of magnitude,
 *    so the relative width halves in log space at each probe; concurrency rounds to an integer) until
 *    (first fail − last pass) ÷ last pass ≤ tolerance (concurrency: or a width of 1), or the probe budget
 *    is spent.
 *
 * A probe's metric is an estimate from a finite sample, so the capacity is reported as the highest
 * passing load with the bracket [last pass, first fail] as its uncertainty: the true crossing lies in
 * it when the probes judged right. A probe fails when its failed requests exceed `max_failure_rate` of
 * its requests, when the metric has too few samples to be judged, or when the metric is out of bounds.
 */
import type { SearchConfig } from '../config/types.js';
import type { SearchMode, SearchProbe, SearchReason, SearchResults } from '../metrics/capacity.js';

export type { SearchMode, SearchProbe, SearchReason, SearchResults } from '../metrics/capacity.js';

/** What a probe function reports: the probe's figures (the search judges them). */
export interface ProbeMeasurement {
  requests: number;
  failures: number;
  value: number | null;
  samples: number;
  started_at_ms: number;
  ended_at_ms: number;
  achieved_rps: number | null;
  /** True when the probe was cut short (cancellation): the search stops. */
  interrupted?: boolean;
}

/** Runs one probe at `load` (the probe's `index` numbers its requests). */
export type ProbeFunction = (load: number, index: number) => Promise<ProbeMeasurement>;

/** `rate` or `concurrency`: which range the config gives. */
export function searchMode(search: Pick<SearchConfig, 'rate' | 'concurrency'>): SearchMode {
  return search.concurrency ? 'concurrency' : 'rate';
}

/** The range of a search (the one of `rate` or `concurrency` it has). */
export function searchRange(search: SearchConfig): { min: number; max: number } {
  const range = search.concurrency ?? search.rate;
  if (!range) throw new Error('a search has a rate or a concurrency range');
  return range;
}

/** Judges a probe's figures against the search's bounds. */
export function judgeProbe(
  search: Pick<SearchConfig, 'max' | 'min' | 'max_failure_rate'>,
  requiredSamples: number,
  measured: ProbeMeasurement,
): Pick<SearchProbe, 'passed' | 'failed_on'> {
  if (measured.requests > 0 && measured.failures > search.max_failure_rate * measured.requests)
    return { passed: false, failed_on: 'failures' };
  if (measured.value === null || measured.samples < Math.max(1, requiredSamples))
    return { passed: false, failed_on: 'samples' };
  const within =
    search.max !== undefined
      ? measured.value <= search.max
      : search.min !== undefined
        ? measured.value >= search.min
        : true;
  return within ? { passed: true } : { passed: false, failed_on: 'metric' };
}

/** True when the bracket [low, high] is narrow enough to stop. */
export function bracketNarrow(mode: SearchMode, low: number, high: number, tolerance: number): boolean {
  if (mode === 'concurrency' && high - low <= 1) return true;
  return (high - low) / low <= tolerance * (1 + 1e-9);
}

/** The next load inside (low, high): the geometric mean, an integer strictly inside for concurrency. */
export function bisectLoad(mode: SearchMode, low: number, high: number): number {
  const middle = Math.sqrt(low * high);
  if (mode === 'rate') return middle;
  return Math.min(high - 1, Math.max(low + 1, Math.round(middle)));
}

/** Rounds a rate to 4 significant digits for display and records (the probe ran at exactly it). */
function roundLoad(mode: SearchMode, load: number): number {
  return mode === 'concurrency' ? Math.round(load) : Number(load.toPrecision(4));
}

/** A search in progress: its probes, the bracket [low, high] found so far, and why it stopped. */
class CapacitySearch {
  readonly mode: SearchMode;
  readonly range: { min: number; max: number };
  readonly probes: SearchProbe[] = [];
  /** Highest load that passed. */
  low: number | null = null;
  /** Lowest load that failed. */
  high: number | null = null;
  reason: SearchReason | undefined;

  constructor(
    private readonly search: SearchConfig,
    private readonly requiredSamples: number,
    private readonly probe: ProbeFunction,
  ) {
    this.mode = searchMode(search);
    this.range = searchRange(search);
  }

  /** Runs one probe at `load` (rounded), records it and narrows the bracket; undefined when interrupted. */
  private async run(load: number, phase: SearchProbe['phase']): Promise<SearchProbe | undefined> {
    const rounded = roundLoad(this.mode, load);
    const measured = await this.probe(rounded, this.probes.length);
    const judged = judgeProbe(this.search, this.requiredSamples, measured);
    const record: SearchProbe = {
      index: this.probes.length,
      phase,
      load: rounded,
      requests: measured.requests,
      failures: measured.failures,
      value: measured.value,
      samples: measured.samples,
      ...judged,
      started_at_ms: measured.started_at_ms,
      ended_at_ms: measured.ended_at_ms,
      achieved_rps: measured.achieved_rps,
    };
    this.probes.push(record);
    if (measured.interrupted) {
      this.reason = 'interrupted';
      return undefined;
    }
    if (record.passed) this.low = this.low === null ? rounded : Math.max(this.low, rounded);
    else this.high = this.high === null ? rounded : Math.min(this.high, rounded);
    return record;
  }

  /** 1. Bracket: min, 2·min, 4·min, … capped at max, until one fails or max passes. */
  async bracket(): Promise<void> {
    let load = this.range.min;
    for (;;) {
      if (this.probes.length >= this.search.max_probes) {
        this.reason = 'budget';
        return;
      }
      const result = await this.run(load, 'bracket');
      if (!result) return;
      if (!result.passed) {
        if (this.low === null) this.reason = 'below_range';
        return;
      }
      if (result.load >= this.range.max) {
        this.reason = 'above_range';
        return;
      }
      load = Math.min(this.range.max, load * 2);
    }
  }

  /** 2. Bisect [low, high] until narrow or out of probes. */
  async bisect(): Promise<void> {
    while (this.reason === undefined && this.low !== null && this.high !== null) {
      if (bracketNarrow(this.mode, this.low, this.high, this.search.tolerance)) {
        this.reason = 'converged';
        return;
      }
      if (this.probes.length >= this.search.max_probes) {
        this.reason = 'budget';
        return;
      }
      if (!(await this.run(bisectLoad(this.mode, this.low, this.high), 'bisect'))) return;
    }
  }

  /** The search as results.json reports it. */
  results(): SearchResults {
    const { search, mode, range, low, high, reason } = this;
    const converged = low !== null && high !== null && bracketNarrow(mode, low, high, search.tolerance);
    return {
      metric: search.metric,
      ...(search.max !== undefined ? { max: search.max } : {}),
      ...(search.min !== undefined ? { min: search.min } : {}),
      mode,
      range_min: range.min,
      range_max: range.max,
      tolerance: search.tolerance,
      capacity: low,
      capacity_low: low ?? 0,
      capacity_high: high,
      converged: reason !== 'interrupted' && converged,
      reason: reason ?? 'budget',
      probes: this.probes,
    };
  }
}

/**
 * Runs the search: brackets from `min` by doubling, then bisects. `requiredSamples` is the metric's
 * sample minimum (src/verdict/metrics.ts): a probe with fewer fails (`failed_on: samples`).
 */
export async function searchCapacity(
  search: SearchConfig,
  requiredSamples: number,
  probe: ProbeFunction,
): Promise<SearchResults> {
  const capacitySearch = new CapacitySearch(search, requiredSamples, probe);
  await capacitySearch.bracket();
  await capacitySearch.bisect();
  return capacitySearch.results();
}
