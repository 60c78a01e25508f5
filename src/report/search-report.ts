/**
 * How a capacity search stage (src/load/search.ts) is shown: a sentence with the capacity and its
 * bracket, the probes as table rows, and the curve of the metric against the load (probes sorted by
 * load) with the bound and the capacity. Shared by the summary (Mermaid) and report.html (SVG).
 */
import type { SearchProbe, SearchResults } from '../load/search.js';

/** The unit of the load, as printed. */
export function loadUnit(search: Pick<SearchResults, 'mode'>): string {
  return search.mode === 'rate' ? 'req/s' : 'in flight';
}

/** The bound as written: `ttft_p95_ms ≤ 500`. */
export function searchBound(search: Pick<SearchResults, 'metric' | 'max' | 'min'>): string {
  return search.max !== undefined
    ? `${search.metric} ≤ ${search.max}`
    : `${search.metric} ≥ ${search.min ?? 0}`;
}

/** The bound's value (max or min). */
export function boundValue(search: Pick<SearchResults, 'max' | 'min'>): number {
  return search.max ?? search.min ?? 0;
}

/** A load as printed: up to 4 significant digits. */
export function formatLoad(load: number): string {
  return String(Number(load.toPrecision(4)));
}

/** A metric value as printed: 1 decimal under 1,000, none above; ratios with 4. */
export function formatMetric(value: number | null, metric: string): string {
  if (value === null) return '–';
  if (metric === 'success_rate') return value.toFixed(4);
  return Math.abs(value) >= 1000 ? value.toFixed(0) : value.toFixed(1);
}

const REASONS: Record<SearchResults['reason'], string> = {
  converged: 'converged',
  budget: 'probe budget spent before the bracket narrowed to the tolerance',
  below_range: 'even the least load failed',
  above_range: 'even the most load passed',
  interrupted: 'interrupted',
};

/** One sentence: the capacity, its bracket, how the search ended. */
export function searchSentence(search: SearchResults): string {
  const unit = loadUnit(search);
  const probes = `${search.probes.length} probe${search.probes.length === 1 ? '' : 's'}`;
  const bound = searchBound(search);
  if (search.capacity === null) {
    return search.reason === 'below_range'
      ? `capacity below ${formatLoad(search.capacity_high ?? search.range_min)} ${unit}: ${bound} failed even there (${probes})`
      : `no capacity found (${REASONS[search.reason]}, ${probes})`;
  }
  const bracket =
    search.capacity_high === null
      ? `at least ${formatLoad(search.capacity)} ${unit}, the top of the range`
      : `bracket ${formatLoad(search.capacity_low)}–${formatLoad(search.capacity_high)} ${unit}`;
  return `capacity ${formatLoad(search.capacity)} ${unit} within ${bound} (${bracket}; ${REASONS[search.reason]}, ${probes})`;
}

/** The probes sorted by load (the curve), those with a value only. */
export function curvePoints(search: SearchResults): SearchProbe[] {
  return search.probes
    .filter((probe) => probe.value !== null && Number.isFinite(probe.value))
    .sort((a, b) => a.load - b.load || a.index - b.index);
}

/** The header of the probes table. */
export function probeTableHeader(search: SearchResults): string[] {
  return [
    'Probe',
    'Phase',
    `Load (${loadUnit(search)})`,
    'Requests',
    'Failed',
    search.metric,
    'Samples',
    'Achieved req/s',
    'Result',
  ];
}

/** The probes table's rows, in the order the probes ran (plain text: the caller escapes). */
export function probeTableRows(search: SearchResults): string[][] {
  return search.probes.map((probe) => [
    String(probe.index),
    probe.phase,
    formatLoad(probe.load),
    String(probe.requests),
    String(probe.failures),
    formatMetric(probe.value, search.metric),
    String(probe.samples),
    probe.achieved_rps === null ? '–' : probe.achieved_rps.toFixed(2),
    probe.passed
      ? 'pass'
      : `fail (${probe.failed_on === 'failures' ? 'failures' : probe.failed_on === 'samples' ? 'too few samples' : 'over the bound'})`,
  ]);
}
