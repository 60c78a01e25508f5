/**
 * Issue #14 (exo-api.md §12.2): a node joining while the run is under way triggers a master election,
 * and a new master starts from an empty state. The primary's EXO runs with --force-master (the action's
 * EXO_BENCH_EXO_ARGS) so that it keeps the cluster; when another node takes over, the run says so.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runNode, type NodeRunOutcome } from '../../src/run/benchmark.js';
import { parseConfigText } from '../../src/config/index.js';
import { FAST_TEST_PROFILE, startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';
import { MemoryLogger } from '../helpers/memory-logger.js';

const MODEL = 'mlx-community/Llama-3.2-1B-Instruct-4bit';

const CONFIG = `
hardware_plan: { sim: 3 }
timeout_seconds: 20
request_timeout_seconds: 5
calibrate_prompts: false
max_dispatch_lag_p99_ms: 1000
snapshot_interval_seconds: 0.2
model_ids: [${MODEL}]
stages:
  - { name: s, prompt_length: 16, generation_length: 10, time_between_requests: 0.05, iterations: 60 }
`;

/**
 * Three nodes start (node 0 with `primaryArgs`), the primary runs against node 0; 500 ms after its
 * instance is placed, node 3 joins with `lateArgs`.
 */
async function runWithLateJoiner(
  primaryArgs: string[],
  lateArgs: string[],
): Promise<{ outcome: NodeRunOutcome; simulator: SimulatorHandle; logger: MemoryLogger }> {
  const simulator = await startSimulator({
    nodes: 4,
    nodesStartStopped: true,
    seed: 7,
    profile: { ...FAST_TEST_PROFILE, electionMs: 50 },
  });
  await simulator.startNode(0, primaryArgs);
  await simulator.startNode(1);
  await simulator.startNode(2);
  const logger = new MemoryLogger();
  let joined: Promise<unknown> | undefined;
  const outcome = await runNode(
    parseConfigText(CONFIG, 'late.yaml', {}),
    {
      apiUrl: simulator.nodes[0]!.url,
      isPrimary: true,
      expectedNodes: 3,
      timeoutSeconds: 20,
      outputDir: mkdtempSync(join(tmpdir(), 'exo-bench-late-')),
      runId: 'late',
      pollIntervalMs: 20,
      onInstancesPlaced: () => {
        joined ??= new Promise((resolve) => setTimeout(resolve, 500)).then(() =>
          simulator.startNode(3, lateArgs),
        );
      },
    },
    { logger },
  );
  await joined;
  return { outcome, simulator, logger };
}

describe('a node joining during the run (master elections, §12.2)', () => {
  it('changes nothing when the primary runs as forced master', async () => {
    const { outcome, simulator } = await runWithLateJoiner(['--force-master'], []);
    try {
      expect([outcome.verdict, outcome.document.error]).toEqual(['pass', null]);
      expect(outcome.document.cluster.state_resets).toBeUndefined();
      expect(outcome.document.results.stages[0]!.counted_successful_requests).toBe(60);
      const stats = (await (await fetch(`${simulator.control}/_simulator/stats`)).json()) as {
        master_node_id: string;
        nodes: Array<{ in_topology: boolean }>;
      };
      // The late node did join, and node 0 stayed master.
      expect(stats.nodes.filter((n) => n.in_topology)).toHaveLength(4);
      expect(stats.master_node_id).toBe(simulator.nodes[0]!.node_id);
    } finally {
      await simulator.close();
    }
  }, 30_000);

  it('stops the run with an error that names the reset when another node takes over', async () => {
    // Without --force-master on the primary, a joiner that outranks it (here: one started with -m, as
    // an exo-command that passes -m on every node would) wins the election with an empty state.
    const { outcome, simulator } = await runWithLateJoiner([], ['-m']);
    try {
      expect(outcome.verdict).toBe('error');
      expect(outcome.document.error?.message).toMatch(
        /^EXO's cluster state was reset \(lastEventAppliedIdx fell from \d+ to \d+\): a master election gave the cluster a new master, which starts from an empty state, and instance \S+ went with it\.$/,
      );
      expect(outcome.document.error?.hint).toBe(
        "A node joined or left while the run was under way. Start the primary's EXO with --force-master (the action puts it in EXO_BENCH_EXO_ARGS on the primary only), and start every node before the primary places the models.",
      );
      expect(outcome.document.cluster.state_resets?.length).toBeGreaterThanOrEqual(1);
      expect(outcome.summaryMarkdown).toContain('cluster state was reset');
    } finally {
      await simulator.close();
    }
  }, 30_000);
});
