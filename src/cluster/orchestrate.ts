/**
 * Bringing a cluster up and down for a benchmark: waiting for nodes, placing instances, waiting for
 * runners, waiting for quiet, deleting. Every wait has a deadline, reports progress, and stops on abort.
 * Recipes follow exo-api.md §2.3 and §4.
 */
import type { InstanceMeta, Sharding } from '../config/types.js';
import { ClusterError } from '../core/errors.js';
import type { Logger } from '../core/ports.js';
import { formatDuration, type Clock } from '../util/clock.js';
import { pollUntil, type PollOutcome } from '../util/poll.js';
import { ExoConnectionError, type ExoClient, type InstancePreview } from './client.js';
import {
  countInFlight,
  findCycle,
  isInstanceReady,
  readClusterView,
  readInstance,
  type ClusterView,
  type DownloadView,
  type InstanceView,
} from './state.js';
import { formatGrouped } from '../util/number-format.js';

/** What every wait needs. */
export interface ClusterContext {
  client: ExoClient;
  clock: Clock;
  logger: Logger;
  signal?: AbortSignal;
  /** Poll period, milliseconds (EXO's own harness polls every 0.4-1 s). */
  pollIntervalMs: number;
  /** Minimum gap between two progress lines of one wait, milliseconds. */
  progressIntervalMs: number;
  /** Sees every full state read, to tell a master election's reset from an ordinary deletion. */
  resetWatch?: StateResetWatch;
}

/**
 * Polls `probe` until it returns a value or the deadline passes. Connection errors are retried (a node
 * that is still starting refuses connections); other errors end the wait at once.
 */
async function pollCluster<T>(
  context: ClusterContext,
  deadlineMs: number,
  what: string,
  probe: () => Promise<PollOutcome<T>>,
  timeoutHint: string,
  options: {
    /** Give up once the API has been unreachable this long (a node that died is not coming back). */
    maxUnreachableMs?: number;
    /** Wait before attempt `attempt + 1` (default: the context's poll interval every time). */
    intervalMs?(attempt: number): number;
  } = {},
): Promise<T> {
  const maxUnreachableMs = options.maxUnreachableMs ?? Infinity;
  let lastConnectionError: ExoConnectionError | undefined;
  let unreachableSinceMs: number | undefined;
  return pollUntil({
    clock: context.clock,
    signal: context.signal,
    deadlineMs,
    async probe() {
      try {
        const outcome = await probe();
        lastConnectionError = undefined;
        unreachableSinceMs = undefined;
        return outcome;
      } catch (error) {
        if (!(error instanceof ExoConnectionError)) throw error;
        lastConnectionError = error;
        unreachableSinceMs ??= context.clock.nowMs();
        if (context.clock.nowMs() - unreachableSinceMs >= maxUnreachableMs) {
          throw new ClusterError(
            `Gave up waiting for ${what}: the EXO API has been unreachable for ${formatDuration(maxUnreachableMs)} (${error.message}).`,
            'The node stopped answering; check that EXO is still running.',
            { cause: error },
          );
        }
        return { done: false, progress: `API unreachable: ${error.message}` };
      }
    },
    delayMs: (attempt) => options.intervalMs?.(attempt) ?? context.pollIntervalMs,
    progressIntervalMs: context.progressIntervalMs,
    announceAtOnce: true,
    report: ({ progress, startedMs, nowMs }) =>
      context.logger.info(`${what}: ${progress}, ${formatDuration(nowMs - startedMs)}`),
    timeout: ({ progress, startedMs, nowMs }) =>
      new ClusterError(
        `Timed out after ${formatDuration(nowMs - startedMs)} waiting for ${what} (${progress}).`,
        lastConnectionError
          ? 'The EXO API never answered: check that EXO started and listens on that port.'
          : timeoutHint,
        { cause: lastConnectionError },
      ),
  });
}

