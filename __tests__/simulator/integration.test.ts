import { FAST_TEST_PROFILE, countPromptTokens, startSimulator } from '../../src/simulator/index.js';
import type { SimulatorHandle } from '../../src/simulator/index.js';
import {
  LLAMA,
  dataChunks,
  getJson,
  placeViaPreview,
  send,
  sseEvents,
  tagOf,
  waitFor,
  waitForLinks,
  waitReady,
} from './helpers.js';
import type { Json } from './helpers.js';

describe('a 3-node simulated cluster, end to end', () => {
  let sim: SimulatorHandle;

  beforeAll(async () => {
    sim = await startSimulator({ nodes: 3, seed: 7, profile: { ...FAST_TEST_PROFILE } });
  });

  afterAll(async () => {
    await sim.close();
  });

  it('prints three nodes with distinct 32-hex IDs and ports', () => {
    expect(sim.nodes).toHaveLength(3);
    for (const n of sim.nodes) {
      expect(n.node_id).toMatch(/^[0-9a-f]{32}$/);
      expect(n.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    }
    expect(new Set(sim.nodes.map((n) => n.url)).size).toBe(3);
    expect(sim.url).toBe(sim.nodes[0]?.url);
  });

  it('every node answers its own /node_id and the same 3-node topology, once the links formed', async () => {
    const ids = sim.nodes.map((n) => n.node_id).sort();
    await waitForLinks(sim.url);
    for (const node of sim.nodes) {
      expect((await getJson(`${node.url}/node_id`)).body).toBe(node.node_id);
      const state = (await getJson(`${node.url}/state`)).body as Json;
      const topology = state.topology as {
        nodes: string[];
        connections: Record<string, Record<string, unknown[]>>;
      };
      expect([...topology.nodes].sort()).toEqual(ids);
      for (const a of ids)
        for (const b of ids) if (a !== b) expect(topology.connections[a]?.[b]?.length).toBeGreaterThan(0);
      expect(Object.keys(state.nodeMemory as Json).sort()).toEqual(ids);
      expect(Object.keys(state.nodeBackends as Json).sort()).toEqual(ids);
    }
  });

  it('places Llama via previews + POST /instance, streams a chat, records ground truth, deletes', async () => {
    const url = sim.nodes[1]!.url;
    const instanceId = await placeViaPreview(url, LLAMA, 2);
    await waitReady(url, instanceId);

    const messages = [{ role: 'user', content: 'Tell me about distributed inference.' }];
    const res = await send('POST', `${sim.nodes[2]!.url}/v1/chat/completions`, {
      model: LLAMA,
      messages,
      stream: true,
      max_tokens: 12,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const events = sseEvents(res.text);
    expect(events[0]).toBe(': keep-alive');
    expect(events.at(-1)).toBe('data: [DONE]');
    const chunks = dataChunks(res.text);
    expect(chunks).toHaveLength(13);
    const final = chunks.at(-1) as { choices: Json[]; usage: Json; id: string };
    expect(final.choices[0]?.finish_reason).toBe('length');
    expect(final.usage.completion_tokens).toBe(12);
    expect(final.usage.prompt_tokens).toBe(countPromptTokens(messages));

    const record = await waitFor(async () =>
      sim.requests().find((r) => r.id === final.id && r.outcome !== 'pending'),
    );
    expect(record).toMatchObject({
      endpoint: '/v1/chat/completions',
      model: LLAMA,
      instance_id: instanceId,
      tokens_emitted: 12,
      finish_reason: 'length',
      outcome: 'completed',
      node_index: 2,
    });
    expect(record.first_token_at_ms).toBeGreaterThan(record.arrived_at_ms);
    expect(record.last_token_at_ms).toBeGreaterThan(record.first_token_at_ms as number);

    const http = (await getJson(`${url}/_simulator/requests`)).body as Json[];
    expect(http.some((r) => r.id === final.id && r.outcome === 'completed')).toBe(true);

    // Memory is held by the loaded shards and freed after deletion.
    const usedBefore = await usedRam(url);
    expect(usedBefore).toBeGreaterThanOrEqual(729_808_896 - 2);

    const del = await send('DELETE', `${url}/instance/${instanceId}`);
    expect(del.status).toBe(200);
    expect(del.json()).toMatchObject({ message: 'Command received.', instance_id: instanceId });
    await waitFor(async () => (await getJson(`${url}/instance/${instanceId}`)).status === 404);
    const gone = await getJson(`${url}/instance/${instanceId}`);
    expect(gone.body).toEqual({
      error: { message: 'Instance not found', type: 'Not Found', param: null, code: 404 },
    });
    await waitFor(async () => Object.keys((await getJson(`${url}/state/runners`)).body as Json).length === 0);
    expect(await usedRam(url)).toBe(0);
  });

  async function usedRam(url: string): Promise<number> {
    const memory = (await getJson(`${url}/state/nodeMemory`)).body as Record<string, Json>;
    return Object.values(memory).reduce((sum, m) => {
      const total = (m.ramTotal as Json).inBytes as number;
      const available = (m.ramAvailable as Json).inBytes as number;
      return sum + (total - available) - (137438953472 - 128849018880);
    }, 0);
  }

  it('runner tags are tagged unions', async () => {
    const url = sim.url;
    const id = await placeViaPreview(url, LLAMA, 1);
    await waitReady(url, id);
    const runners = (await getJson(`${url}/state/runners`)).body as Json;
    for (const r of Object.values(runners)) expect(['RunnerReady', 'RunnerRunning']).toContain(tagOf(r));
    await send('DELETE', `${url}/instance/${id}`);
  });
});
