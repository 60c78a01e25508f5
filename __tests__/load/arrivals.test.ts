/**
 * The arrival plan (src/load/arrivals.ts) on its own: exact constant and ramp schedules, seeded random
 * ones that are reproducible and independent per stage, with the distributions they promise (checked
 * with fixed seeds, so every check is deterministic), and the KS helper the simulator tests rely on.
 */
import {
  DEFAULT_SEED,
  describeShape,
  gammaVariate,
  planArrivals,
  Random,
  scheduledStageMs,
  type ArrivalFields,
  type OpenArrivalPlan,
} from '../../src/load/arrivals.js';
import { exponentialCdf, kolmogorovQ, ksPValue, ksStatistic, meanAndCv } from '../helpers/statistics.js';

const open = (stage: ArrivalFields, seed = DEFAULT_SEED, stageIndex = 0): OpenArrivalPlan => {
  const plan = planArrivals(stage, seed, stageIndex);
  if (plan.kind !== 'open') throw new Error('expected an open-loop plan');
  return plan;
};

const offsets = (plan: OpenArrivalPlan, count: number): number[] =>
  Array.from({ length: count }, (_, index) => plan.offsetMs(index));

const gaps = (times: readonly number[]): number[] =>
  times.slice(1).map((time, index) => time - (times[index] as number));

describe('the KS helper', () => {
  it('computes D exactly for a small sample', () => {
    // Uniform CDF on [0, 1]; samples 0.1, 0.5, 0.9: D = max(0.1, 1/3 − 0.1, 0.5 − 1/3, 2/3 − 0.5, 0.9 − 2/3, 1 − 0.9).
    expect(ksStatistic([0.9, 0.1, 0.5], (x) => x)).toBeCloseTo(0.2333333, 6);
  });

  it('has the Kolmogorov distribution’s known quantiles', () => {
    expect(kolmogorovQ(1.3581)).toBeCloseTo(0.05, 3);
    expect(kolmogorovQ(1.6276)).toBeCloseTo(0.01, 3);
    expect(kolmogorovQ(0)).toBe(1);
    expect(kolmogorovQ(5)).toBeLessThan(1e-12);
  });

  it('accepts exponential samples and rejects constant ones at the same mean', () => {
    const random = new Random(11, 0);
    const exponential = Array.from({ length: 2000 }, () => -Math.log(1 - random.uniform()) * 50);
    expect(ksPValue(exponential, exponentialCdf(1 / 50))).toBeGreaterThan(0.01);
    expect(ksPValue(new Array<number>(2000).fill(50), exponentialCdf(1 / 50))).toBeLessThan(1e-6);
  });
});

describe('constant arrivals', () => {
  it('are the seed schedule: request i at i × gap, exactly', () => {
    const plan = open({ iterations: 1000, no_overlap: false, time_between_requests: 0.1 });
    expect(offsets(plan, 1000)).toEqual(Array.from({ length: 1000 }, (_, i) => i * 100));
    expect(plan.durationMs).toBe(999 * 100);
    expect(plan.arrival).toBe('constant');
    expect(plan.startRatePerSecond).toBe(10);
    expect(plan.endRatePerSecond).toBe(10);
  });

  it('a gap of 0 sends everything at once', () => {
    const plan = open({ iterations: 5, no_overlap: false, time_between_requests: 0 });
    expect(offsets(plan, 5)).toEqual([0, 0, 0, 0, 0]);
    expect(plan.startRatePerSecond).toBe(Infinity);
  });
});

