/**
 * One request's life: dispatch through a low-level handler API (undici's, which the load path's lean
 * HTTP/1.1 client in ../stream/http1.ts implements too: no stream objects, no async iteration per
 * chunk — see ../shared/PERFORMANCE.md), feed the body bytes to the SSE reader, timestamp each read
 * once, and classify how it ended. The hot path is `onResponseData`.
 */
import type { ErrorClass, RequestRecord, TokenCountSource } from '../metrics/record.js';
import {
  ChatStreamReader,
  SseDecoder,
  type ChatStreamObserver,
  type ResponseHeaders,
  type StreamDispatchController,
  type StreamDispatcher,
  type StreamDispatchHandler,
} from '../stream/index.js';
import { preciseNowMs } from '../util/clock.js';

/** What to send. The body is serialised once by the caller. */
export interface RequestSpec {
  origin: string;
  path: string;
  body: string;
  headers: Record<string, string>;
  /** What the request asks for, copied into its record: prompt tokens aimed at, and `max_tokens`. */
  targets?: { promptTokens: number; maxTokens: number };
}

/** Identity and schedule of a request within its stage. */
export interface RequestMeta {
  stage: string;
  index: number;
  warmup: boolean;
  scheduledAtMs: number;
}

/** Limits and hooks shared by the requests of a run. */
export interface RequestOptions {
  /** What sends it: the lean HTTP/1.1 client of the load path, or undici's `Agent`. */
  dispatcher: StreamDispatcher;
  /** Deadline from send to end, milliseconds. */
  requestTimeoutMs: number;
  /** Longest silence (no byte, keep-alives included) allowed on a stream, milliseconds. */
  idleTimeoutMs: number;
  /** Called with the gap between consecutive token chunks, ms (for the stage's histogram). */
  onTokenGap?: (gapMs: number) => void;
  /** Called when the first token arrives (live progress, in-flight accounting). */
  onFirstToken?: () => void;
}

/** A request in flight: its outcome, and a way to stop it. */
export interface InFlightRequest {
  readonly done: Promise<RequestRecord>;
  /** Stops the request; it ends with `error_class` `cancelled`. */
  cancel(reason: string): void;
}

/** How much of a non-2xx body is kept for the error message. */
const ERROR_BODY_LIMIT_BYTES = 2048;

class RequestTimeoutError extends Error {
  constructor(timeoutMs: number, headersArrived: boolean) {
    super(
      headersArrived
        ? `no complete response within ${timeoutMs} ms (request_timeout_seconds)`
        : `no response headers within ${timeoutMs} ms (request_timeout_seconds)`,
    );
    this.name = 'RequestTimeoutError';
  }
}

class CancelledRequestError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'CancelledRequestError';
  }
}

/** Chooses the most trustworthy output token count: server usage, then EXO stats, then chunks. */
export function outputTokenCount(reader: ChatStreamReader): { tokens: number; source: TokenCountSource } {
  const usageTokens = reader.usage?.completion_tokens;
  if (typeof usageTokens === 'number') return { tokens: usageTokens, source: 'usage' };
  const statsTokens = reader.generationStats?.generation_tokens;
  if (typeof statsTokens === 'number') return { tokens: statsTokens, source: 'generation_stats' };
  return { tokens: reader.contentChunks + reader.reasoningChunks, source: 'chunks' };
}

/**
 * Handles one response. Implements both the dispatch handler and the stream reader's observer, so a
 * token chunk costs one timestamp and no allocation beyond the reader's own.
 */
