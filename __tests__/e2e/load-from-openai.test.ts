/**
 * Issue #18's `load_from: all_nodes` for an OpenAI-compatible target, end to end: the action's plan job
 * (`hardware_plan: {LOADGEN: 4}`), four node jobs and the merge job, as separate processes through the
 * runner's files (the built bundles), against ONE simulator in the openai flavour. An OpenAI server has
 * no shared state to publish a start through: the plan job fixes the first stage's start (its clock +
 * all_nodes_start_delay_seconds) in every matrix entry, each node job gets it as schedule-start-ms and
 * derives every stage's start from it (the previous start + the stage's planned span +
 * all_nodes_drain_seconds + the skew tolerance). Each node process runs on a clock of its own
 * (EXO_BENCH_SIMULATED_CLOCK_OFFSET_MS) and sends request i of each stage with i mod 4 = its position.
 *
 * WorkflowRun 1, ±5 ms of skew (tolerance 20 ms): every request is counted once, each node's share is its
 * i mod 4 at the planned start + the plan's offset, the merged TTFT percentiles are those of the
 * concatenated requests.jsonl, the skew is reported (10 ms) and the run is valid; against the
 * simulator's ground truth the union of the shares is the one-node schedule within that skew.
 * WorkflowRun 2, ±30 ms: invalid, with the skew reason. WorkflowRun 3, a drain bound far shorter than the requests:
 * invalid, with the overrun reason.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Outputs } from '../../src/action/constants.js';
import { planArrivals } from '../../src/load/arrivals.js';
import { parseConfigText } from '../../src/config/index.js';
import { DEFAULT_PROFILE, FAST_TEST_PROFILE } from '../../src/simulator/index.js';
import { describeStep, jsonLines, linearPercentile } from '../helpers/merge-checks.js';
import { runMatrixWorkflow, type MergedDocument, type WorkflowRun } from './matrix-workflow.js';
import { missingBundles, startSimulatorProcess, type SimulatorProcess } from './runner.js';

const NODES = 4;
const TOLERANCE_MS = 20;
const DRAIN_SECONDS = 2;
/**
 * The start allowance: four node processes start, read the config, find the server ready and size
 * their prompts on two shared cores. Measured (see the console line): they are ready well within it.
 */
const START_DELAY_SECONDS = 8;

