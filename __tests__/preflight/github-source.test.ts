/**
 * The pre-flight through the real @actions/github client against a stand-in of GitHub's
 * self-hosted-runner endpoints on 127.0.0.1: real sockets, real pagination, real error answers.
 */
import { createGitHubRunnerSource, rateLimitWaitMs } from '../../src/action/runners.js';
import type { RunnerSourceRetryOptions } from '../../src/action/runners.js';
import { CancelledError } from '../../src/core/errors.js';
import {
  RunnerAccessError,
  RunnerRateLimitError,
  preflightError,
  renderPreflightMarkdown,
  runPreflight,
} from '../../src/preflight/runners.js';
import { GitHubStandin, makeRunners } from '../helpers/github-standin.js';
import { drivenClock, recordingLogger } from './test-kit.js';
import type { RecordingLogger } from './test-kit.js';

/** How a label reads in the Markdown tables (src/util/markdown.ts escapes `_`). */
const md = (text: string): string => text.replace(/_/g, '\\_');

const M3 = 'M3ULTRA_GPU80_512GB';
const M4 = 'M4PRO_GPU20_64GB';
const OWNER = 'exo-explore';
const REPO = 'bench';
const TOKEN = 'ghp_standin_secret_token_abcdef0123456789';

let standin: GitHubStandin;

beforeAll(async () => {
  standin = await GitHubStandin.start({ owner: OWNER, repo: REPO, org: 'exo-org', token: TOKEN });
});

afterAll(async () => {
  await standin.close();
});

beforeEach(() => {
  standin.resetRequests();
  standin.clearFaults();
  standin.access = 'ok';
  standin.onListing = undefined;
  standin.setRunners([]);
});

function repoSource(retry?: RunnerSourceRetryOptions, logger?: RecordingLogger, token = TOKEN) {
  return createGitHubRunnerSource(token, 'repo', {
    baseUrl: standin.baseUrl,
    owner: OWNER,
    repo: REPO,
    ...(retry ? { retry } : {}),
    ...(logger ? { logger } : {}),
  });
}

/** The token must not appear anywhere a user could see it. */
function expectNoToken(...texts: Array<string | undefined>): void {
  for (const text of texts) expect(text ?? '').not.toContain(TOKEN);
}

