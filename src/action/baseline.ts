/**
 * The BaselineFetcher port over GitHub: finds the baseline's workflow run (`run:<id>`, or `latest` =
 * the latest successful run of this workflow on the default branch), picks this node's artifact in it
 * and downloads it with @actions/artifact. Listing goes through @actions/github (GITHUB_API_URL aware).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DefaultArtifactClient } from '@actions/artifact';
import { getOctokit } from '@actions/github';
import { InputError } from '../errors.js';
import type { Logger } from '../ports.js';
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
  /** API root (default GITHUB_API_URL, else https://api.github.com). */
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

/** How many recent successful runs `latest` looks through for one with this node's artifact. */
export const LATEST_RUNS_SEARCHED = 20;

function matches(match: ArtifactMatch, name: string): boolean {
  return 'exact' in match ? name === match.exact : name.startsWith(match.prefix);
}

function describeMatch(match: ArtifactMatch): string {
  return 'exact' in match ? `"${match.exact}"` : `"${match.prefix}<attempt>"`;
}

/** The workflow file of GITHUB_WORKFLOW_REF: `o/r/.github/workflows/bench.yml@refs/…` → `bench.yml`. */
export function workflowFileOf(workflowRef: string | undefined): string | undefined {
  const path = workflowRef?.split('@')[0];
  const match = path ? /\.github\/workflows\/([^/]+)$/.exec(path) : null;
  return match?.[1];
}

/** Creates the fetcher. */
export function createArtifactBaselineFetcher(options: ArtifactBaselineOptions): BaselineFetcher {
  const [owner = '', repo = ''] = options.repository.split('/');
  if (!owner || !repo) throw new InputError(`GITHUB_REPOSITORY "${options.repository}" is not owner/repo`);
  const octokit = getOctokit(options.token, {
    ...(options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl }),
  });
  const serverUrl = options.serverUrl ?? 'https://github.com';

  const download =
    options.download ??
    (async (artifactId: number, runId: number, directory: string): Promise<void> => {
      await new DefaultArtifactClient().downloadArtifact(artifactId, {
        path: directory,
        findBy: { token: options.token, workflowRunId: runId, repositoryOwner: owner, repositoryName: repo },
      });
    });

  async function nodeArtifact(runId: number): Promise<ArtifactInfo | undefined> {
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

  async function latestRunWithArtifact(): Promise<{ runId: number; artifact: ArtifactInfo }> {
    const workflow = workflowFileOf(options.workflowRef);
    if (!workflow) {
      throw new InputError(
        'baseline latest: cannot tell which workflow this is (GITHUB_WORKFLOW_REF is not set)',
        'Use baseline: run:<id> instead.',
      );
    }
    const { data: repository } = await octokit.rest.repos.get({ owner, repo });
    const branch = repository.default_branch;
    const { data } = await octokit.rest.actions.listWorkflowRuns({
      owner,
      repo,
      workflow_id: workflow,
      branch,
      status: 'success',
      per_page: LATEST_RUNS_SEARCHED,
    });
    for (const run of data.workflow_runs) {
      if (run.id === options.currentRunId) continue;
      const artifact = await nodeArtifact(run.id);
      if (artifact) return { runId: run.id, artifact };
    }
    throw new InputError(
      `baseline latest: none of the last ${data.workflow_runs.length} successful runs of ${workflow} on ${branch} has an artifact named ${describeMatch(options.artifact)}`,
      'The first run on the default branch has nothing to compare with; later runs will.',
    );
  }

  return {
    async fetch(spec: Exclude<BaselineSpec, { kind: 'file' }>) {
      let runId: number;
      let artifact: ArtifactInfo | undefined;
      if (spec.kind === 'run') {
        runId = spec.runId;
        artifact = await nodeArtifact(runId);
        if (!artifact) {
          throw new InputError(
            `baseline run:${runId} has no artifact named ${describeMatch(options.artifact)} (or it expired)`,
            'Check the run id, and that the artifact-name input matches the one of that run.',
          );
        }
      } else {
        ({ runId, artifact } = await latestRunWithArtifact());
      }
      const directory = join(options.downloadRoot, `baseline-${runId}-${artifact.id}`);
      mkdirSync(directory, { recursive: true });
      options.logger.info(`baseline: downloading artifact ${artifact.name} of run ${runId}`);
      await download(artifact.id, runId, directory);
      return {
        directory,
        source: `run ${runId} (artifact ${artifact.name})`,
        url: `${serverUrl}/${owner}/${repo}/actions/runs/${runId}`,
      };
    },
  };
}
