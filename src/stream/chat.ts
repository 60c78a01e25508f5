/**
 * SSE events → what a benchmark needs from an OpenAI-compatible or EXO chat completion stream.
 *
 * Ordinary token chunks are classified by one lexical pass over their bytes (strings are skipped with
 * their escapes, so a quote or a key-like text inside a token cannot confuse it), without decoding or
 * `JSON.parse`. Only the rare chunks that carry something worth reading in full — a non-null
 * `finish_reason`, a non-null `usage`, a top-level `error` — are decoded and parsed, and so are EXO's
 * `: generation_stats` and `: prefill_progress` comments. Malformed input is counted, never thrown.
 *
 * One `data:` line is one payload (see {@link SseSink.onData}): a server that splits one JSON object
 * over several data lines of one event would see each line counted in `invalidEvents`. No known
 * OpenAI-compatible server or EXO does that.
 */
import type { SseSink } from './sse.js';

/** What the reader reports as the stream goes; the caller timestamps each call. */
export interface ChatStreamObserver {
  /**
   * A chunk with non-empty `content` (kind `content`) or, failing that, non-empty `reasoning_content` /
   * `reasoning` (kind `reasoning`). One call per chunk, however many tokens its text holds.
   */
  onToken(kind: 'content' | 'reasoning'): void;
  /** `data: [DONE]`, the normal end of the stream. */
  onDone(): void;
}

/** Token counts reported by the server (`usage`, OpenAI names). */
export interface ChatStreamUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  /** `usage.prompt_tokens_details.cached_tokens`. */
  cached_tokens?: number;
  /** `usage.completion_tokens_details.reasoning_tokens`. */
  reasoning_tokens?: number;
}

/** An error sent inside the stream (`data: {"error":{…}}`, HTTP status already 200). */
export interface ChatStreamError {
  message: string;
  type?: string;
  code?: number;
}

/** EXO's `: prefill_progress` comment, unwrapped from its `PrefillProgressChunk` tag. */
export interface PrefillProgress {
  processed_tokens: number;
  total_tokens: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const LETTER_N = 0x6e;

const KEY_CONTENT = ascii('content');
const KEY_REASONING_CONTENT = ascii('reasoning_content');
const KEY_REASONING = ascii('reasoning');
const KEY_FINISH_REASON = ascii('finish_reason');
const KEY_USAGE = ascii('usage');
const KEY_ERROR = ascii('error');
const KEY_MODEL = ascii('model');
const KEY_ROLE = ascii('role');
const KEY_ID = ascii('id');
const DONE = ascii('[DONE]');
const KEEP_ALIVE = ascii('keep-alive');
const GENERATION_STATS = ascii('generation_stats');
const PREFILL_PROGRESS = ascii('prefill_progress');

// ignoreBOM: a BOM inside the stream is content (only the stream's first bytes may be a BOM, skipped by SseDecoder).
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * An {@link SseSink} that reads a chat completion stream and counts what it saw. Read its fields after
 * the stream ends. One reader per stream.
 */
export class ChatStreamReader implements SseSink {
  /** JSON object chunks that are not error envelopes: content + reasoning + empty + role-only. */
  chunks = 0;
  /** Chunks with non-empty `content`. */
  contentChunks = 0;
  /** Chunks with non-empty `reasoning_content` or `reasoning` and no content. */
  reasoningChunks = 0;
  /**
   * Chunks without any token text that are not role-only: finish chunks, usage-only chunks
   * (`"choices":[]`), chunks with `"content":""` and no role.
   */
  emptyChunks = 0;
  /**
   * Chunks without token text that carry `role` and neither a non-null `finish_reason` nor `usage`:
   * OpenAI's opening chunk (`"content":null` or `""`). EXO repeats the role in every chunk, so its rare
   * empty-text chunks land here too (the wire cannot tell them apart).
   */
  roleOnlyChunks = 0;
  /** The last non-null `finish_reason` seen. */
  finishReason: string | undefined = undefined;
  /** The last non-null `usage` seen (OpenAI: its own chunk; EXO: the finish chunk). */
  usage: ChatStreamUsage | undefined = undefined;
  /** EXO's `: generation_stats {…}` comment, as parsed (snake_case, memory as `{"in_bytes": N}`). */
  generationStats: Record<string, unknown> | undefined = undefined;
  /** The last EXO `: prefill_progress` comment seen. */
  prefillProgress: PrefillProgress | undefined = undefined;
  /** `: keep-alive` comments (EXO sends one first and then after every 10 s of silence). */
  keepAlives = 0;
  /** The error of a `data: {"error":{…}}` chunk (the last one, if several). */
  streamError: ChatStreamError | undefined = undefined;
  /**
   * Lines that could not be used: data that is not a JSON object (truncated, garbage, an empty value),
   * a chunk or comment whose parse failed, a field other than `data`, `event`, `id` or `retry`.
   */
  invalidEvents = 0;
  /** `data: [DONE]` arrived; a stream that ends without it was cut short. */
  sawDone = false;
  /** Top-level `id` of the first chunk that has one (EXO: the command ID, usable to cancel). */
  responseId: string | undefined = undefined;
  /** Top-level `model` of the first chunk that has one. */
  model: string | undefined = undefined;

