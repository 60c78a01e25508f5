/**
 * Per-node provisioning: the environment an EXO launch needs on this node (exo-api.md §1.2-1.3).
 * Every node of one run and attempt shares a discovery namespace derived from the run, so concurrent
 * runs (or a re-run) never see each other; each node gets a fresh EXO_HOME under the runner's temp dir.
 * On current EXO the namespace is the `--namespace` flag (plus EXO_ZENOH_NAMESPACE); the old
 * EXO_LIBP2P_NAMESPACE is fatal there, so it is never set. Models live outside the fresh EXO_HOME, in a
 * persistent models dir (EXO_DEFAULT_MODELS_DIR, default ~/.exo/models as the seed workflow kept them),
 * so a run does not download every model again (§12.3). EXO_BENCH_EXO_ARGS holds the flags EXO needs
 * on this node, `--force-master` on the primary only, so that a late joiner's election never hands the
 * cluster to a node that starts from an empty state (§12.2).
 */
import { mkdirSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchConfig } from '../config/types.js';

/** Where this node is in the run. */
export interface NodeIdentityInput {
  /** GitHub's run id and attempt (`GITHUB_RUN_ID`, `GITHUB_RUN_ATTEMPT`); local runs use a random id. */
  runId: string;
  runAttempt: string;
  hardwareLabel: string;
  nodeIndex: number;
  apiPort: number;
  /** The primary starts EXO with `--force-master`. */
  isPrimary: boolean;
  /** Writable models dir kept between runs (default: the config's EXO_DEFAULT_MODELS_DIR, else ~/.exo/models). */
  modelsDir?: string;
  /** Pre-staged, read-only models dirs (EXO_MODELS_READ_ONLY_DIRS), colon-separated. */
  readOnlyModelsDirs?: string;
  /** `RUNNER_TEMP`, else the OS temp dir. */
  tempDir?: string;
  /** Home of the user (default os.homedir()), for the default models dir. */
  homeDir?: string;
}

/** What provisioning decided, and the variables to export. */
export interface Provision {
  exoHome: string;
  namespace: string;
  apiPort: number;
  modelsDir: string;
  /** The flags EXO needs on this node, as one shell word list: `exo $EXO_BENCH_EXO_ARGS`. */
  exoArgs: string;
  /** Every variable to export (config environment included), values as strings. */
  variables: Record<string, string>;
}

/** Names our own exported variables use, for commands that start EXO (`--api-port $EXO_BENCH_API_PORT`). */
export const ProvisionVariables = {
  ExoHome: 'EXO_HOME',
  ZenohNamespace: 'EXO_ZENOH_NAMESPACE',
  Namespace: 'EXO_BENCH_NAMESPACE',
  ApiPort: 'EXO_BENCH_API_PORT',
  ExoArgs: 'EXO_BENCH_EXO_ARGS',
  ModelsDir: 'EXO_DEFAULT_MODELS_DIR',
  ReadOnlyModelsDirs: 'EXO_MODELS_READ_ONLY_DIRS',
} as const;

/** Where models stay between runs unless told otherwise: EXO's own default on macOS, as the seed kept it. */
export function defaultModelsDir(homeDir = homedir()): string {
  return join(homeDir, '.exo', 'models');
}

/** A label made safe for a folder or namespace name. */
export function safeName(text: string): string {
  return text.replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, 80) || 'node';
}

/** Computes this node's provision without touching the disk. */
export function planProvision(config: BenchConfig, node: NodeIdentityInput): Provision {
  const namespace = `exo-bench-${safeName(node.runId)}-${safeName(node.runAttempt)}`;
  const base = node.tempDir ?? tmpdir();
  const exoHome = join(
    base,
    'exo-bench',
    `${safeName(node.hardwareLabel)}-${node.nodeIndex}-${safeName(node.runAttempt)}`,
    'exo-home',
  );
  const variables: Record<string, string> = { ...config.environment };
  const modelsDir =
    node.modelsDir ?? config.environment[ProvisionVariables.ModelsDir] ?? defaultModelsDir(node.homeDir);
  // Every word is plain (a port, a safeName namespace, flags), so `exo $EXO_BENCH_EXO_ARGS` splits it right.
  const exoArgs = [
    '--api-port',
    String(node.apiPort),
    '--namespace',
    namespace,
    ...(node.isPrimary ? ['--force-master'] : []),
  ].join(' ');
  // Ours last: the config cannot move EXO_HOME or the namespace out from under the cluster.
  variables[ProvisionVariables.ExoHome] = exoHome;
  variables[ProvisionVariables.ZenohNamespace] = namespace;
  variables[ProvisionVariables.Namespace] = namespace;
  variables[ProvisionVariables.ApiPort] = String(node.apiPort);
  variables[ProvisionVariables.ExoArgs] = exoArgs;
  variables[ProvisionVariables.ModelsDir] = modelsDir;
  if (node.readOnlyModelsDirs) variables[ProvisionVariables.ReadOnlyModelsDirs] = node.readOnlyModelsDirs;
  return { exoHome, namespace, apiPort: node.apiPort, modelsDir, exoArgs, variables };
}

/**
 * Creates a fresh, empty EXO_HOME (a previous attempt's leftovers would hold its exo.pid and logs) and
 * the models dir if it is missing (never emptied: what is in it is what spares the next download).
 */
export function prepareExoHome(provision: Provision): void {
  rmSync(provision.exoHome, { recursive: true, force: true });
  mkdirSync(provision.exoHome, { recursive: true });
  mkdirSync(provision.modelsDir, { recursive: true });
}
