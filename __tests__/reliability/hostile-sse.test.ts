/**
 * Hostile and broken event streams sent over a real socket to the real request path (startRequest, the
 * function every stage request goes through): a small node:http server on 127.0.0.1 plays the server.
 * Every case runs over both HTTP clients of the request path: the lean HTTP/1.1 client the stages use,
 * and undici's Agent (EXO_BENCH_HTTP_CLIENT=undici).
 * Whatever the body, the request ends by its deadline with a classified record, never an exception,
 * and memory stays bounded. (The reader's own property tests are in __tests__/stream.)
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Agent } from 'undici';
import type { RequestRecord } from '../../src/metrics/record.js';
import { startRequest, type RequestOptions } from '../../src/load/request.js';
import { Http1Dispatcher, type StreamDispatcher } from '../../src/stream/index.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const SSE_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' };

function chunk(content: string, extra = ''): string {
  return `data: {"id":"c1","object":"chat.completion","model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":${JSON.stringify(content)}}${extra}}]}`;
}
const FINAL =
  'data: {"id":"c1","object":"chat.completion","model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":3,"total_tokens":8}}';

let server: Server;
let origin: string;
const handlers = new Map<string, Handler>();
const sockets = new Set<Socket>();
/** Timers the handlers start, cleared when a test ends (a stream that never ends must not outlive it). */
const timers = new Set<NodeJS.Timeout>();
let dispatcher: StreamDispatcher & { close(): Promise<void> };

function every(ms: number, fn: () => void): void {
  const timer = setInterval(fn, ms);
  timers.add(timer);
}

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    const handler = handlers.get(req.url ?? '');
    if (!handler) {
      res.writeHead(404).end();
      return;
    }
    req.once('end', () => handler(req, res));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(() => {
  for (const timer of timers) clearInterval(timer);
  timers.clear();
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const OPTIONS: Omit<RequestOptions, 'dispatcher'> = { requestTimeoutMs: 1_500, idleTimeoutMs: 400 };

/** Runs `fn` while sampling the heap every 5 ms; returns its result and the peak growth in bytes. */
async function withPeakHeap<T>(fn: () => Promise<T>): Promise<{ result: T; peakGrowthBytes: number }> {
  const before = process.memoryUsage().heapUsed;
  let peak = before;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  }, 5);
  try {
    const result = await fn();
    peak = Math.max(peak, process.memoryUsage().heapUsed);
    return { result, peakGrowthBytes: peak - before };
  } finally {
    clearInterval(sampler);
  }
}

/** Sends one request to `path` (answered by `handler`) and returns its record and how long it took. */
async function send(
  path: string,
  handler: Handler,
  options: Partial<RequestOptions> = {},
): Promise<{ record: RequestRecord; elapsedMs: number }> {
  handlers.set(path, handler);
  const started = Date.now();
  const request = startRequest(
    { origin, path, body: '{"model":"m","stream":true}', headers: { 'content-type': 'application/json' } },
    { stage: 'hostile', index: 0, warmup: false, scheduledAtMs: started },
    { dispatcher, ...OPTIONS, ...options },
  );
  const record = await request.done;
  return { record, elapsedMs: Date.now() - started };
}

const CLIENTS: [string, () => StreamDispatcher & { close(): Promise<void> }][] = [
  ['the lean HTTP/1.1 client', () => new Http1Dispatcher()],
  ["undici's Agent", () => new Agent({ connections: null })],
];

