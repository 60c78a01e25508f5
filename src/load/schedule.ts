/**
 * `load_from: all_nodes` (issue #18): every node sends its share of each stage, on one absolute schedule.
 * Pure: the share rule and the figures a node records about the schedule it followed. The beacon that
 * carries a stage's start through EXO's replicated `/state` is src/cluster/beacon.ts, the stage loop
 * src/run/benchmark.ts; the design is written down in docs/load-from.md.
 *
 * - Share: request i of a stage is sent by node i mod N (N = the plan's nodes, a node's position = its
 *   place in the plan's matrix order), at the stage plan's own offset: the union of the nodes' sends is
 *   exactly the one-node schedule.
 * - Start: the primary publishes each stage's absolute start (epoch ms on its clock) in the prompt of a
 *   chat request whose task EXO replicates to every node's `/state` (exo-api.md §2.2, §12.5); every
 *   node reads the same number, so the nodes never disagree on the schedule, only their clocks do.
 */

/** Which node sends which requests: request i of a stage goes to node `i mod nodes`. */
export interface LoadShare {
  /** This node's position in the plan's matrix order (0 = the primary). */
  node: number;
  /** How many nodes share the load (the plan's expected nodes). */
  nodes: number;
}

/** True when request `index` of a stage is this node's to send. */
export function isMine(share: LoadShare, index: number): boolean {
  return index % share.nodes === share.node;
}

/** How many of a stage's `iterations` requests are this node's. */
export function shareCount(share: LoadShare, iterations: number): number {
  if (share.node >= iterations) return 0;
  return Math.floor((iterations - 1 - share.node) / share.nodes) + 1;
}

/** What a node records about one stage of a shared schedule. */
export interface ScheduleStage {
  /** The stage's name. */
  name: string;
  /** The start every node read from the primary's beacon (epoch ms, the primary's clock). */
  start_ms: number;
  /**
   * How long after that start this node began its part (ms, ≥ 0): 0 when it was waiting in time.
   * Late means its clock, its reading of the beacon or its previous stage's drain made it miss the start.
   */
  late_ms: number;
  /**
   * Requests of the stage this node sent (its share: i mod nodes).
   * @asType integer
   * @minimum 0
   */
  requests: number;
}

/** Since 1.6: how this node took part in a shared schedule (`load_from: all_nodes`); absent otherwise. */
export interface ScheduleFacts {
  /** Always all_nodes (a primary-only run has no `schedule`). */
  load_from: 'all_nodes';
  /**
   * This node's position in the plan's matrix order: it sent requests i with i mod nodes = node.
   * @asType integer
   * @minimum 0
   */
  node: number;
  /**
   * The nodes sharing the load.
   * @asType integer
   * @minimum 1
   */
  nodes: number;
  /** The clock skew between runners the schedule tolerates (config clock_skew_tolerance_ms). */
  skew_tolerance_ms: number;
  /**
   * This node's clock offset as measured (ms, node clock − reference), or null when it could not be
   * measured: the merge compares the nodes' offsets with the tolerance.
   */
  clock_offset_ms: number | null;
  /** Where the offset comes from: `chrony` (chronyc tracking), `simulated` (a test's injected skew) or `none`. */
  clock_offset_source: 'chrony' | 'simulated' | 'none';
  /** Each stage this node took part in, in order. */
  stages: ScheduleStage[];
}

/**
 * Why a node's part of a shared schedule is not to be trusted: a stage it began later than the skew
 * tolerance after the published start. One line per late stage, for `validity.reasons`.
 */
export function scheduleReasons(facts: ScheduleFacts): string[] {
  return facts.stages
    .filter((stage) => stage.late_ms > facts.skew_tolerance_ms)
    .map(
      (stage) =>
        `stage ${stage.name}: node ${facts.node} began ${stage.late_ms.toFixed(1)} ms after the shared start, more than the clock skew tolerance of ${facts.skew_tolerance_ms} ms (the nodes did not send on one schedule)`,
    );
}

/** One node's schedule as the merge sees it. */
export interface NodeSchedule {
  /** The node's name in the merge (`label#index`). */
  node: string;
  schedule: ScheduleFacts;
}

/**
 * What the merge finds wrong with the nodes' shared schedule: nodes that disagree on a stage's start
 * (they read different beacons), and a spread of measured clock offsets beyond the tolerance. Returns
 * the invalidity reasons, the notes, and the measured spread (null when some offset is unknown).
 */
export function judgeSharedSchedule(nodes: NodeSchedule[]): {
  reasons: string[];
  notes: string[];
  skewMs: number | null;
} {
  const reasons: string[] = [];
  const notes: string[] = [];
  if (nodes.length === 0) return { reasons, notes, skewMs: null };
  const tolerance = Math.min(...nodes.map((n) => n.schedule.skew_tolerance_ms));
  const stageNames = new Set(nodes.flatMap((n) => n.schedule.stages.map((s) => s.name)));
  for (const name of stageNames) {
    const starts = new Map<number, string[]>();
    for (const n of nodes) {
      const stage = n.schedule.stages.find((s) => s.name === name);
      if (!stage) continue;
      starts.set(stage.start_ms, [...(starts.get(stage.start_ms) ?? []), n.node]);
    }
    if (starts.size > 1)
      reasons.push(
        `stage ${name}: the nodes followed different starts (${[...starts]
          .map(([start, who]) => `${who.join(', ')}: ${start.toFixed(0)}`)
          .join('; ')})`,
      );
  }
  const offsets = nodes.map((n) => n.schedule.clock_offset_ms);
  const unknown = nodes.filter((n) => n.schedule.clock_offset_ms === null).map((n) => n.node);
  let skewMs: number | null = null;
  if (unknown.length > 0) {
    notes.push(
      `clock offset not measured on ${unknown.join(', ')}: the skew tolerance of ${tolerance} ms is assumed, not verified`,
    );
  } else {
    const known = offsets as number[];
    skewMs = Math.max(...known) - Math.min(...known);
    if (skewMs > tolerance)
      reasons.push(
        `clock skew between the nodes ${skewMs.toFixed(1)} ms > the tolerance of ${tolerance} ms (clock_skew_tolerance_ms): their shares were not sent on one schedule`,
      );
  }
  return { reasons, notes, skewMs };
}
