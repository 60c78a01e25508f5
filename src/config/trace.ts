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

/** Parses trace text; returns the requests, or every problem found (at most `maxProblems`, then a count). */
export function parseTrace(text: string): { requests: TraceRequest[]; problems: TraceProblem[] } {
  const requests: TraceRequest[] = [];
  const problems: TraceProblem[] = [];
  let dropped = 0;
  const problem = (line: number, field: string, message: string): void => {
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
      problem(
        line,
        '',
        `expected at most ${TRACE_LIMITS.maxRequests.toLocaleString('en-US')} requests in a trace; cut the trace (iterations: N replays the first N lines only after parsing all of them)`,
      );
      break;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch (error) {
      problem(
        line,
        '',
        `expected one JSON object per line, found invalid JSON (${error instanceof Error ? error.message : String(error)})`,
      );
      continue;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      problem(
        line,
        '',
        `expected a JSON object, found ${Array.isArray(parsed) ? 'an array' : JSON.stringify(parsed)}`,
      );
      continue;
    }
    const record = parsed as Record<string, unknown>;
    let ok = true;
    const number = (field: string, min: number, max: number, integer: boolean): number => {
      const value = record[field];
      if (value === undefined) {
        problem(line, field, `missing required field "${field}"`);
        ok = false;
        return 0;
      }
      if (typeof value !== 'number' || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
        problem(
          line,
          field,
          `expected ${integer ? 'an integer' : 'a number'}, found ${JSON.stringify(value)}`,
        );
        ok = false;
        return 0;
      }
      if (value < min || value > max) {
        problem(line, field, `expected ${min} ≤ ${field} ≤ ${max.toLocaleString('en-US')}, found ${value}`);
        ok = false;
      }
      return value;
    };
    const timestamp = number('timestamp', 0, TRACE_LIMITS.maxTimestampMs, false);
    const inputLength = number('input_length', 1, TRACE_LIMITS.maxTokens, true);
    const outputLength = number('output_length', 1, TRACE_LIMITS.maxTokens, true);
    const hashIds: number[] = [];
    const rawIds = record.hash_ids;
    if (rawIds !== undefined) {
      if (!Array.isArray(rawIds)) {
        problem(line, 'hash_ids', `expected an array of integers, found ${JSON.stringify(rawIds)}`);
        ok = false;
      } else if (rawIds.length > TRACE_LIMITS.maxHashIds) {
        problem(line, 'hash_ids', `expected at most ${TRACE_LIMITS.maxHashIds} ids, found ${rawIds.length}`);
        ok = false;
      } else {
        for (let k = 0; k < rawIds.length; k += 1) {
          const id: unknown = rawIds[k];
          if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) {
            problem(line, `hash_ids[${k}]`, `expected a non-negative integer, found ${JSON.stringify(id)}`);
            ok = false;
            break;
          }
          hashIds.push(id);
        }
      }
    }
    // Other fields (a session id, a model name) are ignored; one that looks like a misspelt known field
    // is an error, or the request would silently lose what it meant to say.
    for (const key of Object.keys(record)) {
      if (KNOWN_FIELDS.has(key)) continue;
      const suggestion = closestMatch(key, [...KNOWN_FIELDS]);
      if (suggestion === undefined) continue;
      problem(line, key, `unknown field; did you mean "${suggestion}"?`);
      ok = false;
    }
    if (!ok) continue;
    if (previous && timestamp < previous.timestamp) {
      problem(
        line,
        'timestamp',
        `expected timestamps in ascending order, found ${timestamp} after ${previous.timestamp} (line ${previous.line}); sort the trace by timestamp`,
      );
    }
    const request: TraceRequest = {
      timestamp,
      input_length: inputLength,
      output_length: outputLength,
      hash_ids: hashIds,
      line,
    };
    requests.push(request);
    previous = request;
  }
  if (requests.length === 0 && problems.length === 0)
    problem(0, '', 'the trace has no request (every line is blank)');
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
