/**
 * Time, in one unit everywhere: epoch milliseconds with sub-millisecond precision
 * (`performance.timeOrigin + performance.now()`), monotonic within a process. The simulator's ground
 * truth uses the same formula, so measured and true times compare directly.
 */
import { CancelledError } from '../core/errors.js';

/** A source of time and waiting; tests drive a fake one. */
export interface Clock {
  /** Current time, epoch milliseconds (fractional). */
  nowMs(): number;
  /** Resolves after `durationMs`, or rejects with CancelledError when `signal` aborts. */
  sleep(durationMs: number, signal?: AbortSignal): Promise<void>;
  /** Resolves as close to `targetMs` as the clock can (never before), or rejects on abort. */
  sleepUntil(targetMs: number, signal?: AbortSignal): Promise<void>;
}

const timeOriginMs = performance.timeOrigin;

/** Epoch milliseconds with sub-millisecond precision. */
export function preciseNowMs(): number {
  return timeOriginMs + performance.now();
}

/** Throws CancelledError if the signal has fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError(abortMessage(signal));
}

function abortMessage(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason.message;
  return typeof reason === 'string' ? reason : 'cancelled';
}

/** Sleeps with a timer; rejects with CancelledError on abort and leaves no timer behind. */
export function sleepMs(durationMs: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(new CancelledError(abortMessage(signal)));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new CancelledError(abortMessage(signal as AbortSignal)));
    };
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.max(0, durationMs),
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Bounds of the spin window: how long before a deadline the timer hands over to the precise wait (naps,
 * then a spun tail: waitPreciselyUntil).
 */
export const MIN_SPIN_WINDOW_MS = 2;
export const MAX_SPIN_WINDOW_MS = 10;
/** Added to the lateness estimate, so a timer as late as the worst recent one still wakes in time. */
const SPIN_MARGIN_MS = 0.5;
/** Per observed wait, how much of the lateness estimate survives (a spike fades over ~40 waits). */
const LATENESS_DECAY = 0.95;

/**
 * How late this machine's timers fire, as a peak that decays: Node timers wake ~0.3 ms late on a quiet
 * machine but several ms late at p99 on a busy or virtualised one, and a send that waits for a late
 * timer is a late send. The spin window follows the estimate, so a quiet machine waits the last 2 ms before
 * a send precisely and a noisy one up to 10 ms; that wait naps, and spins only its last SPIN_TAIL_MS.
 */
export class TimerLateness {
  private estimateMs = 0;

  /** Records how late (ms, ≥ 0 in practice) a timer fired. */
  observe(latenessMs: number): void {
    this.estimateMs = Math.max(latenessMs, this.estimateMs * LATENESS_DECAY);
  }

  /** How long before the next deadline to stop trusting the timer. */
  get spinWindowMs(): number {
    return Math.min(MAX_SPIN_WINDOW_MS, Math.max(MIN_SPIN_WINDOW_MS, this.estimateMs + SPIN_MARGIN_MS));
  }
}

/**
 * Longest stretch a nap blocks the thread before the event loop polls I/O again: a read that arrives
 * during a nap waits at most this long plus the kernel's timer slack (~50 µs on Linux).
 */
export const NAP_SLICE_MS = 0.05;
/**
 * The last stretch before a deadline is spun, not napped: a nap overshoots its timeout by the kernel's
 * timer slack and wake-up latency (measured p99 on the bench machine: see bench/README.md), so napping up
 * to the deadline would send late by that much.
 */
export const SPIN_TAIL_MS = 0.12;
/**
 * Longest stretch the spin holds the thread before yielding to the event loop: a read that arrives
 * during the spin waits at most this long. Yielding after every check instead (one setImmediate per
 * ~2 µs) made the spin the largest source of garbage in a stage, and garbage means scavenges that stall
 * reads and sends for milliseconds.
 */
const SPIN_SLICE_MS = 0.05;
/**
 * Empty iterations between two clock reads inside a slice (a few µs on any current CPU). On Node 20
 * every `performance.now()` allocates, so a slice reads the clock a few times, not thousands.
 */
