import fc from 'fast-check';

import { ChatStreamReader, SseDecoder } from '../../src/stream/index.js';
import {
  encoder,
  fixture,
  FIXTURE_NAMES,
  readChat,
  seededRandom,
  splitAt,
  withLineEnding,
  type ChatResult,
} from './support.js';

const noStats = { generationStats: undefined, prefillProgress: undefined, keepAlives: 0 };
const exoId = '7c0e2f4a-1b2c-4d5e-8f90-a1b2c3d4e5f6';
const exoModel = 'mlx-community/Llama-3.2-1B-Instruct-4bit';
const exoStats = {
  prompt_tps: 812.4,
  generation_tps: 96.1,
  prompt_tokens: 37,
  generation_tokens: 9,
  peak_memory_usage: { in_bytes: 1288490188 },
  prefix_cache_hit: 'none',
};

/** What each fixture must yield, written from reading the bytes. */
const EXPECTED: Record<(typeof FIXTURE_NAMES)[number], ChatResult> = {
  'chat_stream_usage.sse': {
    observed: [...Array<string>(8).fill('content'), 'done'],
    chunks: 11,
    contentChunks: 8,
    reasoningChunks: 0,
    emptyChunks: 2,
    roleOnlyChunks: 1,
    finishReason: 'length',
    usage: { prompt_tokens: 37, completion_tokens: 8, cached_tokens: 8 },
    ...noStats,
    streamError: undefined,
    invalidEvents: 0,
    sawDone: true,
    responseId: 'chatcmpl-aYl4U90C7smwSWsvhjI1tiIY4UGfw1hB',
    model: 'tiny-llama',
  },
  'chat_stream_nousage.sse': {
    observed: ['content', 'content', 'content', 'content', 'done'],
    chunks: 6,
    contentChunks: 4,
    reasoningChunks: 0,
    emptyChunks: 1,
    roleOnlyChunks: 1,
    finishReason: 'length',
    usage: undefined,
    ...noStats,
    streamError: undefined,
    invalidEvents: 0,
    sawDone: true,
    responseId: 'chatcmpl-1NLshSLxilRa2zgPnZLkYMHealRzOVOT',
    model: 'tiny-llama',
  },
  'chat_stream_eos_stop.sse': {
    observed: ['done'],
    chunks: 3,
    contentChunks: 0,
    reasoningChunks: 0,
    emptyChunks: 2,
    roleOnlyChunks: 1,
    finishReason: 'stop',
    usage: { prompt_tokens: 31, completion_tokens: 1, cached_tokens: 12 },
    ...noStats,
    streamError: undefined,
    invalidEvents: 0,
    sawDone: true,
    responseId: 'chatcmpl-qBq0hBwoHYNTjkplOivicZ9fVrBTKXav',
    model: 'tiny-llama',
  },
  'exo_stream.sse': {
    observed: [...Array<string>(10).fill('content'), 'done'],
    chunks: 12,
    contentChunks: 10,
    reasoningChunks: 0,
    emptyChunks: 1,
    // The `"content":""` chunk mid-stream: it carries the role like every EXO chunk.
    roleOnlyChunks: 1,
    finishReason: 'stop',
    usage: { prompt_tokens: 37, completion_tokens: 9, cached_tokens: 0, reasoning_tokens: 0 },
    generationStats: exoStats,
    prefillProgress: { processed_tokens: 2048, total_tokens: 2048 },
    keepAlives: 2,
    streamError: undefined,
    invalidEvents: 0,
    sawDone: true,
    responseId: exoId,
    model: exoModel,
  },
  'exo_error.sse': {
    observed: ['content', 'done'],
    chunks: 1,
    contentChunks: 1,
    reasoningChunks: 0,
    emptyChunks: 0,
    roleOnlyChunks: 0,
    finishReason: undefined,
    usage: undefined,
    ...noStats,
    keepAlives: 1,
    streamError: {
      message: 'Runner shutdown before completing command (exitcode=1)',
      type: 'InternalServerError',
      code: 500,
    },
    invalidEvents: 0,
    sawDone: true,
    responseId: exoId,
    model: exoModel,
  },
  'exo_eof_without_done.sse': {
    observed: ['content', 'content'],
    chunks: 2,
    contentChunks: 2,
    reasoningChunks: 0,
    emptyChunks: 0,
    roleOnlyChunks: 0,
    finishReason: undefined,
    usage: undefined,
    ...noStats,
    keepAlives: 1,
    streamError: undefined,
    // The last line, cut mid-object, is flushed at end of body and is not JSON.
    invalidEvents: 1,
    sawDone: false,
    responseId: exoId,
    model: exoModel,
  },
  'exo_reasoning.sse': {
    observed: ['reasoning', 'reasoning', 'reasoning', 'content', 'content', 'done'],
    chunks: 6,
    contentChunks: 2,
    reasoningChunks: 3,
    emptyChunks: 1,
    roleOnlyChunks: 0,
    finishReason: 'stop',
    usage: { prompt_tokens: 12, completion_tokens: 5, cached_tokens: 4, reasoning_tokens: 3 },
    generationStats: { ...exoStats, generation_tokens: 5 },
    prefillProgress: undefined,
    keepAlives: 1,
    streamError: undefined,
    invalidEvents: 0,
    sawDone: true,
    responseId: exoId,
    model: exoModel,
  },
  'vllm_reasoning.sse': {
    observed: ['reasoning', 'reasoning', 'content', 'content', 'done'],
    chunks: 6,
    contentChunks: 2,
    reasoningChunks: 2,
    emptyChunks: 1,
    roleOnlyChunks: 1,
    finishReason: 'stop',
    usage: { prompt_tokens: 9, completion_tokens: 5 },
    ...noStats,
    streamError: undefined,
    invalidEvents: 0,
    sawDone: true,
    responseId: 'chatcmpl-42',
    model: 'Qwen/Qwen3-0.6B',
  },
  'multi_token.sse': {
    // One call per chunk, even for a chunk holding a whole sentence.
    observed: ['content', 'content', 'content', 'content', 'done'],
    chunks: 8,
    contentChunks: 4,
    reasoningChunks: 0,
    emptyChunks: 4,
    roleOnlyChunks: 0,
    finishReason: 'length',
    usage: undefined,
    ...noStats,
    streamError: undefined,
    invalidEvents: 0,
    sawDone: true,
    responseId: 'chatcmpl-7',
    model: undefined,
  },
};

