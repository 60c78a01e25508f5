/**
 * The simulator's HTTP side: one `http.Server` per node on 127.0.0.1, all sharing one `SimCluster`.
 * Routes follow exo-api.md (flavour `exo`) or a llama.cpp-like OpenAI server (flavour `openai`).
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { SimCluster, toCamelCase, toSnakeCase } from './cluster.js';
import type { SimInstance, SimNode } from './cluster.js';
import { Sequence } from './engine.js';
import type { FaultSpec, HttpErrorFault, RequestFaultChoice } from './faults.js';
import { validateFaultSpec } from './faults.js';
import type { GroundTruthRecord } from './groundTruth.js';
import type { SimulatorProfile } from './profile.js';
import { Rng, nowMs } from './random.js';
import {
  ResponseContext,
  errorEnvelope,
  readBody,
  sendExoError,
  sendJson,
  sendPlain500,
  sendValidationError,
} from './responses.js';
import {
  EXO_SSE_HEADERS,
  ExoJsonSink,
  ExoStreamSink,
  OPENAI_SSE_HEADERS,
  OpenAiJsonSink,
  OpenAiStreamSink,
} from './sinks.js';
import { parseExoStart } from './exoArgs.js';
import { fingerprintPrompt } from './tokenizer.js';
import type { ChatRequest, DetailItem } from './validation.js';
import { notAnObject, parseJsonBody, validateChatBody } from './validation.js';

/** Which API the simulator speaks. */
export type SimulatorFlavor = 'exo' | 'openai';

type Json = Record<string, unknown>;

/** Everything the running simulator holds; `index.ts` wraps it in the public handle. */
export class SimulatorRuntime {
  readonly cluster: SimCluster;
  readonly servers: Server[] = [];
  private readonly sockets: Set<Socket>[] = [];
  /** Open chat/bench/await responses (keep-alives, node loss). */
  readonly open = new Set<ResponseContext>();
  private sweeper: NodeJS.Timeout | null = null;
  private flusher: NodeJS.Timeout | null = null;
  /** Streams with coalesced writes waiting for the next flush. */
  private readonly dirty = new Set<ResponseContext>();
  private readonly markDirty = (ctx: ResponseContext): void => {
    this.dirty.add(ctx);
  };
  private currentFaults: FaultSpec = {};
  private readonly rng: Rng;
  /** The always-ready instance of the openai flavour. */
  private openaiInstance: SimInstance | null = null;

  constructor(
    readonly profile: SimulatorProfile,
    readonly flavor: SimulatorFlavor,
    seed: number,
    nodeCount: number,
  ) {
    this.rng = new Rng(seed);
    this.cluster = new SimCluster(profile, this.rng, nodeCount);
    this.cluster.onNodeDeath = (node) => this.stopNodeServer(node);
  }

  private host = '127.0.0.1';
  /** The control server (`/_simulator/*` and node start/stop), on its own port. */
  private controlServer: Server | null = null;
  controlPort = 0;

