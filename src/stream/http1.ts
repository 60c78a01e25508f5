/**
 * A lean HTTP/1.1 client for the load's hot path: the streamed requests of a stage.
 *
 * It implements the part of undici's dispatcher contract that a streamed request uses
 * ({@link StreamDispatcher}), so `src/load/request.ts` runs over it or over undici's `Agent` alike, and
 * does less per read than undici's general-purpose body path (llhttp in WebAssembly, then a stream
 * push and an event per read): a plain TCP socket reads into one shared buffer (net's `onread`) and the
 * body bytes are handed to the handler as views of it; status line, headers and chunked framing are
 * parsed by hand, incrementally across reads. Idle keep-alive sockets wait in a stack per origin, so a
 * dispatch pops one or connects (no scan of busy connections), and a normal close, by either side,
 * builds no `Error`.
 *
 * Only what a load request needs: a request with a string body, a response read to its end.
 * No pipelining, no redirects, no request bodies but strings, no `Expect`, no upgrades; HEAD is not
 * supported (a response to it would be read as having a body).
 */
import { Buffer } from 'node:buffer';
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { connect as tlsConnect, type SecureContextOptions } from 'node:tls';

// --- the contract --------------------------------------------------------------------------------

/** Response headers: lower-case names; a name that came more than once has an array of its values. */
export type ResponseHeaders = Record<string, string | string[] | undefined>;

/** What {@link StreamDispatcher.dispatch} is asked to send (a subset of undici's `DispatchOptions`). */
export interface StreamDispatchOptions {
  /** `http://host[:port]` or `https://host[:port]`; path and query go in `path`. */
  origin: string;
  path: string;
  method: string;
  headers: Record<string, string>;
  body: string;
  /** Longest wait for the response head after the request is written, ms; 0 or absent: none. */
  headersTimeout?: number;
  /** Longest silence within the body (after the head), ms; 0 or absent: none. */
  bodyTimeout?: number;
}

/** Lets a handler stop its request. Satisfied by undici's `DispatchController`. */
export interface StreamDispatchController {
  /** Ends the request: its connection is destroyed and `reason` is reported to `onResponseError`. */
  abort(reason: Error): void;
}

/**
 * Receives one request's events, in this order: `onRequestStart` once the request is about to be
 * written on a connected socket, `onResponseStart` with the final (non-1xx) response head,
 * `onResponseData` per body read (framing removed), then exactly one of `onResponseEnd` and
 * `onResponseError`. A connect failure reports `onResponseError` without `onRequestStart`.
 * Satisfied by undici's `DispatchHandler` users that implement these methods.
 */
export interface StreamDispatchHandler {
  onRequestStart(controller: StreamDispatchController, context: object): void;
  onResponseStart(
    controller: StreamDispatchController,
    statusCode: number,
    headers: ResponseHeaders,
    statusMessage?: string,
  ): void;
  /**
   * One read's worth of body bytes. With {@link Http1Dispatcher} the chunk is a view of a buffer that
   * the next read overwrites: valid only during the call (copy what must outlive it).
   */
  onResponseData(controller: StreamDispatchController, chunk: Buffer): void;
  onResponseEnd(controller: StreamDispatchController, trailers: ResponseHeaders): void;
  onResponseError(controller: StreamDispatchController, error: Error): void;
}

/** Sends requests: undici's `Agent` and {@link Http1Dispatcher} both fit. */
export interface StreamDispatcher {
  /** Starts a request; every outcome, invalid options included, reaches the handler. */
  dispatch(options: StreamDispatchOptions, handler: StreamDispatchHandler): boolean;
}

// --- options -------------------------------------------------------------------------------------

/** Options of {@link Http1Dispatcher}. */
export interface Http1DispatcherOptions {
  /** Longest wait for a TCP (and TLS) connection, ms. Default 30,000. */
  connectTimeoutMs?: number;
  /**
   * Longest an idle keep-alive socket is reused after, ms, when the server gives no
   * `keep-alive: timeout=N` (with one: N − 1 s, at most `keepAliveMaxTimeoutMs`). Default 4,000, as
   * undici's default.
   */
  keepAliveTimeoutMs?: number;
  /** Cap on the idle time a server's `keep-alive: timeout=N` may ask for, ms. Default 600,000. */
  keepAliveMaxTimeoutMs?: number;
  /** Longest response head (status line and headers) accepted, bytes. Default 64 KiB. */
  maxHeaderBytes?: number;
  /**
   * TLS options for `https:` origins, e.g. `ca` for a server with a private certificate authority.
   * Without it Node's default trust store applies (and `NODE_EXTRA_CA_CERTS`).
   */
  tls?: Pick<SecureContextOptions, 'ca' | 'cert' | 'key'>;
}

