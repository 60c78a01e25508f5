/**
 * Streaming responses: the lean HTTP/1.1 client of the load path (`http1.ts`), SSE framing (`sse.ts`)
 * and chat completion chunks (`chat.ts`).
 */
export { DEFAULT_MAX_SSE_LINE_BYTES, SseDecoder } from './sse.js';
export type { SseDecoderOptions, SseSink } from './sse.js';
export { ChatStreamReader } from './chat.js';
export type { ChatStreamError, ChatStreamObserver, ChatStreamUsage, PrefillProgress } from './chat.js';
export { DEFAULT_MAX_HEADER_BYTES, Http1Dispatcher, Http1Error } from './http1.js';
export type {
  Http1DispatcherOptions,
  ResponseHeaders,
  StreamDispatchController,
  StreamDispatcher,
  StreamDispatchHandler,
  StreamDispatchOptions,
} from './http1.js';
export { httpRequest, MAX_RESPONSE_BODY_BYTES } from './request.js';
export type { HttpRequestOptions, HttpResponse, HttpResponseBody } from './request.js';
