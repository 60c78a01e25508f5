/** Shared helpers of the simulator tests: real HTTP over loopback, bounded waits. */

export const LLAMA = 'mlx-community/Llama-3.2-1B-Instruct-4bit';
export const QWEN = 'mlx-community/Qwen3-0.6B-4bit';

export type Json = Record<string, unknown>;

export async function getJson(url: string): Promise<{ status: number; body: unknown; headers: Headers }> {
  const res = await fetch(url);
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}

export async function send(
  method: string,
  url: string,
  body?: unknown,
): Promise<{ status: number; text: string; headers: Headers; json: () => unknown }> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, text, headers: res.headers, json: () => JSON.parse(text) };
}

/** Polls `fn` every `intervalMs` until it returns a truthy value; fails after `timeoutMs`. */
export async function waitFor<T>(
  fn: () => Promise<T>,
  timeoutMs = 5000,
  intervalMs = 10,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await fn();
    if (last) return last as NonNullable<T>;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`waitFor timed out after ${timeoutMs} ms (last: ${JSON.stringify(last)})`);
}

/** The tag (single key) of a tagged-union object. */
export function tagOf(value: unknown): string {
  const keys = Object.keys(value as Json);
  if (keys.length !== 1) throw new Error(`not a tagged union: ${JSON.stringify(value)}`);
  return keys[0] as string;
}

/**
 * Waits until the cluster can hold multi-node instances, as a careful client does (exo-api.md 12.1):
 * every node of the topology has `nodeBackends`, and edges exist both ways between all of them.
 */
export async function waitForLinks(url: string, timeoutMs = 5000): Promise<string[]> {
  return waitFor(async () => {
    const state = (await getJson(`${url}/state`)).body as {
      topology: { nodes: string[]; connections: Record<string, Record<string, unknown[]>> };
      nodeBackends: Json;
    };
    const ids = state.topology.nodes;
    if (!ids.every((id) => id in state.nodeBackends)) return null;
    for (const a of ids) for (const b of ids) if (a !== b && !state.topology.connections[a]?.[b]) return null;
    return ids;
  }, timeoutMs);
}

/** Places one instance of `model` through /instance/previews + POST /instance; returns its ID. */
export async function placeViaPreview(
  url: string,
  model: string,
  nodes = 1,
  sharding = 'Pipeline',
): Promise<string> {
  await waitForLinks(url);
  const { body } = await getJson(`${url}/instance/previews?model_id=${encodeURIComponent(model)}`);
  const previews = (body as { previews: Json[] }).previews;
  const preview = previews.find(
    (p) =>
      p.error === null &&
      p.sharding === sharding &&
      p.instance_meta === 'MlxRing' &&
      Object.keys(p.memory_delta_by_node as Json).length === nodes,
  );
  if (!preview) throw new Error(`no preview with ${nodes} nodes: ${JSON.stringify(previews)}`);
  const res = await send('POST', `${url}/instance`, { instance: preview.instance });
  if (res.status !== 200) throw new Error(`POST /instance: ${res.status} ${res.text}`);
  return (Object.values(preview.instance as Json)[0] as Json).instanceId as string;
}

/** Waits until every runner of the instance is Ready or Running. */
export async function waitReady(url: string, instanceId: string, timeoutMs = 5000): Promise<void> {
  await waitFor(async () => {
    const { body: state } = await getJson(`${url}/state`);
    const s = state as { instances: Json; runners: Json };
    const inst = s.instances[instanceId];
    if (!inst) return false;
    const runnerIds = Object.keys(
      ((Object.values(inst)[0] as Json).shardAssignments as Json).runnerToShard as Json,
    );
    return runnerIds.every((rid) => {
      const r = s.runners[rid];
      return r !== undefined && ['RunnerReady', 'RunnerRunning'].includes(tagOf(r));
    });
  }, timeoutMs);
}

/** The SSE events of a raw body: each entry is one event's text (`data: …` or `: comment`). */
export function sseEvents(text: string): string[] {
  return text.split('\n\n').filter((e) => e.length > 0);
}

/** Parsed `data:` payloads except `[DONE]`. */
export function dataChunks(text: string): Json[] {
  return sseEvents(text)
    .filter((e) => e.startsWith('data: ') && e !== 'data: [DONE]')
    .map((e) => JSON.parse(e.slice(6)) as Json);
}

export function chatBody(extra: Json = {}): Json {
  return { model: LLAMA, messages: [{ role: 'user', content: 'hello world' }], max_tokens: 5, ...extra };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