/** Default of {@link Http1DispatcherOptions.maxHeaderBytes}. */
export const DEFAULT_MAX_HEADER_BYTES = 64 * 1024;
const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;
const DEFAULT_KEEP_ALIVE_TIMEOUT_MS = 4_000;
const DEFAULT_KEEP_ALIVE_MAX_TIMEOUT_MS = 600_000;
/** A chunk-size line (size, extensions, CRLF) longer than this is malformed. */
const MAX_CHUNK_SIZE_LINE_BYTES = 4096;
/** Thirteen hex digits are 2^52: beyond that a size is not a safe integer. */
const MAX_CHUNK_SIZE_DIGITS = 13;
/** The idle sweep runs at most this often; a socket past its idle limit is never reused meanwhile. */
const SWEEP_MIN_INTERVAL_MS = 250;
/** The buffer every plain TCP socket reads into (net's `onread`). */
const READ_BUFFER_BYTES = 64 * 1024;

// --- errors --------------------------------------------------------------------------------------

/** An error of this client, with undici's code for the same case where undici has one. */
export class Http1Error extends Error {
  readonly code: string | undefined;

  constructor(code: string | undefined, message: string) {
    super(message);
    this.name = 'Http1Error';
    this.code = code;
  }
}

function otherSideClosed(): Http1Error {
  return new Http1Error('UND_ERR_SOCKET', 'other side closed');
}

function invalidResponse(what: string): Http1Error {
  return new Http1Error(undefined, `invalid HTTP response: ${what}`);
}

/** Server text quoted for a message: short, and with control characters visible. */
function excerpt(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
}

// --- request serialisation -----------------------------------------------------------------------

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** What a header value may hold: no CR, LF or NUL, nothing beyond latin1 (as undici). */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
const REQUEST_PATH = /^\/[\x21-\xff]*$/;
const NON_ASCII = /[\u0080-\uffff]/;
/** Headers the dispatcher owns: a caller's value would contradict the framing it writes. */
const OWN_HEADERS = new Set([
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'expect',
]);

function invalidArgument(message: string): Http1Error {
  return new Http1Error('UND_ERR_INVALID_ARG', message);
}

/**
 * The request's bytes, head and body, for one write: a string when the head is ASCII (written as UTF-8,
 * which is then also the head's latin1), otherwise a buffer with the head in latin1 and the body in
 * UTF-8. `content-length` is the body's UTF-8 byte length. Header values never appear in an error.
 */
function serialiseRequest(options: StreamDispatchOptions, hostHeader: string): string | Buffer {
  const { method, path, headers, body } = options;
  if (!TOKEN.test(method)) throw invalidArgument('invalid request method');
  if (!REQUEST_PATH.test(path)) throw invalidArgument('invalid request path');
  let host = hostHeader;
  let fields = '';
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (!TOKEN.test(name)) throw invalidArgument(`invalid header name ${excerpt(name)}`);
    if (typeof value !== 'string' || !HEADER_VALUE.test(value))
      throw invalidArgument(`invalid value of header ${name}`);
    const lower = name.toLowerCase();
    if (lower === 'host') host = value;
    else if (OWN_HEADERS.has(lower)) throw invalidArgument(`header ${name} is set by the dispatcher`);
    else fields += `${name}: ${value}\r\n`;
  }
  const bodyBytes = Buffer.byteLength(body);
  const head = `${method} ${path} HTTP/1.1\r\nhost: ${host}\r\n${fields}content-length: ${bodyBytes}\r\n\r\n`;
  if (!NON_ASCII.test(head)) return head + body;
  const bytes = Buffer.allocUnsafe(head.length + bodyBytes);
  bytes.write(head, 0, 'latin1');
  bytes.write(body, head.length, 'utf8');
  return bytes;
}

// --- response parsing ----------------------------------------------------------------------------

const CR = 0x0d;
const LF = 0x0a;
const SPACE = 0x20;
const TAB = 0x09;
const SEMICOLON = 0x3b;
const HEAD_END = Buffer.from('\r\n\r\n', 'latin1');
const STATUS_LINE = /^HTTP\/1\.([01]) (\d{3})(?: (.*))?$/;
const KEEP_ALIVE_TIMEOUT = /(?:^|[,;\s])timeout\s*=\s*(\d+)/i;