class StreamingRequest implements StreamDispatchHandler, ChatStreamObserver, InFlightRequest {
  readonly done: Promise<RequestRecord>;
  private resolve!: (record: RequestRecord) => void;
  private controller: StreamDispatchController | undefined;
  private pendingAbort: Error | undefined;
  private readonly reader = new ChatStreamReader(this);
  private readonly decoder = new SseDecoder(this.reader);
  private readonly dispatchedAtMs: number;
  private sentAtMs: number | undefined;
  private headersAtMs: number | undefined;
  private readAtMs = 0;
  private firstTokenAtMs: number | undefined;
  private firstContentAtMs: number | undefined;
  private lastTokenAtMs: number | undefined;
  private maxGapMs = 0;
  private statusCode: number | undefined;
  private errorBody: Buffer[] | undefined;
  private errorBodyBytes = 0;
  private finished = false;
  private readonly deadline: NodeJS.Timeout;

  constructor(
    private readonly spec: RequestSpec,
    private readonly meta: RequestMeta,
    private readonly options: RequestOptions,
  ) {
    this.done = new Promise((resolve) => (this.resolve = resolve));
    this.deadline = setTimeout(
      () => this.abort(new RequestTimeoutError(options.requestTimeoutMs, this.headersAtMs !== undefined)),
      options.requestTimeoutMs,
    );
    this.dispatchedAtMs = preciseNowMs();
    try {
      this.dispatch();
    } catch (error) {
      this.finish('connection', error instanceof Error ? error.message : String(error));
    }
  }

  private dispatch(): void {
    const { spec, options } = this;
    options.dispatcher.dispatch(
      {
        origin: spec.origin,
        path: spec.path,
        method: 'POST',
        headers: spec.headers,
        body: spec.body,
        headersTimeout: options.requestTimeoutMs,
        bodyTimeout: options.idleTimeoutMs,
      },
      this,
    );
  }

  cancel(reason: string): void {
    this.abort(new CancelledRequestError(reason));
  }

  private abort(error: Error): void {
    if (this.finished) return;
    if (this.controller) this.controller.abort(error);
    else this.pendingAbort = error;
  }

  // --- dispatch handler -----------------------------------------------------------------------

  onRequestStart(controller: StreamDispatchController): void {
    // Called on a connected socket, right before the request is written: the moment the server
    // can start its clock. Connection setup before it is the client's share, kept apart.
    this.sentAtMs = preciseNowMs();
    this.controller = controller;
    if (this.pendingAbort) controller.abort(this.pendingAbort);
  }

  onResponseStart(_controller: StreamDispatchController, statusCode: number, headers: ResponseHeaders): void {
    this.headersAtMs = preciseNowMs();
    this.statusCode = statusCode;
    if (statusCode < 200 || statusCode >= 300) {
      this.errorBody = [];
      return;
    }
    const contentType = String(headers['content-type'] ?? '');
    if (!contentType.includes('text/event-stream')) {
      // A 200 that is not a stream (e.g. a server that ignores `stream: true`): keep the body for the message.
      this.errorBody = [];
    }
  }

  onResponseData(_controller: StreamDispatchController, chunk: Buffer): void {
    if (this.errorBody) {
      if (this.errorBodyBytes < ERROR_BODY_LIMIT_BYTES) {
        // A copy: the chunk may be a view of a read buffer that the next read overwrites.
        const kept = Buffer.from(chunk.subarray(0, ERROR_BODY_LIMIT_BYTES - this.errorBodyBytes));
        this.errorBody.push(kept);
        this.errorBodyBytes += kept.length;
      }
      return;
    }
    // One timestamp per read: every token decoded from this chunk arrived at this moment.
    this.readAtMs = preciseNowMs();
    this.decoder.push(chunk);
  }

  onResponseEnd(): void {
    if (this.errorBody) {
      this.finish(
        this.statusCode !== undefined && this.statusCode >= 200 && this.statusCode < 300
          ? 'protocol'
          : 'http_status',
        this.errorBodyText(),
      );
      return;
    }
    this.decoder.end();
    const reader = this.reader;
    if (reader.streamError) {
      this.finish('error_chunk', reader.streamError.message);
    } else if (!reader.sawDone) {
      this.finish('eof_without_done', 'the stream ended without data: [DONE]');
    } else if (this.firstTokenAtMs === undefined) {
      this.finish(
        'zero_tokens',
        `the stream carried no token (finish_reason ${reader.finishReason ?? 'none'})`,
      );
    } else {
      this.finish(undefined, undefined);
    }
  }