/** The config against the simulator at `url`; `rampTokens` and `drainSeconds` vary for the overrun run. */
function configText(url: string, rampTokens = 10, drainSeconds = DRAIN_SECONDS): string {
  return `# e2e: an openai target, the load spread over four runners
hardware_plan:
  LOADGEN: 4
load_from: all_nodes
clock_skew_tolerance_ms: ${TOLERANCE_MS}
all_nodes_start_delay_seconds: ${START_DELAY_SECONDS}
all_nodes_drain_seconds: ${drainSeconds}
timeout_seconds: 30
request_timeout_seconds: 10
# Six processes share two cores here; lateness of the load generator is not under test.
max_dispatch_lag_p99_ms: 500
target:
  kind: openai
  base_url: '${url}/v1'
  model: '${DEFAULT_PROFILE.openai.model}'
stages:
  - name: 'ramp'
    prompt_length: 48
    generation_length: ${rampTokens}
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
}
const STAGES = parseConfigText(configText('http://127.0.0.1:1'), 'c.yaml', {}).config.stages;
const TOTAL_REQUESTS = 12 + 20;

interface RequestLine {
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
  clock_offset_ms: number | null;
  clock_offset_source: string;
  planned?: { start_at_ms: number; drain_ms: number };
  stages: Array<{
    name: string;
    start_ms: number;
    late_ms: number;
    requests: number;
    overrun?: { requests: number; ms: number };
  }>;
}

interface NodeDocument {
  verdict: string;
  metadata: { benchmark_started_at: number };
  schedule?: ScheduleFacts;
}

describe('load_from: all_nodes with an openai target — plan, four LOADGEN node jobs and the merge job against one server', () => {
  let root: string;
  let simulator: SimulatorProcess | undefined;
  let within: WorkflowRun;
  let beyond: WorkflowRun;
  let overrun: WorkflowRun;

  beforeAll(async () => {
    const missing = missingBundles();
    if (missing.length > 0) throw new Error(`run npm run build first; missing: ${missing.join(', ')}`);
    root = mkdtempSync(join(tmpdir(), 'exo-bench-e2e-load-from-openai-'));
    const profile = join(root, 'profile.json');
    writeFileSync(profile, JSON.stringify(FAST_TEST_PROFILE));
    simulator = await startSimulatorProcess(['--flavor', 'openai', '--port', '0', '--profile', profile]);
    const url = simulator.nodes[0]?.url ?? '';
    const sim = simulator;
    const run = (runId: string, offsets: number[], config: string): Promise<WorkflowRun> =>
      runMatrixWorkflow({
        root,
        simulator: sim,
        runId,
        configName: 'bench_openai.yaml',
        config,
        offsets,
        // As bench-matrix.yml wires it: each job passes its entry's start on, and no api-url (the
        // config's base_url is the one server every node loads).
        nodeInputs: (entry) => ({ 'schedule-start-ms': String(entry.start_at_ms ?? '') }),
      });
    within = await run('7171', [-5, 5, -5, 5], configText(url));
    beyond = await run('7272', [-30, 30, -30, 30], configText(url));
    // 200 tokens at the profile's 1,000 tokens/s: each ramp request lasts ≥ 200 ms, and the steady stage
    // starts 10 ms + the 20 ms tolerance after the ramp's last send.
    overrun = await run('7373', [0, 0, 0, 0], configText(url, 200, 0.01));
  }, 400_000);

  afterAll(async () => {
    await simulator?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  }, 15_000);

  const mergedDocument = (run: WorkflowRun): MergedDocument =>
    JSON.parse(run.merged.get('results.json') ?? '') as MergedDocument;
  const nodeDocument = (run: WorkflowRun, i: number): NodeDocument =>
    JSON.parse(run.artifacts[i]?.get('results.json') ?? '') as NodeDocument;

  it('the plan gives four LOADGEN entries, all sending load, with one start; every job passed', () => {
    const start = Number(within.plan.outputs.get(Outputs.ScheduleStartMs));
    expect(start).toBeGreaterThan(1e12);
    expect(within.matrix).toEqual(
      [0, 1, 2, 3].map((index) => ({
        label: 'LOADGEN',
        index,
        is_primary: index === 0,
        expected_nodes: 4,
        sends_load: true,
        start_at_ms: start,
      })),
    );
    expect(within.plan.summary).toContain(`(\`start_at_ms\` ${start}, this job's clock`);
    for (const node of within.nodes)
      expect([node.exitCode, describeStep(node)]).toEqual([0, describeStep(node)]);
    expect([
      within.merge.exitCode,
      within.merge.outputs.get(Outputs.Verdict),
      describeStep(within.merge),
    ]).toEqual([0, 'pass', describeStep(within.merge)]);
  });

  it("counts every request exactly once, and each node sent its share (i mod 4) on the plan's starts", () => {
    const merged = jsonLines<RequestLine>(within.merged.get('requests.jsonl') ?? '');
    expect(merged).toHaveLength(TOTAL_REQUESTS);
    expect(new Set(merged.map((r) => `${r.stage}/${r.index}`)).size).toBe(TOTAL_REQUESTS);
    expect(mergedDocument(within).merge.requests).toBe(TOTAL_REQUESTS);
    expect(mergedDocument(within).results.run?.total_requests).toBe(TOTAL_REQUESTS);
    // The starts every node must have followed, worked out here from the plan's start and the config.
    const startAtMs = within.matrix[0]?.start_at_ms ?? NaN;
    const spans = STAGES.map((stage, k) => {
      const plan = planArrivals(stage, 0, k);
      if (plan.kind !== 'open') throw new Error('open loop expected');
      return plan.durationMs;
    });
    const expectedStarts = [
      startAtMs,
      Math.ceil(startAtMs + (spans[0] ?? NaN) + DRAIN_SECONDS * 1000 + TOLERANCE_MS),
    ];
    const readyMarginsMs: number[] = [];
    within.artifacts.forEach((artifact, position) => {
      const own = jsonLines<RequestLine>(artifact.get('requests.jsonl') ?? '');
      const document = nodeDocument(within, position);
      const schedule = document.schedule;
      expect(schedule).toMatchObject({
        node: position,
        nodes: NODES,
        clock_offset_source: 'simulated',
        planned: { start_at_ms: startAtMs, drain_ms: DRAIN_SECONDS * 1000 },
      });
      expect(schedule?.stages.map((s) => s.start_ms)).toEqual(expectedStarts);
      expect(schedule?.stages[0]?.overrun).toEqual({ requests: 0, ms: 0 });
      readyMarginsMs.push(startAtMs - document.metadata.benchmark_started_at * 1000);
      STAGES.forEach((stage, k) => {
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
        expect(schedule?.stages[k]?.requests).toBe(expected.length);
        const plan = planArrivals(stage, 0, k);
        if (plan.kind !== 'open') throw new Error('open loop expected');
        for (const record of own.filter((r) => r.stage === stage.name))
          expect(record.scheduled_at_ms - (expectedStarts[k] ?? NaN)).toBeCloseTo(
            plan.offsetMs(record.index),
            3,
          );
      });
    });
    console.info(
      `load_from openai e2e: the node processes began ${(Math.min(...readyMarginsMs) / 1000).toFixed(2)}–${(Math.max(...readyMarginsMs) / 1000).toFixed(2)} s before the planned start (allowance ${START_DELAY_SECONDS} s)`,
    );
    expect(mergedDocument(within).merge.nodes.map((n) => [n.node, n.is_primary, n.requests])).toEqual([
      ['LOADGEN#0', true, 8],
      ['LOADGEN#1', false, 8],
      ['LOADGEN#2', false, 8],
      ['LOADGEN#3', false, 8],
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

  it('±5 ms of skew: reported (10 ms ≤ 20), valid, and the true arrivals at the one server are the one-node schedule within it', () => {
    const document = mergedDocument(within);
    expect(document.validity).toMatchObject({ valid: true, reasons: [] });
    expect(document.merge.schedule).toEqual({
      skew_tolerance_ms: TOLERANCE_MS,
      skew_ms: 10,
      clock_offsets_ms: { 'LOADGEN#0': -5, 'LOADGEN#1': 5, 'LOADGEN#2': -5, 'LOADGEN#3': 5 },
    });
    expect(within.merge.summary).toContain('Clock skew between the nodes: 10.0 ms, tolerance 20.0 ms.');
    const skewMs = 10;
    // The openai flavour answers a command with the id `chatcmpl-<its id without dashes>`.
    const arrived = new Map(within.truth.map((t) => [`chatcmpl-${t.id.replace(/-/g, '')}`, t.arrived_at_ms]));
    const residuals: number[] = [];
    const transports: number[] = [];
    const spanErrors: number[] = [];
    STAGES.forEach((stage, k) => {
      const plan = planArrivals(stage, 0, k);
      if (plan.kind !== 'open') throw new Error('open loop expected');
      const trueArrivals: Array<{ index: number; at: number }> = [];
      within.artifacts.forEach((artifact, position) => {
        const schedule = nodeDocument(within, position).schedule as ScheduleFacts;
        // The plan job ran on the true clock: its start is true time.
        const start = schedule.stages[k]?.start_ms ?? NaN;
        const offset = schedule.clock_offset_ms ?? NaN;
        for (const record of jsonLines<RequestLine>(artifact.get('requests.jsonl') ?? '').filter(
          (r) => r.stage === stage.name,
        )) {
          const at = arrived.get(record.response_id ?? '');
          if (at === undefined)
            throw new Error(`request ${stage.name}/${record.index} is not in the ground truth`);
          trueArrivals.push({ index: record.index, at });
          const ideal = start + plan.offsetMs(record.index);
          const lag = record.dispatched_at_ms - record.scheduled_at_ms;
          const transport = at - (record.dispatched_at_ms - offset);
          transports.push(transport);
          residuals.push(at - ideal - lag - transport);
        }
      });
      trueArrivals.sort((a, b) => a.index - b.index);
      const span = (trueArrivals.at(-1)?.at ?? NaN) - (trueArrivals[0]?.at ?? NaN);
      const slack = Math.max(...transports) - Math.min(...transports) + 500; // lag ≤ max_dispatch_lag_p99_ms
      spanErrors.push(span - plan.durationMs);
      expect(Math.abs(span - plan.durationMs)).toBeLessThanOrEqual(skewMs + slack);
    });
    expect(residuals).toHaveLength(TOTAL_REQUESTS);
    console.info(
      `load_from openai e2e, ±5 ms: residual ${Math.min(...residuals).toFixed(3)}…${Math.max(...residuals).toFixed(3)} ms, transport ${Math.min(...transports).toFixed(2)}…${Math.max(...transports).toFixed(2)} ms, stage span errors ${spanErrors.map((e) => e.toFixed(2)).join(', ')} ms`,
    );
    // What is left of each arrival once its own lag and transport are out: its clock's offset, ±5 ms.
    for (const residual of residuals) expect(Math.abs(residual)).toBeLessThanOrEqual(skewMs / 2 + 0.01);
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
  });

  it('a drain bound too short for the requests: the overrun is recorded, nothing cancelled, the merged run invalid', () => {
    const document = mergedDocument(overrun);
    const merged = jsonLines<RequestLine>(overrun.merged.get('requests.jsonl') ?? '');
    // Every request sent and ended by itself (none cancelled).
    expect(merged).toHaveLength(TOTAL_REQUESTS);
    expect(merged.every((r) => r.ok)).toBe(true);
    // The ramp's last request (index 11) is node 3's: sent at the ramp's planned end, it lasts ≥ 200 ms,
    // and the steady stage starts 30 ms after that end.
    const last = nodeDocument(overrun, 3).schedule?.stages[0]?.overrun;
    expect(last?.requests).toBeGreaterThanOrEqual(1);
    expect(last?.ms).toBeGreaterThan(0);
    expect(document.validity.valid).toBe(false);
    expect(document.validity.reasons).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^node LOADGEN#3: stage ramp still had [1-3] requests? in flight on node 3 at stage steady's start \(the last ended [\d.]+ ms after it\): the stages overlapped; raise all_nodes_drain_seconds \(now 0\.01 s\)$/,
        ),
      ]),
    );
    expect(overrun.merge.outputs.get(Outputs.Verdict)).toBe('invalid');
    // Markdown-escaped in the summary, with the reason.
    expect(overrun.merge.summary).toContain('raise all\\_nodes\\_drain\\_seconds (now 0.01 s)');
  });
});
