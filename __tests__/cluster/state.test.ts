import {
  countInFlight,
  findCycle,
  isInstanceReady,
  readClusterView,
  readInstance,
} from '../../src/cluster/state.js';
import {
  choosePreview,
  describeDownload,
  DownloadTracker,
  instanceMatchesPlan,
  judgeSettlement,
  StateResetWatch,
} from '../../src/cluster/orchestrate.js';
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

/** A preview as EXO's `/instance/previews` lists it, with a real instance across `nodes`. */
function preview(
  sharding: string,
  meta: string,
  nodes: string[],
  error: string | null = null,
  placed: { sharding: string; meta: string } = { sharding, meta },
): InstancePreview {
  return {
    model_id: MODEL,
    sharding,
    instance_meta: meta,
    instance: error
      ? null
      : {
          [`${placed.meta}Instance`]: {
            instanceId: `i-${placed.sharding}-${placed.meta}-${nodes.length}`,
            shardAssignments: {
              modelId: MODEL,
              runnerToShard: Object.fromEntries(
                nodes.map((_n, i) => [`r${i}`, { [`${placed.sharding}ShardMetadata`]: { deviceRank: i } }]),
              ),
              nodeToRunner: Object.fromEntries(nodes.map((n, i) => [n, `r${i}`])),
            },
          },
        },
    memory_delta_by_node: null,
    error,
  };
}

const NODE_C = 'c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0';
const NODE_D = 'd0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0';

describe('choosePreview', () => {
  const ring2 = { sharding: 'Pipeline' as const, instanceMeta: 'MlxRing' as const, nodeCount: 2 };

  it('takes the preview that spans exactly the planned nodes with the asked kind', () => {
    const chosen = choosePreview(
      [
        preview('Pipeline', 'MlxRing', [NODE_A]),
        preview('Pipeline', 'MlxRing', [NODE_A, NODE_B]),
        preview('Tensor', 'MlxRing', [NODE_A, NODE_B]),
      ],
      ring2,
    );
    expect('preview' in chosen && chosen.preview.instance).toEqual(
      preview('Pipeline', 'MlxRing', [NODE_A, NODE_B]).instance,
    );
    expect('instance' in chosen && chosen.instance.nodeIds).toEqual([NODE_A, NODE_B]);
  });

  it('never takes fewer nodes than planned, even when that is all EXO offers (links still forming)', () => {
    // What EXO answers in the first seconds after the nodes appear (exo-api.md §12.1).
    const chosen = choosePreview(
      [
        preview('Pipeline', 'MlxRing', [NODE_A]),
        preview('Pipeline', 'MlxRing', [], 'No cycles found with sufficient memory'),
        preview('Tensor', 'MlxRing', [NODE_A], null, { sharding: 'Pipeline', meta: 'MlxRing' }),
      ],
      { ...ring2, nodeCount: 4 },
    );
    expect(chosen).toEqual({
      error:
        'no Pipeline/MlxRing placement across 4 nodes (EXO offers placements on 1 node at most): No cycles found with sufficient memory',
    });
  });

  it("trusts the instance's own tags over the preview's labels", () => {
    // A multi-node preview labelled Tensor whose instance is Pipeline is not a Tensor placement.
    const mislabelled = preview('Tensor', 'MlxRing', [NODE_A, NODE_B], null, {
      sharding: 'Pipeline',
      meta: 'MlxRing',
    });
    expect('error' in choosePreview([mislabelled], { ...ring2, sharding: 'Tensor' })).toBe(true);
    // One node is always Pipeline + MlxRing, whatever was asked: that is accepted for a 1-node plan.
    const single = preview('Tensor', 'MlxJaccl', [NODE_A], null, { sharding: 'Pipeline', meta: 'MlxRing' });
    const chosen = choosePreview([single], { sharding: 'Tensor', instanceMeta: 'MlxJaccl', nodeCount: 1 });
    expect('instance' in chosen && chosen.instance.shardKind).toBe('PipelineShardMetadata');
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
      { sharding: 'Pipeline', instanceMeta: 'MlxJaccl', nodeCount: 2 },
    );
    expect(chosen).toEqual({
      error:
        'no Pipeline/MlxJaccl placement across 2 nodes: Requested RDMA (MlxJaccl) but no RDMA-connected cycles available',
    });
  });

  it('says so when EXO offers nothing at all', () => {
    expect(choosePreview([], ring2)).toEqual({
      error: 'EXO offered no placement at all (is the topology empty?)',
    });
  });
});

