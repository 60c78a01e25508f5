import { CancelledError, ClusterError } from '../../src/core/errors.js';
import {
  RunnerAccessError,
  RunnerRateLimitError,
  countRunners,
  preflightError,
  renderPreflightMarkdown,
  runPreflight,
} from '../../src/preflight/runners.js';
import type { PreflightResult, RunnerInfo, RunnerSource } from '../../src/preflight/runners.js';
import { drivenClock, recordingLogger } from './test-kit.js';

/** How a label reads in the Markdown tables (src/util/markdown.ts escapes `_`). */
const md = (text: string): string => text.replace(/_/g, '\\_');

const M3 = 'M3ULTRA_GPU80_512GB';
const M4 = 'M4PRO_GPU20_64GB';

function runner(name: string, labels: string[], status = 'online', busy = false): RunnerInfo {
  return { name, status, busy, labels: ['self-hosted', 'macOS', ...labels] };
}

/** A source that answers each listing from a script: runners, or an error to throw. */
function scriptedSource(...answers: Array<RunnerInfo[] | Error>): RunnerSource & { calls: number } {
  const source = {
    calls: 0,
    async list(): Promise<RunnerInfo[]> {
      const answer = answers[Math.min(source.calls, answers.length - 1)];
      source.calls += 1;
      if (answer instanceof Error) throw answer;
      return answer ?? [];
    },
  };
  return source;
}

describe('countRunners', () => {
  it('counts online, busy and offline runners per label, matching labels case-insensitively', () => {
    const runners = [
      runner('a', [M3]),
      runner('b', [M3.toLowerCase()], 'online', true),
      runner('c', ['m3ultra_gpu80_512GB'], 'offline'),
      runner('d', [M4]),
      runner('e', ['unrelated']),
    ];
    expect(countRunners({ [M3]: 4, [M4]: 1 }, runners)).toEqual([
      { label: M3, wanted: 4, online: 2, busy: 1, offline: 1, ready: false },
      { label: M4, wanted: 1, online: 1, busy: 0, offline: 0, ready: true },
    ]);
  });

  it('counts a runner for every plan label it carries, and an unknown status as offline', () => {
    const runners = [runner('both', [M3, M4]), runner('odd', [M3], 'starting')];
    expect(countRunners({ [M3]: 1, [M4]: 1 }, runners)).toEqual([
      { label: M3, wanted: 1, online: 1, busy: 0, offline: 1, ready: true },
      { label: M4, wanted: 1, online: 1, busy: 0, offline: 0, ready: true },
    ]);
  });

  it('keeps the config order of labels and reports zero for labels no runner carries', () => {
    expect(
      countRunners({ zeta: 1, alpha: 2 }, []).map((entry) => [entry.label, entry.online, entry.ready]),
    ).toEqual([
      ['zeta', 0, false],
      ['alpha', 0, false],
    ]);
  });
});

