/**
 * The validity gate: a dispatch-lag p99 is judged only on enough samples (one late request of a
 * one-request run must not make it invalid), while a real schedule slip on a large stage still does.
 * The send path is warmed before each stage's first scheduled request, without sending anything.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'undici';
import { runNode } from '../../src/run/benchmark.js';
import { judgeValidity, MIN_P99_SAMPLES } from '../../src/verdict/validity.js';
import { parseConfigText } from '../../src/config/index.js';
import type { StageConfig } from '../../src/config/types.js';
import { runStage } from '../../src/load/stage.js';
import { summarize } from '../../src/metrics/stats.js';
import type { ResultsDocument, StageResults } from '../../src/results/document.js';
import { FAST_TEST_PROFILE, startSimulator } from '../../src/simulator/index.js';
import { systemClock } from '../../src/util/clock.js';
import { describeVerdict } from '../../src/verdict/index.js';
import { MemoryLogger } from '../helpers/memory-logger.js';

const CONFIG = parseConfigText(
  `hardware_plan: {a: 1}\nmodel_ids: [m]\nstages:\n  - {name: s, prompt_length: 8, generation_length: 8, time_between_requests: 1, iterations: 1}\n`,
  'c.yaml',
  {},
).config;

/** A stage's results with only what the gate reads: its name, config and dispatch lags. */
function stageWithLags(name: string, lagsMs: number[], warmup = false): StageResults {
  return {
    name,
    config: { ...(CONFIG.stages[0] as StageConfig), name, warmup },
    dispatch_lag_ms: summarize(lagsMs),
  } as unknown as StageResults;
}

describe('judgeValidity', () => {
  it('does not fail a one-request stage on its one late request: the gate is inconclusive and says why', () => {
    const validity = judgeValidity(CONFIG, [stageWithLags('simple', [9.23])], 0.8, 5000);
    expect(validity).toMatchObject({
      valid: true,
      status: 'inconclusive',
      reasons: [],
      notes: [
        `stage simple: dispatch lag p99 9.23 ms from 1 request, not judged (a p99 needs ≥ ${MIN_P99_SAMPLES})`,
      ],
      dispatch_lag_p99_ms: 9.23,
    });
  });

  it('judges a stage of at least 100 requests, and names the sample count in the reason', () => {
    const late = Array.from({ length: 150 }, (_, i) => (i < 10 ? 40 : 0.2));
    const validity = judgeValidity(CONFIG, [stageWithLags('big', late)], 0.8, 5000);
    expect(validity.valid).toBe(false);
    expect(validity.status).toBe('invalid');
    expect(validity.reasons).toEqual([
      'stage big: dispatch lag p99 40.00 ms > 5 ms over 150 requests (the load generator fell behind its schedule)',
    ]);
  });

  it('a large stage on time is valid, a small one beside it is noted', () => {
    const validity = judgeValidity(
      CONFIG,
      [stageWithLags('big', new Array<number>(120).fill(0.3)), stageWithLags('small', [7])],
      0.8,
      5000,
    );
    expect(validity).toMatchObject({ valid: true, status: 'valid', reasons: [] });
    expect(validity.notes).toHaveLength(1);
  });

  it('leaves warm-up stages out of the gate', () => {
    const validity = judgeValidity(
      CONFIG,
      [stageWithLags('warmup', new Array<number>(200).fill(50), true)],
      null,
    );
    expect(validity).toMatchObject({ valid: true, reasons: [], dispatch_lag_p99_ms: null });
  });

  it('judges the event-loop delay only on enough samples too', () => {
    expect(judgeValidity(CONFIG, [], 90, 20).reasons).toEqual([]);
    expect(judgeValidity(CONFIG, [], 90, 20).notes).toEqual([
      'event-loop delay p99 90.0 ms from 20 samples, not judged (a p99 needs ≥ 100)',
    ]);
    expect(judgeValidity(CONFIG, [], 90, 5000).reasons).toEqual([
      'event-loop delay p99 90.0 ms > 20 ms (timestamps may be late by that much)',
    ]);
  });
});

describe('the send path is warmed before a stage, without sending', () => {
  let server: Server;
  let origin: string;
  const received: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      received.push(`${req.method} ${req.url}`);
      req.resume();
      req.once('end', () => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.end(
          'data: {"choices":[{"index":0,"delta":{"content":"x"}}],"usage":{"prompt_tokens":1,"completion_tokens":1}}\n\ndata: [DONE]\n\n',
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('builds request 0 once more than it sends, and the server sees exactly the stage requests', async () => {
    const built: number[] = [];
    const dispatcher = new Agent({ connections: null });
    const stage: StageConfig = {
      name: 's',
      prompt_length: 8,
      generation_length: 1,
      time_between_requests: 0.01,
      iterations: 3,
      no_overlap: false,
      warmup_requests: 0,
      warmup: false,
    };
    const run = await runStage(stage, {
      clock: systemClock,
      logger: new MemoryLogger(),
      request: { dispatcher, requestTimeoutMs: 5000, idleTimeoutMs: 5000 },
      buildRequest: (index) => {
        built.push(index);
        return { origin, path: '/v1/chat/completions', body: '{}', headers: {} };
      },
      onRecord: () => undefined,
      progressIntervalMs: 60_000,
    });
    await dispatcher.close();
    expect(built).toEqual([0, 0, 1, 2]);
    expect(received).toEqual(new Array<string>(3).fill('POST /v1/chat/completions'));
    expect(run.records.map((record) => [record.index, record.ok])).toEqual([
      [0, true],
      [1, true],
      [2, true],
    ]);
  });
});

describe('a real schedule slip on a large stage', () => {
  it('still ends invalid, and the verdict line gives the reason', async () => {
    const simulator = await startSimulator({ nodes: 1, seed: 3, profile: { ...FAST_TEST_PROFILE } });
    // The load generator is starved: every 20 ms its event loop is blocked for 12 ms, so requests due
    // in that window go out late. 150 requests over 0.6 s: enough samples to judge a p99.
    const blocker = setInterval(() => {
      const until = performance.now() + 12;
      while (performance.now() < until);
    }, 20);
    try {
      const outputDir = mkdtempSync(join(tmpdir(), 'exo-bench-slip-'));
      const outcome = await runNode(
        parseConfigText(
          `hardware_plan: {a: 1}\nmodel_ids: [mlx-community/Llama-3.2-1B-Instruct-4bit]\ncalibrate_prompts: false\nstages:\n  - {name: big, prompt_length: 16, generation_length: 2, time_between_requests: 0.004, iterations: 150}\n`,
          'slip.yaml',
          {},
        ),
        {
          apiUrl: simulator.url,
          isPrimary: true,
          expectedNodes: 1,
          timeoutSeconds: 30,
          outputDir,
          runId: 'slip',
          pollIntervalMs: 20,
        },
        { logger: new MemoryLogger() },
      );
      const document = JSON.parse(readFileSync(outcome.resultsPath, 'utf8')) as ResultsDocument;
      expect(document.verdict).toBe('invalid');
      expect(document.validity.status).toBe('invalid');
      expect(document.validity.reasons[0]).toMatch(
        /^stage big: dispatch lag p99 [\d.]+ ms > 5 ms over 150 requests/,
      );
      expect(describeVerdict(document)).toMatch(/^verdict: invalid \(stage big: dispatch lag p99/);
    } finally {
      clearInterval(blocker);
      await simulator.close();
    }
  }, 30_000);
});
