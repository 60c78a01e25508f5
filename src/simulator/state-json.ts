/**
 * EXO's JSON as the simulator writes it: the camelCase `/state` document (built on demand from the
 * cluster's maps), model cards and `/models` entries, and the case conversions between EXO's
 * camelCase state and the snake_case of SSE contexts and posted instances.
 */
import type { ModelSpec, SimCluster, SimNode } from './cluster.js';
import { nowMs } from './random.js';
import { networkAtMs } from './topology.js';

type Json = Record<string, unknown>;

/** camelCase → snake_case for the SSE contexts (tags, which start uppercase, and IDs are kept). */
export function toSnakeCase(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toSnakeCase);
  if (value === null || typeof value !== 'object') return value;
  const out: Json = {};
  for (const [k, v] of Object.entries(value as Json)) {
    const key =
      /^[a-z][a-zA-Z0-9]*$/.test(k) && /[A-Z]/.test(k)
        ? k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)
        : k;
    out[key] = toSnakeCase(v);
  }
  return out;
}

/** snake_case → camelCase (POST /instance accepts both spellings). */
export function toCamelCase(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toCamelCase);
  if (value === null || typeof value !== 'object') return value;
  const out: Json = {};
  for (const [k, v] of Object.entries(value as Json)) {
    const key = /^[a-z][a-z0-9]*(_[a-z0-9]+)+$/.test(k)
      ? k.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase())
      : k;
    out[key] = toCamelCase(v);
  }
  return out;
}

/** ISO-8601 with microseconds: `Z` in full `/state`, `+00:00` in `/state/<path>` (as EXO). */
export function isoMicros(epochMs: number, suffix: 'Z' | '+00:00'): string {
  const whole = Math.floor(epochMs);
  const micros = Math.floor((epochMs - whole) * 1000);
  return `${new Date(whole).toISOString().slice(0, -1)}${String(micros).padStart(3, '0')}${suffix}`;
}

/** The camelCase model card (section 3 of exo-api.md). */
export function modelCard(spec: ModelSpec): Json {
  return {
    modelId: spec.modelId,
    storageSize: { inBytes: spec.storageSizeBytes },
    nLayers: spec.nLayers,
    hiddenSize: spec.hiddenSize,
    supportsTensor: spec.supportsTensor,
    numKeyValueHeads: spec.numKeyValueHeads,
    tasks: ['TextGeneration'],
    components: null,
    family: spec.family,
    quantization: spec.quantization,
    baseModel: spec.baseModel,
    capabilities: ['text'],
    backends: ['MlxMetal', 'MlxCuda', 'MlxCpu'],
    reasoningDialect: 'none',
    contextLength: spec.contextLength,
    usesCfg: false,
    trustRemoteCode: false,
    isCustom: false,
    vision: null,
    samplingDefaults: {
      temperature: 0.6,
      topP: 0.9,
      topK: null,
      minP: null,
      repetitionPenalty: null,
      presencePenalty: null,
      frequencyPenalty: null,
      thinking: null,
      nonThinking: null,
    },
  };
}

/** A `/models` entry (snake_case). */
export function modelListEntry(spec: ModelSpec): Json {
  return {
    id: spec.modelId,
    object: 'model',
    created: 1750582800,
    owned_by: 'exo',
    hugging_face_id: spec.modelId,
    name: spec.modelId.split('/').pop(),
    description: '',
    context_length: spec.contextLength,
    tags: [],
    storage_size_megabytes: Math.round(spec.storageSizeBytes / 1024 / 1024),
    supports_tensor: spec.supportsTensor,
    tasks: ['TextGeneration'],
    is_custom: false,
    family: spec.family,
    quantization: spec.quantization,
    base_model: spec.baseModel,
    capabilities: ['text'],
    reasoning_dialect: 'none',
  };
}

/**
 * `topology.connections`: source node → sink node → the edges between them, for every pair whose link
 * has formed by `now` (plus the RDMA interfaces when the profile has them).
 */
