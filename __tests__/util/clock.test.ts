import {
  createSystemClock,
  MAX_SPIN_WINDOW_MS,
  MIN_SPIN_WINDOW_MS,
  NAP_SLICE_MS,
  preciseNowMs,
  SPIN_TAIL_MS,
  TimerLateness,
  waitPreciselyUntil,
} from '../../src/util/clock.js';
import { CancelledError } from '../../src/core/errors.js';

describe('TimerLateness (the spin window before a deadline)', () => {
  it('starts at the minimum window and stays there while timers are punctual', () => {
    const lateness = new TimerLateness();
    expect(lateness.spinWindowMs).toBe(MIN_SPIN_WINDOW_MS);
    for (let i = 0; i < 100; i++) lateness.observe(0.3);
    expect(lateness.spinWindowMs).toBe(MIN_SPIN_WINDOW_MS);
  });

  it('widens to the latest late timer plus a margin, at once', () => {
    const lateness = new TimerLateness();
    lateness.observe(4);
    expect(lateness.spinWindowMs).toBeCloseTo(4.5, 9);
  });

  it('never spins longer than the maximum, however late a timer was', () => {
    const lateness = new TimerLateness();
    lateness.observe(250);
    expect(lateness.spinWindowMs).toBe(MAX_SPIN_WINDOW_MS);
  });

  it('lets a spike fade back to the minimum over some tens of punctual waits', () => {
    const lateness = new TimerLateness();
    lateness.observe(6);
    const windows: number[] = [];
    for (let i = 0; i < 60; i++) {
      lateness.observe(0.2);
      windows.push(lateness.spinWindowMs);
    }
    for (let i = 1; i < windows.length; i++) expect(windows[i]).toBeLessThanOrEqual(windows[i - 1]!);
    expect(windows[0]).toBeGreaterThan(5);
    expect(windows.at(-1)).toBe(MIN_SPIN_WINDOW_MS);
  });
});

describe('createSystemClock().sleepUntil', () => {
  it('never resolves before the deadline, whatever the window', async () => {
    const lateness = new TimerLateness();
    const clock = createSystemClock(lateness);
    // Inside the spun tail, just past it (one nap, then the tail), several naps, and a timer first.
    for (const aheadMs of [0, SPIN_TAIL_MS / 2, SPIN_TAIL_MS + NAP_SLICE_MS / 2, 0.5, 3, 15]) {
      const targetMs = preciseNowMs() + aheadMs;
      await clock.sleepUntil(targetMs);
      expect(preciseNowMs()).toBeGreaterThanOrEqual(targetMs);
    }
  });

  it('keeps the event loop turning while it waits precisely (I/O is read during the wait)', async () => {
    // A window of 10 ms and a deadline 9.9 ms away: no timer, the whole wait is naps and the spun tail.
    // An immediate queued now runs before the wait ends: the wait yields to the event loop between naps.
    const noisy = new TimerLateness();
    noisy.observe(9.5);
    const clock = createSystemClock(noisy);
    let turned = false;
    setImmediate(() => (turned = true));
    await clock.sleepUntil(preciseNowMs() + 9.9);
    expect(turned).toBe(true);
  });

  it('learns from its own timers: a wait long enough for a timer feeds the estimate', async () => {
    const lateness = new TimerLateness();
    const observed: number[] = [];
    const original = lateness.observe.bind(lateness);
    lateness.observe = (ms: number): void => {
      observed.push(ms);
      original(ms);
    };
    const clock = createSystemClock(lateness);
    await clock.sleepUntil(preciseNowMs() + 20);
    await clock.sleepUntil(preciseNowMs() + 1); // inside the window: spin only, nothing to learn
    expect(observed).toHaveLength(1);
    // How late the timer was: any finite number. Not bounded here: a timer can also fire early, by as
    // long as the event loop's cached time was stale when it was set (1.7 ms seen on a loaded CI
    // runner), and the spin after it covers that.
    expect(Number.isFinite(observed[0])).toBe(true);
  });

  it('rejects with CancelledError when aborted during the timer or the precise wait', async () => {
    const clock = createSystemClock();
    const duringTimer = new AbortController();
    const waiting = clock.sleepUntil(preciseNowMs() + 10_000, duringTimer.signal);
    duringTimer.abort('stop');
    await expect(waiting).rejects.toBeInstanceOf(CancelledError);
    // A 10 ms spin window (as after a 9.5 ms late timer) and a deadline 9.9 ms away: the precise wait
    // only (naps, then a spun tail), no timer. The first 50 µs nap runs synchronously inside sleepUntil,
    // so the deadline must be far enough that a preempted nap on a loaded CI machine cannot reach it
    // before the abort below.
    const noisy = new TimerLateness();
    noisy.observe(9.5);
    expect(noisy.spinWindowMs).toBe(MAX_SPIN_WINDOW_MS);
    const duringSpin = new AbortController();
    const spinning = createSystemClock(noisy).sleepUntil(preciseNowMs() + 9.9, duringSpin.signal);
    duringSpin.abort('stop');
    await expect(spinning).rejects.toBeInstanceOf(CancelledError);
  });
});

describe('waitPreciselyUntil (the window before a send: naps, then a spun tail; or a spin)', () => {
  it('never resolves before the deadline, napping or spinning', async () => {
    for (const nap of [true, false])
      for (const aheadMs of [0, SPIN_TAIL_MS / 2, SPIN_TAIL_MS + NAP_SLICE_MS / 2, 1, 4]) {
        const targetMs = preciseNowMs() + aheadMs;
        await waitPreciselyUntil(targetMs, undefined, nap);
        expect(preciseNowMs()).toBeGreaterThanOrEqual(targetMs);
      }
  });

  it('lets the event loop turn between naps (responses are read while it waits)', async () => {
    // 20 ms of naps: one nap is 50 µs plus the kernel's slack, so the queued immediate runs long before.
    let turned = false;
    setImmediate(() => (turned = true));
    await waitPreciselyUntil(preciseNowMs() + 20, undefined, true);
    expect(turned).toBe(true);
  });

  it('rejects with CancelledError when aborted while napping', async () => {
    const abort = new AbortController();
    const waiting = waitPreciselyUntil(preciseNowMs() + 10_000, abort.signal, true);
    setImmediate(() => abort.abort('stop'));
    await expect(waiting).rejects.toBeInstanceOf(CancelledError);
  });
});