  private readonly observer: ChatStreamObserver;

  // Results of the last scan. Fields rather than a returned object: no allocation per chunk.
  private scanContent = false;
  private scanReasoning = false;
  private scanRole = false;
  private scanNeedsParse = false;
  private scanHasError = false;
  private scanIdStart = -1;
  private scanIdEnd = -1;
  private scanModelStart = -1;
  private scanModelEnd = -1;

  constructor(observer: ChatStreamObserver) {
    this.observer = observer;
  }

  /** @inheritdoc */
  onData(buf: Uint8Array, start: number, end: number): void {
    while (start < end && isJsonWhitespace(buf[start])) start++;
    while (end > start && isJsonWhitespace(buf[end - 1])) end--;
    if (start === end) {
      this.invalidEvents++;
      return;
    }
    if (buf[start] !== OPEN_BRACE) {
      if (bytesEqual(buf, start, end, DONE)) {
        this.sawDone = true;
        this.observer.onDone();
      } else {
        this.invalidEvents++;
      }
      return;
    }
    if (!this.scan(buf, start, end)) {
      this.invalidEvents++;
      return;
    }
    if (this.scanNeedsParse && !this.readInFull(buf, start, end)) {
      this.invalidEvents++;
      return;
    }
    if (this.responseId === undefined && this.scanIdStart >= 0) {
      this.responseId = decodeJsonString(buf, this.scanIdStart, this.scanIdEnd);
    }
    if (this.model === undefined && this.scanModelStart >= 0) {
      this.model = decodeJsonString(buf, this.scanModelStart, this.scanModelEnd);
    }
    if (this.scanHasError) return;
    this.chunks++;
    if (this.scanContent) {
      this.contentChunks++;
      this.observer.onToken('content');
    } else if (this.scanReasoning) {
      this.reasoningChunks++;
      this.observer.onToken('reasoning');
    } else if (this.scanRole && !this.scanNeedsParse) {
      this.roleOnlyChunks++;
    } else {
      this.emptyChunks++;
    }
  }

  /** @inheritdoc */
  onComment(buf: Uint8Array, start: number, end: number): void {
    while (end > start && isJsonWhitespace(buf[end - 1])) end--;
    if (bytesEqual(buf, start, end, KEEP_ALIVE)) {
      this.keepAlives++;
    } else if (hasWordPrefix(buf, start, end, GENERATION_STATS)) {
      const stats = parseJson(buf, start + GENERATION_STATS.length, end);
      if (isRecord(stats)) this.generationStats = stats;
      else this.invalidEvents++;
    } else if (hasWordPrefix(buf, start, end, PREFILL_PROGRESS)) {
      const progress = readPrefillProgress(parseJson(buf, start + PREFILL_PROGRESS.length, end));
      if (progress !== undefined) this.prefillProgress = progress;
      else this.invalidEvents++;
    }
    // Other comments are free-form by the SSE rules: ignored.
  }

  /** @inheritdoc */
  onOtherField(name: string): void {
    // `event`, `id` and `retry` are legal and carry nothing we use; anything else is not SSE at all.
    if (name !== 'event' && name !== 'id' && name !== 'retry') this.invalidEvents++;
  }

