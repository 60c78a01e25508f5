/**
 * The schedule beacon of `load_from: all_nodes` (src/load/schedule.ts, docs/load-from.md): how the
 * primary tells every node when a stage starts without a side channel. EXO replicates `/state` to
 * every node, and a chat request's task carries its prompt there (exo-api.md §2.2); a request whose
 * client went away stays in `/state.tasks` as `Cancelled` for good, prompt included (§12.5). So the
 * primary sends one streamed request whose prompt is the start time, holds it open while the
 * secondaries poll (it is Running then, on any EXO version), and closes it before the start; every
 * node reads the same number.
 */
import { httpRequest, type StreamDispatcher } from '../stream/index.js';
import { ClusterError } from '../core/errors.js';
import type { ClusterContext } from './orchestrate.js';

/** The marker every beacon prompt starts with (and secondaries search the tasks' prompts for). */
export const BEACON_MARKER = 'exo-bench schedule';

/** The prompt of the beacon that publishes stage `stageIndex`'s start for run `runId`. */
export function beaconText(runId: string, stageIndex: number, startMs: number): string {
  // String() of a number reads back as exactly that number: every node gets the primary's value.
  return `${BEACON_MARKER} run=${runId} stage=${stageIndex} start_ms=${String(startMs)}`;
}

const BEACON_PATTERN = /exo-bench schedule run=(\S+) stage=(\d+) start_ms=(\d+(?:\.\d+)?)/;

/** Reads a beacon prompt: the run, stage and start it publishes, or undefined for any other text. */
export function parseBeacon(
  text: string,
): { runId: string; stageIndex: number; startMs: number } | undefined {
  const match = BEACON_PATTERN.exec(text);
  if (!match) return undefined;
  return { runId: match[1] as string, stageIndex: Number(match[2]), startMs: Number(match[3]) };
}

/**
 * The beacon a task of EXO's `/state.tasks` carries for (runId, stageIndex), if any: TextGeneration
 * tasks whose prompt (any message's content) is a beacon. Never throws on unexpected shapes.
 */
export function findBeacon(tasks: unknown, runId: string, stageIndex: number): number | undefined {
  if (typeof tasks !== 'object' || tasks === null) return undefined;
  for (const value of Object.values(tasks as Record<string, unknown>)) {
    const body = (value as { TextGeneration?: unknown } | null)?.TextGeneration;
    if (typeof body !== 'object' || body === null) continue;
    const params =
      (body as { taskParams?: unknown; task_params?: unknown }).taskParams ??
      (body as { task_params?: unknown }).task_params;
    const input = (params as { input?: unknown } | undefined)?.input;
    for (const text of promptTexts(input)) {
      const beacon = parseBeacon(text);
      if (beacon && beacon.runId === runId && beacon.stageIndex === stageIndex) return beacon.startMs;
    }
  }
  return undefined;
}

/** The text contents of a chat request's messages (a string, or parts with `text`). */
function promptTexts(input: unknown): string[] {
  if (typeof input === 'string') return [input];
  if (!Array.isArray(input)) return [];
  const texts: string[] = [];
  for (const message of input) {
    const content = (message as { content?: unknown } | null)?.content;
    if (typeof content === 'string') texts.push(content);
    else if (Array.isArray(content))
      for (const part of content) {
        const text = (part as { text?: unknown } | null)?.text;
        if (typeof text === 'string') texts.push(text);
      }
  }
  return texts;
}

/**
 * How far ahead of now the primary schedules a stage's start, ms: the secondaries poll `/state.tasks`
 * every `pollIntervalMs`, so four polls, and at least a second, leave each of them time to read the
 * beacon and be waiting before the start. `preparationMs` is what the primary's own preparation of the
 * stage took (its prompt calibration, which every secondary does too, on a machine as busy): twice that
 * is added, so that a slower secondary is still ready when the start comes (measured: on two shared
 * cores a secondary's calibration ran 38 ms past a one-second lead).
 */
export function beaconLeadMs(pollIntervalMs: number, preparationMs = 0): number {
  return Math.max(1_000, 4 * pollIntervalMs) + 2 * Math.max(0, preparationMs);
}

/** Tokens the beacon asks for: enough to still be generating when it is closed (EOS is banned). */
const BEACON_MAX_TOKENS = 4096;

/** How the primary reaches its own node's chat endpoint. */
export interface BeaconTarget {
  /** The node's API root. */
  baseUrl: string;
  /** The model of the run's first instance. */
  model: string;
  headers: Record<string, string>;
  dispatcher: StreamDispatcher;
}

