/**
 * Nodes that start late and stop (EXO processes started by CI jobs), master elections and the state
 * reset of a new master (exo-api.md 1.3, 12.2), and the control server that starts and stops them.
 */
import { spawn } from 'node:child_process';
import { CLI_BUNDLE } from '../helpers/simulator-process.js';
import { FAST_TEST_PROFILE, runSimulateCommand, startSimulator } from '../../src/simulator/index.js';
import type { SimulatorHandle } from '../../src/simulator/index.js';
import { runSimulateNodeCommand } from '../../src/simulator/index.js';
import { LLAMA, chatBody, getJson, placeViaPreview, send, sleep, waitFor, waitReady } from './helpers.js';
import type { Json } from './helpers.js';

async function refused(url: string): Promise<boolean> {
  try {
    await fetch(`${url}/node_id`, { signal: AbortSignal.timeout(1000) });
    return false;
  } catch {
    return true;
  }
}

async function start(
  sim: SimulatorHandle,
  index: number,
  args: string[] = [],
  env: Json = {},
): Promise<{ node_id: string; url: string }> {
  const res = await send('POST', `${sim.control}/_simulator/nodes/${index}/start`, { args, env });
  expect(res.status).toBe(200);
  return res.json() as { node_id: string; url: string };
}

async function stateOf(
  url: string,
): Promise<{ instances: Json; topology: { nodes: string[] }; lastEventAppliedIdx: number }> {
  return (await getJson(`${url}/state`)).body as {
    instances: Json;
    topology: { nodes: string[] };
    lastEventAppliedIdx: number;
  };
}

describe('stopped nodes and the control server', () => {
  let sim: SimulatorHandle;

  afterEach(async () => {
    await sim.close();
  });

  it('node APIs refuse connections until started; stop darkens the API at once, the topology forgets it later', async () => {
    sim = await startSimulator({
      nodes: 2,
      seed: 31,
      nodesStartStopped: true,
      profile: { ...FAST_TEST_PROFILE, nodeTimeoutMs: 400 },
    });
    expect(sim.control).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await refused(sim.nodes[0]!.url)).toBe(true);
    expect(await refused(sim.nodes[1]!.url)).toBe(true);

    const first = await start(sim, 0, ['--api-port', '52415', '--namespace', 'ns', '--force-master']);
    expect(first).toMatchObject({ node_id: sim.nodes[0]!.node_id, url: sim.nodes[0]!.url });
    expect((await getJson(`${first.url}/node_id`)).body).toBe(first.node_id);
    expect((await stateOf(first.url)).topology.nodes).toEqual([first.node_id]);

    await start(sim, 1, ['--api-port', '52415', '--namespace', 'ns']);
    await waitFor(async () => (await stateOf(first.url)).topology.nodes.length === 2);

    const stop = await send('POST', `${sim.control}/_simulator/nodes/1/stop`, {});
    expect(stop.status).toBe(200);
    expect(await refused(sim.nodes[1]!.url)).toBe(true);
    // Still listed right after: EXO removes a node after 30 s of silence (here 400 ms).
    expect((await stateOf(first.url)).topology.nodes).toHaveLength(2);
    await waitFor(async () => (await stateOf(first.url)).topology.nodes.length === 1, 3000);
    const stats = (await getJson(`${sim.control}/_simulator/stats`)).body as { nodes: Json[] };
    expect(stats.nodes.map((n) => n.alive)).toEqual([true, false]);
  });

  it('a node started with another namespace never joins the running nodes’ topology', async () => {
    sim = await startSimulator({
      nodes: 2,
      seed: 32,
      nodesStartStopped: true,
      profile: { ...FAST_TEST_PROFILE },
    });
    const a = await start(sim, 0, ['--namespace', 'one']);
    const b = await start(sim, 1, ['--namespace', 'two']);
    expect((await getJson(`${b.url}/node_id`)).body).toBe(b.node_id);
    await sleep(150);
    expect((await stateOf(a.url)).topology.nodes).toEqual([a.node_id]);
  });

  it('`simulate node` starts its node with its exo flags and EXO_* dirs, and stops it on abort', async () => {
    sim = await startSimulator({
      nodes: 2,
      seed: 33,
      nodesStartStopped: true,
      profile: { ...FAST_TEST_PROFILE },
    });
    const out: string[] = [];
    const controller = new AbortController();
    const running = runSimulateNodeCommand(
      ['--control', sim.control, '--index', '1', '--api-port', '52415', '-m'],
      { stdout: (l) => out.push(l), stderr: (l) => out.push(l) },
      controller.signal,
      { EXO_DEFAULT_MODELS_DIR: '/nonexistent/models' },
    );
    await waitFor(async () => out.length > 0);
    expect(JSON.parse(out[0] as string)).toMatchObject({
      node_id: sim.nodes[1]!.node_id,
      url: sim.nodes[1]!.url,
    });
    expect((await getJson(`${sim.nodes[1]!.url}/node_id`)).body).toBe(sim.nodes[1]!.node_id);
    controller.abort();
    expect(await running).toBe(0);
    expect(await refused(sim.nodes[1]!.url)).toBe(true);
  });

  it("the built CLI as a CI job's exo command: `simulate node` runs until SIGTERM, then stops its node and exits 0", async () => {
    sim = await startSimulator({
      nodes: 3,
      seed: 34,
      nodesStartStopped: true,
      profile: { ...FAST_TEST_PROFILE },
    });
    const child = spawn(
      process.execPath,
      [
        CLI_BUNDLE,
        'simulate',
        'node',
        '--control',
        sim.control,
        '--index',
        '2',
        '--api-port',
        '52415',
        '--namespace',
        'ci',
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, EXO_MODELS_READ_ONLY_DIRS: '/nonexistent/ro' },
      },
    );
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      await waitFor(async () => stdout.includes('\n'), 10_000);
      expect(JSON.parse(stdout.trim())).toMatchObject({
        node_id: sim.nodes[2]!.node_id,
        url: sim.nodes[2]!.url,
      });
      expect((await getJson(`${sim.nodes[2]!.url}/node_id`)).body).toBe(sim.nodes[2]!.node_id);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(await refused(sim.nodes[2]!.url)).toBe(true);
    } finally {
      child.kill('SIGKILL');
    }
  }, 20_000);

  it('`simulate` prints the control URL next to the nodes, and `simulate node` without --control is a usage error', async () => {
    sim = await startSimulator({ nodes: 1 });
    const errors: string[] = [];
    const code = await runSimulateCommand(['node', '--index', '0'], {
      stdout: () => undefined,
      stderr: (l) => errors.push(l),
    });
    expect(code).toBe(2);
    expect(errors[0]).toContain('--control URL and --index I are required');
    const lines: string[] = [];
    const controller = new AbortController();
    const served = runSimulateCommand(
      ['--nodes', '2', '--stopped-nodes'],
      { stdout: (l) => lines.push(l), stderr: (l) => lines.push(l) },
      controller.signal,
    );
    await waitFor(async () => lines.length > 0);
    const ready = JSON.parse(lines[0] as string) as { nodes: { url: string }[]; control: string };
    expect(ready.nodes).toHaveLength(2);
    expect(ready.control).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await refused(ready.nodes[0]!.url)).toBe(true);
    controller.abort();
    expect(await served).toBe(0);
  });
});

