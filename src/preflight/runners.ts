/**
 * Runner pre-flight for plan mode: before the matrix starts, check that every `hardware_plan` label has
 * enough online self-hosted runners. A matrix job whose label no online runner carries sits queued
 * until GitHub gives up hours later, while the other nodes of the cluster wait for it; finding that
 * out here turns hours of silence into one line in the summary.
 *
 * Plain Node: the GitHub client lives behind `RunnerSource` (src/action/runners.ts implements it).
 */
import { escapeMarkdownCell, escapeMarkdownText } from '../util/markdown.js';
import { CancelledError, ClusterError, ExoBenchError, describeError } from '../core/errors.js';
import type { Logger } from '../core/ports.js';
import { formatDuration, sleepMs } from '../util/clock.js';

/** One self-hosted runner as GitHub lists it. */
export interface RunnerInfo {
  name: string;
  /** `online` or `offline` as GitHub reports it; anything else counts as offline. */
  status: 'online' | 'offline' | string;
  /** Running a job right now (still online: our job starts once that one ends). */
  busy: boolean;
  labels: string[];
}

/** Lists every self-hosted runner (all pages). Throws RunnerAccessError for 401/403/404 (not rate limits). */
export interface RunnerSource {
  list(signal?: AbortSignal): Promise<RunnerInfo[]>;
}

/** The token may not read the runners (401, 403 without rate-limit headers, 404). Never retried. */
export class RunnerAccessError extends ExoBenchError {
  /** HTTP status GitHub answered with. */
  readonly status: number;

  constructor(status: number, message: string, hint?: string) {
    super('input', message, hint);
    this.name = 'RunnerAccessError';
    this.status = status;
  }
}

/**
 * GitHub rate-limited the listing for longer than the source waits on its own. The pre-flight decides
 * whether that wait still fits before its deadline.
 */
export class RunnerRateLimitError extends ExoBenchError {
  /** HTTP status of the rate-limit answer (403 or 429). */
  readonly status: number;
  /** How long GitHub asked us to wait, counted from when this error was raised. */
  readonly retryAfterMs: number;

  constructor(status: number, retryAfterMs: number, message: string) {
    super(
      'cluster',
      message,
      'Wait for the GitHub API rate limit to reset, or give github-token a token with its own quota.',
    );
    this.name = 'RunnerRateLimitError';
    this.status = status;
    this.retryAfterMs = retryAfterMs;
  }
}

/** How many runners carry one `hardware_plan` label, and whether that is enough. */
export interface LabelAvailability {
  label: string;
  /** Nodes `hardware_plan` asks for. */
  wanted: number;
  /** Online runners with the label, busy ones included. */
  online: number;
  /** Of the online ones, those running a job right now. */
  busy: number;
  /** Runners with the label that are not online. */
  offline: number;
  /** `online >= wanted`. */
  ready: boolean;
}

/** The verdict of the pre-flight. */
export interface PreflightResult {
  /** `unknown`: no token, the token may not read runners, or GitHub could not be asked. */
  status: 'ready' | 'short' | 'unknown';
  /** Value of the `runners-ready` output. */
  runnersReady: 'true' | 'false' | 'unknown';
  /** One entry per `hardware_plan` label, in config order (zero counts when `unknown`). */
  labels: LabelAvailability[];
  /** Why the status is not `ready`, in words the user can act on. */
  reason?: string;
  /** How many times the runners were listed (successfully or not). */
  polls: number;
}

