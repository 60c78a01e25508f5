/**
 * A multi-node cluster is not ready when its nodes are listed (exo-api.md 12.1): links form at each
 * worker's probe rounds, placement needs directed cycles and nodeBackends, Tensor needs KV heads that
 * divide across the nodes. Timings are shortened through the profile; the rules are EXO's.
 */
import { FAST_TEST_PROFILE, startSimulator } from '../../src/simulator/index.js';
import type { SimulatorHandle } from '../../src/simulator/index.js';
import { Election } from '../../src/simulator/election.js';
import type { SimNode } from '../../src/simulator/cluster.js';
import { formsCycle } from '../../src/simulator/topology.js';
import { LLAMA, getJson, waitFor, waitForLinks } from './helpers.js';
import type { Json } from './helpers.js';

interface Preview {
  sharding: string;
  instance_meta: string;
  instance: Json | null;
  memory_delta_by_node: Json | null;
  error: string | null;
}

async function previews(url: string, model = LLAMA): Promise<Preview[]> {
  const { body } = await getJson(`${url}/instance/previews?model_id=${encodeURIComponent(model)}`);
  return (body as { previews: Preview[] }).previews;
}

const nodesOf = (p: Preview): number => Object.keys(p.memory_delta_by_node ?? {}).length;

describe('topology links form late (12.1)', () => {
  let sim: SimulatorHandle;

  afterEach(async () => {
    await sim.close();
  });

  it('during the link window a 4-node preview errors while the 1-node preview succeeds; later both work', async () => {
    sim = await startSimulator({
      nodes: 4,
      seed: 21,
      profile: {
        ...FAST_TEST_PROFILE,
        probeIntervalMs: 600,
        nodeNetworkDelayMs: 100,
        nodeBackendsDelayMs: 0,
      },
    });
    const early = await previews(sim.url);
    const ring = early.filter((p) => p.sharding === 'Pipeline' && p.instance_meta === 'MlxRing');
    expect(ring.find((p) => p.error === null && nodesOf(p) === 1)).toBeDefined();
    expect(ring.some((p) => p.error === null && nodesOf(p) > 1)).toBe(false);
    expect(ring.map((p) => p.error)).toContain('No cycles found with sufficient memory');
    const placement = await getJson(
      `${sim.url}/instance/placement?model_id=${encodeURIComponent(LLAMA)}&min_nodes=4`,
    );
    expect(placement.status).toBe(400);
    expect((placement.body as { error: { message: string } }).error.message).toBe(
      'No cycles found with sufficient memory',
    );
    // /state shows only the edges that exist: none yet.
    const state = (await getJson(`${sim.url}/state`)).body as {
      topology: { nodes: string[]; connections: Json };
    };
    expect(state.topology.nodes).toHaveLength(4);
    expect(Object.keys(state.topology.connections)).toHaveLength(0);

    await waitForLinks(sim.url, 5000);
    const later = await previews(sim.url);
    expect(later.some((p) => p.error === null && p.sharding === 'Pipeline' && nodesOf(p) === 4)).toBe(true);
  });

  it('multi-node placement needs a nodeBackends entry for every node', async () => {
    sim = await startSimulator({
      nodes: 2,
      seed: 22,
      profile: { ...FAST_TEST_PROFILE, probeIntervalMs: 0, nodeNetworkDelayMs: 0, nodeBackendsDelayMs: 800 },
    });
    const state = (await getJson(`${sim.url}/state`)).body as {
      nodeBackends: Json;
      topology: { connections: Json };
    };
    expect(Object.keys(state.topology.connections)).toHaveLength(2);
    expect(state.nodeBackends).toEqual({});
    const placement = await getJson(
      `${sim.url}/instance/placement?model_id=${encodeURIComponent(LLAMA)}&min_nodes=2`,
    );
    expect(placement.status).toBe(400);
    expect((placement.body as { error: { message: string } }).error.message).toBe(
      `No cycle where every node supports a backend in ['MlxCpu', 'MlxCuda', 'MlxMetal'] for ${LLAMA}`,
    );
    await waitFor(async () => {
      const res = await getJson(
        `${sim.url}/instance/placement?model_id=${encodeURIComponent(LLAMA)}&min_nodes=2`,
      );
      return res.status === 200;
    }, 3000);
  });

  it('Tensor needs the KV heads to divide across the nodes; a 1-node placement is Pipeline + MlxRing', async () => {
    const model = 'sim/Odd-Heads-3B';
    sim = await startSimulator({
      nodes: 3,
      seed: 23,
      profile: {
        ...FAST_TEST_PROFILE,
        models: [
          {
            modelId: model,
            nLayers: 24,
            storageSizeBytes: 2_000_000_000,
            hiddenSize: 3072,
            numKeyValueHeads: 4,
          },
        ],
      },
    });
    await waitForLinks(sim.url);
    const q = (extra: string): Promise<{ status: number; body: unknown }> =>
      getJson(`${sim.url}/instance/placement?model_id=${encodeURIComponent(model)}&sharding=Tensor${extra}`);
    const three = await q('&min_nodes=3');
    expect(three.status).toBe(400);
    expect((three.body as { error: { message: string } }).error.message).toBe(
      'No tensor sharding found for model with hidden_size=3072, num_key_value_heads=4 across candidate cycles',
    );
    const single = (await q('&min_nodes=1')).body as Json;
    expect(Object.keys(single)).toEqual(['MlxRingInstance']);
    const shards = ((single.MlxRingInstance as Json).shardAssignments as Json).runnerToShard as Json;
    expect(Object.values(shards).map((s) => Object.keys(s as Json)[0])).toEqual(['PipelineShardMetadata']);
    const two = (await q('&min_nodes=2')).body as Json;
    const twoShards = ((two.MlxRingInstance as Json).shardAssignments as Json).runnerToShard as Json;
    expect(Object.values(twoShards).map((s) => Object.keys(s as Json)[0])).toEqual([
      'TensorShardMetadata',
      'TensorShardMetadata',
    ]);
  });
});

