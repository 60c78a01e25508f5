/**
 * The simulated cluster: nodes, topology, memory, downloads, instances, runners and tasks, kept as one
 * state shared by every node's API (EXO's event-sourced state, without the few ms of lag).
 * State maps are JS Maps; `/state` serialises them on demand in EXO's camelCase JSON.
 */
import type { SimulatorModelSpec, SimulatorProfile } from './profile.js';
import { buildCatalogue } from './profile.js';
import type { Rng } from './random.js';
import { nowMs } from './random.js';
import { FaultState } from './faults.js';
import type { RunnerFailureFault } from './faults.js';
import { InstanceEngine, PrefixCache } from './engine.js';
import type { Sequence } from './engine.js';
import { GroundTruthLog } from './groundTruth.js';

/** A model card entry with every field resolved. */
export type ModelSpec = Required<SimulatorModelSpec>;

/** One simulated node. */
export interface SimNode {
  index: number;
  id: string;
  friendlyName: string;
  /** API port (0 until listening). */
  port: number;
  /** Its HTTP API answers. */
  alive: boolean;
  /** Still part of the cluster state (topology, memory, …). */
  inTopology: boolean;
  /** Bytes held by loaded shards. */
  reservedBytes: number;
  lastSeenMs: number;
  /** Models fully downloaded on this node. */
  modelsOnDisk: Set<string>;
}

type Json = Record<string, unknown>;

/** One instance and its runners. */
export interface SimInstance {
  id: string;
  modelId: string;
  card: ModelSpec;
  variant: 'MlxRingInstance' | 'MlxJacclInstance';
  /** The tagged camelCase JSON, exactly as `/state` and `GET /instance/{id}` show it. */
  json: Json;
  nodeIds: string[];
  runnerIds: string[];
  /** Tagged shard metadata per runner (index-aligned with runnerIds). */
  shards: Json[];
  shardLayers: number[];
  shardBytes: number[];
  /** Bytes reserved so far per runner (memory is taken while loading). */
  reservedBytes: number[];
  deleted: boolean;
  creations: number;
  lifecycle: AbortController;
  engine: InstanceEngine;
  /** Requests whose task is Pending or Running (least-loaded routing). */
  inFlight: Set<Sequence>;
}

/** Result of one placement attempt. */
export type PlacementResult =
  { instance: Json; nodeIds: string[]; memoryDeltaByNode: Record<string, number> } | { error: string };

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

class Aborted extends Error {}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new Aborted());
    const timer = setTimeout(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new Aborted());
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** The shared cluster state and its behaviour. */
export class SimCluster {
  readonly nodes: SimNode[] = [];
  readonly catalogue: Map<string, ModelSpec>;
  readonly instances = new Map<string, SimInstance>();
  readonly runners = new Map<string, Json>();
  readonly downloads = new Map<string, Map<string, Json>>();
  readonly tasks = new Map<string, Json>();
  /** Open chat/bench requests by command ID (for `/v1/cancel`). */
  readonly commands = new Map<string, Sequence>();
  readonly faults: FaultState;
  readonly groundTruth: GroundTruthLog;
  eventIdx = 0;
  tokensWritten = 0;
  activeStreams = 0;
  private readonly instanceWaiters = new Set<(inst: SimInstance) => void>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private heartbeat: NodeJS.Timeout | null = null;
  /** Called when a node must stop answering (the HTTP layer closes its server). */
  onNodeDeath: (node: SimNode) => void = () => undefined;

  constructor(
    readonly profile: SimulatorProfile,
    readonly rng: Rng,
    nodeCount: number,
  ) {
    this.catalogue = buildCatalogue(profile);
    this.faults = new FaultState(rng);
    this.groundTruth = new GroundTruthLog(profile.groundTruthCapacity);
    const now = nowMs();
    for (let i = 0; i < nodeCount; i++) {
      const onDisk = profile.modelsOnDisk;
      this.nodes.push({
        index: i,
        id: rng.hex(32),
        friendlyName: `sim-${i}`,
        port: 0,
        alive: true,
        inTopology: true,
        reservedBytes: 0,
        lastSeenMs: now,
        modelsOnDisk: new Set(onDisk === true ? [...this.catalogue.keys()] : onDisk === false ? [] : onDisk),
      });
      this.downloads.set(this.nodes[i]!.id, new Map());
    }
  }

