/**
 * Cluster faults the original fault suite (__tests__/benchmark/faults.test.ts) does not cover, against
 * the in-process simulator over real sockets: an instance deleted while a stage streams from it, a
 * node leaving the topology (the secondary's node, then the primary's), and a secondary whose primary
 * vanished without deleting its instances. Each run must complete, classify every request and keep
 * its deadlines.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runNode, type NodeRunOptions, type NodeRunOutcome } from '../../src/run/benchmark.js';
import { ExoClient } from '../../src/cluster/client.js';
import { placeInstance, waitForInstancesReady, type ClusterContext } from '../../src/cluster/orchestrate.js';
import { parseConfigText } from '../../src/config/index.js';
import type { RequestRecord } from '../../src/metrics/record.js';
import { FAST_TEST_PROFILE, startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';
import { systemClock } from '../../src/util/clock.js';
import { MemoryLogger } from '../helpers/memory-logger.js';

const MODEL = 'mlx-community/Llama-3.2-1B-Instruct-4bit';

/** A config of one stage; timeouts short so that every fault resolves in well under a second. */
function config(stage: string, extra = ''): string {
  return `
hardware_plan: { sim: 2 }
timeout_seconds: 10
max_dispatch_lag_p99_ms: 1000
request_timeout_seconds: 3
stream_idle_timeout_seconds: 2
calibrate_prompts: false
${extra}
model_ids: [${MODEL}]
stages:
  - ${stage}
`;
}

/** 40 requests of 30 tokens at 100 tok/s (0.3 s each), one every 50 ms: about 2 s of load. */
const STAGE =
  '{ name: s, prompt_length: 16, generation_length: 30, time_between_requests: 0.05, iterations: 40 }';

function readRecords(outcome: NodeRunOutcome): RequestRecord[] {
  return readFileSync(outcome.requestsPath, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as RequestRecord);
}

function runAs(
  text: string,
  options: Partial<NodeRunOptions> & Pick<NodeRunOptions, 'apiUrl' | 'isPrimary'>,
  logger = new MemoryLogger(),
): Promise<NodeRunOutcome> {
  return runNode(
    parseConfigText(text, 'cluster-faults.yaml', {}),
    {
      expectedNodes: 2,
      timeoutSeconds: 10,
      outputDir: mkdtempSync(join(tmpdir(), 'exo-bench-reliability-')),
      runId: 'r',
      pollIntervalMs: 50,
      ...options,
    },
    { logger },
  );
}

