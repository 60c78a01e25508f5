/**
 * Response writers (one per flavour × streaming mode). The per-token path is a concatenation of a
 * per-request prefix, a pre-escaped token and a constant suffix: no JSON.stringify per token.
 */
import type { Sequence, SequenceSink } from './engine.js';
import type { RequestOutcome } from './ground-truth.js';
import type { ResponseContext } from './responses.js';
import { sendPlain500 } from './responses.js';
import type { SimCluster } from './cluster.js';
import type { OpenAiFlavorProfile } from './profile.js';
import { OUTPUT_VOCABULARY_JSON, outputText, outputTokenIndex } from './tokenizer.js';
import { nowMs } from './random.js';

/** EXO's streaming response headers. */
export const EXO_SSE_HEADERS: Record<string, string> = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  connection: 'close',
  'x-accel-buffering': 'no',
};

/** llama.cpp's streaming headers (chat_stream_headers.txt); Node adds Transfer-Encoding and Keep-Alive. */
export const OPENAI_SSE_HEADERS: Record<string, string> = {
  'access-control-allow-origin': '',
  'x-accel-buffering': 'no',
  server: 'llama.cpp',
  'content-type': 'text/event-stream',
};

const DONE = 'data: [DONE]\n\n';
const EXO_TOKEN_SUFFIX = '}}]}\n\n';
/** What follows the per-request prefix of an EXO token event, by output token: `"text"}}]}\n\n`. */
const EXO_TOKEN_TAILS: readonly string[] = OUTPUT_VOCABULARY_JSON.map((json) => json + EXO_TOKEN_SUFFIX);
/** UTF-8 sizes of {@link EXO_TOKEN_TAILS}. */
const EXO_TOKEN_TAIL_BYTES: readonly number[] = EXO_TOKEN_TAILS.map((tail) => Buffer.byteLength(tail));

/** Whether every character is ASCII (then its latin1 and UTF-8 bytes are the same). */
function isAscii(text: string): boolean {
  return Buffer.byteLength(text) === text.length;
}
const EXO_TOKEN_TAIL_ASCII: readonly boolean[] = EXO_TOKEN_TAILS.map(isAscii);

