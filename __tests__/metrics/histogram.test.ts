import { Histogram } from '../../src/metrics/histogram.js';

function histogramOf(values: readonly number[]): Histogram {
  const histogram = new Histogram();
  for (const value of values) histogram.record(value);
  return histogram;
}

describe('Histogram', () => {
  it('is empty at first', () => {
    const histogram = new Histogram();
    expect([histogram.count, histogram.min, histogram.max, histogram.mean, histogram.percentile(50)]).toEqual(
      [0, null, null, null, null],
    );
  });

  it('keeps count, min, max and mean exact', () => {
    const histogram = histogramOf([1, 2, 3, 4, 5]);
    expect([histogram.count, histogram.min, histogram.max, histogram.mean]).toEqual([5, 1, 5, 3]);
  });

  it('reports a percentile as the middle of the bucket of its nearest rank', () => {
    const histogram = histogramOf([1, 2, 3, 4, 5]);
    // p50 → rank ⌈2.5⌉ = 3 → the value 3 ms = 192,000 units, octave 11 (2,048-unit buckets),
    // bucket [190,464, 192,512) units → middle 191,488 units = 2.992 ms.
    expect(histogram.percentile(50)).toBeCloseTo(2.992, 12);
    expect(histogram.percentile(0)).toBe(1);
    expect(histogram.percentile(100)).toBe(5);
    // p99 → rank 5 → the 5 ms bucket, whose middle (5.008 ms) is clamped to the exact max.
    expect(histogram.percentile(99)).toBe(5);
  });

  it('stays within 1/128 relative error from 1 µs to 1 hour', () => {
    let worstRelativeError = 0;
    for (let step = 0; step <= 2000; step++) {
      const valueMs = 1e-3 * Math.pow(3.6e9, step / 2000);
      // Values below and above keep the middle of the bucket from being clamped to min or max.
      const histogram = histogramOf([0, valueMs, 4e6]);
      const reportedMs = histogram.percentile(50) as number;
      worstRelativeError = Math.max(worstRelativeError, Math.abs(reportedMs - valueMs) / valueMs);
    }
    expect(worstRelativeError).toBeLessThanOrEqual(1 / 128 + 1e-12); // reached at bucket lower bounds
    expect(worstRelativeError).toBeGreaterThan(1 / 200); // the bound is nearly reached: the sweep is fine enough
  });

  it('reads percentiles of a uniform sample to within 1 %', () => {
    const histogram = histogramOf(Array.from({ length: 1000 }, (_, index) => index + 1));
    // Nearest rank: p90 → rank 900 → 900 ms; p99 → 990 ms.
    expect(Math.abs((histogram.percentile(90) as number) - 900) / 900).toBeLessThan(0.01);
    expect(Math.abs((histogram.percentile(99) as number) - 990) / 990).toBeLessThan(0.01);
  });

  it('counts zero gaps and clamps values above the range into the last bucket', () => {
    const histogram = histogramOf([0, 0, 1e9]);
    // Below 1 µs buckets are 1/64 µs wide: the middle of the first one is 1/128 µs.
    expect(histogram.percentile(50)).toBe(0.5 / 64_000);
    expect(histogram.percentile(100)).toBe(1e9);
    expect(histogram.toJSON().buckets).toEqual([0, 2, 2111, 1]);
  });

  it('rejects negative and non-finite values', () => {
    const histogram = new Histogram();
    expect(() => histogram.record(-0.001)).toThrow(RangeError);
    expect(() => histogram.record(Number.NaN)).toThrow(RangeError);
    expect(() => histogram.record(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => histogram.percentile(101)).toThrow(RangeError);
    expect(histogram.count).toBe(0);
  });

  it('merges into exactly what recording every value in one histogram gives', () => {
    const left = histogramOf([0.5, 12, 3]);
    const right = histogramOf([0.002, 7000]);
    left.merge(right);
    left.merge(new Histogram());
    expect(left.toJSON()).toEqual(histogramOf([0.5, 12, 3, 0.002, 7000]).toJSON());
    expect([left.count, left.min, left.max]).toEqual([5, 0.002, 7000]);
  });

  it('serialises only non-empty buckets and reads them back', () => {
    // 1 ms = 64,000 units: octave 9 (512-unit buckets), sub-bucket 125 − 64 = 61 → index 64 + 9·64 + 61 = 701.
    // 3 ms = 192,000 units: octave 11, sub-bucket 93 − 64 = 29 → index 64 + 11·64 + 29 = 797.
    const json = histogramOf([1, 1, 3]).toJSON();
    expect(json).toEqual({
      layout: 'log-linear-64x32-v1',
      count: 3,
      sumMs: 5,
      minMs: 1,
      maxMs: 3,
      buckets: [701, 2, 797, 1],
    });
    const restored = Histogram.fromJSON(JSON.parse(JSON.stringify(json)));
    expect(restored.toJSON()).toEqual(json);
    expect(restored.percentile(50)).toBe(histogramOf([1, 1, 3]).percentile(50));
    expect(Histogram.fromJSON(new Histogram().toJSON()).count).toBe(0);
  });

  it('refuses what is not its own serialised form', () => {
    const valid = histogramOf([1]).toJSON();
    expect(() => Histogram.fromJSON(null)).toThrow(TypeError);
    expect(() => Histogram.fromJSON({ ...valid, layout: 'other' })).toThrow(TypeError);
    expect(() => Histogram.fromJSON({ ...valid, buckets: [701] })).toThrow(TypeError);
    expect(() => Histogram.fromJSON({ ...valid, buckets: [99999, 1] })).toThrow(TypeError);
    expect(() => Histogram.fromJSON({ ...valid, buckets: [701, 2] })).toThrow(/add up to 2, not 1/);
    expect(() => Histogram.fromJSON({ ...valid, minMs: null })).toThrow(TypeError);
  });
});