// Where a connection is in reading its response (numbers, not an enum: compared on every read).
/** Status line and headers, up to CRLFCRLF. */
const READ_HEAD = 0;
/** A body of `content-length` bytes. */
const READ_LENGTH = 1;
/** A body that ends when the server closes. */
const READ_UNTIL_CLOSE = 2;
/** Chunked: the hex digits of a chunk size. */
const READ_CHUNK_SIZE = 3;
/** Chunked: the rest of a chunk-size line (extensions, CR) up to LF. */
const READ_CHUNK_SIZE_REST = 4;
/** Chunked: a chunk's data. */
const READ_CHUNK_DATA = 5;
/** Chunked: the CR after a chunk's data. */
const READ_CHUNK_DATA_CR = 6;
/** Chunked: the LF after a chunk's data. */
const READ_CHUNK_DATA_LF = 7;
/** Chunked: trailer lines after the last chunk, up to an empty line. */
const READ_TRAILERS = 8;

function hexDigit(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  const lower = byte | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

/** Optional white space trimmed (only SP and HTAB: a latin1 NBSP is content). */
function trimOws(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && (text.charCodeAt(start) === SPACE || text.charCodeAt(start) === TAB)) start++;
  while (end > start && (text.charCodeAt(end - 1) === SPACE || text.charCodeAt(end - 1) === TAB)) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

/** A body length from `content-length` (repeated values must agree), or an error message. */
function contentLength(value: string | string[]): number | string {
  const parts = (Array.isArray(value) ? value.join(',') : value).split(',').map(trimOws);
  const first = parts[0] ?? '';
  if (!/^\d{1,15}$/.test(first) || parts.some((part) => part !== first))
    return `content-length ${excerpt(Array.isArray(value) ? value.join(', ') : value)}`;
  return Number(first);
}

// --- the dispatcher ------------------------------------------------------------------------------

/** Shared by every plain TCP socket of the process: reads are delivered one at a time. */
let sharedReadBuffer: Buffer | undefined;

/**
 * A plain TCP socket that reads through net's `onread`: reads land in one shared buffer and reach
 * `onRead` without a Buffer per read, a stream push and a 'data' event. Measured with
 * bench/http1-reads.mjs (2,000 streams, 40 events each): 8.2 µs of client CPU per read, against 10.8 µs
 * for the same parser behind a 'data' listener (and 9.7 µs for a bare socket that only counts bytes).
 */
function plainSocket(pool: OriginPool, connection: Connection): Socket {
  sharedReadBuffer ??= Buffer.allocUnsafe(READ_BUFFER_BYTES);
  return netConnect({
    host: pool.host,
    port: pool.port,
    noDelay: true,
    onread: { buffer: sharedReadBuffer, callback: connection.onRead },
  });
}

/** The sockets of one origin. */
class OriginPool {
  /** Idle keep-alive connections, most recently used last: a dispatch pops the warmest. */
  readonly idle: Connection[] = [];

  constructor(
    readonly secure: boolean,
    readonly host: string,
    readonly port: number,
    readonly hostHeader: string,
    readonly servername: string | undefined,
  ) {}
}

/**
 * HTTP/1.1 over plain `net` / `tls` sockets, one request at a time per socket, no cap on connections.
 * See the module comment for what it does and does not do.
 */
export class Http1Dispatcher implements StreamDispatcher {
  readonly connectTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  readonly keepAliveMaxTimeoutMs: number;
  readonly maxHeaderBytes: number;
  private readonly tls: Http1DispatcherOptions['tls'];
  private readonly pools = new Map<string, OriginPool>();
  /** Every socket not yet closed: in use, connecting or idle. */
  private readonly connections = new Set<Connection>();
  private closed = false;
  private readonly closeWaiters: (() => void)[] = [];
  private sweepTimer: NodeJS.Timeout | undefined;
  private sweepAtMs = Number.POSITIVE_INFINITY;

  constructor(options: Http1DispatcherOptions = {}) {
    this.connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    this.keepAliveTimeoutMs = options.keepAliveTimeoutMs ?? DEFAULT_KEEP_ALIVE_TIMEOUT_MS;
    this.keepAliveMaxTimeoutMs = options.keepAliveMaxTimeoutMs ?? DEFAULT_KEEP_ALIVE_MAX_TIMEOUT_MS;
    this.maxHeaderBytes = options.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES;
    this.tls = options.tls;
  }

  /** Open sockets (in use, connecting or idle). */
  get connectionCount(): number {
    return this.connections.size;
  }

  /** Idle keep-alive sockets waiting for a request, all origins. */
  get idleCount(): number {
    let count = 0;
    for (const pool of this.pools.values()) for (const connection of pool.idle) if (!connection.dead) count++;
    return count;
  }

  dispatch(options: StreamDispatchOptions, handler: StreamDispatchHandler): boolean {
    const request = new Http1Request(handler, options.headersTimeout ?? 0, options.bodyTimeout ?? 0);
    if (this.closed) {
      request.settled = true;
      handler.onResponseError(request, new Http1Error('UND_ERR_CLOSED', 'The client is closed'));
      return false;
    }
    let pool: OriginPool;
    try {
      pool = this.pool(options.origin);
      request.payload = serialiseRequest(options, pool.hostHeader);
    } catch (error) {
      request.settled = true;
      handler.onResponseError(request, error as Error);
      return false;
    }
    const idle = this.popIdle(pool);
    if (idle) idle.start(request);
    else this.connect(pool, request);
    return true;
  }

  /** Closes idle sockets now and the others as their requests end; resolves once all are closed. */
  close(): Promise<void> {
    this.closed = true;
    this.clearSweep();
    for (const pool of this.pools.values()) {
      for (const connection of pool.idle) connection.kill();
      pool.idle.length = 0;
    }
    return this.whenAllClosed();
  }

  /** Ends every request now (`UND_ERR_DESTROYED`) and closes every socket; resolves once all are closed. */
  destroy(): Promise<void> {
    this.closed = true;
    this.clearSweep();
    for (const pool of this.pools.values()) pool.idle.length = 0;
    for (const connection of [...this.connections]) {
      const request = connection.request;
      if (request) request.fail(new Http1Error('UND_ERR_DESTROYED', 'The client is destroyed'));
      else connection.kill();
    }
    return this.whenAllClosed();
  }

  private whenAllClosed(): Promise<void> {
    if (this.connections.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.closeWaiters.push(resolve));
  }

  private pool(origin: string): OriginPool {
    const known = this.pools.get(origin);
    if (known) return known;
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      throw invalidArgument(`invalid origin ${excerpt(origin)}`);
    }
    const secure = url.protocol === 'https:';
    if (!secure && url.protocol !== 'http:') throw invalidArgument(`unsupported protocol ${url.protocol}`);
    // URL keeps the brackets of an IPv6 literal; connect and TLS want the bare address.
    const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    const port = url.port === '' ? (secure ? 443 : 80) : Number(url.port);
    const pool = new OriginPool(secure, host, port, url.host, isIP(host) === 0 ? host : undefined);
    this.pools.set(origin, pool);
    return pool;
  }

  /** The most recently idle socket still within its idle limit; older ones past it are closed. */
  private popIdle(pool: OriginPool): Connection | undefined {
    const idle = pool.idle;
    if (idle.length === 0) return undefined;
    const nowMs = performance.now();
    for (let connection = idle.pop(); connection; connection = idle.pop()) {
      if (connection.dead) continue;
      if (nowMs >= connection.idleUntilMs) {
        connection.kill();
        continue;
      }
      return connection;
    }
    return undefined;
  }

  private connect(pool: OriginPool, request: Http1Request): void {
    const connection = new Connection(this, pool);
    let socket: Socket;
    try {
      socket = pool.secure ? this.tlsSocket(pool) : plainSocket(pool, connection);
    } catch (error) {
      // Options net or tls refuse outright (a client certificate that is not PEM): a connect error.
      request.fail(error as Error);
      return;
    }
    this.connections.add(connection);
    connection.request = request;
    request.connection = connection;
    connection.attach(socket, pool.secure);
  }

  private tlsSocket(pool: OriginPool): Socket {
    const socket = tlsConnect({
      host: pool.host,
      port: pool.port,
      ...(pool.servername !== undefined ? { servername: pool.servername } : {}),
      ...this.tls,
    });
    socket.setNoDelay(true);
    return socket;
  }

  /** A connection whose response allowed reuse: onto its origin's stack, or closed if the client is. */
  release(connection: Connection, idleLimitMs: number): void {
    if (this.closed || idleLimitMs <= 0) {
      connection.kill();
      return;
    }
    const idleUntilMs = performance.now() + idleLimitMs;
    connection.idleUntilMs = idleUntilMs;
    connection.socket.unref();
    connection.pool.idle.push(connection);
    if (idleUntilMs < this.sweepAtMs) this.armSweep(idleUntilMs);
  }

  /** Called by a connection once its socket has closed. */
  forget(connection: Connection): void {
    this.connections.delete(connection);
    if (this.closed && this.connections.size === 0) {
      for (const resolve of this.closeWaiters.splice(0)) resolve();
    }
  }

  /** One timer for all idle sockets: it fires at the earliest idle limit, at most every 250 ms. */
  private armSweep(atMs: number): void {
    this.clearSweep();
    this.sweepAtMs = atMs;
    this.sweepTimer = setTimeout(this.sweep, Math.max(1, atMs - performance.now()));
    this.sweepTimer.unref();
  }

  private clearSweep(): void {
    if (this.sweepTimer) clearTimeout(this.sweepTimer);
    this.sweepTimer = undefined;
    this.sweepAtMs = Number.POSITIVE_INFINITY;
  }

  private readonly sweep = (): void => {
    this.sweepTimer = undefined;
    this.sweepAtMs = Number.POSITIVE_INFINITY;
    const nowMs = performance.now();
    let nextMs = Number.POSITIVE_INFINITY;
    for (const pool of this.pools.values()) {
      const idle = pool.idle;
      let kept = 0;
      for (const connection of idle) {
        if (connection.dead) continue;
        if (nowMs >= connection.idleUntilMs) {
          connection.kill();
          continue;
        }
        if (connection.idleUntilMs < nextMs) nextMs = connection.idleUntilMs;
        idle[kept++] = connection;
      }
      idle.length = kept;
    }
    if (nextMs !== Number.POSITIVE_INFINITY) this.armSweep(Math.max(nextMs, nowMs + SWEEP_MIN_INTERVAL_MS));
  };
}

