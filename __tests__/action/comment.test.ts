/**
 * The PR comment through the real @actions/github client against a local stand-in of the issue-comment
 * endpoints: one comment per workflow and config, created once and then updated in place.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pullRequestNumber, upsertPrComment } from '../../src/action/comment.js';
import { commentMarker } from '../../src/verdict/render.js';
import { CommentsStandin } from '../helpers/github-comments-standin.js';
import { MemoryLogger } from '../helpers/memory-logger.js';

let standin: CommentsStandin;

beforeAll(async () => {
  // A small page size, so that finding the marker has to follow GitHub's Link header.
  standin = await CommentsStandin.start({ perPageCap: 2 });
});

afterAll(async () => {
  await standin.close();
});

const marker = commentMarker('Benchmarks', 'configs/bench_simple.yaml');

function post(body: string, pullNumber = 7) {
  return upsertPrComment({
    token: standin.token,
    repository: `${standin.owner}/${standin.repo}`,
    pullNumber,
    marker,
    body: `${marker}\n${body}`,
    logger: new MemoryLogger(),
    baseUrl: standin.baseUrl,
  });
}

describe('upsertPrComment', () => {
  it('creates the comment once, then updates it in place, leaving other comments alone', async () => {
    standin.seed(7, 'LGTM');
    standin.seed(7, 'please rebase');
    standin.seed(7, '<!-- exo-bench:Benchmarks:configs/other.yaml -->\nanother config');
    const first = await post('verdict: pass');
    expect(first.action).toBe('created');
    expect(first.url).toMatch(/\/pull\/7#issuecomment-\d+$/);

    const second = await post('verdict: fail');
    expect(second).toEqual({ ...first, action: 'updated' });
    const ours = standin.comments.filter((comment) => comment.body.includes(marker));
    expect(ours).toHaveLength(1);
    expect(ours[0]?.body).toBe(`${marker}\nverdict: fail`);
    expect(standin.comments.map((comment) => comment.body.split('\n').pop())).toEqual([
      'LGTM',
      'please rebase',
      'another config',
      'verdict: fail',
    ]);
    // Found on the second page, through the Link header.
    expect(standin.requests.some((request) => request.query.page === '2')).toBe(true);
  });

  it('keeps comments of different PRs apart', async () => {
    const other = await post('verdict: pass', 8);
    expect(other.action).toBe('created');
  });

  it("rejects with GitHub's message when the token may not write (a fork's PR)", async () => {
    standin.access = 'read-only';
    await expect(post('verdict: pass', 9)).rejects.toThrow(/Resource not accessible by integration/);
    standin.access = 'write';
  });
});

describe('pullRequestNumber', () => {
  const directory = mkdtempSync(join(tmpdir(), 'exo-bench-event-'));

  it('reads the number of a pull_request event and nothing from other events', () => {
    const pr = join(directory, 'pr.json');
    writeFileSync(pr, JSON.stringify({ action: 'synchronize', pull_request: { number: 42 } }));
    const push = join(directory, 'push.json');
    writeFileSync(push, JSON.stringify({ ref: 'refs/heads/main' }));
    expect(pullRequestNumber({ GITHUB_EVENT_PATH: pr })).toBe(42);
    expect(pullRequestNumber({ GITHUB_EVENT_PATH: push })).toBeUndefined();
    expect(pullRequestNumber({ GITHUB_EVENT_PATH: join(directory, 'missing.json') })).toBeUndefined();
    expect(pullRequestNumber({})).toBeUndefined();
  });
});
