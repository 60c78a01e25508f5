/**
 * When a stage sends its requests: the arrival plan, decided before the stage starts and independent of
 * how the server answers (open loop), or a number of slots that each send again after a completion
 * (closed loop). Pure: no clock, no I/O, so it is tested on its own and runStage only follows it.
 *
 * Open loop. Every arrival process is built the same way, in "operational time": a unit-rate process
 * whose i-th event is at u_i (u_0 = 0), then mapped to real time through the inverse of the cumulative
 * rate Λ(t) = ∫ rate. That is the time-rescaling theorem: a unit-rate Poisson process mapped through
 * Λ⁻¹ is the non-homogeneous Poisson process of that rate.
 * - `constant`: u_i = i (the seed's `start + i × gap` when the rate is constant);
 * - `poisson`:  u_i = u_{i−1} + Exp(1) (exponential gaps of mean 1);
 * - `gamma`:    u_i = u_{i−1} + Gamma(shape b, scale 1/b) (mean 1, coefficient of variation 1/√b;
 *   b = 1 is Poisson, lower is burstier, as vLLM's `--burstiness`).
 * Without `ramp_to_rate`, Λ(t) = t / gap, so t_i = u_i × gap: `time_between_requests` is the mean gap.
 * With `ramp_to_rate: R`, the rate goes linearly from r0 = 1/gap at t = 0 to R at t = T, where
 * T = 2(N − 1)/(r0 + R) is chosen so that Λ(T) = N − 1: a constant ramp sends its last request exactly
 * when the rate reaches R. Λ(t) = r0·t + (R − r0)·t²/(2T) is inverted in closed form; past T (only a
 * random process gets there) the rate stays R.
 *
 * Reproducible: the random draws come from a seeded generator (xoshiro128**), one stream per stage
 * derived from the run's `seed` and the stage's index, so adding a stage never changes an earlier one.
 * Memory stays bounded for 10M iterations: offsets are drawn as they are asked for, in order, and an
 * earlier index is recomputed from the start (never needed by runStage, which asks in order).
 */
import type { ArrivalProcess, StageConfig } from '../config/types.js';

export type { ArrivalProcess };

import { DEFAULT_BURSTINESS, DEFAULT_SEED } from '../config/schema.js';

export { DEFAULT_BURSTINESS, DEFAULT_SEED };

/** The schedule of an open-loop stage: request i is sent at stage start + offsetMs(i). */
export interface OpenArrivalPlan {
  kind: 'open';
  /** The process the times were drawn from, or `trace` for a trace's timestamps. */
  arrival: ArrivalProcess | 'trace';
  /** Milliseconds from the stage's start to request `index` (0 ≤ index < iterations); offsetMs(0) = 0. */
  offsetMs(index: number): number;
  /** The last request's offset: the stage's planned length (exact, also for random arrivals). */
  durationMs: number;
  /** Requests per second the plan starts at (1/time_between_requests; Infinity for a gap of 0). */
  startRatePerSecond: number;
  /** Requests per second the plan ends at: `ramp_to_rate`, else the start rate. */
  endRatePerSecond: number;
}

/** A closed-loop stage: `concurrency` slots, each sending its next request `pauseMs` after a completion. */
export interface ClosedArrivalPlan {
  kind: 'closed';
  concurrency: number;
  pauseMs: number;
}

export type ArrivalPlan = OpenArrivalPlan | ClosedArrivalPlan;

/** The stage fields the plan reads: what runStage's callers (the config, search probes) must set. */
export type ArrivalFields = Pick<StageConfig, 'iterations' | 'no_overlap'> &
  Partial<
    Pick<
      StageConfig,
      | 'time_between_requests'
      | 'arrival'
      | 'burstiness'
      | 'concurrency'
      | 'ramp_to_rate'
      | 'trace'
      | 'trace_speed'
    >
  >;

/**
 * The plan of one stage. `seed` is the run's (config `seed`), `stageIndex` the stage's position in the
 * config: together they pick the stage's random stream. Closed loop: `concurrency` (`no_overlap` is
 * concurrency 1), with `time_between_requests` (default 0) as each slot's pause after a completion.
 */