/** One request: its handler, its timers, and the controller the handler gets. */
class Http1Request implements StreamDispatchController {
  connection: Connection | undefined = undefined;
  payload: string | Buffer = '';
  /** The handler has had (or is getting) its one `onResponseEnd` / `onResponseError`. */
  settled = false;
  /** Headers timer, then the body's idle timer. */
  timer: NodeJS.Timeout | undefined = undefined;
  inBody = false;
  lastReadAtMs = 0;

  constructor(
    readonly handler: StreamDispatchHandler,
    readonly headersTimeoutMs: number,
    readonly bodyTimeoutMs: number,
  ) {}

  abort(reason: Error): void {
    this.fail(reason);
  }

  /** Ends the request with `error`: its socket is destroyed (it may hold the rest of the response). */
  fail(error: Error): void {
    if (this.settled) return;
    this.settled = true;
    if (this.timer) clearTimeout(this.timer);
    const connection = this.connection;
    if (connection) {
      if (connection.request === this) connection.request = undefined;
      connection.kill();
    }
    this.handler.onResponseError(this, error);
  }

  /** Arms the headers timer (the request is being written). */
  startHeadersTimer(): void {
    if (this.headersTimeoutMs > 0) this.timer = setTimeout(onRequestTimer, this.headersTimeoutMs, this);
  }