describe('rules, without sockets', () => {
  const node = (index: number, id: string, seniority: number, commandsSeen = 0): SimNode =>
    ({ index, id, seniority, commandsSeen, startedSeq: index }) as SimNode;

  it('a cycle needs edges that go round: two nodes need both directions', () => {
    const edges = new Set(['0>1', '1>2', '2>0']);
    const edge = (a: number, b: number): boolean => edges.has(`${a}>${b}`);
    expect(formsCycle([0], edge)).toBe(true);
    expect(formsCycle([0, 1], edge)).toBe(false);
    expect(formsCycle([0, 1, 2], edge)).toBe(true);
    edges.add('1>0');
    expect(formsCycle([0, 1], edge)).toBe(true);
  });

  it('elections: seniority, then commands seen, then the greater node ID (or the newest node)', () => {
    const forced = node(0, 'aa', 1_000_000);
    const sitting = node(1, 'bb', 3);
    const fresh = node(2, 'ff', 1);
    expect(Election.winner([forced, sitting, fresh], 'node_id')).toBe(forced);
    expect(Election.winner([sitting, fresh], 'node_id')).toBe(sitting);
    expect(Election.winner([node(0, 'aa', 1, 5), node(1, 'ff', 1, 0)], 'node_id')?.index).toBe(0);
    expect(Election.winner([node(0, 'aa', 1), node(1, 'ff', 1)], 'node_id')?.index).toBe(1);
    expect(Election.winner([node(0, 'ff', 1), node(1, 'aa', 1)], 'node_id')?.index).toBe(0);
    expect(Election.winner([node(0, 'ff', 1), node(1, 'aa', 1)], 'newest')?.index).toBe(1);
  });
});
