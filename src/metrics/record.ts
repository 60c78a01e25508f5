/**
 * What is kept of one request once it ends: compact (numbers and short strings, no per-token arrays),
 * because a long run keeps every record in memory for the statistics and writes each to requests.jsonl.
 * Times are epoch milliseconds with sub-millisecond precision (src/util/clock.ts).
 */

/** Why a request failed. One class per thing a user would fix differently. */
export type ErrorClass =
  /** Non-2xx answer before the stream (status and body excerpt in `error_message`). */
  | 'http_status'
  /** `data: {"error": …}` inside a 200 stream. */
  | 'error_chunk'
  /** The stream ended without `data: [DONE]` (EXO: instance deleted mid-stream). */
  | 'eof_without_done'
  /** The stream ended properly but carried no token. */
  | 'zero_tokens'
  /** The request deadline passed (headers or whole request). */
  | 'request_timeout'
  /** No byte for `stream_idle_timeout_seconds`. */
  | 'idle_timeout'
  /** Refused, reset or otherwise broken connection. */
  | 'connection'
  /** Stopped by SIGINT/SIGTERM or the run's deadline. */
  | 'cancelled'
  /** A 200 answer that is not a usable chat stream (wrong content type, unparsable). */
  | 'protocol';

/** Where `output_tokens` came from. */
export type TokenCountSource = 'usage' | 'generation_stats' | 'chunks';

/** One request's record: a line of requests.jsonl, and the input of every statistic. */
export interface RequestRecord {
  stage: string;
  /** Position in its stage, from 0. */
  index: number;
  /** True for the stage's first `warmup_requests` requests (excluded from statistics). */
  warmup: boolean;
  /**
   * A capacity search stage's probe that sent the request (its `search.probes[].index` in results.json);
   * absent in other stages. `index` runs on across the probes of the stage.
   */
  probe?: number;
  /** Server-side ID (the chat completion's `id`, EXO's command ID), when seen. */
  response_id?: string;
  /** When the schedule said to send. */
  scheduled_at_ms: number;
  /** When the request was handed to the HTTP client (dispatch lag = this − scheduled). */
  dispatched_at_ms: number;
  /**
   * When the request was written on a connected socket (TTFT and E2E start here); equals
   * `dispatched_at_ms` when no connection was made. The gap between the two is connection setup.
   */
  sent_at_ms: number;
  headers_at_ms?: number;
  /** First chunk with non-empty `content` or `reasoning_content`. */
  first_token_at_ms?: number;
  /** First chunk with non-empty `content` (differs from the first token for reasoning models). */
  first_content_at_ms?: number;
  last_token_at_ms?: number;
  ended_at_ms: number;
  http_status?: number;
  ok: boolean;
  error_class?: ErrorClass;
  error_message?: string;
  /** Output tokens, from `usage.completion_tokens`, else `generation_stats`, else the chunk count. */
  output_tokens: number;
  output_tokens_source: TokenCountSource;
  /** Chunks that carried a token (content or reasoning); several tokens may share one chunk. */
  token_chunks: number;
  reasoning_chunks: number;
  prompt_tokens?: number;
  cached_tokens?: number;
  /** `usage.completion_tokens_details.reasoning_tokens` (part of `output_tokens`), when reported. */
  reasoning_tokens?: number;
  /** Prompt tokens this request aimed at (the stage's prompt_length, or its trace line's input_length). */
  target_prompt_tokens?: number;
  /** `max_tokens` this request sent (the stage's generation_length, or its trace line's output_length). */
  max_tokens?: number;
  /** EXO's `prefix_cache_hit` (`none|partial|exact`). */
  prefix_cache_hit?: string;
  finish_reason?: string;
  /** Largest gap between two consecutive token chunks, ms. */
  max_token_gap_ms?: number;
  /** EXO's server-side figures (`generation_stats`), when sent. */
  server_prompt_tps?: number;
  server_generation_tps?: number;
  keep_alives: number;
  /**
   * Lines of the stream that could not be used (data that is not a JSON object, a chunk or EXO comment
   * that does not parse, a field SSE does not have); present only when there were some.
   */
  invalid_events?: number;
}
