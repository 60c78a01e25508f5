/**
 * `load_from: all_nodes` (issue #18): every node sends its share of each stage, on one absolute schedule.
 * Pure: the share rule and the figures a node records about the schedule it followed. The beacon that
 * carries a stage's start through EXO's replicated `/state` is src/cluster/beacon.ts, the stage loop
 * src/run/benchmark.ts; the design is written down in docs/load-from.md.
 *
 * - Share: request i of a stage is sent by node i mod N (N = the plan's nodes, a node's position = its
 *   place in the plan's matrix order), at the stage plan's own offset: the union of the nodes' sends is
 *   exactly the one-node schedule.
 * - Start, EXO target: the primary publishes each stage's absolute start (epoch ms on its clock) in the
 *   prompt of a chat request whose task EXO replicates to every node's `/state` (exo-api.md §2.2,
 *   §12.5); every node reads the same number, so the nodes never disagree on the schedule, only their
 *   clocks do.
 * - Start, openai target (no shared state to publish through): fixed at plan time. The plan job writes
 *   one absolute start into every matrix entry, and every node derives each stage's start from it and
 *   the config alone (plannedStageStarts): the same numbers on every node, without communication.
 * - Closed loops and capacity searches (EXO targets only, isPrimaryOnlyStage): the stage is the primary's
 *   alone, as with load_from: primary; the other nodes send nothing in it and wait for the next stage's
 *   start, which the primary publishes once the stage has drained cluster-wide.
 */
import type { StageConfig } from '../config/types.js';

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

/**
 * True when a stage is sent by the primary alone under `load_from: all_nodes` (EXO targets; an openai
 * target refuses such stages): a closed loop (`concurrency`, `no_overlap`) or a capacity search reacts to
 * the server's answers, so it is one client's loop, and no node could derive where another's share ends.
 */
export function isPrimaryOnlyStage(
  stage: Pick<StageConfig, 'search' | 'concurrency' | 'no_overlap'>,
): boolean {
  return stage.search !== undefined || stage.concurrency !== undefined || stage.no_overlap === true;
}

/** How many of a stage's `iterations` requests are this node's. */
export function shareCount(share: LoadShare, iterations: number): number {
  if (share.node >= iterations) return 0;
  return Math.floor((iterations - 1 - share.node) / share.nodes) + 1;
}

/**
 * What a node records about one stage of a shared schedule: a stage it sent its share of, or (the
 * primary only) a stage it sent alone.
 */
export interface ScheduleStage {
  /** The stage's name. */
  name: string;
  /**
   * Since 1.8: who sent the stage. `shared`: every node its share (request i from node i mod nodes), from
   * one start. `primary`: the primary alone, every request, as with load_from: primary — a closed loop
   * (`concurrency`, `no_overlap`) or a capacity search on an EXO target; only the primary lists such a
   * stage (the other nodes sent nothing in it and waited for the next stage's start). Absent before 1.8,
   * when every stage was shared.
   */
  sent_by?: 'shared' | 'primary';
  /**
   * The stage's start every node followed, epoch ms: read from the primary's beacon (EXO targets, the
   * primary's clock), or fixed by the plan (openai targets, `planned`: the plan job's clock). A stage the
   * primary sent alone (`sent_by: primary`): when it began it, on its clock (no beacon is published).
   */
  start_ms: number;
  /**
   * How long after that start this node began its part (ms, ≥ 0): 0 when it was waiting in time.
   * Late means its clock, its reading of the beacon, its start-up (planned starts: a job that started
   * after the plan's start), its previous stage's drain or (after a stage the primary sent alone) the
   * sizing of its prompts made it miss the start. Always 0 for a stage the primary sent alone.
   */
  late_ms: number;
  /**
   * Requests of the stage this node sent: its share (i mod nodes), or with `sent_by: primary` every
   * request of the stage (a capacity search: of all its probes).
   * @asType integer
   * @minimum 0
   */
  requests: number;
  /**
   * Since 1.7, planned starts only (`schedule.planned`), every stage but the last: this node's requests
   * of the stage still in flight at the next stage's planned start ({requests: 0, ms: 0} when none). They
   * are not cancelled: they end by themselves, the next stage then begins late on this node, and the run
   * is invalid (all_nodes_drain_seconds was too short for them).
   */
  overrun?: StageOverrun;
}

