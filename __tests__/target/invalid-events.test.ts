/**
 * A server whose streams carry unusable lines among good chunks: each request records how many
 * (`invalid_events` in requests.jsonl), the stage sums them in results.json, and the summary says the
 * stream is malformed — while the tokens around the garbage are still measured.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runNode } from '../../src/run/benchmark.js';
import { parseConfigText } from '../../src/config/index.js';
import type { RequestRecord } from '../../src/metrics/record.js';
import { MemoryLogger } from '../helpers/memory-logger.js';

const MODEL = 'garbled-1b';

function chunk(delta: Record<string, unknown>, extra = ''): string {
  return `data: {"id":"c1","object":"chat.completion.chunk","model":"${MODEL}","choices":[{"index":0,"delta":${JSON.stringify(delta)},"finish_reason":null}]${extra}}\n\n`;
}

/** OpenAI-compatible: /v1/models, and streams where every other request has three unusable lines. */
function garbledServer(): Server {
  let streams = 0;
  return createServer((req, res) => {
    req.resume();
    if (req.method === 'GET' && req.url === '/v1/models') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: [{ id: MODEL, object: 'model' }] }));
      return;
    }
    req.on('end', () => {
      const garbled = streams++ % 2 === 0;
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(chunk({ role: 'assistant', content: '' }));
      res.write(chunk({ content: 'Hello' }));
      if (garbled)
        res.write('data: {"choices":[{"delta":{"content":"trunc\n\ndata: <html>oops</html>\n\nweird: 1\n\n');
      res.write(chunk({ content: ' world' }));
      res.end(
        `data: {"id":"c1","object":"chat.completion.chunk","model":"${MODEL}","choices":[{"index":0,"delta":{},"finish_reason":"length"}],"usage":{"prompt_tokens":20,"completion_tokens":2,"total_tokens":22}}\n\ndata: [DONE]\n\n`,
      );
    });
  });
}

describe('unusable stream lines', () => {
  let server: Server;
  let url: string;

  beforeAll(async () => {
    server = garbledServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('are counted per request, summed per stage and named in the summary', async () => {
    const config = parseConfigText(
      `target:
  kind: openai
  base_url: ${url}
  model: ${MODEL}
calibrate_prompts: false
max_dispatch_lag_p99_ms: 1000
stages:
  - name: garbled
    prompt_length: 20
    generation_length: 2
    time_between_requests: 0.02
    iterations: 4
`,
      'garbled.yaml',
      {},
    );
    const outputDir = mkdtempSync(join(tmpdir(), 'exo-bench-garbled-'));
    const outcome = await runNode(
      config,
      // As in the CLI, the API URL (here the server's origin) stands for base_url's server.
      {
        apiUrl: url.replace(/\/v1$/, ''),
        isPrimary: true,
        expectedNodes: 0,
        timeoutSeconds: 10,
        outputDir,
        runId: 'garbled',
      },
      { logger: new MemoryLogger() },
    );
    const records = readFileSync(outcome.requestsPath, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as RequestRecord);
    expect(records).toHaveLength(4);
    expect(records.every((r) => r.ok && r.token_chunks === 2)).toBe(true);
    expect(records.map((r) => r.invalid_events ?? 0).sort()).toEqual([0, 0, 3, 3]);
    const stage = outcome.document.results.stages[0]!;
    expect(stage).toMatchObject({ invalid_events: 6, requests_with_invalid_events: 2 });
    expect(outcome.summaryMarkdown).toContain(
      '- garbled: 6 stream lines could not be used (not JSON, not SSE) in 2 of 4 requests',
    );
    const results = JSON.parse(readFileSync(join(outputDir, 'results.json'), 'utf8')) as {
      results: { stages: Array<{ invalid_events: number }> };
    };
    expect(results.results.stages[0]!.invalid_events).toBe(6);
  });
});
