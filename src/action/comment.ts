/**
 * The PR comment: one per workflow and config, found by its hidden marker and updated in place, so a
 * PR shows the latest verdict instead of a pile of comments. Uses the issue-comments REST endpoints
 * through @actions/github; needs `pull-requests: write` and works from `pull_request` events (a PR
 * from a fork gets a read-only token there: the comment is skipped with a warning, never a failure).
 */
import { readFileSync } from 'node:fs';
import { getOctokit } from '@actions/github';
import type { Logger } from '../core/ports.js';

/** Options of upsertPrComment. */
export interface PrCommentOptions {
  token: string;
  /** `owner/repo`. */
  repository: string;
  pullNumber: number;
  /** The hidden marker (src/verdict/render.ts commentMarker), already inside `body`. */
  marker: string;
  body: string;
  logger: Logger;
  /** API root (default GITHUB_API_URL, else https://api.github.com). */
  baseUrl?: string;
}

/** What was done. */
export interface PrCommentResult {
  action: 'created' | 'updated';
  id: number;
  url: string;
}

/**
 * The pull request number of a `pull_request` event, read from GITHUB_EVENT_PATH; undefined for other
 * events (a push has no PR to comment on).
 */
export function pullRequestNumber(env: NodeJS.ProcessEnv = process.env): number | undefined {
  if (!env.GITHUB_EVENT_PATH) return undefined;
  try {
    const payload = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) as {
      pull_request?: { number?: unknown };
    };
    const number = payload.pull_request?.number;
    return typeof number === 'number' && Number.isInteger(number) ? number : undefined;
  } catch {
    return undefined;
  }
}

/** Creates the comment, or updates the one that carries the marker. */
export async function upsertPrComment(options: PrCommentOptions): Promise<PrCommentResult> {
  const [owner = '', repo = ''] = options.repository.split('/');
  const octokit = getOctokit(options.token, {
    ...(options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl }),
  });
  const comments = await octokit.paginate(octokit.rest.issues.listComments, {
    owner,
    repo,
    issue_number: options.pullNumber,
    per_page: 100,
  });
  const existing = comments.find((comment) => comment.body?.includes(options.marker));
  if (existing) {
    const { data } = await octokit.rest.issues.updateComment({
      owner,
      repo,
      comment_id: existing.id,
      body: options.body,
    });
    options.logger.info(`updated the PR comment ${data.html_url}`);
    return { action: 'updated', id: data.id, url: data.html_url };
  }
  const { data } = await octokit.rest.issues.createComment({
    owner,
    repo,
    issue_number: options.pullNumber,
    body: options.body,
  });
  options.logger.info(`commented on the PR: ${data.html_url}`);
  return { action: 'created', id: data.id, url: data.html_url };
}