describe('elections (1.3, 12.2)', () => {
  let sim: SimulatorHandle;

  afterEach(async () => {
    await sim.close();
  });

  const profile = { ...FAST_TEST_PROFILE, electionMs: 300, probeIntervalMs: 20 };

  it('a late joiner that wins the election resets the state: instances gone, streams cut, index low', async () => {
    sim = await startSimulator({ nodes: 2, seed: 41, nodesStartStopped: true, profile });
    const a = await start(sim, 0, ['--namespace', 'ns']);
    const instanceId = await placeViaPreview(a.url, LLAMA, 1);
    await waitReady(a.url, instanceId);
    await sleep(250); // a few heartbeats move the index
    const before = await stateOf(a.url);
    expect(Object.keys(before.instances)).toEqual([instanceId]);
    const stream = send(
      'POST',
      `${a.url}/v1/chat/completions`,
      chatBody({ stream: true, max_tokens: 100_000 }),
    );
    await sleep(50);

    await start(sim, 1, ['--namespace', 'ns', '--force-master']);
    const t0 = Date.now();
    // Commands wait for the election.
    const placed = await send('POST', `${a.url}/place_instance`, { model_id: LLAMA });
    expect(placed.status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(200);
    const cut = await stream;
    expect(cut.text).not.toContain('[DONE]');
    const after = await stateOf(a.url);
    expect(after.instances[instanceId]).toBeUndefined();
    expect(after.lastEventAppliedIdx).toBeLessThan(before.lastEventAppliedIdx);
    const stats = (await getJson(`${sim.control}/_simulator/stats`)).body as { master_node_id: string };
    expect(stats.master_node_id).toBe(sim.nodes[1]!.node_id);
  });

  it('a node 0 started with --force-master keeps its state when others join', async () => {
    sim = await startSimulator({ nodes: 2, seed: 42, nodesStartStopped: true, profile });
    const a = await start(sim, 0, ['--force-master']);
    const instanceId = await placeViaPreview(a.url, LLAMA, 1);
    await waitReady(a.url, instanceId);
    await start(sim, 1);
    await sleep(400);
    expect(Object.keys((await stateOf(a.url)).instances)).toEqual([instanceId]);
  });

  it('without a forced master, electionTieBreak "newest" makes the late joiner win deterministically', async () => {
    sim = await startSimulator({
      nodes: 2,
      seed: 43,
      nodesStartStopped: true,
      profile: { ...profile, electionTieBreak: 'newest' },
    });
    const a = await start(sim, 0);
    // No commands yet: node 0 and the joiner are equal on seniority and commands seen.
    await start(sim, 1);
    await waitFor(async () => {
      const stats = (await getJson(`${sim.control}/_simulator/stats`)).body as Json;
      return stats.election_running === false && stats.master_node_id === sim.nodes[1]!.node_id;
    });
    expect((await getJson(`${a.url}/node_id`)).status).toBe(200);
  });
});