export function planArrivals(stage: ArrivalFields, seed: number, stageIndex: number): ArrivalPlan {
  const gapMs = (stage.time_between_requests ?? 0) * 1000;
  if (stage.concurrency !== undefined || stage.no_overlap) {
    const concurrency = stage.no_overlap ? 1 : (stage.concurrency ?? 1);
    return {
      kind: 'closed',
      concurrency: Math.max(1, Math.min(concurrency, stage.iterations)),
      pauseMs: gapMs,
    };
  }
  if (stage.time_between_requests === undefined)
    throw new Error('an open-loop stage needs time_between_requests (or concurrency)');
  const arrival = stage.arrival ?? 'constant';
  const iterations = stage.iterations;
  const timeOf = operationalToMs(gapMs, iterations, stage.ramp_to_rate);
  const startRatePerSecond = gapMs > 0 ? 1000 / gapMs : Infinity;
  const endRatePerSecond = stage.ramp_to_rate ?? startRatePerSecond;
  if (arrival === 'constant') {
    return {
      kind: 'open',
      arrival,
      offsetMs: (index) => timeOf(index),
      durationMs: timeOf(Math.max(0, iterations - 1)),
      startRatePerSecond,
      endRatePerSecond,
    };
  }
  const draw = gapDrawer(arrival, stage.burstiness ?? DEFAULT_BURSTINESS);
  const makeRandom = (): Random => new Random(seed, stageIndex);
  const cursor = new OperationalCursor(makeRandom, draw);
  // The exact last offset: one pass of its own (no memory), so the ETA and the planned rate are exact.
  const last = new OperationalCursor(makeRandom, draw).at(Math.max(0, iterations - 1));
  return {
    kind: 'open',
    arrival,
    offsetMs: (index) => timeOf(cursor.at(index)),
    durationMs: timeOf(last),
    startRatePerSecond,
    endRatePerSecond,
  };
}

/**
 * A trace replay's plan (src/config/trace.ts): request i at its timestamp's offset from the first,
 * already divided by trace_speed. Open loop; its rates are the mean over the trace.
 */
export function tracePlan(offsetMs: (index: number) => number, iterations: number): OpenArrivalPlan {
  const durationMs = iterations > 0 ? offsetMs(iterations - 1) : 0;
  const rate = iterations > 1 && durationMs > 0 ? ((iterations - 1) * 1000) / durationMs : Infinity;
  return {
    kind: 'open',
    arrival: 'trace',
    offsetMs,
    durationMs,
    startRatePerSecond: rate,
    endRatePerSecond: rate,
  };
}

/**
 * Λ⁻¹ in milliseconds: operational time u (the count of expected arrivals) → offset from the stage start.
 * Exact: a constant rate divides, a linear rate solves Λ(t) = u (a quadratic) in the form that does not
 * cancel digits: t = 2u / (r0 + √(r0² + 2·slope·u)), slope = (R − r0)/T.
 */
export function operationalToMs(
  gapMs: number,
  iterations: number,
  rampToRatePerSecond: number | undefined,
): (operational: number) => number {
  if (rampToRatePerSecond === undefined) return (u) => u * gapMs;
  const r0 = 1 / gapMs; // per millisecond
  const r1 = rampToRatePerSecond / 1000;
  const lastIndex = Math.max(0, iterations - 1);
  const rampMs = (2 * lastIndex) / (r0 + r1);
  const slope = rampMs > 0 ? (r1 - r0) / rampMs : 0; // per ms²
  return (u) => {
    if (u > lastIndex) return rampMs + (u - lastIndex) / r1; // past the ramp the rate stays R
    return (2 * u) / (r0 + Math.sqrt(Math.max(0, r0 * r0 + 2 * slope * u)));
  };
}

/** Walks the unit-rate process in order: u_0 = 0, u_i = u_{i−1} + a draw; rewinds when asked for the past. */
class OperationalCursor {
  private index = 0;
  private operational = 0;
  private random: Random;

  constructor(
    private readonly makeRandom: () => Random,
    private readonly draw: (random: Random) => number,
  ) {
    this.random = makeRandom();
  }

  at(index: number): number {
    if (index < this.index) {
      this.random = this.makeRandom();
      this.index = 0;
      this.operational = 0;
    }
    while (this.index < index) {
      this.operational += this.draw(this.random);
      this.index += 1;
    }
    return this.operational;
  }
}

/** One gap of the unit-rate process (mean 1). */
function gapDrawer(arrival: 'poisson' | 'gamma', burstiness: number): (random: Random) => number {
  if (arrival === 'poisson') return (random) => -Math.log(1 - random.uniform());
  return (random) => gammaVariate(random, burstiness) / burstiness;
}

/**
 * Gamma(shape, 1) by Marsaglia and Tsang (2000); a shape below 1 is boosted: G(a) = G(a + 1)·U^(1/a).
 */