function connectionsJson(cluster: SimCluster, live: readonly SimNode[], now: number): Json {
  const connections: Json = {};
  for (const source of live) {
    const sinks: Json = {};
    for (const sink of live) {
      if (!cluster.edgeExists(source, sink, now)) continue;
      const edges: Json[] = [
        {
          sinkMultiaddr: {
            address: `/ip4/127.0.0.1/tcp/${sink.port}`,
            address_type: 'ip4',
            ip_address: '127.0.0.1',
            port: sink.port,
          },
        },
      ];
      if (cluster.profile.rdmaEnabled)
        edges.push({
          sourceRdmaIface: `rdma_en${3 + sink.index}`,
          sinkRdmaIface: `rdma_en${3 + source.index}`,
        });
      sinks[sink.id] = edges;
    }
    if (Object.keys(sinks).length > 0) connections[source.id] = sinks;
  }
  return connections;
}

/** The whole `/state` document (camelCase). `tsSuffix` differs between `/state` and `/state/<path>`. */
export function buildState(cluster: SimCluster, tsSuffix: 'Z' | '+00:00'): Json {
  const live = cluster.liveNodes();
  const objectOf = <T>(entries: Iterable<[string, T]>): Record<string, T> => Object.fromEntries(entries);
  const busyNodes = new Set<string>();
  for (const instance of cluster.instances.values())
    if (instance.engine.active.length > 0) for (const nodeId of instance.nodeIds) busyNodes.add(nodeId);
  const now = nowMs();
  const connections = connectionsJson(cluster, live, now);
  const networked = live.filter((node) => now >= networkAtMs(node, cluster.profile));
  const withBackends = live.filter((node) => cluster.hasBackends(node, now));
  const profile = cluster.profile;
  return {
    instances: objectOf([...cluster.instances.values()].map((instance) => [instance.id, instance.json])),
    runners: objectOf(cluster.runners),
    downloads: objectOf([...cluster.downloads].map(([nodeId, byModel]) => [nodeId, [...byModel.values()]])),
    tasks: objectOf(cluster.tasks),
    lastSeen: objectOf(live.map((node) => [node.id, isoMicros(node.lastSeenMs, tsSuffix)])),
    topology: { nodes: live.map((node) => node.id), connections },
    lastEventAppliedIdx: cluster.eventIdx,
    nodeIdentities: objectOf(
      live.map((node) => [
        node.id,
        {
          modelId: profile.hardwareModelId,
          chipId: profile.chipId,
          friendlyName: node.friendlyName,
          osVersion: '26.2',
          osBuildVersion: '25C56',
        },
      ]),
    ),
    nodeMemory: objectOf(
      live.map((node) => [
        node.id,
        {
          ramTotal: { inBytes: profile.nodeRamTotalBytes },
          ramAvailable: { inBytes: cluster.ramAvailable(node) },
          swapTotal: { inBytes: 0 },
          swapAvailable: { inBytes: 0 },
        },
      ]),
    ),
    nodeDisk: objectOf(
      live.map((node) => [
        node.id,
        { total: { inBytes: 994662584320 }, available: { inBytes: 500000000000 } },
      ]),
    ),
    nodeSystem: objectOf(
      live.map((node) => {
        const busy = busyNodes.has(node.id);
        return [
          node.id,
          {
            gpuUsage: busy ? 0.85 : 0.02,
            temp: busy ? 58.5 : 41.5,
            sysPower: cluster.sysPowerWatts(node.id),
            pcpuUsage: busy ? 0.2 : 0.05,
            ecpuUsage: 0.1,
          },
        ];
      }),
    ),
    nodeNetwork: objectOf(
      networked.map((node) => [
        node.id,
        { interfaces: [{ name: 'en0', ipAddress: '127.0.0.1', interfaceType: 'ethernet' }] },
      ]),
    ),
    nodeThunderbolt: {},
    nodeThunderboltBridge: {},
    nodeRdmaCtl: {},
    nodeBackends: objectOf(withBackends.map((node) => [node.id, ['MlxCpu', 'MlxMetal']])),
    thunderboltBridgeCycles: [],
    instanceLinks: {},
    prefillServerPorts: {},
    customModelCards: {},
  };
}
