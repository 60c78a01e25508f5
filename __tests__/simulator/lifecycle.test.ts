/** Runner state machine, downloads, tasks, batching, routing and memory (exo-api.md 2.3, 4.9, 7). */
import { FAST_TEST_PROFILE, startSimulator } from '../../src/simulator/index.js';
import type { SimulatorHandle } from '../../src/simulator/index.js';
import {
  LLAMA,
  QWEN,
  chatBody,
  getJson,
  placeViaPreview,
  send,
  sleep,
  tagOf,
  waitFor,
  waitReady,
} from './helpers.js';
import type { Json } from './helpers.js';

/** Polls /state every few ms and records the distinct consecutive runner tags of one instance. */
async function watchRunnerTags(
  url: string,
  instanceId: string,
  until: (tags: string[]) => boolean,
): Promise<string[]> {
  const seen: string[] = [];
  await waitFor(
    async () => {
      const state = (await getJson(`${url}/state`)).body as { instances: Json; runners: Json };
      const inst = state.instances[instanceId] as Json | undefined;
      const runnerIds = inst
        ? Object.keys(((Object.values(inst)[0] as Json).shardAssignments as Json).runnerToShard as Json)
        : [];
      const runner = runnerIds.length > 0 ? state.runners[runnerIds[0] as string] : undefined;
      const tag = runner ? tagOf(runner) : 'absent';
      if (seen.at(-1) !== tag) seen.push(tag);
      return until(seen);
    },
    8000,
    2,
  );
  return seen;
}

function isSubsequence(needle: string[], haystack: string[]): boolean {
  let i = 0;
  for (const h of haystack) if (h === needle[i]) i++;
  return i === needle.length;
}