describe('instanceMatchesPlan', () => {
  it('names every difference between an instance and the plan', () => {
    const instance = readInstance('', preview('Pipeline', 'MlxRing', [NODE_A]).instance);
    expect(
      instanceMatchesPlan(instance!, { sharding: 'Tensor', instanceMeta: 'MlxJaccl', nodeCount: 4 }),
    ).toBe(
      '1 node instead of 4, MlxRingInstance instead of MlxJacclInstance, PipelineShardMetadata instead of TensorShardMetadata',
    );
  });
});

/** A state with these nodes reporting memory and backends, and these directed links. */
function clusterState(nodes: string[], links: Array<[string, string]>, extra: Record<string, unknown> = {}) {
  const connections: Record<string, Record<string, unknown[]>> = {};
  for (const [source, sink] of links) {
    connections[source] ??= {};
    connections[source][sink] = [
      {
        sinkMultiaddr: {
          address: `/ip4/10.0.0.${nodes.indexOf(sink) + 1}/tcp/52415`,
          address_type: 'ip4',
          ip_address: `10.0.0.${nodes.indexOf(sink) + 1}`,
          port: 52415,
        },
      },
    ];
  }
  return {
    topology: { nodes, connections },
    nodeMemory: Object.fromEntries(
      nodes.map((n) => [n, { ramTotal: { inBytes: 1e11 }, ramAvailable: { inBytes: 9e10 } }]),
    ),
    nodeBackends: Object.fromEntries(nodes.map((n) => [n, ['MlxCpu', 'MlxMetal']])),
    nodeIdentities: Object.fromEntries(nodes.map((n, i) => [n, { friendlyName: `studio-${i}` }])),
    ...extra,
  };
}

const both = (a: string, b: string): Array<[string, string]> => [
  [a, b],
  [b, a],
];

describe('findCycle', () => {
  const links = (pairs: Array<[string, string]>) => readClusterView(clusterState([], pairs)).links;

  it('needs no link for one node, and a link both ways for two', () => {
    expect(findCycle([NODE_A], new Map())).toEqual([NODE_A]);
    expect(findCycle([NODE_A, NODE_B], links([[NODE_A, NODE_B]]))).toBeUndefined();
    expect(findCycle([NODE_A, NODE_B], links(both(NODE_A, NODE_B)))).toEqual([NODE_A, NODE_B]);
  });

  it('finds a ring through every node without a full mesh', () => {
    const ring: Array<[string, string]> = [
      [NODE_A, NODE_B],
      [NODE_B, NODE_C],
      [NODE_C, NODE_D],
      [NODE_D, NODE_A],
    ];
    expect(findCycle([NODE_A, NODE_B, NODE_C, NODE_D], links(ring))).toEqual([
      NODE_A,
      NODE_B,
      NODE_C,
      NODE_D,
    ]);
    expect(findCycle([NODE_A, NODE_B, NODE_C, NODE_D], links(ring.slice(0, 3)))).toBeUndefined();
  });
});

