/** Shared helpers of the stream tests: fixtures, chunking, and recorders that turn callbacks into data. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import {
  ChatStreamReader,
  SseDecoder,
  type SseDecoderOptions,
  type SseSink,
} from '../../src/stream/index.js';

const FIXTURES_DIR = join(process.cwd(), '__tests__', 'fixtures', 'sse');

/** The bytes of `__tests__/fixtures/sse/<name>`. */
export function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(FIXTURES_DIR, name)));
}

/** Every fixture stream, by file name. */
export const FIXTURE_NAMES = [
  'chat_stream_usage.sse',
  'chat_stream_nousage.sse',
  'chat_stream_eos_stop.sse',
  'exo_stream.sse',
  'exo_error.sse',
  'exo_eof_without_done.sse',
  'exo_reasoning.sse',
  'vllm_reasoning.sse',
  'multi_token.sse',
] as const;

export const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/** Cuts `bytes` at the given offsets (sorted, deduplicated, out-of-range ignored). */
export function splitAt(bytes: Uint8Array, offsets: readonly number[]): Uint8Array[] {
  const cuts = [...new Set(offsets)]
    .filter((offset) => offset > 0 && offset < bytes.length)
    .sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const cut of cuts) {
    chunks.push(bytes.slice(start, cut));
    start = cut;
  }
  chunks.push(bytes.slice(start));
  return chunks;
}

/** Rewrites every LF line ending as CRLF or CR (the fixtures use LF only). */
export function withLineEnding(bytes: Uint8Array, ending: '\r\n' | '\r'): Uint8Array {
  const out: number[] = [];
  for (const byte of bytes) {
    if (byte === 0x0a) out.push(...encoder.encode(ending));
    else out.push(byte);
  }
  return Uint8Array.from(out);
}

/** One SSE callback, with its bytes decoded so that results compare with `toEqual`. */
export type SseCall =
  | { kind: 'data'; value: string }
  | { kind: 'comment'; value: string }
  | { kind: 'end' }
  | { kind: 'field'; name: string; value: string };

/** A sink that records every call. Slices are copied at once, as the contract requires. */
export class RecordingSink implements SseSink {
  readonly calls: SseCall[] = [];
  onData(buf: Uint8Array, start: number, end: number): void {
    this.calls.push({ kind: 'data', value: decoder.decode(buf.slice(start, end)) });
  }
  onComment(buf: Uint8Array, start: number, end: number): void {
    this.calls.push({ kind: 'comment', value: decoder.decode(buf.slice(start, end)) });
  }
  onEventEnd(): void {
    this.calls.push({ kind: 'end' });
  }
  onOtherField(name: string, value: string): void {
    this.calls.push({ kind: 'field', name, value });
  }
}

/** Decodes chunks with a fresh decoder and returns what the sink saw and the oversized-line count. */
export function decodeChunks(
  chunks: readonly Uint8Array[],
  options?: SseDecoderOptions,
): { calls: SseCall[]; oversizedLines: number } {
  const sink = new RecordingSink();
  const sseDecoder = new SseDecoder(sink, options);
  for (const chunk of chunks) sseDecoder.push(chunk);
  sseDecoder.end();
  return { calls: sink.calls, oversizedLines: sseDecoder.oversizedLines };
}

/** Everything a ChatStreamReader reports: observer calls in order and its fields after the stream. */
export interface ChatResult {
  observed: string[];
  chunks: number;
  contentChunks: number;
  reasoningChunks: number;
  emptyChunks: number;
  roleOnlyChunks: number;
  finishReason: string | undefined;
  usage: ChatStreamReader['usage'];
  generationStats: ChatStreamReader['generationStats'];
  prefillProgress: ChatStreamReader['prefillProgress'];
  keepAlives: number;
  streamError: ChatStreamReader['streamError'];
  invalidEvents: number;
  sawDone: boolean;
  responseId: string | undefined;
  model: string | undefined;
}

/** Runs chunks through SseDecoder + ChatStreamReader and snapshots the result. */
export function readChat(chunks: readonly Uint8Array[]): ChatResult {
  const observed: string[] = [];
  const reader = new ChatStreamReader({
    onToken: (kind) => observed.push(kind),
    onDone: () => observed.push('done'),
  });
  const sseDecoder = new SseDecoder(reader);
  for (const chunk of chunks) sseDecoder.push(chunk);
  sseDecoder.end();
  return {
    observed,
    chunks: reader.chunks,
    contentChunks: reader.contentChunks,
    reasoningChunks: reader.reasoningChunks,
    emptyChunks: reader.emptyChunks,
    roleOnlyChunks: reader.roleOnlyChunks,
    finishReason: reader.finishReason,
    usage: reader.usage,
    generationStats: reader.generationStats,
    prefillProgress: reader.prefillProgress,
    keepAlives: reader.keepAlives,
    streamError: reader.streamError,
    invalidEvents: reader.invalidEvents,
    sawDone: reader.sawDone,
    responseId: reader.responseId,
    model: reader.model,
  };
}

/** A small deterministic PRNG (mulberry32), so random splits are reproducible. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