  onResponseError(_controller: StreamDispatchController, error: Error): void {
    if (error instanceof CancelledRequestError) this.finish('cancelled', error.message);
    else if (error instanceof RequestTimeoutError) this.finish('request_timeout', error.message);
    else {
      const code = (error as { code?: string }).code;
      if (code === 'UND_ERR_HEADERS_TIMEOUT')
        this.finish(
          'request_timeout',
          `no response headers within ${this.options.requestTimeoutMs} ms (request_timeout_seconds)`,
        );
      else if (code === 'UND_ERR_BODY_TIMEOUT')
        this.finish(
          'idle_timeout',
          `no byte for ${this.options.idleTimeoutMs} ms (stream_idle_timeout_seconds)`,
        );
      else if (
        this.statusCode !== undefined &&
        this.statusCode >= 200 &&
        this.statusCode < 300 &&
        !this.errorBody
      )
        // The connection broke after a 200: for the user this is a stream cut short.
        this.finish(
          this.reader.streamError ? 'error_chunk' : 'eof_without_done',
          `stream broken: ${error.message}`,
        );
      else this.finish('connection', `${code ? `${code}: ` : ''}${error.message}`);
    }
  }

  // --- stream observer ------------------------------------------------------------------------

  onToken(kind: 'content' | 'reasoning'): void {
    const atMs = this.readAtMs;
    if (this.firstTokenAtMs === undefined) {
      this.firstTokenAtMs = atMs;
      this.options.onFirstToken?.();
    } else if (this.lastTokenAtMs !== undefined) {
      const gapMs = atMs - this.lastTokenAtMs;
      if (gapMs > this.maxGapMs) this.maxGapMs = gapMs;
      this.options.onTokenGap?.(gapMs);
    }
    if (kind === 'content' && this.firstContentAtMs === undefined) this.firstContentAtMs = atMs;
    this.lastTokenAtMs = atMs;
  }

  onDone(): void {
    // [DONE] is checked at the end through reader.sawDone; nothing to time here.
  }

  // --- ending ---------------------------------------------------------------------------------

  private errorBodyText(): string {
    const text = Buffer.concat(this.errorBody ?? []).toString('utf8');
    const excerpt = text.length > 300 ? `${text.slice(0, 300)}…` : text;
    const status = this.statusCode ?? 0;
    if (status >= 200 && status < 300)
      return `HTTP ${status} but not an event stream: ${excerpt.replace(/\s+/g, ' ')}`;
    return `HTTP ${status}: ${excerpt.replace(/\s+/g, ' ')}`;
  }

