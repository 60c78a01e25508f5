/**
 * src/util/undici.ts loads undici's Agent from its own module (not undici's index, which loads all of
 * undici). It must be undici's own, and carry a run's requests when `EXO_BENCH_HTTP_CLIENT=undici`
 * selects it (through the same httpRequest the lean client serves).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as undici from 'undici';
import { Agent } from '../../src/util/undici.js';
import { httpRequest } from '../../src/stream/index.js';

describe('undici loaded module by module', () => {
  let server: Server;
  let origin: string;
  const seen: { method?: string; url?: string; body: string }[] = [];

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, body });
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: true }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("is undici's own Agent class", () => {
    expect(Agent).toBe(undici.Agent);
    const agent = new Agent();
    expect(agent).toBeInstanceOf(undici.Dispatcher);
    void agent.close();
  });

  it('carries a control-plane call: method, path with its query, body; status and body back', async () => {
    const dispatcher = new Agent();
    try {
      const response = await httpRequest(`${origin}/v1/models?x=1`, {
        method: 'POST',
        body: 'hi',
        dispatcher,
      });
      expect(response.statusCode).toBe(201);
      expect(response.headers['content-type']).toBe('application/json');
      expect(JSON.parse(await response.body.text())).toEqual({ ok: true });
      const plain = await httpRequest(new URL(`${origin}/state`), { dispatcher });
      expect(await plain.body.text()).toBe('{"ok":true}');
      expect(seen).toEqual([
        { method: 'POST', url: '/v1/models?x=1', body: 'hi' },
        { method: 'GET', url: '/state', body: '' },
      ]);
    } finally {
      await dispatcher.close();
    }
  });
});
