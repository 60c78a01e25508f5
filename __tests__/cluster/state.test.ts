import { countInFlight, isInstanceReady, readClusterView, readInstance } from '../../src/cluster/state.js';
import { choosePreview } from '../../src/cluster/orchestrate.js';
import type { InstancePreview } from '../../src/cluster/client.js';

const NODE_A = '5f0c9a1e2b3d4c5e6f708192a3b4c5d6';
const NODE_B = '0a1b2c3d4e5f60718293a4b5c6d7e8f9';
const INSTANCE = '0b6e9a8e-6d1f-4c1e-9d1a-2f1f6c0f9a11';
const RUNNER = 'c2a71b9e-0d4b-4f3e-8a51-6f6b2d9e1c30';
const MODEL = 'mlx-community/Llama-3.2-1B-Instruct-4bit';

/** An instance as exo-api.md §4.1 shows it. */
const instanceJson = {
  MlxRingInstance: {
    instanceId: INSTANCE,
    shardAssignments: {
      modelId: MODEL,
      runnerToShard: {
        [RUNNER]: {
          PipelineShardMetadata: { deviceRank: 0, worldSize: 1, startLayer: 0, endLayer: 16, nLayers: 16 },
        },
      },
      nodeToRunner: { [NODE_A]: RUNNER },
    },
    hostsByNode: { [NODE_A]: [{ ip: '0.0.0.0', port: 53817 }] },
    ephemeralPort: 53817,
  },
};

/** A current-era state (§2.2), trimmed to what matters. */
const state = {
  instances: { [INSTANCE]: instanceJson },
  runners: { [RUNNER]: { RunnerLoading: { layersLoaded: 7, totalLayers: 16 } } },
  downloads: {
    [NODE_A]: [
      {
        DownloadOngoing: {
          nodeId: NODE_A,
          shardMetadata: { PipelineShardMetadata: { modelCard: { modelId: MODEL } } },
          downloadProgress: { total: { inBytes: 729808896 }, downloaded: { inBytes: 104857600 } },
        },
      },
    ],
  },
  tasks: {
    t1: { TextGeneration: { taskId: 't1', taskStatus: 'Pending', instanceId: INSTANCE } },
    t2: { TextGeneration: { taskId: 't2', taskStatus: 'Running', instanceId: INSTANCE } },
    t3: { TextGeneration: { taskId: 't3', taskStatus: 'Complete', instanceId: INSTANCE } },
    t4: { DownloadModel: { taskId: 't4', taskStatus: 'Running', instanceId: INSTANCE } },
  },
  topology: { nodes: [NODE_A, NODE_B], connections: {} },
  nodeIdentities: { [NODE_A]: { modelId: 'Mac16,9', chipId: 'Apple M4 Max', friendlyName: 'studio-1' } },
  nodeMemory: {
    [NODE_A]: { ramTotal: { inBytes: 137438953472 }, ramAvailable: { inBytes: 120259084288 } },
    [NODE_B]: { ramTotal: { inBytes: 68719476736 }, ramAvailable: { inBytes: 60000000000 } },
  },
};

describe('readClusterView (current API)', () => {
  const view = readClusterView(state);

  it('reads nodes, memory and identities', () => {
    expect(view.nodeIds).toEqual([NODE_A, NODE_B]);
    expect(view.memory.get(NODE_A)).toEqual({ totalBytes: 137438953472, availableBytes: 120259084288 });
    expect(view.identities.get(NODE_A)).toEqual({
      chip: 'Apple M4 Max',
      friendlyName: 'studio-1',
      model: 'Mac16,9',
    });
  });

  it('reads instances with their runners and nodes', () => {
    expect(view.instances.get(INSTANCE)).toEqual({
      instanceId: INSTANCE,
      modelId: MODEL,
      kind: 'MlxRingInstance',
      runnerIds: [RUNNER],
      nodeIds: [NODE_A],
      shardKind: 'PipelineShardMetadata',
    });
  });

  it('reads runner loading progress and download progress', () => {
    expect(view.runners.get(RUNNER)).toEqual({ status: 'Loading', layersLoaded: 7, totalLayers: 16 });
    expect(view.downloads).toEqual([
      {
        nodeId: NODE_A,
        modelId: MODEL,
        status: 'Ongoing',
        downloadedBytes: 104857600,
        totalBytes: 729808896,
      },
    ]);
  });

  it('counts only Pending and Running TextGeneration tasks as in flight', () => {
    expect(view.inFlightTotal).toBe(2);
    expect(view.inFlightByInstance.get(INSTANCE)).toBe(2);
  });

  it('is ready only when every runner is Ready or Running', () => {
    const instance = view.instances.get(INSTANCE)!;
    expect(isInstanceReady(view, instance)).toBe(false);
    for (const status of ['RunnerReady', 'RunnerRunning']) {
      const ready = readClusterView({ ...state, runners: { [RUNNER]: { [status]: {} } } });
      expect(isInstanceReady(ready, instance)).toBe(true);
    }
    const failed = readClusterView({
      ...state,
      runners: { [RUNNER]: { RunnerFailed: { errorMessage: 'boom' } } },
    });
    expect(failed.runners.get(RUNNER)).toEqual({ status: 'Failed', errorMessage: 'boom' });
  });
});

