/**
 * load_from: all_nodes, the pure parts (src/load/schedule.ts, the beacon text of src/cluster/beacon.ts,
 * chrony's offset): request i of a stage is node i mod N's, the nodes' shares add up to the one-node
 * schedule at the plan's own offsets from the published start, the starts an openai target's plan fixes
 * (each stage after the previous one's span, the drain bound and the skew tolerance) with the overrun of
 * a stage whose requests outlast it, the judgement of a shared schedule (late starts, overruns,
 * disagreeing starts, clock skew beyond the tolerance), and the stages the primary sends alone on an EXO
 * target (closed loops, capacity searches): which they are, how long a secondary may wait through them,
 * and the merge's check that every node sent exactly its share.
 */
import type { Dispatcher } from 'undici';
import type { StageConfig } from '../../src/config/types.js';
import { beaconText, findBeacon, parseBeacon } from '../../src/cluster/beacon.js';
import { planArrivals } from '../../src/load/arrivals.js';
import { primaryOnlyStageMaxMs } from '../../src/load/duration.js';
import {
  isMine,
  isPrimaryOnlyStage,
  judgeShares,
  judgeSharedSchedule,
  plannedStageStarts,
  scheduleReasons,
  shareCount,
  stageOverrun,
  type ScheduleFacts,
} from '../../src/load/schedule.js';
import { runStage } from '../../src/load/stage.js';
import type { RequestRecord } from '../../src/metrics/record.js';
import { parseChronyTracking } from '../../src/run/clock-offset.js';
import { sleepMs, type Clock } from '../../src/util/clock.js';
import { MemoryLogger } from '../helpers/memory-logger.js';

describe('the share rule: request i on node i mod N', () => {
  it('gives every index to exactly one node, and shareCount counts it', () => {
    for (const nodes of [1, 2, 3, 4, 7])
      for (const iterations of [0, 1, 3, 4, 10, 13]) {
        const owners = Array.from({ length: iterations }, (_, index) =>
          Array.from({ length: nodes }, (_, node) => node).filter((node) => isMine({ node, nodes }, index)),
        );
        expect(owners).toEqual(Array.from({ length: iterations }, (_, index) => [index % nodes]));
        for (let node = 0; node < nodes; node += 1)
          expect(shareCount({ node, nodes }, iterations)).toBe(
            owners.filter((list) => list[0] === node).length,
          );
      }
  });
});

/**
 * A clock whose sleepUntil jumps to the deadline at once, so runStage's sends land exactly on schedule;
 * plain sleeps (the in-flight sampler's) wait for real, so the sampler does not spin.
 */
class JumpingClock implements Clock {
  constructor(private now: number) {}
  nowMs(): number {
    return this.now;
  }
  sleep(durationMs: number, signal?: AbortSignal): Promise<void> {
    return sleepMs(durationMs, signal);
  }
  sleepUntil(targetMs: number): Promise<void> {
    this.now = Math.max(this.now, targetMs);
    return Promise.resolve();
  }
}

const STREAM = Buffer.from(
  'data: {"id":"x","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"a"},"finish_reason":"length"}],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}\n\ndata: [DONE]\n\n',
);

