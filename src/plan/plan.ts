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
}

/** The matrix, shaped for `strategy.matrix: ${{ fromJSON(needs.plan.outputs.matrix) }}`. */
export interface Plan {
  include: PlanEntry[];
}

/**
 * One entry per node, labels in config order, indices counting from 0 within each label; the very
 * first entry is the primary. `{a: 2, b: 1}` → a/0 (primary), a/1, b/0, each expecting 3 nodes.
 */
export function buildPlan(config: Pick<BenchConfig, 'hardware_plan'>): Plan {
  const counts = Object.entries(config.hardware_plan);
  const expectedNodes = counts.reduce((total, [, count]) => total + count, 0);
  const include: PlanEntry[] = [];
  for (const [label, count] of counts) {
    for (let index = 0; index < count; index += 1) {
      include.push({ label, index, is_primary: include.length === 0, expected_nodes: expectedNodes });
    }
  }
  return { include };
}