/**
 * Remembers the highest `lastEventAppliedIdx` seen. EXO's counter only grows, except when a master
 * election hands the cluster to a node that starts from an empty state (exo-api.md §12.2): then it
 * falls back, and the instances placed before are gone. Shared by every poll of one run.
 */
export class StateResetWatch {
  private highestIdx = -1;
  /** Every fall seen: when, and from what to what. */
  readonly resets: Array<{ at_ms: number; from_event_idx: number; to_event_idx: number }> = [];

  /** Records one observation; true when it shows a reset. */
  observe(eventIdx: number | undefined, atMs: number): boolean {
    if (eventIdx === undefined) return false;
    const reset = eventIdx < this.highestIdx;
    if (reset) this.resets.push({ at_ms: atMs, from_event_idx: this.highestIdx, to_event_idx: eventIdx });
    this.highestIdx = reset ? eventIdx : Math.max(this.highestIdx, eventIdx);
    return reset;
  }

  /** The error to report when instances vanished and the state was reset. */
  error(lost: string): ClusterError {
    const last = this.resets[this.resets.length - 1];
    return new ClusterError(
      `EXO's cluster state was reset${last ? ` (lastEventAppliedIdx fell from ${last.from_event_idx} to ${last.to_event_idx})` : ''}: a master election gave the cluster a new master, which starts from an empty state, and ${lost} went with it.`,
      "A node joined or left while the run was under way. Start the primary's EXO with --force-master (the action puts it in EXO_BENCH_EXO_ARGS on the primary only), and start every node before the primary places the models.",
    );
  }
}

/** Reads the whole state as a view (and tells the context's reset watch what it saw). */
export async function readView(context: ClusterContext): Promise<ClusterView> {
  const view = readClusterView(await context.client.state(context.signal));
  context.resetWatch?.observe(view.lastEventAppliedIdx, context.clock.nowMs());
  return view;
}

/** Waits until this node's API answers `/node_id`; returns the node's ID. */
export async function waitForApi(context: ClusterContext, deadlineMs: number): Promise<string> {
  return pollCluster(
    context,
    deadlineMs,
    'the EXO API',
    async () => ({ done: true, value: await context.client.nodeId(context.signal) }),
    'Check that EXO started.',
  );
}

/** A node as people know it: its friendly name (the Mac's name) and the start of its ID. */
export function nodeName(view: ClusterView, nodeId: string): string {
  const friendly = view.identities.get(nodeId)?.friendlyName;
  const short = nodeId.slice(0, 8);
  return friendly ? `${friendly} (${short})` : short;
}

/** Every way of choosing `k` of `items`, in order (bounded by the caller: clusters are small). */
function combinations<T>(items: readonly T[], k: number): T[][] {
  if (k === 0) return [[]];
  if (items.length < k) return [];
  const [first, ...rest] = items as [T, ...T[]];
  return [...combinations(rest, k - 1).map((c) => [first, ...c]), ...combinations(rest, k)];
}

/** Whether the cluster can hold an instance across `expectedNodes` nodes, and if not, what is missing. */
export interface ClusterSettlement {
  /** The nodes a placement can span (a cycle through them), when settled. */
  nodeIds?: string[];
  /** What is still missing, one item per fact (empty when settled). */
  missing: string[];
}

/**
 * Judges whether the cluster has settled (exo-api.md §2.3, §12.1): `expectedNodes` nodes in the topology,
 * each reporting memory and backends, and (for more than one node) topology links that form a cycle
 * through them. Nodes show up seconds before their links exist (each worker probes its peers every
 * 10 s); a placement in that window can only use one node.
 */