/**
 * The primary's part: publishes `stageIndex`'s start, `beaconLeadMs` from now (the primary's clock),
 * and returns it. The beacon request is open until its task is seen in this node's `/state` and a
 * quarter of the lead is left; it is then closed, so the instance is idle again before the start.
 */
export async function publishStageStart(
  context: ClusterContext,
  target: BeaconTarget,
  runId: string,
  stageIndex: number,
  preparationMs = 0,
): Promise<number> {
  const { clock } = context;
  const leadMs = beaconLeadMs(context.pollIntervalMs, preparationMs);
  // A whole millisecond: the start reads the same in logs, prompts and results.
  const startMs = Math.ceil(clock.nowMs() + leadMs);
  const close = new AbortController();
  const signal = context.signal ? AbortSignal.any([context.signal, close.signal]) : close.signal;
  // EXO's bench endpoint bans EOS: the beacon cannot end by itself before it is closed.
  const sent = httpRequest(`${target.baseUrl}/bench/chat/completions`, {
    method: 'POST',
    dispatcher: target.dispatcher,
    headers: { ...target.headers, 'content-type': 'application/json' },
    body: JSON.stringify({
      model: target.model,
      messages: [{ role: 'user', content: beaconText(runId, stageIndex, startMs) }],
      stream: true,
      max_tokens: BEACON_MAX_TOKENS,
    }),
    signal,
  }).then(
    async (response) => {
      // Read until closed: the body is discarded, only the task in /state matters.
      await response.body.done();
      return response.statusCode;
    },
    (error: unknown) => (close.signal.aborted ? 0 : Promise.reject(error)),
  );
  const failed = sent.then(
    (status) => (close.signal.aborted ? undefined : status),
    (error: unknown) => (close.signal.aborted ? undefined : error),
  );
  try {
    const closeAtMs = startMs - leadMs / 4;
    let seen = false;
    while (!seen && clock.nowMs() < closeAtMs) {
      const tasks = await context.client.statePath('tasks', context.signal).catch(() => undefined);
      seen = findBeacon(tasks, runId, stageIndex) !== undefined;
      if (!seen) await clock.sleep(Math.min(context.pollIntervalMs / 4, 100), context.signal);
    }
    if (!seen)
      context.logger.warning(
        `stage ${stageIndex}: the schedule beacon did not show in this node's /state before the start; secondaries may miss it`,
      );
    // Held open until a quarter of the lead is left: the secondaries poll meanwhile.
    if (clock.nowMs() < closeAtMs) await clock.sleepUntil(closeAtMs, context.signal);
  } finally {
    close.abort();
  }
  const outcome = await failed.catch((error: unknown) => error);
  if (outcome !== undefined)
    context.logger.warning(
      `the schedule beacon ended before it was closed (${outcome instanceof Error ? outcome.message : `HTTP ${String(outcome)}`})`,
    );
  return startMs;
}

/**
 * A secondary's part: waits (polling this node's `/state.tasks`) for the primary's beacon of
 * `stageIndex` and returns the start it publishes. Throws a ClusterError past `deadlineMs`, or as soon
 * as none of `instanceIds` (the run's instances) is left in the state: the primary's run has ended
 * (it deletes them on every path) and no start will come.
 */
export async function awaitStageStart(
  context: ClusterContext,
  runId: string,
  stageIndex: number,
  deadlineMs: number,
  instanceIds: readonly string[] = [],
): Promise<number> {
  const { clock } = context;
  const read = (path: string): Promise<unknown> =>
    context.client.statePath(path, context.signal).catch((error: unknown) => {
      if (context.signal?.aborted) throw error;
      return null; // a poll that failed: the next one may not
    });
  for (;;) {
    const tasks = await read('tasks');
    const startMs = findBeacon(tasks, runId, stageIndex);
    if (startMs !== undefined) return startMs;
    if (instanceIds.length > 0) {
      // undefined: EXO answered 404 (no instances at all); null: the read failed, which proves nothing.
      const instances = await read('instances');
      const left =
        instances === undefined
          ? []
          : typeof instances === 'object' && instances !== null
            ? instanceIds.filter((id) => id in instances)
            : instanceIds;
      if (left.length === 0)
        throw new ClusterError(
          `The run's instances are gone before the primary published the start of stage ${stageIndex} (load_from: all_nodes): the primary's run ended`,
          "The primary's log and results say why it stopped.",
        );
    }
    if (clock.nowMs() >= deadlineMs)
      throw new ClusterError(
        `Timed out waiting for the primary's start of stage ${stageIndex} (load_from: all_nodes)`,
        "The primary publishes each stage's start in the cluster state once the previous stage drained; its log says why it did not.",
      );
    await clock.sleep(context.pollIntervalMs, context.signal);
  }
}
