/**
 * Goodness-of-fit helpers for tests of arrival processes: the one-sample Kolmogorov–Smirnov statistic and
 * its p-value (the Kolmogorov distribution with Stephens' small-sample correction, as in Numerical
 * Recipes' `ksone`/`probks`), and the coefficient of variation.
 */

/** D = sup |F_n(x) − F(x)| of `samples` against the continuous CDF `cdf`. */
export function ksStatistic(samples: readonly number[], cdf: (x: number) => number): number {
  const sorted = Float64Array.from(samples).sort();
  const n = sorted.length;
  let d = 0;
  for (let i = 0; i < n; i += 1) {
    const f = cdf(sorted[i] as number);
    d = Math.max(d, f - i / n, (i + 1) / n - f);
  }
  return d;
}

/** Q_KS(λ) = 2 Σ_{k≥1} (−1)^{k−1} e^{−2k²λ²}: the probability that D·√n (corrected) exceeds λ. */
export function kolmogorovQ(lambda: number): number {
  if (lambda < 1e-3) return 1;
  let sum = 0;
  let sign = 1;
  for (let k = 1; k <= 100; k += 1) {
    const term = sign * Math.exp(-2 * k * k * lambda * lambda);
    sum += term;
    if (Math.abs(term) < 1e-12) break;
    sign = -sign;
  }
  return Math.min(1, Math.max(0, 2 * sum));
}

/** The p-value of a one-sample KS test of `samples` against `cdf`. */
export function ksPValue(samples: readonly number[], cdf: (x: number) => number): number {
  const n = samples.length;
  const sqrtN = Math.sqrt(n);
  return kolmogorovQ((sqrtN + 0.12 + 0.11 / sqrtN) * ksStatistic(samples, cdf));
}

/** The CDF of the exponential distribution of rate `ratePerUnit`. */
export const exponentialCdf =
  (ratePerUnit: number) =>
  (x: number): number =>
    x <= 0 ? 0 : 1 - Math.exp(-ratePerUnit * x);

/** Sample mean and coefficient of variation (sample standard deviation ÷ mean). */
export function meanAndCv(values: readonly number[]): { mean: number; cv: number } {
  const n = values.length;
  const mean = values.reduce((sum, value) => sum + value, 0) / n;
  const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (n - 1);
  return { mean, cv: Math.sqrt(variance) / mean };
}

/** Consecutive differences: gaps between sorted times. */
export function gapsOf(times: readonly number[]): number[] {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted.slice(1).map((time, index) => time - (sorted[index] as number));
}