describe('readClusterView (older API, read only)', () => {
  it('reads nodeProfiles memory and object topology nodes', () => {
    const view = readClusterView({
      topology: { nodes: [{ nodeId: '12D3KooWabc', nodeProfile: {} }], connections: [] },
      nodeProfiles: {
        '12D3KooWabc': {
          chipId: 'Apple M3 Ultra',
          friendlyName: 'm3',
          modelId: 'Mac15,14',
          memory: { ramTotal: { inBytes: 100 }, ramAvailable: { inBytes: 40 } },
        },
      },
      tasks: { t: { ChatCompletion: { taskStatus: 'Running', instanceId: 'i' } } },
    });
    expect(view.nodeIds).toEqual(['12D3KooWabc']);
    expect(view.memory.get('12D3KooWabc')).toEqual({ totalBytes: 100, availableBytes: 40 });
    expect(view.identities.get('12D3KooWabc')?.chip).toBe('Apple M3 Ultra');
    expect(view.inFlightTotal).toBe(1);
  });

  it('treats anything unexpected as empty instead of throwing', () => {
    for (const junk of [
      null,
      42,
      'x',
      [],
      { topology: 'x', instances: [1], runners: { r: 'x' }, tasks: 5 },
    ]) {
      const view = readClusterView(junk);
      expect(view.nodeIds).toEqual([]);
      expect(view.instances.size).toBe(0);
    }
    expect(countInFlight(undefined).total).toBe(0);
  });

  it('reads snake_case instances as sent inside SSE messages', () => {
    const view = readInstance('x', {
      MlxRingInstance: {
        instance_id: 'abc',
        shard_assignments: { model_id: MODEL, runner_to_shard: { r: {} }, node_to_runner: { n: 'r' } },
      },
    });
    expect(view).toMatchObject({ instanceId: 'abc', modelId: MODEL, runnerIds: ['r'], nodeIds: ['n'] });
  });
});

describe('choosePreview', () => {
  const preview = (
    sharding: string,
    meta: string,
    nodes: string[],
    error: string | null = null,
  ): InstancePreview => ({
    model_id: MODEL,
    sharding,
    instance_meta: meta,
    instance: error
      ? null
      : {
          MlxRingInstance: {
            instanceId: `i-${nodes.length}`,
            shardAssignments: {
              modelId: MODEL,
              runnerToShard: {},
              nodeToRunner: Object.fromEntries(nodes.map((n) => [n, 'r'])),
            },
          },
        },
    memory_delta_by_node: null,
    error,
  });

  it('takes the requested kind that uses the most nodes', () => {
    const chosen = choosePreview(
      [
        preview('Pipeline', 'MlxRing', [NODE_A]),
        preview('Pipeline', 'MlxRing', [NODE_A, NODE_B]),
        preview('Tensor', 'MlxRing', [NODE_A, NODE_B]),
      ],
      'Pipeline',
      'MlxRing',
    );
    expect('preview' in chosen && chosen.preview.instance).toEqual(
      preview('Pipeline', 'MlxRing', [NODE_A, NODE_B]).instance,
    );
  });

  it("returns EXO's own reason when no preview of that kind is possible", () => {
    const chosen = choosePreview(
      [
        preview(
          'Pipeline',
          'MlxJaccl',
          [],
          'Requested RDMA (MlxJaccl) but no RDMA-connected cycles available',
        ),
        preview('Pipeline', 'MlxRing', [NODE_A]),
      ],
      'Pipeline',
      'MlxJaccl',
    );
    expect(chosen).toEqual({ error: 'Requested RDMA (MlxJaccl) but no RDMA-connected cycles available' });
  });

  it('says so when EXO offers nothing at all', () => {
    expect(choosePreview([], 'Pipeline', 'MlxRing')).toEqual({
      error: 'EXO offered no placement at all (is the topology empty?)',
    });
  });
});
