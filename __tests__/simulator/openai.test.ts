/** The `openai` flavour: a llama.cpp-like OpenAI-compatible server (fixtures/llama-server). */
import { FAST_TEST_PROFILE, startSimulator } from '../../src/simulator/index.js';
import type { SimulatorHandle } from '../../src/simulator/index.js';
import { LLAMA, chatBody, dataChunks, getJson, send, sseEvents } from './helpers.js';
import type { Json } from './helpers.js';

describe('openai flavour', () => {
  let sim: SimulatorHandle;

  beforeAll(async () => {
    sim = await startSimulator({ flavor: 'openai', seed: 1, profile: { ...FAST_TEST_PROFILE } });
  });

  afterAll(async () => {
    await sim.close();
  });

  it('serves /v1/models and nothing of EXO', async () => {
    const models = (await getJson(`${sim.url}/v1/models`)).body as { data: Json[] };
    expect(models.data.map((m) => m.id)).toEqual([LLAMA]);
    for (const path of ['/state', '/node_id', '/models', '/instance/previews?model_id=x']) {
      const res = await getJson(sim.url + path);
      expect(res.status).toBe(404);
    }
  });

  it('streams like llama.cpp: role-only first chunk, chat.completion.chunk, usage chunk only on request', async () => {
    const res = await send(
      'POST',
      `${sim.url}/v1/chat/completions`,
      chatBody({ stream: true, max_tokens: 4, stream_options: { include_usage: true } }),
    );
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(res.headers.get('server')).toBe('llama.cpp');
    expect(res.headers.get('x-accel-buffering')).toBe('no');
    expect(res.headers.get('connection')).toBe('keep-alive');
    expect(res.headers.get('transfer-encoding')).toBe('chunked');
    const events = sseEvents(res.text);
    expect(events.every((e) => e.startsWith('data: '))).toBe(true);
    expect(events.at(-1)).toBe('data: [DONE]');
    const chunks = dataChunks(res.text);
    expect(chunks.map((c) => c.object)).toEqual(Array(7).fill('chat.completion.chunk'));
    expect((chunks[0]!.choices as Json[])[0]).toEqual({
      finish_reason: null,
      index: 0,
      delta: { role: 'assistant', content: null },
    });
    for (const c of chunks.slice(1, 5)) {
      expect((c.choices as Json[])[0]).toEqual({
        finish_reason: null,
        index: 0,
        delta: { content: expect.any(String) },
      });
    }
    expect((chunks[5]!.choices as Json[])[0]).toEqual({ finish_reason: 'length', index: 0, delta: {} });
    expect(chunks[5]).not.toHaveProperty('usage');
    expect(chunks[6]!.choices).toEqual([]);
    expect(chunks[6]!.usage).toEqual({
      completion_tokens: 4,
      prompt_tokens: 35,
      total_tokens: 39,
      prompt_tokens_details: { cached_tokens: expect.any(Number) },
    });
    expect(String(chunks[0]!.id)).toMatch(/^chatcmpl-/);

    const noUsage = await send(
      'POST',
      `${sim.url}/v1/chat/completions`,
      chatBody({ stream: true, max_tokens: 4 }),
    );
    const plain = dataChunks(noUsage.text);
    expect(plain).toHaveLength(6);
    expect(plain.some((c) => 'usage' in c)).toBe(false);
    expect(plain[5]).toHaveProperty('timings');
  });

  it('non-streaming bodies look like chat_nonstream.json', async () => {
    const body = (
      await send('POST', `${sim.url}/v1/chat/completions`, chatBody({ max_tokens: 3 }))
    ).json() as Json;
    expect(body).toMatchObject({
      object: 'chat.completion',
      model: LLAMA,
      usage: { completion_tokens: 3, prompt_tokens: 35, total_tokens: 38 },
    });
    expect((body.choices as Json[])[0]).toMatchObject({
      finish_reason: 'length',
      index: 0,
      message: { role: 'assistant' },
    });
    expect(body).toHaveProperty('timings');
  });

  it('bad bodies get 400 in the OpenAI error shape', async () => {
    const res = await send('POST', `${sim.url}/v1/chat/completions`, { model: LLAMA });
    expect(res.status).toBe(400);
    expect((res.json() as { error: Json }).error).toMatchObject({ code: 400, type: 'invalid_request_error' });
  });
});

describe('openai flavour options', () => {
  it('multi-token chunks, reasoning before content, no usage, early stop', async () => {
    const sim = await startSimulator({
      flavor: 'openai',
      profile: {
        ...FAST_TEST_PROFILE,
        openai: {
          model: 'tiny-llama',
          tokensPerChunk: 3,
          reasoningTokens: 2,
          usage: 'never',
          stopAfterTokens: 7,
          systemFingerprint: 'x',
        },
      },
    });
    try {
      const res = await send('POST', `${sim.url}/v1/chat/completions`, {
        model: 'tiny-llama',
        messages: [{ role: 'user', content: 'hi' }],
        stream: true,
        max_tokens: 50,
        stream_options: { include_usage: true },
      });
      const chunks = dataChunks(res.text);
      const deltas = chunks.map(
        (c) => ((c.choices as Json[])[0] as Json | undefined)?.delta as Json | undefined,
      );
      expect(deltas[0]).toEqual({ role: 'assistant', content: null });
      expect(Object.keys(deltas[1] as Json)).toEqual(['reasoning_content']);
      // 7 tokens: 2 reasoning (one chunk), then 5 content tokens in chunks of 3 + 2.
      expect(deltas.slice(2, 4).map((d) => Object.keys(d as Json))).toEqual([['content'], ['content']]);
      const last = chunks.at(-1) as Json;
      expect((last.choices as Json[])[0]).toMatchObject({ finish_reason: 'stop' });
      expect(chunks.some((c) => 'usage' in c)).toBe(false);
      expect(sim.requests().at(-1)).toMatchObject({
        tokens_emitted: 7,
        finish_reason: 'stop',
        outcome: 'completed',
      });
    } finally {
      await sim.close();
    }
  });
});