  /**
   * One lexical pass over a JSON object: finds the keys that matter and looks at the first byte of
   * their values. Returns false when the bytes are not a well-formed object at the bracket and string
   * level (unterminated string, unbalanced brackets, trailing bytes); values are not validated further.
   */
  private scan(buf: Uint8Array, start: number, end: number): boolean {
    this.scanContent = false;
    this.scanReasoning = false;
    this.scanRole = false;
    this.scanNeedsParse = false;
    this.scanHasError = false;
    this.scanIdStart = -1;
    this.scanModelStart = -1;
    let depth = 0;
    let position = start;
    while (position < end) {
      const byte = buf[position];
      if (byte === QUOTE) {
        const keyStart = position + 1;
        const keyEnd = findStringEnd(buf, keyStart, end);
        if (keyEnd < 0) return false;
        position = skipJsonWhitespace(buf, keyEnd + 1, end);
        if (position < end && buf[position] === COLON) {
          // A string followed by a colon is a key; `valueStart` is the first byte of its value.
          const valueStart = skipJsonWhitespace(buf, position + 1, end);
          if (valueStart >= end) return false;
          this.inspectKey(buf, keyStart, keyEnd, valueStart, end, depth);
          position = valueStart;
        }
      } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
        depth++;
        position++;
      } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
        depth--;
        position++;
        if (depth <= 0) return depth === 0 && skipJsonWhitespace(buf, position, end) === end;
      } else {
        position++;
      }
    }
    return false;
  }

  private inspectKey(
    buf: Uint8Array,
    keyStart: number,
    keyEnd: number,
    valueStart: number,
    end: number,
    depth: number,
  ): void {
    const value = buf[valueStart];
    // Keys are told apart by length first: one comparison rejects almost every key.
    switch (keyEnd - keyStart) {
      case 7:
        if (!this.scanContent && bytesEqual(buf, keyStart, keyEnd, KEY_CONTENT)) {
          this.scanContent = isNonEmptyString(buf, valueStart, end);
        }
        break;
      case 17:
        if (!this.scanReasoning && bytesEqual(buf, keyStart, keyEnd, KEY_REASONING_CONTENT)) {
          this.scanReasoning = isNonEmptyString(buf, valueStart, end);
        }
        break;
      case 9:
        if (!this.scanReasoning && bytesEqual(buf, keyStart, keyEnd, KEY_REASONING)) {
          this.scanReasoning = isNonEmptyString(buf, valueStart, end);
        }
        break;
      case 13:
        if (value !== LETTER_N && bytesEqual(buf, keyStart, keyEnd, KEY_FINISH_REASON)) {
          this.scanNeedsParse = true;
        }
        break;
      case 5:
        if (depth !== 1) break;
        if (value !== LETTER_N && bytesEqual(buf, keyStart, keyEnd, KEY_USAGE)) {
          this.scanNeedsParse = true;
        } else if (value !== LETTER_N && bytesEqual(buf, keyStart, keyEnd, KEY_ERROR)) {
          this.scanNeedsParse = true;
          this.scanHasError = true;
        } else if (
          value === QUOTE &&
          this.model === undefined &&
          bytesEqual(buf, keyStart, keyEnd, KEY_MODEL)
        ) {
          this.scanModelStart = valueStart + 1;
          this.scanModelEnd = findStringEnd(buf, valueStart + 1, end);
          if (this.scanModelEnd < 0) this.scanModelStart = -1;
        }
        break;
      case 4:
        if (value === QUOTE && bytesEqual(buf, keyStart, keyEnd, KEY_ROLE)) this.scanRole = true;
        break;
      case 2:
        if (
          depth === 1 &&
          value === QUOTE &&
          this.responseId === undefined &&
          bytesEqual(buf, keyStart, keyEnd, KEY_ID)
        ) {
          this.scanIdStart = valueStart + 1;
          this.scanIdEnd = findStringEnd(buf, valueStart + 1, end);
          if (this.scanIdEnd < 0) this.scanIdStart = -1;
        }
        break;
    }
  }

  /** The rare chunk worth a real parse: error, finish reason, usage. False when it is not valid JSON. */
  private readInFull(buf: Uint8Array, start: number, end: number): boolean {
    const chunk = parseJson(buf, start, end);
    if (!isRecord(chunk)) return false;
    if (this.scanHasError) {
      this.streamError = readStreamError(chunk['error']);
      return true;
    }
    const choices = chunk['choices'];
    if (Array.isArray(choices)) {
      for (const choice of choices) {
        if (isRecord(choice) && typeof choice['finish_reason'] === 'string') {
          this.finishReason = choice['finish_reason'];
        }
      }
    }
    const usage = chunk['usage'];
    if (isRecord(usage)) this.usage = readUsage(usage);
    return true;
  }
}

