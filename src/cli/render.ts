/**
 * What the CLI prints at the end: a plain-text table per run (our figures; the seed's block with the
 * whole document follows it, src/results/seed-document.ts).
 */
import type { LoadStatistics } from '../metrics/aggregate.js';
import { stageStatistics, type ResultsDocument } from '../results/document.js';
import { formatNumber } from '../report/summary.js';

function pad(cells: string[][]): string {
  const widths: number[] = [];
  for (const row of cells) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return cells
    .map((row) =>
      row
        .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
        .join('  '),
    )
    .join('\n');
}

function row(name: string, s: LoadStatistics): string[] {
  return [
    name,
    String(s.total_requests),
    String(s.successful_requests),
    String(s.failed_requests),
    s.total_requests ? `${(s.success_rate * 100).toFixed(1)}%` : '–',
    String(s.total_tokens),
    formatNumber(s.avg_tokens_per_request),
    formatNumber(s.avg_time_per_request, 2),
    formatNumber(s.ttft_ms.p50),
    formatNumber(s.ttft_ms.p95),
    formatNumber(s.e2e_ms.p95),
    formatNumber(s.output_tokens_per_second),
  ];
}

/** The end-of-run table for a terminal. */
export function renderResultsTable(document: ResultsDocument): string {
  const header = [
    'stage',
    'requests',
    'ok',
    'failed',
    'success',
    'tokens',
    'avg tok/req',
    'avg time/req s',
    'ttft p50 ms',
    'ttft p95 ms',
    'e2e p95 ms',
    'out tok/s',
  ];
  const covered = document.results.run_stages ?? document.results.stages.map((stage) => stage.name);
  const rows = [
    header,
    ...document.results.stages.map((stage) =>
      row(`${stage.name}${covered.includes(stage.name) ? '' : ' (warm-up)'}`, stageStatistics(stage)),
    ),
  ];
  if (document.results.run && document.results.stages.length > 1)
    rows.push(
      row(
        covered.length === document.results.stages.length ? 'all stages' : 'run (no warm-up)',
        document.results.run,
      ),
    );
  const provenance = document.provenance;
  const banner = provenance?.simulated
    ? `SIMULATED RUN: the server was exo-bench's simulator (profile ${provenance.simulator_profile ?? 'default'}), not EXO on real hardware.\n`
    : '';
  return `${banner}${pad(rows)}`;
}
