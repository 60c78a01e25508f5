/**
 * One control-plane call (EXO's API, an OpenAI server's `/v1/models`, prompt calibration, the beacon)
 * over a {@link StreamDispatcher}: the lean HTTP/1.1 client of the load path, or undici's `Agent` with
 * `EXO_BENCH_HTTP_CLIENT=undici`. The control plane used undici's `request()` before; undici parses
 * responses with llhttp compiled to WebAssembly, and V8 tiers that parser up to its optimising compiler
 * after a few dozen calls: 120–140 ms of CPU in every run, in a process that shares the machine with the
 * server it measures (bench/README.md, issue #17).
 *
 * Resolves at the response head, as undici's `request()` does; the body is buffered from then on
 * (copied: the lean client's chunks are views of a buffer the next read overwrites) and read with
 * `text()`, or waited out with `done()`. A body beyond {@link MAX_RESPONSE_BODY_BYTES} ends the call
 * with an error: the control plane reads small JSON documents, and a server that streams without end
 * must not take the client's memory.
 */
import { Buffer } from 'node:buffer';
import {
  Http1Error,
  type ResponseHeaders,
  type StreamDispatchController,
  type StreamDispatcher,
  type StreamDispatchHandler,
} from './http1.js';

/** Largest response body a control-plane call keeps, bytes. */
export const MAX_RESPONSE_BODY_BYTES = 64 * 1024 * 1024;

/** What {@link httpRequest} sends. */
export interface HttpRequestOptions {
  dispatcher: StreamDispatcher;
  /** Default `GET`. */
  method?: string;
  headers?: Record<string, string>;
  /** A string body (JSON, in practice); none by default. */
  body?: string;
  /** Longest wait for the response head, ms; 0 or absent: none. */
  headersTimeout?: number;
  /** Longest silence within the body, ms; 0 or absent: none. */
  bodyTimeout?: number;
  signal?: AbortSignal;
  /** Cap on the kept body, bytes; default {@link MAX_RESPONSE_BODY_BYTES}. */
  maxBodyBytes?: number;
}

/** The body of a response: buffered as it arrives. */
export interface HttpResponseBody {
  /** The whole body as UTF-8 text, once it has ended; rejects if the response failed. */
  text(): Promise<string>;
  /** Resolves when the body has ended (its bytes are not kept for this); rejects if it failed. */
  done(): Promise<void>;
}

/** A response whose head has arrived. */
export interface HttpResponse {
  statusCode: number;
  headers: ResponseHeaders;
  body: HttpResponseBody;
}

/**
 * Sends one request through `options.dispatcher`. Rejects with the transport's error (connection
 * refused, timeouts as `UND_ERR_HEADERS_TIMEOUT`/`UND_ERR_BODY_TIMEOUT`) or, when `signal` aborts, with
 * its reason.
 */
export function httpRequest(url: string | URL, options: HttpRequestOptions): Promise<HttpResponse> {
  const target = typeof url === 'string' ? new URL(url) : url;
  return new Promise<HttpResponse>((resolve, reject) => {
    const { signal } = options;
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const call = new ControlCall(options.maxBodyBytes ?? MAX_RESPONSE_BODY_BYTES, resolve, reject, signal);
    try {
      options.dispatcher.dispatch(
        {
          origin: target.origin,
          path: `${target.pathname}${target.search}`,
          method: options.method ?? 'GET',
          headers: options.headers ?? {},
          body: options.body ?? '',
          ...(options.headersTimeout !== undefined ? { headersTimeout: options.headersTimeout } : {}),
          ...(options.bodyTimeout !== undefined ? { bodyTimeout: options.bodyTimeout } : {}),
        },
        call,
      );
    } catch (error) {
      // A dispatcher that throws instead of reporting to the handler (undici on some invalid options).
      call.fail(error instanceof Error ? error : new Error(String(error)));
    }
  });
}

/** The signal's reason when it is an error (a DOMException from another realm included), else a generic one. */
function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  if (typeof reason === 'object' && reason !== null && typeof (reason as Error).message === 'string')
    return reason as Error;
  return new Http1Error('UND_ERR_ABORTED', 'Request aborted');
}

/** One call's handler: resolves at the head, then keeps the body for `text()` / `done()`. */
class ControlCall implements StreamDispatchHandler, HttpResponseBody {
  private controller: StreamDispatchController | undefined;
  private readonly chunks: Buffer[] = [];
  private bytes = 0;
  private keep = true;
  private head = false;
  private ended = false;
  private failure: Error | undefined;
  private readonly waiters: { resolve: () => void; reject: (error: Error) => void }[] = [];
  private readonly onAbort = (): void => {
    const reason = abortReason(this.signal as AbortSignal);
    if (this.controller) this.controller.abort(reason);
    else this.finish(reason);
  };

  constructor(
    private readonly maxBodyBytes: number,
    private readonly resolveHead: (response: HttpResponse) => void,
    private readonly rejectHead: (error: Error) => void,
    private readonly signal: AbortSignal | undefined,
  ) {
    signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  onRequestStart(controller: StreamDispatchController): void {
    this.controller = controller;
  }

  onResponseStart(controller: StreamDispatchController, statusCode: number, headers: ResponseHeaders): void {
    this.controller = controller;
    this.head = true;
    this.resolveHead({ statusCode, headers, body: this });
  }

  onResponseData(controller: StreamDispatchController, chunk: Buffer): void {
    if (!this.keep) return;
    this.bytes += chunk.length;
    if (this.bytes > this.maxBodyBytes) {
      controller.abort(
        new Http1Error(
          'UND_ERR_RES_EXCEEDED_MAX_SIZE',
          `response body larger than ${this.maxBodyBytes} bytes`,
        ),
      );
      return;
    }
    this.chunks.push(Buffer.from(chunk));
  }

  onResponseEnd(): void {
    this.finish(undefined);
  }

  onResponseError(_controller: StreamDispatchController, error: Error): void {
    this.finish(error);
  }

  async text(): Promise<string> {
    await this.whenEnded();
    const text = Buffer.concat(this.chunks, this.bytes).toString('utf8');
    // A byte order mark is not text (undici's text() drops it too); JSON.parse would refuse it.
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  }

  /** Ends the call with `error` when the dispatcher could not take it. */
  fail(error: Error): void {
    this.finish(error);
  }

  async done(): Promise<void> {
    // Nothing reads the bytes: stop keeping them (what came so far is dropped too).
    this.keep = false;
    this.chunks.length = 0;
    this.bytes = 0;
    await this.whenEnded();
  }

  private whenEnded(): Promise<void> {
    if (this.ended) return this.failure ? Promise.reject(this.failure) : Promise.resolve();
    return new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  private finish(error: Error | undefined): void {
    if (this.ended) return;
    this.ended = true;
    this.failure = error;
    this.signal?.removeEventListener('abort', this.onAbort);
    if (!this.head) {
      // No head: the call itself failed (or a 1xx-only exchange ended, which the dispatcher reports as
      // an error too).
      this.rejectHead(error ?? new Http1Error(undefined, 'response ended before its head'));
      return;
    }
    for (const waiter of this.waiters.splice(0)) {
      if (error) waiter.reject(error);
      else waiter.resolve();
    }
  }
}