/** Since 1.7: requests of a stage still in flight at the next stage's planned start, on one node. */
export interface StageOverrun {
  /**
   * How many of this node's requests of the stage ended after the next stage's start (0: none).
   * @asType integer
   * @minimum 0
   */
  requests: number;
  /** How long after the next stage's start the last of them ended, ms (0 when none). */
  ms: number;
}

/**
 * Since 1.7: stage starts fixed at plan time (`load_from: all_nodes` with an openai target, which has
 * no shared state to publish a start through). Stage 0 starts at `start_at_ms`; stage k+1 at stage k's
 * start + its planned span + `drain_ms` + the skew tolerance, on every node's clock.
 */
export interface PlannedStarts {
  /** The first stage's start the plan job fixed (epoch ms on its clock: plan time + the start delay). */
  start_at_ms: number;
  /** The drain bound between stages (config all_nodes_drain_seconds), ms. */
  drain_ms: number;
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
  /**
   * Where the offset comes from: `chrony` (chronyc tracking, Linux), `sntp` (since 1.8: macOS's sntp
   * query of an NTP server), `simulated` (a test's injected skew) or `none`.
   */
  clock_offset_source: 'chrony' | 'sntp' | 'simulated' | 'none';
  /**
   * Since 1.7: how the stage starts were fixed when the plan fixed them (openai targets); absent when the
   * primary published them through the cluster state (EXO targets).
   */
  planned?: PlannedStarts;
  /**
   * Each stage this node took part in, in order: on a secondary the shared ones, on the primary every
   * stage (those it sent alone with `sent_by: primary`).
   */
  stages: ScheduleStage[];
}

/**
 * The stage starts of a schedule fixed at plan time, epoch ms on each node's own clock: stage 0 at
 * `startAtMs`, stage k+1 at start_k + `spansMs[k]` (its planned span: the last send's offset) +
 * `drainMs` + `skewToleranceMs`, each rounded up to a whole millisecond. `drainMs` defaults to the
 * request timeout, by which every request of stage k has ended on its sender's clock; the tolerance
 * covers the other senders' clocks, up to that much behind this one's. Pure, from the config alone, so
 * every node computes the same numbers.
 */
export function plannedStageStarts(
  startAtMs: number,
  spansMs: readonly number[],
  drainMs: number,
  skewToleranceMs: number,
): number[] {
  const starts: number[] = [];
  let start = startAtMs;
  for (const [index, span] of spansMs.entries()) {
    starts.push(start);
    if (index < spansMs.length - 1) start = Math.ceil(start + span + drainMs + skewToleranceMs);
  }
  return starts;
}

/**
 * A stage's overrun: of its requests' end times (this node's share), those after the next stage's
 * start `nextStartMs`: how many, and how long after it the last ended.
 */
export function stageOverrun(endedAtMs: readonly number[], nextStartMs: number): StageOverrun {
  const late = endedAtMs.filter((ended) => ended > nextStartMs);
  return {
    requests: late.length,
    ms: late.length > 0 ? Math.max(...late) - nextStartMs : 0,
  };
}

/**
 * Why a node's part of a shared schedule is not to be trusted: a stage it began later than the skew
 * tolerance after the shared start, and (planned starts) a stage whose requests were still in flight
 * at the next stage's start. One line per finding, stage by stage, for `validity.reasons`.
 */
