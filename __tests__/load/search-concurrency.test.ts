/**
 * A concurrency search end to end against the simulator's openai flavour. Ground truth from the timing
 * model (src/simulator/engine.ts): a batch of C = maxConcurrentRequests = 4 sequences and a FIFO queue.
 * Closed loop with N ≤ C requests in flight, every request finds a free slot: TTFT is the prefill
 * (≈ 2.3 ms). With N > C, N − C requests always wait in the queue for a slot, which frees every
 * S ÷ C = 25 ms on average (S = (G − 1) × step = 100 ms): by Little's law the mean wait is
 * N ÷ (C ÷ S) − S = 25 ms at N = 5, and the p95 wait is near a whole S. With the bound TTFT p95 ≤ 50 ms
 * (about halfway between the ≈ 2 ms at N ≤ C and the ≈ S at N > C, so that a stall of a busy test
 * machine — CI runs two test files at once — cannot fail the probe at C) the capacity is exactly C = 4, bracket [4, 5]: probes 1, 2, 4, 8 (bracket), then 6 and 5 (bisection
 * to a width of 1) — 6 probes, asserted ≤ 6.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runNode, type NodeRunOutcome } from '../../src/run/benchmark.js';
import { parseConfigText } from '../../src/config/index.js';
import type { RequestRecord } from '../../src/metrics/record.js';
import type { GroundTruthRecord } from '../../src/simulator/ground-truth.js';
import { DEFAULT_PROFILE, FAST_TEST_PROFILE } from '../../src/simulator/index.js';
import { MemoryLogger } from '../helpers/memory-logger.js';
import { startSimulatorProcess, writeProfile } from '../helpers/simulator-process.js';

const C = 4;
const PROBE_REQUESTS = 40;

describe('concurrency search against the simulator (openai flavour)', () => {
  let outcome: NodeRunOutcome;
  let records: RequestRecord[];
  let truth: GroundTruthRecord[];

  beforeAll(async () => {
    const simulator = await startSimulatorProcess([
      '--flavor',
      'openai',
      '--seed',
      '7',
      '--profile',
      writeProfile({
        ...FAST_TEST_PROFILE,
        maxConcurrentRequests: C,
        prefillTokensPerSecond: 50_000,
        prefillOverheadMs: 1,
        decodeTokensPerSecond: 40,
        decodeSlowdownPerExtraStream: 0,
      }),
    ]);
    const url = simulator.nodes[0]?.url ?? '';
    try {
      const config = parseConfigText(
        `target:
  kind: openai
  base_url: http://127.0.0.1:1/v1
  model: ${DEFAULT_PROFILE.openai.model}
max_dispatch_lag_p99_ms: 1000
stages:
  - name: slots
    prompt_length: 64
    generation_length: 5
    search:
      metric: ttft_p95_ms
      max: 50
      concurrency: {min: 1, max: 32}
      probe_requests: ${PROBE_REQUESTS}
    thresholds: ["capacity_concurrency >= 4"]
`,
        'concurrency.yaml',
        {},
      );
      outcome = await runNode(
        config,
        {
          apiUrl: url,
          isPrimary: true,
          expectedNodes: 0,
          timeoutSeconds: 10,
          outputDir: mkdtempSync(join(tmpdir(), 'exo-bench-search-c-')),
          runId: 'search-concurrency-test',
        },
        { logger: new MemoryLogger(), mask: () => undefined },
      );
      records = readFileSync(outcome.requestsPath, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as RequestRecord);
      const body = (await (await fetch(`${url}/_simulator/requests`)).json()) as
        GroundTruthRecord[] | { requests: GroundTruthRecord[] };
      truth = Array.isArray(body) ? body : body.requests;
    } finally {
      await simulator.stop();
    }
  }, 120_000);

  it('finds the batch size as the capacity, bracket [C, C + 1], in at most 6 probes', () => {
    const search = outcome.document.results.stages[0]?.search;
    console.log(
      `concurrency search: ${search?.probes.map((p) => `${p.load}→${p.value?.toFixed(1)}${p.passed ? '✓' : '✗'}`).join(' ')}`,
    );
    expect(search).toMatchObject({
      mode: 'concurrency',
      capacity: C,
      capacity_low: C,
      capacity_high: C + 1,
      converged: true,
      reason: 'converged',
    });
    expect(search?.probes.map((p) => p.load)).toEqual([1, 2, 4, 8, 6, 5]);
    expect(outcome.document.thresholds?.map((t) => [t.expression, t.status, t.observed])).toEqual([
      ['capacity_concurrency >= 4', 'pass', C],
    ]);
    expect(outcome.verdict).toBe('pass');
  });

  it('kept each probe at its concurrency: exactly N requests open at the peak, never more', () => {
    const search = outcome.document.results.stages[0]?.search;
    for (const probe of search?.probes ?? []) {
      const mine = records.filter((r) => r.probe === probe.index);
      expect(mine).toHaveLength(PROBE_REQUESTS);
      // In flight from send to end; an end before a send at the same instant frees the slot first.
      const events = mine
        .flatMap((r) => [
          { at: r.sent_at_ms, delta: 1 },
          { at: r.ended_at_ms, delta: -1 },
        ])
        .sort((a, b) => a.at - b.at || a.delta - b.delta);
      let open = 0;
      let peak = 0;
      for (const event of events) {
        open += event.delta;
        peak = Math.max(peak, open);
      }
      expect(peak).toBe(probe.load);
    }
  });

  it('the server saw every request of the search (ground truth)', () => {
    const completed = truth.filter((t) => t.max_tokens === 5 && t.outcome === 'completed');
    expect(completed.length).toBeGreaterThanOrEqual(records.length);
  });
});