export function gammaVariate(random: Random, shape: number): number {
  if (shape < 1) {
    const boosted = gammaVariate(random, shape + 1);
    return boosted * Math.pow(1 - random.uniform(), 1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = random.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - random.uniform(); // (0, 1]
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** murmur3's 32-bit finaliser: a bijection that spreads every input bit over the output. */
function mix32(value: number): number {
  let x = value >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/**
 * A seeded generator, xoshiro128** (Blackman and Vigna), one stream per (seed, stage index). The state is
 * seeded through splitmix32 steps from a hash of both, so neighbouring seeds or stages share nothing.
 */
export class Random {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spareNormal: number | undefined;

  constructor(seed: number, stream: number) {
    const low = seed >>> 0;
    const high = Math.floor(seed / 0x1_0000_0000) >>> 0;
    let state = mix32(mix32(mix32(low ^ 0x9e3779b9) ^ high) ^ mix32(stream + 0x7f4a7c15));
    const next = (): number => {
      state = (state + 0x9e3779b9) >>> 0;
      return mix32(state ^ (state >>> 15)) || 1;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
  }

  /** The next 32 random bits, as an unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    const high = this.nextUint32() >>> 5; // 27 bits
    const low = this.nextUint32() >>> 6; // 26 bits
    return (high * 67_108_864 + low) / 9_007_199_254_740_992;
  }

  /** Standard normal (Marsaglia's polar method; the second value of a pair is kept for the next call). */
  normal(): number {
    if (this.spareNormal !== undefined) {
      const spare = this.spareNormal;
      this.spareNormal = undefined;
      return spare;
    }
    for (;;) {
      const x = 2 * this.uniform() - 1;
      const y = 2 * this.uniform() - 1;
      const s = x * x + y * y;
      if (s > 0 && s < 1) {
        const factor = Math.sqrt((-2 * Math.log(s)) / s);
        this.spareNormal = y * factor;
        return x * factor;
      }
    }
  }
}

function rotl(value: number, bits: number): number {
  return ((value << bits) | (value >>> (32 - bits))) >>> 0;
}

/**
 * What a stage's load looks like, in a few words for tables: `poisson 10/s`, `concurrency 8`,
 * `concurrency 8, pause 0.5 s`, `ramp 2→20/s`, `one at a time, pause 1 s`.
 */
export function describeShape(stage: ArrivalFields): string {
  const gap = stage.time_between_requests ?? 0;
  const pause = gap > 0 ? `, pause ${formatRate(gap)} s` : '';
  if (stage.no_overlap) return `one at a time${pause}`;
  if (stage.concurrency !== undefined) return `concurrency ${stage.concurrency}${pause}`;
  const rate = gap > 0 ? formatRate(1 / gap) : '∞';
  // A trace stage's gap is the trace's mean (src/config/trace-file.ts): its times are its own.
  if (stage.trace !== undefined)
    return `trace${stage.trace_speed !== undefined && stage.trace_speed !== 1 ? ` ×${formatRate(stage.trace_speed)}` : ''}, mean ${rate}/s`;
  const arrival = stage.arrival ?? 'constant';
  const process =
    arrival === 'gamma' ? `gamma b=${formatRate(stage.burstiness ?? DEFAULT_BURSTINESS)}` : arrival;
  if (stage.ramp_to_rate !== undefined) {
    const ramp = `ramp ${rate}→${formatRate(stage.ramp_to_rate)}/s`;
    return arrival === 'constant' ? ramp : `${process} ${ramp}`;
  }
  return `${process} ${rate}/s`;
}

function formatRate(value: number): string {
  return String(Number(value.toPrecision(3)));
}

/**
 * How long a stage's sends are scheduled to take, ms: what another node may wait for without hearing
 * from this one, and before which the stages cannot have finished. Open loop: the last planned send
 * (exact, random arrivals included; a constant schedule keeps the seed's iterations × gap). Closed loop:
 * its pauses only (iterations × pause ÷ concurrency), as no_overlap always counted — its requests'
 * own durations are the server's.
 */
export function scheduledStageMs(stage: ArrivalFields, seed: number, stageIndex: number): number {
  const gapMs = (stage.time_between_requests ?? 0) * 1000;
  const plan = planArrivals(stage, seed, stageIndex);
  if (plan.kind === 'closed') return (stage.iterations * plan.pauseMs) / plan.concurrency;
  if (plan.arrival === 'constant' && stage.ramp_to_rate === undefined) return stage.iterations * gapMs;
  return plan.durationMs;
}
