/**
 * The BaselineFetcher port over GitHub: finds the baseline's workflow run (`run:<id>`, or `latest` =
 * the latest successful run of this workflow on the default branch), picks this node's artifact in it
 * and downloads it with @actions/artifact. Listing goes through @actions/github (GITHUB_API_URL aware).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DefaultArtifactClient } from '@actions/artifact';
import { getOctokit } from '@actions/github';
import { ExoBenchError, InputError } from '../core/errors.js';
import type { Logger } from '../core/ports.js';
import type { BaselineFetcher, BaselineSpec } from '../verdict/baseline.js';

/** Which artifact of a run is this node's: an exact name, or a default name of any run attempt. */
export type ArtifactMatch = { exact: string } | { prefix: string };

/** Options of the fetcher. */
export interface ArtifactBaselineOptions {
  token: string;
  /** `owner/repo` (GITHUB_REPOSITORY). */
  repository: string;
  /** GITHUB_WORKFLOW_REF (`owner/repo/.github/workflows/bench.yml@refs/heads/main`), for `latest`. */
  workflowRef: string | undefined;
  /** This run, never its own baseline. */
  currentRunId: number | undefined;
  artifact: ArtifactMatch;
  /** Artifacts are downloaded below this folder. */
  downloadRoot: string;
  logger: Logger;
  /**
   * API root of the listing (default GITHUB_API_URL, else https://api.github.com). The download itself
   * always goes to GITHUB_API_URL: @actions/artifact builds its own client, which reads it when loaded.
   */
  baseUrl?: string;
  /** Server root for links (GITHUB_SERVER_URL). */
  serverUrl?: string;
  /** Downloads an artifact into a folder; default @actions/artifact (tests inject their own). */
  download?(artifactId: number, runId: number, directory: string): Promise<void>;
}

interface ArtifactInfo {
  id: number;
  name: string;
  expired: boolean;
  created_at?: string | null;
}

/** The fields of a listed workflow run that `latest` looks at. */
interface RunInfo {
  id: number;
  event: string;
  head_repository?: { id: number } | null;
}

/** How many recent successful runs `latest` looks through for one with this node's artifact. */
export const LATEST_RUNS_SEARCHED = 20;

function matches(match: ArtifactMatch, name: string): boolean {
  return 'exact' in match ? name === match.exact : name.startsWith(match.prefix);
}

function describeMatch(match: ArtifactMatch): string {
  return 'exact' in match ? `"${match.exact}"` : `"${match.prefix}<attempt>"`;
}

/**
 * Whether a run is one of the default branch itself. The `branch` filter of the runs listing matches the
 * head branch by name, so it also returns pull-request runs whose head branch is called `main` — a
 * fork's among them, whose workflow and results the fork's author controls. Neither is a baseline.
 */
export function isDefaultBranchRun(run: RunInfo, repositoryId: number): boolean {
  if (run.event === 'pull_request' || run.event === 'pull_request_target') return false;
  return run.head_repository == null || run.head_repository.id === repositoryId;
}

/**
 * Turns a refused GitHub API call into a message that says what to fix. Octokit's own message is GitHub's
 * text plus a documentation URL, which does not say which permission the token lacks.
 */
export function explainGitHubError(error: unknown, what: string): Error {
  if (error instanceof ExoBenchError) return error;
  if (typeof error !== 'object' || error === null || !('status' in error)) {
    return new InputError(`${what}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const status = Number(error.status);
  const response =
    'response' in error ? (error.response as { data?: { message?: unknown } } | undefined) : undefined;
  const said =
    typeof response?.data?.message === 'string'
      ? response.data.message
      : error instanceof Error
        ? error.message
        : 'no message';
  const answer = `GitHub answered ${status} "${said}"`;
  if (status === 401) {
    return new InputError(
      `${what}: ${answer}: the github-token is not valid`,
      'Check the github-token input.',
    );
  }
  if (status === 403 && !/rate limit/i.test(said)) {
    return new InputError(
      `${what}: ${answer}: the github-token may not read this repository's Actions runs and artifacts; give the job "permissions: actions: read"`,
      'Add `actions: read` to the permissions of the job (or workflow) that runs exo-bench.',
    );
  }
  if (status === 403 || status === 429) {
    return new InputError(`${what}: ${answer}: rate-limited`, 'Try again later.');
  }
  if (status === 404) return new InputError(`${what}: ${answer}: no such workflow run or workflow`);
  if (status === 410) return new InputError(`${what}: ${answer}: the artifact has expired`);
  return new InputError(`${what}: ${answer}`);
}

/** The workflow file of GITHUB_WORKFLOW_REF: `o/r/.github/workflows/bench.yml@refs/…` → `bench.yml`. */
export function workflowFileOf(workflowRef: string | undefined): string | undefined {
  const path = workflowRef?.split('@')[0];
  const match = path ? /\.github\/workflows\/([^/]+)$/.exec(path) : null;
  return match?.[1];
}

/** The repository and the client the fetcher lists its runs and artifacts with. */
interface GitHubRepository {
  octokit: ReturnType<typeof getOctokit>;
  owner: string;
  repo: string;
  options: ArtifactBaselineOptions;
}