describe('runPreflight', () => {
  it('without a source (no token) says so, reports unknown and lists nothing', async () => {
    const logger = recordingLogger();
    const result = await runPreflight(undefined, { hardwarePlan: { [M3]: 2 }, waitSeconds: 60 }, logger);
    expect(result).toMatchObject({ status: 'unknown', runnersReady: 'unknown', polls: 0 });
    expect(result.reason).toBe('No github-token was given, so the self-hosted runners were not checked.');
    expect(result.labels).toEqual([{ label: M3, wanted: 2, online: 0, busy: 0, offline: 0, ready: false }]);
    expect(logger.lines).toContain(`info: ${result.reason}`);
  });

  it('checks once when waitSeconds is 0 and reports ready', async () => {
    const clock = drivenClock();
    const source = scriptedSource([runner('a', [M3]), runner('b', [M3])]);
    const logger = recordingLogger();
    const result = await runPreflight(
      source,
      { hardwarePlan: { [M3]: 2 }, waitSeconds: 0, ...clock },
      logger,
    );
    expect(result).toEqual({
      status: 'ready',
      runnersReady: 'true',
      polls: 1,
      labels: [{ label: M3, wanted: 2, online: 2, busy: 0, offline: 0, ready: true }],
    });
    expect(clock.sleeps).toEqual([]);
    expect(logger.lines).toEqual([
      'group: Runner pre-flight',
      `info: runners (poll 1): ${M3} 2/2 online`,
      'endgroup',
    ]);
  });

  it('checks once when waitSeconds is 0 and reports a short label without waiting', async () => {
    const clock = drivenClock();
    const source = scriptedSource([runner('a', [M3]), runner('b', [M3], 'offline'), runner('c', [M4])]);
    const result = await runPreflight(
      source,
      { hardwarePlan: { [M3]: 2, [M4]: 1 }, waitSeconds: 0, ...clock },
      recordingLogger(),
    );
    expect(result.status).toBe('short');
    expect(result.runnersReady).toBe('false');
    expect(result.reason).toBe(`Not enough online self-hosted runners: ${M3} has 1 of 2.`);
    expect(source.calls).toBe(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('polls every interval until the runners come online, with a progress line per poll', async () => {
    const clock = drivenClock();
    const source = scriptedSource(
      [runner('a', [M3]), runner('b', [M3], 'offline'), runner('c', [M3], 'offline')],
      [runner('a', [M3], 'online', true), runner('b', [M3]), runner('c', [M3], 'offline')],
      [runner('a', [M3]), runner('b', [M3]), runner('c', [M3])],
    );
    const logger = recordingLogger();
    const result = await runPreflight(
      source,
      { hardwarePlan: { [M3]: 3 }, waitSeconds: 120, pollIntervalMs: 10_000, ...clock },
      logger,
    );
    expect(result).toMatchObject({ status: 'ready', runnersReady: 'true', polls: 3 });
    expect(clock.sleeps).toEqual([10_000, 10_000]);
    expect(logger.lines.filter((line) => line.startsWith('info:'))).toEqual([
      `info: runners (poll 1, 2m00s left): ${M3} 1/3 online (2 offline)`,
      `info: runners (poll 2, 1m50s left): ${M3} 2/3 online (1 busy, 1 offline)`,
      `info: runners (poll 3, 1m40s left): ${M3} 3/3 online`,
    ]);
  });

  it('gives up at the deadline, polling once more exactly at it, and reports the last counts', async () => {
    const clock = drivenClock();
    const source = scriptedSource([runner('a', [M3])]);
    const result = await runPreflight(
      source,
      { hardwarePlan: { [M3]: 2 }, waitSeconds: 25, pollIntervalMs: 10_000, ...clock },
      recordingLogger(),
    );
    expect(clock.sleeps).toEqual([10_000, 10_000, 5_000]);
    expect(result).toMatchObject({ status: 'short', runnersReady: 'false', polls: 4 });
    expect(result.reason).toBe(`Not enough online self-hosted runners after waiting 25s: ${M3} has 1 of 2.`);
  });

  it('counts busy runners as present', async () => {
    const source = scriptedSource([runner('a', [M3], 'online', true), runner('b', [M3], 'online', true)]);
    const result = await runPreflight(
      source,
      { hardwarePlan: { [M3]: 2 }, waitSeconds: 0 },
      recordingLogger(),
    );
    expect(result.status).toBe('ready');
    expect(result.labels).toEqual([{ label: M3, wanted: 2, online: 2, busy: 2, offline: 0, ready: true }]);
  });

  it('reports unknown, without retrying, when the token may not read runners', async () => {
    const clock = drivenClock();
    const source = scriptedSource(
      new RunnerAccessError(
        403,
        'github-token may not read the self-hosted runners of repository o/r.',
        'Use another token.',
      ),
    );
    const logger = recordingLogger();
    const result = await runPreflight(
      source,
      { hardwarePlan: { [M3]: 2 }, waitSeconds: 300, ...clock },
      logger,
    );
    expect(result).toMatchObject({ status: 'unknown', runnersReady: 'unknown', polls: 1 });
    expect(result.reason).toBe(
      'github-token may not read the self-hosted runners of repository o/r. Runner availability is unknown. ' +
        'Use another token.',
    );
    expect(source.calls).toBe(1);
    expect(clock.sleeps).toEqual([]);
    expect(logger.lines).toContain(`warning: ${result.reason}`);
  });

  it('waits out a rate limit that lifts before the deadline, then polls again', async () => {
    const clock = drivenClock();
    const source = scriptedSource(new RunnerRateLimitError(403, 45_000, 'GitHub rate limit (403)'), [
      runner('a', [M3]),
    ]);
    const logger = recordingLogger();
    const result = await runPreflight(
      source,
      { hardwarePlan: { [M3]: 1 }, waitSeconds: 60, pollIntervalMs: 10_000, ...clock },
      logger,
    );
    expect(result).toMatchObject({ status: 'ready', polls: 2 });
    expect(clock.sleeps).toEqual([45_000]);
    expect(logger.lines).toContain(
      'warning: runners (poll 1): could not list self-hosted runners: GitHub rate limit (403) (rate limit lifts in 45s)',
    );
  });

  it('does not sit out a rate limit that outlasts the deadline: unknown at once', async () => {
    const clock = drivenClock();
    const source = scriptedSource(new RunnerRateLimitError(429, 30 * 60_000, 'GitHub rate limit (429)'));
    const result = await runPreflight(
      source,
      { hardwarePlan: { [M3]: 1 }, waitSeconds: 600, ...clock },
      recordingLogger(),
    );
    expect(result).toMatchObject({ status: 'unknown', runnersReady: 'unknown', polls: 1 });
    expect(result.reason).toBe(
      'Could not list the self-hosted runners, so runner availability is unknown: ' +
        'GitHub rate limit (429) (rate limit lifts in 30m00s)',
    );
    expect(clock.sleeps).toEqual([]);
  });

  it('retries a transient failure and keeps the last counts seen when the final poll fails', async () => {
    const clock = drivenClock();
    const source = scriptedSource([runner('a', [M3])], new Error('socket hang up'));
    const result = await runPreflight(
      source,
      { hardwarePlan: { [M3]: 2 }, waitSeconds: 20, pollIntervalMs: 10_000, ...clock },
      recordingLogger(),
    );
    expect(result.status).toBe('short');
    expect(result.labels[0]?.online).toBe(1);
    expect(result.polls).toBe(3);
    expect(result.reason).toBe(
      `Not enough online self-hosted runners after waiting 20s: ${M3} has 1 of 2. ` +
        'The last poll failed (socket hang up); counts are from the one before.',
    );
  });

  it('stops with CancelledError when the signal aborts during the wait', async () => {
    const controller = new AbortController();
    const source = scriptedSource([]);
    const promise = runPreflight(
      source,
      {
        hardwarePlan: { [M3]: 1 },
        waitSeconds: 600,
        signal: controller.signal,
        now: () => 0,
        sleep: async () => controller.abort(),
      },
      recordingLogger(),
    );
    await expect(promise).rejects.toBeInstanceOf(CancelledError);
    expect(source.calls).toBe(1);
  });
});

describe('renderPreflightMarkdown', () => {
  it('renders a ready result as a heading, a verdict and a table', () => {
    const result: PreflightResult = {
      status: 'ready',
      runnersReady: 'true',
      polls: 2,
      labels: [
        { label: M3, wanted: 2, online: 3, busy: 1, offline: 0, ready: true },
        { label: M4, wanted: 1, online: 1, busy: 0, offline: 2, ready: true },
      ],
    };
    expect(renderPreflightMarkdown(result)).toBe(
      [
        '### Self-hosted runners',
        '',
        'Every label has enough online runners (2 polls).',
        '',
        '| label | wanted | online | busy | offline | ready |',
        '| --- | ---: | ---: | ---: | ---: | --- |',
        `| ${md(M3)} | 2 | 3 | 1 | 0 | yes |`,
        `| ${md(M4)} | 1 | 1 | 0 | 2 | yes |`,
        '',
        'Busy runners are online but running another job; matrix jobs start when they are free.',
        '',
      ].join('\n'),
    );
  });

  it('renders a short result with how many runners are missing', () => {
    const result: PreflightResult = {
      status: 'short',
      runnersReady: 'false',
      polls: 1,
      reason: `Not enough online self-hosted runners: ${M3} has 1 of 4.`,
      labels: [{ label: M3, wanted: 4, online: 1, busy: 0, offline: 1, ready: false }],
    };
    expect(renderPreflightMarkdown(result)).toBe(
      [
        '### Self-hosted runners',
        '',
        `**Not enough runners.** Not enough online self-hosted runners: ${md(M3)} has 1 of 4.`,
        '',
        '| label | wanted | online | busy | offline | ready |',
        '| --- | ---: | ---: | ---: | ---: | --- |',
        `| ${md(M3)} | 4 | 1 | 0 | 1 | **no** (3 missing) |`,
        '',
      ].join('\n'),
    );
  });

  it('renders an unknown result with its reason and question marks', () => {
    const result: PreflightResult = {
      status: 'unknown',
      runnersReady: 'unknown',
      polls: 0,
      reason: 'No github-token was given, so the self-hosted runners were not checked.',
      labels: [{ label: M3, wanted: 2, online: 0, busy: 0, offline: 0, ready: false }],
    };
    expect(renderPreflightMarkdown(result)).toBe(
      [
        '### Self-hosted runners',
        '',
        '**Runners not checked.** No github-token was given, so the self-hosted runners were not checked.',
        '',
        '| label | wanted | online | busy | offline | ready |',
        '| --- | ---: | ---: | ---: | ---: | --- |',
        `| ${md(M3)} | 2 | ? | ? | ? | unknown |`,
        '',
      ].join('\n'),
    );
  });

  it('escapes labels so they cannot break the table or inject HTML', () => {
    const result: PreflightResult = {
      status: 'ready',
      runnersReady: 'true',
      polls: 1,
      labels: [{ label: 'x|<b>', wanted: 1, online: 1, busy: 0, offline: 0, ready: true }],
    };
    expect(renderPreflightMarkdown(result)).toContain('| x\\|\\<b\\> | 1 | 1 | 0 | 0 | yes |');
  });
});

describe('preflightError', () => {
  it('is a ClusterError with the reason and an actionable hint only when a label is short', () => {
    const short: PreflightResult = {
      status: 'short',
      runnersReady: 'false',
      polls: 1,
      reason: 'Not enough online self-hosted runners: X has 0 of 1.',
      labels: [{ label: 'X', wanted: 1, online: 0, busy: 0, offline: 0, ready: false }],
    };
    const error = preflightError(short);
    expect(error).toBeInstanceOf(ClusterError);
    expect(error?.message).toBe(short.reason);
    expect(error?.hint).toMatch(/wait-for-runners.*require-runners: false/);
    expect(preflightError({ ...short, status: 'unknown', runnersReady: 'unknown' })).toBeUndefined();
    expect(preflightError({ ...short, status: 'ready', runnersReady: 'true' })).toBeUndefined();
  });
});
