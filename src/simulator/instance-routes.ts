/**
 * Placement and instance endpoints (exo-api.md 4): previews, placement, `/place_instance`,
 * `POST /instance` (with FastAPI-like validation of the posted instance) and `/instance/await`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { toCamelCase, toSnakeCase } from './cluster.js';
import type { SimNode } from './cluster.js';
import { ResponseContext, sendExoError, sendJson, sendPlain500, sendValidationError } from './responses.js';
import type { SimulatorRuntime } from './server.js';
import { EXO_SSE_HEADERS } from './sinks.js';
import type { DetailItem } from './validation.js';
import { notAnObject } from './validation.js';

type Json = Record<string, unknown>;

export function previews(rt: SimulatorRuntime, url: URL, res: ServerResponse): void {
  const modelId = url.searchParams.get('model_id');
  if (modelId === null) return sendValidationError(res, [missingQuery('model_id')]);
  if (rt.cluster.liveNodes().length === 0) return sendJson(res, 200, { previews: [] });
  if (!rt.cluster.catalogue.has(modelId))
    return sendExoError(res, 400, `Failed to load model card for ${modelId}`);
  const nodeIds = url.searchParams.getAll('node_ids');
  sendJson(res, 200, { previews: rt.cluster.previews(modelId, nodeIds) });
}

export function placement(rt: SimulatorRuntime, url: URL, res: ServerResponse): void {
  const query = url.searchParams;
  const detail: DetailItem[] = [];
  const modelId = query.get('model_id');
  if (modelId === null) detail.push(missingQuery('model_id'));
  const sharding = query.get('sharding') ?? 'Pipeline';
  if (sharding !== 'Pipeline' && sharding !== 'Tensor')
    detail.push(enumError(['query', 'sharding'], sharding, ['Pipeline', 'Tensor']));
  const meta = query.get('instance_meta') ?? 'MlxRing';
  if (meta !== 'MlxRing' && meta !== 'MlxJaccl')
    detail.push(enumError(['query', 'instance_meta'], meta, ['MlxRing', 'MlxJaccl']));
  const minNodesText = query.get('min_nodes') ?? '1';
  if (!/^\d+$/.test(minNodesText)) {
    detail.push({
      type: 'int_parsing',
      loc: ['query', 'min_nodes'],
      msg: 'Input should be a valid integer, unable to parse string as an integer',
      input: minNodesText,
    });
  }
  if (detail.length > 0) return sendValidationError(res, detail);
  if (!rt.cluster.catalogue.has(modelId as string)) return sendPlain500(res);
  const result = rt.cluster.place(
    modelId as string,
    sharding as 'Pipeline' | 'Tensor',
    meta as 'MlxRing' | 'MlxJaccl',
    Number(minNodesText),
  );
  if ('error' in result) return sendExoError(res, 400, result.error);
  sendJson(res, 200, result.instance);
}

export async function placeInstance(
  rt: SimulatorRuntime,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const body = await rt.jsonBody(req, res);
  if (body === undefined) return;
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    return sendValidationError(res, notAnObject(body));
  const fields = body as Json;
  const detail: DetailItem[] = [];
  if (typeof fields.model_id !== 'string') {
    detail.push(
      fields.model_id === undefined
        ? { type: 'missing', loc: ['body', 'model_id'], msg: 'Field required', input: body }
        : {
            type: 'string_type',
            loc: ['body', 'model_id'],
            msg: 'Input should be a valid string',
            input: fields.model_id,
          },
    );
  }
  const sharding = fields.sharding ?? 'Pipeline';
  if (sharding !== 'Pipeline' && sharding !== 'Tensor')
    detail.push(enumError(['body', 'sharding'], sharding, ['Pipeline', 'Tensor']));
  const meta = fields.instance_meta ?? 'MlxRing';
  if (meta !== 'MlxRing' && meta !== 'MlxJaccl')
    detail.push(enumError(['body', 'instance_meta'], meta, ['MlxRing', 'MlxJaccl']));
  const minNodes = fields.min_nodes ?? 1;
  if (typeof minNodes !== 'number' || !Number.isInteger(minNodes)) {
    detail.push({
      type: 'int_type',
      loc: ['body', 'min_nodes'],
      msg: 'Input should be a valid integer',
      input: minNodes,
    });
  }
  if (detail.length > 0) return sendValidationError(res, detail);
  const spec = rt.cluster.catalogue.get(fields.model_id as string);
  if (!spec) return sendPlain500(res);
  sendJson(res, 200, {
    message: 'Command received.',
    command_id: rt.rng.uuid4(),
    model_card: rt.cluster.modelCard(spec),
  });
  // Placement runs later on the master; a failure creates nothing and reports nothing.
  rt.cluster.later(rt.profile.placementDelayMs, () => {
    if (rt.cluster.faults.takePlacementFailure()) return;
    const result = rt.cluster.place(
      spec.modelId,
      sharding as 'Pipeline' | 'Tensor',
      meta as 'MlxRing' | 'MlxJaccl',
      minNodes as number,
    );
    if (!('error' in result)) rt.cluster.createInstance(result.instance);
  });
}

export async function postInstance(
  rt: SimulatorRuntime,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const body = await rt.jsonBody(req, res);
  if (body === undefined) return;
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    return sendValidationError(res, notAnObject(body));
  const raw = (body as Json).instance;
  if (raw === undefined) {
    return sendValidationError(res, [
      { type: 'missing', loc: ['body', 'instance'], msg: 'Field required', input: body },
    ]);
  }
  const instance = toCamelCase(raw) as Json;
  const problem = checkInstanceJson(instance);
  if (problem) return sendValidationError(res, [problem]);
  const variant = Object.keys(instance)[0] as string;
  const inner = instance[variant] as Json;
  const modelId = (inner.shardAssignments as Json).modelId as string;
  const spec = rt.cluster.catalogue.get(modelId);
  const firstShard = Object.values((inner.shardAssignments as Json).runnerToShard as Json)[0] as Json;
  const shardCard = (Object.values(firstShard)[0] as Json).modelCard as Json | undefined;
  const storage =
    spec?.storageSizeBytes ?? (((shardCard?.storageSize as Json | undefined)?.inBytes as number) || 0);
  const available = rt.cluster.liveNodes().reduce((sum, node) => sum + rt.cluster.ramAvailable(node), 0);
  if (!rt.cluster.instances.has(inner.instanceId as string) && storage > available) {
    const gb = (x: number): string => (x / 1024 ** 3).toFixed(1);
    return sendExoError(
      res,
      400,
      `Insufficient memory to create instance. Required: ${gb(storage)}GB, Available: ${gb(available)}GB`,
    );
  }
  const card = spec ? rt.cluster.modelCard(spec) : (shardCard ?? {});
  sendJson(res, 200, { message: 'Command received.', command_id: rt.rng.uuid4(), model_card: card });
  rt.cluster.later(rt.profile.placementDelayMs, () => rt.cluster.createInstance(instance));
}

export function awaitInstance(rt: SimulatorRuntime, node: SimNode, url: URL, res: ServerResponse): void {
  const modelId = url.searchParams.get('model_id');
  const timeoutText = url.searchParams.get('timeout_seconds') ?? '0';
  const detail: DetailItem[] = [];
  if (modelId === null) detail.push(missingQuery('model_id'));
  const timeout = Number(timeoutText);
  if (!Number.isFinite(timeout)) {
    detail.push({
      type: 'float_parsing',
      loc: ['query', 'timeout_seconds'],
      msg: 'Input should be a valid number, unable to parse string as a number',
      input: timeoutText,
    });
  } else if (timeout < 0 || timeout > 300) {
    detail.push({
      type: timeout < 0 ? 'greater_than_equal' : 'less_than_equal',
      loc: ['query', 'timeout_seconds'],
      msg:
        timeout < 0
          ? 'Input should be greater than or equal to 0'
          : 'Input should be less than or equal to 300',
      input: timeoutText,
      ctx: timeout < 0 ? { ge: 0 } : { le: 300 },
    });
  }
  if (detail.length > 0) return sendValidationError(res, detail);
  const ctx = new ResponseContext(res, node.index, true, null, node.busy);
  rt.open.add(ctx);
  const abort = new AbortController();
  ctx.onClosed = () => {
    rt.open.delete(ctx);
    abort.abort();
  };
  ctx.head(200, { ...EXO_SSE_HEADERS });
  ctx.write(': keep-alive\n\n');
  void rt.cluster.awaitInstance(modelId as string, timeout * 1000, abort.signal).then((instance) => {
    if (ctx.closed) return;
    const message = instance
      ? { type: 'ready', instance: toSnakeCase(instance.json) }
      : { type: 'timeout', message: `No instance found for model ${modelId}` };
    ctx.end(`data: ${JSON.stringify(message)}\n\n`);
  });
}

function missingQuery(name: string): DetailItem {
  return { type: 'missing', loc: ['query', name], msg: 'Field required', input: null };
}

function enumError(loc: (string | number)[], input: unknown, values: string[]): DetailItem {
  const expected = values.map((value) => `'${value}'`).join(' or ');
  return { type: 'enum', loc, msg: `Input should be ${expected}`, input, ctx: { expected } };
}

/** Structural check of a posted instance; returns pydantic-like detail or null. */
function checkInstanceJson(instance: Json): DetailItem | null {
  const bad = (msg: string, loc: (string | number)[] = []): DetailItem => ({
    type: 'value_error',
    loc: ['body', 'instance', ...loc],
    msg,
    input: instance,
  });
  if (instance === null || typeof instance !== 'object' || Array.isArray(instance))
    return bad('Input should be a valid dictionary');
  const keys = Object.keys(instance);
  const variant = keys[0];
  if (keys.length !== 1 || (variant !== 'MlxRingInstance' && variant !== 'MlxJacclInstance')) {
    return {
      type: 'union_tag_invalid',
      loc: ['body', 'instance'],
      msg: "Input tag not found; expected one of 'MlxRingInstance', 'MlxJacclInstance'",
      input: instance,
    };
  }
  const inner = instance[variant] as Json | null;
  if (!inner || typeof inner !== 'object') return bad('Input should be a valid dictionary', [variant]);
  if (typeof inner.instanceId !== 'string') return bad('Field required', [variant, 'instanceId']);
  const assignments = inner.shardAssignments as Json | undefined;
  if (!assignments || typeof assignments !== 'object')
    return bad('Field required', [variant, 'shardAssignments']);
  if (typeof assignments.modelId !== 'string')
    return bad('Field required', [variant, 'shardAssignments', 'modelId']);
  const runnerToShard = assignments.runnerToShard as Json | undefined;
  const nodeToRunner = assignments.nodeToRunner as Json | undefined;
  if (!runnerToShard || typeof runnerToShard !== 'object' || Object.keys(runnerToShard).length === 0) {
    return bad('Field required', [variant, 'shardAssignments', 'runnerToShard']);
  }
  if (!nodeToRunner || typeof nodeToRunner !== 'object')
    return bad('Field required', [variant, 'shardAssignments', 'nodeToRunner']);
  for (const [runnerId, shard] of Object.entries(runnerToShard)) {
    const tagged = shard as Json | null;
    const tag = tagged && typeof tagged === 'object' ? Object.keys(tagged)[0] : undefined;
    if (!tag || !['PipelineShardMetadata', 'TensorShardMetadata', 'CfgShardMetadata'].includes(tag)) {
      return bad('Input tag not found', [variant, 'shardAssignments', 'runnerToShard', runnerId]);
    }
    const shardMetadata = (tagged as Json)[tag] as Json;
    for (const field of ['startLayer', 'endLayer', 'deviceRank', 'worldSize', 'nLayers']) {
      if (typeof shardMetadata?.[field] !== 'number')
        return bad('Field required', [variant, 'shardAssignments', 'runnerToShard', runnerId, tag, field]);
    }
  }
  for (const [nodeId, runnerId] of Object.entries(nodeToRunner)) {
    if (typeof runnerId !== 'string' || !(runnerId in runnerToShard))
      return bad('runner not in runnerToShard', [variant, 'shardAssignments', 'nodeToRunner', nodeId]);
  }
  if (variant === 'MlxRingInstance' && typeof inner.ephemeralPort !== 'number')
    return bad('Field required', [variant, 'ephemeralPort']);
  return null;
}