  /** Listens on `host`, node i on `port + i` (or free ports for port 0); stopped nodes only get a port. */
  async listen(host: string, port: number): Promise<void> {
    this.host = host;
    for (const node of this.cluster.nodes) {
      this.sockets.push(new Set());
      const server = this.createNodeServer(node);
      this.servers.push(server);
      await listenOn(server, host, port === 0 ? 0 : port + node.index);
      const address = server.address();
      node.port = typeof address === 'object' && address ? address.port : 0;
      // A stopped node refuses connections until started: its port is kept, the socket closed.
      if (!node.alive) await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    this.cluster.onNodeStart = (node) => this.startNodeServer(node);
    this.controlServer = createServer({ keepAliveTimeout: 5000, requestTimeout: 0 }, (req, res) => {
      res.on('error', () => undefined);
      const url = new URL(req.url ?? '/', 'http://sim');
      this.routeControl(req.method ?? 'GET', url.pathname, url, req, res).catch(() => sendPlain500(res));
    });
    await listenOn(this.controlServer, host, 0);
    const controlAddress = this.controlServer.address();
    this.controlPort = typeof controlAddress === 'object' && controlAddress ? controlAddress.port : 0;
    this.cluster.start();
    const sweepMs = Math.max(5, Math.min(1000, this.profile.keepAliveIntervalMs / 4));
    this.sweeper = setInterval(() => this.sweepKeepAlives(), sweepMs);
    this.sweeper.unref();
    if (this.profile.streamWriteCoalesceMs > 0) {
      this.flusher = setInterval(() => {
        for (const ctx of this.dirty) ctx.flushCoalesced();
        this.dirty.clear();
      }, this.profile.streamWriteCoalesceMs);
      this.flusher.unref();
    }
    if (this.flavor === 'openai') this.setUpOpenAiInstance();
    this.setFaults(this.profile.faults);
  }

  private createNodeServer(node: SimNode): Server {
    const server = createServer(
      { keepAliveTimeout: 5000, requestTimeout: 0, headersTimeout: 60_000, noDelay: true },
      (req, res) => this.handle(node, req, res),
    );
    server.maxHeadersCount = 200;
    // EXO streams never time out on the server side.
    server.timeout = 0;
    const sockets = this.sockets[node.index] as Set<Socket>;
    server.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    });
    server.on('clientError', (_err, socket: Socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      else socket.destroy();
    });
    return server;
  }

  /** A started node listens again on its port (a new server: a closed one cannot be reused safely). */
  private async startNodeServer(node: SimNode): Promise<void> {
    const server = this.createNodeServer(node);
    this.servers[node.index] = server;
    await listenOn(server, this.host, node.port);
  }

  private setUpOpenAiInstance(): void {
    const model = this.profile.openai.model;
    if (!this.cluster.catalogue.has(model)) {
      const base = this.cluster.catalogue.get('mlx-community/Llama-3.2-1B-Instruct-4bit');
      if (base) this.cluster.catalogue.set(model, { ...base, modelId: model });
    }
    const placed = this.cluster.place(model, 'Pipeline', 'MlxRing', 1);
    if ('error' in placed) throw new Error(`openai flavour: cannot place ${model}: ${placed.error}`);
    const inst = this.cluster.createInstance(placed.instance, false);
    if (!inst) throw new Error('openai flavour: no instance');
    inst.engine.setReady(true);
    this.openaiInstance = inst;
  }

  /** Replaces the active faults (and schedules node losses). */
  setFaults(spec: FaultSpec): void {
    this.currentFaults = spec;
    this.cluster.faults.set(spec);
    for (const loss of spec.nodeLoss ?? []) {
      this.cluster.later(loss.afterMs ?? 0, () => this.cluster.killNode(loss.node, loss.removalDelayMs ?? 0));
    }
  }

  clearFaults(): void {
    this.setFaults({});
  }

  get faults(): FaultSpec {
    return this.currentFaults;
  }

  private stopNodeServer(node: SimNode): void {
    for (const ctx of [...this.open]) {
      if (ctx.nodeIndex !== node.index) continue;
      if (ctx.record && ctx.record.outcome === 'pending') {
        ctx.record.outcome = 'eof';
        ctx.record.ended_at_ms = nowMs();
      }
      ctx.destroy();
    }
    const server = this.servers[node.index];
    if (server?.listening) server.close();
    for (const socket of this.sockets[node.index] ?? []) socket.destroy();
  }

  /** Stops everything; resolves when every server is closed. */
  async close(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    if (this.flusher) clearInterval(this.flusher);
    this.cluster.stop();
    for (const ctx of [...this.open]) ctx.destroy();
    if (this.controlServer) {
      const control = this.controlServer;
      await new Promise<void>((resolve) => {
        control.close(() => resolve());
        control.closeAllConnections();
      });
    }
    await Promise.all(
      this.servers.map(
        (server, i) =>
          new Promise<void>((resolve) => {
            if (server.listening) server.close(() => resolve());
            else resolve();
            for (const socket of this.sockets[i] ?? []) socket.destroy();
          }),
      ),
    );
  }

  private sweepKeepAlives(): void {
    const wall = nowMs();
    const interval = this.profile.keepAliveIntervalMs;
    if (this.flavor === 'openai') return;
    for (const ctx of this.open) {
      if (!ctx.sse || ctx.closed) continue;
      if (ctx.seq && ctx.seq.stallUntilMs > wall) continue;
      if (wall - ctx.lastWriteAtMs >= interval) ctx.write(': keep-alive\n\n');
    }
  }

  // ------------------------------------------------------------------ routing

  private handle(node: SimNode, req: IncomingMessage, res: ServerResponse): void {
    const arrivedAtMs = nowMs();
    res.on('error', () => undefined);
    req.on('error', () => undefined);
    if (!node.alive) {
      res.destroy();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://sim');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const run = (): void => {
      this.route(node, method, path, url, req, res, arrivedAtMs).catch(() => {
        if (!res.headersSent) sendPlain500(res);
        else res.destroy();
      });
    };
    // A node busy serialising its state answers nothing meanwhile (simulator controls excepted).
    const busyMs = node.busy.untilMs - arrivedAtMs;
    if (busyMs > 0 && !path.startsWith('/_simulator/')) setTimeout(run, busyMs);
    else run();
  }

  private async route(
    node: SimNode,
    method: string,
    path: string,
    url: URL,
    req: IncomingMessage,
    res: ServerResponse,
    arrivedAtMs: number,
  ): Promise<void> {
    // Simulator control endpoints (both flavours).
    if (path.startsWith('/_simulator/')) return this.routeControl(method, path, url, req, res);
    if (this.flavor === 'exo' && isCommand(method, path)) {
      // Commands wait while a master election runs (exo-api.md 1.3); every running node counts them.
      const election = this.cluster.command();
      if (election) await election;
    }
    if (this.flavor === 'openai') {
      if (path === '/v1/models' && method === 'GET') return this.openAiModels(res);
      if (path === '/v1/chat/completions' && method === 'POST')
        return this.chat(node, req, res, path, arrivedAtMs);
      return sendJson(res, 404, { error: { code: 404, message: 'File Not Found', type: 'not_found_error' } });
    }
    const seg = path.split('/').filter((s) => s.length > 0);
    const allow = (m: string): boolean => {
      if (method === m) return true;
      sendExoError(res, 405, 'Method Not Allowed');
      return false;
    };
    if (path === '/node_id') return void (allow('GET') && sendJson(res, 200, node.id));
    if (path === '/state')
      return void (allow('GET') && this.sendState(node, this.cluster.buildState('Z'), res));
    if (seg[0] === 'state' && seg.length > 1)
      return void (allow('GET') && this.statePath(node, seg.slice(1), res));
    if (path === '/models' || path === '/v1/models') return void (allow('GET') && this.models(url, res));
    if (path === '/instance/previews') return void (allow('GET') && this.previews(url, res));
    if (path === '/instance/placement') return void (allow('GET') && this.placement(url, res));
    if (path === '/instance/await') return void (allow('GET') && this.awaitInstance(node, url, res));
    if (path === '/place_instance') return allow('POST') ? this.placeInstance(req, res) : undefined;
    if (path === '/instance') return allow('POST') ? this.postInstance(req, res) : undefined;
    if (seg[0] === 'instance' && seg.length === 2) {
      const id = decodeURIComponent(seg[1] ?? '');
      if (method === 'GET') {
        const inst = this.cluster.instances.get(id);
        return inst ? sendJson(res, 200, inst.json) : sendExoError(res, 404, 'Instance not found');
      }
      if (method === 'DELETE') {
        if (!this.cluster.deleteInstance(id)) return sendExoError(res, 404, 'Instance not found');
        return sendJson(res, 200, {
          message: 'Command received.',
          command_id: this.rng.uuid4(),
          instance_id: id,
        });
      }
      return sendExoError(res, 405, 'Method Not Allowed');
    }
    if (
      path === '/v1/chat/completions' ||
      path === '/ollama/v1/chat/completions' ||
      path === '/bench/chat/completions'
    ) {
      return allow('POST') ? this.chat(node, req, res, path, arrivedAtMs) : undefined;
    }
    if (seg[0] === 'v1' && seg[1] === 'cancel' && seg.length === 3) {
      if (!allow('POST')) return;
      const id = decodeURIComponent(seg[2] ?? '');
      return this.cluster.cancel(id)
        ? sendJson(res, 200, { message: 'Command cancelled.', command_id: id })
        : sendExoError(res, 404, 'Command not found or already completed');
    }
    if (path === '/v1/feature-flags') return sendJson(res, 200, { disaggregation: false });
    return sendExoError(res, 404, 'Not Found');
  }

  // ------------------------------------------------------------------ control

  private async routeControl(
    method: string,
    path: string,
    url: URL,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    if (path === '/_simulator/faults') {
      if (method === 'GET') return sendJson(res, 200, { faults: this.currentFaults });
      if (method === 'DELETE') {
        this.clearFaults();
        return sendJson(res, 200, { faults: {} });
      }
      if (method === 'POST' || method === 'PUT') {
        const text = await readBody(req);
        if (text === null) return;
        const parsed = parseJsonBody(text);
        if ('detail' in parsed) return sendValidationError(res, parsed.detail);
        const problems = validateFaultSpec(parsed.value);
        if (problems.length > 0) return sendExoError(res, 400, problems.join('; '));
        this.setFaults(parsed.value as FaultSpec);
        return sendJson(res, 200, { faults: this.currentFaults });
      }
    }
    if (path === '/_simulator/requests') {
      if (method === 'DELETE') {
        this.cluster.groundTruth.clear();
        return sendJson(res, 200, { cleared: true });
      }
      if (method === 'GET') return this.sendRequests(url, res);
    }
    if (path === '/_simulator/stats' && method === 'GET') {
      const cpu = process.cpuUsage();
      return sendJson(res, 200, {
        cpu_user_us: cpu.user,
        cpu_system_us: cpu.system,
        active_streams: this.open.size,
        tokens_written: this.cluster.tokensWritten,
        requests_recorded: this.cluster.groundTruth.size,
        time_ms: nowMs(),
        nodes: this.cluster.nodes.map((n) => ({
          index: n.index,
          node_id: n.id,
          alive: n.alive,
          in_topology: n.inTopology,
          state_requests: n.busy.stateRequests,
          state_bytes: n.busy.stateBytes,
          state_busy_ms: Math.round(n.busy.stateBusyMs * 1000) / 1000,
        })),
        master_node_id:
          this.cluster.election.masterIndex === null
            ? null
            : (this.cluster.nodes[this.cluster.election.masterIndex]?.id ?? null),
        election_running: this.cluster.election.running,
      });
    }
    const nodeControl = /^\/_simulator\/nodes\/(\d+)\/(start|stop)$/.exec(path);
    if (nodeControl && method === 'POST') {
      return this.controlNode(Number(nodeControl[1]), nodeControl[2] as 'start' | 'stop', req, res);
    }
    return sendExoError(res, 404, 'Not Found');
  }

  /**
   * `POST /_simulator/nodes/{i}/start` (body `{"args": [...exo flags], "env": {EXO_*}}`) →
   * `{"node_id","url"}`; `POST /_simulator/nodes/{i}/stop` → `{"node_id","stopped":true}`.
   */
  private async controlNode(
    index: number,
    action: 'start' | 'stop',
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    const node = this.cluster.nodes[index];
    const text = await readBody(req);
    if (text === null) return;
    if (!node)
      return sendExoError(res, 404, `No node ${index} (the simulator has ${this.cluster.nodes.length})`);
    if (action === 'stop') {
      this.cluster.stopNode(index);
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
      await this.cluster.startNode(index, options);
    } catch (error) {
      return sendExoError(res, 500, `node ${index} could not listen: ${(error as Error).message}`);
    }
    const host = this.host.includes(':') ? `[${this.host}]` : this.host;
    sendJson(res, 200, {
      node_id: node.id,
      url: `http://${host}:${node.port}`,
      isolated: node.isolated,
      api_port_requested: options.apiPort,
    });
  }

  /** A JSON array of records, written in slices so a million entries never form one string. */
  private sendRequests(url: URL, res: ServerResponse): void {
    const offset = Number(url.searchParams.get('offset') ?? 0) || 0;
    const limitParam = url.searchParams.get('limit');
    const limit = limitParam === null ? Number.POSITIVE_INFINITY : Number(limitParam) || 0;
    const records = this.cluster.groundTruth.list(offset, limit);
    res.writeHead(200, { 'content-type': 'application/json' });
    const SLICE = 5000;
    res.write('[');
    for (let i = 0; i < records.length; i += SLICE) {
      const part = records.slice(i, i + SLICE).map((r) => JSON.stringify(r));
      res.write((i > 0 ? ',' : '') + part.join(','));
    }
    res.end(']');
  }

  // ------------------------------------------------------------------ state & models

  /**
   * Charges the serving node for serialising the whole state (exo-api.md 12.4): it is busy for
   * `stateCostFixedMs + stateCostMsPerMiB × MiB`, measured on the full document whatever the path,
   * and the answer leaves when that time is over. Timers, not CPU: other nodes are unaffected.
   */
  private chargeState(node: SimNode, state: unknown): number {
    const bytes = Buffer.byteLength(JSON.stringify(state));
    const costMs = this.profile.stateCostFixedMs + (this.profile.stateCostMsPerMiB * bytes) / 1024 ** 2;
    const busy = node.busy;
    busy.stateRequests++;
    busy.stateBytes += bytes;
    busy.stateBusyMs += costMs;
    const now = nowMs();
    busy.untilMs = Math.max(now, busy.untilMs) + costMs;
    return busy.untilMs - now;
  }

  private sendState(node: SimNode, state: unknown, res: ServerResponse): void {
    this.later(this.chargeState(node, state), () => sendJson(res, 200, state));
  }

  private later(ms: number, fn: () => void): void {
    if (ms <= 0) fn();
    else setTimeout(fn, ms);
  }

  private statePath(node: SimNode, segments: string[], res: ServerResponse): void {
    const keys = segments.map((s) => decodeURIComponent(s));
    const state = this.cluster.buildState('+00:00');
    const delayMs = this.chargeState(node, state);
    let cursor: unknown = state;
    for (const key of keys) {
      if (Array.isArray(cursor) && /^\d+$/.test(key) && Number(key) < cursor.length)
        cursor = cursor[Number(key)];
      else if (
        cursor !== null &&
        typeof cursor === 'object' &&
        !Array.isArray(cursor) &&
        Object.hasOwn(cursor, key)
      ) {
        cursor = (cursor as Json)[key];
      } else {
        return this.later(delayMs, () =>
          sendExoError(res, 404, `unable to find path '${keys.join('.')}' in state json`),
        );
      }
    }
    const found = cursor;
    this.later(delayMs, () => sendJson(res, 200, found));
  }

  private models(url: URL, res: ServerResponse): void {
    const downloadedOnly = url.searchParams.get('status') === 'downloaded';
    const data = [...this.cluster.catalogue.values()]
      .filter((m) => !downloadedOnly || this.cluster.isDownloadedAnywhere(m.modelId))
      .map((m) => this.cluster.modelListEntry(m));
    sendJson(res, 200, { object: 'list', data });
  }

  private openAiModels(res: ServerResponse): void {
    const model = this.profile.openai.model;
    sendJson(res, 200, {
      object: 'list',
      data: [
        {
          id: model,
          object: 'model',
          created: Math.floor(Date.now() / 1000),
          owned_by: 'llamacpp',
          meta: null,
        },
      ],
    });
  }

  // ------------------------------------------------------------------ placement & instances

  private previews(url: URL, res: ServerResponse): void {
    const modelId = url.searchParams.get('model_id');
    if (modelId === null) return sendValidationError(res, [missingQuery('model_id')]);
    if (this.cluster.liveNodes().length === 0) return sendJson(res, 200, { previews: [] });
    if (!this.cluster.catalogue.has(modelId))
      return sendExoError(res, 400, `Failed to load model card for ${modelId}`);
    const nodeIds = url.searchParams.getAll('node_ids');
    sendJson(res, 200, { previews: this.cluster.previews(modelId, nodeIds) });
  }

  private placement(url: URL, res: ServerResponse): void {
    const q = url.searchParams;
    const detail: DetailItem[] = [];
    const modelId = q.get('model_id');
    if (modelId === null) detail.push(missingQuery('model_id'));
    const sharding = q.get('sharding') ?? 'Pipeline';
    if (sharding !== 'Pipeline' && sharding !== 'Tensor')
      detail.push(enumError(['query', 'sharding'], sharding, ['Pipeline', 'Tensor']));
    const meta = q.get('instance_meta') ?? 'MlxRing';
    if (meta !== 'MlxRing' && meta !== 'MlxJaccl')
      detail.push(enumError(['query', 'instance_meta'], meta, ['MlxRing', 'MlxJaccl']));
    const minNodesText = q.get('min_nodes') ?? '1';
    if (!/^\d+$/.test(minNodesText)) {
      detail.push({
        type: 'int_parsing',
        loc: ['query', 'min_nodes'],
        msg: 'Input should be a valid integer, unable to parse string as an integer',
        input: minNodesText,
      });
    }
    if (detail.length > 0) return sendValidationError(res, detail);
    if (!this.cluster.catalogue.has(modelId as string)) return sendPlain500(res);
    const result = this.cluster.place(
      modelId as string,
      sharding as 'Pipeline' | 'Tensor',
      meta as 'MlxRing' | 'MlxJaccl',
      Number(minNodesText),
    );
    if ('error' in result) return sendExoError(res, 400, result.error);
    sendJson(res, 200, result.instance);
  }

  private async placeInstance(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await this.jsonBody(req, res);
    if (body === undefined) return;
    if (body === null || typeof body !== 'object' || Array.isArray(body))
      return sendValidationError(res, notAnObject(body));
    const b = body as Json;
    const detail: DetailItem[] = [];
    if (typeof b.model_id !== 'string') {
      detail.push(
        b.model_id === undefined
          ? { type: 'missing', loc: ['body', 'model_id'], msg: 'Field required', input: body }
          : {
              type: 'string_type',
              loc: ['body', 'model_id'],
              msg: 'Input should be a valid string',
              input: b.model_id,
            },
      );
    }
    const sharding = b.sharding ?? 'Pipeline';
    if (sharding !== 'Pipeline' && sharding !== 'Tensor')
      detail.push(enumError(['body', 'sharding'], sharding, ['Pipeline', 'Tensor']));
    const meta = b.instance_meta ?? 'MlxRing';
    if (meta !== 'MlxRing' && meta !== 'MlxJaccl')
      detail.push(enumError(['body', 'instance_meta'], meta, ['MlxRing', 'MlxJaccl']));
    const minNodes = b.min_nodes ?? 1;
    if (typeof minNodes !== 'number' || !Number.isInteger(minNodes)) {
      detail.push({
        type: 'int_type',
        loc: ['body', 'min_nodes'],
        msg: 'Input should be a valid integer',
        input: minNodes,
      });
    }
    if (detail.length > 0) return sendValidationError(res, detail);
    const spec = this.cluster.catalogue.get(b.model_id as string);
    if (!spec) return sendPlain500(res);
    sendJson(res, 200, {
      message: 'Command received.',
      command_id: this.rng.uuid4(),
      model_card: this.cluster.modelCard(spec),
    });
    // Placement runs later on the master; a failure creates nothing and reports nothing.
    this.cluster.later(this.profile.placementDelayMs, () => {
      if (this.cluster.faults.takePlacementFailure()) return;
      const result = this.cluster.place(
        spec.modelId,
        sharding as 'Pipeline' | 'Tensor',
        meta as 'MlxRing' | 'MlxJaccl',
        minNodes as number,
      );
      if (!('error' in result)) this.cluster.createInstance(result.instance);
    });
  }

  private async postInstance(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await this.jsonBody(req, res);
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
    const spec = this.cluster.catalogue.get(modelId);
    const firstShard = Object.values((inner.shardAssignments as Json).runnerToShard as Json)[0] as Json;
    const shardCard = (Object.values(firstShard)[0] as Json).modelCard as Json | undefined;
    const storage =
      spec?.storageSizeBytes ?? (((shardCard?.storageSize as Json | undefined)?.inBytes as number) || 0);
    const available = this.cluster.liveNodes().reduce((s, n) => s + this.cluster.ramAvailable(n), 0);
    if (!this.cluster.instances.has(inner.instanceId as string) && storage > available) {
      const gb = (x: number): string => (x / 1024 ** 3).toFixed(1);
      return sendExoError(
        res,
        400,
        `Insufficient memory to create instance. Required: ${gb(storage)}GB, Available: ${gb(available)}GB`,
      );
    }
    const card = spec ? this.cluster.modelCard(spec) : (shardCard ?? {});
    sendJson(res, 200, { message: 'Command received.', command_id: this.rng.uuid4(), model_card: card });
    this.cluster.later(this.profile.placementDelayMs, () => this.cluster.createInstance(instance));
  }

  private awaitInstance(node: SimNode, url: URL, res: ServerResponse): void {
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
    this.open.add(ctx);
    const abort = new AbortController();
    ctx.onClosed = () => {
      this.open.delete(ctx);
      abort.abort();
    };
    ctx.head(200, { ...EXO_SSE_HEADERS });
    ctx.write(': keep-alive\n\n');
    void this.cluster.awaitInstance(modelId as string, timeout * 1000, abort.signal).then((inst) => {
      if (ctx.closed) return;
      const message = inst
        ? { type: 'ready', instance: toSnakeCase(inst.json) }
        : { type: 'timeout', message: `No instance found for model ${modelId}` };
      ctx.end(`data: ${JSON.stringify(message)}\n\n`);
    });
  }

  // ------------------------------------------------------------------ chat

  private async jsonBody(req: IncomingMessage, res: ServerResponse): Promise<unknown> {
    const text = await readBody(req);
    if (text === null) return undefined;
    const parsed = parseJsonBody(text);
    if ('detail' in parsed) {
      if (this.flavor === 'openai') {
        sendJson(res, 400, {
          error: {
            code: 400,
            message: 'Failed to parse the request body as JSON',
            type: 'invalid_request_error',
          },
        });
      } else sendValidationError(res, parsed.detail);
      return undefined;
    }
    return parsed.value;
  }

  private newRecord(node: SimNode, endpoint: string, arrivedAtMs: number): GroundTruthRecord {
    const record: GroundTruthRecord = {
      id: this.rng.uuid4(),
      endpoint,
      model: null,
      stream: false,
      node_index: node.index,
      instance_id: null,
      arrived_at_ms: arrivedAtMs,
      first_token_at_ms: null,
      last_token_at_ms: null,
      ended_at_ms: null,
      tokens_emitted: 0,
      prompt_tokens: 0,
      cached_tokens: 0,
      max_tokens: null,
      finish_reason: null,
      http_status: null,
      outcome: 'pending',
      fault: null,
    };
    this.cluster.groundTruth.add(record);
    return record;
  }

  private httpErrorRecord(record: GroundTruthRecord, status: number): void {
    record.outcome = 'http_error';
    record.http_status = status;
    record.ended_at_ms = nowMs();
  }

  private async chat(
    node: SimNode,
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    arrivedAtMs: number,
  ): Promise<void> {
    const record = this.newRecord(node, path, arrivedAtMs);
    const bench = path === '/bench/chat/completions';
    const body = await this.jsonBody(req, res);
    if (body === undefined) {
      this.httpErrorRecord(record, res.headersSent ? res.statusCode : 0);
      return;
    }
    const validated = validateChatBody(body, bench);
    if ('detail' in validated) {
      this.httpErrorRecord(record, this.flavor === 'openai' ? 400 : 422);
      if (this.flavor === 'openai') {
        const first = validated.detail[0];
        return sendJson(res, 400, {
          error: {
            code: 400,
            message: first ? `${first.loc.slice(1).join('.')}: ${first.msg}` : 'invalid request',
            type: 'invalid_request_error',
          },
        });
      }
      return sendValidationError(res, validated.detail);
    }
    const request = validated.value;
    record.model = request.model;
    record.stream = request.stream;
    record.max_tokens = request.maxTokens;
    const choice = this.cluster.faults.pick(path, request.model, request.stream);
    record.fault = choice.fault?.kind ?? choice.slowHeaders?.kind ?? null;
    if (choice.fault?.kind === 'http_error') {
      const fault = choice.fault;
      const send = (): void => this.sendInjectedError(res, fault);
      this.httpErrorRecord(record, fault.status);
      if (choice.slowHeaders) setTimeout(send, choice.slowHeaders.delayMs).unref();
      else send();
      return;
    }
    const inst = this.flavor === 'openai' ? this.openaiInstance : this.cluster.route(request.model);
    if (!inst) {
      this.httpErrorRecord(record, 404);
      return sendExoError(res, 404, `No instance found for model ${request.model}`);
    }
    this.startSequence(node, res, record, request, bench, path, inst, choice);
  }

  private sendInjectedError(res: ServerResponse, fault: HttpErrorFault): void {
    const message = fault.message ?? `Simulated ${fault.status} (injected fault)`;
    if (fault.plainText) {
      if (res.headersSent || res.destroyed) return;
      res.writeHead(fault.status, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(fault.status === 500 ? 'Internal Server Error' : message);
      return;
    }
    if (this.flavor === 'openai') {
      return sendJson(res, fault.status, {
        error: {
          code: fault.status,
          message,
          type: fault.status >= 500 ? 'server_error' : 'invalid_request_error',
        },
      });
    }
    if (fault.status === 422) {
      return sendValidationError(res, [{ type: 'value_error', loc: ['body'], msg: message, input: null }]);
    }
    sendJson(res, fault.status, errorEnvelope(fault.status, message));
  }

  private outputTokens(request: ChatRequest, bench: boolean): number {
    const max = request.maxTokens;
    if (this.flavor === 'openai') {
      const stop = this.profile.openai.stopAfterTokens;
      return stop !== null && stop < max ? stop : max;
    }
    if (bench) return max; // EOS is banned on the bench endpoint.
    const fixed = this.profile.chatOutputTokens;
    if (fixed !== null && fixed < max) return fixed;
    const p = this.profile.chatEosProbabilityPerToken;
    if (p > 0) {
      // Geometric number of tokens before EOS.
      const sampled = Math.floor(Math.log(1 - this.rng.next()) / Math.log(1 - Math.min(p, 0.999999)));
      return Math.min(max, Math.max(1, sampled + 1));
    }
    return max;
  }

  private startSequence(
    node: SimNode,
    res: ServerResponse,
    record: GroundTruthRecord,
    request: ChatRequest,
    bench: boolean,
    path: string,
    inst: SimInstance,
    choice: RequestFaultChoice,
  ): void {
    const openai = this.flavor === 'openai';
    const commandId = this.rng.uuid4();
    record.id = commandId;
    const ctx = new ResponseContext(res, node.index, request.stream && !openai, record, node.busy);
    const fingerprint = fingerprintPrompt(request.messages, this.profile);
    record.prompt_tokens = fingerprint.tokenCount;
    const usePrefixCache = openai ? true : request.usePrefixCache;
    const openaiOptions = {
      profile: this.profile.openai,
      includeUsage: request.includeUsage,
      responseId: `chatcmpl-${commandId.replace(/-/g, '')}`,
    };
    const sink = openai
      ? request.stream
        ? new OpenAiStreamSink(this.cluster, ctx, openaiOptions)
        : new OpenAiJsonSink(this.cluster, ctx, openaiOptions)
      : request.stream
        ? new ExoStreamSink(this.cluster, ctx, { commandId, model: request.model })
        : new ExoJsonSink(this.cluster, ctx);
    const bodyFault =
      choice.fault && choice.fault.kind !== 'http_error' && choice.fault.kind !== 'keep_alive_only'
        ? choice.fault
        : null;
    const seq = new Sequence(
      commandId,
      path,
      bench,
      request.stream,
      request.model,
      request.maxTokens,
      fingerprint,
      usePrefixCache,
      this.rng.uint32() % 4096,
      record,
      sink,
      bodyFault,
      this.outputTokens(request, bench),
    );
    ctx.seq = seq;
    if (request.stream && this.profile.streamWriteCoalesceMs > 0) ctx.coalesce = this.markDirty;
    this.open.add(ctx);
    this.cluster.activeStreams = this.open.size;
    ctx.onClosed = () => {
      this.open.delete(ctx);
      this.dirty.delete(ctx);
      const clientGone = record.outcome === 'pending';
      if (clientGone) {
        record.outcome = 'client_disconnected';
        record.ended_at_ms = nowMs();
        record.prompt_tokens = seq.promptTokens;
        record.cached_tokens = seq.cachedTokens;
      }
      if (record.http_status === null) record.http_status = res.statusCode;
      this.cluster.endRequest(seq, clientGone);
    };
    if (choice.slowHeaders) {
      ctx.holdHeaders();
      setTimeout(() => ctx.release(), choice.slowHeaders.delayMs).unref();
    }
    if (request.stream) {
      ctx.head(200, openai ? { ...OPENAI_SSE_HEADERS } : { ...EXO_SSE_HEADERS });
      // EXO's first bytes are always a keep-alive comment; llama.cpp sends nothing until a token.
      if (!openai) ctx.write(': keep-alive\n\n');
    }
    const keepAliveOnly = choice.fault?.kind === 'keep_alive_only';
    this.cluster.submit(inst, seq, request.messages, !keepAliveOnly);
  }
}

