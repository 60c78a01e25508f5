/**
 * The EXO cluster's part of a node's run (src/run/benchmark.ts): connect, wait for the nodes, place the
 * instances (primary) or wait for the primary's (secondary); choose whose `/state` the snapshots poll
 * and start them; and, on a secondary, wait for the primary to finish.
 */
import type { StreamDispatcher } from '../stream/index.js';
import type { BenchConfig } from '../config/types.js';
import type { ClusterError } from '../core/errors.js';
import type { Logger } from '../core/ports.js';
import { withoutUserInfo } from '../util/redact.js';
import { ExoClient } from './client.js';
import type { DownloadTracker, StateResetWatch } from './orchestrate.js';
import {
  placeInstance,
  readView,
  waitForApi,
  waitForInstancesGone,
  waitForInstancesReady,
  waitForModelInstancesReady,
  waitForNodes,
  type ClusterContext,
} from './orchestrate.js';
import { SnapshotRecorder } from './snapshots.js';
import type { ClusterView, InstanceView } from './state.js';

/** What the cluster phase needs of the node's options (NodeRunOptions of src/run/benchmark.ts). */
export interface ClusterPhaseOptions {
  apiUrl: string;
  isPrimary: boolean;
  expectedNodes: number;
  timeoutSeconds: number;
  /** Told as soon as instances exist, so a post step can delete them if this process dies. */
  onInstancesPlaced?(instanceIds: string[]): void;
  /** Whose `/state` the snapshots read: `auto` (default) another node when one answers, `self` this node's. */
  statePollNode?: 'auto' | 'self';
  /** Least period of the snapshots when they read the serving node (default SERVING_NODE_MIN_POLL_SECONDS). */
  servingNodeMinPollSeconds?: number;
}

/**
 * Least period of the cluster snapshots when the only node they can read is the one serving the load,
 * seconds. Each read keeps that node busy for a serialisation of the whole state (exo-api.md §12.4):
 * bench/state-polling.mjs measured TTFT p99 37 → 78.5 ms (medians of 3 rounds) with a 2 MiB state read
 * every 2 s; once per 10 s it was within noise of no polling.
 */
export const SERVING_NODE_MIN_POLL_SECONDS = 10;

/** How long a probe of another node's API may take before the snapshots stay on this node, ms. */
const POLL_TARGET_PROBE_MS = 3_000;

/**
 * The node whose `/state` the snapshots poll (exo-api.md §12.4): every `/state` read serialises the
 * whole state in the Python process that also relays the load's tokens, so the snapshots go to another
 * node of the cluster when one answers at the address the topology gives for it (its API port; the
 * scheme of this node's URL), and to this node only when none does.
 */
async function chooseStatePollTarget(
  view: ClusterView,
  ownNodeId: string,
  apiUrl: string,
  dispatcher: StreamDispatcher,
  signal: AbortSignal | undefined,
  logger: Logger,
  policy: 'auto' | 'self',
): Promise<{ client: ExoClient; nodeId: string; servesLoad: boolean }> {
  const protocol = new URL(apiUrl).protocol;
  for (const nodeId of policy === 'self' ? [] : view.nodeIds) {
    const address = view.apiAddresses.get(nodeId);
    if (nodeId === ownNodeId || !address) continue;
    const host = address.ip.includes(':') ? `[${address.ip}]` : address.ip;
    const client = new ExoClient(`${protocol}//${host}:${address.port}`, {
      dispatcher,
      callTimeoutMs: POLL_TARGET_PROBE_MS,
    });
    try {
      if ((await client.nodeId(signal)) === nodeId)
        return { client: new ExoClient(client.baseUrl, { dispatcher }), nodeId, servesLoad: false };
    } catch {
      // Unreachable from here (another network, a firewall): try the next node.
    }
  }
  if (view.nodeIds.length > 1 && policy === 'auto')
    logger.warning(
      "cluster snapshots poll this node's /state: no other node's API answered at the address the topology gives",
    );
  return { client: new ExoClient(apiUrl, { dispatcher }), nodeId: ownNodeId, servesLoad: true };
}

/** What the EXO cluster phase learned, filled in as it goes so that a failure still reports it. */
export interface ClusterPhaseState {
  nodeId?: string;
  view?: ClusterView;
  /** Instances this node placed: deleted in cleanup, whatever happens. */
  placedIds: string[];
  instances: InstanceView[];
  downloads: DownloadTracker;
}

/**
 * The EXO cluster phase: waits for the API and the nodes, then places the instances (primary) or waits
 * for the primary's (secondary), until they are ready.
 */
export async function prepareExoCluster(
  config: BenchConfig,
  options: ClusterPhaseOptions,
  context: ClusterContext,
  state: ClusterPhaseState,
  deadlineMs: number,
): Promise<void> {
  const { logger } = context;
  state.nodeId = await waitForApi(context, deadlineMs);
  logger.info(`connected to node ${state.nodeId} at ${options.apiUrl}`);
  let view = await waitForNodes(context, options.expectedNodes, deadlineMs);
  state.view = view;
  logger.info(`cluster has ${view.nodeIds.length} node${view.nodeIds.length === 1 ? '' : 's'}`);
  let ids: string[];
  if (options.isPrimary) {
    const plan = {
      sharding: config.sharding,
      instanceMeta: config.instance_meta,
      nodeCount: options.expectedNodes,
    };
    for (const modelId of config.model_ids) {
      state.placedIds.push((await placeInstance(context, modelId, plan, deadlineMs)).instanceId);
      options.onInstancesPlaced?.([...state.placedIds]);
    }
    view = await waitForInstancesReady(context, state.placedIds, deadlineMs, state.downloads);
    for (const download of state.downloads.times())
      logger.info(
        `downloaded ${download.model_id} (${Math.round(download.bytes / 1e6)} MB) in ${download.seconds} s, before the benchmark`,
      );
    ids = state.placedIds;
  } else {
    ids = await waitForModelInstancesReady(context, config.model_ids, deadlineMs);
    view = await readView(context);
  }
  state.view = view;
  state.instances = ids.flatMap((id) => {
    const instance = view.instances.get(id);
    return instance ? [instance] : [];
  });
  logger.info(`instances ready: ${state.instances.map((i) => `${i.modelId} (${i.instanceId})`).join(', ')}`);
}

