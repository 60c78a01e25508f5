/**
 * Trace replay and shared prefixes end to end through runNode, against the simulator's EXO flavour and
 * its openai flavour (in-process), each checked with the simulator's ground truth
 * (`GET /_simulator/requests`): requests arrive at the trace's times (÷ trace_speed), with its prompt
 * lengths exactly (calibrated) and its output lengths as max_tokens; the simulator's prefix cache serves
 * exactly the tokens the workload says are shared, request by request, and results.json's expected hit
 * rate equals the one the server reports.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runNode, type NodeRunOutcome } from '../../src/run/benchmark.js';
import { parseConfigText } from '../../src/config/index.js';
import type { LoadedConfig } from '../../src/config/types.js';
import { traceOffsetsMs } from '../../src/config/trace.js';
import { expectedCachedTokens, stageWorkload } from '../../src/load/workload.js';
import type { RequestRecord } from '../../src/metrics/record.js';
import type { StageResults } from '../../src/results/document.js';
import {
  DEFAULT_PROFILE,
  FAST_TEST_PROFILE,
  startSimulator,
  type GroundTruthRecord,
} from '../../src/simulator/index.js';
import { MemoryLogger } from '../helpers/memory-logger.js';

/**
 * A Mooncake-shaped trace in blocks of 64 tokens (a multiple of the simulator's 16-token cache blocks,
 * so its hits are token-exact). Lines 3 and 6 are the same request (a whole-prompt hit), line 3's last
 * block is cut short, lines 9 and 10 share a block that is all of line 9. Gaps of 300 ms (150 ms at
 * speed 2): each prompt is in the cache (prefill ≤ 7 ms here) before the next one arrives, even with
 * the event loop of a loaded machine stalling for tens of milliseconds.
 */
const TRACE = [
  { timestamp: 0, input_length: 160, output_length: 8, hash_ids: [1, 2] },
  { timestamp: 300, input_length: 192, output_length: 12, hash_ids: [1, 2, 3] },
  { timestamp: 600, input_length: 96, output_length: 6, hash_ids: [4] },
  { timestamp: 900, input_length: 160, output_length: 10, hash_ids: [1, 2, 5] },
  { timestamp: 1200, input_length: 224, output_length: 5, hash_ids: [4, 6] },
  { timestamp: 1500, input_length: 128, output_length: 7 },
  { timestamp: 1800, input_length: 160, output_length: 9, hash_ids: [1, 2, 5] },
  { timestamp: 2100, input_length: 256, output_length: 4, hash_ids: [1, 2, 3, 7] },
  { timestamp: 2400, input_length: 176, output_length: 3, hash_ids: [4, 6, 8] },
  { timestamp: 2700, input_length: 64, output_length: 6, hash_ids: [9] },
  { timestamp: 3000, input_length: 80, output_length: 5, hash_ids: [9] },
  { timestamp: 3300, input_length: 48, output_length: 4, hash_ids: [10] },
];
/** Cached tokens the trace implies, by hand: blocks of 64 seen before, at most input − 1. */
const TRACE_EXPECTED_CACHED = [0, 128, 0, 128, 64, 0, 159, 192, 128, 0, 64, 0];
const SPEED = 2;

type Flavor = 'exo' | 'openai';

interface Run {
  loaded: LoadedConfig;
  outcome: NodeRunOutcome;
  records: RequestRecord[];
  truth: Map<string, GroundTruthRecord>;
  stage(name: string): StageResults;
}