export function scheduleReasons(facts: ScheduleFacts): string[] {
  const reasons: string[] = [];
  facts.stages.forEach((stage, index) => {
    if (stage.late_ms > facts.skew_tolerance_ms)
      reasons.push(
        `stage ${stage.name}: node ${facts.node} began ${stage.late_ms.toFixed(1)} ms after the shared start, more than the clock skew tolerance of ${facts.skew_tolerance_ms} ms (the nodes did not send on one schedule)`,
      );
    if (stage.overrun && stage.overrun.requests > 0) {
      const next = facts.stages[index + 1]?.name;
      const drain = facts.planned ? ` (now ${formatSeconds(facts.planned.drain_ms)} s)` : '';
      reasons.push(
        `stage ${stage.name} still had ${stage.overrun.requests} request${stage.overrun.requests === 1 ? '' : 's'} in flight on node ${facts.node} at ${next === undefined ? "the next stage's" : `stage ${next}'s`} start (the last ended ${stage.overrun.ms.toFixed(1)} ms after it): the stages overlapped; raise all_nodes_drain_seconds${drain}`,
      );
    }
  });
  return reasons;
}

/** Milliseconds as seconds, without trailing zeros: 1500 → "1.5". */
function formatSeconds(ms: number): string {
  return Number((ms / 1000).toFixed(3)).toString();
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

/** One node's schedule and the (stage, index) of every request it recorded, as the share check sees them. */
export interface NodeShare extends NodeSchedule {
  records: ReadonlyArray<{ stage: string; index: number }>;
}

/** At most this many request indices are named in one reason. */
const MAX_NAMED_INDICES = 6;

/** Request indices for a reason: `3, 7, 11` or `3, 7, … (9 in all)`. */
function namedIndices(indices: readonly number[]): string {
  const shown = indices.slice(0, MAX_NAMED_INDICES).join(', ');
  return indices.length > MAX_NAMED_INDICES ? `${shown}, … (${indices.length} in all)` : shown;
}

/**
 * What the merge finds wrong with who sent what (`load_from: all_nodes`): in a shared stage, a node whose
 * records are not exactly its share (request i when i mod nodes = its position: none outside it, and
 * none missing from a stage it began); in a stage the primary sent alone (isPrimaryOnlyStage), any request from another node. One
 * reason per finding, for `validity.reasons`: the union of the nodes' records would not be the config's
 * schedule.
 */
export function judgeShares(
  nodes: readonly NodeShare[],
  stages: ReadonlyArray<Pick<StageConfig, 'name' | 'iterations' | 'search' | 'concurrency' | 'no_overlap'>>,
): string[] {
  const reasons: string[] = [];
  for (const stage of stages) {
    const primaryOnly = isPrimaryOnlyStage(stage);
    for (const n of nodes) {
      const { node, nodes: count } = n.schedule;
      const indices = n.records.filter((record) => record.stage === stage.name).map((r) => r.index);
      if (primaryOnly) {
        if (node !== 0 && indices.length > 0)
          reasons.push(
            `stage ${stage.name} is the primary's alone (a closed loop or capacity search), yet node ${n.node} sent ${indices.length} of its requests`,
          );
        continue;
      }
      const share = { node, nodes: count };
      const outside = indices.filter((index) => !isMine(share, index)).sort((a, b) => a - b);
      // Missing requests count in a stage the node began (it lists it): one it never reached is its failure.
      const began = n.schedule.stages.some((listed) => listed.name === stage.name);
      const sent = new Set(indices);
      const missing: number[] = [];
      if (began)
        for (let index = node; index < stage.iterations; index += count)
          if (!sent.has(index)) missing.push(index);
      if (outside.length > 0)
        reasons.push(
          `stage ${stage.name}: node ${n.node} sent request${outside.length === 1 ? '' : 's'} ${namedIndices(outside)}, outside its share (i mod ${count} = ${node})`,
        );
      if (missing.length > 0)
        reasons.push(
          `stage ${stage.name}: node ${n.node} did not send request${missing.length === 1 ? '' : 's'} ${namedIndices(missing)} of its share (i mod ${count} = ${node})`,
        );
    }
  }
  return reasons;
}
