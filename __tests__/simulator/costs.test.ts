/**
 * What a real cluster makes a client pay: downloads and the models dirs that avoid them (2.3, 4.9,
 * 12.3), the cost of /state on the node serving it (12.4), and the Cancelled tasks that clients who
 * went away leave behind (12.5).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FAST_TEST_PROFILE, startSimulator } from '../../src/simulator/index.js';
import type { SimulatorHandle } from '../../src/simulator/index.js';
import {
  LLAMA,
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

type Downloads = Record<string, Json[]>;

async function downloads(url: string): Promise<Downloads> {
  return (await getJson(`${url}/state/downloads`)).body as Downloads;
}

describe('downloads and models dirs (12.3)', () => {
  let dir: string;
  let sim: SimulatorHandle | null = null;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'exo-sim-models-'));
  });

  afterEach(async () => {
    await sim?.close();
    sim = null;
    rmSync(dir, { recursive: true, force: true });
  });

  it('multi-node: runners wait for a download with progress; a second start with the same dir downloads nothing', async () => {
    // 730 MB at 1 GB/s: ~0.7 s of DownloadOngoing.
    const profile = { ...FAST_TEST_PROFILE, downloadBytesPerSecond: 1_000_000_000 };
    sim = await startSimulator({ nodes: 2, seed: 51, modelsDir: dir, profile });
    expect(sim.profile.modelsOnDisk).toBe(false);
    expect(await downloads(sim.url)).toEqual({ [sim.nodes[0]!.node_id]: [], [sim.nodes[1]!.node_id]: [] });
    const instanceId = await placeViaPreview(sim.url, LLAMA, 2);
    const seen = new Set<string>();
    let ongoing: Json | null = null;
    await waitFor(
      async () => {
        const all = Object.values(await downloads(sim!.url)).flat();
        for (const entry of all) seen.add(tagOf(entry));
        const o = all.find((e) => tagOf(e) === 'DownloadOngoing');
        if (o) ongoing = o.DownloadOngoing as Json;
        return all.length === 2 && all.every((e) => tagOf(e) === 'DownloadCompleted');
      },
      5000,
      20,
    );
    expect(seen.has('DownloadOngoing')).toBe(true);
    const progress = (ongoing as unknown as Json).downloadProgress as Json;
    expect(progress).toMatchObject({ total: { inBytes: 729_808_896 }, speed: 1_000_000_000, totalFiles: 7 });
    expect((progress.downloaded as Json).inBytes).toBeGreaterThan(0);
    expect(typeof progress.etaMs).toBe('number');
    await waitReady(sim.url, instanceId);
    const marker = join(dir, 'mlx-community--Llama-3.2-1B-Instruct-4bit', 'config.json');
    expect(existsSync(marker)).toBe(true);
    await sim.close();

    sim = await startSimulator({ nodes: 2, seed: 52, modelsDir: dir, profile });
    const atStart = await downloads(sim.url);
    for (const node of sim.nodes) {
      const entries = atStart[node.node_id] ?? [];
      expect(entries.map(tagOf)).toEqual(['DownloadCompleted']);
      expect(entries[0]!.DownloadCompleted).toMatchObject({
        readOnly: false,
        modelDirectory: join(dir, 'mlx-community--Llama-3.2-1B-Instruct-4bit'),
        total: { inBytes: 729_808_896 },
      });
    }
    const again = await placeViaPreview(sim.url, LLAMA, 2);
    await waitReady(sim.url, again, 2000);
    const after = Object.values(await downloads(sim.url)).flat();
    expect(after.every((e) => tagOf(e) === 'DownloadCompleted')).toBe(true);
  });

  it('a read-only models dir (EXO_MODELS_READ_ONLY_DIRS) reports DownloadCompleted{readOnly: true} at start', async () => {
    sim = await startSimulator({
      nodes: 1,
      seed: 53,
      modelsDir: dir,
      profile: { ...FAST_TEST_PROFILE, modelsOnDisk: false },
    });
    const instanceId = await placeViaPreview(sim.url, LLAMA, 1);
    await waitReady(sim.url, instanceId);
    await sim.close();

    sim = await startSimulator({
      nodes: 2,
      seed: 54,
      nodesStartStopped: true,
      profile: { ...FAST_TEST_PROFILE },
    });
    const empty = mkdtempSync(join(tmpdir(), 'exo-sim-rw-'));
    try {
      await sim.startNode(0, ['--namespace', 'ns'], {
        EXO_DEFAULT_MODELS_DIR: empty,
        EXO_MODELS_READ_ONLY_DIRS: dir,
      });
      const entry = ((await downloads(sim.url))[sim.nodes[0]!.node_id] ?? [])[0] as Json;
      expect(entry.DownloadCompleted).toMatchObject({ readOnly: true, nodeId: sim.nodes[0]!.node_id });
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

/** Largest gap (ms) between consecutive chunks of a streaming response, read until it ends. */
async function largestGap(url: string, body: Json): Promise<number> {
  const res = await fetch(url, { method: 'POST', body: JSON.stringify(body) });
  const reader = res.body!.getReader();
  let last = Date.now();
  let gap = 0;
  for (;;) {
    const { done } = await reader.read();
    const now = Date.now();
    if (done) break;
    gap = Math.max(gap, now - last);
    last = now;
  }
  return gap;
}

