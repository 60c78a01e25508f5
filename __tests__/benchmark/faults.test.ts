/**
 * Every fault the simulator can inject ends up as the right error class in the records, and the run
 * still completes (results written, instance deleted). Cluster-level faults end the run with a clear
 * cluster error instead of a hang.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runNode, type NodeRunOutcome } from '../../src/run/benchmark.js';
import { parseConfigText } from '../../src/config/index.js';
import type { RequestRecord } from '../../src/metrics/record.js';
import { FAST_TEST_PROFILE, startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';
import { MemoryLogger } from '../helpers/memory-logger.js';

const MODEL = 'mlx-community/Llama-3.2-1B-Instruct-4bit';

function config(stage: string, extra = ''): string {
  return `
hardware_plan: { sim: 1 }
timeout_seconds: 10
max_dispatch_lag_p99_ms: 1000
request_timeout_seconds: 1.5
stream_idle_timeout_seconds: 0.5
# Calibration probes would consume the first faults.
calibrate_prompts: false
${extra}
model_ids: [${MODEL}]
stages:
  - ${stage}
`;
}

async function run(
  simulator: SimulatorHandle,
  text: string,
  apiUrl = simulator.url,
  nodes = 1,
): Promise<{ outcome: NodeRunOutcome; records: RequestRecord[]; logger: MemoryLogger }> {
  const logger = new MemoryLogger();
  const outcome = await runNode(
    parseConfigText(text, 'faults.yaml', {}),
    {
      apiUrl,
      isPrimary: true,
      expectedNodes: nodes,
      timeoutSeconds: 10,
      outputDir: mkdtempSync(join(tmpdir(), 'exo-bench-faults-')),
      runId: 'f',
      pollIntervalMs: 20,
    },
    { logger },
  );
  const records = readFileSync(outcome.requestsPath, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as RequestRecord);
  return { outcome, records, logger };
}

describe('request faults become error classes', () => {
  let simulator: SimulatorHandle;
  let records: RequestRecord[];
  let outcome: NodeRunOutcome;

  beforeAll(async () => {
    simulator = await startSimulator({
      nodes: 1,
      seed: 3,
      profile: { ...FAST_TEST_PROFILE, keepAliveIntervalMs: 100 },
    });
    // One fault per request, in send order (each has count 1); the rest succeed.
    simulator.setFaults({
      requests: [
        { kind: 'http_error', status: 503, count: 1 },
        { kind: 'http_error', status: 429, count: 1 },
        { kind: 'http_error', status: 422, count: 1 },
        { kind: 'http_error', status: 500, count: 1, plainText: true },
        {
          kind: 'error_chunk',
          afterTokens: 2,
          count: 1,
          message: 'Runner shutdown before completing command (exitcode=1)',
        },
        { kind: 'eof', afterTokens: 3, count: 1 },
        { kind: 'stall', afterTokens: 2, stallMs: 3000, count: 1 },
        { kind: 'keep_alive_only', count: 1 },
      ],
    });
    ({ outcome, records } = await run(
      simulator,
      config(
        '{ name: faults, prompt_length: 16, generation_length: 8, time_between_requests: 0.05, iterations: 11 }',
      ),
    ));
  }, 30_000);

  afterAll(async () => {
    await simulator.close();
  });

  it('classifies each request by what went wrong', () => {
    const byIndex = records.sort((a, b) => a.index - b.index).map((r) => r.error_class ?? 'ok');
    expect(byIndex).toEqual([
      'http_status',
      'http_status',
      'http_status',
      'http_status',
      'error_chunk',
      'eof_without_done',
      'idle_timeout',
      'request_timeout',
      'ok',
      'ok',
      'ok',
    ]);
  });

  it('classifies headers that never come in time as a request timeout', async () => {
    // Slow headers combine with any other fault in the simulator, so this one runs on its own.
    simulator.setFaults({ requests: [{ kind: 'slow_headers', delayMs: 3000, count: 1 }] });
    const slow = await run(
      simulator,
      config(
        '{ name: slow, prompt_length: 16, generation_length: 8, time_between_requests: 0.05, iterations: 2 }',
      ),
    );
    expect(slow.records.sort((a, b) => a.index - b.index).map((r) => r.error_class ?? 'ok')).toEqual([
      'request_timeout',
      'ok',
    ]);
    expect(slow.records[0]!.error_message).toBe(
      'no response headers within 1500 ms (request_timeout_seconds)',
    );
  }, 20_000);

  it('keeps the status and a readable excerpt of the body', () => {
    const [r503, r429, r422, r500] = records;
    expect([r503!.http_status, r429!.http_status, r422!.http_status, r500!.http_status]).toEqual([
      503, 429, 422, 500,
    ]);
    expect(r500!.error_message).toBe('HTTP 500: Internal Server Error');
    expect(records[4]!.error_message).toBe('Runner shutdown before completing command (exitcode=1)');
    expect(records[4]!.token_chunks).toBe(2);
  });

  it('completes the run, counts every request, and names the errors in the summary', () => {
    const stage = outcome.document.results.stages[0]!;
    expect(stage.counted_requests).toBe(11);
    expect(stage.counted_successful_requests + stage.counted_failed_requests).toBe(11);
    expect(stage.counted_successful_requests).toBe(3);
    expect(stage.errors.map((e) => [e.error_class, e.count])).toEqual([
      ['http_status', 4],
      ['eof_without_done', 1],
      ['error_chunk', 1],
      ['idle_timeout', 1],
      ['request_timeout', 1],
    ]);
    expect(outcome.verdict).toBe('pass');
    expect(outcome.summaryMarkdown).toContain('### Most frequent errors');
  });
});

describe('cluster faults end the run with a clear error', () => {
  it('latches a runner failure and reports it when EXO gives up on the instance', async () => {
    const simulator = await startSimulator({
      nodes: 1,
      profile: {
        ...FAST_TEST_PROFILE,
        faults: {
          runnerFailure: {
            failures: 5,
            errorMessage: 'Terminated (exitcode=1)\nRunner error: out of memory',
          },
        },
      },
    });
    try {
      const { outcome } = await run(
        simulator,
        config(
          '{ name: s, prompt_length: 16, generation_length: 4, time_between_requests: 0, iterations: 1 }',
        ),
      );
      expect(outcome.verdict).toBe('error');
      expect(outcome.document.error?.kind).toBe('cluster');
      expect(outcome.document.error?.message).toContain('Runner error: out of memory');
      expect(outcome.summaryMarkdown).toContain('💥 error');
    } finally {
      await simulator.close();
    }
  });

  it("reports EXO's reason when placement is impossible", async () => {
    const simulator = await startSimulator({ nodes: 1, profile: { ...FAST_TEST_PROFILE } });
    try {
      const { outcome } = await run(
        simulator,
        config(
          '{ name: s, prompt_length: 16, generation_length: 4, time_between_requests: 0, iterations: 1 }',
          'instance_meta: MlxJaccl',
        ),
      );
      expect(outcome.verdict).toBe('error');
      expect(outcome.document.error?.message).toBe(
        `Cannot place ${MODEL}: no Pipeline/MlxJaccl placement across 1 node: Requested RDMA (MlxJaccl) but no RDMA-connected cycles available`,
      );
    } finally {
      await simulator.close();
    }
  });

  it('fails with a clear error when EXO never answers, within the deadline', async () => {
    const logger = new MemoryLogger();
    const started = Date.now();
    const outcome = await runNode(
      parseConfigText(
        config(
          '{ name: s, prompt_length: 16, generation_length: 4, time_between_requests: 0, iterations: 1 }',
        ),
        'faults.yaml',
        {},
      ),
      {
        apiUrl: 'http://127.0.0.1:9',
        isPrimary: true,
        expectedNodes: 1,
        timeoutSeconds: 1,
        outputDir: mkdtempSync(join(tmpdir(), 'exo-bench-faults-')),
        runId: 'f',
        pollIntervalMs: 100,
      },
      { logger },
    );
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(outcome.verdict).toBe('error');
    expect(outcome.document.error?.message).toMatch(
      /^Timed out after (1s|\d+ms) waiting for the EXO API \(API unreachable: GET http:\/\/127.0.0.1:9\/node_id failed/,
    );
    expect(outcome.document.error?.hint).toContain('EXO');
  });

  it('records connection failures when a node (not the master) dies mid-stage, and still completes', async () => {
    const simulator = await startSimulator({
      nodes: 2,
      nodesStartStopped: true,
      profile: { ...FAST_TEST_PROFILE, decodeTokensPerSecond: 100 },
    });
    try {
      // Node 0 is the forced master, so node 1 dying changes no master and resets nothing.
      await simulator.startNode(0, ['--force-master']);
      await simulator.startNode(1);
      setTimeout(() => void simulator.killNode(1), 1500);
      const { outcome, records } = await run(
        simulator,
        config(
          '{ name: s, prompt_length: 16, generation_length: 20, time_between_requests: 0.05, iterations: 60 }',
        ),
        simulator.nodes[1]!.url,
        2,
      );
      const classes = new Set(records.map((r) => r.error_class ?? 'ok'));
      expect(classes.has('ok')).toBe(true);
      expect(classes.has('connection')).toBe(true);
      expect(records).toHaveLength(60);
      expect(outcome.document.results.stages[0]!.counted_requests).toBe(60);
      expect(outcome.document.cluster.state_resets).toBeUndefined();
    } finally {
      await simulator.close();
    }
  }, 30_000);

  it('stops the run and says so when the master dies and the new master starts from an empty state', async () => {
    const simulator = await startSimulator({
      nodes: 2,
      nodesStartStopped: true,
      profile: { ...FAST_TEST_PROFILE, decodeTokensPerSecond: 100 },
    });
    try {
      await simulator.startNode(0, ['--force-master']);
      await simulator.startNode(1);
      // The load goes to node 1 and the snapshots read node 0... until node 0, the master, dies: node 1
      // then wins the election with an empty state (exo-api.md §12.2) and the instance is gone.
      setTimeout(() => void simulator.killNode(0), 1500);
      const started = Date.now();
      const { outcome, records } = await run(
        simulator,
        config(
          '{ name: s, prompt_length: 16, generation_length: 20, time_between_requests: 0.05, iterations: 200 }',
          'snapshot_interval_seconds: 0.2',
        ),
        simulator.nodes[1]!.url,
        2,
      );
      expect(outcome.verdict).toBe('error');
      expect(outcome.document.error?.message).toMatch(
        /^EXO's cluster state was reset \(lastEventAppliedIdx fell from \d+ to \d+\): a master election gave the cluster a new master, which starts from an empty state, and instance \S+ went with it\.$/,
      );
      expect(outcome.document.error?.hint).toContain('--force-master');
      expect(outcome.document.cluster.state_resets?.length).toBeGreaterThanOrEqual(1);
      // Stopped well before the 10 s the stage was scheduled for, every sent request recorded.
      expect(Date.now() - started).toBeLessThan(8_000);
      expect(records.length).toBeLessThan(200);
      expect(outcome.document.results.stages[0]!.interrupted).toBe(true);
    } finally {
      await simulator.close();
    }
  }, 30_000);
});
