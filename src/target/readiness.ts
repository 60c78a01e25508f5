/**
 * Waiting for an OpenAI-compatible server: `GET /v1/models` until it answers 200, with back-off, up to
 * the config's `timeout_seconds`. Servers answer 503 while loading (llama.cpp) or refuse connections
 * while starting (vLLM): both are waited out. 401/403 end the wait at once with an auth error.
 */
import { httpRequest, type StreamDispatcher } from '../stream/index.js';
import type { Logger } from '../core/ports.js';
import { formatDuration, throwIfAborted, type Clock } from '../util/clock.js';
import { pollUntil } from '../util/poll.js';
import { TargetError, type ResolvedTarget } from './target.js';

/** What the wait needs. */
export interface ReadinessContext {
  dispatcher: StreamDispatcher;
  clock: Clock;
  logger: Logger;
  signal?: AbortSignal;
  /** First retry delay, ms; doubles up to {@link MAX_RETRY_DELAY_MS}. */
  initialRetryDelayMs?: number;
  /** Gap between two progress lines, ms. */
  progressIntervalMs: number;
}

/** Upper bound of the back-off between two `/v1/models` attempts. */
export const MAX_RETRY_DELAY_MS = 5_000;

/** Longest a single `/v1/models` call may take, ms. */
const CALL_TIMEOUT_MS = 10_000;

/** What the server said about models. */
export interface ServerModels {
  /** Model IDs listed by `/v1/models` (`data[].id`). */
  ids: string[];
}

type Attempt =
  | { kind: 'ready'; ids: string[] }
  | { kind: 'auth'; status: number; excerpt: string }
  | { kind: 'retry'; reason: string };

async function attempt(target: ResolvedTarget, context: ReadinessContext, url: string): Promise<Attempt> {
  try {
    const response = await httpRequest(url, {
      method: 'GET',
      dispatcher: context.dispatcher,
      headers: { ...target.headers, accept: 'application/json' },
      headersTimeout: CALL_TIMEOUT_MS,
      bodyTimeout: CALL_TIMEOUT_MS,
      ...(context.signal ? { signal: context.signal } : {}),
    });
    const text = await response.body.text();
    const excerpt = text.slice(0, 200).replace(/\s+/g, ' ').trim();
    if (response.statusCode === 401 || response.statusCode === 403)
      return { kind: 'auth', status: response.statusCode, excerpt };
    if (response.statusCode !== 200)
      return { kind: 'retry', reason: `HTTP ${response.statusCode}${excerpt ? `: ${excerpt}` : ''}` };
    return { kind: 'ready', ids: modelIds(text) };
  } catch (error) {
    throwIfAborted(context.signal);
    const code = (error as { code?: string }).code;
    return {
      kind: 'retry',
      reason: `${code ? `${code}: ` : ''}${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

/** `data[].id` of a `/v1/models` answer (OpenAI shape; Ollama and llama.cpp use it too). */
export function modelIds(body: string): string[] {
  try {
    const parsed = JSON.parse(body) as { data?: unknown };
    if (!Array.isArray(parsed.data)) return [];
    return parsed.data.flatMap((entry: unknown) =>
      typeof entry === 'object' && entry !== null && typeof (entry as { id?: unknown }).id === 'string'
        ? [(entry as { id: string }).id]
        : [],
    );
  } catch {
    return [];
  }
}

/**
 * Waits until the server lists its models. Throws {@link TargetError} on 401/403 (at once) or when the
 * deadline passes (with the last reason). A model that is not listed draws a warning, not an error:
 * llama.cpp and some proxies serve whatever name the request gives.
 */
export async function waitForOpenAiServer(
  target: ResolvedTarget,
  context: ReadinessContext,
  deadlineMs: number,
): Promise<ServerModels> {
  const url = `${target.baseUrl}/v1/models`;
  const initialDelayMs = context.initialRetryDelayMs ?? 250;
  return pollUntil({
    clock: context.clock,
    signal: context.signal,
    deadlineMs,
    probe: async () => {
      const outcome = await attempt(target, context, url);
      if (outcome.kind === 'ready') {
        warnAboutUnlistedModels(target, outcome.ids, context.logger);
        return { done: true, value: { ids: outcome.ids } };
      }
      if (outcome.kind === 'auth') {
        throw new TargetError(
          `${url} refused the request: HTTP ${outcome.status}${outcome.excerpt ? ` (${outcome.excerpt})` : ''}`,
          target.apiKey === undefined
            ? 'The server wants an API key: set target.api_key_env to the name of an environment variable that holds it.'
            : 'The API key was rejected: check the value of the variable named by target.api_key_env.',
        );
      }
      return { done: false, progress: outcome.reason };
    },
    // Doubling back-off: initial, 2×, 4×, … up to MAX_RETRY_DELAY_MS.
    delayMs: (attemptNumber) => Math.min(MAX_RETRY_DELAY_MS, initialDelayMs * 2 ** (attemptNumber - 1)),
    progressIntervalMs: context.progressIntervalMs,
    announceAtOnce: false,
    report: ({ progress, startedMs, nowMs }) =>
      context.logger.info(`waiting for ${url}: ${progress} (${formatDuration(nowMs - startedMs)})`),
    timeout: ({ progress, startedMs }) =>
      new TargetError(
        `${url} did not answer 200 within ${formatDuration(deadlineMs - startedMs)} (last: ${progress})`,
        'Is the server running at that address? Check target.base_url (or --api-url / api-url), and raise timeout_seconds if it loads the model slowly.',
      ),
  });
}

/** A model the server does not list draws a warning: llama.cpp and some proxies serve any name. */
function warnAboutUnlistedModels(target: ResolvedTarget, ids: string[], logger: Logger): void {
  const missing = target.models.filter((model) => !ids.includes(model));
  if (missing.length > 0 && ids.length > 0) {
    logger.warning(
      `the server does not list ${missing.join(', ')} (it lists ${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', …' : ''}); requests name it anyway`,
    );
  }
}