  private finish(errorClass: ErrorClass | undefined, message: string | undefined): void {
    if (this.finished) return;
    this.finished = true;
    clearTimeout(this.deadline);
    const endedAtMs = preciseNowMs();
    const reader = this.reader;
    const count = outputTokenCount(reader);
    const record: RequestRecord = {
      stage: this.meta.stage,
      index: this.meta.index,
      warmup: this.meta.warmup,
      scheduled_at_ms: this.meta.scheduledAtMs,
      dispatched_at_ms: this.dispatchedAtMs,
      sent_at_ms: this.sentAtMs ?? this.dispatchedAtMs,
      ended_at_ms: endedAtMs,
      ok: errorClass === undefined,
      output_tokens: count.tokens,
      output_tokens_source: count.source,
      token_chunks: reader.contentChunks + reader.reasoningChunks,
      reasoning_chunks: reader.reasoningChunks,
      keep_alives: reader.keepAlives,
    };
    if (this.spec.targets) {
      record.target_prompt_tokens = this.spec.targets.promptTokens;
      record.max_tokens = this.spec.targets.maxTokens;
    }
    if (reader.responseId !== undefined) record.response_id = reader.responseId;
    if (reader.invalidEvents > 0) record.invalid_events = reader.invalidEvents;
    if (this.headersAtMs !== undefined) record.headers_at_ms = this.headersAtMs;
    if (this.firstTokenAtMs !== undefined) record.first_token_at_ms = this.firstTokenAtMs;
    if (this.firstContentAtMs !== undefined) record.first_content_at_ms = this.firstContentAtMs;
    if (this.lastTokenAtMs !== undefined) record.last_token_at_ms = this.lastTokenAtMs;
    if (this.statusCode !== undefined) record.http_status = this.statusCode;
    if (errorClass !== undefined) record.error_class = errorClass;
    if (message !== undefined) record.error_message = message;
    const usage = reader.usage;
    const stats = reader.generationStats;
    const promptTokens =
      usage?.prompt_tokens ?? (typeof stats?.prompt_tokens === 'number' ? stats.prompt_tokens : undefined);
    if (promptTokens !== undefined) record.prompt_tokens = promptTokens;
    if (usage?.cached_tokens !== undefined) record.cached_tokens = usage.cached_tokens;
    if (usage?.reasoning_tokens !== undefined) record.reasoning_tokens = usage.reasoning_tokens;
    if (typeof stats?.prefix_cache_hit === 'string') record.prefix_cache_hit = stats.prefix_cache_hit;
    if (typeof stats?.prompt_tps === 'number') record.server_prompt_tps = stats.prompt_tps;
    if (typeof stats?.generation_tps === 'number') record.server_generation_tps = stats.generation_tps;
    if (reader.finishReason !== undefined) record.finish_reason = reader.finishReason;
    if (this.maxGapMs > 0) record.max_token_gap_ms = this.maxGapMs;
    this.resolve(record);
  }
}

/** Sends one streaming chat request; never rejects (every failure becomes a classified record). */
export function startRequest(spec: RequestSpec, meta: RequestMeta, options: RequestOptions): InFlightRequest {
  return new StreamingRequest(spec, meta, options);
}

/** A short stream of every kind of event a request reads: role, content, usage, [DONE]. */
const WARM_UP_STREAM = Buffer.from(
  'data: {"id":"w","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":"a"}}]}\n\n' +
    'data: {"id":"w","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"b"},"finish_reason":"length"}],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}\n\n' +
    ': keep-alive\n\ndata: [DONE]\n\n',
);

/** Answers one request in memory with WARM_UP_STREAM: nothing leaves the process. */
const warmUpDispatcher: StreamDispatcher = {
  dispatch(_options, handler): boolean {
    const controller: StreamDispatchController = { abort() {} };
    handler.onRequestStart(controller, {});
    handler.onResponseStart(controller, 200, { 'content-type': 'text/event-stream' }, 'OK');
    handler.onResponseData(controller, WARM_UP_STREAM.subarray(0, 40));
    handler.onResponseData(controller, WARM_UP_STREAM.subarray(40));
    handler.onResponseEnd(controller, {});
    return true;
  },
};

/**
 * Runs the whole request path once — the request object, its timers, the SSE decoder, the chat stream
 * reader, the record — on `spec` against an in-memory stream, so the stage's first scheduled request
 * does not pay first-use costs (lazy compilation, inline caches) as dispatch lag. Sends nothing and
 * records nothing: its record is thrown away.
 */
export async function warmUpRequestPath(spec: RequestSpec): Promise<void> {
  const request = new StreamingRequest(
    spec,
    { stage: '(warm-up)', index: -1, warmup: true, scheduledAtMs: preciseNowMs() },
    { dispatcher: warmUpDispatcher, requestTimeoutMs: 60_000, idleTimeoutMs: 60_000 },
  );
  await request.done;
}