describe('runner lifecycle', () => {
  let sim: SimulatorHandle;

  beforeAll(async () => {
    sim = await startSimulator({
      nodes: 2,
      seed: 11,
      profile: {
        ...FAST_TEST_PROFILE,
        // Long enough phases that polling sees each one even on a busy 2-core machine.
        runnerIdleMs: 120,
        runnerConnectMs: 120,
        loadDurationMs: 320,
        runnerLoadedMs: 120,
        warmupMs: 120,
        shutdownMs: 120,
        modelsOnDisk: [LLAMA],
        downloadBytesPerSecond: 1_000_000_000,
      },
    });
  });

  afterAll(async () => {
    await sim.close();
  });

  it('a single-node instance walks Idle → Loading → Loaded → WarmingUp → Ready, and loading reports layers', async () => {
    const id = await placeViaPreview(sim.url, LLAMA, 1);
    const layerCounts = new Set<number>();
    const poll = setInterval(() => {
      void getJson(`${sim.url}/state/runners`)
        .then(({ body }) => {
          for (const r of Object.values(body as Json)) {
            const loading = (r as Json).RunnerLoading as Json | undefined;
            if (loading) {
              expect(loading.totalLayers).toBe(16);
              layerCounts.add(loading.layersLoaded as number);
            }
          }
        })
        .catch(() => undefined);
    }, 5);
    const tags = await watchRunnerTags(sim.url, id, (t) => t.at(-1) === 'RunnerReady');
    clearInterval(poll);
    expect(
      isSubsequence(['RunnerIdle', 'RunnerLoading', 'RunnerLoaded', 'RunnerWarmingUp', 'RunnerReady'], tags),
    ).toBe(true);
    expect(tags).not.toContain('RunnerConnecting');
    expect(layerCounts.size).toBeGreaterThan(2);

    const del = await send('DELETE', `${sim.url}/instance/${id}`);
    expect(del.status).toBe(200);
    const after = await watchRunnerTags(sim.url, id, (t) => t.at(-1) === 'absent');
    expect(after.length).toBeGreaterThanOrEqual(1);
  });

  it('a 2-node instance connects first, then loads half the layers on each node', async () => {
    const id = await placeViaPreview(sim.url, LLAMA, 2);
    const tags = await watchRunnerTags(sim.url, id, (t) => t.at(-1) === 'RunnerReady');
    expect(
      isSubsequence(
        ['RunnerIdle', 'RunnerConnecting', 'RunnerConnected', 'RunnerLoading', 'RunnerReady'],
        tags,
      ),
    ).toBe(true);
    const inst = (await getJson(`${sim.url}/instance/${id}`)).body as Json;
    const shards = Object.values(
      ((inst.MlxRingInstance as Json).shardAssignments as Json).runnerToShard as Json,
    ).map((s) => (s as Json).PipelineShardMetadata as Json);
    expect(shards.map((s) => [s.startLayer, s.endLayer, s.deviceRank, s.worldSize])).toEqual([
      [0, 8, 0, 2],
      [8, 16, 1, 2],
    ]);
    await send('DELETE', `${sim.url}/instance/${id}`);
    await waitFor(
      async () => Object.keys((await getJson(`${sim.url}/state/runners`)).body as Json).length === 0,
    );
  });

  it('a model not on disk is downloaded first: Pending/Ongoing → Completed in downloads[node]', async () => {
    const node = sim.nodes[0]!.node_id;
    const id = await placeViaPreview(sim.url, QWEN, 1);
    const seen = new Set<string>();
    await waitFor(
      async () => {
        const { status, body } = await getJson(`${sim.url}/state/downloads/${node}`);
        if (status !== 200) return false;
        for (const entry of body as Json[]) {
          const tag = tagOf(entry);
          const inner = entry[tag] as Json;
          const shard = Object.values(inner.shardMetadata as Json)[0] as Json;
          if ((shard.modelCard as Json).modelId === QWEN) seen.add(tag);
        }
        return seen.has('DownloadCompleted');
      },
      5000,
      2,
    );
    expect(seen.has('DownloadOngoing') || seen.has('DownloadPending')).toBe(true);
    await waitReady(sim.url, id);
    await send('DELETE', `${sim.url}/instance/${id}`);
  });

  it('/place_instance with too little memory creates nothing', async () => {
    const big = await startSimulator({
      nodes: 1,
      profile: { ...FAST_TEST_PROFILE, nodeRamAvailableBytes: 500_000_000 },
    });
    try {
      const res = await send('POST', `${big.url}/place_instance`, { model_id: LLAMA });
      expect(res.status).toBe(200);
      await sleep(60);
      expect((await getJson(`${big.url}/state/instances`)).body).toEqual({});
      const previews = (await getJson(`${big.url}/instance/previews?model_id=${LLAMA}`)).body as {
        previews: Json[];
      };
      expect(previews.previews.find((p) => p.instance_meta === 'MlxRing')?.error).toBe(
        'No cycles found with sufficient memory',
      );
      const placement = await getJson(`${big.url}/instance/placement?model_id=mlx-community/Qwen3-0.6B-4bit`);
      expect(placement.status).toBe(200);
      const posted = await send('POST', `${big.url}/instance`, {
        instance: (await getJson(`${sim.url}/instance/placement?model_id=${LLAMA}`)).body,
      });
      expect(posted.status).toBe(400);
      expect((posted.json() as { error: Json }).error.message).toMatch(
        /^Insufficient memory to create instance\. Required: 0\.7GB, Available: 0\.5GB$/,
      );
    } finally {
      await big.close();
    }
  });
});

