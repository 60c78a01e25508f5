/**
 * Files for github-action-benchmark (`tool: customSmallerIsBetter` / `customBiggerIsBetter`): a JSON
 * array of `{ name, unit, value, extra? }` each, so teams can chart a metric's history with that action.
 * Names are stable across runs (`<stage> · <metric>`; `all stages · <metric>` for the run), since that
 * action matches points by name.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HistogramSummary } from '../metrics/aggregate.js';
import { runSearches, stageStatistics, type ResultsDocument } from '../results/document.js';
import { METRICS } from '../metrics/catalog.js';

/** One point for github-action-benchmark. */
export interface BenchmarkActionEntry {
  name: string;
  unit: string;
  value: number;
  extra?: string;
}

/** The metrics charted, by direction. ITL is per stage only. */
export const CHARTED_METRICS = {
  smaller: [
    'ttft_p50_ms',
    'ttft_p95_ms',
    'ttft_p99_ms',
    'tpot_p50_ms',
    'tpot_p95_ms',
    'itl_p50_ms',
    'itl_p99_ms',
    'e2e_p50_ms',
    'e2e_p95_ms',
    'e2e_p99_ms',
    'failed_requests',
  ],
  bigger: [
    'success_rate',
    'output_tokens_per_second',
    'requests_per_second',
    'capacity_rps',
    'capacity_concurrency',
  ],
} as const;

/** File names in the output folder. */
export const BENCHMARK_SMALLER_FILE = 'benchmark-smaller-is-better.json';
export const BENCHMARK_BIGGER_FILE = 'benchmark-bigger-is-better.json';

/** The entries of one direction. Metrics without a value (no samples) are left out, not charted as 0. */
export function benchmarkActionEntries(
  document: ResultsDocument,
  direction: keyof typeof CHARTED_METRICS,
): BenchmarkActionEntry[] {
  const entries: BenchmarkActionEntry[] = [];
  const scopes = [
    ...document.results.stages.map((stage) => ({
      label: stage.name,
      stats: stageStatistics(stage),
      itl: stage.itl_ms as HistogramSummary | undefined,
      // A search stage's own statistics mix deliberately overloaded probes: only its capacity is charted.
      searches: stage.search ? [stage.search] : undefined,
    })),
    ...(document.results.run
      ? [
          {
            label: 'all stages',
            stats: document.results.run,
            itl: undefined,
            searches: runSearches(document),
          },
        ]
      : []),
  ];
  const label = document.metadata.hardware_label;
  for (const scope of scopes) {
    for (const name of CHARTED_METRICS[direction]) {
      const metric = METRICS.get(name);
      if (!metric || (metric.stageOnly && scope.itl === undefined)) continue;
      if (scope.searches && scope.label !== 'all stages' && !metric.capacity) continue;
      const observation = metric.observe(scope.stats, scope.itl, scope.searches);
      if (observation.value === null || !Number.isFinite(observation.value)) continue;
      entries.push({
        name: `${scope.label} · ${name}`,
        unit: metric.unit,
        value: Number(observation.value.toFixed(4)),
        extra: `samples: ${observation.samples}${label ? `\nhardware: ${label}` : ''}\nverdict: ${document.verdict}`,
      });
    }
  }
  return entries;
}

/** Writes both files into `outputDir`; returns their paths. */
export function writeBenchmarkActionFiles(
  outputDir: string,
  document: ResultsDocument,
): { smallerPath: string; biggerPath: string } {
  const smallerPath = join(outputDir, BENCHMARK_SMALLER_FILE);
  const biggerPath = join(outputDir, BENCHMARK_BIGGER_FILE);
  writeFileSync(smallerPath, `${JSON.stringify(benchmarkActionEntries(document, 'smaller'), null, 2)}\n`);
  writeFileSync(biggerPath, `${JSON.stringify(benchmarkActionEntries(document, 'bigger'), null, 2)}\n`);
  return { smallerPath, biggerPath };
}
