/**
 * The runner state machine of one instance (exo-api.md 4.9): Idle → (Connecting → Connected) →
 * downloads → Loading (memory taken layer by layer) → Loaded → WarmingUp → Ready, with the injected
 * crashes, back-off and the deletion after `maxRunnerCreations`.
 */
import type { RunnerFailureFault } from './faults.js';
import type { SimCluster, SimInstance } from './cluster.js';
import { Aborted, runDownloads, sleep } from './downloads.js';

/** Walks the runner state machine (exo-api.md 4.9), with retries after injected failures. */
export async function runLifecycle(cluster: SimCluster, inst: SimInstance): Promise<void> {
  const p = cluster.profile;
  const signal = inst.lifecycle.signal;
  try {
    await sleep(0, signal);
    for (;;) {
      inst.creations++;
      const failure = cluster.faults.takeRunnerFailure(inst.modelId);
      cluster.setRunners(inst, () => ({ RunnerIdle: {} }));
      for (const _ of inst.runnerIds) cluster.addBookkeepingTask('CreateRunner', inst, 'Complete');
      const downloaded = runDownloads(cluster, inst, signal);
      downloaded.catch(() => undefined);
      await sleep(p.runnerIdleMs, signal);
      if (inst.runnerIds.length > 1) {
        cluster.addBookkeepingTask('ConnectToGroup', inst, 'Complete');
        cluster.setRunners(inst, () => ({ RunnerConnecting: {} }));
        await sleep(p.runnerConnectMs, signal);
        cluster.setRunners(inst, () => ({ RunnerConnected: {} }));
        await sleep(p.runnerConnectMs, signal);
      }
      await downloaded;
      cluster.addBookkeepingTask('LoadModel', inst, 'Complete');
      const maxLayers = Math.max(1, ...inst.shardLayers);
      const failAt = failure
        ? Math.min(maxLayers, Math.max(0, failure.atLayer ?? Math.floor(maxLayers / 2)))
        : -1;
      for (let step = 0; step <= maxLayers; step++) {
        if (step === failAt) {
          await failRunners(cluster, inst, failure as RunnerFailureFault, signal);
          break;
        }
        cluster.setRunners(inst, (i) => {
          const total = inst.shardLayers[i] ?? 0;
          const loaded = Math.min(total, Math.round((step / maxLayers) * total));
          const want = total > 0 ? Math.floor((inst.shardBytes[i] ?? 0) * (loaded / total)) : 0;
          cluster.reserve(inst, i, want);
          return { RunnerLoading: { layersLoaded: loaded, totalLayers: total } };
        });
        if (step < maxLayers) await sleep(p.loadDurationMs / maxLayers, signal);
      }
      if (failAt >= 0) {
        if (inst.deleted) return;
        continue;
      }
      inst.shardBytes.forEach((bytes, i) => cluster.reserve(inst, i, bytes));
      cluster.setRunners(inst, () => ({ RunnerLoaded: {} }));
      await sleep(p.runnerLoadedMs, signal);
      cluster.addBookkeepingTask('StartWarmup', inst, 'Complete');
      cluster.setRunners(inst, () => ({ RunnerWarmingUp: {} }));
      await sleep(p.warmupMs, signal);
      cluster.setRunners(inst, () => ({ RunnerReady: { prefillServerPort: null } }));
      inst.engine.setReady(true);
      return;
    }
  } catch (error) {
    if (!(error instanceof Aborted)) throw error;
  }
}

/** RunnerFailed (latched for the back-off), then either retry or delete the instance. */
async function failRunners(
  cluster: SimCluster,
  inst: SimInstance,
  failure: RunnerFailureFault,
  signal: AbortSignal,
): Promise<void> {
  const p = cluster.profile;
  const message = failure.errorMessage ?? 'Terminated (exitcode=1)\nRunner error: simulated failure';
  cluster.setRunners(inst, () => ({ RunnerFailed: { errorMessage: message, diagnostics: [] } }));
  inst.reservedBytes.forEach((_b, i) => cluster.reserve(inst, i, 0));
  for (const seq of inst.engine.all()) {
    if (seq.state === 'prefill' || seq.state === 'decode') {
      inst.engine.remove(seq);
      seq.sink.errorChunk(seq, message.split('\n')[0] ?? message);
    }
  }
  if (inst.creations >= p.maxRunnerCreations) {
    // EXO's worker deletes the instance after 5 creations; the failure stays visible briefly.
    await sleep(Math.min(p.retryBackoffBaseMs, 500), signal);
    cluster.deleteInstance(inst.id, 0);
    return;
  }
  const backoff = Math.min(p.retryBackoffCapMs, p.retryBackoffBaseMs * 2 ** (inst.creations - 1));
  await sleep(backoff, signal);
}
