/**
 * The lean HTTP/1.1 client of the load path (src/stream/http1.ts) against node:net and node:http
 * servers started here on 127.0.0.1: framing, reuse, timeouts, aborts and malformed responses, each
 * checked for the handler contract (onRequestStart before the write, exactly one of End / Error,
 * nothing after it).
 */
import { readFileSync } from 'node:fs';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { startRequest } from '../../src/load/request.js';
import {
  Http1Dispatcher,
  type ResponseHeaders,
  type StreamDispatchController,
  type StreamDispatchHandler,
  type StreamDispatchOptions,
} from '../../src/stream/index.js';

const TLS_DIR = join(process.cwd(), '__tests__', 'fixtures', 'tls');

// --- a recording handler ------------------------------------------------------------------------

interface Outcome {
  /** Event names in order: start, response, data, end, error. */
  events: string[];
  statusCode?: number;
  statusMessage?: string;
  headers?: ResponseHeaders;
  /** The body, copied out of each chunk during its call. */
  body: Buffer;
  dataCalls: number;
  error?: Error & { code?: string };
}

/** Records a request's events and checks the contract as they come. */
class Recorder implements StreamDispatchHandler {
  readonly outcome: Outcome = { events: [], body: Buffer.alloc(0), dataCalls: 0 };
  readonly done: Promise<Outcome>;
  controller: StreamDispatchController | undefined;
  private resolve!: (outcome: Outcome) => void;
  private readonly chunks: Buffer[] = [];
  private ended = false;

  constructor(
    private readonly hooks: {
      onStart?: (controller: StreamDispatchController) => void;
      onData?: (controller: StreamDispatchController, chunk: Buffer) => void;
      onResponse?: (controller: StreamDispatchController) => void;
    } = {},
  ) {
    this.done = new Promise((resolve) => (this.resolve = resolve));
  }

  private event(name: string): void {
    // Nothing may follow the end or the error.
    if (this.ended) throw new Error(`${name} after the request ended (${this.outcome.events.join(', ')})`);
    this.outcome.events.push(name);
  }

  onRequestStart(controller: StreamDispatchController): void {
    this.event('start');
    this.controller = controller;
    this.hooks.onStart?.(controller);
  }

  onResponseStart(
    controller: StreamDispatchController,
    statusCode: number,
    headers: ResponseHeaders,
    statusMessage?: string,
  ): void {
    this.event('response');
    this.outcome.statusCode = statusCode;
    this.outcome.headers = headers;
    if (statusMessage !== undefined) this.outcome.statusMessage = statusMessage;
    this.hooks.onResponse?.(controller);
  }

  onResponseData(controller: StreamDispatchController, chunk: Buffer): void {
    // Consecutive reads are one 'data' entry; any read after the end throws.
    if (this.ended || this.outcome.events.at(-1) !== 'data') this.event('data');
    this.outcome.dataCalls++;
    this.chunks.push(Buffer.from(chunk));
    this.hooks.onData?.(controller, chunk);
  }

  onResponseEnd(): void {
    this.event('end');
    this.finish();
  }

  onResponseError(_controller: StreamDispatchController, error: Error): void {
    this.event('error');
    this.outcome.error = error;
    this.finish();
  }

  private finish(): void {
    this.ended = true;
    this.outcome.body = Buffer.concat(this.chunks);
    // Let a late (forbidden) event surface before the test looks.
    setTimeout(() => this.resolve(this.outcome), 20);
  }
}

function options(origin: string, extra: Partial<StreamDispatchOptions> = {}): StreamDispatchOptions {
  return {
    origin,
    path: '/v1/chat/completions',
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"stream":true}',
    headersTimeout: 10_000,
    bodyTimeout: 10_000,
    ...extra,
  };
}

async function send(
  dispatcher: Http1Dispatcher,
  origin: string,
  extra: Partial<StreamDispatchOptions> = {},
  recorder = new Recorder(),
): Promise<Outcome> {
  dispatcher.dispatch(options(origin, extra), recorder);
  return recorder.done;
}