/** Waits (bounded) until the simulator has seen `count` chat requests: the stage is under way. */
async function stageUnderWay(simulator: SimulatorHandle, count: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (simulator.requests().length < count) {
    if (Date.now() > deadline) throw new Error(`the stage never reached ${count} requests`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Counts records by error class (`ok` for successes). */
function classCounts(records: RequestRecord[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const record of records) {
    const key = record.error_class ?? 'ok';
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/** The stage's statistics agree with the records, class by class. */
function expectStageMatchesRecords(
  outcome: NodeRunOutcome,
  records: RequestRecord[],
  iterations: number,
): void {
  const stage = outcome.document.results.stages[0]!;
  expect(records).toHaveLength(iterations);
  expect(stage.counted_requests).toBe(iterations);
  expect(stage.counted_successful_requests + stage.counted_failed_requests).toBe(iterations);
  expect(stage.counted_successful_requests).toBe(records.filter((r) => r.ok).length);
  const { ok: _ok, ...failures } = classCounts(records);
  expect(Object.fromEntries(stage.errors.map((e) => [e.error_class, e.count]))).toEqual(failures);
}

describe('an instance deleted while a stage streams from it', () => {
  let simulator: SimulatorHandle;
  let outcome: NodeRunOutcome;
  let records: RequestRecord[];

  beforeAll(async () => {
    simulator = await startSimulator({
      nodes: 1,
      profile: { ...FAST_TEST_PROFILE, decodeTokensPerSecond: 100, decodeSlowdownPerExtraStream: 0 },
    });
    let placed: string[] = [];
    const running = runAs(config(STAGE).replace('sim: 2', 'sim: 1'), {
      apiUrl: simulator.url,
      isPrimary: true,
      expectedNodes: 1,
      onInstancesPlaced: (ids) => (placed = ids),
    });
    await stageUnderWay(simulator, 10);
    // What a user (or EXO's own clean-up) does from outside: DELETE /instance/{id} mid-stage.
    const response = await fetch(`${simulator.url}/instance/${placed[0]}`, { method: 'DELETE' });
    expect(response.status).toBe(200);
    await response.arrayBuffer();
    outcome = await running;
    records = readRecords(outcome);
  }, 30_000);

  afterAll(() => simulator.close());

  it('ends the streams in flight without [DONE], as EXO does', () => {
    const counts = classCounts(records);
    expect(counts.ok).toBeGreaterThan(0);
    expect(counts.eof_without_done).toBeGreaterThan(0);
    for (const record of records.filter((r) => r.error_class === 'eof_without_done')) {
      expect(record.http_status).toBe(200);
      expect(record.token_chunks).toBeLessThan(30);
    }
  });

  it('answers every later request with 404 for a model without an instance', () => {
    const notFound = records.filter((r) => r.error_class === 'http_status');
    expect(notFound.length).toBeGreaterThan(0);
    for (const record of notFound) {
      expect(record.http_status).toBe(404);
      expect(record.error_message).toMatch(/^HTTP 404: /);
    }
    // Once gone, gone: no success after the first 404.
    const first404 = Math.min(...notFound.map((r) => r.index));
    expect(records.filter((r) => r.index > first404 && r.ok)).toEqual([]);
    expect(Object.keys(classCounts(records)).sort()).toEqual(['eof_without_done', 'http_status', 'ok']);
  });

  it('completes the run with every request counted, and cleans up an instance already gone', () => {
    expectStageMatchesRecords(outcome, records, 40);
    expect(outcome.document.error).toBeNull();
    expect(outcome.verdict).toBe('pass');
    expect(outcome.summaryMarkdown).toContain('`http_status`');
  });
});

describe('a node leaving the topology mid-stage', () => {
  let simulator: SimulatorHandle;

  beforeEach(async () => {
    simulator = await startSimulator({
      nodes: 2,
      profile: { ...FAST_TEST_PROFILE, decodeTokensPerSecond: 100, decodeSlowdownPerExtraStream: 0 },
    });
  });

  afterEach(() => simulator.close());

  it("the secondary's node: the primary records the lost streams and the 404s, the secondary gives up on its dead API", async () => {
    const [primaryNode, secondaryNode] = simulator.nodes;
    const primaryRun = runAs(config(STAGE), { apiUrl: primaryNode!.url, isPrimary: true });
    const secondaryRun = runAs(config(STAGE), { apiUrl: secondaryNode!.url, isPrimary: false });
    await stageUnderWay(simulator, 10);
    const lostAtMs = Date.now();
    simulator.setFaults({ nodeLoss: [{ node: 1, removalDelayMs: 300 }] });
    const [primary, secondary] = await Promise.all([primaryRun, secondaryRun]);

    const records = readRecords(primary);
    expectStageMatchesRecords(primary, records, 40);
    const counts = classCounts(records);
    expect(counts.ok).toBeGreaterThan(0);
    expect((counts.eof_without_done ?? 0) + (counts.idle_timeout ?? 0)).toBeGreaterThan(0);
    expect(counts.http_status).toBeGreaterThan(0);
    expect(records.filter((r) => r.error_class === 'http_status').map((r) => r.http_status)).toEqual(
      Array(counts.http_status).fill(404),
    );
    expect(primary.document.error).toBeNull();

    // Its own EXO is gone: 5 s of refused connections, then a clear error, not a wait for the deadline.
    expect(secondary.verdict).toBe('error');
    expect(secondary.document.error?.kind).toBe('cluster');
    expect(secondary.document.error?.message).toMatch(
      /^Gave up waiting for the primary to finish and delete its instances: the EXO API has been unreachable for 5s/,
    );
    expect(Date.now() - lostAtMs).toBeLessThan(12_000);
  }, 30_000);

  it("the primary's node: the primary records connection failures, the secondary fails fast naming the departed node", async () => {
    const [primaryNode, secondaryNode] = simulator.nodes;
    const primaryRun = runAs(config(STAGE), { apiUrl: primaryNode!.url, isPrimary: true });
    let secondaryEndedAtMs = 0;
    const secondaryRun = runAs(config(STAGE), { apiUrl: secondaryNode!.url, isPrimary: false }).then(
      (outcome) => {
        secondaryEndedAtMs = Date.now();
        return outcome;
      },
    );
    await stageUnderWay(simulator, 10);
    const lostAtMs = Date.now();
    simulator.setFaults({ nodeLoss: [{ node: 0, removalDelayMs: 300 }] });
    const [primary, secondary] = await Promise.all([primaryRun, secondaryRun]);

    // The secondary saw node 0 go and stopped at once, instead of reading the loss as a pass: either as
    // a state reset (node 0 was the master: the new one starts empty, exo-api.md §12.2) or, when node 0
    // was not the master, as the node leaving the topology.
    expect(secondary.verdict).toBe('error');
    const message = secondary.document.error?.message ?? '';
    const nodeLeft = `Node ${primaryNode!.node_id} (sim-0) left the cluster while the primary was running the stages; the run cannot finish as planned.`;
    if (message !== nodeLeft)
      expect(message).toMatch(
        /^EXO's cluster state was reset \(lastEventAppliedIdx fell from \d+ to \d+\): a master election gave the cluster a new master, which starts from an empty state, and the primary's instances went with it\.$/,
      );
    expect(secondaryEndedAtMs - lostAtMs).toBeLessThan(3_000);
    expect(secondary.summaryMarkdown).toContain('💥 error');

    // The primary lost its API mid-stage: every request is still accounted for.
    const records = readRecords(primary);
    expectStageMatchesRecords(primary, records, 40);
    const counts = classCounts(records);
    expect(counts.ok).toBeGreaterThan(0);
    expect(counts.connection ?? 0).toBeGreaterThan(0);
  }, 30_000);
});

describe('a secondary whose primary vanished without deleting its instances', () => {
  it('fails at its deadline (timeout_seconds + scheduled load + request timeout) with a hint', async () => {
    const simulator = await startSimulator({ nodes: 1, profile: { ...FAST_TEST_PROFILE } });
    try {
      // The primary placed an instance, then died: nobody will delete it.
      const logger = new MemoryLogger();
      const context: ClusterContext = {
        client: new ExoClient(simulator.url),
        clock: systemClock,
        logger,
        pollIntervalMs: 50,
        progressIntervalMs: 60_000,
      };
      const { instanceId: id } = await placeInstance(
        context,
        MODEL,
        { sharding: 'Pipeline', instanceMeta: 'MlxRing', nodeCount: 1 },
        Date.now() + 10_000,
      );
      await waitForInstancesReady(context, [id], Date.now() + 10_000);

      // timeout 1 s + 4 × 0.25 s scheduled + 1 s request timeout = a 3 s wait for the deletion.
      const text = config(
        '{ name: s, prompt_length: 16, generation_length: 4, time_between_requests: 0.25, iterations: 4 }',
      )
        .replace('sim: 2', 'sim: 1')
        .replace('request_timeout_seconds: 3', 'request_timeout_seconds: 1')
        .replace('stream_idle_timeout_seconds: 2', 'stream_idle_timeout_seconds: 1');
      const started = Date.now();
      const outcome = await runAs(text, {
        apiUrl: simulator.url,
        isPrimary: false,
        expectedNodes: 1,
        timeoutSeconds: 1,
      });
      const elapsedMs = Date.now() - started;
      expect(outcome.verdict).toBe('error');
      expect(outcome.document.error?.message).toMatch(
        /^Timed out after 3s waiting for the primary to finish and delete its instances \(1 instance still present\)\.$/,
      );
      expect(outcome.document.error?.hint).toContain('check the primary job');
      expect(elapsedMs).toBeGreaterThanOrEqual(3_000);
      expect(elapsedMs).toBeLessThan(5_000);
    } finally {
      await simulator.close();
    }
  }, 20_000);
});