/** What to check and how long to wait. */
export interface PreflightOptions {
  /** Runner label → nodes wanted (the config's `hardware_plan`). */
  hardwarePlan: Record<string, number>;
  /** How long to wait for missing runners; 0 checks once. */
  waitSeconds: number;
  /** Time between polls (default 10 s). */
  pollIntervalMs?: number;
  /** Clock for the deadline (default `Date.now`); tests drive it together with `sleep`. */
  now?: () => number;
  /** Waits between polls (default a timer); rejects on abort. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  signal?: AbortSignal;
}

const DEFAULT_POLL_INTERVAL_MS = 10_000;

/**
 * Counts, for each `hardware_plan` label, the runners that carry it. Labels match case-insensitively
 * because GitHub matches `runs-on` labels that way. A runner that carries two plan labels counts for
 * both, as GitHub could route either job to it.
 */
export function countRunners(
  hardwarePlan: Record<string, number>,
  runners: RunnerInfo[],
): LabelAvailability[] {
  const lowered = runners.map((runner) => ({
    runner,
    labels: new Set(runner.labels.map((label) => label.toLowerCase())),
  }));
  return Object.entries(hardwarePlan).map(([label, wanted]) => {
    const key = label.toLowerCase();
    let online = 0;
    let busy = 0;
    let offline = 0;
    for (const entry of lowered) {
      if (!entry.labels.has(key)) continue;
      if (entry.runner.status === 'online') {
        online += 1;
        if (entry.runner.busy) busy += 1;
      } else {
        offline += 1;
      }
    }
    return { label, wanted, online, busy, offline, ready: online >= wanted };
  });
}

/** `M3ULTRA_GPU80_512GB 3/4 online (1 busy, 1 offline)`: the per-label part of a progress line. */
function describeLabel(availability: LabelAvailability): string {
  const details: string[] = [];
  if (availability.busy > 0) details.push(`${availability.busy} busy`);
  if (availability.offline > 0) details.push(`${availability.offline} offline`);
  const suffix = details.length > 0 ? ` (${details.join(', ')})` : '';
  return `${availability.label} ${availability.online}/${availability.wanted} online${suffix}`;
}

function shortReason(labels: LabelAvailability[], waitedMs: number): string {
  const missing = labels
    .filter((availability) => !availability.ready)
    .map((availability) => `${availability.label} has ${availability.online} of ${availability.wanted}`)
    .join('; ');
  const waited = waitedMs > 0 ? ` after waiting ${formatDuration(waitedMs)}` : '';
  return `Not enough online self-hosted runners${waited}: ${missing}.`;
}

function unknownResult(hardwarePlan: Record<string, number>, reason: string, polls: number): PreflightResult {
  return {
    status: 'unknown',
    runnersReady: 'unknown',
    labels: countRunners(hardwarePlan, []),
    reason,
    polls,
  };
}

function accessReason(error: RunnerAccessError): string {
  const hint = error.hint ? ` ${error.hint}` : '';
  return `${error.message} Runner availability is unknown.${hint}`;
}

/**
 * Lists the runners until every `hardware_plan` label has enough online ones, or `waitSeconds` is
 * over, logging one progress line per poll. Never throws for a shortfall or for a token that may not
 * read runners: the caller publishes the result first, then fails (see `preflightError`). Throws
 * CancelledError when `signal` aborts.
 *
 * @param source undefined when no token was given: the result is `unknown` and nothing is listed.
 */
export async function runPreflight(
  source: RunnerSource | undefined,
  options: PreflightOptions,
  logger: Logger,
): Promise<PreflightResult> {
  const { hardwarePlan, signal } = options;
  if (source === undefined) {
    const reason = 'No github-token was given, so the self-hosted runners were not checked.';
    logger.info(reason);
    return unknownResult(hardwarePlan, reason, 0);
  }
  if (Object.keys(hardwarePlan).length === 0) {
    return { status: 'ready', runnersReady: 'true', labels: [], polls: 0 };
  }
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? sleepMs;
  const pollIntervalMs = Math.max(0, options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS);
  const waitMs = Number.isFinite(options.waitSeconds) ? Math.max(0, options.waitSeconds) * 1000 : 0;

  return logger.group('Runner pre-flight', async () => {
    const startedAtMs = now();
    const deadlineMs = startedAtMs + waitMs;
    let polls = 0;
    // Counts of the last successful listing: a failed last poll still reports what was last seen.
    let lastLabels: LabelAvailability[] | undefined;
    for (;;) {
      throwIfCancelled(signal);
      polls += 1;
      // What to wait before the next poll, when it is not the regular interval (rate limits).
      let nextPollDelayMs = pollIntervalMs;
      let failure: string | undefined;
      try {
        const runners = await source.list(signal);
        const labels = countRunners(hardwarePlan, runners);
        lastLabels = labels;
        const remainingMs = deadlineMs - now();
        const left = remainingMs > 0 ? `, ${formatDuration(remainingMs)} left` : '';
        logger.info(`runners (poll ${polls}${left}): ${labels.map(describeLabel).join('; ')}`);
        if (labels.every((availability) => availability.ready)) {
          return { status: 'ready', runnersReady: 'true', labels, polls };
        }
      } catch (error) {
        throwIfCancelled(signal);
        if (error instanceof CancelledError) throw error;
        if (error instanceof RunnerAccessError) {
          const reason = accessReason(error);
          logger.warning(reason);
          return unknownResult(hardwarePlan, reason, polls);
        }
        failure = describeError(error);
        if (error instanceof RunnerRateLimitError) {
          nextPollDelayMs = error.retryAfterMs;
          failure = `${error.message} (rate limit lifts in ${formatDuration(error.retryAfterMs)})`;
        }
        logger.warning(`runners (poll ${polls}): could not list self-hosted runners: ${failure}`);
      }

      const remainingMs = deadlineMs - now();
      // A rate limit that outlasts the deadline is not worth waiting for: give the verdict now.
      if (remainingMs <= 0 || (failure !== undefined && nextPollDelayMs > remainingMs)) {
        // Check-once runs still take a few ms; only a real wait is worth naming.
        const waitedMs = waitMs > 0 ? now() - startedAtMs : 0;
        return finish(hardwarePlan, lastLabels, failure, waitedMs, polls);
      }
      await sleep(Math.min(nextPollDelayMs, remainingMs), signal);
    }
  });
}

/** The verdict once waiting is over: short with the last counts seen, or unknown if none were. */
function finish(
  hardwarePlan: Record<string, number>,
  lastLabels: LabelAvailability[] | undefined,
  lastFailure: string | undefined,
  waitedMs: number,
  polls: number,
): PreflightResult {
  if (lastLabels === undefined) {
    return unknownResult(
      hardwarePlan,
      `Could not list the self-hosted runners, so runner availability is unknown: ${lastFailure ?? 'no answer'}`,
      polls,
    );
  }
  const failed =
    lastFailure === undefined
      ? ''
      : ` The last poll failed (${lastFailure}); counts are from the one before.`;
  return {
    status: 'short',
    runnersReady: 'false',
    labels: lastLabels,
    reason: `${shortReason(lastLabels, waitedMs)}${failed}`,
    polls,
  };
}

function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError('runner pre-flight cancelled');
}