export function judgeSettlement(view: ClusterView, expectedNodes: number): ClusterSettlement {
  const missing: string[] = [];
  if (view.nodeIds.length < expectedNodes) missing.push(`nodes ${view.nodeIds.length}/${expectedNodes}`);
  const noMemory = view.nodeIds.filter((id) => !view.memory.has(id));
  const noBackends = view.nodeIds.filter((id) => !view.backends.has(id));
  if (noMemory.length > 0)
    missing.push(`no memory report from ${noMemory.map((id) => nodeName(view, id)).join(', ')}`);
  // EXO before nodeBackends (eras A/B) has no such map at all: only require it where it exists.
  if (noBackends.length > 0 && view.backends.size > 0)
    missing.push(`no backends report from ${noBackends.map((id) => nodeName(view, id)).join(', ')}`);
  if (missing.length > 0) return { missing };
  const candidates = view.nodeIds.filter((id) => view.memory.has(id));
  if (expectedNodes <= 1) return { nodeIds: candidates.slice(0, Math.max(1, expectedNodes)), missing };
  // A cluster has a handful of nodes; more candidates than expected happen only with a stale node.
  const subsets = candidates.length <= 12 ? combinations(candidates, expectedNodes) : [candidates];
  for (const subset of subsets) {
    if (subset.length === expectedNodes && findCycle(subset, view.links)) return { nodeIds: subset, missing };
  }
  const unlinked: string[] = [];
  const pool = candidates.slice(0, 12);
  for (let i = 0; i < pool.length; i++) {
    for (let j = i + 1; j < pool.length; j++) {
      const a = pool[i] as string;
      const b = pool[j] as string;
      const there = view.links.get(a)?.has(b) ?? false;
      const back = view.links.get(b)?.has(a) ?? false;
      if (!there || !back)
        unlinked.push(
          `${nodeName(view, a)} ${there ? '→' : back ? '←' : '↮'} ${nodeName(view, b)}${there || back ? ' (one way only)' : ''}`,
        );
    }
  }
  missing.push(
    unlinked.length > 0
      ? `not linked: ${unlinked.join(', ')}`
      : `no cycle of ${expectedNodes} linked nodes yet`,
  );
  return { missing };
}

/**
 * Waits until the cluster has settled for a placement across `expectedNodes` nodes (judgeSettlement).
 * Progress: `nodes 4/4; not linked: studio-2 ↮ studio-3, 14s`. A secondary waits for the same, so the
 * jobs agree on what the cluster is.
 */
export async function waitForNodes(
  context: ClusterContext,
  expectedNodes: number,
  deadlineMs: number,
): Promise<ClusterView> {
  return pollCluster(
    context,
    deadlineMs,
    'the cluster to settle',
    async () => {
      const view = await readView(context);
      const settlement = judgeSettlement(view, expectedNodes);
      return settlement.nodeIds
        ? { done: true, value: view }
        : { done: false, progress: settlement.missing.join('; ') };
    },
    "Not every node joined and linked up: check that all matrix jobs started EXO, with the same --namespace and the same --api-port (EXO probes its peers' GET /node_id on its own API port every 10 s), and that the machines can reach each other on that port.",
  );
}

/** What a placement must look like: the config's sharding and instance kind, across this many nodes. */
export interface PlacementPlan {
  sharding: Sharding;
  instanceMeta: InstanceMeta;
  /** Nodes the instance must span: the plan's node count (every node of the cluster). */
  nodeCount: number;
}

/** The sharding and instance kind EXO gives a placement (one node is always Pipeline + MlxRing). */
export function effectivePlacement(plan: PlacementPlan): { sharding: Sharding; instanceMeta: InstanceMeta } {
  return plan.nodeCount === 1
    ? { sharding: 'Pipeline', instanceMeta: 'MlxRing' }
    : { sharding: plan.sharding, instanceMeta: plan.instanceMeta };
}

