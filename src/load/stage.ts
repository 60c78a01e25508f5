/**
 * Running one stage by its arrival plan (src/load/arrivals.ts). Open loop — the i-th request is sent at
 * `start + offset(i)`, computed up front from one absolute start so sleeping never accumulates drift,
 * and nobody waits for earlier responses. Closed loop (`concurrency`, and `no_overlap` as concurrency 1)
 * — that many slots, each sending its next request a pause after its previous one completes.
 */
import type { StageConfig } from '../config/types.js';
import { DEFAULT_SEED, planArrivals, type ArrivalPlan } from './arrivals.js';
import type { RequestRecord } from '../metrics/record.js';
import type { Logger } from '../core/ports.js';
import { formatDuration, type Clock } from '../util/clock.js';
import { isMine, shareCount, type LoadShare } from './schedule.js';
import {
  startRequest,
  warmUpRequestPath,
  type InFlightRequest,
  type RequestOptions,
  type RequestSpec,
} from './request.js';

/** A point of the in-flight series: how many requests were open at a time. */
export interface InFlightSample {
  /** When, ms on the run's monotonic clock. */
  at_ms: number;
  /**
   * Requests open at that time.
   * @asType integer
   * @minimum 0
   */
  in_flight: number;
}

/** What a stage run produced, before statistics. */
export interface StageRun {
  stage: StageConfig;
  records: RequestRecord[];
  /** The schedule's origin (the first request's scheduled time). */
  startedAtMs: number;
  /** When the last request of the stage ended. */
  endedAtMs: number;
  peakInFlight: number;
  inFlightSamples: InFlightSample[];
  /** True when the stage stopped early (cancellation). */
  interrupted: boolean;
  /** The plan the stage followed. */
  plan: ArrivalPlan;
  /** The run seed the plan's random stream was derived from. */
  seed: number;
}

/** Everything a stage needs besides its config. */
export interface StageRunnerOptions {
  clock: Clock;
  logger: Logger;
  request: RequestOptions;
  /** Builds the i-th request of the stage. */
  buildRequest(index: number): RequestSpec;
  /** Called as each request ends (requests.jsonl is appended here). */
  onRecord(record: RequestRecord): void;
  signal?: AbortSignal;
  /** Gap between two progress lines, milliseconds. */
  progressIntervalMs: number;
  /** Delay before the first send, so request 0 is scheduled in the future and not born late. */
  leadTimeMs?: number;
  /** The run's `seed` (default DEFAULT_SEED): random arrivals draw from a stream of it. */
  seed?: number;
  /** The stage's position in the run: picks the stage's own stream of the seed (default 0). */
  stageIndex?: number;
  /** A plan made elsewhere (a trace's timestamps: tracePlan); default: the stage's own (planArrivals). */
  plan?: ArrivalPlan;
  /**
   * The schedule's origin, epoch ms on `clock` (`load_from: all_nodes`: the start every node read from
   * the primary's beacon); default: now + leadTimeMs.
   */
  startAtMs?: number;
  /**
   * Send only this node's share of an open-loop stage: request i when i mod nodes = node, at the plan's
   * own offset (src/load/schedule.ts). Default: every request.
   */
  share?: LoadShare;
}

/** At most this many in-flight samples per stage; the period is derived from the stage's length. */
const MAX_IN_FLIGHT_SAMPLES = 400;

/**
 * Runs a stage to its end (or to cancellation) and returns every record.
 *
 * Longer than the ~80 lines the rest of src/ keeps to, on purpose: this is the scheduler's hot path, and
 * its send loops, in-flight sampler and drain share their counters as locals. A split into named steps
 * (one record of counters passed around) measured the same at 1,000 req/s but a TTFT error p99 of 3.60
 * against 1.83 ms at 10 req/s (medians of 6 alternating rounds of bench/load.mjs, 2026-11-30), which was
 * not explained; the function stays whole until a split measures the same.
 */
