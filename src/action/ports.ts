/**
 * The only module that implements ports with @actions/* (the preflight's runner source lives beside it
 * in runners.ts): logs and annotations, job summary, outputs, exported variables and masks, state for
 * the post step, and the artifact upload.
 */
import * as core from '@actions/core';
import type { ArtifactResult, Logger, Ports } from '../core/ports.js';

/** A logger over @actions/core: groups fold in the log, warnings and errors become annotations. */
export const actionsLogger: Logger = {
  info: (message) => core.info(message),
  warning: (message, annotation) => core.warning(message, annotation ?? {}),
  error: (message, annotation) => core.error(message, annotation ?? {}),
  debug: (message) => core.debug(message),
  group: (name, fn) => core.group(name, fn),
};

/** The artifact's page, built the way GitHub links artifacts of a run. */
function artifactUrl(id: number): string | undefined {
  const server = process.env.GITHUB_SERVER_URL;
  const repository = process.env.GITHUB_REPOSITORY;
  const runId = process.env.GITHUB_RUN_ID;
  if (!server || !repository || !runId) return undefined;
  return `${server}/${repository}/actions/runs/${runId}/artifacts/${id}`;
}

/** What @actions/artifact prints on every upload, before anything useful: dropped from our log. */
const ARTIFACT_NOISE = /^(Artifact name is valid!|Root directory input is valid!)\r?\n?$/;

/**
 * Runs `fn` with the artifact client's chatter filtered out of stdout (those exact lines, nothing else):
 * in the log they came right before the warning that mattered ("could not upload …") and read as if
 * the upload had worked.
 */
async function withoutArtifactNoise<T>(fn: () => Promise<T>): Promise<T> {
  const write = process.stdout.write;
  process.stdout.write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]): boolean {
    const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : '';
    if (ARTIFACT_NOISE.test(text)) return true;
    return (write as (...args: unknown[]) => boolean).call(process.stdout, chunk, ...rest);
  } as typeof process.stdout.write;
  try {
    return await fn();
  } finally {
    process.stdout.write = write;
  }
}

/** An artifact of this workflow run, as listed. */
export interface RunArtifact {
  id: number;
  name: string;
}

/** This workflow run's artifacts, other jobs' included: what merge mode reads the nodes from. */
export interface RunArtifactSource {
  list(): Promise<RunArtifact[]>;
  /** Downloads and extracts an artifact into `folder`. */
  download(artifact: RunArtifact, folder: string): Promise<void>;
}

/**
 * The run's artifacts through @actions/artifact's default client. Without `findBy` it lists and
 * downloads through the runner's artifact service (ACTIONS_RUNTIME_TOKEN, ACTIONS_RESULTS_URL), which
 * serves every job's artifacts of the same workflow run: no github-token is needed. `latest` keeps one
 * artifact per name (the newest upload).
 */
export function createRunArtifactSource(): RunArtifactSource {
  const client = import('@actions/artifact').then(({ DefaultArtifactClient }) => new DefaultArtifactClient());
  return {
    async list(): Promise<RunArtifact[]> {
      const { artifacts } = await (await client).listArtifacts({ latest: true });
      return artifacts.map(({ id, name }) => ({ id, name }));
    },
    async download(artifact: RunArtifact, folder: string): Promise<void> {
      await (await client).downloadArtifact(artifact.id, { path: folder });
    },
  };
}

/** Ports backed by the runner. */
export function createActionPorts(): Ports {
  return {
    logger: actionsLogger,
    summary: {
      async write(markdown: string): Promise<void> {
        if (!process.env.GITHUB_STEP_SUMMARY) {
          // Outside a runner (a local dry run of the bundle): nowhere to write, and not worth failing for.
          core.info('GITHUB_STEP_SUMMARY is not set: the job summary was not written.');
          return;
        }
        // One write of the whole text, appended (other steps' summaries stay).
        await core.summary.addRaw(markdown, true).write();
      },
    },
    outputs: { set: (name, value) => core.setOutput(name, value) },
    env: {
      exportVariable: (name, value) => core.exportVariable(name, value),
      mask: (value) => core.setSecret(value),
    },
    state: {
      save: (name, value) => core.saveState(name, value),
      get: (name) => core.getState(name),
    },
    artifact: {
      async upload(name: string, files: string[], rootDirectory: string): Promise<ArtifactResult> {
        // Loaded on use: @actions/artifact is most of the bundle's start-up time (bench/cold-start.mjs).
        const { DefaultArtifactClient } = await import('@actions/artifact');
        const client = new DefaultArtifactClient();
        const response = await withoutArtifactNoise(() => client.uploadArtifact(name, files, rootDirectory));
        const result: ArtifactResult = {};
        if (response.id !== undefined) {
          result.id = response.id;
          const url = artifactUrl(response.id);
          if (url) result.url = url;
        }
        return result;
      },
    },
  };
}
