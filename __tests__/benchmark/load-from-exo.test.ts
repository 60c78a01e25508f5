/**
 * `load_from: all_nodes` on an EXO target with a capacity search between two shared stages, both nodes
 * in this process against a 2-node simulator over real sockets: the search is the primary's alone (run
 * whole, as with load_from: primary: every probe, each drained), the secondary sends nothing in it and
 * waits for the next stage's start, which the primary publishes only once the search has drained; the
 * shared stages stay i mod 2. The results record who sent each stage (`schedule.stages[].sent_by`) and
 * validate against configs/results.schema.json, and the merge accepts the shares. The four-process run
 * with closed loops is __tests__/e2e/load-from-closed.test.ts.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Ajv } from 'ajv';
import { parseConfigText } from '../../src/config/index.js';
import { mergeNodeResults, readNodeFolder } from '../../src/merge/index.js';
import type { RequestRecord } from '../../src/metrics/record.js';
import type { ResultsDocument } from '../../src/results/document.js';
import { runNode, type NodeRunOptions, type NodeRunOutcome } from '../../src/run/benchmark.js';
import { FAST_TEST_PROFILE, startSimulator, type GroundTruthRecord } from '../../src/simulator/index.js';
import { resultsSchema } from '../helpers/results-schema.js';
import { MemoryLogger } from '../helpers/memory-logger.js';

const CONFIG = `
hardware_plan: { M3ULTRA: 2 }
load_from: all_nodes
timeout_seconds: 30
request_timeout_seconds: 10
# Both nodes share this process and two cores with others: the load generator's lateness is not under test.
max_dispatch_lag_p99_ms: 1000
model_ids: [mlx-community/Llama-3.2-1B-Instruct-4bit]
stages:
  - name: before
    prompt_length: 32
    generation_length: 5
    time_between_requests: 0.02
    iterations: 6
  - name: capacity
    prompt_length: 48
    generation_length: 5
    search:
      metric: ttft_p50_ms
      max: 60000
      concurrency: { min: 1, max: 2 }
      probe_requests: 4
      max_probes: 2
  - name: after
    prompt_length: 40
    generation_length: 5
    time_between_requests: 0.02
    iterations: 6
`;

interface NodeRun {
  outcome: NodeRunOutcome;
  document: ResultsDocument;
  records: RequestRecord[];
  logger: MemoryLogger;
}

describe('load_from: all_nodes on an EXO target: a capacity search is the primary alone', () => {
  let root: string;
  let primary: NodeRun;
  let secondary: NodeRun;
  /** Every request the simulator's nodes received (calibration probes and beacons included). */
  let truth: GroundTruthRecord[];

  const read = (outcome: NodeRunOutcome, logger: MemoryLogger): NodeRun => ({
    outcome,
    document: JSON.parse(readFileSync(outcome.resultsPath, 'utf8')) as ResultsDocument,
    records: readFileSync(outcome.requestsPath, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as RequestRecord),
    logger,
  });

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'exo-bench-load-from-exo-'));
    const simulator = await startSimulator({ nodes: 2, seed: 7, profile: FAST_TEST_PROFILE });
    try {
      const loaded = parseConfigText(CONFIG, 'c.yaml', {});
      const options = (node: number): NodeRunOptions => ({
        apiUrl: simulator.nodes[node]?.url ?? '',
        isPrimary: node === 0,
        expectedNodes: 2,
        timeoutSeconds: 30,
        outputDir: join(root, `node-${node}`),
        runId: 'shared-search',
        pollIntervalMs: 20,
        hardwareLabel: 'M3ULTRA',
        nodeIndex: node,
        // A known offset: no clock command runs.
        env: { EXO_BENCH_SIMULATED_CLOCK_OFFSET_MS: '0' },
      });
      const loggers = [new MemoryLogger(), new MemoryLogger()];
      const [first, second] = await Promise.all(
        [0, 1].map((node) => runNode(loaded, options(node), { logger: loggers[node]! })),
      );
      primary = read(first!, loggers[0]!);
      secondary = read(second!, loggers[1]!);
      truth = [...simulator.requests()];
    } finally {
      await simulator.close();
    }
  }, 120_000);

  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('both nodes pass; the primary ran every probe of the search, the secondary none', () => {
    expect([primary.outcome.verdict, secondary.outcome.verdict]).toEqual(['pass', 'pass']);
    const probes = primary.document.results.stages.find((stage) => stage.name === 'capacity')?.search?.probes;
    expect(probes?.map((probe) => probe.load)).toEqual([1, 2]);
    const searched = primary.records.filter((record) => record.stage === 'capacity');
    expect(searched.map((record) => record.index).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(new Set(searched.map((record) => record.probe))).toEqual(new Set([0, 1]));
    expect(secondary.records.some((record) => record.stage === 'capacity')).toBe(false);
    expect(secondary.document.results.stages.map((stage) => stage.name)).toEqual(['before', 'after']);
    expect(secondary.logger.lines).toContain(
      "stage capacity: a capacity search, sent by the primary alone; this node waits for the next stage's start",
    );
  });

  it('shares the open-loop stages i mod 2, and records who sent each stage', () => {
    for (const [position, run] of [primary, secondary].entries())
      for (const stage of ['before', 'after'])
        expect({
          position,
          stage,
          indices: run.records
            .filter((record) => record.stage === stage)
            .map((record) => record.index)
            .sort((a, b) => a - b),
        }).toEqual({ position, stage, indices: [0, 1, 2, 3, 4, 5].filter((i) => i % 2 === position) });
    expect(primary.document.schedule?.stages.map((s) => [s.name, s.sent_by, s.requests, s.late_ms])).toEqual([
      ['before', 'shared', 3, expect.any(Number)],
      ['capacity', 'primary', 8, 0],
      ['after', 'shared', 3, expect.any(Number)],
    ]);
    expect(secondary.document.schedule?.stages.map((s) => [s.name, s.sent_by, s.requests])).toEqual([
      ['before', 'shared', 3],
      ['after', 'shared', 3],
    ]);
    // One start per shared stage, the same on both nodes; the search's is when the primary began it.
    const startOf = (run: NodeRun, name: string): number | undefined =>
      run.document.schedule?.stages.find((s) => s.name === name)?.start_ms;
    expect(startOf(secondary, 'before')).toBe(startOf(primary, 'before'));
    expect(startOf(secondary, 'after')).toBe(startOf(primary, 'after'));
    expect(startOf(primary, 'capacity')).toBe(
      primary.document.results.stages.find((stage) => stage.name === 'capacity')?.started_at_ms,
    );
  });

  it("the barriers: the search begins after the shared stage ended, the next shared stage after the search's last request", () => {
    const all = [...primary.records, ...secondary.records];
    const lastEnded = (stage: string): number =>
      Math.max(...all.filter((r) => r.stage === stage).map((r) => r.ended_at_ms));
    const firstSent = (stage: string): number =>
      Math.min(...all.filter((r) => r.stage === stage).map((r) => r.sent_at_ms));
    // One process, one clock: the times compare directly.
    expect(firstSent('capacity')).toBeGreaterThan(lastEnded('before'));
    expect(firstSent('after')).toBeGreaterThan(lastEnded('capacity'));
    const published = primary.document.schedule?.stages.find((s) => s.name === 'after')?.start_ms ?? NaN;
    expect(published).toBeGreaterThan(lastEnded('capacity'));
    // Nothing reached the secondary's node while the search ran: it sized its prompts for `after` only
    // once that start was published (the simulator's clock is this process's).
    const during = truth.filter(
      (t) =>
        t.node_index === 1 &&
        t.arrived_at_ms >= firstSent('capacity') &&
        t.arrived_at_ms <= lastEnded('capacity'),
    );
    expect(during.map((t) => [t.endpoint, t.max_tokens])).toEqual([]);
    // It did size them: max_tokens 1 probes reached its node after the search, before the stage.
    const probes = truth.filter(
      (t) => t.node_index === 1 && t.max_tokens === 1 && t.arrived_at_ms > lastEnded('capacity'),
    );
    expect(probes.length).toBeGreaterThan(0);
    expect(Math.max(...probes.map((t) => t.arrived_at_ms))).toBeLessThan(published);
  });

  it('the documents validate against the results schema, and the merge accepts every share', () => {
    const validate = new Ajv({ strict: true, allErrors: true, allowUnionTypes: true }).compile(resultsSchema);
    for (const document of [primary.document, secondary.document])
      expect({ valid: validate(document), errors: validate.errors ?? null }).toEqual({
        valid: true,
        errors: null,
      });
    const merged = mergeNodeResults([
      readNodeFolder(dirname(primary.outcome.resultsPath)),
      readNodeFolder(dirname(secondary.outcome.resultsPath)),
    ]);
    expect(merged.document.validity.reasons).toEqual([]);
    expect(merged.document.merge?.requests).toBe(6 + 8 + 6);
    expect(merged.records.filter((r) => r.stage === 'capacity').every((r) => r.node === 'M3ULTRA#0')).toBe(
      true,
    );
    // The search's outcome is the primary's; its probes stay out of the run-level figures, as on a node.
    expect(merged.document.results.stages.find((s) => s.name === 'capacity')?.search).toEqual(
      primary.document.results.stages.find((s) => s.name === 'capacity')?.search,
    );
    expect(merged.document.results.run_stages).toEqual(['before', 'after']);
    expect(merged.document.results.run?.total_requests).toBe(12);
  });
});