describe('tasks, batching, queueing and routing', () => {
  let sim: SimulatorHandle;

  beforeAll(async () => {
    sim = await startSimulator({
      nodes: 1,
      seed: 5,
      profile: {
        ...FAST_TEST_PROFILE,
        maxConcurrentRequests: 2,
        decodeTokensPerSecond: 100,
        decodeSlowdownPerExtraStream: 0,
      },
    });
  });

  afterAll(async () => {
    await sim.close();
  });

  it('TextGeneration tasks: Running for the first of an idle runner, Pending for the rest, removed at the end', async () => {
    const id = await placeViaPreview(sim.url, LLAMA, 1);
    await waitReady(sim.url, id);
    const requests = [0, 1, 2].map(() =>
      send('POST', `${sim.url}/bench/chat/completions`, chatBody({ max_tokens: 15 })),
    );
    const snapshot = await waitFor(async () => {
      const state = (await getJson(`${sim.url}/state`)).body as { tasks: Json; runners: Json };
      const gen = Object.values(state.tasks)
        .filter((t) => tagOf(t) === 'TextGeneration')
        .map((t) => (t as Json).TextGeneration as Json);
      return gen.length === 3 && Object.values(state.runners).some((r) => tagOf(r) === 'RunnerRunning')
        ? { gen, state }
        : null;
    });
    const statuses = snapshot.gen.map((t) => t.taskStatus).sort();
    expect(statuses).toEqual(['Pending', 'Pending', 'Running']);
    for (const t of snapshot.gen) {
      expect(t).toMatchObject({ instanceId: id, errorType: null, errorMessage: null });
      expect(t.taskParams).toMatchObject({ model: LLAMA, max_output_tokens: 15, bench: true });
    }
    // Bookkeeping tasks of other tags exist and must not be counted as requests.
    expect(Object.values(snapshot.state.tasks).some((t) => tagOf(t) === 'CreateRunner')).toBe(true);
    const responses = await Promise.all(requests);
    expect(responses.every((r) => r.status === 200)).toBe(true);
    await waitFor(async () => {
      const tasks = (await getJson(`${sim.url}/state/tasks`)).body as Json;
      return Object.values(tasks).every((t) => tagOf(t) !== 'TextGeneration');
    });
    const runners = (await getJson(`${sim.url}/state/runners`)).body as Json;
    expect(Object.values(runners).map(tagOf)).toEqual(['RunnerReady']);

    // Batch limit 2: the third request waited for a slot, so its first token came after another finished.
    const records = sim.requests().slice(-3);
    const byFirst = [...records].sort((a, b) => (a.first_token_at_ms ?? 0) - (b.first_token_at_ms ?? 0));
    const third = byFirst[2]!;
    const earliestEnd = Math.min(...byFirst.slice(0, 2).map((r) => r.last_token_at_ms ?? Infinity));
    expect(third.first_token_at_ms).toBeGreaterThanOrEqual(earliestEnd);
    // ~15 tokens at 100 tok/s ≈ 140 ms of decode after the first token.
    for (const r of records) {
      expect(r.tokens_emitted).toBe(15);
      const decodeMs = (r.last_token_at_ms ?? 0) - (r.first_token_at_ms ?? 0);
      expect(decodeMs).toBeGreaterThan(110);
      expect(decodeMs).toBeLessThan(400);
    }
    await send('DELETE', `${sim.url}/instance/${id}`);
  });

  it('requests sent before the instance is ready wait (keep-alive first) and complete', async () => {
    const idPromise = placeViaPreview(sim.url, LLAMA, 1);
    const id = await idPromise;
    await waitFor(async () => (await getJson(`${sim.url}/instance/${id}`)).status === 200);
    const res = await send(
      'POST',
      `${sim.url}/v1/chat/completions`,
      chatBody({ stream: true, max_tokens: 3 }),
    );
    expect(res.text.startsWith(': keep-alive\n\n')).toBe(true);
    expect(res.text.endsWith('data: [DONE]\n\n')).toBe(true);
    const record = sim.requests().at(-1)!;
    expect(record.first_token_at_ms! - record.arrived_at_ms).toBeGreaterThan(20);
    await send('DELETE', `${sim.url}/instance/${id}`);
    await waitFor(async () => (await getJson(`${sim.url}/instance/${id}`)).status === 404);
  });

  it('routes to the least-loaded of several instances of one model', async () => {
    const a = await placeViaPreview(sim.url, LLAMA, 1);
    const b = await placeViaPreview(sim.url, LLAMA, 1);
    await waitReady(sim.url, a);
    await waitReady(sim.url, b);
    const before = sim.requests().length;
    await Promise.all(
      [0, 1, 2, 3].map(() => send('POST', `${sim.url}/bench/chat/completions`, chatBody({ max_tokens: 5 }))),
    );
    const used = sim
      .requests()
      .slice(before)
      .map((r) => r.instance_id);
    expect(used.filter((x) => x === a)).toHaveLength(2);
    expect(used.filter((x) => x === b)).toHaveLength(2);
    await send('DELETE', `${sim.url}/instance/${a}`);
    await send('DELETE', `${sim.url}/instance/${b}`);
  });

  it('deleting an instance mid-stream ends the stream without [DONE] and frees its tasks', async () => {
    const id = await placeViaPreview(sim.url, LLAMA, 1);
    await waitReady(sim.url, id);
    const pending = send(
      'POST',
      `${sim.url}/v1/chat/completions`,
      chatBody({ stream: true, max_tokens: 1000 }),
    );
    await waitFor(async () => (sim.requests().at(-1)?.tokens_emitted ?? 0) > 2);
    await send('DELETE', `${sim.url}/instance/${id}`);
    const res = await pending;
    expect(res.status).toBe(200);
    expect(res.text).not.toContain('[DONE]');
    expect(res.text).not.toContain('"error"');
    await waitFor(async () => sim.requests().at(-1)?.outcome === 'deleted');
    await waitFor(async () =>
      Object.values((await getJson(`${sim.url}/state/tasks`)).body as Json).every(
        (t) => tagOf(t) !== 'TextGeneration',
      ),
    );
  });
});
