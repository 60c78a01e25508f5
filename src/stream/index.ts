/** Streaming response decoding: SSE framing (`sse.ts`) and chat completion chunks (`chat.ts`). */
export { DEFAULT_MAX_SSE_LINE_BYTES, SseDecoder } from './sse.js';
export type { SseDecoderOptions, SseSink } from './sse.js';
export { ChatStreamReader } from './chat.js';
export type { ChatStreamError, ChatStreamObserver, ChatStreamUsage, PrefillProgress } from './chat.js';