describe('judgeSettlement', () => {
  const four = [NODE_A, NODE_B, NODE_C, NODE_D];
  const mesh = four.flatMap((a) => four.filter((b) => b !== a).map((b): [string, string] => [a, b]));

  it('is settled when the nodes report memory and backends and a cycle spans them', () => {
    expect(judgeSettlement(readClusterView(clusterState(four, mesh)), 4)).toEqual({
      nodeIds: four,
      missing: [],
    });
  });

  it('is not settled while nodes are listed but their links have not formed (§12.1)', () => {
    // D is linked to A only: no ring can pass through D.
    const partial = mesh.filter(
      ([x, y]) => !((x === NODE_D || y === NODE_D) && x !== NODE_A && y !== NODE_A),
    );
    const unsettled = judgeSettlement(readClusterView(clusterState(four, partial)), 4);
    expect(unsettled.nodeIds).toBeUndefined();
    expect(unsettled.missing).toEqual([
      'not linked: studio-1 (0a1b2c3d) ↮ studio-3 (d0d0d0d0), studio-2 (c0c0c0c0) ↮ studio-3 (d0d0d0d0)',
    ]);
    // One more edge each way (B→D, D→C) makes the ring A→B→D→C→A: settled without a full mesh.
    const ring = judgeSettlement(
      readClusterView(clusterState(four, [...partial, [NODE_B, NODE_D], [NODE_D, NODE_C]])),
      4,
    );
    expect(ring.nodeIds).toEqual(four);
    const oneWay = judgeSettlement(readClusterView(clusterState([NODE_A, NODE_B], [[NODE_A, NODE_B]])), 2);
    expect(oneWay.missing).toEqual(['not linked: studio-0 (5f0c9a1e) → studio-1 (0a1b2c3d) (one way only)']);
  });

  it('names nodes without memory or backends, and counts nodes', () => {
    const state = clusterState(four, mesh);
    delete (state.nodeBackends as Record<string, unknown>)[NODE_B];
    expect(judgeSettlement(readClusterView(state), 4).missing).toEqual([
      'no backends report from studio-1 (0a1b2c3d)',
    ]);
    expect(judgeSettlement(readClusterView(clusterState([NODE_A], [])), 4).missing).toEqual(['nodes 1/4']);
    expect(judgeSettlement(readClusterView(clusterState([NODE_A], [])), 1).nodeIds).toEqual([NODE_A]);
  });

  it('reads the API address of each node from the socket edges that point at it', () => {
    const view = readClusterView(clusterState([NODE_A, NODE_B], both(NODE_A, NODE_B)));
    expect(view.apiAddresses.get(NODE_B)).toEqual({ ip: '10.0.0.2', port: 52415 });
  });
});

describe('StateResetWatch', () => {
  it('sees a fall of the event counter, not its growth', () => {
    const watch = new StateResetWatch();
    expect(watch.observe(10, 1)).toBe(false);
    expect(watch.observe(412, 2)).toBe(false);
    expect(watch.observe(undefined, 3)).toBe(false);
    expect(watch.observe(3, 4)).toBe(true);
    expect(watch.observe(9, 5)).toBe(false);
    expect(watch.resets).toEqual([{ at_ms: 4, from_event_idx: 412, to_event_idx: 3 }]);
    expect(watch.error('instance x').message).toBe(
      "EXO's cluster state was reset (lastEventAppliedIdx fell from 412 to 3): a master election gave the cluster a new master, which starts from an empty state, and instance x went with it.",
    );
    expect(watch.error('instance x').hint).toMatch(/--force-master/);
  });
});

describe('downloads', () => {
  const ongoing = (downloaded: number) =>
    clusterState([NODE_A], [], {
      instances: { [INSTANCE]: instanceJson },
      downloads: {
        [NODE_A]: [
          {
            DownloadOngoing: {
              nodeId: NODE_A,
              shardMetadata: { PipelineShardMetadata: { modelCard: { modelId: MODEL } } },
              downloadProgress: {
                total: { inBytes: 730_000_000 },
                downloaded: { inBytes: downloaded },
                speed: 52_000_000,
                etaMs: 12_000,
              },
            },
          },
        ],
      },
    });

  it('describes progress with model size, speed and ETA', () => {
    const view = readClusterView(ongoing(328_500_000));
    expect(describeDownload(view, view.downloads[0]!)).toBe(
      'download on studio-0 (5f0c9a1e): 45% of 730 MB at 52 MB/s, ETA 12s',
    );
  });

  it('times a download from the first poll that saw it incomplete to the last', () => {
    const tracker = new DownloadTracker();
    tracker.observe(readClusterView(ongoing(0)), [INSTANCE], 1_000);
    tracker.observe(readClusterView(ongoing(400_000_000)), [INSTANCE], 3_500);
    const completed = clusterState([NODE_A], [], {
      instances: { [INSTANCE]: instanceJson },
      downloads: {
        [NODE_A]: [
          {
            DownloadCompleted: {
              nodeId: NODE_A,
              shardMetadata: { PipelineShardMetadata: { modelCard: { modelId: MODEL } } },
              total: { inBytes: 730_000_000 },
            },
          },
        ],
      },
    });
    tracker.observe(readClusterView(completed), [INSTANCE], 4_000);
    expect(tracker.times()).toEqual([{ model_id: MODEL, bytes: 730_000_000, seconds: 2.5 }]);
    const onDisk = new DownloadTracker();
    onDisk.observe(readClusterView(completed), [INSTANCE], 1_000);
    expect(onDisk.times()).toEqual([]);
  });
});