  /** The head arrived: the headers timer gives way to the body's idle timer. */
  startBodyTimer(nowMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.inBody = true;
    this.lastReadAtMs = nowMs;
    if (this.bodyTimeoutMs > 0) this.timer = setTimeout(onRequestTimer, this.bodyTimeoutMs, this);
  }
}

/**
 * The request's one timer fired. Before the head: the headers timeout. In the body it was armed at the
 * last read it knew of; reads since moved `lastReadAtMs`, so it re-arms for what is left of the idle
 * allowance instead of being reset on every read.
 */
function onRequestTimer(request: Http1Request): void {
  request.timer = undefined;
  if (request.settled) return;
  if (!request.inBody) {
    request.fail(new Http1Error('UND_ERR_HEADERS_TIMEOUT', 'Headers Timeout Error'));
    return;
  }
  const leftMs = request.lastReadAtMs + request.bodyTimeoutMs - performance.now();
  if (leftMs >= 1) request.timer = setTimeout(onRequestTimer, leftMs, request);
  else request.fail(new Http1Error('UND_ERR_BODY_TIMEOUT', 'Body Timeout Error'));
}

/** One socket and the response being read on it. */
class Connection {
  socket!: Socket;
  request: Http1Request | undefined = undefined;
  /** Destroyed by us, or closed by the server: never reused. */
  dead = false;
  /** When an idle socket stops being reusable (performance.now() ms). */
  idleUntilMs = 0;
  private connectTimer: NodeJS.Timeout | undefined = undefined;
  private socketError: Error | undefined = undefined;

  // The response being read.
  private state = READ_HEAD;
  /** A head that spans reads, collected here (allocated on first need). */
  private headBuffer: Buffer | undefined = undefined;
  private headLength = 0;
  /** Body bytes left: of the content-length body, or of the current chunk. */
  private remaining = 0;
  private chunkSizeDigits = 0;
  /** Bytes of the current chunk-size line, or of the trailers so far. */
  private lineBytes = 0;
  private trailerLineBytes = 0;
  /** The response lets the socket carry another request, for at most this long idle (ms); 0: close. */
  private reuseForMs = 0;

  constructor(
    readonly dispatcher: Http1Dispatcher,
    readonly pool: OriginPool,
  ) {}

  attach(socket: Socket, secure: boolean): void {
    this.socket = socket;
    this.connectTimer = setTimeout(this.onConnectTimeout, this.dispatcher.connectTimeoutMs);
    socket.once(secure ? 'secureConnect' : 'connect', this.onConnect);
    // TLS sockets read through the stream machinery ('data'); plain ones through onread (see plainSocket).
    if (secure) socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('error', this.onError);
    socket.on('close', this.onClose);
  }

