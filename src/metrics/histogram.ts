/**
 * A streaming log-linear histogram (the HDR histogram layout) for per-token gaps: fixed memory, no
 * allocation per value, mergeable, serialisable.
 *
 * Layout. Values are counted in units of 1/64 µs (`value_units = ⌊value_ms · 64,000⌋`):
 * - below 64 units (1 µs): one bucket per unit;
 * - above: octave e ≥ 0 covers [64 · 2^e, 64 · 2^(e+1)) units in 64 buckets of 2^e units each.
 * A bucket is at most 1/64 of its lower bound wide, and a percentile is reported as the middle of its
 * bucket, so the relative error is at most 1/128 ≈ 0.78 % from 1 µs up to the top of the range
 * (32 octaves: 2^32 µs ≈ 71.6 minutes; larger values land in the last bucket). min, max, mean and count
 * are exact.
 */

/** Linear sub-buckets per octave (a power of two); sets the precision: error ≤ 1 / (2 · 64). */
const SUB_BUCKETS = 64;
const SUB_BUCKET_BITS = 6;
/** Octaves above 1 µs: [1 µs, 2^32 µs ≈ 71.6 min). */
const OCTAVES = 32;
/** Histogram units per millisecond: one unit is 1/64 µs. */
const UNITS_PER_MS = SUB_BUCKETS * 1000;
const BUCKET_COUNT = SUB_BUCKETS * (OCTAVES + 1);
const TWO_POW_32 = 4294967296;

/** Serialised form of a {@link Histogram} (compact: only non-empty buckets). */
export interface HistogramJson {
  /** Layout version; a histogram with another layout cannot be read or merged. */
  layout: 'log-linear-64x32-v1';
  count: number;
  sumMs: number;
  /** `null` when the histogram is empty. */
  minMs: number | null;
  maxMs: number | null;
  /** Flat pairs `[bucketIndex, count, bucketIndex, count, …]`, ascending bucket index. */
  buckets: number[];
}

/** Streaming histogram of durations in milliseconds (see the module comment for its precision). */
export class Histogram {
  private readonly counts = new Float64Array(BUCKET_COUNT);
  private total = 0;
  private sumMs = 0;
  private minMs = Number.POSITIVE_INFINITY;
  private maxMs = Number.NEGATIVE_INFINITY;

  /** Values recorded. */
  get count(): number {
    return this.total;
  }

  /** Smallest value recorded, exact; `null` when empty. */
  get min(): number | null {
    return this.total === 0 ? null : this.minMs;
  }

  /** Largest value recorded, exact; `null` when empty. */
  get max(): number | null {
    return this.total === 0 ? null : this.maxMs;
  }

  /** Arithmetic mean of the values recorded, exact; `null` when empty. */
  get mean(): number | null {
    return this.total === 0 ? null : this.sumMs / this.total;
  }

  /** Counts one value (ms, finite, ≥ 0). Throws RangeError otherwise: a negative gap is a bug upstream. */
  record(valueMs: number): void {
    if (!(valueMs >= 0) || valueMs === Number.POSITIVE_INFINITY) {
      throw new RangeError(`histogram values must be finite and ≥ 0 ms, got ${valueMs}`);
    }
    this.counts[bucketIndex(valueMs)]! += 1;
    this.total++;
    this.sumMs += valueMs;
    if (valueMs < this.minMs) this.minMs = valueMs;
    if (valueMs > this.maxMs) this.maxMs = valueMs;
  }

  /** Adds every value of `other` to this histogram (same layout by construction). */
  merge(other: Histogram): void {
    if (other.total === 0) return;
    for (let index = 0; index < BUCKET_COUNT; index++) this.counts[index]! += other.counts[index]!;
    this.total += other.total;
    this.sumMs += other.sumMs;
    if (other.minMs < this.minMs) this.minMs = other.minMs;
    if (other.maxMs > this.maxMs) this.maxMs = other.maxMs;
  }

