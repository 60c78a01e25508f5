/**
 * Periodic snapshots of the cluster while the load runs: memory per node and in-flight requests per
 * node and instance, as the seed's script recorded them. One `GET /state` per snapshot: EXO serialises
 * the whole state for `/state/<path>` too (exo-api.md §12.4), so one full read costs the node half of
 * what two path reads would, and it also shows whether the run's instances still exist. Memory stays
 * bounded: when the buffer is full, every other snapshot is dropped and the period doubles, so a long
 * run keeps an even, coarser series.
 */
import type { Logger } from '../core/ports.js';
import type { Count } from '../metrics/stats.js';
import type { Clock } from '../util/clock.js';
import { ExoConnectionError, type ExoClient } from './client.js';
import type { StateResetWatch } from './orchestrate.js';
import { bytesOf, countTasksByStatus, readClusterView, type InstanceView } from './state.js';

/** One node's memory, the seed's keys (bytes; 0 where EXO does not report swap). */
export interface SeedNodeMemory {
  /** RAM, bytes. */
  ram_total_bytes: number;
  /** RAM available, bytes. */
  ram_available_bytes: number;
  /** ram_total_bytes − ram_available_bytes. */
  ram_used_bytes: number;
  /** Swap, bytes. */
  swap_total_bytes: number;
  /** Swap available, bytes. */
  swap_available_bytes: number;
  /** swap_total_bytes − swap_available_bytes. */
  swap_used_bytes: number;
}

/** Request tasks of one instance on one of its nodes, the seed's keys. */
export interface SeedInstanceTasks {
  /** EXO's instance id. */
  instance_id: string;
  /** A node of the instance. */
  node_id: string;
  /**
   * Pending request tasks of the instance.
   * @asType integer
   * @minimum 0
   */
  pending_tasks: number;
  /**
   * Running request tasks of the instance.
   * @asType integer
   * @minimum 0
   */
  running_tasks: number;
  /**
   * pending_tasks + running_tasks.
   * @asType integer
   * @minimum 0
   */
  total_active_tasks: number;
}

/** Request tasks of the instances on one node, the seed's keys. */
export interface SeedNodeTasks {
  /** EXO's node id. */
  node_id: string;
  /**
   * Σ pending tasks of its instances.
   * @asType integer
   * @minimum 0
   */
  pending_tasks: number;
  /**
   * Σ running tasks of its instances.
   * @asType integer
   * @minimum 0
   */
  running_tasks: number;
  /**
   * pending_tasks + running_tasks.
   * @asType integer
   * @minimum 0
   */
  total_active_tasks: number;
  /**
   * Instances of the run with a runner on it.
   * @asType integer
   * @minimum 0
   */
  instance_count: number;
}

/** One moment of the cluster. */
export interface ClusterSnapshot {
  /** When, ms on the run's monotonic clock. */
  at_ms: number;
  /** Node id → memory in use, bytes. */
  memory_used_bytes_by_node: Record<string, number>;
  /** Node id → memory available, bytes. */
  memory_available_bytes_by_node: Record<string, number>;
  /** Instance id → requests in flight. */
  in_flight_by_instance: Record<string, Count>;
  /** Node id → requests in flight on the instances it belongs to. */
  in_flight_by_node: Record<string, Count>;
  /**
   * Requests in flight in the whole cluster.
   * @asType integer
   * @minimum 0
   */
  in_flight_total: number;
  /** The seed script's key: when, epoch seconds. */
  timestamp: number;
  /** The seed script's key: node id → its memory, bytes (swap 0 when EXO reports none). */
  node_memory: Record<string, SeedNodeMemory>;
  /** The seed script's key: one entry per (instance, node) of the run's instances: its request tasks. */
  instance_tasks: SeedInstanceTasks[];
  /** The seed script's key: one entry per node: request tasks of the instances on it. */
  node_tasks: SeedNodeTasks[];
}

/**
 * The seed's task keys: per (instance, node) of the run's instances, and per node the sums over its
 * instances (a request occupies every node of its instance).
 */
function addSeedTasks(
  snapshot: ClusterSnapshot,
  counts: Map<string, { pending: number; running: number }>,
  instances: readonly InstanceView[],
): void {
  const byNode = new Map<string, SeedNodeTasks>();
  const nodeEntry = (nodeId: string): SeedNodeTasks => {
    let entry = byNode.get(nodeId);
    if (!entry) {
      entry = {
        node_id: nodeId,
        pending_tasks: 0,
        running_tasks: 0,
        total_active_tasks: 0,
        instance_count: 0,
      };
      byNode.set(nodeId, entry);
    }
    return entry;
  };
  for (const nodeId of Object.keys(snapshot.node_memory)) nodeEntry(nodeId);
  for (const instance of instances) {
    const { pending, running } = counts.get(instance.instanceId) ?? { pending: 0, running: 0 };
    for (const nodeId of instance.nodeIds) {
      snapshot.instance_tasks.push({
        instance_id: instance.instanceId,
        node_id: nodeId,
        pending_tasks: pending,
        running_tasks: running,
        total_active_tasks: pending + running,
      });
      const node = nodeEntry(nodeId);
      node.pending_tasks += pending;
      node.running_tasks += running;
      node.total_active_tasks += pending + running;
      node.instance_count += 1;
    }
  }
  snapshot.node_tasks.push(...byNode.values());
}

/** Most snapshots kept; older ones are thinned, not dropped wholesale. */
export const MAX_SNAPSHOTS = 1000;

