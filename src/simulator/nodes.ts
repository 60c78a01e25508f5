/**
 * Node processes starting and stopping (exo-api.md 1.3, 12.2, 12.3): a start joins the topology
 * (links then form per topology.ts) and starts an election; a stop darkens the API at once and the
 * topology forgets the node after its silence; a new master starts from an empty state.
 */
import type { NodeStartOptions, SimCluster, SimNode } from './cluster.js';
import { findModelOnDisk, wholeModelShard } from './downloads.js';
import { FORCED_MASTER_SENIORITY } from './election.js';
import { nowMs } from './random.js';

/**
 * The node's process stops now: its API stops answering, it leaves elections (one starts), and it
 * leaves the topology (instances using it deleted) after `removalDelayMs` of silence.
 */
export function killNode(cluster: SimCluster, index: number, removalDelayMs = 0): void {
  const node = cluster.nodes[index];
  if (!node || !node.alive) return;
  node.alive = false;
  const downAt = nowMs();
  node.downAtMs = downAt;
  cluster.onNodeDeath(node);
  if (!node.isolated) cluster.election.trigger();
  const remove = (): void => {
    // A node that came back meanwhile stays.
    if (node.alive || node.downAtMs !== downAt || !node.inTopology) return;
    node.inTopology = false;
    cluster.downloads.delete(node.id);
    for (const inst of [...cluster.instances.values()]) {
      if (inst.nodeIds.includes(node.id)) cluster.deleteInstance(inst.id, 0);
    }
    cluster.bump();
  };
  if (removalDelayMs > 0) cluster.later(removalDelayMs, remove);
  else remove();
}

/**
 * `POST /_simulator/nodes/{i}/start`: the node's process starts. Its API answers (the caller listens),
 * it joins the topology (links form per topology.ts) unless its namespace differs from the running
 * nodes', and an election starts. A restarted process is a new one: seniority and commands reset.
 */
export async function startNode(
  cluster: SimCluster,
  index: number,
  options: NodeStartOptions = {},
): Promise<SimNode | null> {
  const node = cluster.nodes[index];
  if (!node) return null;
  if (node.alive) return node;
  const namespace = options.namespace ?? 'default';
  const others = cluster.nodes.filter((n) => n !== node && n.alive && !n.isolated);
  node.isolated = others.length > 0 && others.some((n) => n.namespace !== namespace);
  node.namespace = namespace;
  node.forceMaster = options.forceMaster ?? false;
  node.seniority = node.forceMaster ? FORCED_MASTER_SENIORITY : 1;
  node.commandsSeen = 0;
  node.startedSeq = cluster.nextStartSeq();
  if (options.writableModelsDirs) node.writableModelsDirs = [...options.writableModelsDirs];
  if (options.readOnlyModelsDirs) node.readOnlyModelsDirs = [...options.readOnlyModelsDirs];
  const now = nowMs();
  node.upAtMs = now;
  node.downAtMs = null;
  node.lastSeenMs = now;
  node.alive = true;
  await cluster.onNodeStart(node);
  if (!node.isolated) {
    node.inTopology = true;
    if (!cluster.downloads.has(node.id)) cluster.downloads.set(node.id, new Map());
    reportModelsFound(cluster, node);
    cluster.election.trigger();
  }
  cluster.bump();
  return node;
}

/** Models found in the node's models dirs are `DownloadCompleted` from its start (exo-api.md 12.3). */
export function reportModelsFound(cluster: SimCluster, node: SimNode): void {
  const perNode = cluster.downloads.get(node.id);
  if (!perNode) return;
  for (const spec of cluster.catalogue.values()) {
    const found = findModelOnDisk(node, spec.modelId);
    if (!found) continue;
    perNode.set(spec.modelId, {
      DownloadCompleted: {
        nodeId: node.id,
        shardMetadata: wholeModelShard(cluster.modelCard(spec), spec),
        modelDirectory: found.directory,
        total: { inBytes: spec.storageSizeBytes },
        readOnly: found.readOnly,
      },
    });
  }
}

/**
 * A new master starts from an empty state (exo-api.md 12.2): instances, runners and tasks are gone,
 * open streams of the deleted instances end without `[DONE]`, and the event index restarts low.
 */
export function resetState(cluster: SimCluster): void {
  for (const inst of [...cluster.instances.values()]) {
    inst.deleted = true;
    inst.lifecycle.abort();
    for (const seq of inst.engine.all()) {
      inst.engine.remove(seq);
      inst.inFlight.delete(seq);
      seq.task = null;
      seq.sink.abort(seq, 'deleted');
    }
    inst.engine.stop();
    inst.reservedBytes.forEach((_b, i) => cluster.reserve(inst, i, 0));
  }
  cluster.instances.clear();
  cluster.runners.clear();
  cluster.tasks.clear();
  cluster.eventIdx = cluster.liveNodes().length;
}