/** This node's artifact in a run: the newest unexpired one that matches (ties: the highest id). */
async function nodeArtifact(github: GitHubRepository, runId: number): Promise<ArtifactInfo | undefined> {
  const { octokit, owner, repo, options } = github;
  const artifacts = (await octokit.paginate(octokit.rest.actions.listWorkflowRunArtifacts, {
    owner,
    repo,
    run_id: runId,
    per_page: 100,
  })) as ArtifactInfo[];
  return artifacts
    .filter((artifact) => !artifact.expired && matches(options.artifact, artifact.name))
    .sort((a, b) => String(b.created_at ?? '').localeCompare(String(a.created_at ?? '')) || b.id - a.id)[0];
}

/** `run:<id>`: this node's artifact in that run; an InputError when the run has none. */
async function givenRunArtifact(
  github: GitHubRepository,
  runId: number,
  label: string,
): Promise<ArtifactInfo> {
  let artifact: ArtifactInfo | undefined;
  try {
    artifact = await nodeArtifact(github, runId);
  } catch (error) {
    throw explainGitHubError(error, `${label}: listing the artifacts of run ${runId}`);
  }
  if (!artifact) {
    throw new InputError(
      `baseline run:${runId} has no artifact named ${describeMatch(github.options.artifact)} (or it expired)`,
      'Check the run id, and that the artifact-name input matches the one of that run.',
    );
  }
  return artifact;
}

/** The latest successful runs of `workflow` on `branch`, at most LATEST_RUNS_SEARCHED. */
async function successfulRuns(
  github: GitHubRepository,
  workflow: string,
  branch: string,
): Promise<RunInfo[]> {
  const { octokit, owner, repo } = github;
  const { data } = await octokit.rest.actions
    .listWorkflowRuns({
      owner,
      repo,
      workflow_id: workflow,
      branch,
      status: 'success',
      per_page: LATEST_RUNS_SEARCHED,
    })
    .catch((error: unknown) => {
      // GitHub knows a workflow by the files of the default branch: a workflow added by this PR is 404.
      if (typeof error === 'object' && error !== null && 'status' in error && error.status === 404) {
        throw new InputError(
          `baseline latest: GitHub knows no workflow ${workflow} on ${branch} yet (404), so there is no earlier run to compare with`,
          'Once the workflow is on the default branch, its runs there become the baseline.',
        );
      }
      throw error;
    });
  return data.workflow_runs as RunInfo[];
}

/** `latest`: the newest successful run of this workflow on the default branch (not this run) with this node's artifact. */
async function latestRunWithArtifact(
  github: GitHubRepository,
): Promise<{ runId: number; artifact: ArtifactInfo }> {
  const { octokit, owner, repo, options } = github;
  const workflow = workflowFileOf(options.workflowRef);
  if (!workflow) {
    throw new InputError(
      'baseline latest: cannot tell which workflow this is (GITHUB_WORKFLOW_REF is not set)',
      'Use baseline: run:<id> instead.',
    );
  }
  const { data: repository } = await octokit.rest.repos.get({ owner, repo });
  const branch = repository.default_branch;
  const runs = (await successfulRuns(github, workflow, branch)).filter(
    (run) => run.id !== options.currentRunId && isDefaultBranchRun(run, repository.id),
  );
  for (const run of runs) {
    const artifact = await nodeArtifact(github, run.id);
    if (artifact) return { runId: run.id, artifact };
  }
  throw new InputError(
    `baseline latest: none of the last ${runs.length} successful runs of ${workflow} on ${branch} has an artifact named ${describeMatch(options.artifact)}`,
    'The first run on the default branch has nothing to compare with; later runs will.',
  );
}

/** Creates the fetcher. */
export function createArtifactBaselineFetcher(options: ArtifactBaselineOptions): BaselineFetcher {
  const [owner = '', repo = ''] = options.repository.split('/');
  if (!owner || !repo) throw new InputError(`GITHUB_REPOSITORY "${options.repository}" is not owner/repo`);
  const octokit = getOctokit(options.token, {
    ...(options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl }),
  });
  const github: GitHubRepository = { octokit, owner, repo, options };
  const serverUrl = options.serverUrl ?? 'https://github.com';

  const download =
    options.download ??
    (async (artifactId: number, runId: number, directory: string): Promise<void> => {
      await new DefaultArtifactClient().downloadArtifact(artifactId, {
        path: directory,
        findBy: { token: options.token, workflowRunId: runId, repositoryOwner: owner, repositoryName: repo },
      });
    });

  return {
    async fetch(spec: Exclude<BaselineSpec, { kind: 'file' }>) {
      const label = spec.kind === 'run' ? `baseline run:${spec.runId}` : 'baseline latest';
      let runId: number;
      let artifact: ArtifactInfo;
      if (spec.kind === 'run') {
        runId = spec.runId;
        artifact = await givenRunArtifact(github, runId, label);
      } else {
        try {
          ({ runId, artifact } = await latestRunWithArtifact(github));
        } catch (error) {
          throw explainGitHubError(error, `${label}: listing the successful runs on the default branch`);
        }
      }
      const directory = join(options.downloadRoot, `baseline-${runId}-${artifact.id}`);
      mkdirSync(directory, { recursive: true });
      options.logger.info(`baseline: downloading artifact ${artifact.name} of run ${runId}`);
      try {
        await download(artifact.id, runId, directory);
      } catch (error) {
        throw explainGitHubError(
          error,
          `${label}: downloading artifact ${artifact.name} (id ${artifact.id}) of run ${runId}`,
        );
      }
      return {
        directory,
        source: `run ${runId} (artifact ${artifact.name})`,
        url: `${serverUrl}/${owner}/${repo}/actions/runs/${runId}`,
      };
    },
  };
}
