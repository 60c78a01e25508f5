/**
 * The capacity a search found as a figure for the gates: `capacity_rps` / `capacity_concurrency` in
 * thresholds (stage and run scope) and in the baseline comparison, where the search's bracket is the
 * capacity's uncertainty.
 */
import type { SearchResults } from '../../src/load/search.js';
import { computeStatistics } from '../../src/metrics/aggregate.js';
import { compareCapacity } from '../../src/verdict/compare.js';
import { DEFAULT_REGRESSION_TOLERANCES, regressionMetricProblem } from '../../src/config/regression.js';
import { evaluateThresholds } from '../../src/verdict/thresholds.js';

const search = (
  capacity: number | null,
  high: number | null,
  mode: 'rate' | 'concurrency' = 'rate',
): SearchResults => ({
  metric: 'ttft_p95_ms',
  max: 500,
  mode,
  range_min: 1,
  range_max: 64,
  tolerance: 0.05,
  capacity,
  capacity_low: capacity ?? 0,
  capacity_high: high,
  converged: capacity !== null && high !== null,
  reason: capacity === null ? 'below_range' : high === null ? 'above_range' : 'converged',
  probes: [0, 1, 2].map((index) => ({
    index,
    phase: 'bracket' as const,
    load: index + 1,
    requests: 40,
    failures: 0,
    value: 100,
    samples: 40,
    passed: true,
    started_at_ms: 0,
    ended_at_ms: 1,
    achieved_rps: 1,
  })),
});

const empty = computeStatistics([]);

describe('capacity thresholds', () => {
  const judge = (
    thresholds: string[],
    searches: Array<[string, SearchResults]>,
    runThresholds: string[] = [],
  ) =>
    evaluateThresholds(
      {
        thresholds: runThresholds,
        stages: searches.map(([name]) => ({ name, thresholds })),
      },
      { run: null, stages: searches.map(([name, s]) => ({ ...empty, name, search: s })) },
    ).map((o) => [o.expression, o.status, o.observed, o.reason ?? '']);

  it('judges the highest passing load of the stage', () => {
    expect(judge(['capacity_rps >= 12'], [['a', search(12.5, 13.1)]])).toEqual([
      ['capacity_rps >= 12', 'pass', 12.5, ''],
    ]);
    expect(judge(['capacity_rps >= 12'], [['a', search(11.3, 12)]])).toEqual([
      ['capacity_rps >= 12', 'fail', 11.3, ''],
    ]);
  });

  it('counts a search that failed even at its min as 0, so the gate fails instead of going unjudged', () => {
    expect(judge(['capacity_rps >= 12'], [['a', search(null, 1)]])).toEqual([
      ['capacity_rps >= 12', 'fail', 0, ''],
    ]);
  });

  it('at run scope takes the lowest capacity of the searches of its kind, without run-level requests', () => {
    const outcomes = judge(
      [],
      [
        ['a', search(20, 21)],
        ['b', search(8, 8.4)],
        ['c', search(3, 4, 'concurrency')],
      ],
      ['capacity_rps >= 10', 'capacity_concurrency >= 3'],
    );
    expect(outcomes).toEqual([
      ['capacity_rps >= 10', 'fail', 8, ''],
      ['capacity_concurrency >= 3', 'pass', 3, ''],
    ]);
  });
});

describe('capacity against a baseline', () => {
  it('is compared by default, and accepted in regression', () => {
    expect(DEFAULT_REGRESSION_TOLERANCES).toMatchObject({ capacity_rps: '10%', capacity_concurrency: '10%' });
    expect(regressionMetricProblem('capacity_rps')).toBeUndefined();
    expect(regressionMetricProblem('capacity_rp')).toBe(
      'unknown metric "capacity_rp"; did you mean "capacity_rps"?',
    );
  });

  it('reads the difference of the brackets against the tolerance, higher being better', () => {
    // Baseline [20, 21], now [15, 15.7]: the whole interval [15 − 21, 15.7 − 20] is below 0 and the
    // drop (25 %) exceeds 10 %: a regression.
    expect(compareCapacity('capacity_rps', 0.1, search(20, 21), search(15, 15.7))).toMatchObject({
      baseline: 20,
      current: 15,
      change_ratio: -0.25,
      ci_low: -6,
      ci_high: expect.closeTo(-4.3, 6),
      status: 'regression',
      unit: 'requests/s',
      better: 'bigger',
    });
    expect(compareCapacity('capacity_rps', 0.1, search(20, 21), search(26, 27)).status).toBe('improvement');
    // Overlapping brackets within the tolerance: unchanged.
    expect(compareCapacity('capacity_rps', 0.1, search(20, 21), search(20.5, 21.4)).status).toBe('unchanged');
  });

  it('is inconclusive when a bracket is open at the top, or the baseline has no search', () => {
    expect(compareCapacity('capacity_rps', 0.1, search(20, 21), search(64, null))).toMatchObject({
      status: 'inconclusive',
      reason: 'a search passed its whole range: its capacity is only known to be at least its max',
    });
    expect(compareCapacity('capacity_rps', 0.1, undefined, search(20, 21))).toMatchObject({
      status: 'inconclusive',
      reason: 'the baseline stage ran no search of this kind',
    });
  });
});
