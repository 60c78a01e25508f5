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
  let live = cluster.liveNodes();
  const required = live.filter((n) => requiredNodeIds.includes(n.id));
  if (required.length < requiredNodeIds.length) return { error: 'No cycles found with sufficient memory' };
  if (live.length > MAX_ENUMERATED_NODES) {
    const others = live
      .filter((n) => !required.includes(n))
      .sort((a, b) => cluster.ramAvailable(b) - cluster.ramAvailable(a));
    live = [...required, ...others].slice(0, Math.max(MAX_ENUMERATED_NODES, required.length));
  }
  const byIndex = new Map(live.map((n) => [n.index, n]));
  const edge = (from: number, to: number): boolean =>
    cluster.edgeExists(byIndex.get(from) as SimNode, byIndex.get(to) as SimNode, now);
  const pool = live.map((n) => n.index);
  const requiredIdx = required.map((n) => n.index);
  const ramOf = (cycle: number[]): number =>
    cycle.reduce((sum, i) => sum + cluster.ramAvailable(byIndex.get(i) as SimNode), 0);
  const tensorOk = (size: number): boolean =>
    spec.hiddenSize % size === 0 && spec.numKeyValueHeads % size === 0;
  let anyWithMemory = false;
  let smallest: number[][] = [];
  for (let size = Math.max(1, minNodes, requiredIdx.length); size <= pool.length; size++) {
    const withMemory: number[][] = [];
    for (const subset of subsetsWith(pool, size, requiredIdx)) {
      if (ramOf(subset) >= spec.storageSizeBytes && formsCycle(subset, edge)) withMemory.push(subset);
    }
    if (withMemory.length === 0) continue;
    anyWithMemory = true;
    if (sharding === 'Tensor' && !spec.supportsTensor) {
      return {
        error: `Requested Tensor sharding but this model does not support tensor parallelism: ${modelId}`,
      };
    }
    if (sharding === 'Tensor' && !tensorOk(size)) continue;
    smallest = withMemory;
    break;
  }
  if (!anyWithMemory) return { error: 'No cycles found with sufficient memory' };
  if (smallest.length === 0) {
    return {
      error: `No tensor sharding found for model with hidden_size=${spec.hiddenSize}, num_key_value_heads=${spec.numKeyValueHeads} across candidate cycles`,
    };
  }
  const backends = META_BACKENDS[meta];
  smallest = smallest.filter((cycle) =>
    cycle.every((i) => cluster.hasBackends(byIndex.get(i) as SimNode, now)),
  );
  if (smallest.length === 0) {
    const list = backends.map((b) => `'${b}'`).join(', ');
    return { error: `No cycle where every node supports a backend in [${list}] for ${modelId}` };
  }
  if (meta === 'MlxJaccl' && !cluster.profile.rdmaEnabled) {
    return { error: 'Requested RDMA (MlxJaccl) but no RDMA-connected cycles available' };
  }
  const score = (cycle: number[]): number =>
    cycle.reduce((sum, i) => sum + cluster.downloadFraction((byIndex.get(i) as SimNode).id, modelId), 0);
  let best = smallest[0] as number[];
  for (const cycle of smallest.slice(1)) {
    const d = score(cycle) - score(best);
    if (d > 0 || (d === 0 && ramOf(cycle) > ramOf(best))) best = cycle;
  }
  const chosen = best.map((i) => byIndex.get(i) as SimNode);
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