function usageObject(seq: Sequence, completionTokens: number): Record<string, unknown> {
  return {
    prompt_tokens: seq.promptTokens,
    completion_tokens: completionTokens,
    total_tokens: seq.promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: seq.cachedTokens, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

/** Shared bookkeeping of every sink: ground truth and counters. */
abstract class BaseSink implements SequenceSink {
  constructor(
    protected readonly cluster: SimCluster,
    protected readonly ctx: ResponseContext,
  ) {}

  abstract prefillProgress(seq: Sequence, processedTokens: number, totalTokens: number): void;
  abstract token(seq: Sequence, index: number): void;
  abstract finish(seq: Sequence): void;
  abstract errorChunk(seq: Sequence, message: string): void;
  abstract abort(seq: Sequence, outcome: RequestOutcome): void;

  /** Records token `index` in the ground truth; returns the time it stands for (epoch ms). */
  protected noteToken(seq: Sequence, index: number): number {
    const t = nowMs();
    const r = seq.record;
    if (index === 0) r.first_token_at_ms = t;
    r.last_token_at_ms = t;
    r.tokens_emitted = index + 1;
    this.cluster.tokensWritten++;
    return t;
  }

  protected settle(seq: Sequence, outcome: RequestOutcome, finishReason: string | null): void {
    const r = seq.record;
    if (r.outcome !== 'pending') return;
    r.outcome = outcome;
    r.finish_reason = finishReason;
    r.prompt_tokens = seq.promptTokens;
    r.cached_tokens = seq.cachedTokens;
    r.ended_at_ms = nowMs();
  }

  /** `generation_stats` (exo-api.md 6): `memoryKey` is `in_bytes` in SSE, `inBytes` in JSON. */
  protected generationStats(seq: Sequence, memoryKey: 'in_bytes' | 'inBytes'): Record<string, unknown> {
    const r = seq.record;
    const spanMs = (r.last_token_at_ms ?? 0) - (r.first_token_at_ms ?? 0);
    const generationTps = seq.tokensEmitted > 1 && spanMs > 0 ? (seq.tokensEmitted - 1) / (spanMs / 1000) : 0;
    const inst = seq.instanceId ? this.cluster.instances.get(seq.instanceId) : undefined;
    const weights = inst ? (inst.shardBytes[0] ?? 0) : 0;
    // Peak memory = weights + a KV cache guess, over-reported by 2^30/10^9 like EXO.
    const peak = Math.round((weights + seq.promptTokens * 32_768 + 268_435_456) * (2 ** 30 / 1e9));
    return {
      prompt_tps: Math.round(seq.promptTokensPerSecond * 10) / 10,
      generation_tps: Math.round(generationTps * 10) / 10,
      prompt_tokens: seq.promptTokens,
      generation_tokens: seq.tokensEmitted,
      peak_memory_usage: { [memoryKey]: peak },
      prefix_cache_hit: seq.prefixCacheHit,
    };
  }
}

/** EXO SSE (`/v1/chat/completions` and `/bench/chat/completions` with `stream: true`). */
export class ExoStreamSink extends BaseSink {
  /** A token event is `prefix + EXO_TOKEN_TAILS[token]`: one concatenation, its size a sum. */
  private readonly prefix: string;
  private readonly prefixBytes: number;
  private readonly prefixAscii: boolean;
  private readonly envelope: string;

  constructor(cluster: SimCluster, ctx: ResponseContext, seq: { commandId: string; model: string }) {
    super(cluster, ctx);
    const created = Math.floor(Date.now() / 1000);
    this.envelope = `{"id":${JSON.stringify(seq.commandId)},"object":"chat.completion","created":${created},"model":${JSON.stringify(seq.model)}`;
    this.prefix = `data: ${this.envelope},"choices":[{"index":0,"delta":{"role":"assistant","content":`;
    this.prefixBytes = Buffer.byteLength(this.prefix);
    this.prefixAscii = this.prefixBytes === this.prefix.length;
  }

  prefillProgress(seq: Sequence, processedTokens: number, totalTokens: number): void {
    this.ctx.write(
      `: prefill_progress {"PrefillProgressChunk":{"model":${JSON.stringify(seq.model)},"processed_tokens":${processedTokens},"total_tokens":${totalTokens}}}\n\n`,
    );
  }

  token(seq: Sequence, index: number): void {
    const atMs = this.noteToken(seq, index);
    const token = outputTokenIndex(seq.tokenSeed, index);
    this.ctx.writeEvent(
      this.prefix + (EXO_TOKEN_TAILS[token] as string),
      this.prefixBytes + (EXO_TOKEN_TAIL_BYTES[token] as number),
      this.prefixAscii && (EXO_TOKEN_TAIL_ASCII[token] as boolean),
      atMs,
    );
  }

  finish(seq: Sequence): void {
    const final = `data: ${this.envelope},"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":"${seq.finishReason}"}],"usage":${JSON.stringify(usageObject(seq, seq.tokensEmitted))}}\n\n`;
    const stats = `: generation_stats ${JSON.stringify(this.generationStats(seq, 'in_bytes'))}\n\n`;
    this.settle(seq, 'completed', seq.finishReason);
    this.ctx.end(final + stats + DONE);
  }

  errorChunk(seq: Sequence, message: string): void {
    this.settle(seq, 'error_chunk', null);
    this.ctx.end(
      `data: ${JSON.stringify({ error: { message, type: 'InternalServerError', code: 500 } })}\n\n${DONE}`,
    );
  }

  abort(seq: Sequence, outcome: RequestOutcome): void {
    this.settle(seq, outcome, null);
    this.ctx.end();
  }
}

/** EXO non-streaming chat (5.3) and bench (6) bodies; nothing is sent until the end. */
export class ExoJsonSink extends BaseSink {
  prefillProgress(): void {}

  token(seq: Sequence, index: number): void {
    this.noteToken(seq, index);
  }

  private body(seq: Sequence, finishReason: string | null, complete: boolean): Record<string, unknown> {
    const content = outputText(seq.tokenSeed, seq.tokensEmitted);
    const base = {
      id: seq.commandId,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: seq.model,
    };
    if (!seq.bench) {
      const choice: Record<string, unknown> = { index: 0, message: { role: 'assistant', content } };
      if (finishReason) choice.finish_reason = finishReason;
      const out: Record<string, unknown> = { ...base, choices: [choice] };
      if (complete) out.usage = usageObject(seq, seq.tokensEmitted);
      return out;
    }
    const r = seq.record;
    const end = nowMs();
    const first = r.first_token_at_ms;
    const elapsedS = (end - r.arrived_at_ms) / 1000;
    const prefillS = first !== null ? (first - r.arrived_at_ms) / 1000 : elapsedS;
    const generationS = first !== null ? (end - first) / 1000 : 0;
    const nodes = this.cluster.liveNodes().map((n) => {
      const watts = this.cluster.sysPowerWatts(n.id);
      return {
        node_id: n.id,
        samples: Math.max(1, Math.round(elapsedS)),
        avg_sys_power: watts,
        prefill_avg_sys_power: watts,
        generation_avg_sys_power: watts,
        prefill_energy_joules: round3(watts * prefillS),
        generation_energy_joules: round3(watts * generationS),
      };
    });
    const totalWatts = nodes.reduce((s, n) => s + n.avg_sys_power, 0);
    return {
      ...base,
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content,
            reasoning_content: null,
            name: null,
            tool_calls: null,
            tool_call_id: null,
            function_call: null,
          },
          logprobs: null,
          finish_reason: finishReason,
        },
      ],
      usage: null,
      service_tier: null,
      generation_stats: complete ? this.generationStats(seq, 'inBytes') : null,
      power_usage: {
        elapsed_seconds: round3(elapsedS),
        nodes,
        total_avg_sys_power_watts: totalWatts,
        total_energy_joules: round3(totalWatts * elapsedS),
        prefill_seconds: round3(prefillS),
        generation_seconds: round3(generationS),
        prefill_energy_joules: round3(totalWatts * prefillS),
        generation_energy_joules: round3(totalWatts * generationS),
        prefill_avg_sys_power_watts: first !== null ? totalWatts : null,
        generation_avg_sys_power_watts: first !== null ? totalWatts : null,
      },
    };
  }

  private sendBody(body: unknown): void {
    const text = JSON.stringify(body);
    this.ctx.head(200, {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(text)),
    });
    this.ctx.end(text);
  }

  finish(seq: Sequence): void {
    this.settle(seq, 'completed', seq.finishReason);
    this.sendBody(this.body(seq, seq.finishReason, true));
  }

  /**
   * A generation that fails after the request was accepted (exo-api.md 12.6, reproduced): chat answers
   * HTTP 200 `application/json` with an EMPTY body; bench's error is wrapped in an exception group
   * that misses the JSON handler, so it is `500 text/plain Internal Server Error`.
   */
  errorChunk(seq: Sequence, _message: string): void {
    this.settle(seq, 'error_chunk', null);
    if (seq.bench) {
      seq.record.http_status = 500;
      this.ctx.head(500, { 'content-type': 'text/plain; charset=utf-8', 'content-length': '21' });
      this.ctx.end('Internal Server Error');
    } else {
      seq.record.http_status = 200;
      this.ctx.head(200, { 'content-type': 'application/json', 'content-length': '0' });
      this.ctx.end();
    }
  }

  abort(seq: Sequence, outcome: RequestOutcome): void {
    this.settle(seq, outcome, null);
    if (outcome === 'eof') {
      this.ctx.destroy();
    } else if (seq.tokensEmitted > 0) {
      this.sendBody(this.body(seq, null, false));
    } else if (!this.ctx.closed) {
      seq.record.http_status = 500;
      this.ctx.closed = true;
      sendPlain500(this.ctx.res);
    }
  }
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** llama.cpp-style `timings` object. */
function timings(seq: Sequence, completionTokens: number): Record<string, unknown> {
  const r = seq.record;
  const uncached = seq.promptTokens - seq.cachedTokens;
  const predictedMs = (r.last_token_at_ms ?? 0) - (r.first_token_at_ms ?? 0);
  return {
    cache_n: seq.cachedTokens,
    prompt_n: uncached,
    prompt_ms: round3(seq.prefillMs),
    prompt_per_token_ms: uncached > 0 ? seq.prefillMs / uncached : 0,
    prompt_per_second: seq.promptTokensPerSecond,
    predicted_n: completionTokens,
    predicted_ms: round3(Math.max(0.001, predictedMs)),
    predicted_per_token_ms: completionTokens > 0 ? Math.max(0.001, predictedMs) / completionTokens : 0,
    predicted_per_second: predictedMs > 0 ? (completionTokens / predictedMs) * 1000 : 1_000_000,
  };
}

