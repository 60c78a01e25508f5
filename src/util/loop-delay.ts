/**
 * The event loop's delay while the stages run: how late the loop runs a timer that is due. A read that
 * arrives while the loop is busy is timestamped that late, so a large p99 makes a run invalid
 * (src/verdict/validity.ts).
 *
 * The samples come from Node's `monitorEventLoopDelay`, whose histogram holds the interval between two of
 * its ticks, period included (at a 5 ms period its p99 on an idle loop is ~6.3 ms, of which 5 ms is the
 * period: what `event_loop_delay_p99_ms` reported before). Each interval is the period plus how late its
 * tick ran (libuv re-arms a repeating timer from the loop time at which it fired; that loop time counts
 * whole milliseconds, so to within a millisecond), and this monitor subtracts the period from every
 * figure it reads.
 *
 * Why {@link LOOP_DELAY_PERIOD_MS}: a tick wakes the process when nothing else does, and a wake-up is not
 * free — on the bench machine (a VM) 70–100 µs of CPU each: a 5 ms tick cost ~14 ms of CPU per second of
 * an idle client, a 20 ms tick ~5 ms (bench/README.md, issue #17). 20 ms still gives 50 samples a
 * second: a stage of 2 s has the 100 a p99 is judged on. A stall of the loop longer than the period is
 * seen whatever the period; a shorter one is seen with the chance its length bears to the period, so
 * the p99 stays one over the time the stages ran. (A timer of our own would record the lateness directly,
 * but a JavaScript callback per tick cost 8–10 ms of CPU per second at the same 20 ms: measured with
 * `process.cpuUsage()` over 5 s of an otherwise idle process.)
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

/** The monitor's period (ms). */
export const LOOP_DELAY_PERIOD_MS = 20;

/** The part of Node's IntervalHistogram the monitor reads (values in nanoseconds); tests give a fake one. */
export interface IntervalSamples {
  enable(): boolean;
  disable(): boolean;
  percentile(percentile: number): number;
  readonly count: number;
}

/** Samples the event loop's delay while enabled; see the module's comment. */
export class LoopDelayMonitor {
  constructor(
    private readonly samples: IntervalSamples = monitorEventLoopDelay({ resolution: LOOP_DELAY_PERIOD_MS }),
    private readonly periodMs = LOOP_DELAY_PERIOD_MS,
  ) {}

  /** Starts ticking (no-op when already enabled). The ticks never keep the process alive. */
  enable(): void {
    this.samples.enable();
  }

  /** Stops ticking; the samples stay. */
  disable(): void {
    this.samples.disable();
  }

  /** Ticks recorded. */
  get sampleCount(): number {
    return this.samples.count;
  }

  /**
   * The `percentile`th (0–100; 100 is the largest) delay, ms; null before the first sample. A tick that
   * ran early (libuv counts whole milliseconds) was not late.
   */
  percentileMs(percentile: number): number | null {
    if (this.samples.count === 0) return null;
    return Math.max(0, this.samples.percentile(percentile) / 1e6 - this.periodMs);
  }
}
