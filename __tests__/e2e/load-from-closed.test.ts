/**
 * `load_from: all_nodes` with closed loops on an EXO target, end to end: the action's plan job, four node
 * jobs and the merge job, as separate processes through the runner's files (the built bundles), against
 * a 4-node simulator, each node process on a clock of its own (EXO_BENCH_SIMULATED_CLOCK_OFFSET_MS,
 * ±5 ms). The config: an open-loop stage, a `no_overlap` stage, a `concurrency: 4` stage, another
 * open-loop stage. The open-loop stages are shared (request i from node i mod 4); the two closed loops
 * are the primary's alone — the other nodes send nothing in them and wait for the next stage's start —
 * and the barriers hold: each closed loop begins after the stage before it ended everywhere, and the
 * next open-loop stage's first request goes out after the closed loop's last one ended. The capacity
 * search's counterpart (in process, 2 nodes) is __tests__/benchmark/load-from-exo.test.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Outputs } from '../../src/action/constants.js';
import { FAST_TEST_PROFILE } from '../../src/simulator/index.js';
import { describeStep, jsonLines } from '../helpers/merge-checks.js';
import { runMatrixWorkflow, type WorkflowRun } from './matrix-workflow.js';
import { missingBundles, startSimulatorProcess, type SimulatorProcess } from './runner.js';

const MODEL = 'mlx-community/Llama-3.2-1B-Instruct-4bit';
const CONFIG = `# e2e: closed loops between shared open-loop stages, load from all four nodes
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
  - name: 'open-before'
    prompt_length: 48
    generation_length: 8
    time_between_requests: 0.04
    iterations: 8
  - name: 'one-at-a-time'
    prompt_length: 48
    generation_length: 8
    no_overlap: true
    time_between_requests: 0
    iterations: 4
  - name: 'slots'
    prompt_length: 56
    generation_length: 8
    concurrency: 4
    iterations: 8
  - name: 'open-after'
    prompt_length: 64
    generation_length: 8
    time_between_requests: 0.04
    iterations: 8
    thresholds: ['failed_requests == 0']
`;
const STAGES = { 'open-before': 8, 'one-at-a-time': 4, slots: 8, 'open-after': 8 } as const;
const TOTAL_REQUESTS = 8 + 4 + 8 + 8;
const NODES = 4;
const OFFSETS = [-5, 5, -5, 5];

interface RequestLine {
  node?: string;
  stage: string;
  index: number;
  ok: boolean;
  sent_at_ms: number;
  ended_at_ms: number;
}

interface NodeDocument {
  verdict: string;
  schedule?: {
    node: number;
    clock_offset_ms: number | null;
    stages: Array<{ name: string; sent_by?: string; start_ms: number; late_ms: number; requests: number }>;
  };
  results: { stages: Array<{ name: string }> };
}

interface MergedDocument {
  verdict: string;
  validity: { valid: boolean; reasons: string[] };
  results: { run: { total_requests: number } | null };
  merge: { requests: number; nodes: Array<{ node: string; requests: number }> };
}

describe('load_from: all_nodes with closed loops — plan, four node jobs and the merge job against a 4-node simulator', () => {
  let root: string;
  let simulator: SimulatorProcess | undefined;
  let matrix: WorkflowRun['matrix'];
  let nodes: WorkflowRun['nodes'];
  let merge: WorkflowRun['merge'];
  /** Node artifacts in matrix order. */
  let artifacts: WorkflowRun['artifacts'];
  let merged: WorkflowRun['merged'];

  beforeAll(async () => {
    const missing = missingBundles();
    if (missing.length > 0) throw new Error(`run npm run build first; missing: ${missing.join(', ')}`);
    root = mkdtempSync(join(tmpdir(), 'exo-bench-e2e-load-from-closed-'));
    const profile = join(root, 'profile.json');
    writeFileSync(profile, JSON.stringify(FAST_TEST_PROFILE));
    simulator = await startSimulatorProcess(['--nodes', String(NODES), '--port', '0', '--profile', profile]);
    const sim = simulator;
    ({ matrix, nodes, merge, artifacts, merged } = await runMatrixWorkflow({
      root,
      simulator: sim,
      runId: '7171',
      configName: 'bench_closed.yaml',
      config: CONFIG,
      offsets: OFFSETS,
      // Each node job sends to its own node's API.
      nodeInputs: (_entry, position) => ({ 'api-url': sim.nodes[position]?.url ?? '' }),
      stepTimeoutMs: 120_000,
    }));
  }, 300_000);

  afterAll(async () => {
    await simulator?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  }, 15_000);

  const mergedDocument = (): MergedDocument => JSON.parse(merged.get('results.json') ?? '') as MergedDocument;
  const nodeDocument = (i: number): NodeDocument =>
    JSON.parse(artifacts[i]?.get('results.json') ?? '') as NodeDocument;
  const nodeRecords = (i: number): RequestLine[] =>
    jsonLines<RequestLine>(artifacts[i]?.get('requests.jsonl') ?? '');
  /** A node's time as true time: its clock runs `clock_offset_ms` ahead. */
  const trueTime = (i: number, ms: number): number => ms - (nodeDocument(i).schedule?.clock_offset_ms ?? NaN);

  it('every node job and the merge job passed, and the merged run is valid', () => {
    for (const node of nodes) expect([node.exitCode, describeStep(node)]).toEqual([0, describeStep(node)]);
    expect([merge.exitCode, merge.outputs.get(Outputs.Verdict), describeStep(merge)]).toEqual([
      0,
      'pass',
      describeStep(merge),
    ]);
    expect(mergedDocument().validity).toMatchObject({ valid: true, reasons: [] });
  });

  it('counts every request exactly once; the open-loop stages are i mod 4, the closed loops all the primary', () => {
    const all = jsonLines<RequestLine>(merged.get('requests.jsonl') ?? '');
    expect(all).toHaveLength(TOTAL_REQUESTS);
    expect(new Set(all.map((r) => `${r.stage}/${r.index}`)).size).toBe(TOTAL_REQUESTS);
    expect(mergedDocument().merge.requests).toBe(TOTAL_REQUESTS);
    expect(mergedDocument().results.run?.total_requests).toBe(TOTAL_REQUESTS);
    for (const [position] of matrix.entries()) {
      const own = nodeRecords(position);
      for (const [stage, iterations] of Object.entries(STAGES)) {
        const closed = stage === 'one-at-a-time' || stage === 'slots';
        const expected = Array.from({ length: iterations }, (_, i) => i).filter((i) =>
          closed ? position === 0 : i % NODES === position,
        );
        const indices = own
          .filter((r) => r.stage === stage)
          .map((r) => r.index)
          .sort((a, b) => a - b);
        expect({ position, stage, indices }).toEqual({ position, stage, indices: expected });
      }
    }
    for (const r of all.filter((r) => r.stage === 'one-at-a-time' || r.stage === 'slots'))
      expect(r.node).toBe('M3ULTRA#0');
    expect(mergedDocument().merge.nodes.map((n) => [n.node, n.requests])).toEqual([
      ['M3ULTRA#0', 2 + 4 + 8 + 2],
      ['M3ULTRA#1', 4],
      ['M4PRO#0', 4],
      ['M4PRO#1', 4],
    ]);
  });

  it('records who sent each stage: the primary lists the closed loops as its own, the others skip them', () => {
    expect(nodeDocument(0).schedule?.stages.map((s) => [s.name, s.sent_by, s.requests])).toEqual([
      ['open-before', 'shared', 2],
      ['one-at-a-time', 'primary', 4],
      ['slots', 'primary', 8],
      ['open-after', 'shared', 2],
    ]);
    for (const position of [1, 2, 3]) {
      expect(nodeDocument(position).schedule?.stages.map((s) => [s.name, s.sent_by, s.requests])).toEqual([
        ['open-before', 'shared', 2],
        ['open-after', 'shared', 2],
      ]);
      expect(nodeDocument(position).results.stages.map((s) => s.name)).toEqual(['open-before', 'open-after']);
    }
    // One start per shared stage, the same on every node.
    for (const stage of ['open-before', 'open-after'])
      expect(
        new Set(
          [0, 1, 2, 3].map((i) => nodeDocument(i).schedule?.stages.find((s) => s.name === stage)?.start_ms),
        ).size,
      ).toBe(1);
  });

  /** Most requests in flight at once over `records` (sent … ended; an end before a send at the same time). */
  function peakInFlight(records: Array<{ sent: number; ended: number }>): number {
    const events = records.flatMap((r) => [
      { at: r.sent, step: 1 },
      { at: r.ended, step: -1 },
    ]);
    events.sort((a, b) => a.at - b.at || a.step - b.step);
    let open = 0;
    let peak = 0;
    for (const event of events) {
      open += event.step;
      peak = Math.max(peak, open);
    }
    return peak;
  }

  it('no_overlap had one request in flight at a time, concurrency 4 at most four, in the records', () => {
    const primary = nodeRecords(0);
    const spans = (stage: string): Array<{ sent: number; ended: number }> =>
      primary.filter((r) => r.stage === stage).map((r) => ({ sent: r.sent_at_ms, ended: r.ended_at_ms }));
    expect(peakInFlight(spans('one-at-a-time'))).toBe(1);
    // The four slots start together, so four are in flight at the start.
    expect(peakInFlight(spans('slots'))).toBe(4);
  });

  it('the barriers hold in true time: each closed loop after the stage before it, the next open loop after the last', () => {
    const all = [0, 1, 2, 3].flatMap((i) =>
      nodeRecords(i).map((r) => ({
        stage: r.stage,
        sent: trueTime(i, r.sent_at_ms),
        ended: trueTime(i, r.ended_at_ms),
      })),
    );
    const firstSent = (stage: string): number =>
      Math.min(...all.filter((r) => r.stage === stage).map((r) => r.sent));
    const lastEnded = (stage: string): number =>
      Math.max(...all.filter((r) => r.stage === stage).map((r) => r.ended));
    const gaps = [
      firstSent('one-at-a-time') - lastEnded('open-before'),
      firstSent('slots') - lastEnded('one-at-a-time'),
      firstSent('open-after') - lastEnded('slots'),
    ];
    console.info(
      `load_from closed-loop e2e: gaps between stages in true time ${gaps.map((g) => g.toFixed(1)).join(', ')} ms`,
    );
    for (const gap of gaps) expect(gap).toBeGreaterThan(0);
  });
});
