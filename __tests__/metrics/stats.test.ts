import { percentile, summarize } from '../../src/metrics/stats.js';

describe('percentile (linear interpolation between closest ranks)', () => {
  it('interpolates at h = (n − 1) · p / 100', () => {
    const sorted = [1, 2, 3, 4];
    // h = 3 · 0.9 = 2.7 → 3 + 0.7 · (4 − 3)
    expect(percentile(sorted, 90)).toBeCloseTo(3.7, 12);
    expect(percentile(sorted, 50)).toBe(2.5);
    expect(percentile(sorted, 0)).toBe(1);
    expect(percentile(sorted, 100)).toBe(4);
  });

  it('matches numpy on the textbook sample [15, 20, 35, 40, 50]', () => {
    const sorted = [15, 20, 35, 40, 50];
    // numpy.percentile([15, 20, 35, 40, 50], [5, 30, 40, 50, 100]) → [16, 23, 29, 35, 50]
    expect([5, 30, 40, 50, 100].map((p) => percentile(sorted, p))).toEqual([16, 23, 29, 35, 50]);
  });

  it('returns null for no values and the value itself for one', () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([7], 99)).toBe(7);
  });

  it('handles equal infinite neighbours without NaN', () => {
    expect(percentile([1, Infinity, Infinity], 75)).toBe(Infinity);
  });

  it('rejects p outside 0..100', () => {
    expect(() => percentile([1], -1)).toThrow(RangeError);
    expect(() => percentile([1], 100.5)).toThrow(RangeError);
    expect(() => percentile([1], Number.NaN)).toThrow(RangeError);
  });
});

describe('summarize', () => {
  it('computes every figure of a small sample, unsorted input', () => {
    // mean 32; deviations −17, −12, 3, 8, 18 → Σ² = 830 → std = √(830 / 4) = √207.5
    const summary = summarize([40, 15, 50, 35, 20]);
    expect(summary).toEqual({
      count: 5,
      mean: 32,
      std: Math.sqrt(207.5),
      min: 15,
      p50: 35,
      p90: 46, // h = 3.6 → 40 + 0.6 · 10
      p95: 48, // h = 3.8
      p99: expect.closeTo(49.6, 10) as unknown as number, // h = 3.96
      max: 50,
    });
    expect(summary.std).toBeCloseTo(14.404860290887934, 12);
  });

  it('gives nulls for an empty sample and std 0 for a single value', () => {
    expect(summarize([])).toEqual({
      count: 0,
      mean: null,
      std: null,
      min: null,
      p50: null,
      p90: null,
      p95: null,
      p99: null,
      max: null,
    });
    expect(summarize([12.5])).toEqual({
      count: 1,
      mean: 12.5,
      std: 0,
      min: 12.5,
      p50: 12.5,
      p90: 12.5,
      p95: 12.5,
      p99: 12.5,
      max: 12.5,
    });
  });

  it('ignores NaN and leaves its input untouched', () => {
    const values = [3, Number.NaN, 1, 2];
    expect(summarize(values)).toMatchObject({ count: 3, mean: 2, std: 1, min: 1, p50: 2, max: 3 });
    expect(values).toEqual([3, Number.NaN, 1, 2]);
    expect(summarize([Number.NaN]).count).toBe(0);
  });

  it('accepts a Float64Array', () => {
    expect(summarize(Float64Array.of(4, 1, 3, 2))).toMatchObject({ count: 4, mean: 2.5, p50: 2.5, p90: 3.7 });
  });

  it('summarises 100,000 values exactly', () => {
    // 0 … 99,999 in a scrambled order: p50 = 49,999.5, p90 at h = 89,999.1, p99 at h = 98,999.01.
    const values = Array.from({ length: 100_000 }, (_, index) => (index * 7919) % 100_000);
    const summary = summarize(values);
    expect(summary.count).toBe(100_000);
    expect(summary.mean).toBe(49_999.5);
    expect(summary.min).toBe(0);
    expect(summary.max).toBe(99_999);
    expect(summary.p50).toBe(49_999.5);
    expect(summary.p90).toBeCloseTo(89_999.1, 6);
    expect(summary.p95).toBeCloseTo(94_999.05, 6);
    expect(summary.p99).toBeCloseTo(98_999.01, 6);
    // σ of 0 … n−1 with n − 1 in the denominator: √(n (n + 1) / 12)
    expect(summary.std).toBeCloseTo(Math.sqrt((100_000 * 100_001) / 12), 6);
  });
});
