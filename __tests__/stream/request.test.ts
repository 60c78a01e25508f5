/**
 * httpRequest (src/stream/request.ts): the control plane's calls over the lean HTTP/1.1 client, against
 * node:http and node:net servers started here on 127.0.0.1. The head resolves the call; the body is read
 * whole (text) or waited out (done); timeouts, aborts, a refused connection and an oversized body are
 * errors with the transport's codes; idle sockets are reused.
 */
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { Http1Dispatcher, httpRequest } from '../../src/stream/index.js';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

interface HttpFixture {
  origin: string;
  connections: () => number;
  close: () => Promise<void>;
}

async function httpServer(handler: Handler): Promise<HttpFixture> {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server: Server = createHttpServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => handler(req, body, res));
  });
  server.on('connection', (socket: Socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    connections: () => connections,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

let dispatcher: Http1Dispatcher;
beforeEach(() => {
  dispatcher = new Http1Dispatcher();
});
afterEach(async () => {
  await dispatcher.close();
});

describe('httpRequest', () => {
  it('sends method, path with query, headers and body; resolves at the head with status and headers', async () => {
    const seen: unknown[] = [];
    const server = await httpServer((req, body, res) => {
      seen.push({ method: req.method, url: req.url, type: req.headers['content-type'], body });
      res.writeHead(201, { 'content-type': 'application/json', 'x-two': ['a', 'b'] });
      res.end('{"é":1}');
    });
    try {
      const response = await httpRequest(`${server.origin}/instance?model_id=a%2Fb`, {
        dispatcher,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"x":"ü"}',
      });
      expect(response.statusCode).toBe(201);
      expect(response.headers['content-type']).toBe('application/json');
      expect(response.headers['x-two']).toEqual(['a', 'b']);
      expect(await response.body.text()).toBe('{"é":1}');
      expect(seen).toEqual([
        { method: 'POST', url: '/instance?model_id=a%2Fb', type: 'application/json', body: '{"x":"ü"}' },
      ]);
    } finally {
      await server.close();
    }
  });

  it('GET by default with an empty body; a chunked body arrives whole; a non-2xx status is a response', async () => {
    const server = await httpServer((req, body, res) => {
      if (req.url === '/missing') {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ detail: 'no such key', method: req.method, body }));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain' });
      for (let i = 0; i < 50; i++) res.write(`part ${i};`);
      res.end();
    });
    try {
      const chunked = await httpRequest(`${server.origin}/parts`, { dispatcher });
      expect(await chunked.body.text()).toBe(Array.from({ length: 50 }, (_, i) => `part ${i};`).join(''));
      const missing = await httpRequest(new URL(`${server.origin}/missing`), { dispatcher });
      expect(missing.statusCode).toBe(404);
      expect(JSON.parse(await missing.body.text())).toEqual({
        detail: 'no such key',
        method: 'GET',
        body: '',
      });
    } finally {
      await server.close();
    }
  });

  it('sequential calls reuse one keep-alive socket', async () => {
    const server = await httpServer((_req, _body, res) => res.end('ok'));
    try {
      for (let i = 0; i < 5; i++) {
        const response = await httpRequest(`${server.origin}/state`, { dispatcher });
        expect(await response.body.text()).toBe('ok');
      }
      expect(server.connections()).toBe(1);
    } finally {
      await server.close();
    }
  });

  it('a refused connection rejects with its code', async () => {
    const probe = createNetServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    await expect(httpRequest(`http://127.0.0.1:${port}/node_id`, { dispatcher })).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
  });

  it('a head that does not come in headersTimeout rejects with UND_ERR_HEADERS_TIMEOUT', async () => {
    const server = await httpServer(() => undefined);
    try {
      await expect(
        httpRequest(`${server.origin}/state`, { dispatcher, headersTimeout: 50 }),
      ).rejects.toMatchObject({ code: 'UND_ERR_HEADERS_TIMEOUT' });
    } finally {
      await server.close();
    }
  });

  it('a body that stalls beyond bodyTimeout fails text() with UND_ERR_BODY_TIMEOUT', async () => {
    const server = await httpServer((_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first');
    });
    try {
      const response = await httpRequest(`${server.origin}/state`, { dispatcher, bodyTimeout: 50 });
      expect(response.statusCode).toBe(200);
      await expect(response.body.text()).rejects.toMatchObject({ code: 'UND_ERR_BODY_TIMEOUT' });
    } finally {
      await server.close();
    }
  });

  it("an abort before the head rejects with the signal's reason; an aborted signal sends nothing", async () => {
    let requests = 0;
    const server = await httpServer(() => requests++);
    try {
      const abort = new AbortController();
      const call = httpRequest(`${server.origin}/state`, { dispatcher, signal: abort.signal });
      setTimeout(() => abort.abort(new Error('run cancelled')), 30);
      await expect(call).rejects.toThrow('run cancelled');
      const before = requests;
      await expect(
        httpRequest(`${server.origin}/state`, { dispatcher, signal: AbortSignal.abort() }),
      ).rejects.toMatchObject({ name: 'AbortError' });
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect(requests).toBe(before);
    } finally {
      await server.close();
    }
  });

  it('an abort within the body fails text()', async () => {
    const server = await httpServer((_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: 1\n\n');
    });
    try {
      const abort = new AbortController();
      const response = await httpRequest(`${server.origin}/bench/chat/completions`, {
        dispatcher,
        signal: abort.signal,
      });
      const text = response.body.text();
      abort.abort(new Error('closed by the primary'));
      await expect(text).rejects.toThrow('closed by the primary');
    } finally {
      await server.close();
    }
  });

  it('a body larger than maxBodyBytes is an error, not kept', async () => {
    const server = await httpServer((_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      for (let i = 0; i < 64; i++) res.write('x'.repeat(1024));
      res.end();
    });
    try {
      const response = await httpRequest(`${server.origin}/state`, { dispatcher, maxBodyBytes: 10_000 });
      await expect(response.body.text()).rejects.toMatchObject({ code: 'UND_ERR_RES_EXCEEDED_MAX_SIZE' });
    } finally {
      await server.close();
    }
  });

  it('done() waits for the end of a streamed body', async () => {
    const server = await httpServer((_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      let sent = 0;
      const timer = setInterval(() => {
        res.write(`data: ${'y'.repeat(4096)}\n\n`);
        if (++sent === 20) {
          clearInterval(timer);
          res.end();
        }
      }, 2);
    });
    try {
      const response = await httpRequest(`${server.origin}/bench/chat/completions`, { dispatcher });
      const startedAt = Date.now();
      await expect(response.body.done()).resolves.toBeUndefined();
      // The 20 writes are ≥ 2 ms apart: done() waited for the last of them.
      expect(Date.now() - startedAt).toBeGreaterThanOrEqual(20);
    } finally {
      await server.close();
    }
  });

  it('a byte order mark before a JSON body is dropped, as undici did', async () => {
    const server = await httpServer((_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('\ufeff{"id":"n1"}');
    });
    try {
      const response = await httpRequest(`${server.origin}/node_id`, { dispatcher });
      expect(JSON.parse(await response.body.text())).toEqual({ id: 'n1' });
    } finally {
      await server.close();
    }
  });

  it('a dispatcher that throws instead of reporting rejects the call, and leaves no abort listener', async () => {
    const abort = new AbortController();
    const throwing = {
      dispatch(): boolean {
        throw new TypeError('invalid options');
      },
    };
    await expect(
      httpRequest('http://127.0.0.1:9/state', { dispatcher: throwing, signal: abort.signal }),
    ).rejects.toThrow('invalid options');
    // Aborting afterwards reaches no handler (nothing left to fail twice).
    expect(() => abort.abort()).not.toThrow();
  });
});
