/**
 * Time, in one unit everywhere: epoch milliseconds with sub-millisecond precision
 * (`performance.timeOrigin + performance.now()`), monotonic within a process. The simulator's ground
 * truth uses the same formula, so measured and true times compare directly.
 */
import { CancelledError } from '../errors.js';

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
 * How long before a deadline the timer hands over to the spin. Node timers fire up to ~1-2 ms late
 * (more on a loaded machine); the spin closes that gap.
 */
const SPIN_WINDOW_MS = 2;

/**
 * Yields with setImmediate until `targetMs`. Between immediates the event loop still polls I/O, so
 * responses of in-flight requests keep being read (and timestamped) while we wait for the deadline.
 */
function spinUntil(targetMs: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const step = (): void => {
      if (signal?.aborted) {
        reject(new CancelledError(abortMessage(signal)));
        return;
      }
      if (preciseNowMs() >= targetMs) resolve();
      else setImmediate(step);
    };
    step();
  });
}

/** The real clock: timers for the bulk of a wait, a short I/O-friendly spin for the last 2 ms. */
export const systemClock: Clock = {
  nowMs: preciseNowMs,
  sleep: sleepMs,
  async sleepUntil(targetMs: number, signal?: AbortSignal): Promise<void> {
    const timerWaitMs = targetMs - preciseNowMs() - SPIN_WINDOW_MS;
    if (timerWaitMs > 0) await sleepMs(timerWaitMs, signal);
    await spinUntil(targetMs, signal);
  },
};

/** Formats a duration for progress lines: `850ms`, `38s`, `4m12s`. */
export function formatDuration(durationMs: number): string {
  if (durationMs < 1000) return `${Math.round(durationMs)}ms`;
  const totalSeconds = Math.round(durationMs / 1000);
  if (totalSeconds < 60) return `${totalSeconds}s`;
  const minutes = Math.floor(totalSeconds / 60);
  return `${minutes}m${String(totalSeconds % 60).padStart(2, '0')}s`;
}