/** Listens and resolves once bound (rejects on EADDRINUSE and the like). */
function listenOn(server: Server, host: string, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // A large backlog: thousands of simultaneous connects otherwise overflow it (PERFORMANCE.md).
    server.listen({ host, port, backlog: 8192 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Requests that are EXO commands: they wait for a running election. */
function isCommand(method: string, path: string): boolean {
  if (method === 'DELETE') return path.startsWith('/instance/');
  if (method !== 'POST') return false;
  return (
    path === '/place_instance' ||
    path === '/instance' ||
    path === '/v1/chat/completions' ||
    path === '/ollama/v1/chat/completions' ||
    path === '/bench/chat/completions'
  );
}

function missingQuery(name: string): DetailItem {
  return { type: 'missing', loc: ['query', name], msg: 'Field required', input: null };
}

function enumError(loc: (string | number)[], input: unknown, values: string[]): DetailItem {
  const expected = values.map((v) => `'${v}'`).join(' or ');
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
  const sa = inner.shardAssignments as Json | undefined;
  if (!sa || typeof sa !== 'object') return bad('Field required', [variant, 'shardAssignments']);
  if (typeof sa.modelId !== 'string') return bad('Field required', [variant, 'shardAssignments', 'modelId']);
  const rts = sa.runnerToShard as Json | undefined;
  const ntr = sa.nodeToRunner as Json | undefined;
  if (!rts || typeof rts !== 'object' || Object.keys(rts).length === 0) {
    return bad('Field required', [variant, 'shardAssignments', 'runnerToShard']);
  }
  if (!ntr || typeof ntr !== 'object')
    return bad('Field required', [variant, 'shardAssignments', 'nodeToRunner']);
  for (const [rid, shard] of Object.entries(rts)) {
    const s = shard as Json | null;
    const tag = s && typeof s === 'object' ? Object.keys(s)[0] : undefined;
    if (!tag || !['PipelineShardMetadata', 'TensorShardMetadata', 'CfgShardMetadata'].includes(tag)) {
      return bad('Input tag not found', [variant, 'shardAssignments', 'runnerToShard', rid]);
    }
    const meta = (s as Json)[tag] as Json;
    for (const f of ['startLayer', 'endLayer', 'deviceRank', 'worldSize', 'nLayers']) {
      if (typeof meta?.[f] !== 'number')
        return bad('Field required', [variant, 'shardAssignments', 'runnerToShard', rid, tag, f]);
    }
  }
  for (const [nid, rid] of Object.entries(ntr)) {
    if (typeof rid !== 'string' || !(rid in rts))
      return bad('runner not in runnerToShard', [variant, 'shardAssignments', 'nodeToRunner', nid]);
  }
  if (variant === 'MlxRingInstance' && typeof inner.ephemeralPort !== 'number')
    return bad('Field required', [variant, 'ephemeralPort']);
  return null;
}