describe('random arrivals: reproducible, per stage', () => {
  const poisson: ArrivalFields = {
    iterations: 5000,
    no_overlap: false,
    time_between_requests: 0.02,
    arrival: 'poisson',
  };

  it('the same seed and stage give the same schedule; another seed or stage another one', () => {
    const a = offsets(open(poisson, 42, 0), 200);
    expect(offsets(open(poisson, 42, 0), 200)).toEqual(a);
    expect(offsets(open(poisson, 43, 0), 200)).not.toEqual(a);
    expect(offsets(open(poisson, 42, 1), 200)).not.toEqual(a);
    // Seeds beyond 32 bits still count.
    expect(offsets(open(poisson, 2 ** 40, 0), 50)).not.toEqual(offsets(open(poisson, 0, 0), 50));
  });

  it("a stage's schedule depends only on the seed and its own position, not on the other stages", () => {
    const alone = offsets(open(poisson, 7, 2), 100);
    // Plans of other stages (any shape) drawn before and in between change nothing.
    open({ ...poisson, arrival: 'gamma', burstiness: 0.3 }, 7, 0).offsetMs(4000);
    open(poisson, 7, 1).offsetMs(4000);
    expect(offsets(open(poisson, 7, 2), 100)).toEqual(alone);
  });

  it('starts at 0, never goes back in time, and ends at durationMs exactly', () => {
    const plan = open(poisson, 5, 0);
    const times = offsets(plan, 5000);
    expect(times[0]).toBe(0);
    expect(gaps(times).every((gap) => gap >= 0)).toBe(true);
    expect(plan.durationMs).toBe(times[4999]);
  });

  it('asked out of order (an earlier index), it recomputes the same offsets', () => {
    const plan = open(poisson, 9, 0);
    const forward = offsets(plan, 300);
    expect([plan.offsetMs(250), plan.offsetMs(3), plan.offsetMs(299), plan.offsetMs(0)]).toEqual([
      forward[250],
      forward[3],
      forward[299],
      0,
    ]);
  });

  it('poisson gaps are exponential at the configured rate (KS), constant gaps are not', () => {
    const poissonGaps = gaps(offsets(open(poisson, 1, 0), 5000));
    expect(ksPValue(poissonGaps, exponentialCdf(1 / 20))).toBeGreaterThan(0.01);
    const { mean } = meanAndCv(poissonGaps);
    // 4999 gaps: the mean's standard error is 20/√4999 ≈ 0.28 ms.
    expect(Math.abs(mean - 20)).toBeLessThan(4 * 0.283);
    const constantGaps = gaps(offsets(open({ ...poisson, arrival: 'constant' }, 1, 0), 5000));
    expect(ksPValue(constantGaps, exponentialCdf(1 / 20))).toBeLessThan(1e-6);
  });

  it.each([0.25, 0.5, 1, 4])('gamma with burstiness %p: mean gap as configured, CV 1/√b', (burstiness) => {
    const n = 100_000;
    const gammaGaps = gaps(
      offsets(open({ ...poisson, iterations: n + 1, arrival: 'gamma', burstiness }, 3, 0), n + 1),
    );
    const { mean, cv } = meanAndCv(gammaGaps);
    // Relative standard errors: mean cv/√n; cv ≈ √((2.5/b + 0.5)/n) for a gamma of shape b.
    expect(Math.abs(mean / 20 - 1)).toBeLessThan((4 * (1 / Math.sqrt(burstiness))) / Math.sqrt(n));
    expect(Math.abs(cv * Math.sqrt(burstiness) - 1)).toBeLessThan(
      4 * Math.sqrt((2.5 / burstiness + 0.5) / n),
    );
  });

  it('gamma draws of shape below and above 1 have the gamma mean and variance', () => {
    for (const shape of [0.2, 1, 3.5]) {
      const random = new Random(21, 0);
      const draws = Array.from({ length: 100_000 }, () => gammaVariate(random, shape));
      const { mean, cv } = meanAndCv(draws);
      expect(Math.abs(mean / shape - 1)).toBeLessThan(0.05 / Math.sqrt(Math.min(1, shape)));
      expect(Math.abs(cv * Math.sqrt(shape) - 1)).toBeLessThan(0.05);
    }
  });

  it('uniform draws fill [0, 1) evenly (KS against the uniform CDF)', () => {
    const random = new Random(0, 0);
    const draws = Array.from({ length: 20_000 }, () => random.uniform());
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
    expect(ksPValue(draws, (x) => Math.min(1, Math.max(0, x)))).toBeGreaterThan(0.01);
  });
});

describe('ramps: the rate moves linearly from 1/time_between_requests to ramp_to_rate', () => {
  // 2/s → 20/s over 100 requests: T = 2 × 99 / 22 = 9 s.
  const ramp: ArrivalFields = {
    iterations: 100,
    no_overlap: false,
    time_between_requests: 0.5,
    ramp_to_rate: 20,
  };
  const r0 = 2 / 1000;
  const r1 = 20 / 1000;
  const rampMs = 9000;
  const cumulativeRate = (t: number): number => r0 * t + ((r1 - r0) * t * t) / (2 * rampMs);

  it('places request i where the integral of the rate reaches i, exactly', () => {
    const plan = open(ramp);
    const times = offsets(plan, 100);
    times.forEach((time, i) => expect(cumulativeRate(time)).toBeCloseTo(i, 9));
    expect(plan.durationMs).toBeCloseTo(rampMs, 9);
    expect(times[99]).toBeCloseTo(rampMs, 9);
    expect(plan.startRatePerSecond).toBe(2);
    expect(plan.endRatePerSecond).toBe(20);
  });

  it('the gaps shrink from 1/r0 towards 1/R', () => {
    const times = offsets(open(ramp), 100);
    const g = gaps(times);
    expect(g.every((gap, i) => i === 0 || gap < (g[i - 1] as number))).toBe(true);
    // Solving 0.002·t + 0.000001·t² = 1: the first gap is 1000(√2 − 1) ms, shorter than 1/r0 = 500 ms
    // because the rate climbs 2 req/s per second meanwhile.
    expect(g[0]).toBeCloseTo(1000 * (Math.SQRT2 - 1), 9);
    expect(g[98]).toBeGreaterThan(50);
    expect(g[98]).toBeLessThan(52);
  });

  it('ramps down as well', () => {
    const times = offsets(open({ ...ramp, time_between_requests: 0.05, ramp_to_rate: 2 }), 100);
    times.forEach((time, i) => {
      const down = (t: number): number => 0.02 * t + ((0.002 - 0.02) * t * t) / (2 * rampMs);
      expect(down(time)).toBeCloseTo(i, 9);
    });
  });

  it('a poisson ramp is the time-rescaled Poisson process: Λ-increments are Exp(1)', () => {
    const n = 20_000;
    const plan = open({ ...ramp, iterations: n, arrival: 'poisson' }, 4, 0);
    const rampLengthMs = (2 * (n - 1)) / (r0 + r1);
    const cumulative = (t: number): number =>
      t <= rampLengthMs ? r0 * t + ((r1 - r0) * t * t) / (2 * rampLengthMs) : n - 1 + r1 * (t - rampLengthMs);
    const increments = gaps(offsets(plan, n).map(cumulative));
    expect(ksPValue(increments, exponentialCdf(1))).toBeGreaterThan(0.01);
  });
});