/** Whether an instance is what the plan asks: its node count, instance kind and shard kind. */
export function instanceMatchesPlan(instance: InstanceView, plan: PlacementPlan): string | undefined {
  const { sharding, instanceMeta } = effectivePlacement(plan);
  const problems: string[] = [];
  if (instance.nodeIds.length !== plan.nodeCount)
    problems.push(
      `${instance.nodeIds.length} node${instance.nodeIds.length === 1 ? '' : 's'} instead of ${plan.nodeCount}`,
    );
  if (instance.kind !== `${instanceMeta}Instance`)
    problems.push(`${instance.kind} instead of ${instanceMeta}Instance`);
  if (instance.shardKind !== `${sharding}ShardMetadata`)
    problems.push(`${instance.shardKind || 'no shards'} instead of ${sharding}ShardMetadata`);
  return problems.length > 0 ? problems.join(', ') : undefined;
}

/**
 * Chooses a placement from EXO's previews: only those whose instance spans exactly the plan's node
 * count with the asked sharding and instance kind (trusting the instance's own tags: a preview's labels
 * can disagree with it). A preview with fewer nodes is never taken, even when it is all EXO can offer:
 * that is what it offers while the topology links are still forming (exo-api.md §12.1).
 */
export function choosePreview(
  previews: InstancePreview[],
  plan: PlacementPlan,
): { preview: InstancePreview; instance: InstanceView } | { error: string } {
  // Only previews EXO computed for the asked sharding and kind: on one node EXO itself turns them into
  // Pipeline + MlxRing, which is accepted; another label's preview would be a different benchmark.
  const labelled = previews.filter(
    (p) => p.sharding === plan.sharding && p.instance_meta === plan.instanceMeta,
  );
  for (const preview of labelled) {
    if (!preview.instance || preview.error) continue;
    const instance = readInstance('', preview.instance);
    if (instance && instance.instanceId && !instanceMatchesPlan(instance, plan)) return { preview, instance };
  }
  if (previews.length === 0) return { error: 'EXO offered no placement at all (is the topology empty?)' };
  const reasons = [...new Set(labelled.map((p) => p.error).filter((e): e is string => Boolean(e)))];
  const largest = Math.max(
    0,
    ...labelled.map((p) =>
      p.instance && !p.error ? (readInstance('', p.instance)?.nodeIds.length ?? 0) : 0,
    ),
  );
  const offered =
    largest > 0 && largest < plan.nodeCount
      ? ` (EXO offers placements on ${largest} node${largest === 1 ? '' : 's'} at most)`
      : '';
  return {
    error: `no ${plan.sharding}/${plan.instanceMeta} placement across ${plan.nodeCount} node${plan.nodeCount === 1 ? '' : 's'}${offered}${reasons.length > 0 ? `: ${reasons.join('; ')}` : ''}`,
  };
}

/**
 * Placement errors that waiting cannot cure once the cluster has settled: the model or the config rules
 * the placement out (RDMA links are known from each node's start, unlike the socket links that form).
 */
const PERMANENT_PLACEMENT_ERROR =
  /does not support tensor parallelism|No tensor sharding found|cannot satisfy engine|Model card not found|no RDMA-connected cycles/i;

/** First and largest gap between two placement attempts, ms (EXO's harness retries the same way). */
const PLACEMENT_RETRY_FIRST_MS = 1_000;
const PLACEMENT_RETRY_MAX_MS = 8_000;

/**
 * Places one instance of `modelId` across exactly the plan's nodes: asks for previews until one fits
 * (with back-off and progress lines, until the deadline), posts it with `POST /instance` (so its ID is
 * known), waits until it shows in the state, and checks that EXO created what was posted. Returns the
 * instance as placed. Never places fewer nodes than planned.
 */
