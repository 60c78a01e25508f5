/**
 * Sustained load: 1,000 requests/s against the simulator (in its own process, over real sockets), with
 * every request accounted for — successful + failed = fired, one record per index — and the statistics
 * of results.json identical to those recomputed from requests.jsonl. The 5 s variant always runs; the
 * 60 s one only with EXO_BENCH_LONG=1: .ci/run runs it once, alone, after the two test passes.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runNode } from '../../src/run/benchmark.js';
import { parseConfigText } from '../../src/config/index.js';
import { computeStatistics } from '../../src/metrics/aggregate.js';
import type { RequestRecord } from '../../src/metrics/record.js';
import { stageStatistics, type ResultsDocument } from '../../src/results/document.js';
import { FAST_TEST_PROFILE } from '../../src/simulator/profile.js';
import { missingBundles, startSimulatorProcess } from '../e2e/runner.js';
import { MemoryLogger } from '../helpers/memory-logger.js';
import { writeProfile } from '../helpers/simulator-process.js';

const MODEL = 'mlx-community/Llama-3.2-1B-Instruct-4bit';
const RATE_PER_SECOND = 1_000;

/** JSON's view of a value (undefined dropped, non-finite numbers null), as results.json holds it. */
function asJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

async function sustainedLoad(seconds: number): Promise<void> {
  const missing = missingBundles();
  if (missing.length > 0) throw new Error(`run npm run build first; missing: ${missing.join(', ')}`);
  const iterations = RATE_PER_SECOND * seconds;
  const simulator = await startSimulatorProcess([
    '--nodes',
    '1',
    '--profile',
    // Short requests and a batch far above the load: the server keeps up, so the test measures the client.
    writeProfile({
      ...FAST_TEST_PROFILE,
      maxConcurrentRequests: 1024,
      decodeSlowdownPerExtraStream: 0,
      keepAliveIntervalMs: 60_000,
    }),
  ]);
  const outputDir = mkdtempSync(join(tmpdir(), 'exo-bench-load-'));
  try {
    const text = `
hardware_plan: { sim: 1 }
timeout_seconds: 20
request_timeout_seconds: 30
stream_idle_timeout_seconds: 30
# Two shared cores: lateness is reported, not under test here.
max_dispatch_lag_p99_ms: 10000
calibrate_prompts: false
model_ids: ['${MODEL}']
stages:
  - name: sustained
    prompt_length: 16
    generation_length: 4
    time_between_requests: ${1 / RATE_PER_SECOND}
    iterations: ${iterations}
    warmup_requests: 10
`;
    const outcome = await runNode(
      parseConfigText(text, 'load.yaml', {}),
      {
        apiUrl: simulator.nodes[0]!.url,
        isPrimary: true,
        expectedNodes: 1,
        timeoutSeconds: 20,
        outputDir,
        runId: 'load',
        pollIntervalMs: 50,
      },
      { logger: new MemoryLogger() },
    );
    expect(outcome.document.error).toBeNull();

    // Every request fired has exactly one record, in the file as in memory.
    const fromJsonl = readFileSync(outcome.requestsPath, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as RequestRecord);
    expect(fromJsonl).toHaveLength(iterations);
    expect(new Set(fromJsonl.map((r) => r.index)).size).toBe(iterations);
    expect(fromJsonl.filter((r) => r.warmup)).toHaveLength(10);

    const results = JSON.parse(readFileSync(outcome.resultsPath, 'utf8')) as ResultsDocument;
    const stage = results.results.stages[0]!;
    expect(stage.counted_requests + stage.warmup_requests).toBe(iterations);
    expect(stage.counted_successful_requests + stage.counted_failed_requests).toBe(stage.counted_requests);
    expect(stage.counted_successful_requests).toBe(fromJsonl.filter((r) => r.ok && !r.warmup).length);
    expect(stage.counted_successful_requests).toBeGreaterThan(0);

    // The statistics, recomputed from requests.jsonl (in the stage's index order), are results.json's.
    const recomputed = asJson(computeStatistics([...fromJsonl].sort((a, b) => a.index - b.index)));
    // Our figures, under our names (in results.json the seed's names hold the seed's figures).
    const ours = stageStatistics(stage) as unknown as Record<string, unknown>;
    const stored = Object.fromEntries(Object.keys(recomputed).map((key) => [key, ours[key]]));
    expect(stored).toEqual(recomputed);
    expect(results.results.run).toEqual(recomputed);

    // The server saw each request the client sent (those that reached it: they carry a status).
    const stats = (await (await fetch(`${simulator.nodes[0]!.url}/_simulator/stats`)).json()) as {
      requests_recorded: number;
    };
    expect(stats.requests_recorded).toBe(fromJsonl.filter((r) => r.http_status !== undefined).length);
  } finally {
    await simulator.stop();
    rmSync(outputDir, { recursive: true, force: true });
  }
}

it('1,000 requests/s for 5 s: every request accounted for, results.json = requests.jsonl', async () => {
  await sustainedLoad(5);
}, 40_000);

const long = process.env.EXO_BENCH_LONG === '1' ? it : it.skip;
long(
  '1,000 requests/s for 60 s (EXO_BENCH_LONG=1)',
  async () => {
    await sustainedLoad(60);
  },
  180_000,
);
