/**
 * The engine end to end against the in-process simulator over real sockets: a bench_config-shaped run
 * with shortened gaps, and the files it leaves.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { runNode } from '../../src/run/benchmark.js';
import { parseConfigText } from '../../src/config/index.js';
import type { RequestRecord } from '../../src/metrics/record.js';
import type { ResultsDocument } from '../../src/results/document.js';
import { FAST_TEST_PROFILE, startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';
import { MemoryLogger } from '../helpers/memory-logger.js';

const CONFIG = `
hardware_plan:
  M3ULTRA_GPU80_512GB: 2
environment:
  OVERRIDE_MEMORY_MB: 512
timeout_seconds: 30
# The simulator shares this process (and a busy CI machine): this test is about the pipeline, the
# accuracy tests (separate process) hold the real bound.
max_dispatch_lag_p99_ms: 1000
model_ids:
  - mlx-community/Llama-3.2-1B-Instruct-4bit
stages:
  - name: warmup
    prompt_length: 32
    generation_length: 16
    time_between_requests: 0.02
    iterations: 10
  - name: medium_load
    prompt_length: 128
    generation_length: 24
    time_between_requests: 0.01
    iterations: 20
    warmup_requests: 2
  - name: stress_test
    prompt_length: 512
    generation_length: 32
    time_between_requests: 0.005
    iterations: 30
  - name: cooldown
    prompt_length: 32
    generation_length: 16
    time_between_requests: 0.02
    iterations: 5
`;

describe('runNode against the simulator (primary, 2-node cluster)', () => {
  let simulator: SimulatorHandle;
  let outputDir: string;
  let document: ResultsDocument;
  let records: RequestRecord[];
  let verdict: string;
  const logger = new MemoryLogger();

  beforeAll(async () => {
    simulator = await startSimulator({ nodes: 2, seed: 7, profile: { ...FAST_TEST_PROFILE } });
    outputDir = mkdtempSync(join(tmpdir(), 'exo-bench-run-'));
    const outcome = await runNode(
      parseConfigText(CONFIG, 'bench_config.yaml', {}),
      {
        apiUrl: simulator.url,
        isPrimary: true,
        expectedNodes: 2,
        timeoutSeconds: 30,
        outputDir,
        runId: 'test',
        pollIntervalMs: 20,
      },
      { logger },
    );
    verdict = outcome.verdict;
    document = JSON.parse(readFileSync(outcome.resultsPath, 'utf8')) as ResultsDocument;
    records = readFileSync(outcome.requestsPath, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as RequestRecord);
  });

  afterAll(async () => {
    await simulator.close();
  });

  it('passes, with every stage and the whole run', () => {
    expect(verdict).toBe('pass');
    expect(document.error).toBeNull();
    expect(document.results.stages.map((stage) => stage.name)).toEqual([
      'warmup',
      'medium_load',
      'stress_test',
      'cooldown',
    ]);
    expect(document.results.run?.total_requests).toBe(63);
  });

  it("reports the seed's metrics exactly: ours without the warmup, the seed's with every request", () => {
    const medium = document.results.stages[1]!;
    expect(medium).toMatchObject({
      counted_requests: 18,
      counted_successful_requests: 18,
      counted_failed_requests: 0,
      counted_success_rate: 1,
      output_tokens_total: 18 * 24,
      output_tokens_per_request: 24,
      fired_requests: 20,
      warmup_requests: 2,
      // The seed had no warmup_requests: it counted all 20 requests, content chunks as tokens.
      total_requests: 20,
      successful_requests: 20,
      failed_requests: 0,
      success_rate: 1,
      total_tokens: 20 * 24,
      avg_tokens_per_request: 24,
    });
    expect(medium.requests).toHaveLength(20);
    expect(medium.e2e_mean_s).toBeGreaterThan(0);
    expect(medium.avg_time_per_request).toBeGreaterThan(0);
  });

  it('computes latency statistics, throughput, in-flight and dispatch lag', () => {
    for (const stage of document.results.stages) {
      expect(stage.ttft_ms.count).toBe(stage.counted_successful_requests);
      expect(stage.ttft_ms.p50).toBeGreaterThan(0);
      expect(stage.tpot_ms.p50).toBeGreaterThan(0);
      expect(stage.e2e_ms.p99!).toBeGreaterThanOrEqual(stage.e2e_ms.p50!);
      expect(stage.e2e_from_schedule_ms.p50!).toBeGreaterThanOrEqual(stage.e2e_ms.p50! - 0.001);
      expect(stage.itl_ms.count).toBeGreaterThan(0);
      expect(stage.output_tokens_per_second).toBeGreaterThan(0);
      expect(stage.peak_in_flight).toBeGreaterThanOrEqual(1);
      expect(stage.dispatch_lag_ms.count).toBe(stage.counted_requests);
    }
    // At 200 req/s with ~40 ms requests, requests overlap: the load really is open loop.
    expect(document.results.stages[2]!.peak_in_flight).toBeGreaterThan(1);
  });

  it('takes token counts from the server, and prompt sizes near the target (estimate; calibration is exact)', () => {
    expect(records.every((record) => record.output_tokens_source === 'usage')).toBe(true);
    const stress = records.filter((record) => record.stage === 'stress_test');
    for (const record of stress) expect(Math.abs((record.prompt_tokens ?? 0) - 512) / 512).toBeLessThan(0.25);
  });

  it('fires each request at stage start + i × gap', () => {
    const stress = records
      .filter((record) => record.stage === 'stress_test')
      .sort((a, b) => a.index - b.index);
    const origin = stress[0]!.scheduled_at_ms;
    for (const record of stress) expect(record.scheduled_at_ms - origin).toBeCloseTo(record.index * 5, 6);
  });

  it('writes one requests.jsonl line per request, identical to the statistics', () => {
    expect(records).toHaveLength(65);
    expect(new Set(records.map((record) => `${record.stage}/${record.index}`)).size).toBe(65);
    expect(records.filter((record) => record.warmup)).toHaveLength(2);
  });

  it('records cluster facts and snapshots, and deletes its instance', async () => {
    expect(document.cluster.nodes).toHaveLength(2);
    expect(document.cluster.nodes[0]!.chip).toBe('Apple M3 Ultra');
    expect(document.cluster.instances).toHaveLength(1);
    expect(document.metrics.snapshots.length).toBeGreaterThan(0);
    const instanceId = document.cluster.instances[0]!.instance_id;
    const response = await fetch(`${simulator.url}/instance/${instanceId}`);
    expect(response.status).toBe(404);
  });

  it('writes a summary with the verdict first and an HTML report', () => {
    const summary = readFileSync(join(outputDir, 'summary.md'), 'utf8');
    expect(summary.startsWith('## exo-bench: ✅ pass')).toBe(true);
    expect(summary).toContain('### Stages');
    expect(summary).toContain('| stress\\_test | 30 | 30 | 0 | 100.0% | 960 |');
    expect(summary).toContain('```mermaid');
    expect(summary).toContain('Metric definitions');
    const html = readFileSync(join(outputDir, 'report.html'), 'utf8');
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
  });

  it("reports the client's CPU per stage and for the run, plausibly", () => {
    const cores = availableParallelism();
    const spans = [...document.results.stages.map((stage) => stage.client_cpu), document.client_cpu];
    for (const cpu of spans) {
      expect(cpu).toBeDefined();
      expect(cpu!.client_cpu_seconds).toBeGreaterThan(0);
      expect(cpu!.wall_seconds).toBeGreaterThan(0);
      expect(cpu!.client_cpu_seconds_per_1000_requests).toBeGreaterThan(0);
      expect(cpu!.client_cpu_share).toBeGreaterThan(0);
      // The process cannot use more than every core it has (a little slack for the two clocks' reads).
      expect(cpu!.client_cpu_share!).toBeLessThanOrEqual(cores * 1.05);
      expect(cpu!.cores).toBe(cores);
      // No provenance given: the shells set simulated only for their own --simulate.
      expect(cpu!.includes_simulated_server).toBe(false);
    }
    expect(document.results.stages.map((stage) => stage.client_cpu!.requests)).toEqual([10, 20, 30, 5]);
    expect(document.client_cpu!.requests).toBe(65);
    // The run spans every stage.
    const stageCpu = document.results.stages.reduce(
      (sum, stage) => sum + stage.client_cpu!.client_cpu_seconds,
      0,
    );
    expect(document.client_cpu!.client_cpu_seconds).toBeGreaterThanOrEqual(stageCpu);
    const summary = readFileSync(join(outputDir, 'summary.md'), 'utf8');
    expect(summary).toMatch(
      /Client CPU [\d.,]+ s over [\d.,]+ s for 65 requests, [\d.,]+ s per 1,000 requests/,
    );
    expect(summary).not.toContain('simulated server');
    expect(readFileSync(join(outputDir, 'report.html'), 'utf8')).toMatch(/<p>Client CPU [\d.,]+ s over/);
  });

  it('logs progress per phase and stage', () => {
    expect(logger.lines).toContain('## Stage stress_test');
    expect(logger.lines.some((line) => /^stage stress_test: 30\/30 sent, 30 done, 0 failed/.test(line))).toBe(
      true,
    );
  });
});