/** What an OpenAI-flavour response needs besides the sequence. */
export interface OpenAiOptions {
  profile: OpenAiFlavorProfile;
  includeUsage: boolean;
  /** `chatcmpl-…` */
  responseId: string;
}

/** OpenAI-compatible SSE in the manner of llama.cpp (role-only first chunk, `chat.completion.chunk`). */
export class OpenAiStreamSink extends BaseSink {
  private readonly tail: string;
  /** `}}]` + tail + `}\n\n`: what follows the delta's JSON string in a token chunk. */
  private readonly chunkEnd: string;
  private readonly chunkEndBytes: number;
  private readonly chunkEndAscii: boolean;
  private readonly created = Math.floor(Date.now() / 1000);
  private buffered = '';
  private bufferedKind: 'content' | 'reasoning_content' = 'content';
  private bufferedCount = 0;
  /** The output token of a one-token chunk (its JSON is precomputed); -1 otherwise. */
  private bufferedToken = -1;
  private bufferedAtMs = 0;

  constructor(
    cluster: SimCluster,
    ctx: ResponseContext,
    private readonly options: OpenAiOptions,
  ) {
    super(cluster, ctx);
    this.tail = `,"created":${this.created},"id":${JSON.stringify(options.responseId)},"model":${JSON.stringify(options.profile.model)},"system_fingerprint":${JSON.stringify(options.profile.systemFingerprint)},"object":"chat.completion.chunk"`;
    this.chunkEnd = `}}]${this.tail}}\n\n`;
    this.chunkEndBytes = Buffer.byteLength(this.chunkEnd);
    this.chunkEndAscii = this.chunkEndBytes === this.chunkEnd.length;
  }

