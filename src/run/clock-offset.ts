/**
 * A node's clock offset, for `load_from: all_nodes` (docs/load-from.md): the nodes send their shares
 * on one published schedule, each on its own clock, so the spread of their clocks is the spread of the
 * schedule. Each node records its offset; the merge compares the spread with `clock_skew_tolerance_ms`.
 *
 * - Measured: `chronyc tracking` (GitHub's Linux runners sync with chrony), `System time : X seconds
 *   fast|slow of NTP time`.
 * - Simulated: `EXO_BENCH_SIMULATED_CLOCK_OFFSET_MS` shifts every clock read of this process (the
 *   engine's clock and the request timestamps alike read `performance.now()`), as a runner whose clock
 *   is that far ahead (or behind, negative) would; the offset is then known exactly. For the tests of
 *   the shared schedule, in node processes of their own: never set it on a real run.
 */
import { execFile } from 'node:child_process';
import { InputError } from '../core/errors.js';

/** The variable that gives a node process a simulated clock offset, ms. */
export const SIMULATED_CLOCK_OFFSET_ENV = 'EXO_BENCH_SIMULATED_CLOCK_OFFSET_MS';

/** A node's clock offset (node clock − reference), ms, and where it comes from. */
export interface ClockOffset {
  offsetMs: number | null;
  source: 'chrony' | 'simulated' | 'none';
}

/** The simulated offset the environment asks for, or undefined. Throws InputError on a bad value. */
export function simulatedClockOffsetMs(env: NodeJS.ProcessEnv): number | undefined {
  const raw = env[SIMULATED_CLOCK_OFFSET_ENV];
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || Math.abs(value) > 3_600_000)
    throw new InputError(`${SIMULATED_CLOCK_OFFSET_ENV} must be a number of milliseconds, got "${raw}"`);
  return value;
}

let appliedOffsetMs = 0;

/**
 * Shifts this process's clock by `offsetMs` (once: a second call replaces the first). Only the shells
 * call it, at the start of a node process, when the environment asks for a simulated offset.
 */
export function applySimulatedClockOffset(offsetMs: number): void {
  const perf = globalThis.performance;
  const original = Object.getPrototypeOf(perf).now as () => number;
  appliedOffsetMs = offsetMs;
  perf.now = () => original.call(perf) + appliedOffsetMs;
}

/** Reads chrony's offset from its `tracking` report: `System time : 0.000012 seconds slow of NTP time`. */
export function parseChronyTracking(text: string): number | undefined {
  const match = /System time\s*:\s*([\d.]+)\s+seconds\s+(fast|slow)\s+of NTP time/.exec(text);
  if (!match) return undefined;
  const seconds = Number(match[1]);
  if (!Number.isFinite(seconds)) return undefined;
  return (match[2] === 'fast' ? 1 : -1) * seconds * 1000;
}

/** How long chronyc may take before the offset counts as unmeasured, ms. */
const CHRONY_TIMEOUT_MS = 3_000;

/**
 * This node's clock offset: the simulated one when the environment sets it, else chrony's, else
 * unknown (`none`: the tolerance is then assumed, and the merge says so).
 */
export async function measureClockOffset(env: NodeJS.ProcessEnv): Promise<ClockOffset> {
  const simulated = simulatedClockOffsetMs(env);
  if (simulated !== undefined) return { offsetMs: simulated, source: 'simulated' };
  const text = await new Promise<string | undefined>((resolve) => {
    execFile('chronyc', ['tracking'], { timeout: CHRONY_TIMEOUT_MS }, (error, stdout) =>
      resolve(error ? undefined : stdout),
    );
  });
  const offsetMs = text === undefined ? undefined : parseChronyTracking(text);
  return offsetMs === undefined ? { offsetMs: null, source: 'none' } : { offsetMs, source: 'chrony' };
}
