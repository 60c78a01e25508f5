/**
 * Absolute links to the action's documentation. A summary is read on github.com, far from any checkout:
 * a relative `configs/README.md` there points into the *user's* repository, where it does not exist.
 */

/** Where the action is published, when the runner does not say (a local `uses: ./` step). */
export const DEFAULT_ACTION_REPOSITORY = 'exo/bench-action';
/** The major version tag users pin. */
export const DEFAULT_ACTION_REF = 'v1';

/** The variables the runner sets for a `uses: owner/repo@ref` step. */
export interface DocsEnvironment {
  GITHUB_SERVER_URL?: string | undefined;
  GITHUB_ACTION_REPOSITORY?: string | undefined;
  GITHUB_ACTION_REF?: string | undefined;
}

const REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
const REF = /^[A-Za-z0-9_./-]+$/;
const SERVER = /^https:\/\/[A-Za-z0-9.-]+(:\d+)?$/;

/**
 * The URL of `path` (e.g. `configs/README.md`) in the action's repository, at the ref the step runs.
 * Values that do not look like a repository, ref or server are ignored: the link goes into Markdown.
 */
export function docsUrl(path: string, env: DocsEnvironment = {}): string {
  const server =
    env.GITHUB_SERVER_URL && SERVER.test(env.GITHUB_SERVER_URL)
      ? env.GITHUB_SERVER_URL
      : 'https://github.com';
  const repository =
    env.GITHUB_ACTION_REPOSITORY && REPOSITORY.test(env.GITHUB_ACTION_REPOSITORY)
      ? env.GITHUB_ACTION_REPOSITORY
      : DEFAULT_ACTION_REPOSITORY;
  const ref =
    env.GITHUB_ACTION_REPOSITORY && env.GITHUB_ACTION_REF && REF.test(env.GITHUB_ACTION_REF)
      ? env.GITHUB_ACTION_REF
      : DEFAULT_ACTION_REF;
  return `${server}/${repository}/blob/${ref}/${path}`;
}

/** The config reference (every field, type, default and limit). */
export const CONFIG_DOCS_URL = docsUrl('configs/README.md');