function readText(text: string): ChatResult {
  return readChat([encoder.encode(text)]);
}

describe('ChatStreamReader on recorded and hand-written streams', () => {
  it.each(FIXTURE_NAMES)('%s: reads what the bytes say', (name) => {
    expect(readChat([fixture(name)])).toEqual(EXPECTED[name]);
  });

  it.each(FIXTURE_NAMES)('%s: same result at every split point, with LF, CRLF and CR', (name) => {
    for (const bytes of [
      fixture(name),
      withLineEnding(fixture(name), '\r\n'),
      withLineEnding(fixture(name), '\r'),
    ]) {
      for (let cut = 0; cut <= bytes.length; cut++) {
        expect(readChat(splitAt(bytes, [cut]))).toEqual(EXPECTED[name]);
      }
    }
  });

  it.each(FIXTURE_NAMES)('%s: same result for random multi-way splits', (name) => {
    const bytes = fixture(name);
    const random = seededRandom(name.length * 7919);
    for (let trial = 0; trial < 200; trial++) {
      const cuts = Array.from({ length: 1 + Math.floor(random() * 20) }, () =>
        Math.floor(random() * bytes.length),
      );
      expect(readChat(splitAt(bytes, cuts))).toEqual(EXPECTED[name]);
    }
    expect(readChat(Array.from(bytes, (byte) => Uint8Array.of(byte)))).toEqual(EXPECTED[name]);
  });
});

