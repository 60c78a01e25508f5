/**
 * Registering an instance (from a preview, `/instance/placement`, `/place_instance` or a posted
 * instance): its runners and shards, the memory each shard takes, and its batch engine, whose hooks
 * move task statuses and runner Running/Ready.
 */
import type { ModelSpec, SimCluster, SimInstance } from './cluster.js';
import { InstanceEngine, PrefixCache } from './engine.js';
import { runLifecycle } from './lifecycle.js';
import { buildCatalogue } from './profile.js';

type Json = Record<string, unknown>;

/**
 * Registers an instance from its tagged camelCase JSON (validated by the caller) and starts its
 * runners. Posting an existing ID is a no-op.
 */
export function createInstance(cluster: SimCluster, json: Json, startLifecycle = true): SimInstance | null {
  const variant = Object.keys(json)[0] as SimInstance['variant'];
  const body = json[variant] as Json;
  const id = body.instanceId as string;
  if (cluster.instances.has(id)) return cluster.instances.get(id) ?? null;
  const assignments = body.shardAssignments as Json;
  const modelId = assignments.modelId as string;
  const runnerToShard = assignments.runnerToShard as Record<string, Json>;
  const nodeToRunner = assignments.nodeToRunner as Record<string, string>;
  const nodeIds: string[] = [];
  const runnerIds: string[] = [];
  const shards: Json[] = [];
  const shardLayers: number[] = [];
  for (const [nodeId, runnerId] of Object.entries(nodeToRunner)) {
    const shard = runnerToShard[runnerId];
    if (!shard) continue;
    const meta = Object.values(shard)[0] as Json;
    nodeIds.push(nodeId);
    runnerIds.push(runnerId);
    shards.push(shard);
    shardLayers.push(Math.max(0, (meta.endLayer as number) - (meta.startLayer as number)));
  }
  const card = cluster.catalogue.get(modelId) ?? cardFromShard(cluster, modelId, shards[0]);
  const isTensor = shards.some((s) => 'TensorShardMetadata' in s);
  const shardBytes = shardLayers.map((layers) =>
    isTensor
      ? Math.floor(card.storageSizeBytes / Math.max(1, shards.length))
      : Math.floor((card.storageSizeBytes * layers) / Math.max(1, card.nLayers)),
  );
  const nodeCount = nodeIds.length;
  const p = cluster.profile;
  const inst: SimInstance = {
    id,
    modelId,
    card,
    variant,
    json,
    nodeIds,
    runnerIds,
    shards,
    shardLayers,
    shardBytes,
    reservedBytes: shardBytes.map(() => 0),
    deleted: false,
    creations: 0,
    lifecycle: new AbortController(),
    // Set just below: the engine's hooks need the instance.
    engine: null as unknown as InstanceEngine,
    inFlight: new Set(),
  };
  inst.engine = new InstanceEngine(
    {
      prefillTokensPerSecond: p.prefillTokensPerSecond * card.speedFactor,
      prefillOverheadMs: p.prefillOverheadMs,
      decodeTokensPerSecond: p.decodeTokensPerSecond * card.speedFactor,
      decodeSlowdownPerExtraStream: p.decodeSlowdownPerExtraStream,
      extraStepMs: p.interNodeStepMs * Math.max(0, nodeCount - 1),
      maxConcurrentRequests: p.maxConcurrentRequests,
      prefillProgressChunkTokens: p.prefillProgressChunkTokens,
    },
    new PrefixCache(p.prefixCacheMaxBlocks, p.templateTokensPerRequest + p.templateTokensPerMessage),
    {
      admitted: (seq, wokeIdleRunner) => {
        if (wokeIdleRunner) {
          if (seq.task) seq.task.taskStatus = 'Running';
          cluster.setRunners(inst, () => ({ RunnerRunning: {} }));
        }
      },
      left: (seq) => {
        if (seq.task && (seq.task.taskStatus === 'Pending' || seq.task.taskStatus === 'Running')) {
          seq.task.taskStatus = 'Complete';
          cluster.bump();
        }
        inst.inFlight.delete(seq);
      },
      idle: () => {
        if (!inst.deleted) cluster.setRunners(inst, () => ({ RunnerReady: { prefillServerPort: null } }));
      },
    },
  );
  cluster.instances.set(id, inst);
  cluster.bump();
  for (const waiter of [...cluster.instanceWaiters]) waiter(inst);
  if (startLifecycle) void runLifecycle(cluster, inst);
  return inst;
}

function cardFromShard(cluster: SimCluster, modelId: string, shard: Json | undefined): ModelSpec {
  const meta = shard ? (Object.values(shard)[0] as Json) : {};
  const card = (meta.modelCard ?? {}) as Json;
  const storage = (card.storageSize as Json | undefined)?.inBytes;
  return buildCatalogue({
    ...cluster.profile,
    models: [
      {
        modelId,
        nLayers: typeof meta.nLayers === 'number' ? meta.nLayers : 16,
        storageSizeBytes: typeof storage === 'number' ? storage : 0,
      },
    ],
  }).get(modelId) as ModelSpec;
}
