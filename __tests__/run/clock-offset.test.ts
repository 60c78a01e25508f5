/**
 * A node's clock offset for `load_from: all_nodes` (src/run/clock-offset.ts): chrony's report on Linux,
 * sntp's query on macOS (EXO's machines), nothing elsewhere. The parsers read the output formats sntp
 * prints (macOS's bare `+0.015404 +/- 0.024780 server address`, the older ones with a date and time zone
 * first) with the sign the NTP project documents (the printed number is the correction to add to the
 * local clock, so the node's offset is its negation). measureClockOffset runs fake `chronyc` and `sntp`
 * executables, shell scripts in a temp folder that is the whole PATH: nothing here touches the network.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../src/core/errors.js';
import {
  CLOCK_OFFSET_TIMEOUT_MS,
  DEFAULT_NTP_SERVER,
  measureClockOffset,
  ntpServer,
  parseChronyTracking,
  parseSntpOutput,
} from '../../src/run/clock-offset.js';

describe("sntp's output", () => {
  it('reads the bare line of macOS: a positive correction is a clock behind, a negative one a clock ahead', () => {
    expect(parseSntpOutput('+0.015404 +/- 0.024780 time.apple.com 17.253.4.125\n')).toBeCloseTo(-15.404, 9);
    expect(parseSntpOutput('-0.002500 +/- 0.010000 time.apple.com 17.253.4.125\n')).toBeCloseTo(2.5, 9);
    expect(parseSntpOutput('+0.000000 +/- 0.010000 time.apple.com 17.253.4.125\n')).toBe(0);
  });

  it('reads the older lines: a version banner, then the date and time zone ((+0000) is not the offset)', () => {
    const ntp428 = [
      'sntp 4.2.8p10@1.3728-o Tue Mar 21 14:36:42 UTC 2017 (136.200.1~2533)',
      '2018-09-29 19:42:41.448103 (-0200) +1087.742403 +/- 725.183462 pool.ntp.org 188.68.36.203 s2 no-leap',
      '',
    ].join('\n');
    expect(parseSntpOutput(ntp428)).toBeCloseTo(-1_087_742.403, 6);
    expect(
      parseSntpOutput(
        '2024-03-04 10:00:00.123456 (+0000) -0.031250 +/- 0.020000 time.apple.com 17.253.4.125\n',
      ),
    ).toBeCloseTo(31.25, 9);
    // The oldest: a space between the sign and the number, and "secs".
    expect(parseSntpOutput('1996 Oct 15 20:17:25.123 + 4.567 +/- 0.089 secs\n')).toBeCloseTo(-4567, 9);
  });

  it('gives nothing for output without an offset', () => {
    for (const text of [
      '',
      'sntp: Exchange failed\n',
      'time.apple.com lookup error Temporary failure in name resolution\n',
      '2018-09-29 19:42:41.448103 (-0200) no offset here\n',
      '+abc +/- 0.1 time.apple.com\n',
      // A time zone alone is not an offset.
      '(+0000) +/- 0.1\n',
    ])
      expect({ text, offset: parseSntpOutput(text) }).toEqual({ text, offset: undefined });
  });

  it('asks time.apple.com unless EXO_BENCH_NTP_SERVER names a host, and refuses an option in its place', () => {
    expect(ntpServer({})).toBe(DEFAULT_NTP_SERVER);
    expect(ntpServer({ EXO_BENCH_NTP_SERVER: '  ' })).toBe('time.apple.com');
    expect(ntpServer({ EXO_BENCH_NTP_SERVER: 'ntp.example.test' })).toBe('ntp.example.test');
    expect(ntpServer({ EXO_BENCH_NTP_SERVER: '192.0.2.7' })).toBe('192.0.2.7');
    for (const bad of ['-s', 'a host', 'x;y'])
      expect(() => ntpServer({ EXO_BENCH_NTP_SERVER: bad })).toThrow(InputError);
  });
});

describe('measureClockOffset, with fake chronyc and sntp on PATH', () => {
  let bin: string;
  const sleep = existsSync('/bin/sleep') ? '/bin/sleep' : '/usr/bin/sleep';
  const pids: number[] = [];

  beforeAll(() => {
    bin = mkdtempSync(join(tmpdir(), 'exo-bench-clock-offset-'));
  });

  afterAll(() => {
    // The one process a script left behind on purpose (the timeout case), by its id.
    for (const pid of pids)
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    rmSync(bin, { recursive: true, force: true });
  });

  /** A fake executable `name` in the PATH folder: it notes its arguments in `<name>.args`, then runs `body`. */
  function fake(name: string, body: string): void {
    writeFileSync(join(bin, name), `#!/bin/sh\necho "$@" > "$MARK/${name}.args"\n${body}\n`, { mode: 0o755 });
    rmSync(join(bin, `${name}.args`), { force: true });
  }
  const argsOf = (name: string): string | undefined =>
    existsSync(join(bin, `${name}.args`))
      ? readFileSync(join(bin, `${name}.args`), 'utf8').trim()
      : undefined;
  const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({ PATH: bin, MARK: bin, ...extra });

  it('on macOS: sntp against time.apple.com by default (negated: a clock behind is negative)', async () => {
    fake('sntp', 'echo "+0.015404 +/- 0.024780 $1 17.253.4.125"');
    expect(await measureClockOffset(env(), { platform: 'darwin' })).toEqual({
      offsetMs: expect.closeTo(-15.404, 9) as number,
      source: 'sntp',
    });
    expect(argsOf('sntp')).toBe('time.apple.com');
  });

  it('on macOS: the server EXO_BENCH_NTP_SERVER names, and the dated format of older releases', async () => {
    fake('sntp', 'echo "2024-03-04 10:00:00.123456 (+0000) -0.004000 +/- 0.020000 $1 192.0.2.7"');
    expect(
      await measureClockOffset(env({ EXO_BENCH_NTP_SERVER: 'ntp.example.test' }), { platform: 'darwin' }),
    ).toEqual({ offsetMs: expect.closeTo(4, 9) as number, source: 'sntp' });
    expect(argsOf('sntp')).toBe('ntp.example.test');
  });

  it('on Linux: chronyc tracking, and never sntp', async () => {
    fake(
      'chronyc',
      'echo "Reference ID    : C0000207 (ntp.example.test)"\necho "System time     : 0.000250000 seconds fast of NTP time"',
    );
    fake('sntp', 'echo "+1.000000 +/- 0.024780 $1 192.0.2.7"');
    expect(await measureClockOffset(env(), { platform: 'linux' })).toEqual({
      offsetMs: expect.closeTo(0.25, 9) as number,
      source: 'chrony',
    });
    expect(argsOf('chronyc')).toBe('tracking');
    expect(argsOf('sntp')).toBeUndefined();
    // Without chrony's offset, Linux stays unmeasured: sntp is macOS's way, not a fallback.
    fake('chronyc', 'echo "506 Cannot talk to daemon"\nexit 1');
    expect(await measureClockOffset(env(), { platform: 'linux' })).toEqual({
      offsetMs: null,
      source: 'none',
    });
    expect(argsOf('sntp')).toBeUndefined();
  });

  it('elsewhere: unmeasured, without running anything', async () => {
    fake('chronyc', 'echo "System time     : 0.000250000 seconds fast of NTP time"');
    fake('sntp', 'echo "+0.015404 +/- 0.024780 $1 17.253.4.125"');
    expect(await measureClockOffset(env(), { platform: 'win32' })).toEqual({
      offsetMs: null,
      source: 'none',
    });
    expect([argsOf('chronyc'), argsOf('sntp')]).toEqual([undefined, undefined]);
  });

  it('unmeasured when sntp fails, prints no offset, or is missing', async () => {
    fake('sntp', 'echo "sntp: Exchange failed" >&2\nexit 1');
    expect(await measureClockOffset(env(), { platform: 'darwin' })).toEqual({
      offsetMs: null,
      source: 'none',
    });
    fake('sntp', 'echo "time.apple.com lookup error"');
    expect(await measureClockOffset(env(), { platform: 'darwin' })).toEqual({
      offsetMs: null,
      source: 'none',
    });
    rmSync(join(bin, 'sntp'));
    expect(await measureClockOffset(env(), { platform: 'darwin' })).toEqual({
      offsetMs: null,
      source: 'none',
    });
  });

  it('unmeasured when sntp does not answer within the bound, without waiting for what holds its output', async () => {
    // The script starts a long sleep that inherits its output and outlives it (the sleep notes its own
    // id first, so that it can be ended by it): the answer must not wait for that output to close.
    fake('sntp', `/bin/sh -c 'echo $$ > "$MARK/sleep.pid"; exec ${sleep} 60' &\nwait`);
    const measured = await measureClockOffset(env(), { platform: 'darwin', timeoutMs: 1_000 });
    expect(measured).toEqual({ offsetMs: null, source: 'none' });
    expect(CLOCK_OFFSET_TIMEOUT_MS).toBe(3_000);
    // The sleep's id, once it has noted it (bounded: a script killed before it started one left none).
    const pidFile = join(bin, 'sleep.pid');
    for (let tries = 0; tries < 50 && !existsSync(pidFile); tries += 1)
      await new Promise((resolve) => setTimeout(resolve, 100));
    const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) : 0;
    if (pid > 0) pids.push(pid);
  });

  it('a bad EXO_BENCH_NTP_SERVER is an input error; a simulated offset needs no command at all', async () => {
    fake('sntp', 'echo "+0.015404 +/- 0.024780 $1 17.253.4.125"');
    await expect(
      measureClockOffset(env({ EXO_BENCH_NTP_SERVER: '-S' }), { platform: 'darwin' }),
    ).rejects.toThrow(/EXO_BENCH_NTP_SERVER must be a host name or address, got "-S"/);
    expect(argsOf('sntp')).toBeUndefined();
    expect(
      await measureClockOffset(env({ EXO_BENCH_SIMULATED_CLOCK_OFFSET_MS: '-7' }), { platform: 'darwin' }),
    ).toEqual({ offsetMs: -7, source: 'simulated' });
    expect(argsOf('sntp')).toBeUndefined();
  });

  it("reads chrony's report: fast positive, slow negative", () => {
    expect(parseChronyTracking('System time     : 0.002500000 seconds slow of NTP time\n')).toBeCloseTo(
      -2.5,
      9,
    );
  });
});
