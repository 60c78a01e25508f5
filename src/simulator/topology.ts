/**
 * Topology links as EXO forms them (exo-api.md 1.3, 12.1): every worker probes its peers'
 * `GET /node_id` once per `probeIntervalMs`, at its own phase, and creates the edge self→peer when the
 * peer answers and already has a `nodeNetwork` entry; a probe that fails deletes the edge. Edges are
 * computed lazily from each node's start/stop times (no timers), and placement looks for directed
 * cycles over them: until a set of nodes has a cycle, only single nodes can hold an instance.
 */
import type { SimulatorProfile } from './profile.js';

/** What the link model needs to know about one node. */
export interface LinkNode {
  index: number;
  /** When its process last started (epoch ms); +Infinity while never started. */
  upAtMs: number;
  /** When its API last stopped answering, or null while it answers. */
  downAtMs: number | null;
  /** Offset of its probe rounds after `upAtMs`, in [0, probeIntervalMs). */
  probePhaseMs: number;
  /** Part of the cluster state (the topology lists it). */
  inTopology: boolean;
}

/** Epoch ms of `node`'s first probe round at or after `atMs`. */
export function nextProbeRound(node: LinkNode, atMs: number, intervalMs: number): number {
  const first = node.upAtMs + node.probePhaseMs;
  if (atMs <= first) return first;
  return first + Math.ceil((atMs - first) / intervalMs) * intervalMs;
}

/** When `node`'s `nodeNetwork` entry exists from (epoch ms). */
export function networkAtMs(node: LinkNode, profile: SimulatorProfile): number {
  return node.upAtMs + profile.nodeNetworkDelayMs;
}

/** When `node`'s `nodeBackends` entry exists from (epoch ms). */
export function backendsAtMs(node: LinkNode, profile: SimulatorProfile): number {
  return node.upAtMs + profile.nodeBackendsDelayMs;
}

/**
 * Whether the edge source→sink exists at `nowMs`. The source's worker creates it at its first probe
 * round after it has synced the cluster state (one election after its start) and the sink has a
 * `nodeNetwork` entry; it deletes it at its first round after the sink stopped answering. A stopped
 * source probes no more: its edges stay as they were until it leaves the topology.
 */
export function edgeExists(
  source: LinkNode,
  sink: LinkNode,
  nowMs: number,
  profile: SimulatorProfile,
): boolean {
  if (source === sink || !source.inTopology || !sink.inTopology) return false;
  const interval = profile.probeIntervalMs;
  const t = source.downAtMs !== null ? Math.min(nowMs, source.downAtMs) : nowMs;
  if (interval <= 0) return sink.downAtMs === null || sink.downAtMs > t;
  const from = Math.max(source.upAtMs + profile.electionMs, networkAtMs(sink, profile));
  const created = nextProbeRound(source, from, interval);
  if (created > t) return false;
  if (sink.downAtMs !== null && sink.downAtMs >= sink.upAtMs) {
    const deleted = nextProbeRound(source, Math.max(created, sink.downAtMs), interval);
    if (deleted <= t) return false;
  }
  return true;
}

/** Directed-edge lookup over node indices. */
export type EdgeTest = (from: number, to: number) => boolean;

/**
 * Whether the nodes (indices) form one simple directed cycle visiting all of them, as
 * `rx.simple_cycles` would list it: a single node always does; two need edges both ways.
 */
export function formsCycle(nodes: readonly number[], edge: EdgeTest): boolean {
  if (nodes.length <= 1) return true;
  const [start, ...rest] = nodes as [number, ...number[]];
  const used = new Set<number>();
  const visit = (at: number): boolean => {
    if (used.size === rest.length) return edge(at, start);
    for (const next of rest) {
      if (used.has(next) || !edge(at, next)) continue;
      used.add(next);
      if (visit(next)) return true;
      used.delete(next);
    }
    return false;
  };
  return visit(start);
}

/** Every subset of `pool` of `size` elements that contains all of `required` (lexicographic order). */
export function* subsetsWith(
  pool: readonly number[],
  size: number,
  required: readonly number[],
): Generator<number[]> {
  const optional = pool.filter((n) => !required.includes(n));
  const need = size - required.length;
  if (need < 0 || need > optional.length) return;
  const pick: number[] = [];
  function* walk(from: number): Generator<number[]> {
    if (pick.length === need) {
      yield [...required, ...pick].sort((a, b) => a - b);
      return;
    }
    for (let i = from; i <= optional.length - (need - pick.length); i++) {
      pick.push(optional[i] as number);
      yield* walk(i + 1);
      pick.pop();
    }
  }
  yield* walk(0);
}
