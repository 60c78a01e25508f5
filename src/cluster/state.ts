/**
 * Reads the parts of EXO's `/state` a benchmark needs, from the current API (era C in exo-api.md §10)
 * and, for reading only, the older `nodeProfiles` one (eras A/B). Everything here is pure: it takes
 * parsed JSON and never throws on unexpected shapes (a missing map is simply empty).
 */

/** Memory of one node, bytes. */
export interface NodeMemory {
  totalBytes: number;
  availableBytes: number;
}

/** Identity of one node, as EXO reports it. */
export interface NodeIdentity {
  chip: string;
  friendlyName: string;
  model: string;
}

/** One instance and where its runners are. */
export interface InstanceView {
  instanceId: string;
  modelId: string;
  /** Tag of the instance variant, e.g. `MlxRingInstance`. */
  kind: string;
  runnerIds: string[];
  nodeIds: string[];
  /** Shard tag of the first runner (`PipelineShardMetadata`, `TensorShardMetadata`). */
  shardKind: string;
}

/** One runner's status. */
export interface RunnerView {
  /** The variant's tag without the `Runner` prefix (`Ready`, `Loading`, `Failed`, …). */
  status: string;
  layersLoaded?: number;
  totalLayers?: number;
  errorMessage?: string;
}

/** Download progress of one model on one node. */
export interface DownloadView {
  nodeId: string;
  modelId: string;
  /** `Pending`, `Ongoing`, `Completed`, `Failed`. */
  status: string;
  downloadedBytes?: number;
  totalBytes?: number;
  /** Bytes per second, as EXO reports it while a download is ongoing. */
  speedBytesPerSecond?: number;
  /** EXO's estimate of the time left, ms. */
  etaMs?: number;
  errorMessage?: string;
}

