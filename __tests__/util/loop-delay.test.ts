import { LOOP_DELAY_PERIOD_MS, LoopDelayMonitor, type IntervalSamples } from '../../src/util/loop-delay.js';

/** Intervals between ticks (ns), as Node's IntervalHistogram holds them. */
class RecordedIntervals implements IntervalSamples {
  enabled = false;
  constructor(private readonly intervalsNs: number[]) {}
  enable(): boolean {
    const was = this.enabled;
    this.enabled = true;
    return !was;
  }
  disable(): boolean {
    const was = this.enabled;
    this.enabled = false;
    return was;
  }
  percentile(percentile: number): number {
    const sorted = [...this.intervalsNs].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.ceil((percentile / 100) * sorted.length) - 1)] ?? 0;
  }
  get count(): number {
    return this.intervalsNs.length;
  }
}

const ms = (value: number): number => value * 1e6;

describe('LoopDelayMonitor', () => {
  it('reports how late the ticks ran, not the interval between them', () => {
    // 99 ticks 0.25 ms late and one 12 ms late, at a 20 ms period.
    const monitor = new LoopDelayMonitor(
      new RecordedIntervals([...Array<number>(99).fill(ms(20.25)), ms(32)]),
      20,
    );
    expect(monitor.sampleCount).toBe(100);
    // Node's histogram alone says 20.25 ms here: the period plus the lateness.
    expect(monitor.percentileMs(50)).toBeCloseTo(0.25, 9);
    expect(monitor.percentileMs(99)).toBeCloseTo(0.25, 9);
    expect(monitor.percentileMs(100)).toBeCloseTo(12, 9);
  });

  it('counts a tick that ran early (libuv counts whole milliseconds) as no delay', () => {
    const monitor = new LoopDelayMonitor(new RecordedIntervals([ms(19.1), ms(19.4)]), 20);
    expect(monitor.percentileMs(99)).toBe(0);
    expect(monitor.percentileMs(100)).toBe(0);
  });

  it('has no figures before its first tick', () => {
    const monitor = new LoopDelayMonitor(new RecordedIntervals([]), 20);
    expect(monitor.sampleCount).toBe(0);
    expect(monitor.percentileMs(99)).toBeNull();
    expect(monitor.percentileMs(100)).toBeNull();
  });

  it('starts and stops the samples it reads', () => {
    const samples = new RecordedIntervals([]);
    const monitor = new LoopDelayMonitor(samples, 20);
    monitor.enable();
    expect(samples.enabled).toBe(true);
    monitor.disable();
    expect(samples.enabled).toBe(false);
  });

  it(`ticks every ${LOOP_DELAY_PERIOD_MS} ms by default and sees a real stall of the loop`, async () => {
    const monitor = new LoopDelayMonitor();
    monitor.enable();
    try {
      await new Promise((resolve) => setTimeout(resolve, 3 * LOOP_DELAY_PERIOD_MS));
      const blockedUntil = performance.now() + 80;
      while (performance.now() < blockedUntil) {
        // A synchronous stretch: the tick due in it runs after it.
      }
      await new Promise((resolve) => setTimeout(resolve, 3 * LOOP_DELAY_PERIOD_MS));
    } finally {
      monitor.disable();
    }
    // ≥ 200 ms at 20 ms a tick: ~8 (a 5 ms period would give ≥ 30).
    expect(monitor.sampleCount).toBeGreaterThanOrEqual(4);
    expect(monitor.sampleCount).toBeLessThanOrEqual(25);
    // The tick due in the stall was due at most one period into it, so it ran ≥ 80 − 20 ms late.
    expect(monitor.percentileMs(100)).toBeGreaterThanOrEqual(80 - LOOP_DELAY_PERIOD_MS - 1);
  });
});
