/**
 * Bringing a cluster up and down for a benchmark: waiting for nodes, placing instances, waiting for
 * runners, waiting for quiet, deleting. Every wait has a deadline, reports progress, and stops on abort.
 * Recipes follow exo-api.md §2.3 and §4.
 */
import type { InstanceMeta, Sharding } from '../config/types.js';
import { ClusterError } from '../errors.js';
import type { Logger } from '../ports.js';
import { formatDuration, throwIfAborted, type Clock } from '../util/clock.js';
import { ExoConnectionError, type ExoClient, type InstancePreview } from './client.js';
import {
  countInFlight,
  isInstanceReady,
  readClusterView,
  readInstance,
  type ClusterView,
  type InstanceView,
} from './state.js';

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
}

/**
 * Polls `probe` until it returns a value or the deadline passes. Connection errors are retried (a node
 * that is still starting refuses connections); other errors end the wait at once.
 */
async function pollUntil<T>(
  context: ClusterContext,
  deadlineMs: number,
  what: string,
  probe: () => Promise<{ done: true; value: T } | { done: false; progress: string }>,
  timeoutHint: string,
  /** Give up once the API has been unreachable this long (a node that died is not coming back). */
  maxUnreachableMs = Infinity,
): Promise<T> {
  const startedMs = context.clock.nowMs();
  let lastProgressMs = -Infinity;
  let lastProgress = '';
  let lastConnectionError: ExoConnectionError | undefined;
  let unreachableSinceMs: number | undefined;
  for (;;) {
    throwIfAborted(context.signal);
    try {
      const outcome = await probe();
      lastConnectionError = undefined;
      unreachableSinceMs = undefined;
      if (outcome.done) return outcome.value;
      lastProgress = outcome.progress;
    } catch (error) {
      if (!(error instanceof ExoConnectionError)) throw error;
      lastConnectionError = error;
      lastProgress = `API unreachable: ${error.message}`;
      unreachableSinceMs ??= context.clock.nowMs();
      if (context.clock.nowMs() - unreachableSinceMs >= maxUnreachableMs) {
        throw new ClusterError(
          `Gave up waiting for ${what}: the EXO API has been unreachable for ${formatDuration(maxUnreachableMs)} (${error.message}).`,
          'The node stopped answering; check that EXO is still running.',
          { cause: error },
        );
      }
    }
    const nowMs = context.clock.nowMs();
    if (nowMs - lastProgressMs >= context.progressIntervalMs) {
      context.logger.info(`${what}: ${lastProgress}, ${formatDuration(nowMs - startedMs)}`);
      lastProgressMs = nowMs;
    }
    if (nowMs >= deadlineMs) {
      throw new ClusterError(
        `Timed out after ${formatDuration(nowMs - startedMs)} waiting for ${what} (${lastProgress}).`,
        lastConnectionError
          ? 'The EXO API never answered: check that EXO started and listens on that port.'
          : timeoutHint,
        { cause: lastConnectionError },
      );
    }
    await context.clock.sleep(
      Math.min(context.pollIntervalMs, Math.max(0, deadlineMs - nowMs)),
      context.signal,
    );
  }
}

/** Reads the whole state as a view. */
export async function readView(context: ClusterContext): Promise<ClusterView> {
  return readClusterView(await context.client.state(context.signal));
}

/** Waits until this node's API answers `/node_id`; returns the node's ID. */
export async function waitForApi(context: ClusterContext, deadlineMs: number): Promise<string> {
  return pollUntil(
    context,
    deadlineMs,
    'the EXO API',
    async () => ({ done: true, value: await context.client.nodeId(context.signal) }),
    'Check that EXO started.',
  );
}

/**
 * Waits until the topology has `expectedNodes` nodes and every one of them reports memory (placement
 * needs both). Progress: `nodes 2/4, 38s`.
 */
export async function waitForNodes(
  context: ClusterContext,
  expectedNodes: number,
  deadlineMs: number,
): Promise<ClusterView> {
  return pollUntil(
    context,
    deadlineMs,
    'cluster nodes',
    async () => {
      const view = await readView(context);
      const withMemory = view.nodeIds.filter((nodeId) => view.memory.has(nodeId)).length;
      if (view.nodeIds.length >= expectedNodes && withMemory >= expectedNodes)
        return { done: true, value: view };
      return {
        done: false,
        progress: `nodes ${view.nodeIds.length}/${expectedNodes}${withMemory < view.nodeIds.length ? ` (${withMemory} reporting memory)` : ''}`,
      };
    },
    'Not every node joined: check that all matrix jobs started, share the namespace and API port, and can reach each other.',
  );
}

function instanceNodeCount(preview: InstancePreview): number {
  if (!preview.instance) return 0;
  return readInstance('', preview.instance)?.nodeIds.length ?? 0;
}