describe('the cost of /state (12.4)', () => {
  it('a /state call on node 1 delays node 1’s token writes but not node 0’s, and is counted per node', async () => {
    const sim = await startSimulator({
      nodes: 2,
      seed: 61,
      profile: {
        ...FAST_TEST_PROFILE,
        decodeTokensPerSecond: 500,
        stateCostFixedMs: 400,
        stateCostMsPerMiB: 0,
      },
    });
    try {
      const instanceId = await placeViaPreview(sim.url, LLAMA, 1);
      await waitReady(sim.url, instanceId);
      const body = chatBody({ stream: true, max_tokens: 500 }); // ~1 s of tokens each
      const onNode0 = largestGap(`${sim.nodes[0]!.url}/v1/chat/completions`, body);
      const onNode1 = largestGap(`${sim.nodes[1]!.url}/v1/chat/completions`, body);
      await sleep(200);
      const before = Date.now();
      const state = await getJson(`${sim.nodes[1]!.url}/state/topology/nodes`);
      expect(state.status).toBe(200);
      expect(Date.now() - before).toBeGreaterThanOrEqual(350);
      const [gap0, gap1] = await Promise.all([onNode0, onNode1]);
      expect(gap1).toBeGreaterThanOrEqual(300);
      expect(gap0).toBeLessThan(200);
      const stats = (await getJson(`${sim.nodes[0]!.url}/_simulator/stats`)).body as { nodes: Json[] };
      expect(stats.nodes[1]).toMatchObject({ index: 1, state_requests: 1 });
      expect(stats.nodes[1]!.state_busy_ms as number).toBeGreaterThanOrEqual(400);
      expect(stats.nodes[0]).toMatchObject({ state_requests: expect.any(Number) });
    } finally {
      await sim.close();
    }
  });
});

describe('tasks of clients that went away (12.5)', () => {
  it('stay in /state.tasks as Cancelled, prompt included; finished requests leave nothing', async () => {
    const sim = await startSimulator({ nodes: 1, seed: 71, profile: { ...FAST_TEST_PROFILE } });
    try {
      const instanceId = await placeViaPreview(sim.url, LLAMA, 1);
      await waitReady(sim.url, instanceId);
      const prompt = 'a prompt that must stay in the state';
      const controller = new AbortController();
      const res = await fetch(`${sim.url}/v1/chat/completions`, {
        method: 'POST',
        body: JSON.stringify(
          chatBody({ stream: true, max_tokens: 100_000, messages: [{ role: 'user', content: prompt }] }),
        ),
        signal: controller.signal,
      });
      await res.body!.getReader().read();
      controller.abort();
      const done = await send('POST', `${sim.url}/v1/chat/completions`, chatBody());
      expect(done.status).toBe(200);
      const cancelled = await waitFor(async () => {
        const tasks = Object.values((await getJson(`${sim.url}/state/tasks`)).body as Json)
          .filter((t) => tagOf(t) === 'TextGeneration')
          .map((t) => (t as Json).TextGeneration as Json);
        return tasks.length === 1 && tasks[0]!.taskStatus === 'Cancelled' ? tasks[0] : null;
      });
      expect((cancelled.taskParams as Json).input).toEqual([{ role: 'user', content: prompt }]);
      await sleep(100);
      const still = Object.values((await getJson(`${sim.url}/state/tasks`)).body as Json).filter(
        (t) => tagOf(t) === 'TextGeneration',
      );
      expect(still).toHaveLength(1);
    } finally {
      await sim.close();
    }
  });
});
