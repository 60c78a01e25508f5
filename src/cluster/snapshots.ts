/**
 * Periodic snapshots of the cluster while the load runs: memory per node and in-flight requests per
 * node and instance, as the seed's script recorded them. Polls `/state/nodeMemory` and `/state/tasks`
 * (not the whole `/state`, which grows over time). Memory stays bounded: when the buffer is full, every
 * other snapshot is dropped and the period doubles, so a long run keeps an even, coarser series.
 */
import type { Logger } from '../ports.js';
import type { Clock } from '../util/clock.js';
import type { ExoClient } from './client.js';
import { bytesOf, countInFlight, type InstanceView } from './state.js';

/** One moment of the cluster. */
export interface ClusterSnapshot {
  at_ms: number;
  memory_used_bytes_by_node: Record<string, number>;
  memory_available_bytes_by_node: Record<string, number>;
  in_flight_by_instance: Record<string, number>;
  in_flight_by_node: Record<string, number>;
  in_flight_total: number;
}

/** Most snapshots kept; older ones are thinned, not dropped wholesale. */
export const MAX_SNAPSHOTS = 1000;

/** Collects snapshots until stopped. */
export class SnapshotRecorder {
  readonly snapshots: ClusterSnapshot[] = [];
  private periodMs: number;
  private timer: NodeJS.Timeout | undefined;
  private inProgress = false;
  private stopped = false;
  private warned = false;

  constructor(
    private readonly client: ExoClient,
    private readonly clock: Clock,
    private readonly logger: Logger,
    periodMs: number,
    /** Instances of this run, to map in-flight requests to nodes. */
    private readonly instances: () => InstanceView[],
  ) {
    this.periodMs = periodMs;
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
    const [memory, tasks] = await Promise.all([
      this.client.statePath('nodeMemory'),
      this.client.statePath('tasks'),
    ]);
    const snapshot: ClusterSnapshot = {
      at_ms: this.clock.nowMs(),
      memory_used_bytes_by_node: {},
      memory_available_bytes_by_node: {},
      in_flight_by_instance: {},
      in_flight_by_node: {},
      in_flight_total: 0,
    };
    if (memory && typeof memory === 'object') {
      for (const [nodeId, entry] of Object.entries(memory as Record<string, Record<string, unknown>>)) {
        const total = bytesOf(entry?.ramTotal);
        const available = bytesOf(entry?.ramAvailable);
        if (total !== undefined && available !== undefined) {
          snapshot.memory_used_bytes_by_node[nodeId] = total - available;
          snapshot.memory_available_bytes_by_node[nodeId] = available;
        }
      }
    }
    const inFlight = countInFlight(tasks ?? {});
    snapshot.in_flight_total = inFlight.total;
    const instances = new Map(this.instances().map((instance) => [instance.instanceId, instance]));
    for (const [instanceId, count] of inFlight.byInstance) {
      snapshot.in_flight_by_instance[instanceId] = count;
      // A request occupies every node of its instance (pipeline/tensor shards all work on it).
      for (const nodeId of instances.get(instanceId)?.nodeIds ?? []) {
        snapshot.in_flight_by_node[nodeId] = (snapshot.in_flight_by_node[nodeId] ?? 0) + count;
      }
    }
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