const SPIN_ITERATIONS_PER_CHECK = 4096;
let spinSink = 0;
/** What the naps wait on: nobody ever notifies it, so Atomics.wait sleeps its whole timeout. */
const napCell = new Int32Array(new SharedArrayBuffer(4));

/**
 * Waits until `targetMs` without trusting the event loop's timers (whole milliseconds, late by the timer
 * lateness): naps of {@link NAP_SLICE_MS} (Atomics.wait: the thread sleeps in the kernel, sub-millisecond,
 * using no CPU) until {@link SPIN_TAIL_MS} before the deadline, then spins the tail, in slices of
 * {@link SPIN_SLICE_MS}. Between two naps or slices it yields with setImmediate, so the event loop still
 * polls I/O and responses of in-flight requests keep being read (and timestamped) while we wait. Overshoots
 * the deadline by a few µs at most. A pure spin over the same window (the design before) cost the whole
 * window in CPU before every send; napping costs one event-loop turn per slice, and a sleeping process is
 * also the one the kernel wakes first on a busy machine, where a spinning one is preempted.
 *
 * `nap` false spins the whole wait (the design before): for sends closer together than the window, where
 * the client is busy anyway and a nap (which overshoots to ~0.1 ms) would hold reads longer than a slice.
 */
export function waitPreciselyUntil(
  targetMs: number,
  signal: AbortSignal | undefined,
  nap: boolean,
): Promise<void> {
  const spinFromMs = nap ? targetMs - SPIN_TAIL_MS : Number.NEGATIVE_INFINITY;
  return new Promise<void>((resolve, reject) => {
    const step = (): void => {
      if (signal?.aborted) {
        reject(new CancelledError(abortMessage(signal)));
        return;
      }
      let nowMs = preciseNowMs();
      if (nowMs < spinFromMs) {
        Atomics.wait(napCell, 0, 0, Math.min(NAP_SLICE_MS, spinFromMs - nowMs));
        nowMs = preciseNowMs();
      } else {
        const sliceEndMs = Math.min(targetMs, nowMs + SPIN_SLICE_MS);
        while (nowMs < sliceEndMs) {
          for (let i = 0; i < SPIN_ITERATIONS_PER_CHECK; i++) spinSink = (spinSink + i) | 0;
          nowMs = preciseNowMs();
        }
      }
      if (nowMs >= targetMs) resolve();
      else setImmediate(step);
    };
    step();
  });
}

/**
 * A real clock: a timer for the bulk of a wait, then naps and a short spin (waitPreciselyUntil) over a
 * window sized by {@link TimerLateness}; a wait shorter than the window spins.
 */
export function createSystemClock(lateness = new TimerLateness()): Clock {
  return {
    nowMs: preciseNowMs,
    sleep: sleepMs,
    async sleepUntil(targetMs: number, signal?: AbortSignal): Promise<void> {
      const wakeAtMs = targetMs - lateness.spinWindowMs;
      const timerWaitMs = wakeAtMs - preciseNowMs();
      // A wait longer than the window (light load: the next send is far) naps the window; a shorter one
      // (sends closer together than the window, as at hundreds of requests per second) spins it.
      const light = timerWaitMs > 0;
      if (light) {
        await sleepMs(timerWaitMs, signal);
        lateness.observe(preciseNowMs() - wakeAtMs);
      }
      await waitPreciselyUntil(targetMs, signal, light);
    },
  };
}

/** The process's clock (one lateness estimate for all its waits). */
export const systemClock: Clock = createSystemClock();

/** Formats a duration for progress lines: `850ms`, `38s`, `4m12s`. */
export function formatDuration(durationMs: number): string {
  if (durationMs < 1000) return `${Math.round(durationMs)}ms`;
  const totalSeconds = Math.round(durationMs / 1000);
  if (totalSeconds < 60) return `${totalSeconds}s`;
  const minutes = Math.floor(totalSeconds / 60);
  return `${minutes}m${String(totalSeconds % 60).padStart(2, '0')}s`;
}