  /** Writes `request` on this (connected) socket. */
  start(request: Http1Request): void {
    this.request = request;
    request.connection = this;
    this.state = READ_HEAD;
    this.headLength = 0;
    this.socket.ref();
    request.handler.onRequestStart(request, {});
    // The handler may have aborted it (a request cancelled while it waited for its connection).
    if (request.settled) return;
    request.startHeadersTimer();
    this.socket.write(request.payload);
  }

  /** Destroys the socket (no error): the request on it, if any, has been settled by the caller. */
  kill(): void {
    this.dead = true;
    if (this.connectTimer) {
      clearTimeout(this.connectTimer);
      this.connectTimer = undefined;
    }
    this.socket.destroy();
  }

  // --- socket events ----------------------------------------------------------------------------

  private readonly onConnect = (): void => {
    if (this.connectTimer) clearTimeout(this.connectTimer);
    this.connectTimer = undefined;
    const request = this.request;
    if (request && !request.settled) this.start(request);
    else this.kill();
  };

  private readonly onConnectTimeout = (): void => {
    this.connectTimer = undefined;
    const request = this.request;
    const error = new Http1Error(
      'UND_ERR_CONNECT_TIMEOUT',
      `Connect Timeout Error (attempted address: ${this.pool.host}:${this.pool.port}, timeout: ${this.dispatcher.connectTimeoutMs}ms)`,
    );
    if (request) request.fail(error);
    else this.kill();
  };

  /** net's `onread`: `buffer` is the shared read buffer, valid until this returns. */
  readonly onRead = (bytesRead: number, buffer: Uint8Array): boolean => {
    this.received(buffer as Buffer, bytesRead);
    return true;
  };

  private readonly onData = (chunk: Buffer): void => {
    this.received(chunk, chunk.length);
  };

  /** The server ended its side: the end of a close-delimited body, a cut response, or an idle close. */
  private readonly onEnd = (): void => {
    const request = this.request;
    if (!request) this.kill();
    else if (this.state === READ_UNTIL_CLOSE) this.complete(false);
    else request.fail(otherSideClosed());
  };

  private readonly onError = (error: Error): void => {
    this.socketError = error;
    const request = this.request;
    if (!request) {
      this.kill();
      return;
    }
    // As undici: a reset that ends a close-delimited body ends it.
    if (this.state === READ_UNTIL_CLOSE && (error as { code?: string }).code === 'ECONNRESET')
      this.complete(false);
    else request.fail(error);
  };

  private readonly onClose = (): void => {
    this.dead = true;
    if (this.connectTimer) clearTimeout(this.connectTimer);
    this.connectTimer = undefined;
    const request = this.request;
    if (request) request.fail(this.socketError ?? otherSideClosed());
    this.dispatcher.forget(this);
  };

  // --- parsing ----------------------------------------------------------------------------------

  private received(buffer: Buffer, end: number): void {
    const request = this.request;
    if (!request) {
      // Bytes on an idle socket (or after an abort): the server is out of step; the socket is done.
      this.kill();
      return;
    }
    request.lastReadAtMs = performance.now();
    try {
      let position = 0;
      while (position < end && this.request === request) {
        switch (this.state) {
          case READ_HEAD:
            position = this.readHead(request, buffer, position, end);
            break;
          case READ_LENGTH:
            position = this.readLengthBody(request, buffer, position, end);
            break;
          case READ_UNTIL_CLOSE:
            request.handler.onResponseData(request, buffer.subarray(position, end));
            position = end;
            break;
          default:
            position = this.readChunked(request, buffer, position, end);
        }
      }
    } catch (error) {
      // A handler threw while its request was open: the request ends with that error (as undici).
      if (this.request === request && !request.settled) request.fail(error as Error);
      else throw error;
    }
  }

  /** Fails the request as a malformed response; returns the end (parsing stops). */
  private malformed(request: Http1Request, what: string, end: number): number {
    request.fail(invalidResponse(what));
    return end;
  }

