/** Fault injection: every kind, set from code and through POST /_simulator/faults. */
import { FAST_TEST_PROFILE, startSimulator } from '../../src/simulator/index.js';
import type { SimulatorHandle } from '../../src/simulator/index.js';
import {
  LLAMA,
  chatBody,
  dataChunks,
  getJson,
  placeViaPreview,
  send,
  sleep,
  sseEvents,
  tagOf,
  waitFor,
  waitReady,
} from './helpers.js';
import type { Json } from './helpers.js';

describe('request faults', () => {
  let sim: SimulatorHandle;

  beforeAll(async () => {
    sim = await startSimulator({
      nodes: 1,
      seed: 9,
      profile: { ...FAST_TEST_PROFILE, keepAliveIntervalMs: 40 },
    });
    const id = await placeViaPreview(sim.url, LLAMA, 1);
    await waitReady(sim.url, id);
  });

  afterEach(() => sim.clearFaults());

  afterAll(async () => {
    await sim.close();
  });

  it('http_error: the next `count` matching requests get the status with EXO bodies', async () => {
    sim.setFaults({
      requests: [
        { kind: 'http_error', status: 503, count: 2, endpoint: 'bench' },
        { kind: 'http_error', status: 422, count: 1, endpoint: 'chat' },
      ],
    });
    const a = await send('POST', `${sim.url}/bench/chat/completions`, chatBody());
    const b = await send('POST', `${sim.url}/bench/chat/completions`, chatBody({ stream: true }));
    const c = await send('POST', `${sim.url}/bench/chat/completions`, chatBody());
    expect([a.status, b.status, c.status]).toEqual([503, 503, 200]);
    expect(a.json()).toMatchObject({ error: { type: 'Service Unavailable', code: 503, param: null } });
    const d = await send('POST', `${sim.url}/v1/chat/completions`, chatBody());
    expect(d.status).toBe(422);
    expect(d.json()).toHaveProperty('detail');
    const outcomes = sim
      .requests()
      .slice(-4)
      .map((r) => [r.outcome, r.http_status]);
    expect(outcomes).toEqual([
      ['http_error', 503],
      ['http_error', 503],
      ['completed', 200],
      ['http_error', 422],
    ]);
  });

  it('http_error by fraction, through the HTTP control endpoint', async () => {
    const set = await send('POST', `${sim.url}/_simulator/faults`, {
      requests: [{ kind: 'http_error', status: 429, fraction: 0.5 }],
    });
    expect(set.status).toBe(200);
    const statuses = await Promise.all(
      Array.from({ length: 40 }, () =>
        send('POST', `${sim.url}/v1/chat/completions`, chatBody({ max_tokens: 1 })).then((r) => r.status),
      ),
    );
    const hit = statuses.filter((s) => s === 429).length;
    expect(hit).toBeGreaterThan(5);
    expect(hit).toBeLessThan(35);
    expect((await send('DELETE', `${sim.url}/_simulator/faults`)).status).toBe(200);
    expect((await send('POST', `${sim.url}/v1/chat/completions`, chatBody({ max_tokens: 1 }))).status).toBe(
      200,
    );
    const bad = await send('POST', `${sim.url}/_simulator/faults`, { requests: [{ kind: 'explode' }] });
    expect(bad.status).toBe(400);
  });

  it('error_chunk after N tokens: 200, N tokens, the error data line, [DONE]', async () => {
    sim.setFaults({ requests: [{ kind: 'error_chunk', afterTokens: 3, count: 1 }] });
    const res = await send(
      'POST',
      `${sim.url}/v1/chat/completions`,
      chatBody({ stream: true, max_tokens: 10 }),
    );
    expect(res.status).toBe(200);
    const events = sseEvents(res.text);
    expect(events.at(-1)).toBe('data: [DONE]');
    expect(JSON.parse((events.at(-2) as string).slice(6))).toEqual({
      error: {
        message: 'Runner shutdown before completing command (exitcode=1)',
        type: 'InternalServerError',
        code: 500,
      },
    });
    expect(dataChunks(res.text).filter((c) => 'choices' in c)).toHaveLength(3);
    expect(sim.requests().at(-1)).toMatchObject({ outcome: 'error_chunk', tokens_emitted: 3 });
  });

  it('error_chunk on a non-streaming bench request is 500 text/plain Internal Server Error (12.6)', async () => {
    sim.setFaults({ requests: [{ kind: 'error_chunk', afterTokens: 1, count: 1, message: 'boom' }] });
    const res = await send('POST', `${sim.url}/bench/chat/completions`, chatBody());
    expect(res.status).toBe(500);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(res.text).toBe('Internal Server Error');
    expect(sim.requests().at(-1)).toMatchObject({ outcome: 'error_chunk', http_status: 500 });
  });

  it('error_chunk on a non-streaming chat request is HTTP 200 application/json with an empty body (12.6)', async () => {
    sim.setFaults({ requests: [{ kind: 'error_chunk', afterTokens: 1, count: 1, message: 'boom' }] });
    const res = await send('POST', `${sim.url}/v1/chat/completions`, chatBody());
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.text).toBe('');
    expect(sim.requests().at(-1)).toMatchObject({ outcome: 'error_chunk', http_status: 200 });
  });

  it('eof after N tokens: the stream ends without [DONE]', async () => {
    sim.setFaults({ requests: [{ kind: 'eof', afterTokens: 2, count: 1 }] });
    const res = await send(
      'POST',
      `${sim.url}/v1/chat/completions`,
      chatBody({ stream: true, max_tokens: 10 }),
    );
    expect(res.text).not.toContain('[DONE]');
    expect(dataChunks(res.text)).toHaveLength(2);
    expect(sim.requests().at(-1)).toMatchObject({ outcome: 'eof', tokens_emitted: 2 });
  });

  it('stall: no bytes at all (not even keep-alives) for stallMs after N tokens, then completion', async () => {
    sim.setFaults({ requests: [{ kind: 'stall', afterTokens: 2, stallMs: 200, count: 1 }] });
    const res = await fetch(`${sim.url}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify(chatBody({ stream: true, max_tokens: 5 })),
    });
    const reader = res.body!.getReader();
    const arrivals: { at: number; text: string }[] = [];
    for (let i = 0; i < 1000; i++) {
      const { value, done } = await reader.read();
      if (done) break;
      arrivals.push({ at: performance.now(), text: new TextDecoder().decode(value) });
    }
    const all = arrivals.map((a) => a.text).join('');
    expect(all.endsWith('data: [DONE]\n\n')).toBe(true);
    const gaps = arrivals.slice(1).map((a, i) => a.at - arrivals[i]!.at);
    expect(Math.max(...gaps)).toBeGreaterThan(180);
    expect(sim.requests().at(-1)).toMatchObject({ outcome: 'completed', tokens_emitted: 5, fault: 'stall' });
  });

  it('slow_headers: the status line comes only after delayMs', async () => {
    sim.setFaults({ requests: [{ kind: 'slow_headers', delayMs: 150, count: 1 }] });
    const started = performance.now();
    const res = await fetch(`${sim.url}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify(chatBody({ stream: true, max_tokens: 2 })),
    });
    expect(performance.now() - started).toBeGreaterThan(140);
    const text = await res.text();
    expect(text.startsWith(': keep-alive\n\n')).toBe(true);
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
  });

  it('keep_alive_only: accepted, then keep-alives only until the client leaves', async () => {
    sim.setFaults({ requests: [{ kind: 'keep_alive_only', count: 1 }] });
    const controller = new AbortController();
    const res = await fetch(`${sim.url}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify(chatBody({ stream: true })),
      signal: controller.signal,
    });
    const reader = res.body!.getReader();
    let text = '';
    for (let i = 0; i < 100 && text.split(': keep-alive').length < 4; i++) {
      const { value } = await reader.read();
      text += new TextDecoder().decode(value);
    }
    expect(text).not.toContain('data:');
    const tasks = (await getJson(`${sim.url}/state/tasks`)).body as Json;
    const gen = Object.values(tasks).filter((t) => tagOf(t) === 'TextGeneration');
    expect(gen).toHaveLength(1);
    controller.abort();
    await waitFor(async () => sim.requests().at(-1)?.outcome === 'client_disconnected');
    // EXO never removes the task of a client that went away (12.5): it stays Cancelled, prompt included.
    await waitFor(async () => {
      const after = Object.values((await getJson(`${sim.url}/state/tasks`)).body as Json);
      const task = after.find((t) => tagOf(t) === 'TextGeneration') as Json | undefined;
      return (task?.TextGeneration as Json | undefined)?.taskStatus === 'Cancelled';
    });
  });

  it('the server survives clients that disconnect mid-stream', async () => {
    for (let i = 0; i < 5; i++) {
      const controller = new AbortController();
      const res = await fetch(`${sim.url}/v1/chat/completions`, {
        method: 'POST',
        body: JSON.stringify(chatBody({ stream: true, max_tokens: 1000 })),
        signal: controller.signal,
      });
      await res.body!.getReader().read();
      controller.abort();
    }
    await waitFor(async () =>
      sim
        .requests()
        .slice(-5)
        .every((r) => r.outcome === 'client_disconnected'),
    );
    expect((await send('POST', `${sim.url}/v1/chat/completions`, chatBody({ max_tokens: 2 }))).status).toBe(
      200,
    );
  });
});

describe('cluster faults', () => {
  it('runner failure while loading: RunnerFailed latched, retried, then Ready', async () => {
    const sim = await startSimulator({
      nodes: 1,
      seed: 2,
      profile: { ...FAST_TEST_PROFILE, retryBackoffBaseMs: 80 },
    });
    try {
      sim.setFaults({
        runnerFailure: {
          failures: 2,
          atLayer: 4,
          errorMessage: 'Terminated (exitcode=1)\nRunner error: OOM',
        },
      });
      const id = await placeViaPreview(sim.url, LLAMA, 1);
      const failed = await waitFor(
        async () => {
          const runners = (await getJson(`${sim.url}/state/runners`)).body as Json;
          const r = Object.values(runners)[0] as Json | undefined;
          return r && tagOf(r) === 'RunnerFailed' ? r : null;
        },
        3000,
        2,
      );
      expect(failed.RunnerFailed).toEqual({
        errorMessage: 'Terminated (exitcode=1)\nRunner error: OOM',
        diagnostics: [],
      });
      await waitReady(sim.url, id, 5000);
      expect((await getJson(`${sim.url}/instance/${id}`)).status).toBe(200);
    } finally {
      await sim.close();
    }
  });

  it('five failed runner creations delete the instance', async () => {
    const sim = await startSimulator({
      nodes: 1,
      seed: 2,
      profile: { ...FAST_TEST_PROFILE, retryBackoffBaseMs: 5, retryBackoffCapMs: 20 },
    });
    try {
      sim.setFaults({ runnerFailure: { failures: 5, atLayer: 1 } });
      const id = await placeViaPreview(sim.url, LLAMA, 1);
      await waitFor(async () => (await getJson(`${sim.url}/instance/${id}`)).status === 200);
      await waitFor(async () => (await getJson(`${sim.url}/instance/${id}`)).status === 404, 5000);
      await waitFor(
        async () => Object.keys((await getJson(`${sim.url}/state/runners`)).body as Json).length === 0,
      );
    } finally {
      await sim.close();
    }
  });

  it('placement that fails silently: /place_instance says 200 and nothing appears', async () => {
    const sim = await startSimulator({
      nodes: 1,
      profile: { ...FAST_TEST_PROFILE, faults: { placementFailure: { count: 1 } } },
    });
    try {
      expect((await send('POST', `${sim.url}/place_instance`, { model_id: LLAMA })).status).toBe(200);
      await sleep(50);
      expect((await getJson(`${sim.url}/state/instances`)).body).toEqual({});
      expect((await send('POST', `${sim.url}/place_instance`, { model_id: LLAMA })).status).toBe(200);
      await waitFor(
        async () => Object.keys((await getJson(`${sim.url}/state/instances`)).body as Json).length === 1,
      );
    } finally {
      await sim.close();
    }
  });

  it('node loss: the node leaves the topology, its instances are deleted, its API stops answering', async () => {
    const sim = await startSimulator({ nodes: 3, seed: 4, profile: { ...FAST_TEST_PROFILE } });
    try {
      const id = await placeViaPreview(sim.url, LLAMA, 3);
      await waitReady(sim.url, id);
      const stream = send(
        'POST',
        `${sim.url}/v1/chat/completions`,
        chatBody({ stream: true, max_tokens: 100000 }),
      );
      await waitFor(async () => (sim.requests().at(-1)?.tokens_emitted ?? 0) > 1);
      await sim.killNode(2);
      const res = await stream;
      expect(res.text).not.toContain('[DONE]');
      await expect(fetch(`${sim.nodes[2]!.url}/node_id`)).rejects.toThrow();
      const topology = (await getJson(`${sim.url}/state/topology/nodes`)).body as string[];
      expect(topology).toEqual([sim.nodes[0]!.node_id, sim.nodes[1]!.node_id]);
      await waitFor(async () => (await getJson(`${sim.url}/instance/${id}`)).status === 404);
      expect(sim.requests().at(-1)?.outcome).toBe('deleted');
    } finally {
      await sim.close();
    }
  });

  it('node loss scheduled through the fault spec', async () => {
    const sim = await startSimulator({ nodes: 2, profile: { ...FAST_TEST_PROFILE } });
    try {
      const set = await send('POST', `${sim.url}/_simulator/faults`, {
        nodeLoss: [{ node: 1, afterMs: 20 }],
      });
      expect(set.status).toBe(200);
      await waitFor(
        async () => ((await getJson(`${sim.url}/state/topology/nodes`)).body as string[]).length === 1,
      );
    } finally {
      await sim.close();
    }
  });
});
