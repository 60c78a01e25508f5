/**
 * The shared polling loop with a driven clock: pauses from the caller's back-off, never past the
 * deadline; progress lines on the caller's schedule; the caller's error at the deadline.
 */
import type { Clock } from '../../src/util/clock.js';
import { pollUntil, type PollWait } from '../../src/util/poll.js';

/** A clock whose sleeps advance time at once and are remembered. */
function drivenClock(): Clock & { sleeps: number[] } {
  let nowMs = 1_000;
  const sleeps: number[] = [];
  return {
    sleeps,
    nowMs: () => nowMs,
    sleep: (durationMs) => {
      sleeps.push(durationMs);
      nowMs += durationMs;
      return Promise.resolve();
    },
    sleepUntil: (targetMs) => {
      nowMs = Math.max(nowMs, targetMs);
      return Promise.resolve();
    },
  };
}

function wait(clock: Clock, overrides: Partial<PollWait<string>>, lines: string[]): PollWait<string> {
  return {
    clock,
    deadlineMs: 2_000,
    probe: () => Promise.resolve({ done: false, progress: 'not yet' }),
    delayMs: (attempt) => 100 * 2 ** (attempt - 1),
    progressIntervalMs: 250,
    announceAtOnce: true,
    report: ({ progress, startedMs, nowMs }) => lines.push(`${progress} at ${nowMs - startedMs}`),
    timeout: ({ progress, startedMs, nowMs }) =>
      new Error(`timed out after ${nowMs - startedMs} (${progress})`),
    ...overrides,
  };
}

describe('pollUntil', () => {
  it('returns the first value a probe gives', async () => {
    const clock = drivenClock();
    let calls = 0;
    const value = await pollUntil(
      wait(
        clock,
        {
          probe: () =>
            Promise.resolve(++calls === 3 ? { done: true, value: 'ready' } : { done: false, progress: 'x' }),
        },
        [],
      ),
    );
    expect(value).toBe('ready');
    expect(clock.sleeps).toEqual([100, 200]);
  });

  it('pauses by the back-off, cut short at the deadline, then throws the caller’s error', async () => {
    const clock = drivenClock();
    await expect(pollUntil(wait(clock, {}, []))).rejects.toThrow('timed out after 1000 (not yet)');
    expect(clock.sleeps).toEqual([100, 200, 400, 300]);
  });

  it('announces at once and on the last attempt when asked to', async () => {
    const clock = drivenClock();
    const lines: string[] = [];
    await expect(pollUntil(wait(clock, {}, lines))).rejects.toThrow();
    expect(lines).toEqual(['not yet at 0', 'not yet at 300', 'not yet at 700', 'not yet at 1000']);
  });

  it('otherwise stays quiet for the first interval and lets the timeout speak for the last attempt', async () => {
    const clock = drivenClock();
    const lines: string[] = [];
    await expect(pollUntil(wait(clock, { announceAtOnce: false }, lines))).rejects.toThrow();
    expect(lines).toEqual(['not yet at 300', 'not yet at 700']);
  });
});
