/**
 * Model downloads (exo-api.md 2.3, 4.9, 12.3): per node, `DownloadPending` → `DownloadOngoing` →
 * `DownloadCompleted` at the profile's rate, and the models dirs that make a second run download
 * nothing: a completed download leaves `<dir>/<org>--<name>/config.json` in the node's writable models
 * dir (`EXO_DEFAULT_MODELS_DIR`), and a model found in a writable or read-only dir
 * (`EXO_MODELS_READ_ONLY_DIRS`) is `DownloadCompleted` as soon as the node starts.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelSpec, SimInstance, SimNode } from './cluster.js';
import type { SimulatorProfile } from './profile.js';
import { nowMs } from './random.js';

type Json = Record<string, unknown>;

/** The folder name of a model in a models dir, as EXO's downloader names it (`org--name`). */
export function modelFolderName(modelId: string): string {
  return modelId.replaceAll('/', '--');
}

/** Where a model is on a node's disk: its folder and whether the dir is read-only; null if absent. */
export function findModelOnDisk(
  node: SimNode,
  modelId: string,
): { directory: string; readOnly: boolean } | null {
  const folder = modelFolderName(modelId);
  for (const dir of node.writableModelsDirs) {
    const directory = join(dir, folder);
    if (existsSync(join(directory, 'config.json'))) return { directory, readOnly: false };
  }
  for (const dir of node.readOnlyModelsDirs) {
    const directory = join(dir, folder);
    if (existsSync(join(directory, 'config.json'))) return { directory, readOnly: true };
  }
  return null;
}

/** Writes the marker of a completed download into the node's first writable models dir. */
export function writeModelMarker(node: SimNode, spec: ModelSpec): string | null {
  const dir = node.writableModelsDirs[0];
  if (dir === undefined) return null;
  const directory = join(dir, modelFolderName(spec.modelId));
  try {
    mkdirSync(directory, { recursive: true });
    const config = {
      model_type: spec.family,
      num_hidden_layers: spec.nLayers,
      hidden_size: spec.hiddenSize,
      num_key_value_heads: spec.numKeyValueHeads,
      simulated: 'exo-bench simulator: a marker of a completed download, not model weights',
    };
    writeFileSync(join(directory, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
    return directory;
  } catch {
    return null; // An unwritable dir only costs the next run a download, as in EXO.
  }
}

/** The directory `/state` shows for a model that is not on disk yet. */
export function defaultModelDirectory(node: SimNode, modelId: string): string {
  const dir = node.writableModelsDirs[0] ?? '/Users/sim/.exo/models';
  return join(dir, modelFolderName(modelId));
}

/** The shard of a whole model on one node (the `shardMetadata` of a download found at start). */
export function wholeModelShard(card: Json, spec: ModelSpec): Json {
  return {
    PipelineShardMetadata: {
      modelCard: card,
      deviceRank: 0,
      worldSize: 1,
      immediateException: false,
      shouldTimeout: null,
      startLayer: 0,
      endLayer: spec.nLayers,
      nLayers: spec.nLayers,
    },
  };
}

/** What the download logic needs from the cluster. */
export interface DownloadHost {
  readonly profile: SimulatorProfile;
  readonly downloads: Map<string, Map<string, Json>>;
  nodeById(id: string): SimNode | undefined;
  addBookkeepingTask(tag: string, inst: SimInstance, status: string): Json;
  bump(): void;
}

/** Rejection of an aborted {@link sleep}. */
export class Aborted extends Error {}

/** setTimeout as a promise that rejects with {@link Aborted} when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new Aborted());
    const timer = setTimeout(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new Aborted());
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Download entries per node of the instance; resolves when every node has the model (never, for a
 * node that left). Rejects with an abort error when `signal` aborts.
 */
export function runDownloads(host: DownloadHost, inst: SimInstance, signal: AbortSignal): Promise<void> {
  const p = host.profile;
  const total = inst.card.storageSizeBytes;
  const waits = inst.nodeIds.map(async (nodeId, i) => {
    const node = host.nodeById(nodeId);
    const perNode = host.downloads.get(nodeId);
    if (!node || !perNode) return new Promise<void>(() => undefined);
    const found = node.modelsOnDisk.has(inst.modelId) ? null : findModelOnDisk(node, inst.modelId);
    const common = (directory: string): Json => ({
      nodeId,
      shardMetadata: inst.shards[i],
      modelDirectory: directory,
    });
    if (node.modelsOnDisk.has(inst.modelId) || found) {
      const previous = perNode.get(inst.modelId)?.DownloadCompleted as Json | undefined;
      const directory = found?.directory ?? (previous?.modelDirectory as string | undefined);
      perNode.set(inst.modelId, {
        DownloadCompleted: {
          ...common(directory ?? defaultModelDirectory(node, inst.modelId)),
          total: { inBytes: total },
          readOnly: found?.readOnly ?? (previous?.readOnly as boolean | undefined) ?? false,
        },
      });
      host.addBookkeepingTask('DownloadModel', inst, 'Complete');
      host.bump();
      return;
    }
    const directory = defaultModelDirectory(node, inst.modelId);
    const task = host.addBookkeepingTask('DownloadModel', inst, 'Pending');
    perNode.set(inst.modelId, {
      DownloadPending: { ...common(directory), downloaded: { inBytes: 0 }, total: { inBytes: total } },
    });
    host.bump();
    await sleep(p.runnerIdleMs / 2, signal);
    task.taskStatus = 'Running';
    const durationMs = (total / p.downloadBytesPerSecond) * 1000;
    const started = nowMs();
    for (;;) {
      const elapsed = nowMs() - started;
      const done = Math.min(total, Math.floor((elapsed / Math.max(1, durationMs)) * total));
      if (done >= total) break;
      perNode.set(inst.modelId, {
        DownloadOngoing: {
          ...common(directory),
          downloadProgress: {
            total: { inBytes: total },
            downloaded: { inBytes: done },
            downloadedThisSession: { inBytes: done },
            completedFiles: Math.floor((done / total) * 7),
            totalFiles: 7,
            speed: p.downloadBytesPerSecond,
            etaMs: Math.round(durationMs - elapsed),
            files: {},
          },
        },
      });
      host.bump();
      await sleep(Math.min(250, durationMs / 4), signal);
    }
    // A real DownloadModel task stays Running forever after a download (exo-api.md 2.3).
    node.modelsOnDisk.add(inst.modelId);
    const written = writeModelMarker(node, inst.card);
    perNode.set(inst.modelId, {
      DownloadCompleted: { ...common(written ?? directory), total: { inBytes: total }, readOnly: false },
    });
    host.bump();
  });
  return Promise.all(waits).then(() => undefined);
}