describe('runner pre-flight against the GitHub stand-in', () => {
  it('reports ready when every label has its runners, listing with the token and 100 per page', async () => {
    standin.setRunners([...makeRunners('m3', 4, [M3]), ...makeRunners('m4', 2, [M4.toLowerCase()])]);
    const logger = recordingLogger();
    const result = await runPreflight(
      repoSource(),
      { hardwarePlan: { [M3]: 4, [M4]: 2 }, waitSeconds: 0 },
      logger,
    );

    expect(result).toEqual({
      status: 'ready',
      runnersReady: 'true',
      polls: 1,
      labels: [
        { label: M3, wanted: 4, online: 4, busy: 0, offline: 0, ready: true },
        { label: M4, wanted: 2, online: 2, busy: 0, offline: 0, ready: true },
      ],
    });
    expect(standin.listRequests).toEqual([
      {
        method: 'GET',
        path: `/repos/${OWNER}/${REPO}/actions/runners`,
        query: { per_page: '100' },
        authorization: `token ${TOKEN}`,
        status: 200,
      },
    ]);
    expect(logger.lines).toContain(`info: runners (poll 1): ${M3} 4/4 online; ${M4} 2/2 online`);
    expectNoToken(...logger.lines);
  });

  it('reports a label that is one runner short, and fails only through preflightError', async () => {
    standin.setRunners([
      ...makeRunners('m3', 3, [M3]),
      ...makeRunners('m3-down', 1, [M3], { status: 'offline' }),
      ...makeRunners('m4', 1, [M4]),
    ]);
    const result = await runPreflight(
      repoSource(),
      { hardwarePlan: { [M3]: 4, [M4]: 1 }, waitSeconds: 0 },
      recordingLogger(),
    );

    expect(result.status).toBe('short');
    expect(result.runnersReady).toBe('false');
    expect(result.labels[0]).toEqual({ label: M3, wanted: 4, online: 3, busy: 0, offline: 1, ready: false });
    expect(result.reason).toBe(`Not enough online self-hosted runners: ${M3} has 3 of 4.`);
    expect(renderPreflightMarkdown(result)).toContain(`| ${md(M3)} | 4 | 3 | 0 | 1 | **no** (1 missing) |`);
    expect(preflightError(result)?.message).toBe(result.reason);
  });

  it('waits while runners come online, polling on the driven clock', async () => {
    standin.setRunners(makeRunners('m3', 4, [M3], { status: 'offline' }));
    // Listing n sees n-1 runners online: the fourth appears at the fourth poll.
    standin.onListing = (listing, server) => {
      server.runners.forEach((runner, index) => (runner.status = index < listing - 1 ? 'online' : 'offline'));
    };
    const clock = drivenClock();
    const logger = recordingLogger();
    const result = await runPreflight(
      repoSource(),
      {
        hardwarePlan: { [M3]: 3 },
        waitSeconds: 300,
        pollIntervalMs: 10_000,
        now: clock.now,
        sleep: clock.sleep,
      },
      logger,
    );

    expect(result).toMatchObject({ status: 'ready', runnersReady: 'true', polls: 4 });
    expect(result.labels).toEqual([{ label: M3, wanted: 3, online: 3, busy: 0, offline: 1, ready: true }]);
    expect(clock.sleeps).toEqual([10_000, 10_000, 10_000]);
    expect(standin.listRequests).toHaveLength(4);
    expect(logger.lines.filter((line) => line.startsWith('info: runners'))).toEqual([
      `info: runners (poll 1, 5m00s left): ${M3} 0/3 online (4 offline)`,
      `info: runners (poll 2, 4m50s left): ${M3} 1/3 online (3 offline)`,
      `info: runners (poll 3, 4m40s left): ${M3} 2/3 online (2 offline)`,
      `info: runners (poll 4, 4m30s left): ${M3} 3/3 online (1 offline)`,
    ]);
  });

  it('counts busy runners as present and reports them as busy', async () => {
    standin.setRunners([...makeRunners('m3-busy', 2, [M3], { busy: true }), ...makeRunners('m3', 1, [M3])]);
    const result = await runPreflight(
      repoSource(),
      { hardwarePlan: { [M3]: 3 }, waitSeconds: 0 },
      recordingLogger(),
    );

    expect(result.status).toBe('ready');
    expect(result.labels).toEqual([{ label: M3, wanted: 3, online: 3, busy: 2, offline: 0, ready: true }]);
    expect(renderPreflightMarkdown(result)).toContain(`| ${md(M3)} | 3 | 3 | 2 | 0 | yes |`);
  });

  it('follows the Link headers through every page', async () => {
    standin.setRunners([
      ...makeRunners('m3', 120, [M3]),
      ...makeRunners('m4', 100, [M4]),
      ...makeRunners('m4-down', 10, [M4], { status: 'offline' }),
    ]);
    const runners = await repoSource().list();
    expect(runners).toHaveLength(230);
    expect(runners[0]).toEqual({
      name: 'm3-1',
      status: 'online',
      busy: false,
      labels: ['self-hosted', 'macOS', 'ARM64', M3],
    });

    // GitHub's next links point at /repositories/{id}/...; the client follows them as given.
    expect(standin.listRequests.map((request) => [request.path, request.query])).toEqual([
      [`/repos/${OWNER}/${REPO}/actions/runners`, { per_page: '100' }],
      ['/repositories/4242/actions/runners', { per_page: '100', page: '2' }],
      ['/repositories/4242/actions/runners', { per_page: '100', page: '3' }],
    ]);
    const result = await runPreflight(
      repoSource(),
      { hardwarePlan: { [M3]: 120, [M4]: 101 }, waitSeconds: 0 },
      recordingLogger(),
    );
    expect(result.labels).toEqual([
      { label: M3, wanted: 120, online: 120, busy: 0, offline: 0, ready: true },
      { label: M4, wanted: 101, online: 100, busy: 0, offline: 10, ready: false },
    ]);
  });

  it('lists organisation runners for runner-scope org', async () => {
    standin.setRunners(makeRunners('m3', 2, [M3]));
    const source = createGitHubRunnerSource(TOKEN, 'org', { baseUrl: standin.baseUrl, org: 'exo-org' });
    await expect(source.list()).resolves.toHaveLength(2);
    expect(standin.listRequests.map((request) => request.path)).toEqual(['/orgs/exo-org/actions/runners']);
  });

  it('says the token may not read runners on a 403, once, and reports unknown', async () => {
    standin.access = 'forbidden';
    standin.setRunners(makeRunners('m3', 2, [M3]));
    const clock = drivenClock();
    const logger = recordingLogger();
    const result = await runPreflight(
      repoSource(),
      { hardwarePlan: { [M3]: 2 }, waitSeconds: 300, now: clock.now, sleep: clock.sleep },
      logger,
    );

    expect(result).toMatchObject({ status: 'unknown', runnersReady: 'unknown', polls: 1 });
    expect(result.reason).toMatch(
      new RegExp(
        `^github-token may not read the self-hosted runners of repository ${OWNER}/${REPO} ` +
          '\\(GitHub answered 403: Resource not accessible by integration - https://docs\\.github\\.com/\\S+\\)\\. ' +
          'Runner availability is unknown\\. The workflow GITHUB_TOKEN cannot read runners\\.',
      ),
    );
    expect(result.reason).toContain('"Administration: read"');
    expect(standin.listRequests).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
    expect(preflightError(result)).toBeUndefined();
    expectNoToken(result.reason, ...logger.lines, renderPreflightMarkdown(result));
  });

  it('says the repository was not found on a 404 and reports unknown', async () => {
    standin.access = 'not-found';
    const result = await runPreflight(
      repoSource(),
      { hardwarePlan: { [M3]: 1 }, waitSeconds: 0 },
      recordingLogger(),
    );

    expect(result).toMatchObject({ status: 'unknown', runnersReady: 'unknown', polls: 1 });
    expect(result.reason).toMatch(
      new RegExp(
        `^GitHub answered 404: Not Found - \\S+ when listing the self-hosted runners of repository ${OWNER}/${REPO}: ` +
          'it does not exist, or github-token may not see it\\. Runner availability is unknown\\.',
      ),
    );
  });

  it('throws RunnerAccessError for a token GitHub rejects (401), without the token in it', async () => {
    const wrongToken = 'ghp_wrong_token_9876543210';
    const error: unknown = await repoSource(undefined, undefined, wrongToken)
      .list()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RunnerAccessError);
    expect((error as RunnerAccessError).status).toBe(401);
    expect((error as RunnerAccessError).message).toMatch(
      /^GitHub rejected github-token \(401: Bad credentials/,
    );
    expect((error as RunnerAccessError).message).not.toContain(wrongToken);
    expect(standin.listRequests[0]?.authorization).toBe(`token ${wrongToken}`);
  });

  it('waits out a 429 with retry-after: 1 and retries the same page (real wait)', async () => {
    standin.setRunners(makeRunners('m3', 150, [M3]));
    standin.enqueueFault({ status: 429, page: 2, headers: { 'retry-after': '1' } });
    const logger = recordingLogger();
    const startedAtMs = Date.now();
    const runners = await repoSource(undefined, logger).list();
    const elapsedMs = Date.now() - startedAtMs;

    expect(runners).toHaveLength(150);
    expect(elapsedMs).toBeGreaterThanOrEqual(950);
    expect(standin.listRequests.map((request) => [request.query.page ?? '1', request.status])).toEqual([
      ['1', 200],
      ['2', 429],
      ['2', 200],
    ]);
    expect(logger.lines).toEqual([
      `info: GitHub rate limit (429) while listing the self-hosted runners of repository ${OWNER}/${REPO}: waiting 1s, then retrying`,
    ]);
  });

  it('waits until x-ratelimit-reset on a 403 with an exhausted quota', async () => {
    standin.setRunners(makeRunners('m3', 1, [M3]));
    const nowMs = 1_700_000_000_000;
    standin.enqueueFault({
      status: 403,
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(nowMs / 1000 + 12) },
    });
    const sleeps: number[] = [];
    const source = repoSource({ now: () => nowMs, sleep: async (ms) => void sleeps.push(ms) });

    await expect(source.list()).resolves.toHaveLength(1);
    expect(sleeps).toEqual([12_000]);
    expect(standin.listRequests.map((request) => request.status)).toEqual([403, 200]);
  });

  it('hands a rate limit longer than it waits itself to the pre-flight, which weighs it against the deadline', async () => {
    standin.setRunners(makeRunners('m3', 1, [M3]));
    // A secondary rate limit: 403 with retry-after, longer than the source's own 20 s.
    standin.enqueueFault({
      status: 403,
      headers: { 'retry-after': '90' },
      message: 'You have exceeded a secondary rate limit',
    });
    const clock = drivenClock();
    const withinDeadline = await runPreflight(
      repoSource(),
      { hardwarePlan: { [M3]: 1 }, waitSeconds: 120, now: clock.now, sleep: clock.sleep },
      recordingLogger(),
    );
    expect(withinDeadline).toMatchObject({ status: 'ready', polls: 2 });
    expect(clock.sleeps).toEqual([90_000]);

    standin.enqueueFault({
      status: 403,
      headers: { 'retry-after': '90' },
      message: 'You have exceeded a secondary rate limit',
    });
    const error: unknown = await repoSource()
      .list()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RunnerRateLimitError);
    expect((error as RunnerRateLimitError).retryAfterMs).toBe(90_000);

    standin.enqueueFault({ status: 403, headers: { 'retry-after': '90' } });
    const checkOnce = await runPreflight(
      repoSource(),
      { hardwarePlan: { [M3]: 1 }, waitSeconds: 0 },
      recordingLogger(),
    );
    expect(checkOnce).toMatchObject({ status: 'unknown', runnersReady: 'unknown' });
    expect(checkOnce.reason).toContain('GitHub rate limit (403)');
    expect(checkOnce.reason).toContain('rate limit lifts in 1m30s');
  });

  it('gives up after maxRetries rate-limit answers in a row', async () => {
    for (let index = 0; index < 3; index += 1)
      standin.enqueueFault({ status: 429, headers: { 'retry-after': '0' } });
    const source = repoSource({ maxRetries: 2, sleep: async () => undefined });
    await expect(source.list()).rejects.toBeInstanceOf(RunnerRateLimitError);
    expect(standin.listRequests).toHaveLength(3);
  });

  it('never puts the token in an error message, even when the server echoes it', async () => {
    standin.enqueueFault({ status: 500, message: `upstream failed for token ${TOKEN}` });
    const error: unknown = await repoSource()
      .list()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe(
      `Listing the self-hosted runners of repository ${OWNER}/${REPO} failed (500): ` +
        'upstream failed for token *** - https://docs.github.com/rest/actions/self-hosted-runners',
    );
    expect((error as Error).message).not.toContain(TOKEN);
  });

  it('abandons a request GitHub does not answer within requestTimeoutMs', async () => {
    standin.enqueueFault({ status: 0, hang: true });
    const startedAtMs = Date.now();
    await expect(repoSource({ requestTimeoutMs: 200 }).list()).rejects.toThrow(
      `GitHub did not answer within 200ms (repository ${OWNER}/${REPO})`,
    );
    expect(Date.now() - startedAtMs).toBeLessThan(2_000);
  });

  it('cancels a request in flight when the signal aborts', async () => {
    standin.enqueueFault({ status: 0, hang: true });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    await expect(repoSource().list(controller.signal)).rejects.toBeInstanceOf(CancelledError);
  });

  it('names a failed connection without inventing an HTTP status', async () => {
    const closed = await GitHubStandin.start();
    const baseUrl = closed.baseUrl;
    await closed.close();
    const source = createGitHubRunnerSource(TOKEN, 'repo', { baseUrl, owner: OWNER, repo: REPO });
    await expect(source.list()).rejects.toThrow(
      new RegExp(`^Listing the self-hosted runners of repository ${OWNER}/${REPO} failed: \\S`),
    );
  });

  it('stops a rate-limit wait when the signal aborts', async () => {
    standin.enqueueFault({ status: 429, headers: { 'retry-after': '10' } });
    const controller = new AbortController();
    const listing = repoSource().list(controller.signal);
    setTimeout(() => controller.abort(), 50);
    const startedAtMs = Date.now();
    await expect(listing).rejects.toBeInstanceOf(CancelledError);
    expect(Date.now() - startedAtMs).toBeLessThan(2_000);
  });
});

