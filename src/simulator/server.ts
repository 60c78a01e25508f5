/**
 * The simulator's HTTP side: one `http.Server` per node on 127.0.0.1, all sharing one `SimCluster`.
 * Routes follow exo-api.md (flavour `exo`) or a llama.cpp-like OpenAI server (flavour `openai`).
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { SimCluster } from './cluster.js';
import type { SimInstance, SimNode } from './cluster.js';
import type { FaultSpec } from './faults.js';
import type { SimulatorProfile } from './profile.js';
import { Rng, nowMs } from './random.js';
import type { ResponseContext } from './responses.js';
import { readBody, sendExoError, sendJson, sendPlain500, sendValidationError } from './responses.js';
import { chat } from './chat-routes.js';
import { routeControl } from './control.js';
import { awaitInstance, placeInstance, placement, postInstance, previews } from './instance-routes.js';
import { parseJsonBody } from './validation.js';

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
  readonly dirty = new Set<ResponseContext>();
  readonly markDirty = (ctx: ResponseContext): void => {
    this.dirty.add(ctx);
  };
  currentFaults: FaultSpec = {};
  readonly rng: Rng;
  /** The always-ready instance of the openai flavour. */
  openaiInstance: SimInstance | null = null;

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

  host = '127.0.0.1';
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
      routeControl(this, req.method ?? 'GET', url.pathname, url, req, res).catch(() => sendPlain500(res));
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
    if (path.startsWith('/_simulator/')) return routeControl(this, method, path, url, req, res);
    if (this.flavor === 'exo' && isCommand(method, path)) {
      // Commands wait while a master election runs (exo-api.md 1.3); every running node counts them.
      const election = this.cluster.command();
      if (election) await election;
    }
    if (this.flavor === 'openai') {
      if (path === '/v1/models' && method === 'GET') return this.openAiModels(res);
      if (path === '/v1/chat/completions' && method === 'POST')
        return chat(this, node, req, res, path, arrivedAtMs);
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
    if (path === '/instance/previews') return void (allow('GET') && previews(this, url, res));
    if (path === '/instance/placement') return void (allow('GET') && placement(this, url, res));
    if (path === '/instance/await') return void (allow('GET') && awaitInstance(this, node, url, res));
    if (path === '/place_instance') return allow('POST') ? placeInstance(this, req, res) : undefined;
    if (path === '/instance') return allow('POST') ? postInstance(this, req, res) : undefined;
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
      return allow('POST') ? chat(this, node, req, res, path, arrivedAtMs) : undefined;
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

  // ------------------------------------------------------------------ state & models

  /**
   * Charges the serving node for serialising the whole state (exo-api.md 12.4): it is busy for
   * `stateCostFixedMs + stateCostMsPerMiB × MiB`, measured on the full document whatever the path,
   * and the answer leaves when that time is over. Timers, not CPU: other nodes are unaffected.
   */
  private chargeState(node: SimNode, stateText: string): number {
    const bytes = Buffer.byteLength(stateText);
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
    const text = JSON.stringify(state);
    this.later(this.chargeState(node, text), () => {
      if (res.headersSent || res.destroyed) return;
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    });
  }

  private later(ms: number, fn: () => void): void {
    if (ms <= 0) fn();
    else setTimeout(fn, ms);
  }

  private statePath(node: SimNode, segments: string[], res: ServerResponse): void {
    const keys = segments.map((s) => decodeURIComponent(s));
    const state = this.cluster.buildState('+00:00');
    const delayMs = this.chargeState(node, JSON.stringify(state));
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

  // ------------------------------------------------------------------ chat

  async jsonBody(req: IncomingMessage, res: ServerResponse): Promise<unknown> {
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
