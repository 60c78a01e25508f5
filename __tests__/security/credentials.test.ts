/**
 * Credentials: the API key (read from the environment) and a password in the API URL are masked in
 * logs and never written to results.json, requests.jsonl, summary.md or report.html — even when a
 * server echoes the key back in an error body. Redirects are never followed, so a credential cannot
 * be carried to another server.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'undici';
import { runNode, type NodeRunOutcome } from '../../src/run/benchmark.js';
import { ExoClient, ExoHttpError } from '../../src/cluster/client.js';
import { parseConfigText } from '../../src/config/index.js';
import { startRequest } from '../../src/load/request.js';
import { startSimulator } from '../../src/simulator/index.js';
import { MemoryLogger } from '../helpers/memory-logger.js';

const KEY = 'sk-test-0123456789abcdefSECRET';
const PASSWORD = 'hunter2-url-password';

/** A node:http server on 127.0.0.1 that records what it was sent. */
interface RecordingServer {
  url: string;
  seen: Array<{ method: string; url: string; authorization: string | undefined }>;
  close(): Promise<void>;
}

async function startServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<RecordingServer> {
  const seen: RecordingServer['seen'] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization });
    req.resume();
    req.once('end', () => handler(req, res));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function openAiConfig(baseUrl: string, extraTarget = ''): string {
  return `
target:
  kind: openai
  base_url: '${baseUrl}'
  model: 'llama'
  api_key_env: BENCH_KEY
${extraTarget}
timeout_seconds: 3
request_timeout_seconds: 2
max_dispatch_lag_p99_ms: 1000
calibrate_prompts: false
stages:
  - { name: s, prompt_length: 16, generation_length: 4, time_between_requests: 0.02, iterations: 3 }
`;
}

interface Run {
  outcome: NodeRunOutcome;
  masked: string[];
  logger: MemoryLogger;
  /** Every file the run wrote, concatenated. */
  files: string;
}

async function run(text: string, apiUrl: string): Promise<Run> {
  const logger = new MemoryLogger();
  const masked: string[] = [];
  const outcome = await runNode(
    parseConfigText(text, 'credentials.yaml', {}),
    {
      apiUrl,
      env: { BENCH_KEY: KEY },
      isPrimary: true,
      expectedNodes: 1,
      timeoutSeconds: 3,
      outputDir: mkdtempSync(join(tmpdir(), 'exo-bench-security-')),
      runId: 'sec',
    },
    { logger, mask: (value) => masked.push(value), env: { mask: (value) => masked.push(value) } },
  );
  const files = [
    outcome.resultsPath,
    outcome.requestsPath,
    outcome.summaryPath,
    outcome.reportPath,
    outcome.benchmarkSmallerPath,
    outcome.benchmarkBiggerPath,
  ]
    .map((path) => readFileSync(path, 'utf8'))
    .join('\n');
  return { outcome, masked, logger, files };
}

