/**
 * Reading one node's result folder for a merge: results.json and requests.jsonl as runNode
 * (src/benchmark.ts) writes them. Unlike a baseline (src/verdict/baseline.ts), a merge reads strictly:
 * a torn or foreign line, a request recorded twice or a folder that is itself a merge is an error that
 * names the file and line, because every request must be counted exactly once.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../core/errors.js';
import type { RequestRecord } from '../metrics/record.js';
import { REQUESTS_FILE, RESULTS_FILE } from '../results/files.js';
import { RESULTS_SCHEMA_VERSION, type ResultsDocument } from '../results/document.js';

/** One node's results, read from its folder (or from its downloaded artifact). */
export interface NodeResult {
  /** Where the files came from: the folder given, or the artifact's name. */
  source: string;
  /** The folder read. */
  folder: string;
  document: ResultsDocument;
  /** Every line of its requests.jsonl, in file order. */
  records: RequestRecord[];
}

const FOLDER_HINT =
  'Give the output folder of each node run (where it wrote results.json and requests.jsonl): its --output-dir, or the extracted artifact.';

const MAJOR_VERSION = RESULTS_SCHEMA_VERSION.split('.')[0] ?? '';

/** `stage/index`: a record's place in its node's run. */
export function recordPlace(record: Pick<RequestRecord, 'stage' | 'index'>): string {
  return `${record.stage}/${record.index}`;
}

function parseRecords(path: string, text: string): RequestRecord[] {
  const records: RequestRecord[] = [];
  const seen = new Map<string, number>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i] as string;
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new InputError(
        `${path}:${i + 1}: not a JSON line (${error instanceof Error ? error.message : String(error)})`,
        'A torn line means the node was killed while writing; merge only complete node results.',
      );
    }
    const record = value as RequestRecord & { node?: unknown };
    if (
      typeof value !== 'object' ||
      value === null ||
      typeof record.stage !== 'string' ||
      !Number.isInteger(record.index) ||
      typeof record.ok !== 'boolean'
    ) {
      throw new InputError(`${path}:${i + 1}: not a request record (needs stage, index and ok)`, FOLDER_HINT);
    }
    if (record.node !== undefined) {
      throw new InputError(
        `${path}:${i + 1}: the record carries a node (${JSON.stringify(record.node)}): this is a merged requests.jsonl, not a node's`,
        'Merge the node folders themselves, not an earlier merge.',
      );
    }
    const place = recordPlace(record);
    const first = seen.get(place);
    if (first !== undefined) {
      throw new InputError(
        `${path}:${i + 1}: request ${place} is recorded twice (first on line ${first})`,
        "Each request must appear once in its node's requests.jsonl; was the file appended to by two runs?",
      );
    }
    seen.set(place, i + 1);
    records.push(record);
  }
  return records;
}

/**
 * Reads a node's folder. Throws InputError naming the file and what to fix when results.json or
 * requests.jsonl is missing or unreadable, the document is not exo-bench's (or of another major
 * version), or it is already a merge.
 */
export function readNodeFolder(folder: string, source = folder): NodeResult {
  if (!existsSync(folder) || !statSync(folder).isDirectory())
    throw new InputError(`${source}: ${folder} is not a folder`, FOLDER_HINT);
  const resultsPath = join(folder, RESULTS_FILE);
  const requestsPath = join(folder, REQUESTS_FILE);
  if (!existsSync(resultsPath))
    throw new InputError(`${source}: no ${RESULTS_FILE} in ${folder}`, FOLDER_HINT);
  if (!existsSync(requestsPath))
    throw new InputError(`${source}: no ${REQUESTS_FILE} in ${folder}`, FOLDER_HINT);
  let document: ResultsDocument;
  try {
    document = JSON.parse(readFileSync(resultsPath, 'utf8')) as ResultsDocument;
  } catch (error) {
    throw new InputError(
      `${resultsPath} is not JSON: ${error instanceof Error ? error.message : String(error)}`,
      FOLDER_HINT,
    );
  }
  if (
    typeof document !== 'object' ||
    document === null ||
    document.tool?.name !== 'exo-bench' ||
    typeof document.schema_version !== 'string'
  )
    throw new InputError(`${resultsPath} is not an exo-bench results.json`, FOLDER_HINT);
  if (document.schema_version.split('.')[0] !== MAJOR_VERSION)
    throw new InputError(
      `${resultsPath} is a results ${document.schema_version} document; this exo-bench merges ${MAJOR_VERSION}.x`,
      'Merge results written by the same major version of exo-bench.',
    );
  if (document.merge)
    throw new InputError(
      `${resultsPath} is already a merged result`,
      'Merge the node folders themselves, not an earlier merge.',
    );
  const records = parseRecords(requestsPath, readFileSync(requestsPath, 'utf8'));
  return { source, folder, document, records };
}
