/**
 * Trace replay (stage field `trace:`): a JSONL file in the shape of Mooncake's traces, one request per
 * line — `{"timestamp": 0, "input_length": 6955, "output_length": 52, "hash_ids": [46, 47, …]}` —
 * where `timestamp` is milliseconds from the trace's start, `input_length` the prompt's tokens,
 * `output_length` the tokens to generate (the request's `max_tokens`), and `hash_ids` (optional) names
 * the prompt's blocks of `trace_block_tokens` tokens (Mooncake: 512): two requests whose hash_ids start
 * alike share that many leading blocks of prompt text, so the server's prefix cache can hit.
 *
 * The parser reports every problem with the trace file's line, the field and what is wrong; lines must
 * be in timestamp order (equal timestamps are fine): an unsorted trace is an error, not silently sorted,
 * because the order of the lines is the order of the requests' indices (and of their cache effects).
 * Blank lines are skipped; anything else that is not a JSON object is an error.
 * Fields other than these four are ignored, unless one looks like a misspelling of them.
 */
import { closestMatch } from './describe.js';
import { formatGrouped } from '../util/number-format.js';

/** One request of a trace. */
export interface TraceRequest {
  /** Milliseconds from the trace's start. */
  timestamp: number;
  input_length: number;
  output_length: number;
  /** Prompt block ids, one per `trace_block_tokens` tokens, from the prompt's start; empty when absent. */
  hash_ids: number[];
  /** 1-based line of the trace file. */
  line: number;
}

/** A parsed trace. */
export interface Trace {
  /** The file as read (resolved path). */
  file: string;
  requests: TraceRequest[];
}

/** One problem of a trace file, positioned by line. */
export interface TraceProblem {
  line: number;
  /** The field at fault (`timestamp`, `hash_ids[3]`, …); empty for the line as a whole. */
  field: string;
  message: string;
}

/** Caps: a trace is data read into memory and replayed, not a dump of a cluster's year. */
export const TRACE_LIMITS = {
  /** Bytes of a trace file. */
  maxFileBytes: 64 * 1024 * 1024,
  /** Requests (non-blank lines) of a trace. */
  maxRequests: 1_000_000,
  /** A timestamp: 30 days in milliseconds (the stage duration cap). */
  maxTimestampMs: 30 * 86_400_000,
  /** Tokens of one prompt or one output (the config's own caps). */
  maxTokens: 10_000_000,
  /** Entries of one `hash_ids` list. */
  maxHashIds: 100_000,
  /** Problems listed before the rest are summarised. */
  maxProblems: 20,
} as const;

const KNOWN_FIELDS = new Set(['timestamp', 'input_length', 'output_length', 'hash_ids']);

/** Records one problem at `line`; `field` is empty for the line as a whole. */
type ReportProblem = (line: number, field: string, message: string) => void;

/** Records one problem of the current line. */
type ReportLineProblem = (field: string, message: string) => void;

/** The JSON object of one non-blank line, or undefined after reporting why the line is not one. */
function lineObject(raw: string, line: number, report: ReportProblem): Record<string, unknown> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    report(
      line,
      '',
      `expected one JSON object per line, found invalid JSON (${error instanceof Error ? error.message : String(error)})`,
    );
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    report(
      line,
      '',
      `expected a JSON object, found ${Array.isArray(parsed) ? 'an array' : JSON.stringify(parsed)}`,
    );
    return undefined;
  }
  return parsed as Record<string, unknown>;
}

/** A required number field in [min, max]; 0 when absent or not a number (the problem is reported). */
function numberField(
  record: Record<string, unknown>,
  field: string,
  limits: { min: number; max: number; integer: boolean },
  report: ReportLineProblem,
): number {
  const { min, max, integer } = limits;
  const value = record[field];
  if (value === undefined) {
    report(field, `missing required field "${field}"`);
    return 0;
  }
  if (typeof value !== 'number' || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    report(field, `expected ${integer ? 'an integer' : 'a number'}, found ${JSON.stringify(value)}`);
    return 0;
  }
  if (value < min || value > max)
    report(field, `expected ${min} ≤ ${field} ≤ ${formatGrouped(max, 0)}, found ${value}`);
  return value;
}

