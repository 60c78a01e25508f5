/** Pins the wire format against the examples of exo-api.md (casing, tagged unions, errors, SSE). */
import { FAST_TEST_PROFILE, startSimulator } from '../../src/simulator/index.js';
import type { SimulatorHandle } from '../../src/simulator/index.js';
import {
  LLAMA,
  QWEN,
  chatBody,
  dataChunks,
  getJson,
  placeViaPreview,
  send,
  sseEvents,
  tagOf,
  waitReady,
} from './helpers.js';
import type { Json } from './helpers.js';

const UNPLACED = 'sim/Unplaced-1B';
const envelope = (code: number, type: string, message: string): Json => ({
  error: { message, type, param: null, code },
});

describe('EXO wire format', () => {
  let sim: SimulatorHandle;
  let url: string;
  let instanceId: string;

  beforeAll(async () => {
    sim = await startSimulator({
      nodes: 2,
      seed: 3,
      profile: {
        ...FAST_TEST_PROFILE,
        prefillProgressChunkTokens: 64,
        models: [{ modelId: UNPLACED, nLayers: 4, storageSizeBytes: 1_000_000 }],
      },
    });
    url = sim.url;
    instanceId = await placeViaPreview(url, LLAMA, 1);
    await waitReady(url, instanceId);
  });

  afterAll(async () => {
    await sim.close();
  });

  describe('state', () => {
    it('/state has every section, camelCase keys and ISO timestamps ending in Z', async () => {
      const state = (await getJson(`${url}/state`)).body as Json;
      for (const key of [
        'instances',
        'runners',
        'downloads',
        'tasks',
        'lastSeen',
        'topology',
        'lastEventAppliedIdx',
        'nodeIdentities',
        'nodeMemory',
        'nodeDisk',
        'nodeSystem',
        'nodeNetwork',
        'nodeThunderbolt',
        'nodeThunderboltBridge',
        'nodeRdmaCtl',
        'nodeBackends',
        'thunderboltBridgeCycles',
        'instanceLinks',
        'prefillServerPorts',
        'customModelCards',
      ]) {
        expect(state).toHaveProperty(key);
      }
      const node = sim.nodes[0]!.node_id;
      expect((state.nodeIdentities as Json)[node]).toMatchObject({
        chipId: 'Apple M3 Ultra',
        friendlyName: 'sim-0',
      });
      expect((state.nodeMemory as Record<string, Json>)[node]?.ramTotal).toEqual({ inBytes: 137438953472 });
      expect((state.nodeBackends as Json)[node]).toEqual(['MlxCpu', 'MlxMetal']);
      expect((state.lastSeen as Record<string, string>)[node]).toMatch(
        /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/,
      );
      const inst = (state.instances as Json)[instanceId] as Json;
      expect(tagOf(inst)).toBe('MlxRingInstance');
      const body = inst.MlxRingInstance as Json;
      expect(Object.keys(body).sort()).toEqual([
        'ephemeralPort',
        'hostsByNode',
        'instanceId',
        'shardAssignments',
      ]);
      const shard = Object.values((body.shardAssignments as Json).runnerToShard as Json)[0] as Json;
      expect(tagOf(shard)).toBe('PipelineShardMetadata');
      expect(shard.PipelineShardMetadata).toMatchObject({
        startLayer: 0,
        endLayer: 16,
        nLayers: 16,
        deviceRank: 0,
        worldSize: 1,
      });
      const downloads = (state.downloads as Record<string, Json[]>)[node] as Json[];
      expect(tagOf(downloads[0])).toBe('DownloadCompleted');
    });

    it('lastEventAppliedIdx increases over time', async () => {
      const a = (await getJson(`${url}/state/lastEventAppliedIdx`)).body as number;
      await new Promise((r) => setTimeout(r, 250));
      const b = (await getJson(`${url}/state/lastEventAppliedIdx`)).body as number;
      expect(b).toBeGreaterThan(a);
    });

    it('/state/{path} walks keys and list indices, uses +00:00 timestamps, 404s with the envelope', async () => {
      const node = sim.nodes[1]!.node_id;
      expect((await getJson(`${url}/state/topology/nodes/1`)).body).toBe(node);
      expect((await getJson(`${url}/state/nodeMemory/${node}/ramTotal/inBytes`)).body).toBe(137438953472);
      expect((await getJson(`${url}/state/lastSeen/${node}`)).body).toMatch(/\.\d{6}\+00:00$/);
      const missing = await getJson(`${url}/state/runners/abc`);
      expect(missing.status).toBe(404);
      expect(missing.body).toEqual(
        envelope(404, 'Not Found', "unable to find path 'runners.abc' in state json"),
      );
    });

    it('/node_id is a bare JSON string', async () => {
      const res = await send('GET', `${url}/node_id`);
      expect(res.text).toBe(JSON.stringify(sim.nodes[0]!.node_id));
    });
  });

  describe('models and placement', () => {
    it('/models and /v1/models list the catalogue in snake_case', async () => {
      for (const path of ['/models', '/v1/models']) {
        const body = (await getJson(url + path)).body as { object: string; data: Json[] };
        expect(body.object).toBe('list');
        const llama = body.data.find((m) => m.id === LLAMA);
        expect(llama).toMatchObject({
          object: 'model',
          hugging_face_id: LLAMA,
          name: 'Llama-3.2-1B-Instruct-4bit',
          supports_tensor: true,
        });
        expect(body.data.some((m) => m.id === QWEN)).toBe(true);
      }
      const downloaded = (await getJson(`${url}/models?status=downloaded`)).body as { data: Json[] };
      expect(downloaded.data.map((m) => m.id)).toEqual([LLAMA]);
    });

    it('previews cover Pipeline/Tensor × MlxRing/MlxJaccl with the RDMA error', async () => {
      const body = (await getJson(`${url}/instance/previews?model_id=${LLAMA}`)).body as { previews: Json[] };
      const jaccl = body.previews.filter((p) => p.instance_meta === 'MlxJaccl');
      expect(jaccl.length).toBeGreaterThan(0);
      for (const p of jaccl) {
        expect(p).toMatchObject({
          instance: null,
          memory_delta_by_node: null,
          error: 'Requested RDMA (MlxJaccl) but no RDMA-connected cycles available',
        });
      }
      const ok = body.previews.filter((p) => p.error === null);
      expect(
        ok.map((p) => `${p.sharding}/${Object.keys(p.memory_delta_by_node as Json).length}`).sort(),
      ).toEqual(['Pipeline/1', 'Pipeline/2', 'Tensor/1', 'Tensor/2']);
      // A 1-node "Tensor" preview holds a Pipeline/MlxRing instance.
      const tensor1 = ok.find(
        (p) => p.sharding === 'Tensor' && Object.keys(p.memory_delta_by_node as Json).length === 1,
      ) as Json;
      const inner = (tensor1.instance as Json).MlxRingInstance as Json;
      expect(tagOf(Object.values((inner.shardAssignments as Json).runnerToShard as Json)[0])).toBe(
        'PipelineShardMetadata',
      );
    });

    it('previews: 422 without model_id, 400 for an unknown model', async () => {
      const missing = await getJson(`${url}/instance/previews`);
      expect(missing.status).toBe(422);
      expect(missing.body).toEqual({
        detail: [{ type: 'missing', loc: ['query', 'model_id'], msg: 'Field required', input: null }],
      });
      expect((await getJson(`${url}/instance/previews?model_id=nope/nope`)).status).toBe(400);
    });

    it('/instance/placement returns an instance, 400 on placement errors, 422 on bad enums', async () => {
      const ok = await getJson(
        `${url}/instance/placement?model_id=${LLAMA}&sharding=Pipeline&instance_meta=MlxRing&min_nodes=2`,
      );
      expect(ok.status).toBe(200);
      expect(tagOf(ok.body)).toBe('MlxRingInstance');
      const rdma = await getJson(`${url}/instance/placement?model_id=${LLAMA}&instance_meta=MlxJaccl`);
      expect(rdma.status).toBe(400);
      expect(rdma.body).toEqual(
        envelope(400, 'Bad Request', 'Requested RDMA (MlxJaccl) but no RDMA-connected cycles available'),
      );
      const bad = await getJson(`${url}/instance/placement?model_id=${LLAMA}&sharding=Diagonal`);
      expect(bad.status).toBe(422);
      expect((bad.body as { detail: Json[] }).detail[0]).toMatchObject({
        type: 'enum',
        loc: ['query', 'sharding'],
      });
      const unknown = await send('GET', `${url}/instance/placement?model_id=nope/nope`);
      expect(unknown.status).toBe(500);
      expect(unknown.text).toBe('Internal Server Error');
    });

    it('/place_instance acknowledges with a camelCase model card and no instance ID', async () => {
      const res = await send('POST', `${url}/place_instance`, { model_id: QWEN });
      expect(res.status).toBe(200);
      const ack = res.json() as Json;
      expect(ack.message).toBe('Command received.');
      expect(ack.command_id).toMatch(/^[0-9a-f-]{36}$/);
      expect(ack.model_card).toMatchObject({
        modelId: QWEN,
        storageSize: { inBytes: expect.any(Number) },
        nLayers: 28,
      });
      expect(ack).not.toHaveProperty('instance_id');
      const bad = await send('POST', `${url}/place_instance`, { sharding: 'Pipeline' });
      expect(bad.status).toBe(422);
      expect((bad.json() as { detail: Json[] }).detail[0]).toMatchObject({
        type: 'missing',
        loc: ['body', 'model_id'],
      });
    });

    it('POST /instance: 422 on a malformed instance, 400 when memory is short', async () => {
      const malformed = await send('POST', `${url}/instance`, { instance: { Nonsense: {} } });
      expect(malformed.status).toBe(422);
      expect(malformed.json()).toHaveProperty('detail');
      const bad = await send('POST', `${url}/instance`, '{"instance": ');
      expect(bad.status).toBe(422);
      expect((bad.json() as { detail: Json[] }).detail[0]).toMatchObject({
        type: 'json_invalid',
        msg: 'JSON decode error',
      });
    });

    it('GET and DELETE of an unknown instance give the 404 envelope', async () => {
      for (const method of ['GET', 'DELETE']) {
        const res = await send(method, `${url}/instance/00000000-0000-4000-8000-000000000000`);
        expect(res.status).toBe(404);
        expect(res.json()).toEqual(envelope(404, 'Not Found', 'Instance not found'));
      }
    });

    it('/instance/await answers with snake_case inside SSE, and times out', async () => {
      const ready = await send('GET', `${url}/instance/await?model_id=${LLAMA}&timeout_seconds=1`);
      expect(ready.status).toBe(200);
      const events = sseEvents(ready.text);
      expect(events[0]).toBe(': keep-alive');
      const msg = JSON.parse((events.at(-1) as string).slice(6)) as Json;
      expect(msg.type).toBe('ready');
      const inner = (msg.instance as Json).MlxRingInstance as Json;
      expect(inner).toHaveProperty('instance_id', instanceId);
      expect(inner).toHaveProperty('shard_assignments');
      expect(inner).toHaveProperty('ephemeral_port');
      const timeout = await send('GET', `${url}/instance/await?model_id=nobody/nothing&timeout_seconds=0.05`);
      expect(JSON.parse(sseEvents(timeout.text).at(-1)!.slice(6))).toEqual({
        type: 'timeout',
        message: 'No instance found for model nobody/nothing',
      });
      expect((await send('GET', `${url}/instance/await?model_id=${LLAMA}&timeout_seconds=301`)).status).toBe(
        422,
      );
    });
  });

  describe('chat completions', () => {
    it('404 envelope for a model without an instance (streaming or not)', async () => {
      for (const stream of [false, true]) {
        for (const path of ['/v1/chat/completions', '/bench/chat/completions']) {
          const res = await send('POST', url + path, chatBody({ model: UNPLACED, stream }));
          expect(res.status).toBe(404);
          expect(res.json()).toEqual(envelope(404, 'Not Found', `No instance found for model ${UNPLACED}`));
        }
      }
    });

    it('422 FastAPI detail for bad bodies', async () => {
      const missing = await send('POST', `${url}/v1/chat/completions`, { model: LLAMA });
      expect(missing.status).toBe(422);
      expect(missing.json()).toEqual({
        detail: [
          { type: 'missing', loc: ['body', 'messages'], msg: 'Field required', input: { model: LLAMA } },
        ],
      });
      const role = await send('POST', `${url}/bench/chat/completions`, {
        model: LLAMA,
        messages: [{ role: 'robot', content: 'x' }],
      });
      expect((role.json() as { detail: Json[] }).detail[0]).toMatchObject({
        type: 'literal_error',
        loc: ['body', 'messages', 0, 'role'],
      });
      const notJson = await send('POST', `${url}/v1/chat/completions`, 'not json');
      expect(notJson.status).toBe(422);
      const maxTokens = await send('POST', `${url}/v1/chat/completions`, chatBody({ max_tokens: 'many' }));
      expect((maxTokens.json() as { detail: Json[] }).detail[0]).toMatchObject({
        type: 'int_parsing',
        loc: ['body', 'max_tokens'],
      });
    });

    it('SSE framing: keep-alive first, one data per token, final usage chunk, generation_stats, [DONE]', async () => {
      const res = await send('POST', `${url}/v1/chat/completions`, chatBody({ stream: true, max_tokens: 5 }));
      expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(res.headers.get('connection')).toBe('close');
      expect(res.headers.get('x-accel-buffering')).toBe('no');
      const events = sseEvents(res.text);
      expect(events[0]).toBe(': keep-alive');
      expect(events.at(-1)).toBe('data: [DONE]');
      expect(events.at(-2)).toMatch(/^: generation_stats \{/);
      const stats = JSON.parse((events.at(-2) as string).slice(': generation_stats '.length)) as Json;
      expect(stats).toMatchObject({
        prompt_tokens: 35,
        generation_tokens: 5,
        prefix_cache_hit: expect.any(String),
      });
      expect(stats.peak_memory_usage).toEqual({ in_bytes: expect.any(Number) });
      const chunks = dataChunks(res.text);
      expect(chunks).toHaveLength(6);
      for (const c of chunks.slice(0, 5)) {
        expect(Object.keys(c)).toEqual(['id', 'object', 'created', 'model', 'choices']);
        expect(c.object).toBe('chat.completion');
        expect(c.model).toBe(LLAMA);
        const choice = (c.choices as Json[])[0] as Json;
        expect(choice).toEqual({ index: 0, delta: { role: 'assistant', content: expect.any(String) } });
        expect(((choice.delta as Json).content as string).length).toBeGreaterThan(0);
      }
      const final = chunks[5] as Json;
      expect((final.choices as Json[])[0]).toEqual({
        index: 0,
        delta: { role: 'assistant', content: '' },
        finish_reason: 'length',
      });
      expect(final.usage).toEqual({
        prompt_tokens: 35,
        completion_tokens: 5,
        total_tokens: 40,
        prompt_tokens_details: { cached_tokens: expect.any(Number), audio_tokens: 0 },
        completion_tokens_details: {
          reasoning_tokens: 0,
          audio_tokens: 0,
          accepted_prediction_tokens: 0,
          rejected_prediction_tokens: 0,
        },
      });
      expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    });

    it('long prompts get prefill_progress comments before the first token', async () => {
      const long = 'word '.repeat(300);
      const res = await send(
        'POST',
        `${url}/bench/chat/completions`,
        chatBody({ stream: true, messages: [{ role: 'user', content: long }] }),
      );
      const events = sseEvents(res.text);
      const progress = events.filter((e) => e.startsWith(': prefill_progress '));
      expect(progress.length).toBeGreaterThanOrEqual(4);
      const first = JSON.parse((progress[0] as string).slice(': prefill_progress '.length)) as Json;
      expect(first).toEqual({
        PrefillProgressChunk: { model: LLAMA, processed_tokens: 64, total_tokens: 331 },
      });
      expect(events.findIndex((e) => e.startsWith('data: '))).toBeGreaterThan(
        events.indexOf(progress.at(-1) as string),
      );
    });

    it('non-streaming chat: one JSON object, nulls omitted, usage present', async () => {
      const res = await send('POST', `${url}/v1/chat/completions`, chatBody({ max_tokens: 3 }));
      expect(res.headers.get('content-type')).toBe('application/json');
      const body = res.json() as Json;
      expect(Object.keys(body)).toEqual(['id', 'object', 'created', 'model', 'choices', 'usage']);
      expect((body.choices as Json[])[0]).toEqual({
        index: 0,
        message: { role: 'assistant', content: expect.any(String) },
        finish_reason: 'length',
      });
      expect(body.usage).toMatchObject({ completion_tokens: 3 });
    });

    it('non-streaming bench: usage null, camelCase inBytes, power_usage, exactly max_tokens', async () => {
      const body = (
        await send('POST', `${url}/bench/chat/completions`, chatBody({ max_tokens: 7 }))
      ).json() as Json;
      expect(body.usage).toBeNull();
      expect(body.service_tier).toBeNull();
      const choice = (body.choices as Json[])[0] as Json;
      expect(choice.finish_reason).toBe('length');
      expect(choice.logprobs).toBeNull();
      expect(choice.message).toMatchObject({ role: 'assistant', reasoning_content: null, tool_calls: null });
      expect(body.generation_stats).toMatchObject({
        generation_tokens: 7,
        prefix_cache_hit: 'none',
        peak_memory_usage: { inBytes: expect.any(Number) },
      });
      expect(body.power_usage).toMatchObject({
        nodes: expect.any(Array),
        total_energy_joules: expect.any(Number),
        prefill_seconds: expect.any(Number),
      });
    });

    it('bench prefix cache only with use_prefix_cache; identical prompts then hit exactly', async () => {
      const messages = [{ role: 'user', content: `cache me ${'x '.repeat(40)}` }];
      const a = (
        await send('POST', `${url}/bench/chat/completions`, chatBody({ messages, use_prefix_cache: true }))
      ).json() as Json;
      const b = (
        await send('POST', `${url}/bench/chat/completions`, chatBody({ messages, use_prefix_cache: true }))
      ).json() as Json;
      const c = (await send('POST', `${url}/bench/chat/completions`, chatBody({ messages }))).json() as Json;
      expect((a.generation_stats as Json).prefix_cache_hit).toBe('none');
      expect((b.generation_stats as Json).prefix_cache_hit).toBe('exact');
      expect((c.generation_stats as Json).prefix_cache_hit).toBe('none');
      const longer = [...messages, { role: 'user', content: 'and more' }];
      const d = (
        await send('POST', `${url}/v1/chat/completions`, chatBody({ messages: longer }))
      ).json() as Json;
      expect(((d.usage as Json).prompt_tokens_details as Json).cached_tokens).toBeGreaterThan(0);
    });

    it('/v1/cancel: 404 for unknown commands; a cancelled stream ends without [DONE]', async () => {
      const unknown = await send('POST', `${url}/v1/cancel/nothing`);
      expect(unknown.status).toBe(404);
      expect(unknown.json()).toEqual(envelope(404, 'Not Found', 'Command not found or already completed'));
      const res = await fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        body: JSON.stringify(chatBody({ stream: true, max_tokens: 100000 })),
      });
      const reader = res.body!.getReader();
      let text = '';
      let id: string | null = null;
      for (let i = 0; i < 100 && id === null; i++) {
        const { value } = await reader.read();
        text += new TextDecoder().decode(value);
        id = /"id":"([^"]+)"/.exec(text)?.[1] ?? null;
      }
      const cancel = await send('POST', `${url}/v1/cancel/${id}`);
      expect(cancel.json()).toEqual({ message: 'Command cancelled.', command_id: id });
      for (let i = 0; i < 100000; i++) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
      expect(text).not.toContain('[DONE]');
      const record = sim.requests().find((r) => r.id === id);
      expect(record?.outcome).toBe('cancelled');
    });

    it('unknown paths get a 404 envelope', async () => {
      const res = await send('GET', `${url}/no/such/path`);
      expect(res.status).toBe(404);
      expect(res.json()).toEqual(envelope(404, 'Not Found', 'Not Found'));
    });
  });
});
