/**
 * The names of the files a run leaves in its output folder. The engine writes them, the post step and a
 * baseline read them back, and a rename here moves all three.
 */
import { join } from 'node:path';

/** The results document (versioned schema, a superset of the seed script's document). */
export const RESULTS_FILE = 'results.json';
/** One line per request, appended as each one ends, so a crash loses nothing. */
export const REQUESTS_FILE = 'requests.jsonl';
/** The Markdown summary, as written to the job summary. */
export const SUMMARY_FILE = 'summary.md';
/** The self-contained HTML report with the charts. */
export const REPORT_FILE = 'report.html';

/** Where a run's files go in its output folder. */
export interface OutputPaths {
  results: string;
  requests: string;
  summary: string;
  report: string;
}

/** The paths of a run's files in `outputDir`. */
export function outputPaths(outputDir: string): OutputPaths {
  return {
    results: join(outputDir, RESULTS_FILE),
    requests: join(outputDir, REQUESTS_FILE),
    summary: join(outputDir, SUMMARY_FILE),
    report: join(outputDir, REPORT_FILE),
  };
}
