/**
 * runStage's dispatch loop with a driven clock and an in-memory server: open-loop sends exactly at the
 * plan's offsets and never before; a closed loop keeps exactly `concurrency` requests open, sends the
 * next one its pause after a completion, and drains; the in-flight sampler runs on the injected clock.
 */
import type { Dispatcher } from 'undici';
import type { StageConfig } from '../../src/config/types.js';
import { planArrivals } from '../../src/load/arrivals.js';
import { runStage, type StageRun } from '../../src/load/stage.js';
import type { RequestRecord } from '../../src/metrics/record.js';
import { preciseNowMs, type Clock } from '../../src/util/clock.js';
import { MemoryLogger } from '../helpers/memory-logger.js';

/**
 * A clock the test moves: its time changes only when the test advances it, and waits resolve then.
 * `followRealTime`: real time plus the offset the test adds instead — records take their times from the
 * real clock, and a closed loop schedules its next request from a record's end, so that loop needs the
 * two in one frame (its checks leave room for the few real ms a test takes).
 */
class DrivenClock implements Clock {
  private offsetMs = 0;
  private waits: { atMs: number; resolve: () => void }[] = [];
  private readonly frozenAtMs = preciseNowMs();

  constructor(private readonly followRealTime = false) {}

  nowMs(): number {
    return (this.followRealTime ? preciseNowMs() : this.frozenAtMs) + this.offsetMs;
  }

  sleep(durationMs: number, signal?: AbortSignal): Promise<void> {
    return this.sleepUntil(this.nowMs() + durationMs, signal);
  }

  sleepUntil(targetMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(new Error('aborted'));
      const wait = { atMs: targetMs, resolve };
      this.waits.push(wait);
      signal?.addEventListener('abort', () => {
        this.waits = this.waits.filter((w) => w !== wait);
        reject(new Error('aborted'));
      });
    });
  }

  /** Moves time forward by `ms`, wakes every wait that is due, and lets the woken code run. */
  async advance(ms: number): Promise<void> {
    this.offsetMs += ms;
    for (;;) {
      const now = this.nowMs();
      const due = this.waits.filter((w) => w.atMs <= now);
      if (due.length === 0) break;
      this.waits = this.waits.filter((w) => w.atMs > now);
      for (const wait of due) wait.resolve();
      await settle();
    }
    await settle();
  }

  /** The earliest pending wait, ms from now (undefined when nothing waits). */
  nextWaitInMs(): number | undefined {
    if (this.waits.length === 0) return undefined;
    return Math.min(...this.waits.map((w) => w.atMs)) - this.nowMs();
  }
}

/** Lets promise chains and immediates run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i += 1) await new Promise<void>((resolve) => setImmediate(resolve));
}

const STREAM = Buffer.from(
  'data: {"id":"x","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"a"},"finish_reason":"length"}],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}\n\ndata: [DONE]\n\n',
);

/** An in-memory server: each request stays open until the test completes it. */
class HeldServer {
  readonly open: (() => void)[] = [];
  dispatched = 0;