export async function placeInstance(
  context: ClusterContext,
  modelId: string,
  plan: PlacementPlan,
  deadlineMs: number,
): Promise<InstanceView> {
  const chosen = await pollCluster(
    context,
    deadlineMs,
    `a placement of ${modelId} across ${plan.nodeCount} node${plan.nodeCount === 1 ? '' : 's'}`,
    async () => {
      const choice = choosePreview(await context.client.previews(modelId, context.signal), plan);
      if ('preview' in choice) return { done: true, value: choice };
      if (PERMANENT_PLACEMENT_ERROR.test(choice.error)) {
        throw new ClusterError(
          `Cannot place ${modelId}: ${choice.error}`,
          'Check the model ID and sharding/instance_meta in the config: this placement is impossible for this model.',
        );
      }
      return { done: false, progress: choice.error };
    },
    'Check the free memory of the nodes (OVERRIDE_MEMORY_MB is honoured on Linux only), that every node is linked to the others, and sharding/instance_meta in the config.',
    {
      // Back off: each preview request makes the master compute every placement.
      intervalMs: (attempt) =>
        Math.min(PLACEMENT_RETRY_MAX_MS, PLACEMENT_RETRY_FIRST_MS * 2 ** (attempt - 1)),
    },
  );
  const { instance } = chosen;
  await context.client.createInstance(chosen.preview.instance as Record<string, unknown>, context.signal);
  context.logger.info(
    `placed ${modelId} as ${instance.instanceId} (${instance.kind}, ${instance.shardKind}, ${instance.nodeIds.length} node${instance.nodeIds.length === 1 ? '' : 's'})`,
  );
  const placed = await pollCluster(
    context,
    deadlineMs,
    `instance ${instance.instanceId} to appear`,
    async () => {
      const found = await context.client.instance(instance.instanceId, context.signal);
      return found === undefined
        ? { done: false, progress: 'not in the state yet' }
        : { done: true, value: readInstance(instance.instanceId, found) };
    },
    'EXO accepted the instance but never created it; its log says why.',
  );
  const mismatch = placed ? instanceMatchesPlan(placed, plan) : 'unreadable instance';
  const otherNodes =
    placed && placed.nodeIds.slice().sort().join() !== instance.nodeIds.slice().sort().join();
  if (!placed || mismatch || otherNodes) {
    throw new ClusterError(
      `EXO created instance ${instance.instanceId} of ${modelId} unlike the plan: ${mismatch ?? 'on other nodes than the preview named'}.`,
      'The cluster changed between the preview and the placement (a node joined or left); run again once it is stable.',
    );
  }
  return placed;
}

/** `download on studio-2 (5f0c9a1e): 45% of 730 MB at 52 MB/s, ETA 12s` */
export function describeDownload(view: ClusterView, download: DownloadView): string {
  const where = `download on ${nodeName(view, download.nodeId)}`;
  if (download.status === 'Failed') return `${where} failed: ${download.errorMessage ?? 'no message'}`;
  if (!download.totalBytes || download.downloadedBytes === undefined) return `${where} ${download.status}`;
  const percent = Math.floor((100 * download.downloadedBytes) / download.totalBytes);
  const megabytes = (bytes: number): string => `${formatGrouped(Math.round(bytes / 1e6), 0)} MB`;
  const speed =
    download.speedBytesPerSecond !== undefined && download.speedBytesPerSecond > 0
      ? ` at ${megabytes(download.speedBytesPerSecond)}/s`
      : '';
  const eta =
    download.etaMs !== undefined && download.etaMs > 0 ? `, ETA ${formatDuration(download.etaMs)}` : '';
  return `${where}: ${percent}% of ${megabytes(download.totalBytes)}${speed}${eta}`;
}

function describeLoading(view: ClusterView, instance: InstanceView): string {
  const parts: string[] = [];
  for (const runnerId of instance.runnerIds) {
    const runner = view.runners.get(runnerId);
    if (!runner) parts.push('runner not created');
    else if (runner.status === 'Loading' && runner.totalLayers)
      parts.push(`Loading ${runner.layersLoaded ?? 0}/${runner.totalLayers} layers`);
    else parts.push(runner.status);
  }
  const downloads = view.downloads.filter(
    (d) => d.modelId === instance.modelId && instance.nodeIds.includes(d.nodeId) && d.status !== 'Completed',
  );
  for (const download of downloads) parts.push(describeDownload(view, download));
  return `${instance.modelId}: ${parts.join(', ') || 'waiting'}`;
}