async function runAgainst(flavor: Flavor, stagesYaml: string): Promise<Run> {
  const simulator = await startSimulator({
    flavor,
    seed: 5,
    profile: {
      ...FAST_TEST_PROFILE,
      maxConcurrentRequests: 64,
      ...(flavor === 'openai' ? { openai: { ...DEFAULT_PROFILE.openai } } : {}),
    },
  });
  try {
    const folder = mkdtempSync(join(tmpdir(), 'exo-bench-workload-'));
    writeFileSync(join(folder, 'trace.jsonl'), TRACE.map((line) => JSON.stringify(line)).join('\n') + '\n');
    const head =
      flavor === 'openai'
        ? `target: { kind: openai, base_url: 'http://127.0.0.1:1/v1', model: ${DEFAULT_PROFILE.openai.model} }`
        : 'hardware_plan: { sim: 1 }\nmodel_ids: [mlx-community/Llama-3.2-1B-Instruct-4bit]';
    // The config "file" sits beside the trace: `trace:` is relative to it.
    const loaded = parseConfigText(
      `${head}\ntimeout_seconds: 30\nmax_dispatch_lag_p99_ms: 1000\nstages:\n${stagesYaml}`,
      join(folder, 'config.yaml'),
      {},
    );
    const outputDir = join(folder, 'out');
    const outcome = await runNode(
      loaded,
      {
        apiUrl: simulator.url,
        isPrimary: true,
        expectedNodes: flavor === 'exo' ? 1 : 0,
        timeoutSeconds: 30,
        outputDir,
        runId: `workload-${flavor}`,
        pollIntervalMs: 20,
      },
      { logger: new MemoryLogger() },
    );
    const records = readFileSync(outcome.requestsPath, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as RequestRecord);
    // The openai flavour answers with `chatcmpl-<command id without dashes>`; EXO with the command id.
    const truth = new Map(
      simulator
        .requests()
        .map((record) => [
          flavor === 'openai' ? `chatcmpl-${record.id.replace(/-/g, '')}` : record.id,
          { ...record },
        ]),
    );
    return {
      loaded,
      outcome,
      records,
      truth,
      stage: (name) => outcome.document.results.stages.find((stage) => stage.name === name)!,
    };
  } finally {
    await simulator.close();
  }
}

const TRACE_STAGE = `  - name: replay
    trace: trace.jsonl
    trace_speed: ${SPEED}
    trace_block_tokens: 64
`;
const PREFIX_STAGE = `  - name: prefixed
    prompt_length: 256
    generation_length: 6
    time_between_requests: 0.1
    iterations: 12
    shared_prefix: { tokens: 128, groups: 3 }
`;