/** The benchmark's view of a cluster at one moment. */
export interface ClusterView {
  nodeIds: string[];
  memory: Map<string, NodeMemory>;
  identities: Map<string, NodeIdentity>;
  instances: Map<string, InstanceView>;
  runners: Map<string, RunnerView>;
  downloads: DownloadView[];
  /** In-flight `TextGeneration` tasks (Pending or Running) per instance ID. */
  inFlightByInstance: Map<string, number>;
  inFlightTotal: number;
  /** Backends each node reports (`nodeBackends`); placement needs an entry for every node. */
  backends: Map<string, string[]>;
  /**
   * Topology edges: source node → the nodes it has probed successfully (exo-api.md §12.1). A multi-node
   * instance needs a cycle through its nodes over these edges.
   */
  links: Map<string, Set<string>>;
  /** The address other nodes reach a node's API at (a socket edge's `sinkMultiaddr`, §1.3): `ip`, `port`. */
  apiAddresses: Map<string, { ip: string; port: number }>;
  /** EXO's event counter; it only grows, unless a new master started from an empty state (§12.2). */
  lastEventAppliedIdx?: number;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function objectAt(value: unknown, key: string): Json {
  if (!isObject(value)) return {};
  const inner = value[key];
  return isObject(inner) ? inner : {};
}

/** Splits a tagged union `{"Tag": {...}}` into its tag and body. */
export function untag(value: unknown): { tag: string; body: Json } | undefined {
  if (!isObject(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1) return undefined;
  const tag = keys[0] as string;
  const body = value[tag];
  return { tag, body: isObject(body) ? body : {} };
}

/** `{"inBytes": n}` or `{"in_bytes": n}` → n; anything else → undefined. */
export function bytesOf(value: unknown): number | undefined {
  if (!isObject(value)) return undefined;
  const n = value.inBytes ?? value.in_bytes;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

function readNodeIds(state: Json): string[] {
  const nodes = objectAt(state, 'topology').nodes;
  if (!Array.isArray(nodes)) return [];
  const ids: string[] = [];
  for (const node of nodes) {
    // Era C lists bare IDs; eras A/B list `{nodeId, nodeProfile}` objects.
    if (typeof node === 'string') ids.push(node);
    else if (isObject(node) && typeof node.nodeId === 'string') ids.push(node.nodeId);
  }
  return ids;
}

function readMemory(state: Json): Map<string, NodeMemory> {
  const memory = new Map<string, NodeMemory>();
  const add = (nodeId: string, entry: unknown): void => {
    const total = bytesOf(objectAt({ e: entry }, 'e').ramTotal);
    const available = bytesOf(objectAt({ e: entry }, 'e').ramAvailable);
    if (total !== undefined && available !== undefined)
      memory.set(nodeId, { totalBytes: total, availableBytes: available });
  };
  for (const [nodeId, entry] of Object.entries(objectAt(state, 'nodeMemory'))) add(nodeId, entry);
  for (const [nodeId, profile] of Object.entries(objectAt(state, 'nodeProfiles'))) {
    if (!memory.has(nodeId)) add(nodeId, objectAt(profile, 'memory'));
  }
  return memory;
}

function readIdentities(state: Json): Map<string, NodeIdentity> {
  const identities = new Map<string, NodeIdentity>();
  const add = (nodeId: string, entry: Json): void => {
    identities.set(nodeId, {
      chip: typeof entry.chipId === 'string' ? entry.chipId : '',
      friendlyName: typeof entry.friendlyName === 'string' ? entry.friendlyName : '',
      model: typeof entry.modelId === 'string' ? entry.modelId : '',
    });
  };
  for (const [nodeId, entry] of Object.entries(objectAt(state, 'nodeIdentities')))
    if (isObject(entry)) add(nodeId, entry);
  for (const [nodeId, entry] of Object.entries(objectAt(state, 'nodeProfiles'))) {
    if (!identities.has(nodeId) && isObject(entry)) add(nodeId, entry);
  }
  return identities;
}

/** Reads one instance's JSON (tagged, camelCase; snake_case also accepted). */
export function readInstance(instanceId: string, value: unknown): InstanceView | undefined {
  const tagged = untag(value);
  if (!tagged) return undefined;
  const body = tagged.body;
  const assignments = objectAt(body, 'shardAssignments');
  const assignmentsSnake = objectAt(body, 'shard_assignments');
  const modelId = assignments.modelId ?? assignmentsSnake.model_id;
  const runnerToShard = isObject(assignments.runnerToShard)
    ? assignments.runnerToShard
    : objectAt(assignmentsSnake, 'runner_to_shard');
  const nodeToRunner = isObject(assignments.nodeToRunner)
    ? assignments.nodeToRunner
    : objectAt(assignmentsSnake, 'node_to_runner');
  const firstShard = untag(Object.values(runnerToShard)[0]);
  const id = body.instanceId ?? body.instance_id;
  return {
    instanceId: typeof id === 'string' ? id : instanceId,
    modelId: typeof modelId === 'string' ? modelId : '',
    kind: tagged.tag,
    runnerIds: Object.keys(runnerToShard),
    nodeIds: Object.keys(nodeToRunner),
    shardKind: firstShard?.tag ?? '',
  };
}

function readRunners(state: Json): Map<string, RunnerView> {
  const runners = new Map<string, RunnerView>();
  for (const [runnerId, value] of Object.entries(objectAt(state, 'runners'))) {
    const tagged = untag(value);
    if (!tagged) continue;
    const view: RunnerView = { status: tagged.tag.replace(/^Runner/, '') };
    const body = tagged.body;
    if (typeof body.layersLoaded === 'number') view.layersLoaded = body.layersLoaded;
    if (typeof body.totalLayers === 'number') view.totalLayers = body.totalLayers;
    if (typeof body.errorMessage === 'string') view.errorMessage = body.errorMessage;
    runners.set(runnerId, view);
  }
  return runners;
}

function readDownloads(state: Json): DownloadView[] {
  const downloads: DownloadView[] = [];
  for (const [nodeId, entries] of Object.entries(objectAt(state, 'downloads'))) {
    if (!Array.isArray(entries)) continue;
    for (const entry of entries) {
      const tagged = untag(entry);
      if (!tagged) continue;
      const shard = untag(tagged.body.shardMetadata);
      const modelCard = objectAt(shard?.body, 'modelCard');
      const view: DownloadView = {
        nodeId,
        modelId: typeof modelCard.modelId === 'string' ? modelCard.modelId : '',
        status: tagged.tag.replace(/^Download/, ''),
      };
      const progress = objectAt(tagged.body, 'downloadProgress');
      const downloaded = bytesOf(progress.downloaded) ?? bytesOf(tagged.body.downloaded);
      const total = bytesOf(progress.total) ?? bytesOf(tagged.body.total);
      if (downloaded !== undefined) view.downloadedBytes = downloaded;
      if (total !== undefined) view.totalBytes = total;
      if (typeof progress.speed === 'number' && Number.isFinite(progress.speed))
        view.speedBytesPerSecond = progress.speed;
      if (typeof progress.etaMs === 'number' && Number.isFinite(progress.etaMs)) view.etaMs = progress.etaMs;
      if (typeof tagged.body.errorMessage === 'string') view.errorMessage = tagged.body.errorMessage;
      downloads.push(view);
    }
  }
  return downloads;
}

function readBackends(state: Json): Map<string, string[]> {
  const backends = new Map<string, string[]>();
  for (const [nodeId, list] of Object.entries(objectAt(state, 'nodeBackends'))) {
    if (Array.isArray(list))
      backends.set(
        nodeId,
        list.filter((b): b is string => typeof b === 'string'),
      );
  }
  return backends;
}

/**
 * Topology edges of era C (`connections: {source: {sink: [edge, …]}}`), and of eras A/B (a list of
 * `{localNodeId, sendBackNodeId, sendBackMultiaddr}`), with the API address a socket edge names.
 */
function readLinks(state: Json): {
  links: Map<string, Set<string>>;
  apiAddresses: Map<string, { ip: string; port: number }>;
} {
  const links = new Map<string, Set<string>>();
  const apiAddresses = new Map<string, { ip: string; port: number }>();
  const add = (source: string, sink: string): void => {
    if (source === sink) return;
    let sinks = links.get(source);
    if (!sinks) links.set(source, (sinks = new Set()));
    sinks.add(sink);
  };
  const connections = objectAt(state, 'topology').connections;
  if (isObject(connections)) {
    for (const [source, sinks] of Object.entries(connections)) {
      if (!isObject(sinks)) continue;
      for (const [sink, edges] of Object.entries(sinks)) {
        if (!Array.isArray(edges) || edges.length === 0) continue;
        add(source, sink);
        for (const edge of edges) {
          const address = objectAt(edge, 'sinkMultiaddr');
          const ip = address.ip_address ?? address.ipAddress;
          const port = address.port;
          if (typeof ip === 'string' && typeof port === 'number' && !apiAddresses.has(sink))
            apiAddresses.set(sink, { ip, port });
        }
      }
    }
  } else if (Array.isArray(connections)) {
    for (const edge of connections) {
      if (isObject(edge) && typeof edge.localNodeId === 'string' && typeof edge.sendBackNodeId === 'string')
        add(edge.localNodeId, edge.sendBackNodeId);
    }
  }
  return { links, apiAddresses };
}

/**
 * A cycle that visits every one of `nodeIds` once over the directed `links` (what an N-node MlxRing or
 * pipeline placement needs, exo-api.md §12.1), or undefined. One node needs no link. Exhaustive search,
 * fine for the handful of nodes a cluster has (a benchmark plan of more than 12 nodes is only checked
 * for strong connectivity, which every such cycle implies).
 */
export function findCycle(
  nodeIds: readonly string[],
  links: ReadonlyMap<string, ReadonlySet<string>>,
): string[] | undefined {
  if (nodeIds.length <= 1) return [...nodeIds];
  const members = new Set(nodeIds);
  const linked = (a: string, b: string): boolean => links.get(a)?.has(b) ?? false;
  if (nodeIds.length > 12) {
    const reach = (from: string, forward: boolean): Set<string> => {
      const seen = new Set([from]);
      const queue = [from];
      while (queue.length > 0) {
        const at = queue.pop() as string;
        for (const next of members)
          if (!seen.has(next) && (forward ? linked(at, next) : linked(next, at))) {
            seen.add(next);
            queue.push(next);
          }
      }
      return seen;
    };
    const first = nodeIds[0] as string;
    return reach(first, true).size === members.size && reach(first, false).size === members.size
      ? [...nodeIds]
      : undefined;
  }
  const start = nodeIds[0] as string;
  const path = [start];
  const used = new Set(path);
  const extend = (): boolean => {
    const last = path[path.length - 1] as string;
    if (path.length === nodeIds.length) return linked(last, start);
    for (const next of nodeIds) {
      if (used.has(next) || !linked(last, next)) continue;
      path.push(next);
      used.add(next);
      if (extend()) return true;
      path.pop();
      used.delete(next);
    }
    return false;
  };
  return extend() ? path : undefined;
}

/** Task tags that are requests: `TextGeneration` today, `ChatCompletion` before 2026-02-02. */
const REQUEST_TASK_TAGS = new Set(['TextGeneration', 'ChatCompletion']);
const IN_FLIGHT_STATUSES = new Set(['Pending', 'Running']);

/**
 * Counts in-flight requests per instance. Only request tasks count: bookkeeping tasks (downloads,
 * loading, warmup) also live in `tasks`, are never removed, and a DownloadModel task stays Running.
 */
export function countInFlight(tasks: unknown): { byInstance: Map<string, number>; total: number } {
  const byInstance = new Map<string, number>();
  let total = 0;
  if (!isObject(tasks)) return { byInstance, total };
  for (const value of Object.values(tasks)) {
    const tagged = untag(value);
    if (!tagged || !REQUEST_TASK_TAGS.has(tagged.tag)) continue;
    if (!IN_FLIGHT_STATUSES.has(String(tagged.body.taskStatus))) continue;
    const instanceId = String(tagged.body.instanceId ?? '');
    byInstance.set(instanceId, (byInstance.get(instanceId) ?? 0) + 1);
    total += 1;
  }
  return { byInstance, total };
}

/** Pending and Running request tasks of one instance. */
export interface InstanceTaskCounts {
  pending: number;
  running: number;
}

/**
 * Counts request tasks per instance and status (the seed's snapshots kept Pending and Running apart);
 * same tasks as {@link countInFlight}.
 */
export function countTasksByStatus(tasks: unknown): Map<string, InstanceTaskCounts> {
  const byInstance = new Map<string, InstanceTaskCounts>();
  if (!isObject(tasks)) return byInstance;
  for (const value of Object.values(tasks)) {
    const tagged = untag(value);
    if (!tagged || !REQUEST_TASK_TAGS.has(tagged.tag)) continue;
    const status = String(tagged.body.taskStatus);
    if (!IN_FLIGHT_STATUSES.has(status)) continue;
    const instanceId = String(tagged.body.instanceId ?? '');
    const counts = byInstance.get(instanceId) ?? { pending: 0, running: 0 };
    if (status === 'Pending') counts.pending += 1;
    else counts.running += 1;
    byInstance.set(instanceId, counts);
  }
  return byInstance;
}

/** Builds the benchmark's view of a parsed `/state` document. */
export function readClusterView(state: unknown): ClusterView {
  const root = isObject(state) ? state : {};
  const instances = new Map<string, InstanceView>();
  for (const [instanceId, value] of Object.entries(objectAt(root, 'instances'))) {
    const view = readInstance(instanceId, value);
    if (view) instances.set(instanceId, view);
  }
  const inFlight = countInFlight(root.tasks);
  const { links, apiAddresses } = readLinks(root);
  const eventIdx = root.lastEventAppliedIdx;
  return {
    nodeIds: readNodeIds(root),
    memory: readMemory(root),
    identities: readIdentities(root),
    instances,
    runners: readRunners(root),
    downloads: readDownloads(root),
    inFlightByInstance: inFlight.byInstance,
    inFlightTotal: inFlight.total,
    backends: readBackends(root),
    links,
    apiAddresses,
    ...(typeof eventIdx === 'number' ? { lastEventAppliedIdx: eventIdx } : {}),
  };
}

/** Runner statuses that mean "ready to serve" (`Running` = ready and serving). */
export const READY_RUNNER_STATUSES: ReadonlySet<string> = new Set(['Ready', 'Running']);

/** True when the instance has runners and every one of them is Ready or Running. */
export function isInstanceReady(view: ClusterView, instance: InstanceView): boolean {
  if (instance.runnerIds.length === 0) return false;
  return instance.runnerIds.every((runnerId) =>
    READY_RUNNER_STATUSES.has(view.runners.get(runnerId)?.status ?? ''),
  );
}
