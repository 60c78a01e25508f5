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
import type { InstanceEngine } from './engine.js';
import type { Sequence } from './engine.js';
import { GroundTruthLog } from './ground-truth.js';
import { Election } from './election.js';
import { listPreviews, placeInstance } from './placement.js';
import { createInstance } from './instances.js';
import { killNode, reportModelsFound, resetState, startNode } from './nodes.js';
import { buildState, modelCard, modelListEntry } from './state-json.js';
export { isoMicros, toCamelCase, toSnakeCase } from './state-json.js';
import type { LinkNode } from './topology.js';
import { backendsAtMs, edgeExists } from './topology.js';

/** A model card entry with every field resolved. */
export type ModelSpec = Required<SimulatorModelSpec>;

/** Busy time of a node's API process (the cost of serving `/state`, exo-api.md 12.4). */
export interface NodeBusy {
  /** Epoch ms until which the node's responses and token writes wait. */
  untilMs: number;
  stateRequests: number;
  stateBytes: number;
  stateBusyMs: number;
}

/** How a node process was started (`exo` flags and EXO_* variables; see `parseExoArgs`). */
export interface NodeStartOptions {
  forceMaster?: boolean;
  namespace?: string;
  /** EXO_DEFAULT_MODELS_DIR then EXO_MODELS_DIRS. */
  writableModelsDirs?: string[];
  /** EXO_MODELS_READ_ONLY_DIRS. */
  readOnlyModelsDirs?: string[];
}

