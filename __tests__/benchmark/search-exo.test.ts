/**
 * A capacity search on an EXO target, beside an ordinary stage: the cluster phase, the drain between
 * probes (each ends with all its requests, then EXO's state is polled until no task is in flight), and the run-level figures,
 * which cover the ordinary stage only. The timing model (src/simulator/engine.ts) puts the capacity of
 * a concurrency search with the bound TTFT p95 ≤ 50 ms at exactly maxConcurrentRequests = 4 (see
 * __tests__/load/search-concurrency.test.ts for the derivation).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runNode, type NodeRunOutcome } from '../../src/run/benchmark.js';
import { parseConfigText } from '../../src/config/index.js';
import type { RequestRecord } from '../../src/metrics/record.js';
import { FAST_TEST_PROFILE, startSimulator } from '../../src/simulator/index.js';
import { MemoryLogger } from '../helpers/memory-logger.js';

const CONFIG = `
hardware_plan:
  M3ULTRA_GPU80_512GB: 1
timeout_seconds: 30
max_dispatch_lag_p99_ms: 1000
model_ids:
  - mlx-community/Llama-3.2-1B-Instruct-4bit
thresholds: ["capacity_concurrency >= 4", "success_rate >= 1"]
stages:
  - name: slots
    prompt_length: 64
    generation_length: 5
    search:
      metric: ttft_p95_ms
      max: 50
      concurrency: {min: 1, max: 16}
      probe_requests: 24
  - name: steady
    prompt_length: 64
    generation_length: 5
    time_between_requests: 0.05
    iterations: 10
`;

describe('capacity search on an EXO target (simulated cluster)', () => {
  let outcome: NodeRunOutcome;
  let records: RequestRecord[];
  const logger = new MemoryLogger();

  beforeAll(async () => {
    const simulator = await startSimulator({
      nodes: 1,
      seed: 11,
      profile: {
        ...FAST_TEST_PROFILE,
        maxConcurrentRequests: 4,
        decodeTokensPerSecond: 40,
        decodeSlowdownPerExtraStream: 0,
      },
    });
    try {
      outcome = await runNode(
        parseConfigText(CONFIG, 'search-exo.yaml', {}),
        {
          apiUrl: simulator.url,
          isPrimary: true,
          expectedNodes: 1,
          timeoutSeconds: 30,
          outputDir: mkdtempSync(join(tmpdir(), 'exo-bench-search-exo-')),
          runId: 'search-exo',
          pollIntervalMs: 20,
        },
        { logger },
      );
      records = readFileSync(outcome.requestsPath, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as RequestRecord);
    } finally {
      await simulator.close();
    }
  }, 120_000);

  it('finds the batch size, each probe starting once the previous one has drained', () => {
    const search = outcome.document.results.stages[0]?.search;
    expect(search).toMatchObject({ capacity: 4, capacity_high: 5, converged: true });
    expect(logger.lines.filter((line) => /stage slots: probe \d+ at /.test(line))).toHaveLength(
      search?.probes.length ?? -1,
    );
    const probes = search?.probes ?? [];
    for (let i = 1; i < probes.length; i += 1)
      expect(probes[i]!.started_at_ms).toBeGreaterThan(probes[i - 1]!.ended_at_ms);
    // The wait for EXO to show no request in flight ended by itself, never at its deadline.
    expect(logger.lines.some((line) => /in-flight requests to drain/.test(line))).toBe(false);
  });

  it('leaves the search out of the run-level figures, which cover the ordinary stage', () => {
    const { document } = outcome;
    expect(document.results.run_stages).toEqual(['steady']);
    expect(document.results.run?.total_requests).toBe(10);
    expect(records.filter((r) => r.stage === 'slots').every((r) => r.probe !== undefined)).toBe(true);
    expect(records.filter((r) => r.stage === 'steady').every((r) => r.probe === undefined)).toBe(true);
    expect(document.thresholds?.map((t) => [t.expression, t.status])).toEqual([
      ['capacity_concurrency >= 4', 'pass'],
      ['success_rate >= 1', 'pass'],
    ]);
    expect(outcome.verdict).toBe('pass');
    expect(outcome.summaryMarkdown).toContain('(capacity search left out: slots)');
  });

  it("charts the capacity for github-action-benchmark, and none of the probes' mixed latencies", () => {
    const bigger = JSON.parse(readFileSync(outcome.benchmarkBiggerPath, 'utf8')) as Array<{
      name: string;
      value: number;
    }>;
    const smaller = JSON.parse(readFileSync(outcome.benchmarkSmallerPath, 'utf8')) as Array<{ name: string }>;
    expect(bigger.filter((entry) => entry.name.startsWith('slots'))).toEqual([
      expect.objectContaining({ name: 'slots · capacity_concurrency', value: 4, unit: 'requests in flight' }),
    ]);
    expect(bigger).toContainEqual(
      expect.objectContaining({ name: 'all stages · capacity_concurrency', value: 4 }),
    );
    expect(smaller.some((entry) => entry.name.startsWith('slots'))).toBe(false);
  });
});