/**
 * Chooses a placement from EXO's previews: the requested sharding and instance kind, using as many
 * nodes as possible (a benchmark of an N-node cluster should exercise all N). Labels can disagree with
 * the instance (a 1-node "Tensor" preview holds a Pipeline instance), which is fine: EXO made it so.
 */
export function choosePreview(
  previews: InstancePreview[],
  sharding: Sharding,
  instanceMeta: InstanceMeta,
): { preview: InstancePreview } | { error: string } {
  const matching = previews.filter((p) => p.sharding === sharding && p.instance_meta === instanceMeta);
  const usable = matching.filter((p) => p.instance !== null && !p.error);
  if (usable.length > 0) {
    usable.sort((a, b) => instanceNodeCount(b) - instanceNodeCount(a));
    return { preview: usable[0] as InstancePreview };
  }
  const reasons = [...new Set(matching.map((p) => p.error).filter((e): e is string => Boolean(e)))];
  if (previews.length === 0) return { error: 'EXO offered no placement at all (is the topology empty?)' };
  if (reasons.length === 0) return { error: `EXO offered no ${sharding}/${instanceMeta} placement` };
  return { error: reasons.join('; ') };
}

/**
 * Places one instance of `modelId`: picks a preview, posts it with `POST /instance` (so its ID is
 * known), and waits until it shows in the state. Returns the new instance's ID.
 */
export async function placeInstance(
  context: ClusterContext,
  modelId: string,
  sharding: Sharding,
  instanceMeta: InstanceMeta,
  deadlineMs: number,
): Promise<string> {
  const previews = await context.client.previews(modelId, context.signal);
  const choice = choosePreview(previews, sharding, instanceMeta);
  if ('error' in choice) {
    throw new ClusterError(
      `Cannot place ${modelId} (${sharding}, ${instanceMeta}): ${choice.error}`,
      'Check the model ID, the free memory of the nodes (OVERRIDE_MEMORY_MB), and sharding/instance_meta in the config.',
    );
  }
  const instance = choice.preview.instance as Record<string, unknown>;
  const view = readInstance('', instance);
  if (!view || !view.instanceId) throw new ClusterError(`EXO's preview for ${modelId} holds no instance ID`);
  await context.client.createInstance(instance, context.signal);
  context.logger.info(
    `placed ${modelId} as ${view.instanceId} (${view.kind}, ${view.shardKind}, ${view.nodeIds.length} node${view.nodeIds.length === 1 ? '' : 's'})`,
  );
  await pollUntil(
    context,
    deadlineMs,
    `instance ${view.instanceId} to appear`,
    async () => {
      const found = await context.client.instance(view.instanceId, context.signal);
      return found === undefined
        ? { done: false, progress: 'not in the state yet' }
        : { done: true, value: true };
    },
    'EXO accepted the instance but never created it; its log says why.',
  );
  return view.instanceId;
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
  for (const download of downloads) {
    if (download.totalBytes && download.downloadedBytes !== undefined) {
      const percent = Math.floor((100 * download.downloadedBytes) / download.totalBytes);
      parts.push(`download ${percent}%`);
    } else parts.push(`download ${download.status}`);
  }
  return `${instance.modelId}: ${parts.join(', ') || 'waiting'}`;
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
): Promise<ClusterView> {
  const latchedFailures = new Map<string, string>();
  try {
    return await pollUntil(
      context,
      deadlineMs,
      'runners to be ready',
      async () => {
        const view = await readView(context);
        const waiting: string[] = [];
        for (const instanceId of instanceIds) {
          const instance = view.instances.get(instanceId);
          if (!instance) {
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
      'Loading took longer than timeout_seconds: raise it, or check the download and the runner logs.',
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
  return pollUntil(
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
    await pollUntil(
      context,
      deadlineMs,
      'in-flight requests to drain',
      async () => {
        const tasks = await context.client.statePath('tasks', context.signal);
        const { total } = countInFlight(tasks ?? {});
        return total === 0 ? { done: true, value: true } : { done: false, progress: `${total} in flight` };
      },
      '',
      UNREACHABLE_GIVE_UP_MS,
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
      await pollUntil(
        context,
        deadlineMs,
        `instance ${instanceId} to be deleted`,
        async () =>
          (await context.client.instance(instanceId, context.signal)) === undefined
            ? { done: true, value: true }
            : { done: false, progress: 'still present' },
        'EXO accepted the deletion but kept the instance.',
        UNREACHABLE_GIVE_UP_MS,
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
  await pollUntil(
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
      return left.length === 0
        ? { done: true, value: undefined }
        : { done: false, progress: `${left.length} instance${left.length === 1 ? '' : 's'} still present` };
    },
    'The primary did not finish in time: check the primary job (it may have failed or still be running).',
    UNREACHABLE_GIVE_UP_MS,
  );
}