  prefillProgress(): void {}

  private flush(): void {
    if (this.bufferedCount === 0) return;
    const head = this.bufferedKind === 'content' ? OPENAI_CONTENT_HEAD : OPENAI_REASONING_HEAD;
    if (this.bufferedToken >= 0) {
      // One token per chunk (llama.cpp's default): no JSON.stringify, no byte count.
      const token = this.bufferedToken;
      this.ctx.writeEvent(
        head + (OUTPUT_VOCABULARY_JSON[token] as string) + this.chunkEnd,
        head.length + (OUTPUT_VOCABULARY_JSON_BYTES[token] as number) + this.chunkEndBytes,
        this.chunkEndAscii && (OUTPUT_VOCABULARY_JSON_ASCII[token] as boolean),
        this.bufferedAtMs,
      );
    } else {
      this.ctx.write(head + JSON.stringify(this.buffered) + this.chunkEnd);
    }
    this.buffered = '';
    this.bufferedCount = 0;
    this.bufferedToken = -1;
  }

  token(seq: Sequence, index: number): void {
    const atMs = this.noteToken(seq, index);
    if (index === 0) {
      // llama.cpp sends the role-only chunk together with the first token.
      this.ctx.write(
        `data: {"choices":[{"finish_reason":null,"index":0,"delta":{"role":"assistant","content":null}}]${this.tail}}\n\n`,
      );
    }
    const kind = index < this.options.profile.reasoningTokens ? 'reasoning_content' : 'content';
    if (kind !== this.bufferedKind) this.flush();
    this.bufferedKind = kind;
    const token = outputTokenIndex(seq.tokenSeed, index);
    this.buffered += OUTPUTS[token];
    this.bufferedToken = this.bufferedCount === 0 ? token : -1;
    this.bufferedAtMs = atMs;
    this.bufferedCount++;
    if (this.bufferedCount >= Math.max(1, this.options.profile.tokensPerChunk)) this.flush();
  }

  private completionTokens(seq: Sequence): number {
    // llama.cpp counts the EOS token of a stopped generation.
    return seq.tokensEmitted + (seq.finishReason === 'stop' ? 1 : 0);
  }

