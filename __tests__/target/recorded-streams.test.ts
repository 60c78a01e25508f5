/**
 * Recorded streams of OpenAI-compatible servers, served byte for byte over a real socket, measured by
 * the request engine and the statistics: a multi-token-chunk reasoning stream (vLLM shape), vLLM's
 * reasoning stream, and llama.cpp's streams with and without usage.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Agent } from 'undici';
import { startRequest } from '../../src/load/request.js';
import { computeStatistics, outputLengthStatistics } from '../../src/metrics/aggregate.js';
import type { RequestRecord } from '../../src/metrics/record.js';

const SHARED = join(process.cwd(), '__tests__', 'fixtures', 'sse');
const OWN = join(process.cwd(), '__tests__', 'target', 'fixtures');

describe('recorded OpenAI-compatible streams', () => {
  let server: Server;
  let origin: string;
  const dispatcher = new Agent();
  const bodies = new Map<string, Buffer>([
    ['/multi', readFileSync(join(OWN, 'vllm_multi_token_reasoning.sse'))],
    ['/vllm-reasoning', readFileSync(join(SHARED, 'vllm_reasoning.sse'))],
    ['/llama-usage', readFileSync(join(SHARED, 'chat_stream_usage.sse'))],
    ['/llama-nousage', readFileSync(join(SHARED, 'chat_stream_nousage.sse'))],
  ]);

  beforeAll(async () => {
    server = createServer((req, res) => {
      const body = bodies.get(req.url ?? '');
      req.resume();
      res.writeHead(body ? 200 : 404, { 'content-type': 'text/event-stream' });
      // Three writes with pauses, so that chunks arrive in separate reads like a real stream.
      if (!body) return void res.end();
      const third = Math.ceil(body.length / 3);
      res.write(body.subarray(0, third));
      setTimeout(() => res.write(body.subarray(third, 2 * third)), 15);
      setTimeout(() => res.end(body.subarray(2 * third)), 30);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await dispatcher.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const measure = (path: string): Promise<RequestRecord> =>
    startRequest(
      { origin, path, body: '{}', headers: { 'content-type': 'application/json' } },
      { stage: 's', index: 0, warmup: false, scheduledAtMs: performance.timeOrigin + performance.now() },
      { dispatcher, requestTimeoutMs: 5_000, idleTimeoutMs: 5_000 },
    ).done;

  it('multi-token chunks with reasoning: tokens from usage, chunks counted apart, flagged', async () => {
    const record = await measure('/multi');
    expect(record).toMatchObject({
      ok: true,
      output_tokens: 24,
      output_tokens_source: 'usage',
      token_chunks: 5,
      reasoning_chunks: 2,
      reasoning_tokens: 12,
      prompt_tokens: 512,
      cached_tokens: 496,
      finish_reason: 'length',
    });
    // The role-only opening chunk is not a token: the first token is the first reasoning chunk.
    expect(record.first_content_at_ms!).toBeGreaterThanOrEqual(record.first_token_at_ms!);
    const stats = computeStatistics([record]);
    expect(stats).toMatchObject({
      multi_token_chunk_requests: 1,
      token_chunks: 5,
      reasoning_tokens: 12,
      cache_hit_rate: 496 / 512,
      cache_hit_source: 'cached_tokens',
      token_counts_from_chunks: 0,
    });
    // TPOT divides by the server's 23 gaps between 24 tokens, not by the 4 gaps between chunks.
    const ttft = record.first_token_at_ms! - record.sent_at_ms;
    expect(stats.tpot_ms.p50).toBeCloseTo((record.ended_at_ms - record.sent_at_ms - ttft) / 23, 6);
    expect(outputLengthStatistics([record], 24)).toMatchObject({
      short_requests: 0,
      over_requests: 0,
      finish_reasons: { length: 1 },
    });
  });

  it("vLLM's reasoning stream: reasoning and content chunks apart; EOS-counted usage is not multi-token", async () => {
    const record = await measure('/vllm-reasoning');
    expect(record).toMatchObject({
      ok: true,
      output_tokens: 5,
      token_chunks: 4,
      reasoning_chunks: 2,
      finish_reason: 'stop',
    });
    expect(record.first_content_at_ms).toBeDefined();
    expect(computeStatistics([record]).multi_token_chunk_requests).toBe(0);
  });

  it('llama.cpp with usage: a role-only first chunk is not a token; cached tokens read', async () => {
    const record = await measure('/llama-usage');
    expect(record).toMatchObject({
      ok: true,
      output_tokens: 8,
      output_tokens_source: 'usage',
      token_chunks: 8,
    });
    expect(record.cached_tokens).toBeDefined();
    expect(computeStatistics([record]).multi_token_chunk_requests).toBe(0);
  });

  it('llama.cpp without usage: counts fall back to chunks, flagged', async () => {
    const record = await measure('/llama-nousage');
    expect(record).toMatchObject({ ok: true, output_tokens_source: 'chunks' });
    expect(record.output_tokens).toBe(record.token_chunks);
    expect(record.output_tokens).toBeGreaterThan(0);
    expect(record.prompt_tokens).toBeUndefined();
    const stats = computeStatistics([record]);
    expect(stats.token_counts_from_chunks).toBe(1);
    expect(stats.cache_hit_rate).toBeNull();
  });
});
