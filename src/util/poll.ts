/**
 * The one polling loop: probe, report progress now and then, give up at a deadline, pause (with
 * whatever back-off the caller wants) and probe again. Cluster waits (cluster/orchestrate.ts) and the
 * OpenAI server's readiness (target/readiness.ts) both run on it; what a probe means, what an
 * unreachable server means and the wording of progress and timeout stay with them.
 */
import { throwIfAborted, type Clock } from './clock.js';

/** A probe's answer: the value that ends the wait, or why the wait goes on. */
export type PollOutcome<T> = { done: true; value: T } | { done: false; progress: string };

/** Where a wait stands when it reports progress or times out. */
export interface PollState {
  /** The last probe's reason for going on. */
  progress: string;
  /** When the wait began, clock milliseconds. */
  startedMs: number;
  /** Now, clock milliseconds. */
  nowMs: number;
}

/** One wait: the probe, the deadline, the pauses and how it talks. */
export interface PollWait<T> {
  clock: Clock;
  signal?: AbortSignal | undefined;
  /** Clock milliseconds after which the wait fails with {@link timeout}. */
  deadlineMs: number;
  /** One attempt. Throwing ends the wait with that error. */
  probe(): Promise<PollOutcome<T>>;
  /** The pause after attempt `attempt` (counted from 1), milliseconds; never past the deadline. */
  delayMs(attempt: number): number;
  /** Minimum gap between two progress lines, milliseconds. */
  progressIntervalMs: number;
  /**
   * Cluster waits say where they stand at once and on every interval, the last attempt included;
   * a server's readiness stays quiet for its first interval and lets the timeout speak for the last.
   */
  announceAtOnce: boolean;
  /** Writes a progress line. */
  report(state: PollState): void;
  /** The error that ends a wait whose deadline has passed. */
  timeout(state: PollState): Error;
}

/** Probes until a value comes back; throws the wait's timeout error, a probe's error, or CancelledError. */
export async function pollUntil<T>(wait: PollWait<T>): Promise<T> {
  const startedMs = wait.clock.nowMs();
  let lastProgressMs = wait.announceAtOnce ? -Infinity : startedMs;
  for (let attempt = 1; ; attempt++) {
    throwIfAborted(wait.signal);
    const outcome = await wait.probe();
    if (outcome.done) return outcome.value;
    const nowMs = wait.clock.nowMs();
    const state: PollState = { progress: outcome.progress, startedMs, nowMs };
    const progressDue = nowMs - lastProgressMs >= wait.progressIntervalMs;
    if (wait.announceAtOnce && progressDue) {
      wait.report(state);
      lastProgressMs = nowMs;
    }
    if (nowMs >= wait.deadlineMs) throw wait.timeout(state);
    if (!wait.announceAtOnce && progressDue) {
      lastProgressMs = nowMs;
      wait.report(state);
    }
    await wait.clock.sleep(
      Math.min(wait.delayMs(attempt), Math.max(0, wait.deadlineMs - nowMs)),
      wait.signal,
    );
  }
}
