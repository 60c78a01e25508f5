/**
 * Placement as EXO's master does it [src/exo/master/placement.py]: candidate cycles of the topology
 * with at least `min_nodes` nodes (and every required node) and enough free RAM, filtered for Tensor
 * by hidden size and KV heads, the smallest of them, then those whose nodes all report a backend,
 * then the most downloaded / most RAM. A single-node placement is forced to Pipeline + MlxRing.
 */
import type { ModelSpec, PlacementResult, SimCluster, SimNode } from './cluster.js';
import { nowMs } from './random.js';
import { formsCycle, subsetsWith } from './topology.js';

type Json = Record<string, unknown>;

/** Backends each instance meta can run on (placement.py INSTANCE_META_BACKENDS), sorted as Python does. */
const META_BACKENDS: Record<'MlxRing' | 'MlxJaccl', string[]> = {
  MlxRing: ['MlxCpu', 'MlxCuda', 'MlxMetal'],
  MlxJaccl: ['MlxMetal'],
};

/** Above this many live nodes, cycles are searched only among the nodes with the most free RAM. */
const MAX_ENUMERATED_NODES = 12;

/**
 * The live nodes placement looks at: all of them, or with many the required ones and those with the
 * most free RAM; undefined when a required node is not live.
 */
function candidateNodes(
  cluster: SimCluster,
  requiredNodeIds: readonly string[],
): { live: SimNode[]; required: SimNode[] } | undefined {
  let live = cluster.liveNodes();
  const required = live.filter((node) => requiredNodeIds.includes(node.id));
  if (required.length < requiredNodeIds.length) return undefined;
  if (live.length > MAX_ENUMERATED_NODES) {
    const others = live
      .filter((node) => !required.includes(node))
      .sort((a, b) => cluster.ramAvailable(b) - cluster.ramAvailable(a));
    live = [...required, ...others].slice(0, Math.max(MAX_ENUMERATED_NODES, required.length));
  }
  return { live, required };
}

/** What the steps of one placement share: the model, the candidate nodes by index, one clock reading. */
interface Placement {
  cluster: SimCluster;
  modelId: string;
  spec: ModelSpec;
  byIndex: Map<number, SimNode>;
  now: number;
}

function nodeAt(placement: Placement, index: number): SimNode {
  return placement.byIndex.get(index) as SimNode;
}

/** Free RAM of a cycle's nodes together. */
function ramOf(placement: Placement, cycle: readonly number[]): number {
  return cycle.reduce((sum, index) => sum + placement.cluster.ramAvailable(nodeAt(placement, index)), 0);
}

/**
 * The cycles of the smallest size (at least `minNodes`, every required node) with enough free RAM, and
 * for Tensor a size that divides the hidden size and the KV heads; or EXO's error.
 */
function smallestCycles(
  placement: Placement,
  sharding: 'Pipeline' | 'Tensor',
  minNodes: number,
  pool: readonly number[],
  requiredIndices: readonly number[],
): number[][] | { error: string } {
  const { cluster, spec, modelId, now } = placement;
  const edge = (from: number, to: number): boolean =>
    cluster.edgeExists(nodeAt(placement, from), nodeAt(placement, to), now);
  const tensorOk = (size: number): boolean =>
    spec.hiddenSize % size === 0 && spec.numKeyValueHeads % size === 0;
  let anyWithMemory = false;
  for (let size = Math.max(1, minNodes, requiredIndices.length); size <= pool.length; size++) {
    const withMemory: number[][] = [];
    for (const subset of subsetsWith(pool, size, requiredIndices)) {
      if (ramOf(placement, subset) >= spec.storageSizeBytes && formsCycle(subset, edge))
        withMemory.push(subset);
    }
    if (withMemory.length === 0) continue;
    anyWithMemory = true;
    if (sharding === 'Tensor' && !spec.supportsTensor) {
      return {
        error: `Requested Tensor sharding but this model does not support tensor parallelism: ${modelId}`,
      };
    }
    if (sharding === 'Tensor' && !tensorOk(size)) continue;
    return withMemory;
  }
  if (!anyWithMemory) return { error: 'No cycles found with sufficient memory' };
  return {
    error: `No tensor sharding found for model with hidden_size=${spec.hiddenSize}, num_key_value_heads=${spec.numKeyValueHeads} across candidate cycles`,
  };
}

/** The cycle with the most of the model downloaded, then the most free RAM; the first on a tie. */
function bestCycle(placement: Placement, cycles: readonly number[][]): number[] {
  const score = (cycle: number[]): number =>
    cycle.reduce(
      (sum, index) =>
        sum + placement.cluster.downloadFraction(nodeAt(placement, index).id, placement.modelId),
      0,
    );
  let best = cycles[0] as number[];
  for (const cycle of cycles.slice(1)) {
    const difference = score(cycle) - score(best);
    if (difference > 0 || (difference === 0 && ramOf(placement, cycle) > ramOf(placement, best)))
      best = cycle;
  }
  return best;
}

