/**
 * A node's clock offset, for `load_from: all_nodes` (docs/load-from.md): the nodes send their shares
 * on one published schedule, each on its own clock, so the spread of their clocks is the spread of the
 * schedule. Each node records its offset; the merge compares the spread with `clock_skew_tolerance_ms`.
 *
 * - Measured on Linux: `chronyc tracking` (GitHub's Linux runners sync with chrony), `System time : X
 *   seconds fast|slow of NTP time`.
 * - Measured on macOS (EXO's machines): `sntp <server>` (/usr/bin/sntp; without -s/-S it only queries
 *   the server and prints), server `time.apple.com` unless `EXO_BENCH_NTP_SERVER` names another.
 * - Elsewhere, or when the command is missing, fails or takes more than 3 s: unmeasured (`none`).
 * - Simulated: `EXO_BENCH_SIMULATED_CLOCK_OFFSET_MS` shifts every clock read of this process (the
 *   engine's clock and the request timestamps alike read `performance.now()`), as a runner whose clock
 *   is that far ahead (or behind, negative) would; the offset is then known exactly. For the tests of
 *   the shared schedule, in node processes of their own: never set it on a real run.
 */
import { execFile } from 'node:child_process';
import { InputError } from '../core/errors.js';

/** The variable that gives a node process a simulated clock offset, ms. */
export const SIMULATED_CLOCK_OFFSET_ENV = 'EXO_BENCH_SIMULATED_CLOCK_OFFSET_MS';

/** The variable that names the NTP server sntp asks on macOS (default DEFAULT_NTP_SERVER). */
export const NTP_SERVER_ENV = 'EXO_BENCH_NTP_SERVER';

/** The server macOS itself syncs with by default. */
export const DEFAULT_NTP_SERVER = 'time.apple.com';

/** A node's clock offset (node clock − reference), ms, and where it comes from. */
export interface ClockOffset {
  offsetMs: number | null;
  source: 'chrony' | 'sntp' | 'simulated' | 'none';
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

/**
 * Reads the offset from sntp's output, ms (node clock − server), or undefined when no line has one.
 *
 * Formats: macOS's sntp (ntp 4.2.8's, as shipped since 10.14) prints `+0.015404 +/- 0.024780
 * time.apple.com 17.253.4.125`; older builds prefix the local date and time zone,
 * `2018-09-29 19:42:41.448103 (-0200) +1087.742403 +/- 725.183462 pool.ntp.org 188.68.36.203 s2
 * no-leap`, and the oldest wrote `1996 Oct 15 20:17:25.123 + 4.567 +/- 0.089 secs`. Either way the
 * offset is the signed number right before `+/-` (the time zone's `(-0200)` is not: it is parenthesised).
 *
 * Sign, relied on from the NTP project's sntp documentation (4.2.7+): "`+4.567 +/- 0.089 secs`
 * indicates the local clock is 4.567 seconds behind the correct time (so 4.567 seconds must be added
 * to the local clock to get it to be correct)". The printed number is the correction, server − local;
 * this node's offset (node − reference, chrony's `fast` positive) is its negation.
 */
export function parseSntpOutput(text: string): number | undefined {
  const match = /(?:^|\s)([+-])\s?(\d+(?:\.\d+)?)\s+\+\/-\s+\d/m.exec(text);
  if (!match) return undefined;
  const seconds = Number(match[2]);
  if (!Number.isFinite(seconds)) return undefined;
  // Correction server − local → offset local − server; `|| 0` keeps a zero offset from reading -0.
  return -(match[1] === '-' ? -seconds : seconds) * 1000 || 0;
}

/** The NTP server sntp asks: EXO_BENCH_NTP_SERVER, else time.apple.com. Throws InputError on a bad name. */
export function ntpServer(env: NodeJS.ProcessEnv): string {
  const raw = env[NTP_SERVER_ENV]?.trim();
  if (raw === undefined || raw === '') return DEFAULT_NTP_SERVER;
  // A host name or address, never an option of sntp's.
  if (!/^[A-Za-z0-9.:[\]][A-Za-z0-9._:[\]-]*$/.test(raw) || raw.length > 253)
    throw new InputError(`${NTP_SERVER_ENV} must be a host name or address, got "${raw}"`);
  return raw;
}

/** How long chronyc or sntp may take before the offset counts as unmeasured, ms. */
export const CLOCK_OFFSET_TIMEOUT_MS = 3_000;

/** How measureClockOffset measures: the platform (default process.platform) and the bound (default 3 s). */
export interface ClockOffsetOptions {
  platform?: NodeJS.Platform;
  timeoutMs?: number;
}

/**
 * A command's standard output, or undefined when it cannot be started, fails, or has not ended within
 * `timeoutMs` (it is then killed, and its output streams closed: a child of it that still holds them
 * does not hold the answer). `env` is the command's environment (and its PATH, where it is looked up).
 */
export function commandOutput(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(command, args, { env, timeout: timeoutMs, killSignal: 'SIGKILL' }, (error, stdout) =>
      resolve(error ? undefined : stdout),
    );
  });
}

/**
 * This node's clock offset: the simulated one when the environment sets it; else measured — on Linux
 * by chrony (`chronyc tracking`), on macOS by sntp (`sntp <server>`, a query that changes nothing) —
 * each bounded by 3 s; else unknown (`none`: the tolerance is then assumed, and the merge says so).
 */
export async function measureClockOffset(
  env: NodeJS.ProcessEnv,
  options: ClockOffsetOptions = {},
): Promise<ClockOffset> {
  const simulated = simulatedClockOffsetMs(env);
  if (simulated !== undefined) return { offsetMs: simulated, source: 'simulated' };
  const platform = options.platform ?? process.platform;
  const timeoutMs = options.timeoutMs ?? CLOCK_OFFSET_TIMEOUT_MS;
  if (platform === 'linux') {
    const text = await commandOutput('chronyc', ['tracking'], env, timeoutMs);
    const offsetMs = text === undefined ? undefined : parseChronyTracking(text);
    if (offsetMs !== undefined) return { offsetMs, source: 'chrony' };
  } else if (platform === 'darwin') {
    const text = await commandOutput('sntp', [ntpServer(env)], env, timeoutMs);
    const offsetMs = text === undefined ? undefined : parseSntpOutput(text);
    if (offsetMs !== undefined) return { offsetMs, source: 'sntp' };
  }
  return { offsetMs: null, source: 'none' };
}