describe('closed loops', () => {
  it('concurrency: N slots, time_between_requests the pause (0 when left out)', () => {
    expect(planArrivals({ iterations: 100, no_overlap: false, concurrency: 8 }, 0, 0)).toEqual({
      kind: 'closed',
      concurrency: 8,
      pauseMs: 0,
    });
    expect(
      planArrivals({ iterations: 100, no_overlap: false, concurrency: 8, time_between_requests: 0.25 }, 0, 0),
    ).toEqual({ kind: 'closed', concurrency: 8, pauseMs: 250 });
  });

  it('no_overlap is concurrency 1 with its pause', () => {
    expect(planArrivals({ iterations: 10, no_overlap: true, time_between_requests: 0.5 }, 0, 0)).toEqual({
      kind: 'closed',
      concurrency: 1,
      pauseMs: 500,
    });
  });

  it('never more slots than requests', () => {
    expect(planArrivals({ iterations: 3, no_overlap: false, concurrency: 8 }, 0, 0)).toMatchObject({
      concurrency: 3,
    });
  });
});

describe('describeShape', () => {
  it.each<[ArrivalFields, string]>([
    [{ iterations: 1, no_overlap: false, time_between_requests: 0.1 }, 'constant 10/s'],
    [{ iterations: 1, no_overlap: false, time_between_requests: 0.1, arrival: 'poisson' }, 'poisson 10/s'],
    [
      { iterations: 1, no_overlap: false, time_between_requests: 0.1, arrival: 'gamma', burstiness: 0.5 },
      'gamma b=0.5 10/s',
    ],
    [{ iterations: 1, no_overlap: false, concurrency: 8 }, 'concurrency 8'],
    [{ iterations: 1, no_overlap: true, time_between_requests: 1 }, 'one at a time, pause 1 s'],
    [{ iterations: 1, no_overlap: true, time_between_requests: 0 }, 'one at a time'],
    [
      { iterations: 1, no_overlap: false, concurrency: 8, time_between_requests: 0.5 },
      'concurrency 8, pause 0.5 s',
    ],
    [{ iterations: 1, no_overlap: false, time_between_requests: 0.5, ramp_to_rate: 20 }, 'ramp 2→20/s'],
    [
      { iterations: 1, no_overlap: false, time_between_requests: 0.5, ramp_to_rate: 20, arrival: 'poisson' },
      'poisson ramp 2→20/s',
    ],
    [{ iterations: 1, no_overlap: false, time_between_requests: 0.3 }, 'constant 3.33/s'],
  ])('%j → %s', (stage, text) => expect(describeShape(stage)).toBe(text));
});

describe('scheduledStageMs: how long the sends are scheduled to take', () => {
  it("keeps the seed's iterations × gap for a constant stage, and no_overlap's gaps", () => {
    expect(scheduledStageMs({ iterations: 30, no_overlap: false, time_between_requests: 0.5 }, 0, 0)).toBe(
      15_000,
    );
    expect(scheduledStageMs({ iterations: 30, no_overlap: true, time_between_requests: 0.5 }, 0, 0)).toBe(
      15_000,
    );
  });

  it('a ramp: its length T; random arrivals: the last planned send exactly; a closed loop: its pauses', () => {
    expect(
      scheduledStageMs(
        { iterations: 100, no_overlap: false, time_between_requests: 0.05, ramp_to_rate: 2 },
        0,
        0,
      ),
    ).toBeCloseTo(9000, 6);
    const poisson: ArrivalFields = {
      iterations: 50,
      no_overlap: false,
      time_between_requests: 0.1,
      arrival: 'poisson',
    };
    expect(scheduledStageMs(poisson, 8, 2)).toBe(open(poisson, 8, 2).offsetMs(49));
    expect(
      scheduledStageMs(
        { iterations: 40, no_overlap: false, concurrency: 4, time_between_requests: 0.5 },
        0,
        0,
      ),
    ).toBe(5000);
  });
});
