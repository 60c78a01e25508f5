/**
 * The simulator's own endpoints (`/_simulator/*`), served on every node's port and on the control
 * port: faults, ground truth, stats (per-node `/state` load included) and node start/stop.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultSpec } from './faults.js';
import { validateFaultSpec } from './faults.js';
import { parseExoStart } from './exo-args.js';
import { nowMs } from './random.js';
import { readBody, sendExoError, sendJson, sendValidationError } from './responses.js';
import type { SimulatorRuntime } from './server.js';
import { parseJsonBody } from './validation.js';

type Json = Record<string, unknown>;

export async function routeControl(
  rt: SimulatorRuntime,
  method: string,
  path: string,
  url: URL,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (path === '/_simulator/faults') {
    if (method === 'GET') return sendJson(res, 200, { faults: rt.currentFaults });
    if (method === 'DELETE') {
      rt.clearFaults();
      return sendJson(res, 200, { faults: {} });
    }
    if (method === 'POST' || method === 'PUT') {
      const text = await readBody(req);
      if (text === null) return;
      const parsed = parseJsonBody(text);
      if ('detail' in parsed) return sendValidationError(res, parsed.detail);
      const problems = validateFaultSpec(parsed.value);
      if (problems.length > 0) return sendExoError(res, 400, problems.join('; '));
      rt.setFaults(parsed.value as FaultSpec);
      return sendJson(res, 200, { faults: rt.currentFaults });
    }
  }
  if (path === '/_simulator/requests') {
    if (method === 'DELETE') {
      rt.cluster.groundTruth.clear();
      return sendJson(res, 200, { cleared: true });
    }
    if (method === 'GET') return sendRequests(rt, url, res);
  }
  if (path === '/_simulator/stats' && method === 'GET') {
    const cpu = process.cpuUsage();
    return sendJson(res, 200, {
      cpu_user_us: cpu.user,
      cpu_system_us: cpu.system,
      active_streams: rt.open.size,
      tokens_written: rt.cluster.tokensWritten,
      requests_recorded: rt.cluster.groundTruth.size,
      time_ms: nowMs(),
      nodes: rt.cluster.nodes.map((n) => ({
        index: n.index,
        node_id: n.id,
        alive: n.alive,
        in_topology: n.inTopology,
        state_requests: n.busy.stateRequests,
        state_bytes: n.busy.stateBytes,
        state_busy_ms: Math.round(n.busy.stateBusyMs * 1000) / 1000,
      })),
      master_node_id:
        rt.cluster.election.masterIndex === null
          ? null
          : (rt.cluster.nodes[rt.cluster.election.masterIndex]?.id ?? null),
      election_running: rt.cluster.election.running,
    });
  }
  const nodeControl = /^\/_simulator\/nodes\/(\d+)\/(start|stop)$/.exec(path);
  if (nodeControl && method === 'POST') {
    return controlNode(rt, Number(nodeControl[1]), nodeControl[2] as 'start' | 'stop', req, res);
  }
  return sendExoError(res, 404, 'Not Found');
}

/**
 * `POST /_simulator/nodes/{i}/start` (body `{"args": [...exo flags], "env": {EXO_*}}`) →
 * `{"node_id","url"}`; `POST /_simulator/nodes/{i}/stop` → `{"node_id","stopped":true}`.
 */
export async function controlNode(
  rt: SimulatorRuntime,
  index: number,
  action: 'start' | 'stop',
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const node = rt.cluster.nodes[index];
  const text = await readBody(req);
  if (text === null) return;
  if (!node) return sendExoError(res, 404, `No node ${index} (the simulator has ${rt.cluster.nodes.length})`);
  if (action === 'stop') {
    rt.cluster.stopNode(index);
    return sendJson(res, 200, { node_id: node.id, stopped: true });
  }
  let body: Json = {};
  if (text.trim() !== '') {
    const parsed = parseJsonBody(text);
    if ('detail' in parsed) return sendValidationError(res, parsed.detail);
    if (parsed.value === null || typeof parsed.value !== 'object' || Array.isArray(parsed.value))
      return sendExoError(res, 400, 'the body must be {"args": [...], "env": {...}}');
    body = parsed.value as Json;
  }
  const args = Array.isArray(body.args) ? body.args.filter((a): a is string => typeof a === 'string') : [];
  const env = (body.env && typeof body.env === 'object' ? body.env : {}) as Record<string, string>;
  const options = parseExoStart(args, env);
  try {
    await rt.cluster.startNode(index, options);
  } catch (error) {
    return sendExoError(res, 500, `node ${index} could not listen: ${(error as Error).message}`);
  }
  const host = rt.host.includes(':') ? `[${rt.host}]` : rt.host;
  sendJson(res, 200, {
    node_id: node.id,
    url: `http://${host}:${node.port}`,
    isolated: node.isolated,
    api_port_requested: options.apiPort,
  });
}

/** A JSON array of records, written in slices so a million entries never form one string. */
export function sendRequests(rt: SimulatorRuntime, url: URL, res: ServerResponse): void {
  const offset = Number(url.searchParams.get('offset') ?? 0) || 0;
  const limitParam = url.searchParams.get('limit');
  const limit = limitParam === null ? Number.POSITIVE_INFINITY : Number(limitParam) || 0;
  const records = rt.cluster.groundTruth.list(offset, limit);
  res.writeHead(200, { 'content-type': 'application/json' });
  const SLICE = 5000;
  res.write('[');
  for (let i = 0; i < records.length; i += SLICE) {
    const part = records.slice(i, i + SLICE).map((r) => JSON.stringify(r));
    res.write((i > 0 ? ',' : '') + part.join(','));
  }
  res.end(']');
}
