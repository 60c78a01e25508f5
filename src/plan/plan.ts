/**
 * Plan mode: turn `hardware_plan` into a GitHub Actions matrix with one job per node. Each job learns
 * its runner label, its index within that label, whether it is the primary (the one node that places
 * instances and cleans up) and how many nodes to wait for.
 */
import type { BenchConfig } from '../config/types.js';

/** One matrix job: one node of the cluster. Field names are what workflows read as `matrix.<name>`. */
export interface PlanEntry {
  /** Runner label to run on (`runs-on: ${{ matrix.label }}`). */
  label: string;
  /** 0-based index among the nodes with this label. */
  index: number;
  /** Exactly one entry, the first, is the primary. */
  is_primary: boolean;
  /** Total nodes in the cluster, the same in every entry. */
  expected_nodes: number;
  /**
   * True when this node sends load: the primary alone with `load_from: primary`, every node with
   * `all_nodes` (request i of a stage from the node at position i mod expected_nodes of this matrix).
   */
  sends_load: boolean;
  /**
   * `load_from: all_nodes` with an openai target only: the first stage's start, epoch ms on the plan
   * job's clock (plan time + all_nodes_start_delay_seconds), the same in every entry. Each node job
   * passes it on (`schedule-start-ms: ${{ matrix.start_at_ms }}`) and derives every stage's start from it.
   */
  start_at_ms?: number;
}

/** The matrix, shaped for `strategy.matrix: ${{ fromJSON(needs.plan.outputs.matrix) }}`. */
export interface Plan {
  include: PlanEntry[];
}

/** all_nodes_start_delay_seconds when a config has none (the schema writes it). */
const DEFAULT_START_DELAY_SECONDS = 120;

/**
 * The first stage's start a plan made at `nowMs` fixes (epoch ms, rounded up to a whole millisecond):
 * `nowMs` + all_nodes_start_delay_seconds for `load_from: all_nodes` with an openai target, which has
 * no shared state to publish a start through (docs/load-from.md); undefined for any other config.
 */
export function planStartAtMs(
  config: Pick<BenchConfig, 'load_from' | 'target' | 'all_nodes_start_delay_seconds'>,
  nowMs: number,
): number | undefined {
  if (config.load_from !== 'all_nodes' || config.target.kind !== 'openai') return undefined;
  return Math.ceil(nowMs + (config.all_nodes_start_delay_seconds ?? DEFAULT_START_DELAY_SECONDS) * 1000);
}

/**
 * One entry per node, labels in config order, indices counting from 0 within each label; the very
 * first entry is the primary. `{a: 2, b: 1}` → a/0 (primary), a/1, b/0, each expecting 3 nodes.
 * `sends_load`: the primary only, or every entry with `load_from: all_nodes`. `startAtMs` (planStartAtMs)
 * goes into every entry as `start_at_ms` when given.
 */
export function buildPlan(
  config: Pick<BenchConfig, 'hardware_plan' | 'load_from'>,
  startAtMs?: number,
): Plan {
  const counts = Object.entries(config.hardware_plan);
  const expectedNodes = counts.reduce((total, [, count]) => total + count, 0);
  const include: PlanEntry[] = [];
  for (const [label, count] of counts) {
    for (let index = 0; index < count; index += 1) {
      const isPrimary = include.length === 0;
      include.push({
        label,
        index,
        is_primary: isPrimary,
        expected_nodes: expectedNodes,
        sends_load: isPrimary || config.load_from === 'all_nodes',
        ...(startAtMs !== undefined ? { start_at_ms: startAtMs } : {}),
      });
    }
  }
  return { include };
}

/**
 * A node's position in the plan's matrix order (src/plan/plan.ts: labels in config order, indices
 * within each label): what `i mod N` is counted against. Undefined when the label or index is unknown
 * to the plan.
 */
export function planPosition(
  config: Pick<BenchConfig, 'hardware_plan'>,
  label: string,
  indexInLabel: number,
): number | undefined {
  let position = 0;
  for (const [planLabel, count] of Object.entries(config.hardware_plan)) {
    if (planLabel === label) return indexInLabel < count ? position + indexInLabel : undefined;
    position += count;
  }
  return undefined;
}
