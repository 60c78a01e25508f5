/**
 * On a runner, nothing but the environment says where GitHub is and which repository runs:
 * GITHUB_API_URL (read by @actions/github when it loads) and GITHUB_REPOSITORY.
 */
import { GitHubStandin, makeRunners } from '../helpers/github-standin.js';

const TOKEN = 'ghp_env_token_0123456789';
const standin = await GitHubStandin.start({
  owner: 'env-owner',
  repo: 'env-repo',
  org: 'env-owner',
  token: TOKEN,
});
const savedEnv = {
  apiUrl: process.env.GITHUB_API_URL,
  repository: process.env.GITHUB_REPOSITORY,
  eventPath: process.env.GITHUB_EVENT_PATH,
};
process.env.GITHUB_API_URL = standin.baseUrl;
// Without this, on a real runner the event payload would still name a repository.
delete process.env.GITHUB_EVENT_PATH;
process.env.GITHUB_REPOSITORY = 'env-owner/env-repo';
// Imported only now: @actions/github reads GITHUB_API_URL once, when the module loads.
const { createGitHubRunnerSource } = await import('../../src/action/runners.js');

afterAll(async () => {
  restore('GITHUB_API_URL', savedEnv.apiUrl);
  restore('GITHUB_REPOSITORY', savedEnv.repository);
  restore('GITHUB_EVENT_PATH', savedEnv.eventPath);
  await standin.close();
});

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

it('lists the runners of GITHUB_REPOSITORY at GITHUB_API_URL when no option says otherwise', async () => {
  standin.setRunners(makeRunners('m3', 3, ['M3']));
  await expect(createGitHubRunnerSource(TOKEN, 'repo').list()).resolves.toHaveLength(3);
  await expect(createGitHubRunnerSource(TOKEN, 'org').list()).resolves.toHaveLength(3);
  expect(standin.listRequests.map((request) => request.path)).toEqual([
    '/repos/env-owner/env-repo/actions/runners',
    '/orgs/env-owner/actions/runners',
  ]);
});

it('refuses an empty token and a missing GITHUB_REPOSITORY with input errors', () => {
  expect(() => createGitHubRunnerSource('', 'repo')).toThrow('github-token is empty');
  const repository = process.env.GITHUB_REPOSITORY;
  delete process.env.GITHUB_REPOSITORY;
  try {
    expect(() => createGitHubRunnerSource(TOKEN, 'repo')).toThrow(/GITHUB_REPOSITORY is not set/);
  } finally {
    process.env.GITHUB_REPOSITORY = repository;
  }
});