/** The cluster snapshots of a primary's run, and the facts results.json keeps about their polling. */
export interface ClusterWatch {
  snapshots: SnapshotRecorder;
  /** `requests` is filled in when the snapshots stop (StatePollingFacts of results/document.ts). */
  statePolling: {
    node_id: string;
    api_url: string;
    serves_load: boolean;
    interval_seconds: number;
    requests: number;
  };
}

/**
 * Starts the cluster snapshots of a primary's run on the node chosen by chooseStatePollTarget. Instances
 * that vanish are warned about once (a node left: the requests account for it); a state reset (a new
 * master started from an empty state) is handed to `onStateReset` once, which aborts the run.
 */
export async function startClusterSnapshots(
  config: BenchConfig,
  options: ClusterPhaseOptions,
  context: ClusterContext & { resetWatch: StateResetWatch },
  cluster: ClusterPhaseState & { view: ClusterView; nodeId: string },
  pollResets: StateResetWatch,
  dispatcher: StreamDispatcher,
  onStateReset: (error: ClusterError) => void,
): Promise<ClusterWatch> {
  const { logger } = context;
  const { view, nodeId } = cluster;
  let lostWarned = false;
  let lostReported = false;
  const target = await chooseStatePollTarget(
    view,
    nodeId,
    options.apiUrl,
    dispatcher,
    context.signal,
    logger,
    options.statePollNode ?? 'auto',
  );
  const ownNode = { client: context.client, nodeId, resets: context.resetWatch };
  // Reading the serving node's /state stalls its token writes (§12.4): only rarely, then.
  const intervalSeconds = target.servesLoad
    ? Math.max(
        config.snapshot_interval_seconds,
        options.servingNodeMinPollSeconds ?? SERVING_NODE_MIN_POLL_SECONDS,
      )
    : config.snapshot_interval_seconds;
  const snapshots: SnapshotRecorder = new SnapshotRecorder(
    // When the other node stops answering (it left), this node's own state still shows a reset.
    target.servesLoad
      ? [ownNode]
      : [{ client: target.client, nodeId: target.nodeId, resets: pollResets }, ownNode],
    context.clock,
    logger,
    intervalSeconds * 1000,
    () => cluster.instances,
    (lost, reset) => {
      const which = `instance${lost.length === 1 ? '' : 's'} ${lost.join(', ')}`;
      if (!reset) {
        // A node of the instance left (EXO deletes its instances): the requests say so one by
        // one as connection or 404 errors, and the run still accounts for every one of them.
        if (!lostWarned) logger.warning(`${which} vanished from the cluster state during the stage`);
        lostWarned = true;
        return;
      }
      // A new master started from an empty state: nothing of this run is left to measure.
      if (lostReported) return;
      lostReported = true;
      onStateReset((snapshots.source.resets ?? pollResets).error(which));
    },
  );
  const statePolling = {
    node_id: target.nodeId,
    api_url: withoutUserInfo(target.client.baseUrl),
    serves_load: target.servesLoad,
    interval_seconds: intervalSeconds,
    requests: 0,
  };
  logger.info(
    `cluster snapshots: /state of ${target.servesLoad ? 'this node' : `node ${target.nodeId}`} every ${intervalSeconds} s`,
  );
  snapshots.start();
  return { snapshots, statePolling };
}

/** How long the primary's stages take (src/load/duration.ts computes it from the config). */
export interface PrimaryLoadLength {
  /** What the stages are scheduled to take: a lower bound of the primary's load. */
  scheduledMs: number;
  /** How much longer than its schedule the load may take (capacity searches beyond their first probe). */
  unscheduledMs: number;
}

/**
 * A secondary's part once the instances are ready: wait until the primary has run the stages and
 * deleted its instances (bounded by the timeout, the scheduled load and one request timeout).
 */
export async function waitForPrimaryToFinish(
  config: BenchConfig,
  options: ClusterPhaseOptions,
  context: ClusterContext,
  cluster: ClusterPhaseState,
  load: PrimaryLoadLength,
): Promise<void> {
  const ids = cluster.instances.map((instance) => instance.instanceId);
  context.logger.info('secondary: waiting for the primary to run the stages and delete its instances');
  const secondaryDeadlineMs =
    context.clock.nowMs() +
    options.timeoutSeconds * 1000 +
    load.scheduledMs +
    load.unscheduledMs +
    config.request_timeout_seconds * 1000;
  const view = cluster.view;
  await waitForInstancesGone(context, ids, secondaryDeadlineMs, {
    earliestFinishMs: context.clock.nowMs() + load.scheduledMs,
    watchedNodeIds: view?.nodeIds ?? [],
    nodeNames: new Map(
      [...(view?.identities ?? [])].map(([nodeId, identity]) => [nodeId, identity.friendlyName]),
    ),
  });
  context.logger.info('the primary deleted its instances; done');
}

/** True once the phase has connected and seen the cluster (the snapshots need both). */
export function isConnected(
  cluster: ClusterPhaseState,
): cluster is ClusterPhaseState & { view: ClusterView; nodeId: string } {
  return Boolean(cluster.view) && Boolean(cluster.nodeId);
}
