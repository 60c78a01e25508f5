/**
 * The capacity search on its own, with fake probes: a step function (the metric jumps over the bound
 * past a known load), noise-free, so every bracket and probe count is exact.
 */
import type { SearchConfig } from '../../src/config/types.js';
import {
  bisectLoad,
  bracketNarrow,
  judgeProbe,
  searchCapacity,
  type ProbeMeasurement,
} from '../../src/load/search.js';

const rateSearch = (overrides: Partial<SearchConfig> = {}): SearchConfig => ({
  metric: 'ttft_p95_ms',
  max: 500,
  rate: { min: 0.5, max: 64 },
  probe_requests: 40,
  tolerance: 0.05,
  max_probes: 12,
  max_failure_rate: 0.01,
  ...overrides,
});

/** A server whose metric is 100 below `capacity` and 10,000 above it. */
function stepServer(capacity: number, failuresAbove = 0) {
  const loads: number[] = [];
  const probe = (load: number, index: number): Promise<ProbeMeasurement> => {
    expect(index).toBe(loads.length);
    loads.push(load);
    const over = load > capacity;
    return Promise.resolve({
      requests: 40,
      failures: over ? failuresAbove : 0,
      value: over ? 10_000 : 100,
      samples: 40,
      started_at_ms: 1000 * index,
      ended_at_ms: 1000 * index + 500,
      achieved_rps: load,
    });
  };
  return { probe, loads };
}

describe('searchCapacity (rate)', () => {
  it('doubles from min until a probe fails, then bisects geometrically to the tolerance', async () => {
    const server = stepServer(12.3);
    const result = await searchCapacity(rateSearch(), 20, server.probe);
    // 0.5 1 2 4 8 pass, 16 fails; then the geometric means of [8, 16], ….
    expect(server.loads.slice(0, 6)).toEqual([0.5, 1, 2, 4, 8, 16]);
    expect(server.loads[6]).toBeCloseTo(Math.sqrt(8 * 16), 2);
    expect(result.reason).toBe('converged');
    expect(result.converged).toBe(true);
    expect(result.capacity).not.toBeNull();
    const capacity = result.capacity as number;
    const high = result.capacity_high as number;
    expect(capacity).toBeLessThanOrEqual(12.3);
    expect(high).toBeGreaterThan(12.3);
    expect((high - capacity) / capacity).toBeLessThanOrEqual(0.05);
    expect(result.capacity_low).toBe(capacity);
    // ⌈log2(16 / 8 … )⌉: 6 bracket probes, then log2(ln 2 / ln 1.05) ≈ 3.8 → 4 bisections.
    expect(result.probes).toHaveLength(10);
    expect(result.probes.map((p) => p.phase)).toEqual([
      ...Array<string>(6).fill('bracket'),
      ...Array<string>(4).fill('bisect'),
    ]);
    expect(result.probes.filter((p) => !p.passed).every((p) => p.failed_on === 'metric')).toBe(true);
    expect(result).toMatchObject({
      metric: 'ttft_p95_ms',
      max: 500,
      mode: 'rate',
      range_min: 0.5,
      range_max: 64,
    });
  });

  it('reports the budget and the bracket when the probes run out first', async () => {
    const server = stepServer(12.3);
    const result = await searchCapacity(rateSearch({ max_probes: 7 }), 20, server.probe);
    expect(result.probes).toHaveLength(7);
    expect(result.reason).toBe('budget');
    expect(result.converged).toBe(false);
    expect(result.capacity).toBe(11.31);
    expect(result.capacity_high).toBe(16);
  });

  it('says below_range when even min fails, with the bracket [0, min]', async () => {
    const result = await searchCapacity(rateSearch(), 20, stepServer(0.1).probe);
    expect(result).toMatchObject({
      capacity: null,
      capacity_low: 0,
      capacity_high: 0.5,
      converged: false,
      reason: 'below_range',
    });
    expect(result.probes).toHaveLength(1);
  });

  it('says above_range when even max passes, capping the doubling at max', async () => {
    const server = stepServer(1000);
    const result = await searchCapacity(rateSearch({ rate: { min: 5, max: 30 } }), 20, server.probe);
    expect(server.loads).toEqual([5, 10, 20, 30]);
    expect(result).toMatchObject({
      capacity: 30,
      capacity_high: null,
      converged: false,
      reason: 'above_range',
    });
  });

  it('counts a probe with too many failures as over the bound, whatever its metric', async () => {
    // Above 12.3 the metric stays low but 2 of 40 requests fail: 5 % > max_failure_rate 1 %.
    const server = stepServer(12.3, 2);
    const original = server.probe;
    const result = await searchCapacity(rateSearch(), 20, (load, index) =>
      original(load, index).then((m) => ({ ...m, value: 100 })),
    );
    expect(result.capacity as number).toBeLessThanOrEqual(12.3);
    expect(result.probes.find((p) => !p.passed)?.failed_on).toBe('failures');
  });

  it('stops at an interrupted probe', async () => {
    const server = stepServer(12.3);
    const result = await searchCapacity(rateSearch(), 20, (load, index) =>
      server.probe(load, index).then((m) => ({ ...m, interrupted: index === 2 })),
    );
    expect(result.probes).toHaveLength(3);
    expect(result).toMatchObject({ reason: 'interrupted', converged: false, capacity: 1 });
  });
});