  readonly dispatcher = {
    dispatch: (_options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean => {
      const controller = {
        aborted: false,
        paused: false,
        reason: null,
        abort() {},
        pause() {},
        resume() {},
      } as unknown as Dispatcher.DispatchController;
      this.dispatched += 1;
      handler.onRequestStart?.(controller, {});
      handler.onResponseStart?.(controller, 200, { 'content-type': 'text/event-stream' }, 'OK');
      this.open.push(() => {
        handler.onResponseData?.(controller, STREAM);
        handler.onResponseEnd?.(controller, {});
      });
      return true;
    },
  } as unknown as Dispatcher;

  /** Completes the oldest open request. */
  async completeOldest(): Promise<void> {
    const complete = this.open.shift();
    if (!complete) throw new Error('no open request');
    complete();
    await settle();
  }
}

const baseStage: StageConfig = {
  name: 's',
  prompt_length: 1,
  generation_length: 1,
  time_between_requests: 0,
  iterations: 1,
  no_overlap: false,
  warmup_requests: 0,
  warmup: false,
};

function start(stage: StageConfig, clock: DrivenClock, server: HeldServer, logger = new MemoryLogger()) {
  const records: RequestRecord[] = [];
  const run = runStage(stage, {
    clock,
    logger,
    request: { dispatcher: server.dispatcher, requestTimeoutMs: 30_000, idleTimeoutMs: 30_000 },
    buildRequest: () => ({
      origin: 'http://in-memory',
      path: '/v1/chat/completions',
      body: '{}',
      headers: {},
    }),
    onRecord: (record) => records.push(record),
    progressIntervalMs: 1_000,
    leadTimeMs: 10,
    seed: 3,
    stageIndex: 1,
  });
  return { run, records };
}

describe('runStage with a driven clock', () => {
  it('open loop: sends request i at start + offset(i) of the plan, never earlier', async () => {
    const clock = new DrivenClock();
    const server = new HeldServer();
    const stage: StageConfig = {
      ...baseStage,
      arrival: 'poisson',
      time_between_requests: 0.1,
      iterations: 20,
    };
    const plan = planArrivals(stage, 3, 1);
    if (plan.kind !== 'open') throw new Error('open loop expected');
    const { run } = start(stage, clock, server);
    await settle();
    expect(server.dispatched).toBe(0);
    // Step to just before each planned send, then just after it.
    let elapsedMs = 0;
    for (let index = 0; index < 20; index += 1) {
      const dueMs = 10 + plan.offsetMs(index);
      if (dueMs - 0.5 > elapsedMs) {
        await clock.advance(dueMs - 0.5 - elapsedMs);
        elapsedMs = dueMs - 0.5;
        expect({ index, sent: server.dispatched }).toEqual({ index, sent: index });
      }
      await clock.advance(dueMs + 0.5 - elapsedMs);
      elapsedMs = dueMs + 0.5;
      expect(server.dispatched).toBeGreaterThanOrEqual(index + 1);
    }
    while (server.open.length > 0) await server.completeOldest();
    const result: StageRun = await run;
    // Epoch milliseconds resolve ~0.25 µs: equal to that.
    result.records.forEach((record, index) =>
      expect(record.scheduled_at_ms - result.startedAtMs).toBeCloseTo(plan.offsetMs(index), 3),
    );
    expect(result.plan.kind).toBe('open');
    expect(result.seed).toBe(3);
    expect(result.interrupted).toBe(false);
  });

  it('closed loop: exactly `concurrency` open, the next sent its pause after a completion, then drained', async () => {
    const clock = new DrivenClock(true);
    const server = new HeldServer();
    const stage: StageConfig = { ...baseStage, concurrency: 3, time_between_requests: 2, iterations: 7 };
    const { run, records } = start(stage, clock, server);
    await settle();
    await clock.advance(10); // the lead time
    expect(server.open.length).toBe(3);
    for (let done = 1; done <= 7; done += 1) {
      await server.completeOldest();
      expect(records.length).toBe(done);
      // The freed slot waits its pause (2 s): nothing new half-way, never more than 3 open.
      const sentBefore = server.dispatched;
      await clock.advance(1000);
      expect(server.dispatched).toBe(sentBefore);
      await clock.advance(1100);
      expect(server.open.length).toBe(Math.min(3, 7 - done));
      expect(server.open.length).toBeLessThanOrEqual(3);
    }
    const result = await run;
    expect(server.dispatched).toBe(7);
    expect(result.records.map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(result.peakInFlight).toBe(3);
    // A slot's next request is scheduled at the previous one's end plus the pause.
    const byIndex = new Map(result.records.map((r) => [r.index, r]));
    expect(byIndex.get(3)!.scheduled_at_ms).toBeCloseTo(byIndex.get(0)!.ended_at_ms + 2000, 6);
    expect(result.plan).toEqual({ kind: 'closed', concurrency: 3, pauseMs: 2000 });
  });

  it('samples the in-flight count on the injected clock, and logs progress without an ETA for a closed loop', async () => {
    const clock = new DrivenClock(true);
    const server = new HeldServer();
    const logger = new MemoryLogger();
    const stage: StageConfig = { ...baseStage, concurrency: 2, iterations: 4 };
    const { run } = start(stage, clock, server, logger);
    await settle();
    await clock.advance(10);
    expect(server.open.length).toBe(2);
    // A closed loop samples every 50 ms of the clock: four periods, four samples of 2 open.
    for (let i = 0; i < 4; i += 1) await clock.advance(50);
    await server.completeOldest();
    await server.completeOldest();
    for (let i = 0; i < 25; i += 1) await clock.advance(50); // past the 1 s progress interval
    await server.completeOldest();
    await server.completeOldest();
    const result = await run;
    expect(result.inFlightSamples.slice(0, 4).map((s) => s.in_flight)).toEqual([2, 2, 2, 2]);
    expect(result.inFlightSamples.length).toBeGreaterThanOrEqual(29);
    expect(logger.lines).toContain('stage s: 4/4 sent, 2 done, 0 failed, 2 in flight');
    expect(logger.lines[logger.lines.length - 1]).toBe('stage s: 4/4 sent, 4 done, 0 failed, 0 in flight');
    // Nothing is left waiting on the clock once the stage is over.
    expect(clock.nextWaitInMs()).toBeUndefined();
  });
});