export async function runStage(stage: StageConfig, options: StageRunnerOptions): Promise<StageRun> {
  const { clock, logger, signal } = options;
  const seed = options.seed ?? DEFAULT_SEED;
  const plan = options.plan ?? planArrivals(stage, seed, options.stageIndex ?? 0);
  const records: RequestRecord[] = [];
  const inFlight = new Set<InFlightRequest>();
  const inFlightSamples: InFlightSample[] = [];
  let peakInFlight = 0;
  let sent = 0;
  let failed = 0;
  let interrupted = false;

  // Before the schedule starts: build a request and run it through the request path in memory, once.
  // The first scheduled request would otherwise pay for the first use of that code (measured: 3–5 ms of
  // dispatch lag at 10 req/s, against 0.1 ms for the next ones). Nothing is sent.
  await warmUpRequestPath(options.buildRequest(0));

  const startedAtMs = options.startAtMs ?? clock.nowMs() + (options.leadTimeMs ?? 5);
  const share = options.share;
  if (share && plan.kind === 'closed')
    throw new Error(`stage ${stage.name}: a closed loop cannot be shared between nodes`);
  // The requests this node sends: all of them, or its share.
  const planned = share ? shareCount(share, stage.iterations) : stage.iterations;
  // A closed loop's length depends on the server: no ETA, and the shortest sampling period.
  const expectedDurationMs = plan.kind === 'open' ? plan.durationMs : 0;
  const samplePeriodMs = Math.max(50, expectedDurationMs / MAX_IN_FLIGHT_SAMPLES);
  let onDrained: (() => void) | undefined;
  let lastProgressMs = clock.nowMs();
  const progress = (force: boolean): void => {
    const nowMs = clock.nowMs();
    if (!force && nowMs - lastProgressMs < options.progressIntervalMs) return;
    lastProgressMs = nowMs;
    const remainingMs =
      plan.kind === 'closed' ? undefined : Math.max(0, startedAtMs + expectedDurationMs - nowMs);
    logger.info(
      `stage ${stage.name}: ${sent}/${planned} sent, ${records.length} done, ${failed} failed, ` +
        `${inFlight.size} in flight${remainingMs === undefined ? '' : `, eta ${formatDuration(remainingMs)}`}`,
    );
  };
  // The in-flight sampler waits on the injected clock, so a driven clock drives it too.
  const stopSampler = new AbortController();
  const sampler = (async (): Promise<void> => {
    for (;;) {
      try {
        await clock.sleep(samplePeriodMs, stopSampler.signal);
      } catch {
        return; // the stage is over
      }
      if (inFlightSamples.length < MAX_IN_FLIGHT_SAMPLES * 2)
        inFlightSamples.push({ at_ms: clock.nowMs(), in_flight: inFlight.size });
      progress(false);
    }
  })();
  const onAbort = (): void => {
    interrupted = true;
    for (const request of inFlight) request.cancel('cancelled: the run was stopped');
  };
  signal?.addEventListener('abort', onAbort, { once: true });

  // An open loop builds a request (its prompt, its JSON) before waiting for its send time, so the idle wait
  // absorbs that work instead of the dispatch lag; a closed loop's slots take the next index only once
  // their wait is over, so they build it then.
  const fire = (index: number, scheduledAtMs: number, spec: RequestSpec): InFlightRequest => {
    const request = startRequest(
      spec,
      { stage: stage.name, index, warmup: index < stage.warmup_requests, scheduledAtMs },
      options.request,
    );
    sent += 1;
    inFlight.add(request);
    if (inFlight.size > peakInFlight) peakInFlight = inFlight.size;
    void request.done.then((record) => {
      inFlight.delete(request);
      records.push(record);
      if (!record.ok) failed += 1;
      options.onRecord(record);
      if (inFlight.size === 0) onDrained?.();
    });
    return request;
  };

  /** Waits until `targetMs`; false when the run was stopped meanwhile. */
  const waitUntil = async (targetMs: number): Promise<boolean> => {
    if (signal?.aborted) return false;
    if (clock.nowMs() >= targetMs) return true;
    try {
      await clock.sleepUntil(targetMs, signal);
      return true;
    } catch {
      return false; // aborted while waiting: stop firing
    }
  };

  try {
    if (plan.kind === 'open') {
      const first = share ? share.node : 0;
      const step = share ? share.nodes : 1;
      for (let index = first; index < stage.iterations; index += step) {
        if (share && !isMine(share, index)) continue;
        const scheduledAtMs = startedAtMs + plan.offsetMs(index);
        const spec = options.buildRequest(index);
        if (!(await waitUntil(scheduledAtMs))) break;
        fire(index, scheduledAtMs, spec);
      }
    } else {
      // Closed loop: the slots start together (one wait, not one spinning wait per slot), then each
      // sends its next request `pauseMs` after its previous one ended; indices go out in order.
      let nextIndex = 0;
      const runSlot = async (): Promise<void> => {
        let scheduledAtMs = startedAtMs;
        while (nextIndex < stage.iterations) {
          if (!(await waitUntil(scheduledAtMs))) return;
          if (nextIndex >= stage.iterations) return;
          const index = nextIndex++;
          const record = await fire(index, scheduledAtMs, options.buildRequest(index)).done;
          scheduledAtMs = record.ended_at_ms + plan.pauseMs;
        }
      };
      if (await waitUntil(startedAtMs))
        await Promise.all(Array.from({ length: plan.concurrency }, () => runSlot()));
    }
    // Drain: every request ends by itself (completion, its own deadline or cancellation).
    if (inFlight.size > 0) await new Promise<void>((resolve) => (onDrained = resolve));
  } finally {
    stopSampler.abort();
    await sampler;
    signal?.removeEventListener('abort', onAbort);
  }
  if (signal?.aborted) interrupted = true;
  progress(true);
  records.sort((a, b) => a.index - b.index);
  const endedAtMs = records.reduce((latest, record) => Math.max(latest, record.ended_at_ms), startedAtMs);
  return { stage, records, startedAtMs, endedAtMs, peakInFlight, inFlightSamples, interrupted, plan, seed };
}