  private readHead(request: Http1Request, buffer: Buffer, start: number, end: number): number {
    const maxHeaderBytes = this.dispatcher.maxHeaderBytes;
    let next: number;
    if (this.headLength === 0 && (next = buffer.indexOf(HEAD_END, start) + 4) > 3 && next <= end) {
      // The whole head is in this read (the usual case): parsed in place. (A match past `end` is an
      // earlier read's bytes in the shared buffer: the head spans reads after all.)
      if (next - 4 - start > maxHeaderBytes)
        return this.malformed(request, `headers longer than ${maxHeaderBytes} bytes`, end);
      if (!this.parseHead(request, buffer, start, next - 4)) return end;
    } else {
      // The head spans reads: collect it, up to the limit and its terminator.
      const before = this.headLength;
      const take = Math.min(end - start, maxHeaderBytes + 4 - before);
      let head = this.headBuffer;
      if (!head || head.length < before + take) {
        const grown = Buffer.allocUnsafe(Math.min(maxHeaderBytes + 4, Math.max(1024, (before + take) * 2)));
        if (head && before > 0) head.copy(grown, 0, 0, before);
        head = grown;
        this.headBuffer = grown;
      }
      buffer.copy(head, before, start, start + take);
      this.headLength = before + take;
      const at = head.subarray(0, this.headLength).indexOf(HEAD_END, Math.max(0, before - 3));
      if (at < 0) {
        if (this.headLength < maxHeaderBytes + 4) return end;
        return this.malformed(request, `headers longer than ${maxHeaderBytes} bytes`, end);
      }
      this.headLength = 0;
      if (at > maxHeaderBytes)
        return this.malformed(request, `headers longer than ${maxHeaderBytes} bytes`, end);
      if (!this.parseHead(request, head, 0, at)) return end;
      if (head.length > 4096) this.headBuffer = undefined;
      next = start + (at + 4 - before);
    }
    if (this.state === READ_LENGTH && this.remaining === 0) {
      this.complete(next < end);
      return end;
    }
    return next;
  }

  /**
   * Parses the head `[start, headEnd)` of `buffer` (its terminator excluded): a 1xx is skipped (the
   * state stays READ_HEAD); a final response is handed to the handler and the body's framing set.
   * Returns false when the request ended (a malformed head, or the handler aborted).
   */
  private parseHead(request: Http1Request, buffer: Buffer, start: number, headEnd: number): boolean {
    const lines = buffer.toString('latin1', start, headEnd).split('\r\n');
    const statusLine = lines[0] ?? '';
    const status = STATUS_LINE.exec(statusLine);
    if (!status) return this.fails(request, `status line ${excerpt(statusLine)}`);
    const statusCode = Number(status[2]);
    const headers: ResponseHeaders = Object.create(null) as ResponseHeaders;
    for (let index = 1; index < lines.length; index++) {
      const line = lines[index] as string;
      const colon = line.indexOf(':');
      const name = colon > 0 ? line.slice(0, colon) : '';
      if (!TOKEN.test(name)) return this.fails(request, `header line ${excerpt(line)}`);
      const key = name.toLowerCase();
      const value = trimOws(line.slice(colon + 1));
      const existing = headers[key];
      if (existing === undefined) headers[key] = value;
      else if (Array.isArray(existing)) existing.push(value);
      else headers[key] = [existing, value];
    }
    if (statusCode < 200) {
      if (statusCode === 101) return this.fails(request, '101 Switching Protocols was not asked for');
      // 100 Continue, 103 Early Hints…: the final response follows on the same socket.
      return true;
    }

    // Framing (RFC 9112 section 6.3) and whether the socket may carry another request.
    const transferEncoding = headerText(headers['transfer-encoding']);
    const length = headers['content-length'];
    const connection = headerText(headers['connection'])?.toLowerCase() ?? '';
    let reusable = status[1] === '1' && !/(?:^|[\s,])close(?:$|[\s,])/.test(connection);
    let state: number;
    let bodyLength = 0;
    if (transferEncoding !== undefined) {
      const codings = transferEncoding.toLowerCase().split(',');
      if (trimOws(codings[codings.length - 1] ?? '') === 'chunked') state = READ_CHUNK_SIZE;
      else {
        state = READ_UNTIL_CLOSE;
        reusable = false;
      }
      // Both framings given: the length is ignored, and so is the socket afterwards.
      if (length !== undefined) reusable = false;
    } else if (statusCode === 204 || statusCode === 304) {
      state = READ_LENGTH;
    } else if (length !== undefined) {
      const parsed = contentLength(length);
      if (typeof parsed === 'string') return this.fails(request, parsed);
      state = READ_LENGTH;
      bodyLength = parsed;
    } else {
      state = READ_UNTIL_CLOSE;
      reusable = false;
    }
    this.reuseForMs = reusable ? this.idleLimitMs(headerText(headers['keep-alive'])) : 0;

    request.startBodyTimer(request.lastReadAtMs);
    request.handler.onResponseStart(request, statusCode, headers, status[3] ?? '');
    if (this.request !== request) return false;
    this.state = state;
    this.remaining = bodyLength;
    this.chunkSizeDigits = 0;
    this.lineBytes = 0;
    return true;
  }

  /** Fails the request as a malformed response; false, for parseHead. */
  private fails(request: Http1Request, what: string): boolean {
    request.fail(invalidResponse(what));
    return false;
  }