/** Computes (without creating) the instance EXO would place, or EXO's error message. */
export function placeInstance(
  cluster: SimCluster,
  modelId: string,
  sharding: 'Pipeline' | 'Tensor',
  meta: 'MlxRing' | 'MlxJaccl',
  minNodes: number,
  requiredNodeIds: string[] = [],
): PlacementResult {
  const spec = cluster.catalogue.get(modelId);
  if (!spec) return { error: `Model card not found: ${modelId}` };
  const now = nowMs();
  const candidates = candidateNodes(cluster, requiredNodeIds);
  if (!candidates) return { error: 'No cycles found with sufficient memory' };
  const { live, required } = candidates;
  const placement: Placement = {
    cluster,
    modelId,
    spec,
    byIndex: new Map(live.map((node) => [node.index, node])),
    now,
  };
  const pool = live.map((node) => node.index);
  const requiredIndices = required.map((node) => node.index);
  const smallest = smallestCycles(placement, sharding, minNodes, pool, requiredIndices);
  if (!Array.isArray(smallest)) return smallest;
  const backends = META_BACKENDS[meta];
  const withBackends = smallest.filter((cycle) =>
    cycle.every((index) => cluster.hasBackends(nodeAt(placement, index), now)),
  );
  if (withBackends.length === 0) {
    const list = backends.map((backend) => `'${backend}'`).join(', ');
    return { error: `No cycle where every node supports a backend in [${list}] for ${modelId}` };
  }
  if (meta === 'MlxJaccl' && !cluster.profile.rdmaEnabled) {
    return { error: 'Requested RDMA (MlxJaccl) but no RDMA-connected cycles available' };
  }
  const chosen = bestCycle(placement, withBackends).map((index) => nodeAt(placement, index));
  // A single-node placement is always MlxRing + Pipeline, whatever was asked.
  return buildInstance(
    cluster,
    spec,
    chosen,
    chosen.length === 1 ? 'Pipeline' : sharding,
    chosen.length === 1 ? 'MlxRing' : meta,
  );
}

function buildInstance(
  cluster: SimCluster,
  spec: ModelSpec,
  chosen: SimNode[],
  sharding: 'Pipeline' | 'Tensor',
  meta: 'MlxRing' | 'MlxJaccl',
): PlacementResult {
  const instanceId = cluster.rng.uuid4();
  const runnerToShard: Json = {};
  const nodeToRunner: Json = {};
  const memoryDeltaByNode: Record<string, number> = {};
  const k = chosen.length;
  let start = 0;
  chosen.forEach((node, rank) => {
    const runnerId = cluster.rng.uuid4();
    let startLayer = 0;
    let endLayer = spec.nLayers;
    let bytes = Math.floor(spec.storageSizeBytes / k);
    if (sharding === 'Pipeline') {
      const layers = Math.floor(spec.nLayers / k) + (rank < spec.nLayers % k ? 1 : 0);
      startLayer = start;
      endLayer = start + layers;
      start = endLayer;
      bytes = Math.floor((spec.storageSizeBytes * layers) / spec.nLayers);
    }
    runnerToShard[runnerId] = {
      [`${sharding}ShardMetadata`]: {
        modelCard: cluster.modelCard(spec),
        deviceRank: rank,
        worldSize: k,
        immediateException: false,
        shouldTimeout: null,
        startLayer,
        endLayer,
        nLayers: spec.nLayers,
      },
    };
    nodeToRunner[node.id] = runnerId;
    memoryDeltaByNode[node.id] = bytes;
  });
  const port = cluster.rng.int(49152, 65535);
  const shardAssignments = { modelId: spec.modelId, runnerToShard, nodeToRunner };
  let body: Json;
  if (meta === 'MlxRing') {
    const hostsByNode: Json = {};
    chosen.forEach((node, i) => {
      hostsByNode[node.id] = chosen.map((_peer, j) => ({ ip: i === j ? '0.0.0.0' : '127.0.0.1', port }));
    });
    body = { MlxRingInstance: { instanceId, shardAssignments, hostsByNode, ephemeralPort: port } };
  } else {
    const jacclCoordinators: Json = {};
    for (const node of chosen) jacclCoordinators[node.id] = `127.0.0.1:${port}`;
    const jacclDevices = chosen.map((_a, i) => chosen.map((_b, j) => (i === j ? null : `rdma_en${3 + j}`)));
    body = { MlxJacclInstance: { instanceId, shardAssignments, jacclDevices, jacclCoordinators } };
  }
  return { instance: body, nodeIds: chosen.map((n) => n.id), memoryDeltaByNode };
}

/** Every preview, de-duplicated by (sharding, meta, nodes), as `/instance/previews` lists them. */
export function listPreviews(cluster: SimCluster, modelId: string, requiredNodeIds: string[]): Json[] {
  const out: Json[] = [];
  const seen = new Set<string>();
  const live = cluster.liveNodes().length;
  for (const sharding of ['Pipeline', 'Tensor'] as const) {
    for (const meta of ['MlxRing', 'MlxJaccl'] as const) {
      for (let minNodes = 1; minNodes <= live; minNodes++) {
        const result = placeInstance(cluster, modelId, sharding, meta, minNodes, requiredNodeIds);
        const key = `${sharding}|${meta}|${'error' in result ? `!${result.error}` : result.nodeIds.join(',')}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(
          'error' in result
            ? {
                model_id: modelId,
                sharding,
                instance_meta: meta,
                instance: null,
                memory_delta_by_node: null,
                error: result.error,
              }
            : {
                model_id: modelId,
                sharding,
                instance_meta: meta,
                instance: result.instance,
                memory_delta_by_node: result.memoryDeltaByNode,
                error: null,
              },
        );
      }
    }
  }
  return out;
}
