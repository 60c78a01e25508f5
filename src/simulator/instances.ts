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

/** The shards of an instance's assignments, in node order: node, runner, shard and its layer count. */
function assignedShards(nodeToRunner: Record<string, string>, runnerToShard: Record<string, Json>) {
  const nodeIds: string[] = [];
  const runnerIds: string[] = [];
  const shards: Json[] = [];
  const shardLayers: number[] = [];
  for (const [nodeId, runnerId] of Object.entries(nodeToRunner)) {
    const shard = runnerToShard[runnerId];
    if (!shard) continue;
    const shardMetadata = Object.values(shard)[0] as Json;
    nodeIds.push(nodeId);
    runnerIds.push(runnerId);
    shards.push(shard);
    shardLayers.push(Math.max(0, (shardMetadata.endLayer as number) - (shardMetadata.startLayer as number)));
  }
  return { nodeIds, runnerIds, shards, shardLayers };
}

/** The memory each shard takes: an equal part of the model with tensor sharding, else its share of the layers. */
function shardMemoryBytes(
  card: ModelSpec,
  shards: readonly Json[],
  shardLayers: readonly number[],
): number[] {
  const isTensor = shards.some((shard) => 'TensorShardMetadata' in shard);
  return shardLayers.map((layers) =>
    isTensor
      ? Math.floor(card.storageSizeBytes / Math.max(1, shards.length))
      : Math.floor((card.storageSizeBytes * layers) / Math.max(1, card.nLayers)),
  );
}

/** The instance's batch engine, timed by the profile, whose hooks move task statuses and runner Running/Ready. */
function createEngine(cluster: SimCluster, instance: SimInstance): InstanceEngine {
  const profile = cluster.profile;
  const { card } = instance;
  return new InstanceEngine(
    {
      prefillTokensPerSecond: profile.prefillTokensPerSecond * card.speedFactor,
      prefillOverheadMs: profile.prefillOverheadMs,
      decodeTokensPerSecond: profile.decodeTokensPerSecond * card.speedFactor,
      decodeSlowdownPerExtraStream: profile.decodeSlowdownPerExtraStream,
      extraStepMs: profile.interNodeStepMs * Math.max(0, instance.nodeIds.length - 1),
      maxConcurrentRequests: profile.maxConcurrentRequests,
      prefillProgressChunkTokens: profile.prefillProgressChunkTokens,
    },
    new PrefixCache(
      profile.prefixCacheMaxBlocks,
      profile.templateTokensPerRequest + profile.templateTokensPerMessage,
    ),
    {
      admitted: (sequence, wokeIdleRunner) => {
        if (wokeIdleRunner) {
          if (sequence.task) sequence.task.taskStatus = 'Running';
          cluster.setRunners(instance, () => ({ RunnerRunning: {} }));
        }
      },
      left: (sequence) => {
        if (
          sequence.task &&
          (sequence.task.taskStatus === 'Pending' || sequence.task.taskStatus === 'Running')
        ) {
          sequence.task.taskStatus = 'Complete';
          cluster.bump();
        }
        instance.inFlight.delete(sequence);
      },
      idle: () => {
        if (!instance.deleted)
          cluster.setRunners(instance, () => ({ RunnerReady: { prefillServerPort: null } }));
      },
    },
  );
}

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
  const { nodeIds, runnerIds, shards, shardLayers } = assignedShards(
    assignments.nodeToRunner as Record<string, string>,
    assignments.runnerToShard as Record<string, Json>,
  );
  const card = cluster.catalogue.get(modelId) ?? cardFromShard(cluster, modelId, shards[0]);
  const shardBytes = shardMemoryBytes(card, shards, shardLayers);
  const instance: SimInstance = {
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
  instance.engine = createEngine(cluster, instance);
  cluster.instances.set(id, instance);
  cluster.bump();
  for (const waiter of [...cluster.instanceWaiters]) waiter(instance);
  if (startLifecycle) void runLifecycle(cluster, instance);
  return instance;
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
