/**
 * Descriptive statistics of a sample: count, mean, sample standard deviation and percentiles.
 *
 * Percentiles use linear interpolation between closest ranks (numpy's default `method='linear'`, also
 * Excel's PERCENTILE.INC and R's type 7), so figures match what people compute from the raw records.
 */

// Where a record's values or a nullable field are counts, this alias is how the generated results schema
// (scripts/write-results-schema.mjs) learns that they are integers: no JSDoc of a property reaches them.
/**
 * A count: a whole number, never negative.
 * @asType integer
 * @minimum 0
 */
export type Count = number;

/**
 * Statistics of a set of samples; every figure is null when count is 0. Percentiles interpolate linearly
 * between the nearest ranks.
 * @title summary
 */
export interface Summary {
  /**
   * Number of samples.
   * @asType integer
   * @minimum 0
   */
  count: number;
  /** Arithmetic mean. */
  mean: number | null;
  /** Sample standard deviation (divides by count − 1); 0 when count is 1. */
  std: number | null;
  /** Smallest sample. */
  min: number | null;
  /** 50th percentile (median). */
  p50: number | null;
  /** 90th percentile. */
  p90: number | null;
  /** 95th percentile. */
  p95: number | null;
  /** 99th percentile. */
  p99: number | null;
  /** Largest sample. */
  max: number | null;
}

/**
 * The `p`-th percentile (0 ≤ p ≤ 100) of values sorted in ascending order, `null` when there are none.
 *
 * With n values x₀ ≤ … ≤ xₙ₋₁: h = (n − 1) · p / 100, i = ⌊h⌋,
 * percentile = xᵢ + (h − i) · (xᵢ₊₁ − xᵢ)  (just xᵢ when i = n − 1).
 * Example: [1, 2, 3, 4], p = 90 → h = 2.7 → 3 + 0.7 · (4 − 3) = 3.7.
 */
export function percentile(sortedValues: ArrayLike<number>, p: number): number | null {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0..100, got ${p}`);
  const count = sortedValues.length;
  if (count === 0) return null;
  const rank = ((count - 1) * p) / 100;
  const lowerIndex = Math.floor(rank);
  const lower = sortedValues[lowerIndex] as number;
  if (lowerIndex >= count - 1) return lower;
  const upper = sortedValues[lowerIndex + 1] as number;
  const fraction = rank - lowerIndex;
  // Equal neighbours return exactly that value (no 0 · ∞ when both are infinite).
  return fraction === 0 || lower === upper ? lower : lower + fraction * (upper - lower);
}

/**
 * Summarises a sample. NaN values are ignored (they are not measurements); the input is not modified.
 *
 * mean = Σx / n; std = √(Σ(x − mean)² / (n − 1)) (two passes, for accuracy); percentiles as in
 * {@link percentile}. Sorts a Float64Array copy (numeric sort, no comparator calls): O(n log n).
 */
export function summarize(values: readonly number[] | Float64Array): Summary {
  const sorted = new Float64Array(values.length);
  let count = 0;
  for (let index = 0; index < values.length; index++) {
    const value = values[index] as number;
    if (!Number.isNaN(value)) sorted[count++] = value;
  }
  if (count === 0) {
    return {
      count: 0,
      mean: null,
      std: null,
      min: null,
      p50: null,
      p90: null,
      p95: null,
      p99: null,
      max: null,
    };
  }
  const sample = count === sorted.length ? sorted : sorted.subarray(0, count);
  sample.sort();

  let sum = 0;
  for (let index = 0; index < count; index++) sum += sample[index] as number;
  const mean = sum / count;
  let squaredDeviations = 0;
  for (let index = 0; index < count; index++) {
    const deviation = (sample[index] as number) - mean;
    squaredDeviations += deviation * deviation;
  }
  const std = count < 2 ? 0 : Math.sqrt(squaredDeviations / (count - 1));

  return {
    count,
    mean,
    std,
    min: sample[0] as number,
    p50: percentile(sample, 50),
    p90: percentile(sample, 90),
    p95: percentile(sample, 95),
    p99: percentile(sample, 99),
    max: sample[count - 1] as number,
  };
}