describe('ChatStreamReader byte scan', () => {
  it('tells a token from null, "" and a missing content', () => {
    const result = readText(
      [
        'data: {"choices":[{"delta":{"content":"x"}}]}',
        'data: {"choices":[{"delta":{"content":null}}]}',
        'data: {"choices":[{"delta":{"content":""}}]}',
        'data: {"choices":[{"delta":{}}]}',
        'data: {"choices":[{"delta":{"content":"\\""}}]}',
        'data: {"choices":[{"delta":{"content"\t:\t"y"}}]}',
      ].join('\n\n'),
    );
    expect(result.observed).toEqual(['content', 'content', 'content']);
    expect([result.chunks, result.contentChunks, result.emptyChunks]).toEqual([6, 3, 3]);
  });

  it('does not take "reasoning_content" for "content", and prefers content when a chunk has both', () => {
    const result = readText(
      [
        'data: {"choices":[{"delta":{"reasoning_content":"think","content":null}}]}',
        'data: {"choices":[{"delta":{"reasoning_content":"think","content":"say"}}]}',
        'data: {"choices":[{"delta":{"content":"","reasoning":"hmm"}}]}',
      ].join('\n\n'),
    );
    expect(result.observed).toEqual(['reasoning', 'content', 'reasoning']);
    expect([result.contentChunks, result.reasoningChunks]).toEqual([1, 2]);
  });

  it('reads finish_reason and usage from a chunk that also carries the last token', () => {
    const result = readText(
      'data: {"id":"a","choices":[{"delta":{"content":"end"},"finish_reason":"length"}],"usage":{"prompt_tokens":3,"completion_tokens":4}}\n\n',
    );
    expect(result.observed).toEqual(['content']);
    expect(result.finishReason).toBe('length');
    expect(result.usage).toEqual({ prompt_tokens: 3, completion_tokens: 4 });
  });

  it('takes id and model from the first chunk that has them and ignores nested ids', () => {
    const result = readText(
      [
        'data: {"choices":[{"delta":{"tool_calls":[{"id":"call_1"}]}}]}',
        'data: {"id":"resp\\u002d1","model":"m1","choices":[]}',
        'data: {"id":"resp-2","model":"m2","choices":[]}',
      ].join('\n\n'),
    );
    expect([result.responseId, result.model]).toEqual(['resp-1', 'm1']);
  });

  it('counts data that is not a JSON object as invalid, and never throws', () => {
    const result = readText(
      [
        'data: not json',
        'data: {"choices":[{"delta":{"content":"x"',
        'data: {"choices":"unterminated}',
        'data: {"a":1}}',
        'data: {"a":1} trailing',
        'data:',
        'data: [DONE!]',
        'data: {"choices":[{"delta":{"content":"y"}}],"usage":{"prompt_tokens":1,}}',
        'datum: x',
        'data: {"choices":[{"delta":{"content":"ok"}}]}',
      ].join('\n\n'),
    );
    // The usage chunk needed a parse and failed it: the whole chunk is rejected, token included.
    expect(result.invalidEvents).toBe(9);
    expect(result.observed).toEqual(['content']);
    expect(result.chunks).toBe(1);
  });

  it('records an error chunk without counting it as a chunk, whatever the error looks like', () => {
    expect(readText('data: {"error":"plain text"}\n\n').streamError).toEqual({ message: 'plain text' });
    expect(readText('data: {"error":{"code":"x"}}\n\n').streamError).toEqual({ message: 'null' });
    const nullError = readText('data: {"error":null,"choices":[{"delta":{"content":"x"}}]}\n\n');
    expect([nullError.streamError, nullError.contentChunks]).toEqual([undefined, 1]);
  });

  it('parses EXO comments, counts keep-alives, ignores other comments and counts bad stats', () => {
    const result = readText(
      [
        ': keep-alive',
        ':keep-alive',
        ': keep-alive-ish',
        ': prefill_progress {"processed_tokens":1,"total_tokens":4}',
        ': prefill_progress {"PrefillProgressChunk":{"processed_tokens":2,"total_tokens":4}}',
        ': prefill_progress {"PrefillProgressChunk":{"processed_tokens":"3"}}',
        ': generation_stats {"prompt_tps":1,"peak_memory_usage":{"in_bytes":5}}',
        ': generation_stats {broken',
        ': generation_statsX {}',
        ': hello',
      ].join('\n'),
    );
    expect(result.keepAlives).toBe(2);
    expect(result.prefillProgress).toEqual({ processed_tokens: 2, total_tokens: 4 });
    expect(result.generationStats).toEqual({ prompt_tps: 1, peak_memory_usage: { in_bytes: 5 } });
    expect(result.invalidEvents).toBe(2);
  });

  it('is an SseSink that works with any decoder options', () => {
    const tokens: string[] = [];
    const reader = new ChatStreamReader({
      onToken: (kind) => tokens.push(kind),
      onDone: () => tokens.push('done'),
    });
    const sseDecoder = new SseDecoder(reader, { maxLineBytes: 80 });
    sseDecoder.push(encoder.encode(`data: {"choices":[{"delta":{"content":"${'x'.repeat(100)}"}}]}\n\n`));
    sseDecoder.push(encoder.encode('data: {"choices":[{"delta":{"content":"x"}}]}\n\ndata: [DONE]\n\n'));
    expect(tokens).toEqual(['content', 'done']);
    expect(sseDecoder.oversizedLines).toBe(1);
  });
});