/** One model download, as the polls saw it. */
export interface DownloadTime {
  /** The model. */
  model_id: string;
  /**
   * Its size as the download reported it, bytes.
   * @asType integer
   * @minimum 0
   */
  bytes: number;
  /** From the first poll that saw it incomplete to the last, seconds. */
  seconds: number;
}

/**
 * Watches the downloads of the placed instances while runners load, so the results can report the time
 * spent downloading apart from the benchmark (a model already in the models dir counts 0 s).
 */
export class DownloadTracker {
  private readonly seen = new Map<string, { firstMs: number; lastIncompleteMs: number; bytes: number }>();

  observe(view: ClusterView, instanceIds: readonly string[], nowMs: number): void {
    for (const instanceId of instanceIds) {
      const instance = view.instances.get(instanceId);
      if (!instance) continue;
      for (const download of view.downloads) {
        if (download.modelId !== instance.modelId || !instance.nodeIds.includes(download.nodeId)) continue;
        const entry = this.seen.get(instance.modelId);
        const bytes = Math.max(entry?.bytes ?? 0, download.totalBytes ?? 0);
        if (download.status === 'Completed') {
          if (entry) entry.bytes = bytes;
          continue;
        }
        if (entry) Object.assign(entry, { lastIncompleteMs: nowMs, bytes });
        else this.seen.set(instance.modelId, { firstMs: nowMs, lastIncompleteMs: nowMs, bytes });
      }
    }
  }

  /** Models that had to be downloaded, with the time it took (to the last poll that saw them incomplete). */
  times(): DownloadTime[] {
    return [...this.seen].map(([modelId, entry]) => ({
      model_id: modelId,
      bytes: entry.bytes,
      seconds: Math.round((entry.lastIncompleteMs - entry.firstMs) / 10) / 100,
    }));
  }
}

/**
 * Waits until every runner of every instance is Ready or Running. A `RunnerFailed` is latched (EXO
 * overwrites it with the retry's RunnerIdle within a second) and becomes the error if the instance
 * then vanishes (EXO deletes it after 5 failed runner creations) or the deadline passes.
 */
export async function waitForInstancesReady(
  context: ClusterContext,
  instanceIds: string[],
  deadlineMs: number,
  downloads?: DownloadTracker,
): Promise<ClusterView> {
  const latchedFailures = new Map<string, string>();
  const resetsBefore = context.resetWatch?.resets.length ?? 0;
  try {
    return await pollCluster(
      context,
      deadlineMs,
      'runners to be ready',
      async () => {
        const view = await readView(context);
        downloads?.observe(view, instanceIds, context.clock.nowMs());
        const waiting: string[] = [];
        for (const instanceId of instanceIds) {
          const instance = view.instances.get(instanceId);
          if (!instance) {
            // Only a reset since the wait began took the instance (one while the cluster formed did not).
            if ((context.resetWatch?.resets.length ?? 0) > resetsBefore)
              throw (context.resetWatch as StateResetWatch).error(`instance ${instanceId}`);
            const failure = latchedFailures.get(instanceId);
            throw new ClusterError(
              `Instance ${instanceId} vanished while loading${failure ? `: runner failed: ${failure}` : ''}.`,
              failure
                ? 'EXO deleted the instance after its runners kept failing; the runner error above says why.'
                : 'EXO deleted the instance (a node may have left the cluster); check the EXO logs.',
            );
          }
          for (const runnerId of instance.runnerIds) {
            const runner = view.runners.get(runnerId);
            if (runner?.status === 'Failed') {
              latchedFailures.set(instanceId, runner.errorMessage ?? 'no message');
              context.logger.warning(
                `runner ${runnerId} of ${instance.modelId} failed: ${runner.errorMessage ?? ''}`,
              );
            }
          }
          if (!isInstanceReady(view, instance)) waiting.push(describeLoading(view, instance));
        }
        if (waiting.length === 0) return { done: true, value: view };
        return { done: false, progress: waiting.join('; ') };
      },
      'Loading took longer than timeout_seconds, which includes downloading models that are not in the models dir yet: raise it for a first run, pre-stage the models (the models-dir input, kept between runs), or check the runner logs.',
    );
  } catch (error) {
    if (error instanceof ClusterError && latchedFailures.size > 0 && !/runner failed/.test(error.message)) {
      const failures = [...latchedFailures.values()].join('; ');
      throw new ClusterError(`${error.message} Runner failure seen: ${failures}`, error.hint, {
        cause: error,
      });
    }
    throw error;
  }
}