describe.each<Flavor>(['exo', 'openai'])('%s flavour: trace replay and shared prefixes', (flavor) => {
  let run: Run;

  beforeAll(async () => {
    run = await runAgainst(flavor, TRACE_STAGE + PREFIX_STAGE);
  }, 60_000);

  const truthOf = (record: RequestRecord): GroundTruthRecord => {
    expect(record.response_id).toBeDefined();
    const truth = run.truth.get(record.response_id!);
    expect(truth).toBeDefined();
    return truth!;
  };
  const recordsOf = (stage: string): RequestRecord[] =>
    run.records.filter((record) => record.stage === stage).sort((a, b) => a.index - b.index);

  it('passes, every request of both stages ok', () => {
    expect(run.outcome.verdict).toBe('pass');
    expect(recordsOf('replay')).toHaveLength(TRACE.length);
    expect(recordsOf('prefixed')).toHaveLength(12);
    expect(run.records.every((record) => record.ok)).toBe(true);
  });

  it('replays the trace with its lengths exactly: prompt tokens = input_length, max_tokens = generated = output_length', () => {
    const records = recordsOf('replay');
    records.forEach((record, index) => {
      const line = TRACE[index]!;
      const truth = truthOf(record);
      expect({
        index,
        prompt: truth.prompt_tokens,
        max: truth.max_tokens,
        emitted: truth.tokens_emitted,
      }).toEqual({
        index,
        prompt: line.input_length,
        max: line.output_length,
        emitted: line.output_length,
      });
      expect(record.target_prompt_tokens).toBe(line.input_length);
      expect(record.max_tokens).toBe(line.output_length);
      expect(record.prompt_tokens).toBe(line.input_length);
    });
    const stage = run.stage('replay');
    expect(stage.prompt_length.calibration.status).toBe('exact');
    expect(stage.prompt_length.calibration.probes).toBeLessThanOrEqual(5);
    expect(stage.prompt_length.exact_requests).toBe(TRACE.length);
    expect(stage.output_length.short_requests).toBe(0);
    expect(stage.output_length.over_requests).toBe(0);
    // The stage's config figures are derived from the trace.
    expect(stage.config).toMatchObject({
      trace: 'trace.jsonl',
      trace_speed: SPEED,
      trace_block_tokens: 64,
      iterations: TRACE.length,
      prompt_length: Math.round(TRACE.reduce((sum, line) => sum + line.input_length, 0) / TRACE.length),
    });
  });

  it('sends each request at its trace time ÷ trace_speed (schedule exact; arrivals within the dispatch lag)', () => {
    const records = recordsOf('replay');
    const offsets = traceOffsetsMs(
      TRACE.map((line, index) => ({ ...line, hash_ids: line.hash_ids ?? [], line: index + 1 })),
      SPEED,
    );
    const start = run.stage('replay').started_at_ms;
    const arrivals = records.map((record) => truthOf(record).arrived_at_ms);
    const errors = records.map((record, index) => {
      // The plan: scheduled at the stage's start + the trace offset, to floating-point precision.
      expect(Math.abs(record.scheduled_at_ms - start - offsets[index]!)).toBeLessThan(0.001);
      return arrivals[index]! - start - offsets[index]!;
    });
    // A request reaches the server after its scheduled time (never before), and late only by the
    // dispatch lag and the loopback hop (a few ms; the median says so), with room for the stalls of a
    // loaded 2-core machine in the worst one: still below the 150 ms gaps, so lateness cannot hide a
    // request sent at the wrong offset.
    const sorted = [...errors].sort((a, b) => a - b);
    expect(sorted[0]!).toBeGreaterThanOrEqual(-0.5);
    expect(sorted[Math.floor(sorted.length / 2)]!).toBeLessThan(20);
    expect(sorted[sorted.length - 1]!).toBeLessThan(100);
    // So the order of arrival is the trace's order.
    for (let index = 1; index < arrivals.length; index += 1)
      expect(arrivals[index]!).toBeGreaterThan(arrivals[index - 1]!);
  });

  it("turns hash_ids into shared blocks: the simulator's cache serves exactly the blocks seen before", () => {
    const cached = recordsOf('replay').map((record) => truthOf(record).cached_tokens);
    expect(cached).toEqual(TRACE_EXPECTED_CACHED);
    // The client saw the same figures, and the workload model computes the same expectation.
    expect(recordsOf('replay').map((record) => record.cached_tokens)).toEqual(TRACE_EXPECTED_CACHED);
    const stageConfig = run.loaded.config.stages[0]!;
    const workload = stageWorkload(stageConfig, run.loaded.traces?.get('replay'))!;
    expect(expectedCachedTokens(workload, true)).toEqual(TRACE_EXPECTED_CACHED);
  });

  it('reports the expected trace hit rate next to the one the server reports, and they agree', () => {
    const cache = run.stage('replay').prefix_cache!;
    const totalPrompt = TRACE.reduce((sum, line) => sum + line.input_length, 0);
    const totalCached = TRACE_EXPECTED_CACHED.reduce((sum, tokens) => sum + tokens, 0);
    expect(cache).toMatchObject({
      source: 'trace',
      expected_cached_tokens: totalCached,
      expected_prompt_tokens: totalPrompt,
      expected_hit_requests: TRACE_EXPECTED_CACHED.filter((tokens) => tokens > 0).length,
      reported_source: 'cached_tokens',
    });
    expect(cache.expected_hit_rate).toBeCloseTo(totalCached / totalPrompt, 12);
    expect(cache.reported_hit_rate).toBeCloseTo(cache.expected_hit_rate, 12);
    expect(cache.expected_for_reported).toBe(cache.expected_hit_rate);
  });

  it('shared_prefix: each group prefix is served from the cache after its first request, token-exact', () => {
    const records = recordsOf('prefixed');
    const cached = records.map((record) => truthOf(record).cached_tokens);
    // Groups 0, 1, 2 open with requests 0, 1, 2; every later request finds its group's 128 tokens.
    expect(cached).toEqual([0, 0, 0, ...new Array<number>(9).fill(128)]);
    expect(records.map((record) => truthOf(record).prompt_tokens)).toEqual(new Array<number>(12).fill(256));
    // EXO's own flag says the same: partial hits after the first request of each group.
    if (flavor === 'exo')
      expect(records.map((record) => record.prefix_cache_hit)).toEqual([
        'none',
        'none',
        'none',
        ...new Array<string>(9).fill('partial'),
      ]);
    const cache = run.stage('prefixed').prefix_cache!;
    expect(cache.source).toBe('shared_prefix');
    expect(cache.expected_hit_rate).toBeCloseTo((9 * 128) / (12 * 256), 12);
    expect(cache.expected_request_hit_share).toBeCloseTo(9 / 12, 12);
    expect(cache.reported_hit_rate).toBeCloseTo(cache.expected_hit_rate, 12);
    expect(run.stage('prefixed').prompt_length.calibration.status).toBe('exact');
  });

  it('prints the expected and reported hit rates in the summary', () => {
    expect(run.outcome.summaryMarkdown).toMatch(
      /replay: prefix cache expected 49\.5% of prompt tokens \(7 requests hit; from the trace.s hash_ids\), reported 49\.5% \(cached_tokens\)\./,
    );
  });
});
