/**
 * Per-node provisioning: the environment an EXO launch needs on this node (exo-api.md §1.2-1.3).
 * Every node of one run and attempt shares a discovery namespace derived from the run, so concurrent
 * runs (or a re-run) never see each other; each node gets a fresh EXO_HOME under the runner's temp dir.
 * On current EXO the namespace is the `--namespace` flag (plus EXO_ZENOH_NAMESPACE); the old
 * EXO_LIBP2P_NAMESPACE is fatal there, so it is never set.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchConfig } from './config/types.js';

/** Where this node is in the run. */
export interface NodeIdentityInput {
  /** GitHub's run id and attempt (`GITHUB_RUN_ID`, `GITHUB_RUN_ATTEMPT`); local runs use a random id. */
  runId: string;
  runAttempt: string;
  hardwareLabel: string;
  nodeIndex: number;
  apiPort: number;
  /** `RUNNER_TEMP`, else the OS temp dir. */
  tempDir?: string;
}

/** What provisioning decided, and the variables to export. */
export interface Provision {
  exoHome: string;
  namespace: string;
  apiPort: number;
  /** Every variable to export (config environment included), values as strings. */
  variables: Record<string, string>;
}

/** Names our own exported variables use, for commands that start EXO (`--api-port $EXO_BENCH_API_PORT`). */
export const ProvisionVariables = {
  ExoHome: 'EXO_HOME',
  ZenohNamespace: 'EXO_ZENOH_NAMESPACE',
  Namespace: 'EXO_BENCH_NAMESPACE',
  ApiPort: 'EXO_BENCH_API_PORT',
} as const;

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
  // Ours last: the config cannot move EXO_HOME or the namespace out from under the cluster.
  variables[ProvisionVariables.ExoHome] = exoHome;
  variables[ProvisionVariables.ZenohNamespace] = namespace;
  variables[ProvisionVariables.Namespace] = namespace;
  variables[ProvisionVariables.ApiPort] = String(node.apiPort);
  return { exoHome, namespace, apiPort: node.apiPort, variables };
}

/** Creates a fresh, empty EXO_HOME (a previous attempt's leftovers would hold its exo.pid and logs). */
export function prepareExoHome(provision: Provision): void {
  rmSync(provision.exoHome, { recursive: true, force: true });
  mkdirSync(provision.exoHome, { recursive: true });
}
