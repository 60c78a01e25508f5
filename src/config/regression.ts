/**
 * Regression tolerances: how much worse than the baseline a metric may get before it counts as a
 * regression. Written in the config as `regression: { ttft_p95_ms: 10%, output_tokens_per_second: 5% }`;
 * the mapping lists exactly the metrics compared (it replaces the default set, it does not add to it).
 */
import { closestMatch } from './describe.js';
import { CAPACITY_METRIC_NAMES, COMPARABLE_METRIC_NAMES, METRICS } from '../metrics/catalog.js';

/** Compared when the config has no `regression` mapping: the figures people usually chart. */
export const DEFAULT_REGRESSION_TOLERANCES: Readonly<Record<string, string>> = {
  ttft_p50_ms: '10%',
  ttft_p95_ms: '15%',
  tpot_p50_ms: '10%',
  e2e_p50_ms: '10%',
  e2e_p95_ms: '15%',
  output_tokens_per_second: '10%',
  success_rate: '1%',
  // Compared on search stages only (src/verdict/compare.ts): the capacity found, on its bracket.
  capacity_rps: '10%',
  capacity_concurrency: '10%',
};

/** What a tolerance may look like: a percentage, `0%` to `1000%`. */
export const TOLERANCE_PATTERN = '^\\s*(\\d+(\\.\\d+)?)\\s*%\\s*$';

/** A tolerance as a ratio (`10%` → 0.1); undefined when not a valid percentage. */
export function parseTolerance(text: string): number | undefined {
  const match = new RegExp(TOLERANCE_PATTERN).exec(text);
  if (!match) return undefined;
  const ratio = Number(match[1]) / 100;
  return ratio <= 10 ? ratio : undefined;
}

/** Checks a metric name of the `regression` mapping; returns the problem, if any. */
export function regressionMetricProblem(name: string): string | undefined {
  if (COMPARABLE_METRIC_NAMES.includes(name) || CAPACITY_METRIC_NAMES.includes(name)) return undefined;
  if (METRICS.has(name)) {
    return `"${name}" cannot be compared with a baseline (${METRICS.get(name)?.stageOnly ? 'it is not recorded per request' : 'the config fixes it'}); use a threshold`;
  }
  const suggestion = closestMatch(name, [...COMPARABLE_METRIC_NAMES, ...CAPACITY_METRIC_NAMES]);
  return suggestion
    ? `unknown metric "${name}"; did you mean "${suggestion}"?`
    : `unknown metric "${name}"; configs/README.md lists the metrics a baseline comparison can use`;
}

/** The tolerances in force, metric → ratio, in the config's order (or the default set). */
export function regressionTolerances(
  regression: Readonly<Record<string, string>> | undefined,
): Map<string, number> {
  const tolerances = new Map<string, number>();
  for (const [name, text] of Object.entries(regression ?? DEFAULT_REGRESSION_TOLERANCES)) {
    const ratio = parseTolerance(text);
    if (ratio !== undefined && regressionMetricProblem(name) === undefined) tolerances.set(name, ratio);
  }
  return tolerances;
}