  /**
   * The `p`-th percentile (0 ≤ p ≤ 100) by nearest rank: the value at rank ⌈p/100 · count⌉ (at least 1),
   * reported as the middle of its bucket, clamped to [min, max]; so p = 0 gives min and p = 100 max.
   * `null` when empty. Unlike `summarize` it does not interpolate between ranks.
   */
  percentile(p: number): number | null {
    if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0..100, got ${p}`);
    if (this.total === 0) return null;
    if (p === 0) return this.minMs;
    if (p === 100) return this.maxMs;
    const rank = Math.max(1, Math.ceil((p / 100) * this.total));
    let seen = 0;
    for (let index = 0; index < BUCKET_COUNT; index++) {
      seen += this.counts[index]!;
      if (seen >= rank) {
        const middleMs = bucketMiddleMs(index);
        return Math.min(this.maxMs, Math.max(this.minMs, middleMs));
      }
    }
    return this.maxMs;
  }

  /** Compact serialisable form (non-empty buckets only). */
  toJSON(): HistogramJson {
    const buckets: number[] = [];
    for (let index = 0; index < BUCKET_COUNT; index++) {
      const bucketCount = this.counts[index]!;
      if (bucketCount > 0) buckets.push(index, bucketCount);
    }
    return {
      layout: 'log-linear-64x32-v1',
      count: this.total,
      sumMs: this.sumMs,
      minMs: this.min,
      maxMs: this.max,
      buckets,
    };
  }

  /** Rebuilds a histogram from {@link toJSON} output. Throws TypeError on anything else. */
  static fromJSON(json: unknown): Histogram {
    const fail = (why: string): never => {
      throw new TypeError(`not a serialised exo-bench histogram: ${why}`);
    };
    if (typeof json !== 'object' || json === null) return fail('expected an object');
    const data = json as Partial<Record<keyof HistogramJson, unknown>>;
    if (data.layout !== 'log-linear-64x32-v1') return fail(`unknown layout ${JSON.stringify(data.layout)}`);
    const { count, sumMs, minMs, maxMs, buckets } = data;
    if (typeof count !== 'number' || typeof sumMs !== 'number')
      return fail('count and sumMs must be numbers');
    if (!Array.isArray(buckets) || buckets.length % 2 !== 0)
      return fail('buckets must be [index, count] pairs');
    const histogram = new Histogram();
    let bucketTotal = 0;
    for (let pair = 0; pair < buckets.length; pair += 2) {
      const index: unknown = buckets[pair];
      const bucketCount: unknown = buckets[pair + 1];
      if (!Number.isInteger(index) || (index as number) < 0 || (index as number) >= BUCKET_COUNT) {
        return fail(`bad bucket index ${String(index)}`);
      }
      if (!Number.isInteger(bucketCount) || (bucketCount as number) <= 0) {
        return fail(`bad count ${String(bucketCount)}`);
      }
      histogram.counts[index as number]! += bucketCount as number;
      bucketTotal += bucketCount as number;
    }
    if (bucketTotal !== count) return fail(`bucket counts add up to ${bucketTotal}, not ${count}`);
    if (count > 0) {
      if (typeof minMs !== 'number' || typeof maxMs !== 'number')
        return fail('minMs and maxMs must be numbers');
      histogram.minMs = minMs;
      histogram.maxMs = maxMs;
    }
    histogram.total = count;
    histogram.sumMs = sumMs;
    return histogram;
  }
}

/** The bucket of a value (see the module comment); values above the range land in the last bucket. */
function bucketIndex(valueMs: number): number {
  const units = Math.floor(valueMs * UNITS_PER_MS);
  if (units < SUB_BUCKETS) return units;
  // Bit length of `units`, which can exceed 32 bits (1 h is 2.3e11 units).
  const bitLength =
    units < TWO_POW_32 ? 32 - Math.clz32(units) : 64 - Math.clz32(Math.floor(units / TWO_POW_32));
  const octave = bitLength - 1 - SUB_BUCKET_BITS;
  if (octave >= OCTAVES) return BUCKET_COUNT - 1;
  // units / 2^octave lies in [64, 128): its integer part minus 64 is the sub-bucket.
  const subBucket = Math.floor(units / 2 ** octave) - SUB_BUCKETS;
  return SUB_BUCKETS + octave * SUB_BUCKETS + subBucket;
}

/** Middle of a bucket, in ms. */
function bucketMiddleMs(index: number): number {
  if (index < SUB_BUCKETS) return (index + 0.5) / UNITS_PER_MS;
  const octave = Math.floor(index / SUB_BUCKETS) - 1;
  const subBucket = index % SUB_BUCKETS;
  const width = 2 ** octave;
  const lowerUnits = (SUB_BUCKETS + subBucket) * width;
  return (lowerUnits + width / 2) / UNITS_PER_MS;
}