/** The optional `hash_ids`: an array of non-negative safe integers (the first bad entry is reported). */
function hashIdsField(rawIds: unknown, report: ReportLineProblem): number[] {
  const hashIds: number[] = [];
  if (rawIds === undefined) return hashIds;
  if (!Array.isArray(rawIds)) {
    report('hash_ids', `expected an array of integers, found ${JSON.stringify(rawIds)}`);
    return hashIds;
  }
  if (rawIds.length > TRACE_LIMITS.maxHashIds) {
    report('hash_ids', `expected at most ${TRACE_LIMITS.maxHashIds} ids, found ${rawIds.length}`);
    return hashIds;
  }
  for (let position = 0; position < rawIds.length; position += 1) {
    const id: unknown = rawIds[position];
    if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) {
      report(`hash_ids[${position}]`, `expected a non-negative integer, found ${JSON.stringify(id)}`);
      break;
    }
    hashIds.push(id);
  }
  return hashIds;
}

/**
 * Other fields (a session id, a model name) are ignored; one that looks like a misspelt known field
 * is an error, or the request would silently lose what it meant to say.
 */
function misspeltFields(record: Record<string, unknown>, report: ReportLineProblem): void {
  for (const key of Object.keys(record)) {
    if (KNOWN_FIELDS.has(key)) continue;
    const suggestion = closestMatch(key, [...KNOWN_FIELDS]);
    if (suggestion === undefined) continue;
    report(key, `unknown field; did you mean "${suggestion}"?`);
  }
}

/** The request of one line's object, or undefined when any of its fields has a problem (each reported). */
function traceRequest(
  record: Record<string, unknown>,
  line: number,
  report: ReportProblem,
): TraceRequest | undefined {
  let ok = true;
  const reportLine: ReportLineProblem = (field, message) => {
    report(line, field, message);
    ok = false;
  };
  const timestamp = numberField(
    record,
    'timestamp',
    { min: 0, max: TRACE_LIMITS.maxTimestampMs, integer: false },
    reportLine,
  );
  const tokens = { min: 1, max: TRACE_LIMITS.maxTokens, integer: true };
  const inputLength = numberField(record, 'input_length', tokens, reportLine);
  const outputLength = numberField(record, 'output_length', tokens, reportLine);
  const hashIds = hashIdsField(record.hash_ids, reportLine);
  misspeltFields(record, reportLine);
  if (!ok) return undefined;
  return { timestamp, input_length: inputLength, output_length: outputLength, hash_ids: hashIds, line };
}

/** Parses trace text; returns the requests, or every problem found (at most `maxProblems`, then a count). */
export function parseTrace(text: string): { requests: TraceRequest[]; problems: TraceProblem[] } {
  const requests: TraceRequest[] = [];
  const problems: TraceProblem[] = [];
  let dropped = 0;
  const report: ReportProblem = (line, field, message) => {
    if (problems.length < TRACE_LIMITS.maxProblems) problems.push({ line, field, message });
    else dropped += 1;
  };
  const lines = text.split('\n');
  let previous: TraceRequest | undefined;
  for (let index = 0; index < lines.length; index += 1) {
    const line = index + 1;
    const raw = (lines[index] as string).trim();
    if (raw === '') continue;
    if (requests.length >= TRACE_LIMITS.maxRequests) {
      report(
        line,
        '',
        `expected at most ${formatGrouped(TRACE_LIMITS.maxRequests, 0)} requests in a trace; cut the trace (iterations: N replays the first N lines only after parsing all of them)`,
      );
      break;
    }
    const record = lineObject(raw, line, report);
    if (record === undefined) continue;
    const request = traceRequest(record, line, report);
    if (request === undefined) continue;
    if (previous && request.timestamp < previous.timestamp)
      report(
        line,
        'timestamp',
        `expected timestamps in ascending order, found ${request.timestamp} after ${previous.timestamp} (line ${previous.line}); sort the trace by timestamp`,
      );
    requests.push(request);
    previous = request;
  }
  if (requests.length === 0 && problems.length === 0)
    report(0, '', 'the trace has no request (every line is blank)');
  if (dropped > 0)
    problems.push({ line: 0, field: '', message: `and ${dropped} more problem${dropped === 1 ? '' : 's'}` });
  return { requests, problems };
}

/**
 * The send offsets of a trace's first `count` requests, milliseconds from the stage's start: the
 * timestamps relative to the first one, divided by `speed` (2 = twice as fast).
 */
export function traceOffsetsMs(
  requests: readonly TraceRequest[],
  speed: number,
  count = requests.length,
): number[] {
  const first = requests[0]?.timestamp ?? 0;
  const offsets: number[] = [];
  for (let index = 0; index < Math.min(count, requests.length); index += 1)
    offsets.push(((requests[index] as TraceRequest).timestamp - first) / speed);
  return offsets;
}
