/**
 * A small client for EXO's cluster API (../shared/exo-api.md sections 2-4), over the lean HTTP/1.1
 * client of src/stream. It speaks JSON only; waiting, retrying and deciding live in orchestrate.ts.
 * Redirects are never followed.
 */
import { Http1Dispatcher, httpRequest, type HttpResponse, type StreamDispatcher } from '../stream/index.js';
import { ClusterError } from '../core/errors.js';

/** How much of an error body goes into a message: enough to read, never a whole page. */
const BODY_EXCERPT_CHARS = 300;

/** An HTTP answer that was not what the call expects. */
export class ExoHttpError extends ClusterError {
  readonly status: number;
  readonly bodyExcerpt: string;

  constructor(method: string, url: string, status: number, body: string) {
    const excerpt = excerptErrorBody(body);
    super(`${method} ${url} answered HTTP ${status}${excerpt ? `: ${excerpt}` : ''}`);
    this.name = 'ExoHttpError';
    this.status = status;
    this.bodyExcerpt = excerpt;
  }
}

/** The node could not be reached at all (refused, reset, DNS, timeout before an answer). */
export class ExoConnectionError extends ClusterError {
  constructor(method: string, url: string, cause: unknown) {
    super(
      `${method} ${url} failed: ${cause instanceof Error ? cause.message : String(cause)}`,
      'Is EXO running and listening on that address and port?',
      { cause },
    );
    this.name = 'ExoConnectionError';
  }
}

/**
 * Picks the readable part of an EXO error body: the envelope's `error.message`, FastAPI's `detail`,
 * or the raw text, cut to a bounded length.
 */
export function excerptErrorBody(body: string): string {
  let text = body.trim();
  try {
    const parsed = JSON.parse(text) as { error?: { message?: unknown }; detail?: unknown };
    if (parsed && typeof parsed.error?.message === 'string') text = parsed.error.message;
    else if (parsed && parsed.detail !== undefined)
      text = typeof parsed.detail === 'string' ? parsed.detail : JSON.stringify(parsed.detail);
  } catch {
    // Not JSON: keep the text as it came.
  }
  text = text.replace(/\s+/g, ' ');
  return text.length > BODY_EXCERPT_CHARS ? `${text.slice(0, BODY_EXCERPT_CHARS)}…` : text;
}

/** Options of an ExoClient. */
export interface ExoClientOptions {
  /** The run's control-plane HTTP client; a private lean client (src/stream/http1.ts) otherwise. */
  dispatcher?: StreamDispatcher;
  /** Deadline of one control-plane call (headers and body), milliseconds. */
  callTimeoutMs?: number;
}

/** A preview entry of `/instance/previews` (snake_case envelope, camelCase instance). */
export interface InstancePreview {
  model_id: string;
  sharding: string;
  instance_meta: string;
  instance: Record<string, unknown> | null;
  memory_delta_by_node: Record<string, number> | null;
  error: string | null;
}

/** Talks to one EXO node's API. */
export class ExoClient {
  readonly baseUrl: string;
  private readonly dispatcher: StreamDispatcher;
  private readonly callTimeoutMs: number;

  constructor(baseUrl: string, options: ExoClientOptions = {}) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.dispatcher = options.dispatcher ?? new Http1Dispatcher({ keepAliveTimeoutMs: 4_000 });
    this.callTimeoutMs = options.callTimeoutMs ?? 30_000;
  }

  /** `GET /node_id`: this node's ID (a bare JSON string). */
  async nodeId(signal?: AbortSignal): Promise<string> {
    const id = await this.json('GET', '/node_id', undefined, signal);
    if (typeof id !== 'string') throw new ClusterError(`GET ${this.baseUrl}/node_id did not return a string`);
    return id;
  }

  /** `GET /state`: the whole cluster state (camelCase JSON). */
  async state(signal?: AbortSignal): Promise<unknown> {
    return this.json('GET', '/state', undefined, signal);
  }

  /** `GET /state/{path}`; `undefined` when EXO answers 404 (the key does not exist). */
  async statePath(path: string, signal?: AbortSignal): Promise<unknown> {
    return this.jsonOrUndefinedOn404(
      'GET',
      `/state/${path.split('/').map(encodeURIComponent).join('/')}`,
      signal,
    );
  }

  /** `GET /instance/previews?model_id=…`: every placement EXO would consider, with its error if any. */
  async previews(modelId: string, signal?: AbortSignal): Promise<InstancePreview[]> {
    const body = (await this.json(
      'GET',
      `/instance/previews?model_id=${encodeURIComponent(modelId)}`,
      undefined,
      signal,
    )) as { previews?: InstancePreview[] };
    return Array.isArray(body?.previews) ? body.previews : [];
  }

  /** `POST /instance`: creates exactly this instance (its ID is known in advance). */
  async createInstance(instance: Record<string, unknown>, signal?: AbortSignal): Promise<void> {
    await this.json('POST', '/instance', { instance }, signal);
  }

  /** `GET /instance/{id}`; `undefined` once the instance is gone (404). */
  async instance(instanceId: string, signal?: AbortSignal): Promise<unknown> {
    return this.jsonOrUndefinedOn404('GET', `/instance/${encodeURIComponent(instanceId)}`, signal);
  }

  /** `DELETE /instance/{id}`; false when EXO did not know it (404), true when deletion was accepted. */
  async deleteInstance(instanceId: string, signal?: AbortSignal): Promise<boolean> {
    const body = await this.jsonOrUndefinedOn404(
      'DELETE',
      `/instance/${encodeURIComponent(instanceId)}`,
      signal,
    );
    return body !== undefined;
  }

  /** `GET /models`: the model catalogue. */
  async models(signal?: AbortSignal): Promise<Array<Record<string, unknown>>> {
    const body = (await this.json('GET', '/models', undefined, signal)) as { data?: unknown };
    return Array.isArray(body?.data) ? (body.data as Array<Record<string, unknown>>) : [];
  }

  private async jsonOrUndefinedOn404(
    method: 'GET' | 'DELETE',
    path: string,
    signal?: AbortSignal,
  ): Promise<unknown> {
    try {
      return await this.json(method, path, undefined, signal);
    } catch (error) {
      if (error instanceof ExoHttpError && error.status === 404) return undefined;
      throw error;
    }
  }

  private async json(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    body: unknown,
    signal?: AbortSignal,
  ): Promise<unknown> {
    const url = `${this.baseUrl}${path}`;
    // Redirects are not followed (nor were they with undici's request()).
    let response: HttpResponse;
    try {
      response = await httpRequest(url, {
        method,
        dispatcher: this.dispatcher,
        headers: body === undefined ? { accept: 'application/json' } : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        headersTimeout: this.callTimeoutMs,
        bodyTimeout: this.callTimeoutMs,
        signal,
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new ExoConnectionError(method, url, error);
    }
    let text: string;
    try {
      text = await response.body.text();
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new ExoConnectionError(method, url, error);
    }
    if (response.statusCode < 200 || response.statusCode >= 300) {
      throw new ExoHttpError(method, url, response.statusCode, text);
    }
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new ClusterError(`${method} ${url} returned a body that is not JSON: ${excerptErrorBody(text)}`);
    }
  }
}