/** One simulated node. */
export interface SimNode extends LinkNode {
  index: number;
  id: string;
  friendlyName: string;
  /** API port (0 until listening). */
  port: number;
  /** Its process runs and its HTTP API answers. */
  alive: boolean;
  /** Still part of the cluster state (topology, memory, …). */
  inTopology: boolean;
  /** Bytes held by loaded shards. */
  reservedBytes: number;
  lastSeenMs: number;
  /** Models fully downloaded on this node. */
  modelsOnDisk: Set<string>;
  writableModelsDirs: string[];
  readOnlyModelsDirs: string[];
  forceMaster: boolean;
  /** Election seniority (election.py). */
  seniority: number;
  /** Commands this process has seen (the election's second key). */
  commandsSeen: number;
  /** Order of the latest start (larger = later). */
  startedSeq: number;
  /** Discovery namespace (`--namespace`). */
  namespace: string;
  /** Started with another namespace than the running nodes: it never joins their topology. */
  isolated: boolean;
  busy: NodeBusy;
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
  /** Callbacks of `/instance/await` requests, told about every new instance. */
  readonly instanceWaiters = new Set<(inst: SimInstance) => void>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private heartbeat: NodeJS.Timeout | null = null;
  private startCounter = 0;
  readonly election: Election;
  /** Called when a node must stop answering (the HTTP layer closes its server). */
  onNodeStart: (node: SimNode) => Promise<void> = async () => undefined;
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
    const onDisk = profile.modelsOnDisk;
    const stopped = profile.nodesStartStopped;
    for (let i = 0; i < nodeCount; i++) {
      this.nodes.push({
        index: i,
        id: rng.hex(32),
        friendlyName: `sim-${i}`,
        port: 0,
        alive: !stopped,
        inTopology: !stopped,
        reservedBytes: 0,
        lastSeenMs: now,
        modelsOnDisk: new Set(onDisk === true ? [...this.catalogue.keys()] : onDisk === false ? [] : onDisk),
        writableModelsDirs: profile.modelsDir ? [profile.modelsDir] : [],
        readOnlyModelsDirs: [...profile.modelsReadOnlyDirs],
        forceMaster: false,
        seniority: 1,
        commandsSeen: 0,
        startedSeq: stopped ? 0 : ++this.startCounter,
        namespace: 'default',
        isolated: false,
        upAtMs: stopped ? Number.POSITIVE_INFINITY : now,
        downAtMs: null,
        probePhaseMs: 0,
        busy: { untilMs: 0, stateRequests: 0, stateBytes: 0, stateBusyMs: 0 },
      });
      // A node that has not started yet has no downloads entry (nodes.ts adds it at start).
      if (!stopped) this.downloads.set(this.nodes[i]!.id, new Map());
    }
    // Phases after the IDs, so that a seed gives the same node IDs as before links existed.
    for (const node of this.nodes) node.probePhaseMs = rng.next() * profile.probeIntervalMs;
    this.election = new Election(
      profile.electionMs,
      profile.electionTieBreak,
      () => this.nodes.filter((n) => n.alive && !n.isolated),
      (_winner, changed) => {
        if (changed) resetState(this);
      },
    );
    if (!stopped) {
      for (const node of this.nodes) reportModelsFound(this, node);
      if (nodeCount > 1) this.election.trigger();
      else this.election.masterIndex = 0;
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
    this.election.stop();
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

  bump(): void {
    this.eventIdx++;
  }

  /** Nodes in the cluster state (reporting, or silent for less than `nodeTimeoutMs`). */
  liveNodes(): SimNode[] {
    return this.nodes.filter((n) => n.inTopology);
  }

  /** Whether the topology has the edge source→sink now (see topology.ts). */
  edgeExists(source: SimNode, sink: SimNode, now = nowMs()): boolean {
    return edgeExists(source, sink, now, this.profile);
  }

  /** Whether the node's `nodeBackends` entry exists (placement needs it for every node of a cycle). */
  hasBackends(node: SimNode, now = nowMs()): boolean {
    return node.inTopology && now >= backendsAtMs(node, this.profile);
  }

  /** Download fraction of a model on a node (placement prefers the most downloaded cycle). */
  downloadFraction(nodeId: string, modelId: string): number {
    const entry = this.downloads.get(nodeId)?.get(modelId);
    if (!entry) return 0;
    if ('DownloadCompleted' in entry) return 1;
    const ongoing = entry.DownloadOngoing as Json | undefined;
    const progress = ongoing?.downloadProgress as Record<string, { inBytes: number }> | undefined;
    if (progress) return progress.downloaded!.inBytes / Math.max(1, progress.total!.inBytes);
    return 0;
  }

  /**
   * A command (placement, creation, deletion, chat/bench request) is about to run: every running node
   * counts it (the election's second key). Resolves after a running election; null when none runs.
   */
  command(): Promise<void> | null {
    const wait = this.election.settled();
    for (const node of this.nodes) if (node.alive) node.commandsSeen++;
    return wait;
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
    return modelCard(spec);
  }

  /** A `/models` entry (snake_case). */
  modelListEntry(spec: ModelSpec): Json {
    return modelListEntry(spec);
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

  /** Computes (without creating) the instance EXO would place (placement.ts). */
  place(
    modelId: string,
    sharding: 'Pipeline' | 'Tensor',
    meta: 'MlxRing' | 'MlxJaccl',
    minNodes: number,
    requiredNodeIds: string[] = [],
  ): PlacementResult {
    return placeInstance(this, modelId, sharding, meta, minNodes, requiredNodeIds);
  }

  /** Every preview, as `/instance/previews` lists them (placement.ts). */
  previews(modelId: string, requiredNodeIds: string[]): Json[] {
    return listPreviews(this, modelId, requiredNodeIds);
  }

  // ---------------------------------------------------------------- instances

  /** Registers an instance from its tagged camelCase JSON and starts its runners (instances.ts). */
  createInstance(json: Json, startLifecycle = true): SimInstance | null {
    return createInstance(this, json, startLifecycle);
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

  addBookkeepingTask(tag: string, inst: SimInstance, status: string): Json {
    const taskId = this.rng.uuid4();
    const body: Json = { taskId, taskStatus: status, instanceId: inst.id };
    this.tasks.set(taskId, { [tag]: body });
    return body;
  }

  /** Sets the bytes runner `runnerIndex` holds on its node (memory is taken while loading). */
  reserve(inst: SimInstance, runnerIndex: number, bytes: number): void {
    const node = this.nodeById(inst.nodeIds[runnerIndex] ?? '');
    const before = inst.reservedBytes[runnerIndex] ?? 0;
    inst.reservedBytes[runnerIndex] = bytes;
    if (node) node.reservedBytes += bytes - before;
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

  /**
   * The HTTP response of a request ended: its task is removed, as EXO does, except when the client
   * went away (`clientGone`): EXO's `TaskFinished` send then runs in a cancelled scope and never
   * happens, so the task stays `Cancelled` for good, prompt included (exo-api.md 12.5).
   */
  endRequest(seq: Sequence, clientGone = false): void {
    this.commands.delete(seq.commandId);
    const inst = seq.instanceId ? this.instances.get(seq.instanceId) : undefined;
    if (inst) {
      inst.engine.remove(seq);
      inst.inFlight.delete(seq);
    }
    if (seq.task) {
      if (clientGone) seq.task.taskStatus = 'Cancelled';
      else this.tasks.delete(seq.task.taskId as string);
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

  /** The node's process stops now; it leaves the topology after `removalDelayMs` (nodes.ts). */
  killNode(index: number, removalDelayMs = 0): void {
    killNode(this, index, removalDelayMs);
  }

  /** `POST /_simulator/nodes/{i}/stop`: out of the topology after `nodeTimeoutMs` (nodes.ts). */
  stopNode(index: number): void {
    killNode(this, index, this.profile.nodeTimeoutMs);
  }

  /** `POST /_simulator/nodes/{i}/start` (nodes.ts). */
  startNode(index: number, options: NodeStartOptions = {}): Promise<SimNode | null> {
    return startNode(this, index, options);
  }

  /** Hands out the order of node starts (the `newest` election tie-break). */
  nextStartSeq(): number {
    return ++this.startCounter;
  }

  // ---------------------------------------------------------------- state

  /** The whole `/state` document (camelCase); see state-json.ts. */
  buildState(tsSuffix: 'Z' | '+00:00'): Json {
    return buildState(this, tsSuffix);
  }

  /** Simulated `sysPower` of a node: ~18 W idle, ~95 W while one of its instances generates. */
  sysPowerWatts(nodeId: string): number {
    for (const inst of this.instances.values()) {
      if (inst.engine.active.length > 0 && inst.nodeIds.includes(nodeId)) return 95;
    }
    return 18;
  }
}