describe.each(CLIENTS)('over %s', (_name, makeDispatcher) => {
  beforeAll(() => {
    dispatcher = makeDispatcher();
  });

  afterAll(async () => {
    await dispatcher.close();
  });

  describe('a body that never ends', () => {
    it('keep-alives forever: ends at the request deadline as request_timeout', async () => {
      const { record, elapsedMs } = await send('/keep-alive-forever', (_req, res) => {
        res.writeHead(200, SSE_HEADERS);
        every(50, () => res.write(': keep-alive\n\n'));
      });
      expect(record.error_class).toBe('request_timeout');
      expect(record.error_message).toBe('no complete response within 1500 ms (request_timeout_seconds)');
      expect(record.keep_alives).toBeGreaterThan(10);
      expect(elapsedMs).toBeGreaterThanOrEqual(1_400);
      expect(elapsedMs).toBeLessThan(3_000);
    });

    it('tokens forever: ends at the request deadline with the tokens it got', async () => {
      const { record, elapsedMs } = await send('/tokens-forever', (_req, res) => {
        res.writeHead(200, SSE_HEADERS);
        every(20, () => res.write(`${chunk('x')}\n\n`));
      });
      expect(record.error_class).toBe('request_timeout');
      expect(record.token_chunks).toBeGreaterThan(20);
      expect(record.first_token_at_ms).toBeDefined();
      expect(elapsedMs).toBeLessThan(3_000);
    });

    it('one line forever, without a newline: ends at the deadline, memory bounded by the line limit', async () => {
      const block = Buffer.alloc(256 * 1024, 'x');
      const { result, peakGrowthBytes } = await withPeakHeap(() =>
        send('/endless-line', (_req, res) => {
          res.writeHead(200, SSE_HEADERS);
          res.write('data: ');
          // About 25 MB over the request's life: beyond the reader's 16 MiB line limit.
          every(10, () => res.write(block));
        }),
      );
      expect(result.record.error_class).toBe('request_timeout');
      expect(result.record.token_chunks).toBe(0);
      expect(result.elapsedMs).toBeLessThan(3_000);
      expect(peakGrowthBytes).toBeLessThan(120 * 1024 * 1024);
    });

    it('headers, then silence: ends after the idle timeout as idle_timeout', async () => {
      const { record, elapsedMs } = await send('/silence', (_req, res) => {
        res.writeHead(200, SSE_HEADERS);
        res.write(`: keep-alive\n\n${chunk('a')}\n\n`);
      });
      expect(record.error_class).toBe('idle_timeout');
      expect(record.token_chunks).toBe(1);
      expect(elapsedMs).toBeGreaterThanOrEqual(350);
      // undici checks body timeouts on a coarse (~0.5 s) tick: late by up to that, never early; the lean
      // client re-arms its idle timer from the last read, so it is late by a timer's lateness only.
      expect(elapsedMs).toBeLessThan(2_000);
    });

    it('headers that never come: ends at the request deadline as request_timeout', async () => {
      const { record, elapsedMs } = await send('/no-headers', () => undefined);
      expect(record.error_class).toBe('request_timeout');
      expect(record.error_message).toBe('no response headers within 1500 ms (request_timeout_seconds)');
      expect(record.http_status).toBeUndefined();
      expect(elapsedMs).toBeLessThan(3_000);
    });
  });

  describe('garbage is counted, never thrown', () => {
    it('invalid JSON, binary junk, unknown fields and stray blank lines around good chunks: the good ones count', async () => {
      const { record } = await send('/garbage', (_req, res) => {
        res.writeHead(200, SSE_HEADERS);
        res.write(': keep-alive\n\n');
        res.write('data: {not json\n\n');
        res.write('data: [1,2,3]\n\n');
        res.write('data: null\n\n');
        res.write('data: "a string"\n\n');
        res.write(Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x0a, 0x0a]));
        res.write('garbage without a colon\n\nevent: weird\nid: 7\nretry: x\n\n\n\n');
        res.write(`${chunk('one')}\n\n`);
        res.write('data: {"choices": "not a list"}\n\n');
        res.write('data: {"choices":[{"delta":{"content":42}}]}\n\n');
        res.write(`${chunk('two')}\n\n${chunk('three')}\n\n`);
        res.write(`${FINAL}\n\ndata: [DONE]\n\n`);
        res.end();
      });
      expect(record.error_class).toBeUndefined();
      expect(record.ok).toBe(true);
      expect(record.token_chunks).toBe(3);
      expect(record.output_tokens).toBe(3);
      expect(record.finish_reason).toBe('stop');
    });

    it('a 10 MB data line: parsed as one chunk, memory stays well below a copy per read', async () => {
      const big = 'y'.repeat(10 * 1024 * 1024);
      const { result, peakGrowthBytes } = await withPeakHeap(() =>
        send(
          '/ten-megabytes',
          (_req, res) => {
            res.writeHead(200, SSE_HEADERS);
            // Sent in 64 KiB pieces so the reader must carry the line across ~160 reads.
            const body = Buffer.from(`${chunk(big)}\n\n${chunk('z')}\n\n${FINAL}\n\ndata: [DONE]\n\n`);
            let offset = 0;
            const pump = (): void => {
              while (offset < body.length) {
                const piece = body.subarray(offset, offset + 64 * 1024);
                offset += piece.length;
                if (!res.write(piece)) return void res.once('drain', pump);
              }
              res.end();
            };
            pump();
          },
          { requestTimeoutMs: 10_000, idleTimeoutMs: 5_000 },
        ),
      );
      expect(result.record.error_class).toBeUndefined();
      expect(result.record.token_chunks).toBe(2);
      expect(result.elapsedMs).toBeLessThan(5_000);
      // The line (10 MB), its string and the parse: far below what a copy per read would take.
      expect(peakGrowthBytes).toBeLessThan(200 * 1024 * 1024);
    }, 20_000);
  });

  describe('framing that only a careful reader gets right, across real reads', () => {
    /** Writes the pieces one per 5 ms, so each is (very likely) a read of its own. */
    function trickle(pieces: Array<string | Buffer>): Handler {
      return (_req, res) => {
        res.writeHead(200, SSE_HEADERS);
        let index = 0;
        every(5, () => {
          const piece = pieces[index++];
          if (piece === undefined) res.end();
          else res.write(piece);
        });
      };
    }

    it('UTF-8 split inside a character, CRLF and lone-CR line ends, many events in one read', async () => {
      const emoji = Buffer.from(`${chunk('🦀é')}\r\n\r\n`);
      const cut = emoji.indexOf(Buffer.from('🦀')) + 2; // inside the 4-byte sequence
      const { record } = await send(
        '/framing',
        trickle([
          ': keep-alive\r\r',
          emoji.subarray(0, cut),
          emoji.subarray(cut),
          `${chunk('a')}\r`,
          `\n\r\n${chunk('b')}\r\r${chunk('c')}\n\n${chunk('d')}\r\n\r\n`,
          `${FINAL}\r\n\r\ndata: [DO`,
          'NE]\r\n\r\n',
        ]),
      );
      expect(record.error_class).toBeUndefined();
      expect(record.token_chunks).toBe(5);
      expect(record.keep_alives).toBe(1);
    });

    it('garbage lines between tokens: counted as invalid_events, the tokens still measured', async () => {
      const { record } = await send(
        '/garbage',
        trickle([
          `${chunk('a')}\n\n`,
          'data: {"choices":[{"delta":{"content":"x"\n\n', // truncated JSON
          'data: not json at all\n\n',
          'bogus-field: 1\n\n', // not an SSE field
          ': generation_stats {oops\n\n', // an EXO comment that does not parse
          `${chunk('b')}\n\n${FINAL}\n\ndata: [DONE]\n\n`,
        ]),
      );
      expect(record.error_class).toBeUndefined();
      expect(record.token_chunks).toBe(2);
      expect(record.invalid_events).toBe(4);
      // A clean stream carries no such field at all (records stay compact).
      const clean = await send('/clean', trickle([`${chunk('a')}\n\n${FINAL}\n\ndata: [DONE]\n\n`]));
      expect(clean.record.ok).toBe(true);
      expect(clean.record).not.toHaveProperty('invalid_events');
    });

    it('a stream cut after a token, without [DONE]: eof_without_done, not success', async () => {
      const { record } = await send('/cut', trickle([`${chunk('a')}\n\n`, `${chunk('b')}\n\nda`]));
      expect(record.error_class).toBe('eof_without_done');
      expect(record.token_chunks).toBe(2);
    });

    it('an error chunk inside a 200 stream: error_chunk with the server message', async () => {
      const { record } = await send(
        '/error-chunk',
        trickle([
          `${chunk('a')}\n\n`,
          'data: {"error":{"message":"Runner shutdown before completing command (exitcode=1)","type":"InternalServerError","code":500}}\n\n',
          'data: [DONE]\n\n',
        ]),
      );
      expect(record.error_class).toBe('error_chunk');
      expect(record.error_message).toBe('Runner shutdown before completing command (exitcode=1)');
    });

    it('a 200 that is not an event stream: protocol, with an excerpt of the body', async () => {
      const { record } = await send('/not-sse', (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end(`<html>${'z'.repeat(10_000)}</html>`);
      });
      expect(record.error_class).toBe('protocol');
      expect(record.error_message).toMatch(/^HTTP 200 but not an event stream: <html>z+…$/);
      expect(record.error_message!.length).toBeLessThan(400);
    });
  });
});