  finish(seq: Sequence): void {
    this.flush();
    if (seq.tokensEmitted === 0) {
      this.ctx.write(
        `data: {"choices":[{"finish_reason":null,"index":0,"delta":{"role":"assistant","content":null}}]${this.tail}}\n\n`,
      );
    }
    const n = this.completionTokens(seq);
    const withUsage = this.options.includeUsage && this.options.profile.usage !== 'never';
    const t = JSON.stringify(timings(seq, n));
    let out = `data: {"choices":[{"finish_reason":"${seq.finishReason}","index":0,"delta":{}}]${this.tail}${withUsage ? '' : `,"timings":${t}`}}\n\n`;
    if (withUsage) {
      const usage = {
        completion_tokens: n,
        prompt_tokens: seq.promptTokens,
        total_tokens: seq.promptTokens + n,
        prompt_tokens_details: { cached_tokens: seq.cachedTokens },
      };
      out += `data: {"choices":[]${this.tail},"usage":${JSON.stringify(usage)},"timings":${t}}\n\n`;
    }
    this.settle(seq, 'completed', seq.finishReason);
    this.ctx.end(out + DONE);
  }

  errorChunk(seq: Sequence, message: string): void {
    this.flush();
    this.settle(seq, 'error_chunk', null);
    this.ctx.end(
      `data: ${JSON.stringify({ error: { code: 500, message, type: 'server_error' } })}\n\n${DONE}`,
    );
  }

  abort(seq: Sequence, outcome: RequestOutcome): void {
    this.flush();
    this.settle(seq, outcome, null);
    // Without Connection: close the client could not tell the end; a cut stream closes the socket.
    this.ctx.destroy();
  }
}

const OUTPUTS: readonly string[] = OUTPUT_VOCABULARY_JSON.map((j) => JSON.parse(j) as string);
const OUTPUT_VOCABULARY_JSON_BYTES: readonly number[] = OUTPUT_VOCABULARY_JSON.map((j) =>
  Buffer.byteLength(j),
);
const OUTPUT_VOCABULARY_JSON_ASCII: readonly boolean[] = OUTPUT_VOCABULARY_JSON.map(isAscii);
/** Token chunks of the OpenAI flavour start with one of these (ASCII), then the delta's JSON string. */
const OPENAI_CONTENT_HEAD = 'data: {"choices":[{"finish_reason":null,"index":0,"delta":{"content":';
const OPENAI_REASONING_HEAD =
  'data: {"choices":[{"finish_reason":null,"index":0,"delta":{"reasoning_content":';

/** OpenAI-compatible non-streaming body (chat_nonstream.json). */
export class OpenAiJsonSink extends BaseSink {
  constructor(
    cluster: SimCluster,
    ctx: ResponseContext,
    private readonly options: OpenAiOptions,
  ) {
    super(cluster, ctx);
  }

  prefillProgress(): void {}

  token(seq: Sequence, index: number): void {
    this.noteToken(seq, index);
  }

  finish(seq: Sequence): void {
    const reasoning = Math.min(seq.tokensEmitted, this.options.profile.reasoningTokens);
    const all = outputText(seq.tokenSeed, seq.tokensEmitted);
    const reasoningText = outputText(seq.tokenSeed, reasoning);
    const n = seq.tokensEmitted + (seq.finishReason === 'stop' ? 1 : 0);
    const message: Record<string, unknown> = { role: 'assistant', content: all.slice(reasoningText.length) };
    if (reasoning > 0) message.reasoning_content = reasoningText;
    const body: Record<string, unknown> = {
      choices: [{ finish_reason: seq.finishReason, index: 0, message }],
      created: Math.floor(Date.now() / 1000),
      model: this.options.profile.model,
      system_fingerprint: this.options.profile.systemFingerprint,
      object: 'chat.completion',
    };
    if (this.options.profile.usage !== 'never') {
      body.usage = {
        completion_tokens: n,
        prompt_tokens: seq.promptTokens,
        total_tokens: seq.promptTokens + n,
        prompt_tokens_details: { cached_tokens: seq.cachedTokens },
      };
    }
    body.id = this.options.responseId;
    body.timings = timings(seq, n);
    this.settle(seq, 'completed', seq.finishReason);
    const text = JSON.stringify(body);
    this.ctx.head(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(text)),
    });
    this.ctx.end(text);
  }

  errorChunk(seq: Sequence, message: string): void {
    this.settle(seq, 'error_chunk', null);
    seq.record.http_status = 500;
    const text = JSON.stringify({ error: { code: 500, message, type: 'server_error' } });
    this.ctx.head(500, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(text)),
    });
    this.ctx.end(text);
  }

  abort(seq: Sequence, outcome: RequestOutcome): void {
    this.settle(seq, outcome, null);
    this.ctx.destroy();
  }
}