/**
 * Secondary nodes: waits until the primary's instances exist (one per `model_ids` entry, repeats
 * counted) and are ready. Returns their IDs.
 */
export async function waitForModelInstancesReady(
  context: ClusterContext,
  modelIds: string[],
  deadlineMs: number,
): Promise<string[]> {
  const wanted = new Map<string, number>();
  for (const modelId of modelIds) wanted.set(modelId, (wanted.get(modelId) ?? 0) + 1);
  return pollCluster(
    context,
    deadlineMs,
    "the primary's instances",
    async () => {
      const view = await readView(context);
      const readyIds: string[] = [];
      const progress: string[] = [];
      for (const [modelId, count] of wanted) {
        const instances = [...view.instances.values()].filter((i) => i.modelId === modelId);
        const ready = instances.filter((i) => isInstanceReady(view, i));
        readyIds.push(...ready.map((i) => i.instanceId));
        progress.push(`${modelId} ${ready.length}/${count} ready (${instances.length} placed)`);
        if (ready.length < count) return { done: false, progress: progress.join('; ') };
      }
      return { done: true, value: readyIds };
    },
    'The primary never placed the models: check the primary job.',
  );
}

/**
 * How long draining and cleanup keep trying an API that refuses connections. Bring-up waits tolerate
 * unreachable nodes until their deadline (EXO may still be starting); at the end of a run a node that
 * stopped answering has died, and waiting a minute for it helps nobody.
 */
export const UNREACHABLE_GIVE_UP_MS = 5_000;

/** Waits until no `TextGeneration` task is Pending or Running anywhere in the cluster. */
export async function waitForQuiet(context: ClusterContext, deadlineMs: number): Promise<boolean> {
  try {
    await pollCluster(
      context,
      deadlineMs,
      'in-flight requests to drain',
      async () => {
        const tasks = await context.client.statePath('tasks', context.signal);
        const { total } = countInFlight(tasks ?? {});
        return total === 0 ? { done: true, value: true } : { done: false, progress: `${total} in flight` };
      },
      '',
      { maxUnreachableMs: UNREACHABLE_GIVE_UP_MS },
    );
    return true;
  } catch (error) {
    if (error instanceof ClusterError && /^(Timed out|Gave up)/.test(error.message)) {
      context.logger.warning(`${error.message} Continuing.`);
      return false;
    }
    throw error;
  }
}

/** Deletes instances and confirms each is gone (404). Returns the IDs that could not be confirmed. */
export async function deleteInstances(
  context: ClusterContext,
  instanceIds: string[],
  deadlineMs: number,
): Promise<string[]> {
  const remaining: string[] = [];
  for (const instanceId of instanceIds) {
    try {
      await context.client.deleteInstance(instanceId, context.signal);
      await pollCluster(
        context,
        deadlineMs,
        `instance ${instanceId} to be deleted`,
        async () =>
          (await context.client.instance(instanceId, context.signal)) === undefined
            ? { done: true, value: true }
            : { done: false, progress: 'still present' },
        'EXO accepted the deletion but kept the instance.',
        { maxUnreachableMs: UNREACHABLE_GIVE_UP_MS },
      );
      context.logger.info(`deleted instance ${instanceId}`);
    } catch (error) {
      context.logger.warning(
        `could not confirm deletion of instance ${instanceId}: ${error instanceof Error ? error.message : String(error)}`,
      );
      remaining.push(instanceId);
    }
  }
  return remaining;
}

