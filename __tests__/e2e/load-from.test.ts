/**
 * Issue #18's `load_from: all_nodes`, end to end: the action's plan job, four node jobs and the merge
 * job, as separate processes through the runner's files (the built bundles), against a 4-node
 * simulator. Every node job sends its share of each stage (request i from the node at position i mod 4
 * of the matrix) to its own node's API, on the stage starts the primary publishes through the cluster
 * state; each node process runs on a clock of its own (EXO_BENCH_SIMULATED_CLOCK_OFFSET_MS).
 *
 * WorkflowRun 1, ±5 ms of skew (tolerance 20 ms): the merged result counts every request once, each node's
 * share is its i mod 4, the merged TTFT percentiles are those of the concatenated requests.jsonl, the
 * merge job's summary is the one a user reads, and against the simulator's ground truth (true arrival
 * times) the union of the shares is the one-node schedule up to the reported skew: what is left of each
 * request's deviation, once its own dispatch lag and transport are taken out, is the clock offset,
 * within the skew the results report; the offered rate of each stage is the planned one within that skew.
 * WorkflowRun 2, ±30 ms (beyond the 20 ms tolerance): the merged run is invalid, with the reason.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Outputs } from '../../src/action/constants.js';
import { planArrivals } from '../../src/load/arrivals.js';
import { parseConfigText } from '../../src/config/index.js';
import { FAST_TEST_PROFILE } from '../../src/simulator/index.js';
import { describeStep, jsonLines, linearPercentile } from '../helpers/merge-checks.js';
import { runMatrixWorkflow, type MergedDocument, type WorkflowRun } from './matrix-workflow.js';
import { missingBundles, startSimulatorProcess, type SimulatorProcess } from './runner.js';

const MODEL = 'mlx-community/Llama-3.2-1B-Instruct-4bit';
const CONFIG = `# e2e: load from all four nodes, merged into one result
hardware_plan:
  M3ULTRA: 2
  M4PRO: 2
load_from: all_nodes
clock_skew_tolerance_ms: 20
timeout_seconds: 30
request_timeout_seconds: 10
snapshot_interval_seconds: 0.5
# Seven processes share two cores here; lateness of the load generator is not under test.
max_dispatch_lag_p99_ms: 500
model_ids:
  - '${MODEL}'
stages:
  - name: 'ramp'
    prompt_length: 48
    generation_length: 10
    time_between_requests: 0.05
    iterations: 12
  - name: 'steady'
    prompt_length: 64
    generation_length: 12
    arrival: poisson
    time_between_requests: 0.03
    iterations: 20
    thresholds: ['failed_requests == 0']
`;
const STAGES = parseConfigText(CONFIG, 'c.yaml', {}).config.stages;
const TOTAL_REQUESTS = 12 + 20;
const NODES = 4;

interface RequestLine {
  node?: string;
  stage: string;
  index: number;
  warmup: boolean;
  ok: boolean;
  response_id?: string;
  scheduled_at_ms: number;
  dispatched_at_ms: number;
  sent_at_ms: number;
  first_token_at_ms?: number;
}

interface ScheduleFacts {
  node: number;
  nodes: number;
  skew_tolerance_ms: number;
  clock_offset_ms: number | null;
  clock_offset_source: string;
  stages: Array<{ name: string; start_ms: number; late_ms: number; requests: number }>;
}

interface NodeDocument {
  verdict: string;
  schedule?: ScheduleFacts;
}

describe('load_from: all_nodes — plan, four node jobs and the merge job against a 4-node simulator', () => {
  let root: string;
  let simulator: SimulatorProcess | undefined;
  let within: WorkflowRun;
  let beyond: WorkflowRun;

  beforeAll(async () => {
    const missing = missingBundles();
    if (missing.length > 0) throw new Error(`run npm run build first; missing: ${missing.join(', ')}`);
    root = mkdtempSync(join(tmpdir(), 'exo-bench-e2e-load-from-'));
    const profile = join(root, 'profile.json');
    writeFileSync(profile, JSON.stringify(FAST_TEST_PROFILE));
    simulator = await startSimulatorProcess(['--nodes', String(NODES), '--port', '0', '--profile', profile]);
    const sim = simulator;
    const run = (runId: string, offsets: number[]): Promise<WorkflowRun> =>
      runMatrixWorkflow({
        root,
        simulator: sim,
        runId,
        configName: 'bench_all.yaml',
        config: CONFIG,
        offsets,
        // Each node job sends to its own node's API.
        nodeInputs: (_entry, position) => ({ 'api-url': sim.nodes[position]?.url ?? '' }),
      });
    within = await run('6161', [-5, 5, -5, 5]);
    beyond = await run('6262', [-30, 30, -30, 30]);
  }, 400_000);

  afterAll(async () => {
    await simulator?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  }, 15_000);

  const mergedDocument = (run: WorkflowRun): MergedDocument =>
    JSON.parse(run.merged.get('results.json') ?? '') as MergedDocument;
  const nodeDocument = (run: WorkflowRun, i: number): NodeDocument =>
    JSON.parse(run.artifacts[i]?.get('results.json') ?? '') as NodeDocument;

  it('the plan says every node sends load; every node job and the merge job passed', () => {
    expect(within.matrix.map((entry) => [entry.label, entry.index, entry.sends_load])).toEqual([
      ['M3ULTRA', 0, true],
      ['M3ULTRA', 1, true],
      ['M4PRO', 0, true],
      ['M4PRO', 1, true],
    ]);
    for (const node of within.nodes)
      expect([node.exitCode, describeStep(node)]).toEqual([0, describeStep(node)]);
    expect([
      within.merge.exitCode,
      within.merge.outputs.get(Outputs.Verdict),
      describeStep(within.merge),
    ]).toEqual([0, 'pass', describeStep(within.merge)]);
  });

  it("counts every request exactly once, and each node sent its share (i mod 4) at the stage's start", () => {
    const merged = jsonLines<RequestLine>(within.merged.get('requests.jsonl') ?? '');
    expect(merged).toHaveLength(TOTAL_REQUESTS);
    expect(new Set(merged.map((r) => `${r.stage}/${r.index}`)).size).toBe(TOTAL_REQUESTS);
    expect(mergedDocument(within).merge.requests).toBe(TOTAL_REQUESTS);
    expect(mergedDocument(within).results.run?.total_requests).toBe(TOTAL_REQUESTS);
    const starts = new Set<string>();
    within.artifacts.forEach((artifact, position) => {
      const own = jsonLines<RequestLine>(artifact.get('requests.jsonl') ?? '');
      const schedule = nodeDocument(within, position).schedule;
      expect(schedule).toMatchObject({ node: position, nodes: NODES, clock_offset_source: 'simulated' });
      for (const stage of STAGES) {
        const indices = own
          .filter((r) => r.stage === stage.name)
          .map((r) => r.index)
          .sort((a, b) => a - b);
        const expected = Array.from({ length: stage.iterations }, (_, i) => i).filter(
          (i) => i % NODES === position,
        );
        expect({ node: position, stage: stage.name, indices }).toEqual({
          node: position,
          stage: stage.name,
          indices: expected,
        });
        const facts = schedule?.stages.find((s) => s.name === stage.name);
        expect(facts?.requests).toBe(expected.length);
        starts.add(`${stage.name}@${facts?.start_ms}`);
        // Every request at the stage's published start + the plan's own offset, on this node's clock.
        const plan = planArrivals(stage, 0, STAGES.indexOf(stage));
        if (plan.kind !== 'open') throw new Error('open loop expected');
        for (const record of own.filter((r) => r.stage === stage.name))
          expect(record.scheduled_at_ms - (facts?.start_ms ?? NaN)).toBeCloseTo(
            plan.offsetMs(record.index),
            3,
          );
      }
    });
    // One start per stage, the same on every node.
    expect(starts.size).toBe(STAGES.length);
    expect(mergedDocument(within).merge.nodes.map((n) => [n.node, n.is_primary, n.requests])).toEqual([
      ['M3ULTRA#0', true, 8],
      ['M3ULTRA#1', false, 8],
      ['M4PRO#0', false, 8],
      ['M4PRO#1', false, 8],
    ]);
  });

  it('has TTFT percentiles equal to those computed from the concatenated requests.jsonl files', () => {
    const ttfts = within.artifacts
      .flatMap((artifact) => jsonLines<RequestLine>(artifact.get('requests.jsonl') ?? ''))
      .filter((r) => !r.warmup && r.ok && r.first_token_at_ms !== undefined)
      .map((r) => (r.first_token_at_ms as number) - r.sent_at_ms);
    expect(ttfts).toHaveLength(TOTAL_REQUESTS);
    const document = mergedDocument(within);
    expect(document.results.run?.ttft_ms.p50).toBeCloseTo(linearPercentile(ttfts, 50), 9);
    expect(document.results.run?.ttft_ms.p95).toBeCloseTo(linearPercentile(ttfts, 95), 9);
    expect(within.merge.outputs.get(Outputs.TtftP50Ms)).toBe(linearPercentile(ttfts, 50).toFixed(2));
  });

  it("the merge job's summary is the whole run's, with every node's share", () => {
    const summary = within.merge.summary;
    expect(summary.trimEnd()).toBe(within.merged.get('summary.md')?.trimEnd());
    expect(summary.startsWith('## exo-bench: ✅ pass')).toBe(true);
    expect(summary).toContain('merged run of 4 nodes');
    expect(summary).toContain(`${TOTAL_REQUESTS} requests merged from 4 nodes, each once`);
    expect(summary).toMatch(/\| M3ULTRA\\#0 \(primary\) \| pass \| 8 \| 8 \| 100\.0% \|/);
    for (const node of ['M3ULTRA\\#1', 'M4PRO\\#0', 'M4PRO\\#1'])
      expect(summary).toContain(`| ${node} | pass | 8 | 8 |`);
    expect(summary).toContain('failed_requests == 0');
    expect(summary).toContain(
      'Load from every node (load_from: all_nodes): request i of a stage from node i mod 4.',
    );
    expect(summary).toContain('Clock skew between the nodes: 10.0 ms, tolerance 20.0 ms.');
  });

  it('±5 ms of skew: reported (10 ms ≤ 20), and the true arrivals are the one-node schedule within it', () => {
    const document = mergedDocument(within);
    expect(document.validity).toMatchObject({ valid: true });
    const skew = document.merge.schedule;
    expect(skew).toEqual({
      skew_tolerance_ms: 20,
      skew_ms: 10,
      clock_offsets_ms: { 'M3ULTRA#0': -5, 'M3ULTRA#1': 5, 'M4PRO#0': -5, 'M4PRO#1': 5 },
    });
    const skewMs = skew?.skew_ms ?? NaN;
    const arrived = new Map(within.truth.map((t) => [t.id, t.arrived_at_ms]));
    const primaryOffset = nodeDocument(within, 0).schedule?.clock_offset_ms ?? NaN;
    const residuals: number[] = [];
    const transports: number[] = [];
    const spanErrors: number[] = [];
    const lags: number[] = [];
    for (const stage of STAGES) {
      const plan = planArrivals(stage, 0, STAGES.indexOf(stage));
      if (plan.kind !== 'open') throw new Error('open loop expected');
      const trueArrivals: Array<{ index: number; at: number }> = [];
      within.artifacts.forEach((artifact, position) => {
        const schedule = nodeDocument(within, position).schedule as ScheduleFacts;
        const start = schedule.stages.find((s) => s.name === stage.name)?.start_ms ?? NaN;
        const offset = schedule.clock_offset_ms ?? NaN;
        for (const record of jsonLines<RequestLine>(artifact.get('requests.jsonl') ?? '').filter(
          (r) => r.stage === stage.name,
        )) {
          const at = arrived.get(record.response_id ?? '');
          if (at === undefined)
            throw new Error(`request ${stage.name}/${record.index} is not in the ground truth`);
          trueArrivals.push({ index: record.index, at });
          // The one-node schedule in true time: the published start is on the primary's clock.
          const ideal = start - primaryOffset + plan.offsetMs(record.index);
          const lag = record.dispatched_at_ms - record.scheduled_at_ms;
          lags.push(lag);
          const transport = at - (record.dispatched_at_ms - offset);
          transports.push(transport);
          // What is left once this request's own lag and transport are taken out: its clock's offset.
          residuals.push(at - ideal - lag - transport);
        }
      });
      // The offered rate: the union's span in true time is the plan's within the skew, plus what the
      // first and last requests' own lag and transport add.
      trueArrivals.sort((a, b) => a.index - b.index);
      const span = (trueArrivals.at(-1)?.at ?? NaN) - (trueArrivals[0]?.at ?? NaN);
      const slack = Math.max(...transports) - Math.min(...transports) + 500; // lag ≤ max_dispatch_lag_p99_ms
      spanErrors.push(span - plan.durationMs);
      expect(Math.abs(span - plan.durationMs)).toBeLessThanOrEqual(skewMs + slack);
    }
    expect(residuals).toHaveLength(TOTAL_REQUESTS);
    // The figures the docs quote (docs/load-from.md): what the ground truth shows of the skew.
    console.info(
      `load_from e2e, ±5 ms: residual ${Math.min(...residuals).toFixed(3)}…${Math.max(...residuals).toFixed(3)} ms, transport ${Math.min(...transports).toFixed(2)}…${Math.max(...transports).toFixed(2)} ms, stage span errors ${spanErrors.map((e) => e.toFixed(2)).join(', ')} ms, dispatch lag ${Math.min(...lags).toFixed(3)}…${Math.max(...lags).toFixed(3)} ms, reported skew ${skewMs} ms`,
    );
    // Float rounding of epoch milliseconds (~0.25 µs per term): 0.01 ms is far above it.
    for (const residual of residuals) expect(Math.abs(residual)).toBeLessThanOrEqual(skewMs + 0.01);
    expect(Math.max(...residuals) - Math.min(...residuals)).toBeCloseTo(skewMs, 1);
  });

  it('±30 ms of skew, beyond the 20 ms tolerance: the merged run is invalid, with the reason', () => {
    const document = mergedDocument(beyond);
    expect(jsonLines<RequestLine>(beyond.merged.get('requests.jsonl') ?? '')).toHaveLength(TOTAL_REQUESTS);
    expect(document.merge.schedule?.skew_ms).toBe(60);
    expect(document.validity.valid).toBe(false);
    expect(document.validity.reasons).toContain(
      'shared schedule: clock skew between the nodes 60.0 ms > the tolerance of 20 ms (clock_skew_tolerance_ms): their shares were not sent on one schedule',
    );
    expect(beyond.merge.outputs.get(Outputs.Verdict)).toBe('invalid');
    expect(beyond.merge.summary).toContain('clock skew between the nodes 60.0 ms');
  });
});