  /** Starts periodic node reports (lastSeen, lastEventAppliedIdx). */
  start(): void {
    this.heartbeat = setInterval(() => {
      const now = nowMs();
      for (const node of this.nodes) {
        if (!node.alive || !node.inTopology) continue;
        node.lastSeenMs = now;
        this.eventIdx++;
      }
    }, this.profile.heartbeatIntervalMs);
    this.heartbeat.unref();
  }

  /** Stops every timer and lifecycle. */
  stop(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const inst of this.instances.values()) {
      inst.lifecycle.abort();
      inst.engine.stop();
    }
  }

  /** setTimeout that `stop()` cancels. */
  later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private bump(): void {
    this.eventIdx++;
  }

  liveNodes(): SimNode[] {
    return this.nodes.filter((n) => n.inTopology);
  }

  nodeById(id: string): SimNode | undefined {
    return this.nodes.find((n) => n.id === id);
  }

  ramAvailable(node: SimNode): number {
    return Math.max(0, this.profile.nodeRamAvailableBytes - node.reservedBytes);
  }

  // ---------------------------------------------------------------- model cards

  /** The camelCase model card (section 3 of exo-api.md). */
  modelCard(spec: ModelSpec): Json {
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
  modelListEntry(spec: ModelSpec): Json {
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

  /** True if some node reports `DownloadCompleted` for the model. */
  isDownloadedAnywhere(modelId: string): boolean {
    for (const perNode of this.downloads.values()) {
      const entry = perNode.get(modelId);
      if (entry && 'DownloadCompleted' in entry) return true;
    }
    return false;
  }

  // ---------------------------------------------------------------- placement

  /**
   * Computes (without creating) the instance EXO would place. The simulated topology is a full mesh,
   * so every subset of nodes is a cycle; the smallest with ≥ `minNodes` nodes wins, most RAM first.
   */
  place(
    modelId: string,
    sharding: 'Pipeline' | 'Tensor',
    meta: 'MlxRing' | 'MlxJaccl',
    minNodes: number,
    requiredNodeIds: string[] = [],
  ): PlacementResult {
    const spec = this.catalogue.get(modelId);
    if (!spec) return { error: `Model card not found: ${modelId}` };
    const live = this.liveNodes();
    if (meta === 'MlxJaccl' && !this.profile.rdmaEnabled) {
      return { error: 'Requested RDMA (MlxJaccl) but no RDMA-connected cycles available' };
    }
    if (live.length === 0 || minNodes > live.length)
      return { error: 'No cycles found with sufficient memory' };
    const size = Math.max(1, minNodes, requiredNodeIds.length);
    if (size > 1 && sharding === 'Tensor') {
      if (!spec.supportsTensor) {
        return {
          error: `Requested Tensor sharding but this model does not support tensor parallelism: ${modelId}`,
        };
      }
      if (spec.hiddenSize % size !== 0) {
        return { error: `No tensor sharding found for model with hidden_size=${spec.hiddenSize}` };
      }
    }
    const required = live.filter((n) => requiredNodeIds.includes(n.id));
    if (required.length < requiredNodeIds.length) return { error: 'No cycles found with sufficient memory' };
    const others = live
      .filter((n) => !requiredNodeIds.includes(n.id))
      .sort((a, b) => this.ramAvailable(b) - this.ramAvailable(a) || a.index - b.index);
    const chosen = [...required, ...others].slice(0, size).sort((a, b) => a.index - b.index);
    if (chosen.length < size) return { error: 'No cycles found with sufficient memory' };
    const ram = chosen.reduce((sum, n) => sum + this.ramAvailable(n), 0);
    if (ram < spec.storageSizeBytes) return { error: 'No cycles found with sufficient memory' };
    // A single-node placement is always MlxRing + Pipeline, whatever was asked.
    const effectiveSharding = chosen.length === 1 ? 'Pipeline' : sharding;
    const effectiveMeta = chosen.length === 1 ? 'MlxRing' : meta;
    const instanceId = this.rng.uuid4();
    const runnerToShard: Json = {};
    const nodeToRunner: Json = {};
    const memoryDeltaByNode: Record<string, number> = {};
    const k = chosen.length;
    let start = 0;
    chosen.forEach((node, rank) => {
      const runnerId = this.rng.uuid4();
      let startLayer = 0;
      let endLayer = spec.nLayers;
      let bytes = Math.floor(spec.storageSizeBytes / k);
      if (effectiveSharding === 'Pipeline') {
        const layers = Math.floor(spec.nLayers / k) + (rank < spec.nLayers % k ? 1 : 0);
        startLayer = start;
        endLayer = start + layers;
        start = endLayer;
        bytes = Math.floor((spec.storageSizeBytes * layers) / spec.nLayers);
      }
      runnerToShard[runnerId] = {
        [`${effectiveSharding}ShardMetadata`]: {
          modelCard: this.modelCard(spec),
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
    const port = this.rng.int(49152, 65535);
    const shardAssignments = { modelId, runnerToShard, nodeToRunner };
    let body: Json;
    if (effectiveMeta === 'MlxRing') {
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
  previews(modelId: string, requiredNodeIds: string[]): Json[] {
    const out: Json[] = [];
    const seen = new Set<string>();
    const live = this.liveNodes().length;
    for (const sharding of ['Pipeline', 'Tensor'] as const) {
      for (const meta of ['MlxRing', 'MlxJaccl'] as const) {
        for (let minNodes = 1; minNodes <= live; minNodes++) {
          const result = this.place(modelId, sharding, meta, minNodes, requiredNodeIds);
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

  // ---------------------------------------------------------------- instances

  /**
   * Registers an instance from its tagged camelCase JSON (validated by the caller) and starts its
   * runners. Posting an existing ID is a no-op.
   */
  createInstance(json: Json, startLifecycle = true): SimInstance | null {
    const variant = Object.keys(json)[0] as SimInstance['variant'];
    const body = json[variant] as Json;
    const id = body.instanceId as string;
    if (this.instances.has(id)) return this.instances.get(id) ?? null;
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
    const card = this.catalogue.get(modelId) ?? this.cardFromShard(modelId, shards[0]);
    const isTensor = shards.some((s) => 'TensorShardMetadata' in s);
    const shardBytes = shardLayers.map((layers) =>
      isTensor
        ? Math.floor(card.storageSizeBytes / Math.max(1, shards.length))
        : Math.floor((card.storageSizeBytes * layers) / Math.max(1, card.nLayers)),
    );
    const nodeCount = nodeIds.length;
    const p = this.profile;
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
            this.setRunners(inst, () => ({ RunnerRunning: {} }));
          }
        },
        left: (seq) => {
          if (seq.task && (seq.task.taskStatus === 'Pending' || seq.task.taskStatus === 'Running')) {
            seq.task.taskStatus = 'Complete';
            this.bump();
          }
          inst.inFlight.delete(seq);
        },
        idle: () => {
          if (!inst.deleted) this.setRunners(inst, () => ({ RunnerReady: { prefillServerPort: null } }));
        },
      },
    );
    this.instances.set(id, inst);
    this.bump();
    for (const waiter of [...this.instanceWaiters]) waiter(inst);
    if (startLifecycle) void this.runLifecycle(inst);
    return inst;
  }

  private cardFromShard(modelId: string, shard: Json | undefined): ModelSpec {
    const meta = shard ? (Object.values(shard)[0] as Json) : {};
    const card = (meta.modelCard ?? {}) as Json;
    const storage = (card.storageSize as Json | undefined)?.inBytes;
    return buildCatalogue({
      ...this.profile,
      models: [
        {
          modelId,
          nLayers: typeof meta.nLayers === 'number' ? meta.nLayers : 16,
          storageSizeBytes: typeof storage === 'number' ? storage : 0,
        },
      ],
    }).get(modelId) as ModelSpec;
  }

  /** Resolves when an instance for `modelId` exists (or `timeoutMs` passes: null). */
  awaitInstance(modelId: string, timeoutMs: number, signal: AbortSignal): Promise<SimInstance | null> {
    for (const inst of this.instances.values())
      if (inst.modelId === modelId && !inst.deleted) return Promise.resolve(inst);
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | null = null;
      const done = (inst: SimInstance | null): void => {
        this.instanceWaiters.delete(waiter);
        if (timer) clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        resolve(inst);
      };
      const waiter = (inst: SimInstance): void => {
        if (inst.modelId === modelId) done(inst);
      };
      const onAbort = (): void => done(null);
      this.instanceWaiters.add(waiter);
      signal.addEventListener('abort', onAbort, { once: true });
      if (timeoutMs > 0) timer = setTimeout(() => done(null), timeoutMs);
    });
  }

  setRunners(inst: SimInstance, status: (index: number) => Json): void {
    inst.runnerIds.forEach((rid, i) => this.runners.set(rid, status(i)));
    this.bump();
  }

  private addBookkeepingTask(tag: string, inst: SimInstance, status: string): Json {
    const taskId = this.rng.uuid4();
    const body: Json = { taskId, taskStatus: status, instanceId: inst.id };
    this.tasks.set(taskId, { [tag]: body });
    return body;
  }

  private modelDirectory(modelId: string): string {
    return `/Users/sim/.exo/models/${modelId.replace('/', '--')}`;
  }

  /** Walks the runner state machine (exo-api.md 4.9), with retries after injected failures. */
  private async runLifecycle(inst: SimInstance): Promise<void> {
    const p = this.profile;
    const signal = inst.lifecycle.signal;
    try {
      await sleep(0, signal);
      for (;;) {
        inst.creations++;
        const failure = this.faults.takeRunnerFailure(inst.modelId);
        this.setRunners(inst, () => ({ RunnerIdle: {} }));
        for (const _ of inst.runnerIds) this.addBookkeepingTask('CreateRunner', inst, 'Complete');
        const downloaded = this.startDownloads(inst, signal);
        await sleep(p.runnerIdleMs, signal);
        if (inst.runnerIds.length > 1) {
          this.addBookkeepingTask('ConnectToGroup', inst, 'Complete');
          this.setRunners(inst, () => ({ RunnerConnecting: {} }));
          await sleep(p.runnerConnectMs, signal);
          this.setRunners(inst, () => ({ RunnerConnected: {} }));
          await sleep(p.runnerConnectMs, signal);
        }
        await downloaded;
        this.addBookkeepingTask('LoadModel', inst, 'Complete');
        const maxLayers = Math.max(1, ...inst.shardLayers);
        const failAt = failure
          ? Math.min(maxLayers, Math.max(0, failure.atLayer ?? Math.floor(maxLayers / 2)))
          : -1;
        for (let step = 0; step <= maxLayers; step++) {
          if (step === failAt) {
            await this.failRunners(inst, failure as RunnerFailureFault, signal);
            break;
          }
          this.setRunners(inst, (i) => {
            const total = inst.shardLayers[i] ?? 0;
            const loaded = Math.min(total, Math.round((step / maxLayers) * total));
            const want = total > 0 ? Math.floor((inst.shardBytes[i] ?? 0) * (loaded / total)) : 0;
            this.reserve(inst, i, want);
            return { RunnerLoading: { layersLoaded: loaded, totalLayers: total } };
          });
          if (step < maxLayers) await sleep(p.loadDurationMs / maxLayers, signal);
        }
        if (failAt >= 0) {
          if (inst.deleted) return;
          continue;
        }
        inst.shardBytes.forEach((bytes, i) => this.reserve(inst, i, bytes));
        this.setRunners(inst, () => ({ RunnerLoaded: {} }));
        await sleep(p.runnerLoadedMs, signal);
        this.addBookkeepingTask('StartWarmup', inst, 'Complete');
        this.setRunners(inst, () => ({ RunnerWarmingUp: {} }));
        await sleep(p.warmupMs, signal);
        this.setRunners(inst, () => ({ RunnerReady: { prefillServerPort: null } }));
        inst.engine.setReady(true);
        return;
      }
    } catch (error) {
      if (!(error instanceof Aborted)) throw error;
    }
  }

  /** RunnerFailed (latched for the back-off), then either retry or delete the instance. */
  private async failRunners(
    inst: SimInstance,
    failure: RunnerFailureFault,
    signal: AbortSignal,
  ): Promise<void> {
    const p = this.profile;
    const message = failure.errorMessage ?? 'Terminated (exitcode=1)\nRunner error: simulated failure';
    this.setRunners(inst, () => ({ RunnerFailed: { errorMessage: message, diagnostics: [] } }));
    inst.reservedBytes.forEach((_b, i) => this.reserve(inst, i, 0));
    for (const seq of inst.engine.all()) {
      if (seq.state === 'prefill' || seq.state === 'decode') {
        inst.engine.remove(seq);
        seq.sink.errorChunk(seq, message.split('\n')[0] ?? message);
      }
    }
    if (inst.creations >= p.maxRunnerCreations) {
      // EXO's worker deletes the instance after 5 creations; the failure stays visible briefly.
      await sleep(Math.min(p.retryBackoffBaseMs, 500), signal);
      this.deleteInstance(inst.id, 0);
      return;
    }
    const backoff = Math.min(p.retryBackoffCapMs, p.retryBackoffBaseMs * 2 ** (inst.creations - 1));
    await sleep(backoff, signal);
  }

  private reserve(inst: SimInstance, runnerIndex: number, bytes: number): void {
    const node = this.nodeById(inst.nodeIds[runnerIndex] ?? '');
    const before = inst.reservedBytes[runnerIndex] ?? 0;
    inst.reservedBytes[runnerIndex] = bytes;
    if (node) node.reservedBytes += bytes - before;
  }

  /** Download entries per node; resolves when every node of the instance has the model. */
  private startDownloads(inst: SimInstance, signal: AbortSignal): Promise<void> {
    const p = this.profile;
    const total = inst.card.storageSizeBytes;
    const waits = inst.nodeIds.map(async (nodeId, i) => {
      const node = this.nodeById(nodeId);
      const perNode = this.downloads.get(nodeId);
      if (!node || !perNode) return new Promise<void>(() => undefined); // unknown node: never ready
      const common = () => ({
        nodeId,
        shardMetadata: inst.shards[i],
        modelDirectory: this.modelDirectory(inst.modelId),
      });
      if (node.modelsOnDisk.has(inst.modelId)) {
        perNode.set(inst.modelId, {
          DownloadCompleted: { ...common(), total: { inBytes: total }, readOnly: false },
        });
        this.addBookkeepingTask('DownloadModel', inst, 'Complete');
        this.bump();
        return;
      }
      const task = this.addBookkeepingTask('DownloadModel', inst, 'Pending');
      perNode.set(inst.modelId, {
        DownloadPending: { ...common(), downloaded: { inBytes: 0 }, total: { inBytes: total } },
      });
      this.bump();
      await sleep(p.runnerIdleMs / 2, signal);
      task.taskStatus = 'Running';
      const durationMs = (total / p.downloadBytesPerSecond) * 1000;
      const started = nowMs();
      for (;;) {
        const elapsed = nowMs() - started;
        const done = Math.min(total, Math.floor((elapsed / Math.max(1, durationMs)) * total));
        if (done >= total) break;
        perNode.set(inst.modelId, {
          DownloadOngoing: {
            ...common(),
            downloadProgress: {
              total: { inBytes: total },
              downloaded: { inBytes: done },
              downloadedThisSession: { inBytes: done },
              completedFiles: Math.floor((done / total) * 7),
              totalFiles: 7,
              speed: p.downloadBytesPerSecond,
              etaMs: Math.round(durationMs - elapsed),
              files: {},
            },
          },
        });
        this.bump();
        await sleep(Math.min(100, durationMs / 4), signal);
      }
      // A real DownloadModel task stays Running forever after a download (exo-api.md 2.3).
      node.modelsOnDisk.add(inst.modelId);
      perNode.set(inst.modelId, {
        DownloadCompleted: { ...common(), total: { inBytes: total }, readOnly: false },
      });
      this.bump();
    });
    return Promise.all(waits).then(() => undefined);
  }

  /**
   * Deletes an instance after `delayMs`: its in-flight tasks become Cancelled, its streams end without
   * `[DONE]`, its runners shut down and then disappear, freeing memory. Returns false if unknown.
   */
  deleteInstance(id: string, delayMs = this.profile.deleteDelayMs): boolean {
    const inst = this.instances.get(id);
    if (!inst || inst.deleted) return false;
    const run = (): void => {
      if (inst.deleted) return;
      inst.deleted = true;
      inst.lifecycle.abort();
      for (const seq of inst.engine.all()) {
        if (seq.task) seq.task.taskStatus = 'Cancelled';
        inst.engine.remove(seq);
        inst.inFlight.delete(seq);
        seq.sink.abort(seq, 'deleted');
      }
      inst.engine.stop();
      this.instances.delete(id);
      this.addBookkeepingTask('Shutdown', inst, 'Complete');
      this.setRunners(inst, () => ({ RunnerShuttingDown: {} }));
      this.later(this.profile.shutdownMs, () => {
        for (const rid of inst.runnerIds) this.runners.delete(rid);
        inst.reservedBytes.forEach((_b, i) => this.reserve(inst, i, 0));
        this.bump();
      });
    };
    if (delayMs > 0) this.later(delayMs, run);
    else run();
    return true;
  }

  // ---------------------------------------------------------------- requests

  /** The instance a new request for `model` goes to: fewest Pending+Running tasks, first on ties. */
  route(model: string): SimInstance | null {
    let best: SimInstance | null = null;
    for (const inst of this.instances.values()) {
      if (inst.deleted || inst.modelId !== model) continue;
      if (!best || inst.inFlight.size < best.inFlight.size) best = inst;
    }
    return best;
  }

  /** Adds a request's TextGeneration task (Pending) and hands it to the instance's engine. */
  submit(inst: SimInstance, seq: Sequence, messages: unknown, schedule = true): void {
    const taskId = this.rng.uuid4();
    const body: Json = {
      taskId,
      taskStatus: 'Pending',
      instanceId: inst.id,
      commandId: seq.commandId,
      taskParams: {
        model: seq.model,
        input: messages,
        max_output_tokens: seq.maxTokens,
        bench: seq.bench,
        stream: seq.stream,
        use_prefix_cache: seq.usePrefixCache,
      },
      errorType: null,
      errorMessage: null,
    };
    seq.task = body;
    seq.instanceId = inst.id;
    seq.record.instance_id = inst.id;
    this.tasks.set(taskId, { TextGeneration: body });
    this.commands.set(seq.commandId, seq);
    inst.inFlight.add(seq);
    this.bump();
    if (schedule) inst.engine.enqueue(seq);
  }

  /** The HTTP response of a request ended (any way): drop its task, as EXO does. */
  endRequest(seq: Sequence): void {
    this.commands.delete(seq.commandId);
    const inst = seq.instanceId ? this.instances.get(seq.instanceId) : undefined;
    if (inst) {
      inst.engine.remove(seq);
      inst.inFlight.delete(seq);
    }
    if (seq.task) {
      this.tasks.delete(seq.task.taskId as string);
      seq.task = null;
      this.bump();
    }
  }

  /** `/v1/cancel/{id}`: the stream ends without `[DONE]`. */
  cancel(commandId: string): boolean {
    const seq = this.commands.get(commandId);
    if (!seq || seq.state === 'done') return false;
    if (seq.task) seq.task.taskStatus = 'Cancelled';
    const inst = seq.instanceId ? this.instances.get(seq.instanceId) : undefined;
    inst?.engine.remove(seq);
    inst?.inFlight.delete(seq);
    seq.state = 'done';
    seq.sink.abort(seq, 'cancelled');
    return true;
  }

  // ---------------------------------------------------------------- nodes

  /** The node's API dies now; it leaves the cluster (instances deleted) after `removalDelayMs`. */
  killNode(index: number, removalDelayMs = 0): void {
    const node = this.nodes[index];
    if (!node || !node.alive) return;
    node.alive = false;
    this.onNodeDeath(node);
    const remove = (): void => {
      node.inTopology = false;
      this.downloads.delete(node.id);
      for (const inst of [...this.instances.values()]) {
        if (inst.nodeIds.includes(node.id)) this.deleteInstance(inst.id, 0);
      }
      this.bump();
    };
    if (removalDelayMs > 0) this.later(removalDelayMs, remove);
    else remove();
  }

  // ---------------------------------------------------------------- state

  /** The whole `/state` document (camelCase). `tsSuffix` differs between `/state` and `/state/<path>`. */
  buildState(tsSuffix: 'Z' | '+00:00'): Json {
    const live = this.liveNodes();
    const objectOf = <T>(entries: Iterable<[string, T]>): Record<string, T> => Object.fromEntries(entries);
    const busyNodes = new Set<string>();
    for (const inst of this.instances.values())
      if (inst.engine.active.length > 0) for (const n of inst.nodeIds) busyNodes.add(n);
    const connections: Json = {};
    for (const a of live) {
      const sinks: Json = {};
      for (const b of live) {
        if (a === b) continue;
        const edges: Json[] = [
          {
            sinkMultiaddr: {
              address: `/ip4/127.0.0.1/tcp/${b.port}`,
              address_type: 'ip4',
              ip_address: '127.0.0.1',
              port: b.port,
            },
          },
        ];
        if (this.profile.rdmaEnabled)
          edges.push({ sourceRdmaIface: `rdma_en${3 + b.index}`, sinkRdmaIface: `rdma_en${3 + a.index}` });
        sinks[b.id] = edges;
      }
      connections[a.id] = sinks;
    }
    const p = this.profile;
    return {
      instances: objectOf([...this.instances.values()].map((i) => [i.id, i.json])),
      runners: objectOf(this.runners),
      downloads: objectOf([...this.downloads].map(([nodeId, m]) => [nodeId, [...m.values()]])),
      tasks: objectOf(this.tasks),
      lastSeen: objectOf(live.map((n) => [n.id, isoMicros(n.lastSeenMs, tsSuffix)])),
      topology: { nodes: live.map((n) => n.id), connections },
      lastEventAppliedIdx: this.eventIdx,
      nodeIdentities: objectOf(
        live.map((n) => [
          n.id,
          {
            modelId: p.hardwareModelId,
            chipId: p.chipId,
            friendlyName: n.friendlyName,
            osVersion: '26.2',
            osBuildVersion: '25C56',
          },
        ]),
      ),
      nodeMemory: objectOf(
        live.map((n) => [
          n.id,
          {
            ramTotal: { inBytes: p.nodeRamTotalBytes },
            ramAvailable: { inBytes: this.ramAvailable(n) },
            swapTotal: { inBytes: 0 },
            swapAvailable: { inBytes: 0 },
          },
        ]),
      ),
      nodeDisk: objectOf(
        live.map((n) => [n.id, { total: { inBytes: 994662584320 }, available: { inBytes: 500000000000 } }]),
      ),
      nodeSystem: objectOf(
        live.map((n) => {
          const busy = busyNodes.has(n.id);
          return [
            n.id,
            {
              gpuUsage: busy ? 0.85 : 0.02,
              temp: busy ? 58.5 : 41.5,
              sysPower: this.sysPowerWatts(n.id),
              pcpuUsage: busy ? 0.2 : 0.05,
              ecpuUsage: 0.1,
            },
          ];
        }),
      ),
      nodeNetwork: objectOf(
        live.map((n) => [
          n.id,
          { interfaces: [{ name: 'en0', ipAddress: '127.0.0.1', interfaceType: 'ethernet' }] },
        ]),
      ),
      nodeThunderbolt: {},
      nodeThunderboltBridge: {},
      nodeRdmaCtl: {},
      nodeBackends: objectOf(live.map((n) => [n.id, ['MlxCpu', 'MlxMetal']])),
      thunderboltBridgeCycles: [],
      instanceLinks: {},
      prefillServerPorts: {},
      customModelCards: {},
    };
  }

  /** Simulated `sysPower` of a node: ~18 W idle, ~95 W while one of its instances generates. */
  sysPowerWatts(nodeId: string): number {
    for (const inst of this.instances.values()) {
      if (inst.engine.active.length > 0 && inst.nodeIds.includes(nodeId)) return 95;
    }
    return 18;
  }
}