/** What a secondary watches while it waits for the primary to finish. */
export interface InstancesGoneOptions {
  /**
   * Nodes of the cluster the run was started on. One of them leaving the topology means the run is
   * broken (EXO deletes the instances on a departed node) or the primary itself died: either way there
   * is nothing left to wait for, and saying so now beats reporting a pass or waiting for the deadline.
   */
  watchedNodeIds?: string[];
  /** Friendly names of the watched nodes, for the message. */
  nodeNames?: ReadonlyMap<string, string>;
  /**
   * Before this time the primary cannot have run all its stages (the wait's start plus the scheduled
   * load). Instances that vanish with a state reset earlier than that went with a master that died
   * mid-run; later, most likely with the primary's EXO stopping after its clean-up.
   */
  earliestFinishMs?: number;
}

/**
 * Secondary nodes: waits until the primary has deleted the given instances. Ends with a ClusterError
 * at the deadline, as soon as a watched node leaves the topology (checked before the instances, since
 * EXO deletes a departed node's instances and that must not read as the primary's clean-up), or once
 * this node's own API has been unreachable for UNREACHABLE_GIVE_UP_MS (its EXO died).
 */
export async function waitForInstancesGone(
  context: ClusterContext,
  instanceIds: string[],
  deadlineMs: number,
  options: InstancesGoneOptions = {},
): Promise<void> {
  const watched = options.watchedNodeIds ?? [];
  const resetsBefore = context.resetWatch?.resets.length ?? 0;
  await pollCluster(
    context,
    deadlineMs,
    'the primary to finish and delete its instances',
    async () => {
      const view = await readView(context);
      // An empty topology is a state this node cannot judge from (EXO restarting), not a departure.
      const gone = view.nodeIds.length === 0 ? [] : watched.filter((id) => !view.nodeIds.includes(id));
      if (gone.length > 0) {
        const names = gone.map((id) => {
          const name = options.nodeNames?.get(id);
          return name ? `${id} (${name})` : id;
        });
        throw new ClusterError(
          `Node${gone.length === 1 ? '' : 's'} ${names.join(', ')} left the cluster while the primary was running the stages; the run cannot finish as planned.`,
          "A node's EXO stopped or lost the network (if it was the primary's, the primary job died). Check that job and the EXO logs.",
        );
      }
      const left = instanceIds.filter((id) => view.instances.has(id));
      if (left.length < instanceIds.length && (context.resetWatch?.resets.length ?? 0) > resetsBefore) {
        // A reset empties the state, so the instances are gone either way. Before the stages could
        // have run, the master (the primary, usually) went away mid-run: say so.
        if (context.clock.nowMs() < (options.earliestFinishMs ?? -Infinity))
          throw (context.resetWatch as StateResetWatch).error("the primary's instances");
        // Later, it cannot be told from the reset that follows the primary's EXO stopping after its
        // clean-up (EXO elects a new master then too); the primary's own job reports a mid-run reset.
        context.logger.warning(
          "the primary's instances vanished with a reset of EXO's state (a master election); if the primary had not finished, its job reports the reset",
        );
        return { done: true, value: undefined };
      }
      return left.length === 0
        ? { done: true, value: undefined }
        : { done: false, progress: `${left.length} instance${left.length === 1 ? '' : 's'} still present` };
    },
    'The primary did not finish in time: check the primary job (it may have failed or still be running).',
    { maxUnreachableMs: UNREACHABLE_GIVE_UP_MS },
  );
}