describe('the API key', () => {
  it('is sent as a bearer token, masked, and written nowhere', async () => {
    const simulator = await startSimulator({ nodes: 1, flavor: 'openai' });
    try {
      const { outcome, masked, files } = await run(openAiConfig(simulator.url), simulator.url);
      expect(outcome.document.results.stages[0]?.successful_requests).toBe(3);
      expect(masked).toContain(KEY);
      expect(files).not.toContain(KEY);
      expect(files).not.toContain(KEY.slice(8));
    } finally {
      await simulator.close();
    }
  });

  it("is redacted from a server's error bodies that echo it (chat requests and the readiness probe)", async () => {
    const echo = (req: IncomingMessage, res: ServerResponse): void => {
      if (req.url === '/v1/models') {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":[{"id":"llama"}]}');
        return;
      }
      res
        .writeHead(401, { 'content-type': 'application/json' })
        .end(
          JSON.stringify({ error: { message: `Incorrect API key provided: ${req.headers.authorization}` } }),
        );
    };
    const server = await startServer(echo);
    try {
      const { outcome, files } = await run(openAiConfig(server.url), server.url);
      const stage = outcome.document.results.stages[0]!;
      expect(stage.failed_requests).toBe(3);
      // The server did see the key (so the redaction is what keeps it out of the files).
      expect(server.seen.filter((s) => s.method === 'POST').map((s) => s.authorization)).toEqual(
        Array(3).fill(`Bearer ${KEY}`),
      );
      expect(stage.errors[0]?.example).toContain('Incorrect API key provided: Bearer ***');
      expect(files).toContain('Bearer ***');
      expect(files).not.toContain(KEY);
    } finally {
      await server.close();
    }

    const refusing = await startServer((req, res) => {
      res.writeHead(403, { 'content-type': 'text/plain' }).end(`forbidden for ${req.headers.authorization}`);
    });
    try {
      const { outcome, files } = await run(openAiConfig(refusing.url), refusing.url);
      expect(outcome.verdict).toBe('error');
      expect(outcome.document.error?.message).toContain('HTTP 403 (forbidden for Bearer ***)');
      expect(files).not.toContain(KEY);
    } finally {
      await refusing.close();
    }
  });

  it('a password in the API URL is masked and kept out of every file', async () => {
    const server = await startServer((_req, res) => res.writeHead(503).end('down'));
    try {
      const withPassword = server.url.replace('http://', `http://bench:${PASSWORD}@`);
      const { outcome, masked, files } = await run(openAiConfig(withPassword), withPassword);
      expect(outcome.verdict).toBe('error');
      expect(masked).toContain(PASSWORD);
      expect(outcome.document.metadata.api_url).toBe(server.url);
      expect(files).not.toContain(PASSWORD);
    } finally {
      await server.close();
    }
  });
});

describe('redirects are never followed', () => {
  let elsewhere: RecordingServer;
  let redirecting: RecordingServer;

  beforeAll(async () => {
    elsewhere = await startServer((_req, res) => res.writeHead(200).end('{}'));
    redirecting = await startServer((req, res) => {
      res.writeHead(302, { location: `${elsewhere.url}${req.url ?? '/'}` }).end();
    });
  });

  afterAll(async () => {
    await Promise.all([elsewhere.close(), redirecting.close()]);
  });

  beforeEach(() => {
    elsewhere.seen.length = 0;
    redirecting.seen.length = 0;
  });

  it('a chat request with an Authorization header: 302 is an http_status failure, the target never called', async () => {
    const dispatcher = new Agent();
    try {
      const record = await startRequest(
        {
          origin: redirecting.url,
          path: '/v1/chat/completions',
          body: '{}',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
        },
        { stage: 's', index: 0, warmup: false, scheduledAtMs: Date.now() },
        { dispatcher, requestTimeoutMs: 2_000, idleTimeoutMs: 1_000 },
      ).done;
      expect(record.error_class).toBe('http_status');
      expect(record.http_status).toBe(302);
    } finally {
      await dispatcher.close();
    }
    expect(redirecting.seen).toHaveLength(1);
    expect(elsewhere.seen).toEqual([]);
  });

  it('the EXO control plane: a 302 is an error, not a hop', async () => {
    const client = new ExoClient(redirecting.url);
    await expect(client.nodeId()).rejects.toBeInstanceOf(ExoHttpError);
    expect(elsewhere.seen).toEqual([]);
  });

  it('a whole run against a redirecting openai server: error, the other server never sees the key', async () => {
    const { outcome, files } = await run(openAiConfig(redirecting.url), redirecting.url);
    expect(outcome.verdict).toBe('error');
    expect(redirecting.seen.length).toBeGreaterThan(0);
    expect(redirecting.seen.every((s) => s.authorization === `Bearer ${KEY}`)).toBe(true);
    expect(elsewhere.seen).toEqual([]);
    expect(files).not.toContain(KEY);
  }, 15_000);
});
