/**
 * `load_from: all_nodes` with an openai target, one node run at a time in this process against the
 * simulator's openai flavour over real sockets: the stage starts are the plan's (the start the plan job
 * fixed, then each stage after the previous one's span, the drain bound and the skew tolerance), every
 * stage's prompts are sized before the first start, a stage whose requests outlast the drain bound is
 * recorded as an overrun (its requests end by themselves; the next stage begins late) and makes the run
 * invalid, and a node without the plan's start fails saying what to pass. The four-process run with
 * skewed clocks and the merge is __tests__/e2e/load-from-openai.test.ts.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfigText } from '../../src/config/index.js';
import { planArrivals } from '../../src/load/arrivals.js';
import { plannedStageStarts, type ScheduleFacts } from '../../src/load/schedule.js';
import type { RequestRecord } from '../../src/metrics/record.js';
import { runNode, type NodeRunOptions, type NodeRunOutcome } from '../../src/run/benchmark.js';
import {
  DEFAULT_PROFILE,
  FAST_TEST_PROFILE,
  startSimulator,
  type SimulatorHandle,
} from '../../src/simulator/index.js';
import { MemoryLogger } from '../helpers/memory-logger.js';

const configText = (url: string, topLevel: string, stages: string): string => `hardware_plan: { LOADGEN: 2 }
load_from: all_nodes
clock_skew_tolerance_ms: 20
max_dispatch_lag_p99_ms: 1000
target: { kind: openai, base_url: '${url}', model: '${DEFAULT_PROFILE.openai.model}' }
${topLevel}
stages:
${stages}`;

interface NodeRun {
  outcome: NodeRunOutcome;
  records: RequestRecord[];
  schedule: ScheduleFacts | undefined;
  logger: MemoryLogger;
}

describe('load_from: all_nodes with an openai target: a node on the starts the plan fixed', () => {
  let simulator: SimulatorHandle;
  let root: string;

  beforeAll(async () => {
    simulator = await startSimulator({ flavor: 'openai', seed: 5, profile: FAST_TEST_PROFILE });
    root = mkdtempSync(join(tmpdir(), 'exo-bench-load-from-openai-'));
  });

  afterAll(async () => {
    await simulator.close();
    rmSync(root, { recursive: true, force: true });
  });

  /** One node's run of `text`; `node` is its position (0 = the primary), `options` on top. */
  async function runOne(
    text: string,
    node: number,
    folder: string,
    options: Partial<NodeRunOptions> = {},
  ): Promise<NodeRun> {
    const loaded = parseConfigText(text, 'c.yaml', {});
    const logger = new MemoryLogger();
    const outcome = await runNode(
      loaded,
      {
        apiUrl: simulator.url,
        isPrimary: node === 0,
        expectedNodes: 2,
        timeoutSeconds: 10,
        outputDir: join(root, folder),
        runId: 'openai-shared',
        hardwareLabel: 'LOADGEN',
        nodeIndex: node,
        env: {},
        ...options,
      },
      { logger, mask: () => undefined },
    );
    const records = readFileSync(outcome.requestsPath, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as RequestRecord);
    return { outcome, records, schedule: outcome.document.schedule, logger };
  }

  it("two nodes send their shares (i mod 2) of every stage on the plan's starts, with no overrun", async () => {
    const text = configText(
      simulator.url,
      'all_nodes_drain_seconds: 1',
      `  - { name: first, prompt_length: 30, generation_length: 5, time_between_requests: 0.02, iterations: 7, warmup_requests: 1 }
  - { name: second, prompt_length: 30, generation_length: 5, arrival: poisson, time_between_requests: 0.02, iterations: 6 }
`,
    );
    const { stages } = parseConfigText(text, 'c.yaml', {}).config;
    const beganAtMs = Date.now();
    // Long enough for both nodes' prompt calibration on a busy machine: a late node would be invalid.
    const startAtMs = Math.ceil(beganAtMs + 3_000);
    const runs = await Promise.all(
      [0, 1].map((node) => runOne(text, node, `shares-${node}`, { scheduleStartMs: startAtMs })),
    );
    const spans = stages.map((stage, index) => {
      const plan = planArrivals(stage, 0, index);
      if (plan.kind !== 'open') throw new Error('open loop expected');
      return plan.durationMs;
    });
    const starts = plannedStageStarts(startAtMs, spans, 1_000, 20);
    runs.forEach((run, node) => {
      expect([node, run.outcome.document.error]).toEqual([node, null]);
      expect(run.schedule).toMatchObject({
        node,
        nodes: 2,
        planned: { start_at_ms: startAtMs, drain_ms: 1_000 },
        stages: [
          {
            name: 'first',
            start_ms: starts[0],
            requests: node === 0 ? 4 : 3,
            overrun: { requests: 0, ms: 0 },
          },
          { name: 'second', start_ms: starts[1], requests: 3 },
        ],
      });
      // The last stage has no next start to overrun.
      expect(run.schedule?.stages[1]).not.toHaveProperty('overrun');
      for (const stage of run.schedule?.stages ?? []) expect(stage.late_ms).toBeLessThanOrEqual(20);
      stages.forEach((stage, index) => {
        const plan = planArrivals(stage, 0, index);
        if (plan.kind !== 'open') throw new Error('open loop expected');
        const own = run.records.filter((record) => record.stage === stage.name);
        expect(own.map((record) => record.index).sort((a, b) => a - b)).toEqual(
          Array.from({ length: stage.iterations }, (_, i) => i).filter((i) => i % 2 === node),
        );
        for (const record of own)
          expect(record.scheduled_at_ms - (starts[index] as number)).toBeCloseTo(
            plan.offsetMs(record.index),
            3,
          );
      });
      expect(run.logger.lines.some((line) => line.includes('stage starts fixed at plan time'))).toBe(true);
      expect(run.outcome.document.validity.reasons).toEqual([]);
    });
    // At the server: every stage's prompts were sized (max_tokens: 1 probes) before the first start, so
    // no probe landed in a stage; then the 13 requests of the stages, each once.
    const seen = simulator.requests().filter((truth) => truth.arrived_at_ms >= beganAtMs);
    const probes = seen.filter((truth) => truth.max_tokens === 1);
    expect(probes.length).toBeGreaterThan(0);
    for (const probe of probes) expect(probe.arrived_at_ms).toBeLessThan(startAtMs);
    expect(seen.filter((truth) => truth.max_tokens === 5)).toHaveLength(13);
  }, 60_000);

  it('a drain bound too short for the requests: the overrun is recorded, the requests end, the run is invalid', async () => {
    // 100 tokens at the profile's 1,000 tokens/s: every request lasts ≥ 100 ms, the next stage starts
    // 20 ms + 1 ms + 1 ms after the first one's start.
    const text = configText(
      simulator.url,
      'all_nodes_drain_seconds: 0.001\nclock_skew_tolerance_ms: 1',
      `  - { name: long, prompt_length: 30, generation_length: 100, time_between_requests: 0.01, iterations: 3 }
  - { name: after, prompt_length: 30, generation_length: 5, time_between_requests: 0.01, iterations: 2 }
`,
    ).replace('clock_skew_tolerance_ms: 20\n', '');
    const run = await runOne(text, 0, 'overrun', {
      expectedNodes: 1,
      scheduleStartMs: Math.ceil(Date.now() + 1_500),
    });
    const [long, after] = run.schedule?.stages ?? [];
    const overrun = long?.overrun ?? { requests: 0, ms: 0 };
    expect(overrun.requests).toBeGreaterThanOrEqual(1);
    expect(overrun.ms).toBeGreaterThanOrEqual(100 - 22);
    // Not cancelled: every request of the stage ended with its 100 tokens.
    const longRecords = run.records.filter((record) => record.stage === 'long');
    expect(longRecords.map((record) => [record.ok, record.output_tokens])).toEqual([
      [true, 100],
      [true, 100],
      [true, 100],
    ]);
    // The next stage began once they had ended: late by at least the overrun.
    expect(after?.late_ms).toBeGreaterThanOrEqual(overrun.ms);
    expect(run.outcome.verdict).toBe('invalid');
    expect(run.outcome.document.validity.reasons).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^stage long still had [1-3] requests? in flight on node 0 at stage after's start \(the last ended [\d.]+ ms after it\): the stages overlapped; raise all_nodes_drain_seconds \(now 0\.001 s\)$/,
        ),
      ]),
    );
    expect(run.logger.lines.some((line) => line.includes('all_nodes_drain_seconds is too short'))).toBe(true);
  }, 60_000);

  it("a node without the plan's start fails at once, saying what to pass", async () => {
    const text = configText(
      simulator.url,
      '',
      '  - { name: s, prompt_length: 30, generation_length: 5, time_between_requests: 0.02, iterations: 2 }\n',
    );
    const run = await runOne(text, 1, 'no-start');
    expect(run.outcome.verdict).toBe('error');
    expect(run.outcome.document.error).toMatchObject({
      kind: 'input',
      message:
        'load_from: all_nodes with an openai target needs the start the plan job fixed (its start_at_ms), and none was given',
      hint: expect.stringContaining('schedule-start-ms: ${{ matrix.start_at_ms }}'),
    });
    expect(run.records).toEqual([]);
  });

  it('a start given to a run that does not share the load is ignored, with a warning', async () => {
    const text = configText(
      simulator.url,
      '',
      '  - { name: s, prompt_length: 30, generation_length: 5, time_between_requests: 0.02, iterations: 2 }\n',
    ).replace('hardware_plan: { LOADGEN: 2 }\nload_from: all_nodes\nclock_skew_tolerance_ms: 20\n', '');
    const startAtMs = Date.now() + 3_600_000;
    const run = await runOne(text, 0, 'primary', { expectedNodes: 1, scheduleStartMs: startAtMs });
    expect(run.outcome.verdict).toBe('pass');
    expect(run.records).toHaveLength(2);
    expect(run.schedule).toBeUndefined();
    expect(run.logger.lines).toContain(
      `warning: the schedule start ${startAtMs} is ignored: it is for load_from: all_nodes with an openai target (this run's stages start one after another on this node)`,
    );
  });

  it('a node that comes after the whole planned schedule sends nothing', async () => {
    const text = configText(
      simulator.url,
      'all_nodes_drain_seconds: 1',
      '  - { name: s, prompt_length: 30, generation_length: 5, time_between_requests: 0.02, iterations: 2 }\n',
    );
    const run = await runOne(text, 0, 'too-late', { scheduleStartMs: Date.now() - 60_000 });
    expect(run.outcome.verdict).toBe('error');
    expect(run.outcome.document.error?.message).toMatch(/ended at .*, before this node started/);
    expect(run.records).toEqual([]);
  });
});