function readStreamError(error: unknown): ChatStreamError {
  if (!isRecord(error)) return { message: typeof error === 'string' ? error : JSON.stringify(error) };
  const message = error['message'];
  const result: ChatStreamError = {
    message: typeof message === 'string' ? message : JSON.stringify(message ?? null),
  };
  if (typeof error['type'] === 'string') result.type = error['type'];
  if (typeof error['code'] === 'number') result.code = error['code'];
  return result;
}

function readUsage(usage: Record<string, unknown>): ChatStreamUsage {
  const result: ChatStreamUsage = {};
  if (typeof usage['prompt_tokens'] === 'number') result.prompt_tokens = usage['prompt_tokens'];
  if (typeof usage['completion_tokens'] === 'number') result.completion_tokens = usage['completion_tokens'];
  const promptDetails = usage['prompt_tokens_details'];
  if (isRecord(promptDetails) && typeof promptDetails['cached_tokens'] === 'number') {
    result.cached_tokens = promptDetails['cached_tokens'];
  }
  const completionDetails = usage['completion_tokens_details'];
  if (isRecord(completionDetails) && typeof completionDetails['reasoning_tokens'] === 'number') {
    result.reasoning_tokens = completionDetails['reasoning_tokens'];
  }
  return result;
}

/** Accepts `{"PrefillProgressChunk":{…}}` (EXO's tagged form) and the bare object. */
function readPrefillProgress(parsed: unknown): PrefillProgress | undefined {
  if (!isRecord(parsed)) return undefined;
  let body: unknown = parsed;
  if (!('processed_tokens' in parsed)) {
    const values = Object.values(parsed);
    body = values.length === 1 ? values[0] : undefined;
  }
  if (!isRecord(body)) return undefined;
  const processed = body['processed_tokens'];
  const total = body['total_tokens'];
  if (typeof processed !== 'number' || typeof total !== 'number') return undefined;
  return { processed_tokens: processed, total_tokens: total };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Decodes and parses `[start, end)`; `undefined` when it is not JSON. */
function parseJson(buf: Uint8Array, start: number, end: number): unknown {
  try {
    return JSON.parse(utf8.decode(buf.subarray(start, end))) as unknown;
  } catch {
    return undefined;
  }
}

/** The text of a JSON string whose contents are `[start, end)` (quotes excluded), escapes resolved. */
function decodeJsonString(buf: Uint8Array, start: number, end: number): string | undefined {
  const parsed = parseJson(buf, start - 1, end + 1);
  return typeof parsed === 'string' ? parsed : undefined;
}

/**
 * Index of the quote that closes a string whose contents start at `start`, or -1. A quote preceded by
 * an odd number of backslashes is escaped (`\"` inside, `\\"` closes).
 */
function findStringEnd(buf: Uint8Array, start: number, end: number): number {
  for (let position = start; position < end; position++) {
    const byte = buf[position];
    if (byte === BACKSLASH) position++;
    else if (byte === QUOTE) return position;
  }
  return -1;
}

/** True when a string value starts at `valueStart` and is not `""` (`"\""` is non-empty). */
function isNonEmptyString(buf: Uint8Array, valueStart: number, end: number): boolean {
  return buf[valueStart] === QUOTE && valueStart + 1 < end && buf[valueStart + 1] !== QUOTE;
}

function skipJsonWhitespace(buf: Uint8Array, position: number, end: number): number {
  while (position < end && isJsonWhitespace(buf[position])) position++;
  return position;
}

function isJsonWhitespace(byte: number | undefined): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;
}

function bytesEqual(buf: Uint8Array, start: number, end: number, expected: Uint8Array): boolean {
  if (end - start !== expected.length) return false;
  for (let index = 0; index < expected.length; index++) {
    if (buf[start + index] !== expected[index]) return false;
  }
  return true;
}

/** `[start, end)` starts with `word` followed by a space or `{` (EXO writes `generation_stats {…}`). */
function hasWordPrefix(buf: Uint8Array, start: number, end: number, word: Uint8Array): boolean {
  if (end - start <= word.length) return false;
  const after = buf[start + word.length];
  if (after !== 0x20 && after !== OPEN_BRACE) return false;
  return bytesEqual(buf, start, start + word.length, word);
}

function ascii(text: string): Uint8Array {
  return Uint8Array.from(text, (character) => character.charCodeAt(0));
}
