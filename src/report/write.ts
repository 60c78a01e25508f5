/**
 * Writing a finished result to its output folder: results.json, the github-action-benchmark files,
 * summary.md and report.html. A node run (src/run/benchmark.ts) and a merge (src/merge/) both end here,
 * so a merged result reads exactly like a node's.
 */
import { writeFileSync } from 'node:fs';
import type { RequestRecord } from '../metrics/record.js';
import type { ResultsDocument, Verdict } from '../results/document.js';
import type { OutputPaths } from '../results/files.js';
import { writeBenchmarkActionFiles } from '../verdict/index.js';
import { chartInputs } from './charts.js';
import { renderHtmlReport } from './html.js';
import { renderSummary } from './summary.js';

/** What was written, and where: what a shell publishes. */
export interface WrittenReports {
  verdict: Verdict;
  document: ResultsDocument;
  resultsPath: string;
  requestsPath: string;
  summaryPath: string;
  /** Self-contained HTML report with the charts. */
  reportPath: string;
  summaryMarkdown: string;
  /** github-action-benchmark files (customSmallerIsBetter / customBiggerIsBetter). */
  benchmarkSmallerPath: string;
  benchmarkBiggerPath: string;
}

/**
 * Writes results.json, the benchmark-action files, summary.md and report.html for `document`, whose
 * requests are `records` (the charts' data). requests.jsonl is the caller's: a node appends it as each
 * request ends.
 */
export function writeReports(
  paths: OutputPaths,
  outputDir: string,
  document: ResultsDocument,
  records: readonly RequestRecord[],
): WrittenReports {
  writeFileSync(paths.results, `${JSON.stringify(document, null, 2)}\n`);
  const benchmarkFiles = writeBenchmarkActionFiles(outputDir, document);
  const charts = chartInputs(records);
  const summaryMarkdown = renderSummary(document, charts);
  writeFileSync(paths.summary, summaryMarkdown);
  writeFileSync(paths.report, renderHtmlReport(document, charts));
  return {
    verdict: document.verdict,
    document,
    resultsPath: paths.results,
    requestsPath: paths.requests,
    summaryPath: paths.summary,
    reportPath: paths.report,
    summaryMarkdown,
    benchmarkSmallerPath: benchmarkFiles.smallerPath,
    benchmarkBiggerPath: benchmarkFiles.biggerPath,
  };
}