/**
 * The error to fail the step with, after publishing, when `require-runners` holds and a label is
 * short; undefined when there is nothing to fail for (`ready`, or `unknown`, which is never a failure).
 */
export function preflightError(result: PreflightResult): ClusterError | undefined {
  if (result.status !== 'short') return undefined;
  return new ClusterError(
    result.reason ?? shortReason(result.labels, 0),
    'Start or register the missing runners (Settings → Actions → Runners), raise wait-for-runners ' +
      'to wait for them, or set require-runners: false to start the matrix anyway.',
  );
}

/**
 * The pre-flight section of the job summary: a heading, one sentence of verdict and a table
 * (label, wanted, online, busy, offline, ready). Pure; the caller writes it once with the rest.
 */
export function renderPreflightMarkdown(result: PreflightResult): string {
  const lines: string[] = ['### Self-hosted runners', ''];
  const polls = `${result.polls} ${result.polls === 1 ? 'poll' : 'polls'}`;
  if (result.status === 'ready') {
    lines.push(`Every label has enough online runners (${polls}).`);
  } else {
    const verdict = result.status === 'short' ? '**Not enough runners.**' : '**Runners not checked.**';
    lines.push(`${verdict} ${escapeMarkdownText(result.reason ?? '')}`.trimEnd());
  }
  if (result.labels.length === 0) return `${lines.join('\n')}\n`;
  lines.push(
    '',
    '| label | wanted | online | busy | offline | ready |',
    '| --- | ---: | ---: | ---: | ---: | --- |',
  );
  for (const availability of result.labels) {
    const label = escapeMarkdownCell(availability.label);
    if (result.status === 'unknown') {
      lines.push(`| ${label} | ${availability.wanted} | ? | ? | ? | unknown |`);
      continue;
    }
    const missing = availability.wanted - availability.online;
    const ready = availability.ready ? 'yes' : `**no** (${missing} missing)`;
    lines.push(
      `| ${label} | ${availability.wanted} | ${availability.online} | ${availability.busy} | ${availability.offline} | ${ready} |`,
    );
  }
  if (result.labels.some((availability) => availability.busy > 0)) {
    lines.push('', 'Busy runners are online but running another job; matrix jobs start when they are free.');
  }
  return `${lines.join('\n')}\n`;
}

/** Reasons contain labels and GitHub's words: keep them from opening HTML or breaking the line. */