describe('ChatStreamReader properties', () => {
  /** A chunk as OpenAI or EXO would serialise it, with its content or reasoning text. */
  const chunkArbitrary = fc.record({
    text: fc.option(fc.string({ unit: 'grapheme', maxLength: 12 }), { nil: null }),
    field: fc.constantFrom('content', 'reasoning_content', 'reasoning'),
    exoShape: fc.boolean(),
    spaced: fc.boolean(),
  });

  function serialise(chunk: {
    text: string | null;
    field: string;
    exoShape: boolean;
    spaced: boolean;
  }): string {
    const delta: Record<string, unknown> = chunk.exoShape ? { role: 'assistant' } : {};
    delta[chunk.field] = chunk.text;
    const body = chunk.exoShape
      ? { id: 'c', object: 'chat.completion', choices: [{ index: 0, delta }] }
      : { id: 'c', object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: null }] };
    return JSON.stringify(body, null, chunk.spaced ? 1 : undefined).replace(/\n/g, ' ');
  }

  it('reports one token per chunk with text, of the right kind, for any split', () => {
    fc.assert(
      fc.property(
        fc.array(chunkArbitrary, { maxLength: 12 }),
        fc.array(fc.nat({ max: 3000 }), { maxLength: 10 }),
        (chunks, cuts) => {
          const text = chunks.map((chunk) => `data: ${serialise(chunk)}\n\n`).join('') + 'data: [DONE]\n\n';
          const expected = chunks.flatMap((chunk) =>
            chunk.text ? [chunk.field === 'content' ? 'content' : 'reasoning'] : [],
          );
          const result = readChat(splitAt(encoder.encode(text), cuts));
          expect(result.observed).toEqual([...expected, 'done']);
          expect(result.chunks).toBe(chunks.length);
          expect(result.invalidEvents).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never throws on arbitrary bytes, and any split gives the same result', () => {
    const prefixes = fc.constantFrom(
      '',
      'data: ',
      'data: {"choices":[{"delta":{"content":',
      ': generation_stats ',
    );
    fc.assert(
      fc.property(
        prefixes,
        fc.uint8Array({ maxLength: 300 }),
        fc.array(fc.nat({ max: 320 })),
        (prefix, tail, cuts) => {
          const bytes = Uint8Array.from([...encoder.encode(prefix), ...tail]);
          const whole = readChat([bytes]);
          expect(readChat(splitAt(bytes, cuts))).toEqual(whole);
        },
      ),
      { numRuns: 500 },
    );
  });
});