/** Waits (bounded) until `condition` holds. */
async function until(condition: () => boolean, what: string, limitMs = 10_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// --- servers ------------------------------------------------------------------------------------

interface RawServer {
  origin: string;
  /** Connections accepted so far. */
  connections: Socket[];
  /** Bytes received per connection, in accept order. */
  received: string[];
  /** Connections that have closed. */
  closed: number;
  stop(): Promise<void>;
}

/**
 * A node:net server: `onRequest` runs once per complete request head + body seen on a connection
 * (found by its content-length), with the connection and the request's index on it.
 */
async function rawServer(
  onRequest: (socket: Socket, index: number, text: string) => void,
): Promise<RawServer> {
  const state: RawServer = { origin: '', connections: [], received: [], closed: 0, stop: async () => {} };
  const server = createNetServer((socket) => {
    const slot = state.connections.push(socket) - 1;
    state.received[slot] = '';
    socket.setNoDelay(true);
    let pending = '';
    let index = 0;
    socket.on('data', (chunk) => {
      state.received[slot] += chunk.toString('latin1');
      pending += chunk.toString('latin1');
      for (;;) {
        const headEnd = pending.indexOf('\r\n\r\n');
        if (headEnd < 0) return;
        const length = Number(/content-length: (\d+)/i.exec(pending.slice(0, headEnd))?.[1] ?? 0);
        if (pending.length < headEnd + 4 + length) return;
        const text = pending.slice(0, headEnd + 4 + length);
        pending = pending.slice(text.length);
        onRequest(socket, index++, text);
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => state.closed++);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.stop = async () => {
    for (const socket of state.connections) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return state;
}

/** Writes `parts` one after another, `gapMs` apart (so that each is very likely its own read). */
async function writeParts(socket: Socket, parts: (string | Buffer)[], gapMs = 2): Promise<void> {
  for (const [index, part] of parts.entries()) {
    if (index > 0) await sleep(gapMs);
    if (socket.destroyed) return;
    socket.write(part);
  }
}

interface HttpServer {
  origin: string;
  server: Server;
  /** The remote port of the connection of each request, in order. */
  ports: number[];
  stop(): Promise<void>;
}

async function httpServer(
  handler: (req: IncomingMessage, res: ServerResponse, body: Buffer) => void,
): Promise<HttpServer> {
  const ports: number[] = [];
  const sockets = new Set<Socket>();
  const server = createHttpServer((req, res) => {
    ports.push(req.socket.remotePort ?? 0);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handler(req, res, Buffer.concat(chunks)));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    server,
    ports,
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

/** A dispatcher destroyed after the test. */
function dispatcherForTest(options?: ConstructorParameters<typeof Http1Dispatcher>[0]): Http1Dispatcher {
  const dispatcher = new Http1Dispatcher(options);
  stops.push(() => dispatcher.destroy());
  return dispatcher;
}

async function rawServerForTest(onRequest: Parameters<typeof rawServer>[0]): Promise<RawServer> {
  const server = await rawServer(onRequest);
  stops.push(() => server.stop());
  return server;
}

async function httpServerForTest(handler: Parameters<typeof httpServer>[0]): Promise<HttpServer> {
  const server = await httpServer(handler);
  stops.push(() => server.stop());
  return server;
}

// --- framing ------------------------------------------------------------------------------------

const CHUNKED_BODY_TEXT = 'hello' + 'abcdefghijklmnopqrstuvwxyz' + 'data: {"x":1}\n\n';
const CHUNKED_RESPONSE =
  'HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nTransfer-Encoding: chunked\r\nX-Twice: a\r\nx-twice: b\r\n\r\n' +
  '5;name=value\r\nhello\r\n' +
  '1A\r\nabcdefghijklmnopqrstuvwxyz\r\n' +
  'f \r\ndata: {"x":1}\n\n\r\n' +
  '0\r\nx-trailer: t\r\n\r\n';

describe('response framing', () => {
  it('chunked: the de-chunked body, lower-case headers, repeated names as arrays', async () => {
    const server = await rawServerForTest((socket) => socket.write(CHUNKED_RESPONSE));
    const dispatcher = dispatcherForTest();
    const outcome = await send(dispatcher, server.origin);
    expect(outcome.events).toEqual(['start', 'response', 'data', 'end']);
    expect(outcome.statusCode).toBe(200);
    expect(outcome.statusMessage).toBe('OK');
    expect(outcome.headers?.['content-type']).toBe('text/event-stream');
    expect(outcome.headers?.['x-twice']).toEqual(['a', 'b']);
    expect(outcome.body.toString()).toBe(CHUNKED_BODY_TEXT);
  });

  it('chunked: split in two at every byte position, on one keep-alive socket', async () => {
    const bytes = Buffer.from(CHUNKED_RESPONSE, 'latin1');
    const server = await rawServerForTest((socket, index) => {
      const cut = index + 1;
      void writeParts(socket, [bytes.subarray(0, cut), bytes.subarray(cut)]);
    });
    const dispatcher = dispatcherForTest();
    for (let cut = 1; cut < bytes.length; cut++) {
      const outcome = await send(dispatcher, server.origin);
      expect({ cut, events: outcome.events, body: outcome.body.toString() }).toEqual({
        cut,
        events: ['start', 'response', 'data', 'end'],
        body: CHUNKED_BODY_TEXT,
      });
    }
    // Every response allowed reuse: one connection carried them all.
    expect(server.connections).toHaveLength(1);
  });

  it('chunked: one byte per write (head, sizes, extensions, data and trailers all split)', async () => {
    const bytes = Buffer.from(CHUNKED_RESPONSE, 'latin1');
    const server = await rawServerForTest((socket) => {
      void writeParts(
        socket,
        [...bytes].map((byte) => Buffer.of(byte)),
        1,
      );
    });
    const outcome = await send(dispatcherForTest(), server.origin);
    expect(outcome.events).toEqual(['start', 'response', 'data', 'end']);
    expect(outcome.headers?.['x-twice']).toEqual(['a', 'b']);
    expect(outcome.body.toString()).toBe(CHUNKED_BODY_TEXT);
  });

  it('chunked: many chunks in one read arrive in order', async () => {
    const events = Array.from({ length: 200 }, (_, index) => `data: ${index}\n\n`);
    const server = await rawServerForTest((socket) => {
      socket.write(
        'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n' +
          events.map((event) => `${Buffer.byteLength(event).toString(16)}\r\n${event}\r\n`).join('') +
          '0\r\n\r\n',
      );
    });
    const outcome = await send(dispatcherForTest(), server.origin);
    expect(outcome.events.at(-1)).toBe('end');
    expect(outcome.body.toString()).toBe(events.join(''));
    expect(outcome.dataCalls).toBeGreaterThanOrEqual(200);
  });

  it('content-length: exactly that many bytes, split across reads', async () => {
    const body = 'x'.repeat(3000) + 'é✓';
    const server = await rawServerForTest((socket) => {
      const bytes = Buffer.from(
        `HTTP/1.1 200 OK\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
      void writeParts(socket, [bytes.subarray(0, 40), bytes.subarray(40, 1500), bytes.subarray(1500)]);
    });
    const outcome = await send(dispatcherForTest(), server.origin);
    expect(outcome.events).toEqual(['start', 'response', 'data', 'end']);
    expect(outcome.body.toString()).toBe(body);
  });

  it('close-delimited: the body ends normally when the server closes', async () => {
    const server = await rawServerForTest((socket) => {
      void writeParts(socket, [
        'HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\n',
        'first ',
        'second',
      ]).then(() => socket.end());
    });
    const dispatcher = dispatcherForTest();
    const outcome = await send(dispatcher, server.origin);
    expect(outcome.events).toEqual(['start', 'response', 'data', 'end']);
    expect(outcome.error).toBeUndefined();
    expect(outcome.body.toString()).toBe('first second');
    await until(() => dispatcher.connectionCount === 0, 'the socket to close');
  });

  it('a head split across reads, with a long header', async () => {
    const long = 'v'.repeat(5000);
    const head = `HTTP/1.1 201 Created\r\nx-long: ${long}\r\ncontent-length: 2\r\n\r\nok`;
    const server = await rawServerForTest((socket) => {
      void writeParts(socket, [
        head.slice(0, 10),
        head.slice(10, 3000),
        head.slice(3000, head.length - 3),
        head.slice(-3),
      ]);
    });
    const outcome = await send(dispatcherForTest(), server.origin);
    expect(outcome.statusCode).toBe(201);
    expect(outcome.statusMessage).toBe('Created');
    expect(outcome.headers?.['x-long']).toBe(long);
    expect(outcome.body.toString()).toBe('ok');
  });

  it('1xx responses are skipped: one response start, for the final status', async () => {
    const server = await rawServerForTest((socket) => {
      void writeParts(socket, [
        'HTTP/1.1 100 Continue\r\n\r\n',
        'HTTP/1.1 103 Early Hints\r\nlink: </style.css>\r\n\r\nHTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok',
      ]);
    });
    const outcome = await send(dispatcherForTest(), server.origin);
    expect(outcome.events).toEqual(['start', 'response', 'data', 'end']);
    expect(outcome.statusCode).toBe(200);
    expect(outcome.headers?.link).toBeUndefined();
    expect(outcome.body.toString()).toBe('ok');
  });

  it('a 204 ends at its head', async () => {
    const server = await rawServerForTest((socket) => socket.write('HTTP/1.1 204 No Content\r\n\r\n'));
    const outcome = await send(dispatcherForTest(), server.origin);
    expect(outcome.events).toEqual(['start', 'response', 'end']);
    expect(outcome.statusCode).toBe(204);
  });

  it('non-2xx responses are responses: status and body reach the handler', async () => {
    const server = await httpServerForTest((_req, res) => {
      res.writeHead(503, { 'content-type': 'text/plain' });
      res.end('overloaded');
    });
    const outcome = await send(dispatcherForTest(), server.origin);
    expect(outcome.events).toEqual(['start', 'response', 'data', 'end']);
    expect(outcome.statusCode).toBe(503);
    expect(outcome.body.toString()).toBe('overloaded');
  });
});

// --- the request on the wire ---------------------------------------------------------------------

describe('the request', () => {
  it('is written once, with host and content-length in bytes; latin1 header values and a UTF-8 body arrive intact', async () => {
    let seen: { headers: IncomingMessage['headers']; body: string; method: string; url: string } | undefined;
    const server = await httpServerForTest((req, res, body) => {
      seen = {
        headers: req.headers,
        body: body.toString('utf8'),
        method: req.method ?? '',
        url: req.url ?? '',
      };
      res.end('ok');
    });
    const body = '{"text":"héllo ✓ 😀"}';
    const outcome = await send(dispatcherForTest(), server.origin, {
      path: '/v1/chat/completions?x=1',
      headers: { 'content-type': 'application/json', 'x-name': 'café' },
      body,
    });
    expect(outcome.events.at(-1)).toBe('end');
    expect(seen?.method).toBe('POST');
    expect(seen?.url).toBe('/v1/chat/completions?x=1');
    expect(seen?.headers.host).toBe(new URL(server.origin).host);
    expect(seen?.headers['content-length']).toBe(String(Buffer.byteLength(body)));
    expect(seen?.headers['x-name']).toBe('café');
    expect(seen?.body).toBe(body);
  });

  it('onRequestStart comes on a connected socket, before any byte is written', async () => {
    const server = await rawServerForTest((socket) =>
      socket.write('HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n'),
    );
    let receivedAtStart: number | undefined;
    const recorder = new Recorder({
      onStart: () => {
        receivedAtStart = server.received.join('').length;
      },
    });
    const outcome = await send(dispatcherForTest(), server.origin, {}, recorder);
    expect(outcome.events).toEqual(['start', 'response', 'end']);
    expect(receivedAtStart).toBe(0);
    expect(server.received[0]).toMatch(/^POST \/v1\/chat\/completions HTTP\/1\.1\r\n/);
  });

  it('an invalid header value is reported, without the value, and nothing is sent', async () => {
    const server = await rawServerForTest(() => undefined);
    const dispatcher = dispatcherForTest();
    const outcome = await send(dispatcher, server.origin, {
      headers: { authorization: 'Bearer secret-token\r\nx-injected: 1' },
    });
    expect(outcome.events).toEqual(['error']);
    expect(outcome.error?.code).toBe('UND_ERR_INVALID_ARG');
    expect(outcome.error?.message).not.toContain('secret-token');
    expect(server.connections).toHaveLength(0);
  });

  it('origins it cannot connect to are reported to the handler, not thrown', async () => {
    const dispatcher = dispatcherForTest();
    const ftp = await send(dispatcher, 'ftp://127.0.0.1:21');
    expect(ftp.events).toEqual(['error']);
    expect(ftp.error?.message).toBe('unsupported protocol ftp:');
    const garbage = await send(dispatcher, 'not a url');
    expect(garbage.events).toEqual(['error']);
    expect(garbage.error?.code).toBe('UND_ERR_INVALID_ARG');
    // tls.connect throws at once on a client certificate that is not PEM.
    const badCertificate = await send(
      dispatcherForTest({ tls: { cert: 'not PEM', key: 'not PEM' } }),
      'https://127.0.0.1:1',
    );
    expect(badCertificate.events).toEqual(['error']);
    expect(badCertificate.error?.code).toMatch(/^ERR_OSSL_/);
    expect(dispatcher.connectionCount).toBe(0);
  });

  it('headers the dispatcher owns are refused', async () => {
    const outcome = await send(dispatcherForTest(), 'http://127.0.0.1:1', {
      headers: { 'Transfer-Encoding': 'chunked' },
    });
    expect(outcome.events).toEqual(['error']);
    expect(outcome.error?.message).toBe('header Transfer-Encoding is set by the dispatcher');
  });
});

// --- pooling ------------------------------------------------------------------------------------

describe('keep-alive pooling', () => {
  it('sequential requests reuse one socket', async () => {
    const server = await httpServerForTest((_req, res) => res.end('ok'));
    const dispatcher = dispatcherForTest();
    for (let index = 0; index < 5; index++) {
      const outcome = await send(dispatcher, server.origin);
      expect(outcome.events.at(-1)).toBe('end');
    }
    expect(new Set(server.ports).size).toBe(1);
    expect(dispatcher.idleCount).toBe(1);
  });

  it('concurrent requests each get a socket (no cap), and all go back to the pool', async () => {
    const server = await httpServerForTest((_req, res) => setTimeout(() => res.end('ok'), 50));
    const dispatcher = dispatcherForTest();
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => send(dispatcher, server.origin)));
    expect(outcomes.every((outcome) => outcome.events.at(-1) === 'end')).toBe(true);
    expect(new Set(server.ports).size).toBe(20);
    expect(dispatcher.idleCount).toBe(20);
  });

  it('a response with connection: close is not reused', async () => {
    const server = await httpServerForTest((_req, res) => {
      res.setHeader('connection', 'close');
      res.end('ok');
    });
    const dispatcher = dispatcherForTest();
    await send(dispatcher, server.origin);
    await send(dispatcher, server.origin);
    expect(server.ports).toHaveLength(2);
    expect(new Set(server.ports).size).toBe(2);
    expect(dispatcher.idleCount).toBe(0);
  });

  it("a server's keep-alive: timeout=1 leaves no idle time to reuse in (N − 1 s)", async () => {
    const server = await httpServerForTest((_req, res) => res.end('ok'));
    server.server.keepAliveTimeout = 1_000;
    const dispatcher = dispatcherForTest();
    const first = await send(dispatcher, server.origin);
    expect(first.headers?.['keep-alive']).toBe('timeout=1');
    await send(dispatcher, server.origin);
    expect(new Set(server.ports).size).toBe(2);
  });

  it('a socket idle past the idle limit (no keep-alive hint) is closed, not reused', async () => {
    const server = await rawServerForTest((socket) =>
      socket.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok'),
    );
    const dispatcher = dispatcherForTest({ keepAliveTimeoutMs: 100 });
    await send(dispatcher, server.origin);
    expect(dispatcher.idleCount).toBe(1);
    // The one sweep timer closes it, without any request to notice.
    await until(() => dispatcher.connectionCount === 0, 'the idle socket to be closed');
    await until(() => server.closed === 1, 'the server to see the close');
    await send(dispatcher, server.origin);
    expect(server.connections).toHaveLength(2);
  });

  it('an idle socket past its limit is never reused, even before the sweep runs', async () => {
    const server = await rawServerForTest((socket) =>
      socket.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok'),
    );
    const dispatcher = dispatcherForTest({ keepAliveTimeoutMs: 50 });
    await send(dispatcher, server.origin);
    // Block the event loop past the limit: the sweep cannot have run when the next dispatch pops.
    const blockUntil = Date.now() + 80;
    while (Date.now() < blockUntil);
    const second = await send(dispatcher, server.origin);
    expect(second.events.at(-1)).toBe('end');
    expect(server.connections).toHaveLength(2);
  });

  it('a server closing an idle socket: the pool drops it and the next request connects anew', async () => {
    const server = await rawServerForTest((socket) => {
      socket.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok');
      // Idle close, after the response.
      setTimeout(() => socket.end(), 20);
    });
    const dispatcher = dispatcherForTest();
    const first = await send(dispatcher, server.origin);
    expect(first.events.at(-1)).toBe('end');
    await until(() => dispatcher.connectionCount === 0, 'the client to see the close');
    expect(dispatcher.idleCount).toBe(0);
    const second = await send(dispatcher, server.origin);
    expect(second.events).toEqual(['start', 'response', 'data', 'end']);
    expect(server.connections).toHaveLength(2);
  });

  it('a reused socket reset before any response byte is an error, not retried', async () => {
    const server = await rawServerForTest((socket, index) => {
      if (index === 0) socket.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok');
      else socket.destroy();
    });
    const dispatcher = dispatcherForTest();
    await send(dispatcher, server.origin);
    const second = await send(dispatcher, server.origin);
    expect(second.events).toEqual(['start', 'error']);
    expect(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE']).toContain(second.error?.code);
    // No retry: the server saw one connection and two requests on it.
    expect(server.connections).toHaveLength(1);
  });

  it('bytes after a complete response: the socket is not reused', async () => {
    const server = await rawServerForTest((socket) =>
      socket.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nokEXTRA'),
    );
    const dispatcher = dispatcherForTest();
    const first = await send(dispatcher, server.origin);
    expect(first.body.toString()).toBe('ok');
    expect(first.events.at(-1)).toBe('end');
    await send(dispatcher, server.origin);
    expect(server.connections).toHaveLength(2);
  });
});

// --- timeouts and aborts ------------------------------------------------------------------------

describe('timeouts', () => {
  it('no head within headersTimeout: UND_ERR_HEADERS_TIMEOUT, and the socket is closed', async () => {
    const server = await rawServerForTest(() => undefined);
    const started = Date.now();
    const outcome = await send(dispatcherForTest(), server.origin, { headersTimeout: 200 });
    expect(outcome.events).toEqual(['start', 'error']);
    expect(outcome.error?.code).toBe('UND_ERR_HEADERS_TIMEOUT');
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    await until(() => server.closed === 1, 'the server to see the close');
  });

  it('a body silent for bodyTimeout: UND_ERR_BODY_TIMEOUT', async () => {
    const server = await rawServerForTest((socket) =>
      socket.write('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n'),
    );
    const started = Date.now();
    const outcome = await send(dispatcherForTest(), server.origin, { bodyTimeout: 300 });
    expect(outcome.events).toEqual(['start', 'response', 'data', 'error']);
    expect(outcome.error?.code).toBe('UND_ERR_BODY_TIMEOUT');
    expect(outcome.body.toString()).toBe('hello');
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    await until(() => server.closed === 1, 'the server to see the close');
  });

  it('a body that keeps coming outlives bodyTimeout: the idle timer follows the reads', async () => {
    const parts = Array.from(
      { length: 30 },
      (_, index) => `2\r\n${String(index % 100).padStart(2, '0')}\r\n`,
    );
    const server = await rawServerForTest((socket) => {
      void writeParts(
        socket,
        ['HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n', ...parts, '0\r\n\r\n'],
        50,
      );
    });
    // 31 gaps of 50 ms ≈ 1.5 s of body against a 1 s idle allowance.
    const outcome = await send(dispatcherForTest(), server.origin, { bodyTimeout: 1_000 });
    expect(outcome.error).toBeUndefined();
    expect(outcome.events.at(-1)).toBe('end');
    expect(outcome.body.length).toBe(60);
  });

  it('connect timeout (the TLS handshake counts): UND_ERR_CONNECT_TIMEOUT', async () => {
    // A TCP server that never answers the TLS ClientHello: the connection is never up.
    const server = await rawServerForTest(() => undefined);
    const dispatcher = dispatcherForTest({ connectTimeoutMs: 200 });
    const outcome = await send(dispatcher, server.origin.replace('http:', 'https:'));
    expect(outcome.events).toEqual(['error']);
    expect(outcome.error?.code).toBe('UND_ERR_CONNECT_TIMEOUT');
    await until(() => server.closed === 1, 'the server to see the close');
  });
});

describe('aborts', () => {
  it('before connect (in onRequestStart, as a cancelled request does): nothing is written', async () => {
    const server = await rawServerForTest(() => undefined);
    const reason = new Error('cancelled');
    const recorder = new Recorder({ onStart: (controller) => controller.abort(reason) });
    const outcome = await send(dispatcherForTest(), server.origin, {}, recorder);
    expect(outcome.events).toEqual(['start', 'error']);
    expect(outcome.error).toBe(reason);
    await until(() => server.closed === 1, 'the server to see the close');
    expect(server.received[0]).toBe('');
  });

  it('a request cancelled before its connection is up ends as cancelled, having sent nothing', async () => {
    const server = await rawServerForTest(() => undefined);
    const dispatcher = dispatcherForTest();
    const request = startRequest(
      { origin: server.origin, path: '/v1/chat/completions', body: '{}', headers: {} },
      { stage: 's', index: 0, warmup: false, scheduledAtMs: 0 },
      { dispatcher, requestTimeoutMs: 5_000, idleTimeoutMs: 5_000 },
    );
    request.cancel('stopped');
    const record = await request.done;
    expect(record.error_class).toBe('cancelled');
    await until(() => dispatcher.connectionCount === 0, 'the socket to close');
    expect(server.received.join('')).toBe('');
  });

  it('mid-head: exactly one error, the socket destroyed', async () => {
    const server = await rawServerForTest((socket) => socket.write('HTTP/1.1 200 OK\r\ncontent-'));
    const recorder = new Recorder();
    const reason = new Error('stop');
    const dispatcher = dispatcherForTest();
    dispatcher.dispatch(options(server.origin), recorder);
    await until(() => (server.received[0] ?? '').length > 0, 'the request');
    await sleep(30);
    recorder.controller?.abort(reason);
    recorder.controller?.abort(new Error('again'));
    const outcome = await recorder.done;
    expect(outcome.events).toEqual(['start', 'error']);
    expect(outcome.error).toBe(reason);
    await until(() => server.closed === 1, 'the server to see the close');
  });

  it('mid-body, from inside onResponseData: exactly one error, no data after it', async () => {
    const server = await rawServerForTest((socket) => {
      void writeParts(socket, [
        'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nfirst\r\n6\r\nsecond\r\n',
        '5\r\nthird\r\n0\r\n\r\n',
      ]);
    });
    const reason = new Error('enough');
    const recorder = new Recorder({ onData: (controller) => controller.abort(reason) });
    const outcome = await send(dispatcherForTest(), server.origin, {}, recorder);
    expect(outcome.events).toEqual(['start', 'response', 'data', 'error']);
    expect(outcome.dataCalls).toBe(1);
    expect(outcome.body.toString()).toBe('first');
    expect(outcome.error).toBe(reason);
    await until(() => server.closed === 1, 'the server to see the close');
  });

  it('in onResponseStart: no data, one error', async () => {
    const server = await rawServerForTest((socket) =>
      socket.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok'),
    );
    const reason = new Error('not this one');
    const recorder = new Recorder({ onResponse: (controller) => controller.abort(reason) });
    const outcome = await send(dispatcherForTest(), server.origin, {}, recorder);
    expect(outcome.events).toEqual(['start', 'response', 'error']);
    expect(outcome.error).toBe(reason);
  });

  it('destroy() ends requests in flight with UND_ERR_DESTROYED; close() waits for none then', async () => {
    const server = await rawServerForTest(() => undefined);
    const dispatcher = new Http1Dispatcher();
    const recorder = new Recorder();
    dispatcher.dispatch(options(server.origin), recorder);
    await until(() => (server.received[0] ?? '').length > 0, 'the request');
    await dispatcher.destroy();
    const outcome = await recorder.done;
    expect(outcome.events).toEqual(['start', 'error']);
    expect(outcome.error?.code).toBe('UND_ERR_DESTROYED');
    expect(dispatcher.connectionCount).toBe(0);
    const late = await send(dispatcher, server.origin);
    expect(late.error?.code).toBe('UND_ERR_CLOSED');
  });

  it('close() closes idle sockets and resolves once they are closed', async () => {
    const server = await httpServerForTest((_req, res) => res.end('ok'));
    const dispatcher = new Http1Dispatcher();
    await send(dispatcher, server.origin);
    expect(dispatcher.idleCount).toBe(1);
    await dispatcher.close();
    expect(dispatcher.connectionCount).toBe(0);
  });
});

// --- errors -------------------------------------------------------------------------------------

describe('errors', () => {
  it('connection refused keeps net’s code', async () => {
    const server = await rawServerForTest(() => undefined);
    const origin = server.origin;
    await server.stop();
    const outcome = await send(dispatcherForTest(), origin);
    expect(outcome.events).toEqual(['error']);
    expect(outcome.error?.code).toBe('ECONNREFUSED');
  });

  it('a server closing mid-response: UND_ERR_SOCKET, other side closed', async () => {
    const server = await rawServerForTest((socket) => {
      void writeParts(socket, ['HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\npartial']).then(() =>
        socket.end(),
      );
    });
    const outcome = await send(dispatcherForTest(), server.origin);
    expect(outcome.events).toEqual(['start', 'response', 'data', 'error']);
    expect(outcome.error?.code).toBe('UND_ERR_SOCKET');
    expect(outcome.error?.message).toBe('other side closed');
  });

  it('a malformed status line', async () => {
    const server = await rawServerForTest((socket) => socket.write('HTTX/1.1 200 OK\r\n\r\n'));
    const outcome = await send(dispatcherForTest(), server.origin);
    expect(outcome.events).toEqual(['start', 'error']);
    expect(outcome.error?.message).toBe('invalid HTTP response: status line "HTTX/1.1 200 OK"');
  });

  it('a malformed header line and a malformed chunk size', async () => {
    const badHeader = await rawServerForTest((socket) =>
      socket.write('HTTP/1.1 200 OK\r\nno colon here\r\n\r\n'),
    );
    const first = await send(dispatcherForTest(), badHeader.origin);
    expect(first.error?.message).toBe('invalid HTTP response: header line "no colon here"');
    const badChunk = await rawServerForTest((socket) =>
      socket.write('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n'),
    );
    const second = await send(dispatcherForTest(), badChunk.origin);
    expect(second.events).toEqual(['start', 'response', 'error']);
    expect(second.error?.message).toMatch(/^invalid HTTP response: chunk size line/);
  });

  it('oversized headers, in one read and across reads', async () => {
    const server = await rawServerForTest((socket) => {
      void writeParts(socket, ['HTTP/1.1 200 OK\r\n', `x-big: ${'b'.repeat(70 * 1024)}\r\n`, '\r\n']);
    });
    const outcome = await send(dispatcherForTest(), server.origin);
    expect(outcome.events).toEqual(['start', 'error']);
    expect(outcome.error?.message).toBe('invalid HTTP response: headers longer than 65536 bytes');
    const small = await send(dispatcherForTest({ maxHeaderBytes: 100 }), server.origin);
    expect(small.error?.message).toBe('invalid HTTP response: headers longer than 100 bytes');
  });

  it('an error body read over several reads is kept whole by the request (chunks are copied)', async () => {
    const server = await rawServerForTest((socket) => {
      void writeParts(
        socket,
        ['HTTP/1.1 500 Internal Server Error\r\ncontent-length: 15\r\n\r\n', 'AAAAA', 'BBBBB', 'CCCCC'],
        20,
      );
    });
    const dispatcher = dispatcherForTest();
    const request = startRequest(
      { origin: server.origin, path: '/v1/chat/completions', body: '{}', headers: {} },
      { stage: 's', index: 0, warmup: false, scheduledAtMs: 0 },
      { dispatcher, requestTimeoutMs: 5_000, idleTimeoutMs: 5_000 },
    );
    const record = await request.done;
    expect(record.error_class).toBe('http_status');
    expect(record.error_message).toBe('HTTP 500: AAAAABBBBBCCCCC');
  });
});

// --- TLS ----------------------------------------------------------------------------------------

describe('https', () => {
  const cert = readFileSync(join(TLS_DIR, 'cert.pem'));
  const key = readFileSync(join(TLS_DIR, 'key.pem'));

  async function httpsServer(): Promise<{ origin: string; ports: number[] }> {
    const ports: number[] = [];
    const sockets = new Set<Socket>();
    const server = createHttpsServer({ cert, key }, (req, res) => {
      ports.push(req.socket.remotePort ?? 0);
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('data: one\n\n');
        setTimeout(() => res.end('data: [DONE]\n\n'), 5);
      });
    });
    server.on('secureConnection', (socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    stops.push(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });
    return { origin: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, ports };
  }

  it('with the certificate as ca: the stream, over one reused TLS socket', async () => {
    const server = await httpsServer();
    const dispatcher = dispatcherForTest({ tls: { ca: cert } });
    for (let index = 0; index < 2; index++) {
      const outcome = await send(dispatcher, server.origin);
      expect(outcome.events).toEqual(['start', 'response', 'data', 'end']);
      expect(outcome.body.toString()).toBe('data: one\n\ndata: [DONE]\n\n');
    }
    expect(new Set(server.ports).size).toBe(1);
  });

  it('without it: the default trust store refuses the self-signed certificate', async () => {
    const server = await httpsServer();
    const outcome = await send(dispatcherForTest(), server.origin);
    expect(outcome.events).toEqual(['error']);
    expect(outcome.error?.code).toMatch(/CERT|SELF_SIGNED/);
  });
});