/**
 * A node whose `/state` the snapshots read, and the watch of its event counter (a counter is only
 * comparable with itself: two nodes' are a few events apart).
 */
export interface SnapshotSource {
  client: ExoClient;
  nodeId: string;
  resets: StateResetWatch;
}

/**
 * Collects snapshots until stopped. Reads the first source; when it stops answering (that node left),
 * the next one, once, so that the run still sees what happens to its instances.
 */
export class SnapshotRecorder {
  readonly snapshots: ClusterSnapshot[] = [];
  private periodMs: number;
  private timer: NodeJS.Timeout | undefined;
  private inProgress = false;
  private stopped = false;
  private warned = false;
  /** `/state` requests sent so far. */
  requests = 0;
  /** Index in `sources` of the node being read. */
  private sourceIndex = 0;
  /** Resets the current source had seen before it was first read for this run. */
  private resetsBefore: number;

  constructor(
    private readonly sources: readonly SnapshotSource[],
    private readonly clock: Clock,
    private readonly logger: Logger,
    periodMs: number,
    /** Instances of this run, to map in-flight requests to nodes. */
    private readonly instances: () => InstanceView[],
    /**
     * Told when a poll shows some of the run's instances gone, with `reset` true when the polled node's
     * event counter fell since the snapshots began (a new master started from an empty state).
     */
    private readonly onInstancesLost?: (lostInstanceIds: string[], reset: boolean) => void,
  ) {
    if (sources.length === 0) throw new Error('SnapshotRecorder needs a node to read');
    this.periodMs = periodMs;
    this.resetsBefore = (sources[0] as SnapshotSource).resets.resets.length;
  }

  /** The node being read now. */
  get source(): SnapshotSource {
    return this.sources[this.sourceIndex] as SnapshotSource;
  }

  /** Starts polling (the first snapshot is taken at once). */
  start(): void {
    this.stopped = false;
    void this.tick();
  }

  /** Stops polling; the last snapshot in progress is still kept. */
  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick(), this.periodMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (this.inProgress || this.stopped) return;
    this.inProgress = true;
    try {
      this.add(await this.take());
    } catch (error) {
      if (error instanceof ExoConnectionError && this.sourceIndex + 1 < this.sources.length) {
        this.sourceIndex++;
        this.resetsBefore = this.source.resets.resets.length;
        this.logger.warning(
          `cluster snapshots: ${error.message}; reading node ${this.source.nodeId} from now on`,
        );
        return;
      }
      // A failed poll loses one point, not the run; say so once.
      if (!this.warned) {
        this.logger.warning(
          `cluster snapshot failed: ${error instanceof Error ? error.message : String(error)}`,
        );
        this.warned = true;
      }
    } finally {
      this.inProgress = false;
      this.schedule();
    }
  }

  /** Takes one snapshot now. */
  async take(): Promise<ClusterSnapshot> {
    this.requests++;
    const source = this.source;
    const state = (await source.client.state()) as Record<string, unknown> | null;
    const view = readClusterView(state);
    const atMs = this.clock.nowMs();
    const snapshot: ClusterSnapshot = {
      at_ms: atMs,
      memory_used_bytes_by_node: {},
      memory_available_bytes_by_node: {},
      in_flight_by_instance: {},
      in_flight_by_node: {},
      in_flight_total: view.inFlightTotal,
      timestamp: atMs / 1000,
      node_memory: {},
      instance_tasks: [],
      node_tasks: [],
    };
    const memory = (state?.nodeMemory ?? {}) as Record<string, Record<string, unknown> | undefined>;
    for (const [nodeId, { totalBytes, availableBytes }] of view.memory) {
      snapshot.memory_used_bytes_by_node[nodeId] = totalBytes - availableBytes;
      snapshot.memory_available_bytes_by_node[nodeId] = availableBytes;
      const swapTotal = bytesOf(memory[nodeId]?.swapTotal) ?? 0;
      const swapAvailable = bytesOf(memory[nodeId]?.swapAvailable) ?? 0;
      snapshot.node_memory[nodeId] = {
        ram_total_bytes: totalBytes,
        ram_available_bytes: availableBytes,
        ram_used_bytes: totalBytes - availableBytes,
        swap_total_bytes: swapTotal,
        swap_available_bytes: swapAvailable,
        swap_used_bytes: swapTotal - swapAvailable,
      };
    }
    const instances = new Map(this.instances().map((instance) => [instance.instanceId, instance]));
    for (const [instanceId, count] of view.inFlightByInstance) {
      snapshot.in_flight_by_instance[instanceId] = count;
      // A request occupies every node of its instance (pipeline/tensor shards all work on it).
      for (const nodeId of instances.get(instanceId)?.nodeIds ?? []) {
        snapshot.in_flight_by_node[nodeId] = (snapshot.in_flight_by_node[nodeId] ?? 0) + count;
      }
    }
    addSeedTasks(snapshot, countTasksByStatus(state?.tasks ?? {}), [...instances.values()]);
    source.resets.observe(view.lastEventAppliedIdx, atMs);
    const lost = [...instances.keys()].filter((id) => !view.instances.has(id));
    if (lost.length > 0) this.onInstancesLost?.(lost, source.resets.resets.length > this.resetsBefore);
    return snapshot;
  }

  private add(snapshot: ClusterSnapshot): void {
    this.snapshots.push(snapshot);
    if (this.snapshots.length >= MAX_SNAPSHOTS) {
      const kept = this.snapshots.filter((_, i) => i % 2 === 0);
      this.snapshots.length = 0;
      this.snapshots.push(...kept);
      this.periodMs *= 2;
    }
  }
}