describe('searchCapacity (concurrency)', () => {
  it('brackets and bisects integers down to a width of 1', async () => {
    const server = stepServer(11);
    const search = rateSearch({ concurrency: { min: 1, max: 64 } });
    delete search.rate;
    const result = await searchCapacity(search, 20, server.probe);
    expect(server.loads.slice(0, 5)).toEqual([1, 2, 4, 8, 16]);
    expect(server.loads.every(Number.isInteger)).toBe(true);
    expect(result).toMatchObject({ mode: 'concurrency', capacity: 11, capacity_high: 12, converged: true });
  });
});

describe('the pieces', () => {
  it('judges failures, then samples, then the bound (max or min)', () => {
    const base = {
      requests: 40,
      failures: 0,
      value: 100,
      samples: 40,
      started_at_ms: 0,
      ended_at_ms: 1,
      achieved_rps: 1,
    };
    const bounds = { max: 500, max_failure_rate: 0.05 };
    expect(judgeProbe(bounds, 20, base)).toEqual({ passed: true });
    expect(judgeProbe(bounds, 20, { ...base, value: 501 })).toEqual({ passed: false, failed_on: 'metric' });
    expect(judgeProbe(bounds, 20, { ...base, failures: 3 })).toEqual({
      passed: false,
      failed_on: 'failures',
    });
    expect(judgeProbe(bounds, 20, { ...base, failures: 2 })).toEqual({ passed: true });
    expect(judgeProbe(bounds, 20, { ...base, samples: 19 })).toEqual({ passed: false, failed_on: 'samples' });
    expect(judgeProbe(bounds, 20, { ...base, value: null })).toEqual({ passed: false, failed_on: 'samples' });
    const atLeast = { min: 0.99, max_failure_rate: 1 };
    expect(judgeProbe(atLeast, 1, { ...base, value: 0.995 })).toEqual({ passed: true });
    expect(judgeProbe(atLeast, 1, { ...base, value: 0.98 })).toEqual({ passed: false, failed_on: 'metric' });
  });

  it('bisects at the geometric mean, strictly inside for integers', () => {
    expect(bisectLoad('rate', 8, 32)).toBe(16);
    expect(bisectLoad('concurrency', 8, 10)).toBe(9);
    expect(bisectLoad('concurrency', 1, 3)).toBe(2);
    expect(bracketNarrow('rate', 100, 105, 0.05)).toBe(true);
    expect(bracketNarrow('rate', 100, 106, 0.05)).toBe(false);
    expect(bracketNarrow('concurrency', 3, 4, 0.05)).toBe(true);
  });
});
