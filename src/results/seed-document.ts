/**
 * The parts of the seed script's results document that are not statistics: its metadata and cluster
 * keys, with its types and units (epoch seconds, seconds), and its standard-output block. They sit in
 * results.json beside ours (src/results/document.ts); the stage statistics are src/metrics/seed.ts, the
 * snapshot keys src/cluster/snapshots.ts.
 */
import type { BenchConfig } from '../config/types.js';
import type { InstanceView } from '../cluster/state.js';

/** The seed's `metadata` keys. */
export interface SeedMetadata {
  /** The seed script's key: when the node started, epoch seconds. */
  benchmark_started_at: number;
  /** The seed script's key: when the node wrote this document, epoch seconds. */
  benchmark_completed_at: number;
  /** The seed script's key: benchmark_completed_at − benchmark_started_at, seconds. */
  total_duration_s: number;
  /** The seed script's key: --git-commit (the action: GITHUB_SHA); null when not given. */
  git_commit: string | null;
  /**
   * The seed script's key: --hardware-labels split at commas (the action: its hardware-label); [] when not
   * given.
   */
  hardware_labels: string[];
  /**
   * The seed script's key: nodes the cluster had to show.
   * @asType integer
   * @minimum 0
   */
  expected_nodes: number;
  /**
   * The seed script's key: deadline of the cluster phases, seconds.
   * @asType integer
   * @minimum 0
   */
  timeout_seconds: number;
}

/** The seed's `cluster` keys. */
export interface SeedCluster {
  /** The seed script's key: the models the load went to. */
  model_ids: string[];
  /** The seed script's key: every instance the run used, all models; [] for an openai target. */
  instance_ids: string[];
  /**
   * The seed script's key: len(instance_ids).
   * @asType integer
   * @minimum 0
   */
  instance_count: number;
  /**
   * The seed script's key: runners of those instances.
   * @asType integer
   * @minimum 0
   */
  runner_count: number;
  /** The seed script's key: the config's sharding. */
  sharding: string;
  /** The seed script's key: the config's instance_meta. */
  instance_meta: string;
}

/** What the seed metadata is made of. */
export interface SeedMetadataInput {
  startedAtMs: number;
  completedAtMs: number;
  gitCommit?: string | null;
  hardwareLabels?: readonly string[];
  expectedNodes: number;
  timeoutSeconds: number;
}

/** The seed's metadata keys of a run. */
export function seedMetadata(input: SeedMetadataInput): SeedMetadata {
  return {
    benchmark_started_at: input.startedAtMs / 1000,
    benchmark_completed_at: input.completedAtMs / 1000,
    total_duration_s: (input.completedAtMs - input.startedAtMs) / 1000,
    git_commit: input.gitCommit ?? null,
    hardware_labels: [...(input.hardwareLabels ?? [])],
    expected_nodes: input.expectedNodes,
    timeout_seconds: input.timeoutSeconds,
  };
}

/**
 * The seed's cluster keys. `models` are the models the load went to (the config's model_ids for EXO,
 * the target's model for an OpenAI-compatible server, which has no instances).
 */
export function seedCluster(
  config: BenchConfig,
  models: readonly string[],
  instances: readonly InstanceView[],
): SeedCluster {
  return {
    model_ids: [...models],
    instance_ids: instances.map((instance) => instance.instanceId),
    instance_count: instances.length,
    runner_count: instances.reduce((sum, instance) => sum + instance.runnerIds.length, 0),
    sharding: config.sharding,
    instance_meta: config.instance_meta,
  };
}

/** The banner line of the seed's standard output: 80 `=`. */
export const SEED_BANNER = '='.repeat(80);

/**
 * The block the seed printed last: banner, `JSON RESULTS`, banner, the document (indent 2), banner.
 * Dashboards and scripts scraped the log for it.
 */
export function seedJsonResultsBlock(document: unknown): string {
  return `${SEED_BANNER}\nJSON RESULTS\n${SEED_BANNER}\n${JSON.stringify(document, null, 2)}\n${SEED_BANNER}\n`;
}

/**
 * Splits `--hardware-labels` the seed's way: at commas, blanks trimmed, empty parts dropped.
 */
export function parseHardwareLabels(text: string): string[] {
  return text
    .split(',')
    .map((label) => label.trim())
    .filter((label) => label !== '');
}