describe('rateLimitWaitMs', () => {
  const nowMs = 1_700_000_000_000;
  it('reads retry-after seconds, or an exhausted quota with its reset epoch', () => {
    expect(rateLimitWaitMs(429, { 'retry-after': '1' }, nowMs)).toBe(1_000);
    expect(rateLimitWaitMs(403, { 'retry-after': '60', 'x-ratelimit-remaining': '4999' }, nowMs)).toBe(
      60_000,
    );
    expect(
      rateLimitWaitMs(
        403,
        { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(nowMs / 1000 + 5) },
        nowMs,
      ),
    ).toBe(5_000);
    expect(
      rateLimitWaitMs(
        403,
        { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(nowMs / 1000 - 5) },
        nowMs,
      ),
    ).toBe(0);
  });

  it('treats a 403 without retry headers as an access problem, not a rate limit', () => {
    expect(
      rateLimitWaitMs(403, { 'x-ratelimit-remaining': '4999', 'x-ratelimit-reset': '1' }, nowMs),
    ).toBeUndefined();
    expect(rateLimitWaitMs(404, { 'retry-after': '1' }, nowMs)).toBeUndefined();
  });

  it('gives a 429 without headers a minute, as GitHub advises', () => {
    expect(rateLimitWaitMs(429, {}, nowMs)).toBe(60_000);
  });
});
