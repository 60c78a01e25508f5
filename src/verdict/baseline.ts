/**
 * Where a baseline comes from: a `results.json` path (with `requests.jsonl` beside it), a workflow
 * run's artifact (`run:<id>`) or the latest successful run on the default branch (`latest`). Reading
 * files is plain Node and lives here; fetching artifacts needs @actions/* and lives behind the
 * `BaselineFetcher` port (src/action/baseline.ts), so the engine never imports the runner's toolkit.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { InputError } from '../core/errors.js';
import type { RequestRecord } from '../metrics/record.js';
import { REQUESTS_FILE, RESULTS_FILE } from '../results/files.js';
import type { ResultsDocument } from '../results/document.js';
import type { BaselineInput, LoadedBaseline } from './compare.js';

/** What the user asked for. */
export type BaselineSpec =
  { kind: 'file'; path: string } | { kind: 'run'; runId: number } | { kind: 'latest' };

/** Parses the `baseline` input / `--baseline` flag. */
export function parseBaselineSpec(text: string): BaselineSpec {
  const value = text.trim();
  if (value === 'latest') return { kind: 'latest' };
  const run = /^run:\s*(\d+)$/.exec(value);
  if (run) return { kind: 'run', runId: Number(run[1]) };
  if (value.startsWith('run:')) {
    throw new InputError(
      `baseline "${value}" is not a workflow run: expected run:<id>, e.g. run:1234567890`,
      "Take the id from the run's URL: …/actions/runs/<id>.",
    );
  }
  return { kind: 'file', path: value };
}

/** Fetches a run's artifact into a folder; implemented with @actions/artifact in src/action/baseline.ts. */
export interface BaselineFetcher {
  /** Downloads the baseline's artifact and returns the folder holding its results.json, plus a link. */
  fetch(
    spec: Exclude<BaselineSpec, { kind: 'file' }>,
  ): Promise<{ directory: string; source: string; url?: string }>;
}

/** Parses requests.jsonl; lines that are not records (a torn last line after a crash) are skipped. */
export function parseRequestsJsonl(text: string): RequestRecord[] {
  const records: RequestRecord[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const value = JSON.parse(line) as RequestRecord;
      if (typeof value === 'object' && value !== null && typeof value.stage === 'string') records.push(value);
    } catch {
      // A line cut short by a crash: the records before it still count.
    }
  }
  return records;
}

/**
 * Reads a baseline from a results.json path (or a folder holding one) and the requests.jsonl beside it.
 * Throws InputError with a hint when the file is missing or is not an exo-bench results document.
 */
export function readBaselineFiles(path: string, source = path): LoadedBaseline {
  const resultsPath = existsSync(path) && statSync(path).isDirectory() ? join(path, RESULTS_FILE) : path;
  if (!existsSync(resultsPath)) {
    throw new InputError(
      `baseline ${resultsPath} does not exist`,
      'Give the results.json of an earlier run.',
    );
  }
  let document: ResultsDocument;
  try {
    document = JSON.parse(readFileSync(resultsPath, 'utf8')) as ResultsDocument;
  } catch (error) {
    throw new InputError(
      `baseline ${resultsPath} is not JSON: ${error instanceof Error ? error.message : String(error)}`,
      'Give the results.json of an earlier run.',
    );
  }
  if (
    typeof document !== 'object' ||
    document === null ||
    document.tool?.name !== 'exo-bench' ||
    typeof document.schema_version !== 'string'
  ) {
    throw new InputError(
      `baseline ${resultsPath} is not an exo-bench results.json`,
      'Give the results.json of an earlier run.',
    );
  }
  const requestsPath = join(dirname(resultsPath), REQUESTS_FILE);
  const records = existsSync(requestsPath) ? parseRequestsJsonl(readFileSync(requestsPath, 'utf8')) : null;
  return { source, document, records };
}

/**
 * Resolves the user's baseline to what the engine takes. Never throws: a baseline that cannot be had
 * (no earlier successful run, a missing file, a token without `actions: read`) becomes `unavailable`
 * with the reason, which the summary prints; the run itself goes on.
 */
export async function resolveBaseline(
  text: string,
  fetcher: BaselineFetcher | undefined,
): Promise<BaselineInput> {
  try {
    const spec = parseBaselineSpec(text);
    if (spec.kind === 'file') return { status: 'loaded', baseline: readBaselineFiles(spec.path) };
    if (!fetcher) {
      return {
        status: 'unavailable',
        source: text,
        reason: `"${text}" needs the GitHub Action (with github-token); on the command line give a results.json path`,
      };
    }
    const fetched = await fetcher.fetch(spec);
    const baseline = readBaselineFiles(fetched.directory, fetched.source);
    if (fetched.url) baseline.url = fetched.url;
    return { status: 'loaded', baseline };
  } catch (error) {
    return {
      status: 'unavailable',
      source: text,
      reason: error instanceof Error ? error.message : String(error),
    };
  }
}