  /** How long the socket may idle before a reuse: the server's `keep-alive: timeout=N` less a second. */
  private idleLimitMs(keepAlive: string | undefined): number {
    const hint = keepAlive === undefined ? null : KEEP_ALIVE_TIMEOUT.exec(keepAlive);
    if (!hint) return this.dispatcher.keepAliveTimeoutMs;
    return Math.min(Number(hint[1]) * 1000 - 1000, this.dispatcher.keepAliveMaxTimeoutMs);
  }

  private readLengthBody(request: Http1Request, buffer: Buffer, start: number, end: number): number {
    const available = end - start;
    const take = this.remaining < available ? this.remaining : available;
    this.remaining -= take;
    request.handler.onResponseData(request, buffer.subarray(start, start + take));
    if (this.request !== request) return end;
    if (this.remaining === 0) {
      this.complete(start + take < end);
      return end;
    }
    return start + take;
  }

  private readChunked(request: Http1Request, buffer: Buffer, start: number, end: number): number {
    let position = start;
    while (position < end) {
      switch (this.state) {
        case READ_CHUNK_DATA: {
          const available = end - position;
          const take = this.remaining < available ? this.remaining : available;
          this.remaining -= take;
          request.handler.onResponseData(request, buffer.subarray(position, position + take));
          if (this.request !== request) return end;
          position += take;
          if (this.remaining === 0) this.state = READ_CHUNK_DATA_CR;
          break;
        }
        case READ_CHUNK_SIZE: {
          const byte = buffer[position] as number;
          const digit = hexDigit(byte);
          if (digit >= 0) {
            if (this.chunkSizeDigits === MAX_CHUNK_SIZE_DIGITS)
              return this.malformed(request, 'chunk size too large', end);
            this.remaining = this.remaining * 16 + digit;
            this.chunkSizeDigits++;
            this.lineBytes++;
            position++;
            break;
          }
          if (
            this.chunkSizeDigits === 0 ||
            (byte !== CR && byte !== LF && byte !== SEMICOLON && byte !== SPACE && byte !== TAB)
          )
            return this.malformed(
              request,
              `chunk size line at byte 0x${byte.toString(16).padStart(2, '0')}`,
              end,
            );
          this.state = READ_CHUNK_SIZE_REST;
          break;
        }
        case READ_CHUNK_SIZE_REST: {
          // Extensions and white space are skipped, bounded; the line ends at LF.
          const byte = buffer[position] as number;
          position++;
          if (byte !== LF) {
            if (++this.lineBytes > MAX_CHUNK_SIZE_LINE_BYTES)
              return this.malformed(request, 'chunk size line too long', end);
            break;
          }
          this.lineBytes = 0;
          this.chunkSizeDigits = 0;
          if (this.remaining > 0) this.state = READ_CHUNK_DATA;
          else {
            this.state = READ_TRAILERS;
            this.trailerLineBytes = 0;
          }
          break;
        }
        case READ_CHUNK_DATA_CR: {
          const byte = buffer[position] as number;
          position++;
          if (byte === CR) this.state = READ_CHUNK_DATA_LF;
          else if (byte === LF) this.state = READ_CHUNK_SIZE;
          else return this.malformed(request, 'chunk data longer than its size', end);
          break;
        }
        case READ_CHUNK_DATA_LF: {
          const byte = buffer[position] as number;
          position++;
          if (byte !== LF) return this.malformed(request, 'chunk data longer than its size', end);
          this.state = READ_CHUNK_SIZE;
          break;
        }
        default: {
          // Trailers: lines up to an empty one, bounded like the head; their content is not needed.
          const byte = buffer[position] as number;
          position++;
          if (byte === LF) {
            if (this.trailerLineBytes === 0) {
              this.complete(position < end);
              return end;
            }
            this.trailerLineBytes = 0;
          } else if (byte !== CR) {
            this.trailerLineBytes++;
            if (++this.lineBytes > this.dispatcher.maxHeaderBytes)
              return this.malformed(
                request,
                `trailers longer than ${this.dispatcher.maxHeaderBytes} bytes`,
                end,
              );
          }
        }
      }
    }
    return position;
  }

  /**
   * The response is complete. The socket goes back to its pool if the response allows reuse and no
   * byte followed it (this client never pipelines, so one would be a server out of step); otherwise
   * it is closed. Then the handler hears of the end — after the socket is free, so that a request it
   * dispatches from there can take it.
   */
  private complete(extraBytes: boolean): void {
    const request = this.request as Http1Request;
    this.request = undefined;
    request.settled = true;
    if (request.timer) clearTimeout(request.timer);
    request.timer = undefined;
    this.state = READ_HEAD;
    if (this.reuseForMs > 0 && !extraBytes && !this.dead) this.dispatcher.release(this, this.reuseForMs);
    else this.kill();
    request.handler.onResponseEnd(request, {});
  }
}