/** Answers every request at once (one chunk and the end). */
const instantServer = {
  dispatch: (_options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean => {
    const controller = {
      aborted: false,
      paused: false,
      reason: null,
      abort() {},
      pause() {},
      resume() {},
    } as unknown as Dispatcher.DispatchController;
    handler.onRequestStart?.(controller, {});
    handler.onResponseStart?.(controller, 200, { 'content-type': 'text/event-stream' }, 'OK');
    setImmediate(() => {
      handler.onResponseData?.(controller, STREAM);
      handler.onResponseEnd?.(controller, {});
    });
    return true;
  },
} as unknown as Dispatcher;

describe('runStage with a share and a published start', () => {
  const stage: StageConfig = {
    name: 's',
    prompt_length: 1,
    generation_length: 1,
    time_between_requests: 0.05,
    iterations: 23,
    no_overlap: false,
    arrival: 'gamma',
    burstiness: 0.5,
    warmup_requests: 0,
    warmup: false,
  };

  it("the nodes' shares are the one-node schedule: each index once, at start + the plan's offset", async () => {
    const nodes = 4;
    const startMs = 1_900_000_000_000;
    const plan = planArrivals(stage, 9, 2);
    if (plan.kind !== 'open') throw new Error('open loop expected');
    const all: RequestRecord[] = [];
    for (let node = 0; node < nodes; node += 1) {
      const records: RequestRecord[] = [];
      const result = await runStage(stage, {
        clock: new JumpingClock(startMs - 1_000),
        logger: new MemoryLogger(),
        request: { dispatcher: instantServer, requestTimeoutMs: 30_000, idleTimeoutMs: 30_000 },
        buildRequest: () => ({
          origin: 'http://in-memory',
          path: '/v1/chat/completions',
          body: '{}',
          headers: {},
        }),
        onRecord: (record) => records.push(record),
        progressIntervalMs: 60_000,
        seed: 9,
        stageIndex: 2,
        startAtMs: startMs,
        share: { node, nodes },
      });
      expect(result.startedAtMs).toBe(startMs);
      expect(records.map((r) => r.index).sort((a, b) => a - b)).toEqual(
        Array.from({ length: shareCount({ node, nodes }, stage.iterations) }, (_, k) => node + k * nodes),
      );
      all.push(...records);
    }
    expect(all.map((r) => r.index).sort((a, b) => a - b)).toEqual(
      Array.from({ length: stage.iterations }, (_, index) => index),
    );
    for (const record of all)
      // Epoch milliseconds resolve ~0.25 µs: equal to that.
      expect(record.scheduled_at_ms - startMs).toBeCloseTo(plan.offsetMs(record.index), 3);
  });

  it('refuses to share a closed loop', async () => {
    await expect(
      runStage(
        { ...stage, concurrency: 2 },
        {
          clock: new JumpingClock(0),
          logger: new MemoryLogger(),
          request: { dispatcher: instantServer, requestTimeoutMs: 30_000, idleTimeoutMs: 30_000 },
          buildRequest: () => ({ origin: 'http://in-memory', path: '/', body: '{}', headers: {} }),
          onRecord: () => undefined,
          progressIntervalMs: 60_000,
          share: { node: 0, nodes: 2 },
        },
      ),
    ).rejects.toThrow('a closed loop cannot be shared');
  });
});

describe('the schedule beacon', () => {
  it('round-trips run, stage and start through the prompt of a task in /state', () => {
    const text = beaconText('5151-1', 3, 1_900_000_000_123.456);
    expect(parseBeacon(text)).toEqual({ runId: '5151-1', stageIndex: 3, startMs: 1_900_000_000_123.456 });
    const tasks = {
      a: { TextGeneration: { taskParams: { input: [{ role: 'user', content: 'hello' }] } } },
      b: { LoadModel: {} },
      c: {
        TextGeneration: { taskStatus: 'Cancelled', taskParams: { input: [{ role: 'user', content: text }] } },
      },
      d: {
        TextGeneration: {
          taskParams: {
            input: [{ role: 'user', content: [{ type: 'text', text: beaconText('other', 3, 5) }] }],
          },
        },
      },
    };
    expect(findBeacon(tasks, '5151-1', 3)).toBe(1_900_000_000_123.456);
    expect(findBeacon(tasks, '5151-1', 2)).toBeUndefined();
    expect(findBeacon(tasks, 'other', 3)).toBe(5);
    expect(findBeacon(undefined, 'x', 0)).toBeUndefined();
    expect(findBeacon({ x: null, y: { TextGeneration: 'odd' } }, 'x', 0)).toBeUndefined();
  });
});

describe('clock offsets and the judgement of a shared schedule', () => {
  it("reads chrony's offset, fast positive and slow negative", () => {
    expect(parseChronyTracking('System time     : 0.000012345 seconds fast of NTP time\n')).toBeCloseTo(
      0.012345,
      9,
    );
    expect(parseChronyTracking('System time     : 0.002500000 seconds slow of NTP time\n')).toBeCloseTo(
      -2.5,
      9,
    );
    expect(parseChronyTracking('506 Cannot talk to daemon')).toBeUndefined();
  });

  const facts = (node: number, offset: number | null, starts: number[], late = 0): ScheduleFacts => ({
    load_from: 'all_nodes',
    node,
    nodes: 4,
    skew_tolerance_ms: 20,
    clock_offset_ms: offset,
    clock_offset_source: offset === null ? 'none' : 'simulated',
    stages: starts.map((start, i) => ({ name: `s${i}`, start_ms: start, late_ms: late, requests: 5 })),
  });

  it('a node that began a stage later than the tolerance is invalid, with the stage and the lateness', () => {
    expect(scheduleReasons(facts(1, 0, [1000], 20))).toEqual([]);
    expect(scheduleReasons(facts(1, 0, [1000], 35.25))).toEqual([
      'stage s0: node 1 began 35.3 ms after the shared start, more than the clock skew tolerance of 20 ms (the nodes did not send on one schedule)',
    ]);
  });

  it('skew within the tolerance is valid and reported; beyond it, invalid with the reason', () => {
    const within = judgeSharedSchedule([
      { node: 'a#0', schedule: facts(0, -5, [1000, 2000]) },
      { node: 'a#1', schedule: facts(1, 5, [1000, 2000]) },
    ]);
    expect(within).toEqual({ reasons: [], notes: [], skewMs: 10 });
    const beyond = judgeSharedSchedule([
      { node: 'a#0', schedule: facts(0, -15, [1000]) },
      { node: 'a#1', schedule: facts(1, 15, [1000]) },
    ]);
    expect(beyond.skewMs).toBe(30);
    expect(beyond.reasons).toEqual([
      'clock skew between the nodes 30.0 ms > the tolerance of 20 ms (clock_skew_tolerance_ms): their shares were not sent on one schedule',
    ]);
  });

  it('nodes that followed different starts are invalid; an unmeasured offset is a note', () => {
    const judged = judgeSharedSchedule([
      { node: 'a#0', schedule: facts(0, null, [1000, 2000]) },
      { node: 'a#1', schedule: facts(1, 0, [1000, 2500]) },
    ]);
    expect(judged.skewMs).toBeNull();
    expect(judged.reasons).toEqual(['stage s1: the nodes followed different starts (a#0: 2000; a#1: 2500)']);
    expect(judged.notes).toEqual([
      'clock offset not measured on a#0: the skew tolerance of 20 ms is assumed, not verified',
    ]);
  });
});

describe('stage starts fixed at plan time (openai targets)', () => {
  const stages: StageConfig[] = [
    {
      name: 'ramp',
      prompt_length: 1,
      generation_length: 1,
      time_between_requests: 0.05,
      iterations: 12,
      no_overlap: false,
      arrival: 'constant',
      warmup_requests: 2,
      warmup: true,
    },
    {
      name: 'bursty',
      prompt_length: 1,
      generation_length: 1,
      time_between_requests: 0.03,
      iterations: 40,
      no_overlap: false,
      arrival: 'poisson',
      warmup_requests: 0,
      warmup: false,
    },
    {
      name: 'single',
      prompt_length: 1,
      generation_length: 1,
      time_between_requests: 1,
      iterations: 1,
      no_overlap: false,
      arrival: 'constant',
      warmup_requests: 0,
      warmup: false,
    },
  ];
  const spans = stages.map((stage, index) => {
    const plan = planArrivals(stage, 7, index);
    if (plan.kind !== 'open') throw new Error('open loop expected');
    return plan.durationMs;
  });

  it('stage 0 at the plan start; stage k+1 after k span, the drain bound and the tolerance, in whole ms', () => {
    expect(plannedStageStarts(1_900_000_000_000, [550, 0, 1200.25], 2_000, 20)).toEqual([
      1_900_000_000_000, 1_900_000_002_570, 1_900_000_004_590,
    ]);
    expect(plannedStageStarts(1_900_000_000_000.5, [10.2], 1_000, 20)).toEqual([1_900_000_000_000.5]);
    expect(plannedStageStarts(5, [], 1, 1)).toEqual([]);
  });

  it('is the same on every node: a pure function of the plan start and the config', () => {
    const starts = () => plannedStageStarts(1_900_000_000_000, spans, 10_000, 20);
    expect(starts()).toEqual(starts());
    expect(starts()).toHaveLength(stages.length);
  });

  it('leaves every request of a stage, lasting up to the drain bound, ended before the next start, on a clock up to the tolerance behind', () => {
    const drainMs = 10_000;
    const toleranceMs = 20;
    const starts = plannedStageStarts(1_900_000_000_000, spans, drainMs, toleranceMs);
    stages.forEach((stage, k) => {
      const next = starts[k + 1];
      if (next === undefined) return;
      const plan = planArrivals(stage, 7, k);
      if (plan.kind !== 'open') throw new Error('open loop expected');
      for (let index = 0; index < stage.iterations; index += 1) {
        // Sent on a sender's clock `toleranceMs` behind the next stage's starter: it ends that much later.
        const endsAt = (starts[k] as number) + plan.offsetMs(index) + drainMs + toleranceMs;
        expect(endsAt).toBeLessThanOrEqual(next);
      }
    });
  });

  it("counts a stage's overrun: the requests that ended after the next start, and by how much", () => {
    expect(stageOverrun([100, 200, 300], 300)).toEqual({ requests: 0, ms: 0 });
    expect(stageOverrun([100, 350.5, 301, 200], 300)).toEqual({ requests: 2, ms: 50.5 });
    expect(stageOverrun([], 300)).toEqual({ requests: 0, ms: 0 });
  });

  it('an overrun makes the node invalid, naming both stages and the field to raise', () => {
    const facts: ScheduleFacts = {
      load_from: 'all_nodes',
      node: 2,
      nodes: 4,
      skew_tolerance_ms: 20,
      clock_offset_ms: 0,
      clock_offset_source: 'simulated',
      planned: { start_at_ms: 1000, drain_ms: 1500 },
      stages: [
        { name: 'a', start_ms: 1000, late_ms: 0, requests: 3, overrun: { requests: 0, ms: 0 } },
        { name: 'b', start_ms: 3000, late_ms: 0, requests: 3, overrun: { requests: 2, ms: 84.25 } },
        { name: 'c', start_ms: 5000, late_ms: 84.5, requests: 1, overrun: { requests: 1, ms: 3 } },
      ],
    };
    expect(scheduleReasons(facts)).toEqual([
      "stage b still had 2 requests in flight on node 2 at stage c's start (the last ended 84.3 ms after it): the stages overlapped; raise all_nodes_drain_seconds (now 1.5 s)",
      'stage c: node 2 began 84.5 ms after the shared start, more than the clock skew tolerance of 20 ms (the nodes did not send on one schedule)',
      "stage c still had 1 request in flight on node 2 at the next stage's start (the last ended 3.0 ms after it): the stages overlapped; raise all_nodes_drain_seconds (now 1.5 s)",
    ]);
  });
});

describe('stages the primary sends alone (closed loops and capacity searches, EXO targets)', () => {
  const stage = (name: string, fields: Partial<StageConfig>): StageConfig => ({
    name,
    prompt_length: 20,
    generation_length: 5,
    iterations: 8,
    time_between_requests: 0,
    no_overlap: false,
    warmup_requests: 0,
    warmup: false,
    ...fields,
  });
  const open = stage('open', { time_between_requests: 0.1 });
  const oneAtATime = stage('one', { no_overlap: true, time_between_requests: 0 });
  const slots = stage('slots', { concurrency: 4 });
  const search = stage('search', {
    search: {
      metric: 'ttft_p95_ms',
      max: 500,
      rate: { min: 2, max: 8 },
      probe_requests: 10,
      tolerance: 0.1,
      max_probes: 6,
      max_failure_rate: 0,
    },
  });

  it('are the closed loops (concurrency, no_overlap) and the capacity searches; open loops are shared', () => {
    expect([open, oneAtATime, slots, search].map(isPrimaryOnlyStage)).toEqual([false, true, true, true]);
  });

  it("bound a secondary's wait by the longest the primary may take, from the config alone", () => {
    // no_overlap: 8 requests one after another, each within the 2 s deadline, then one drain of 5 s.
    expect(primaryOnlyStageMaxMs(oneAtATime, 2_000, 5_000)).toBe(8 * 2_000 + 5_000);
    // concurrency 4: two rounds of requests per slot, each with its 0.5 s pause.
    expect(primaryOnlyStageMaxMs({ ...slots, time_between_requests: 0.5 }, 2_000, 5_000)).toBe(
      2 * 2_500 + 5_000,
    );
    // A rate search: 6 probes of 10 requests at ≥ 2 per second, the last one's deadline and a drain each.
    expect(primaryOnlyStageMaxMs(search, 2_000, 5_000)).toBe(6 * (5_000 + 2_000 + 5_000));
    // A concurrency search from 2: ⌈10 ÷ 2⌉ requests one after another per probe.
    const slotsSearch = stage('slots-search', {
      search: {
        metric: 'ttft_p95_ms',
        max: 500,
        concurrency: { min: 2, max: 16 },
        probe_requests: 10,
        tolerance: 0.1,
        max_probes: 6,
        max_failure_rate: 0,
      },
    });
    expect(primaryOnlyStageMaxMs(slotsSearch, 2_000, 5_000)).toBe(6 * (5 * 2_000 + 5_000));
  });

  const schedule = (node: number, stages: string[]): ScheduleFacts => ({
    load_from: 'all_nodes',
    node,
    nodes: 4,
    skew_tolerance_ms: 20,
    clock_offset_ms: 0,
    clock_offset_source: 'simulated',
    stages: stages.map((name) => ({
      name,
      sent_by: name === 'open' ? 'shared' : 'primary',
      start_ms: 1000,
      late_ms: 0,
      requests: 2,
    })),
  });
  const records = (stageName: string, indices: number[]): Array<{ stage: string; index: number }> =>
    indices.map((index) => ({ stage: stageName, index }));
  const share = (node: number): number[] => [0, 1, 2, 3, 4, 5, 6, 7].filter((i) => i % 4 === node);
  const stages = [open, oneAtATime, search];

  it("accepts each node's exact share of a shared stage, and the primary alone in its own stages", () => {
    const nodes = [0, 1, 2, 3].map((node) => ({
      node: `n#${node}`,
      schedule: schedule(node, node === 0 ? ['open', 'one', 'search'] : ['open']),
      records: [
        ...records('open', share(node)),
        ...(node === 0 ? [...records('one', [0, 1, 2, 3, 4, 5, 6, 7]), ...records('search', [0, 1, 2])] : []),
      ],
    }));
    expect(judgeShares(nodes, stages)).toEqual([]);
  });

  it('flags a secondary that sent requests of a stage the primary sends alone', () => {
    const nodes = [
      {
        node: 'n#0',
        schedule: schedule(0, ['open', 'one']),
        records: [...records('open', share(0)), ...records('one', [0, 1])],
      },
      {
        node: 'n#2',
        schedule: schedule(2, ['open']),
        records: [...records('open', share(2)), ...records('one', [2, 3, 4])],
      },
    ];
    expect(judgeShares(nodes, stages)).toEqual([
      "stage one is the primary's alone (a closed loop or capacity search), yet node n#2 sent 3 of its requests",
    ]);
  });

  it("flags a shared stage's requests outside a node's share, and its share's requests missing from a stage it began", () => {
    const nodes = [
      { node: 'n#1', schedule: schedule(1, ['open']), records: records('open', [1, 2, 5]) },
      // Node 3 never began the stage (its run failed before): its absence is that failure, not a share.
      { node: 'n#3', schedule: schedule(3, []), records: [] },
    ];
    expect(judgeShares(nodes, [open])).toEqual([
      'stage open: node n#1 sent request 2, outside its share (i mod 4 = 1)',
    ]);
    const missing = [{ node: 'n#1', schedule: schedule(1, ['open']), records: records('open', [1]) }];
    expect(judgeShares(missing, [open])).toEqual([
      'stage open: node n#1 did not send request 5 of its share (i mod 4 = 1)',
    ]);
    const wrong = [
      { node: 'n#0', schedule: schedule(0, ['open']), records: records('open', [0, 1, 2, 3, 4, 5, 6, 7]) },
    ];
    expect(judgeShares(wrong, [open])).toEqual([
      'stage open: node n#0 sent requests 1, 2, 3, 5, 6, 7, outside its share (i mod 4 = 0)',
    ]);
  });
});
