/**
 * A seeded percentile bootstrap of the difference of one statistic between two samples. Deterministic:
 * the same two samples and seed give the same interval on every machine (a 32-bit generator, no
 * Math.random), so a comparison re-run on the same files says the same thing.
 */
import { percentile } from '../metrics/stats.js';

/** mulberry32: a small, fast 32-bit generator; plenty for resampling indices. Returns [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a of a string: a stable seed per (stage, metric), independent of the order of comparisons. */
export function seedOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Confidence level of the interval. */
export const CONFIDENCE_LEVEL = 0.95;

/** Resamples for n requests: 1,000, fewer for large samples (≥ 200) so a comparison stays ~1 s per metric. */
export function resampleCount(sampleSize: number): number {
  return Math.max(200, Math.min(1000, Math.floor(2_000_000 / Math.max(1, sampleSize))));
}

/** The interval of `current − baseline` for a statistic. */
export interface BootstrapInterval {
  low: number;
  high: number;
  /** Resamples that produced a value on both sides. */
  resamples: number;
  /** Resamples where one side had no value (e.g. no successful request was drawn). */
  undefinedResamples: number;
}

function resample<T>(items: readonly T[], random: () => number, into: T[]): T[] {
  for (let index = 0; index < items.length; index += 1) {
    into[index] = items[Math.floor(random() * items.length)] as T;
  }
  return into;
}

/**
 * Percentile bootstrap: draw each sample with replacement (same sizes), compute the statistic of each,
 * keep the difference; the interval is the 2.5th and 97.5th percentiles of the differences.
 */
export function bootstrapDifference<T>(
  baseline: readonly T[],
  current: readonly T[],
  statistic: (sample: readonly T[]) => number | null,
  seed: number,
  resamples = resampleCount(Math.max(baseline.length, current.length)),
): BootstrapInterval | undefined {
  if (baseline.length === 0 || current.length === 0) return undefined;
  const random = seededRandom(seed);
  const differences = new Float64Array(resamples);
  let count = 0;
  const baselineDraw = new Array<T>(baseline.length);
  const currentDraw = new Array<T>(current.length);
  for (let round = 0; round < resamples; round += 1) {
    const before = statistic(resample(baseline, random, baselineDraw));
    const after = statistic(resample(current, random, currentDraw));
    if (before === null || after === null) continue;
    differences[count++] = after - before;
  }
  if (count === 0) return undefined;
  const sorted = differences.subarray(0, count).sort();
  const tail = ((1 - CONFIDENCE_LEVEL) / 2) * 100;
  return {
    low: percentile(sorted, tail) as number,
    high: percentile(sorted, 100 - tail) as number,
    resamples: count,
    undefinedResamples: resamples - count,
  };
}
