/**
 * src/util/undici.ts loads undici's Agent and request() from their own modules (not undici's index, which
 * loads all of undici). They must be undici's own, and request() must behave as the index's does.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as undici from 'undici';
import { Agent, request } from '../../src/util/undici.js';

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

  it('sends what the index request() sends: method, path with its query, body; gives status and body', async () => {
    const dispatcher = new Agent();
    try {
      const ours = await request(`${origin}/v1/models?x=1`, { method: 'POST', body: 'hi', dispatcher });
      expect(ours.statusCode).toBe(201);
      expect(await ours.body.json()).toEqual({ ok: true });
      const theirs = await undici.request(`${origin}/v1/models?x=1`, {
        method: 'POST',
        body: 'hi',
        dispatcher,
      });
      await theirs.body.text();
      const plain = await request(new URL(`${origin}/state`), { method: 'GET', dispatcher });
      await plain.body.text();
      expect(seen).toEqual([
        { method: 'POST', url: '/v1/models?x=1', body: 'hi' },
        { method: 'POST', url: '/v1/models?x=1', body: 'hi' },
        { method: 'GET', url: '/state', body: '' },
      ]);
    } finally {
      await dispatcher.close();
    }
  });
});
