/**
 * Verdicts end to end over the in-process simulator: a pass, a threshold failure published before the
 * command fails, an inconclusive gate, a regression on a deliberately slowed profile, and no false
 * alarm when the same profile runs twice. Short stages (24 requests) to spare two shared cores.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runNode, type NodeRunOutcome } from '../../src/run/benchmark.js';
import { runCli } from '../../src/cli/run.js';
import { parseConfigText } from '../../src/config/index.js';
import type { ResultsDocument } from '../../src/results/document.js';
import { FAST_TEST_PROFILE, startSimulator, type SimulatorProfile } from '../../src/simulator/index.js';
import { readBaselineFiles } from '../../src/verdict/baseline.js';
import type { BaselineInput } from '../../src/verdict/compare.js';
import { MemoryLogger } from '../helpers/memory-logger.js';

/**
 * TTFT ≈ 50 ms and TPOT ≈ 10 ms: large enough that scheduler jitter on a busy machine (two shared cores,
 * other suites running) stays within the 20 % tolerances below.
 */
const PROFILE: Partial<SimulatorProfile> = {
  ...FAST_TEST_PROFILE,
  prefillOverheadMs: 50,
  decodeTokensPerSecond: 100,
};
/** The same cluster with a quarter of the decode speed and a slower prefill: a regression no noise hides. */
const SLOWED: Partial<SimulatorProfile> = { ...PROFILE, prefillOverheadMs: 150, decodeTokensPerSecond: 25 };

const config = (extra = ''): string => `
hardware_plan: { M3ULTRA: 1 }
timeout_seconds: 30
max_dispatch_lag_p99_ms: 1000
model_ids: [mlx-community/Llama-3.2-1B-Instruct-4bit]
regression: { ttft_p50_ms: 20%, tpot_p50_ms: 20%, e2e_p50_ms: 20%, success_rate: 1% }
stages:
  - name: steady
    prompt_length: 32
    generation_length: 12
    time_between_requests: 0.05
    iterations: 24
${extra}`;

async function run(
  profile: Partial<SimulatorProfile>,
  text: string,
  baseline?: BaselineInput,
): Promise<NodeRunOutcome> {
  const simulator = await startSimulator({ nodes: 1, seed: 11, profile });
  try {
    return await runNode(
      parseConfigText(text, 'verdict.yaml', {}),
      {
        apiUrl: simulator.url,
        isPrimary: true,
        expectedNodes: 1,
        timeoutSeconds: 30,
        outputDir: mkdtempSync(join(tmpdir(), 'exo-bench-verdict-')),
        runId: 'verdict',
        pollIntervalMs: 20,
        hardwareLabel: 'M3ULTRA',
        ...(baseline ? { baseline } : {}),
      },
      { logger: new MemoryLogger() },
    );
  } finally {
    await simulator.close();
  }
}

const loaded = (outcome: NodeRunOutcome): BaselineInput => ({
  status: 'loaded',
  baseline: readBaselineFiles(outcome.resultsPath),
});

describe('verdicts over the simulator', () => {
  let baseline: NodeRunOutcome;

  beforeAll(async () => {
    baseline = await run(
      PROFILE,
      config(`thresholds: ['success_rate >= 0.99', 'failed_requests == 0', 'ttft_p50_ms <= 5000']\n`),
    );
  });

  it('passes when every threshold holds, and lists each with its observed value', () => {
    expect(baseline.verdict).toBe('pass');
    expect(baseline.document.thresholds?.map((t) => [t.expression, t.status])).toEqual([
      ['success_rate >= 0.99', 'pass'],
      ['failed_requests == 0', 'pass'],
      ['ttft_p50_ms <= 5000', 'pass'],
    ]);
    expect(baseline.document.comparison).toBeNull();
    expect(baseline.summaryMarkdown).toContain('### Thresholds');
    expect(baseline.summaryMarkdown).toContain('| run | `ttft_p50_ms <= 5000` |');
  });

  it('writes both github-action-benchmark files', () => {
    const smaller = JSON.parse(readFileSync(baseline.benchmarkSmallerPath, 'utf8')) as Array<{
      name: string;
      unit: string;
      value: number;
    }>;
    const bigger = JSON.parse(readFileSync(baseline.benchmarkBiggerPath, 'utf8')) as Array<{
      name: string;
      unit: string;
    }>;
    expect(smaller.map((e) => e.name)).toContain('steady · ttft_p95_ms');
    expect(smaller.find((e) => e.name === 'steady · ttft_p50_ms')?.unit).toBe('ms');
    expect(bigger.map((e) => e.name)).toContain('all stages · output_tokens_per_second');
  });

  it('raises no false alarm when the same profile runs twice', async () => {
    const again = await run(PROFILE, config(), loaded(baseline));
    const comparison = again.document.comparison;
    expect(comparison?.comparable).toBe(true);
    expect(comparison?.regressions).toBe(0);
    expect(comparison?.stages[0]?.metrics.map((m) => m.metric)).toEqual([
      'ttft_p50_ms',
      'tpot_p50_ms',
      'e2e_p50_ms',
      'success_rate',
    ]);
    expect(again.verdict).toBe('pass');
    expect(again.summaryMarkdown).toContain('### Compared with the baseline');
  });

  it('detects the regression of a deliberately slowed profile, and the verdict fails', async () => {
    const slowed = await run(SLOWED, config(), loaded(baseline));
    const metrics = new Map(slowed.document.comparison?.stages[0]?.metrics.map((m) => [m.metric, m]));
    expect(metrics.get('tpot_p50_ms')?.status).toBe('regression');
    expect(metrics.get('e2e_p50_ms')?.status).toBe('regression');
    expect(metrics.get('tpot_p50_ms')?.change_ratio).toBeGreaterThan(0.5);
    expect(metrics.get('tpot_p50_ms')?.ci_low).toBeGreaterThan(0);
    expect(metrics.get('success_rate')?.status).toBe('unchanged');
    expect(slowed.verdict).toBe('fail');
    expect(slowed.summaryMarkdown).toMatch(
      /`tpot_p50_ms` ↓ \| [\d.]+ ms \| [\d.]+ ms \| \+\d+\.\d% \| .* \| ±20% \| ❌ regression \|/,
    );
  });

  it('says why runs that are not like for like are not compared', async () => {
    const other = await run(
      PROFILE,
      config().replace('generation_length: 12', 'generation_length: 10'),
      loaded(baseline),
    );
    expect(other.document.comparison).toMatchObject({
      comparable: false,
      reasons: [
        'stage 1 differs: steady (prompt 32, generation 12, 24 × 0.05 s) vs steady (prompt 32, generation 10, 24 × 0.05 s)',
      ],
    });
    expect(other.verdict).toBe('pass');
  });
});

describe('the CLI with thresholds', () => {
  const directory = mkdtempSync(join(tmpdir(), 'exo-bench-verdict-cli-'));
  const configPath = join(directory, 'gated.yaml');
  const profilePath = join(directory, 'profile.json');
  writeFileSync(profilePath, JSON.stringify(PROFILE));
  writeFileSync(
    configPath,
    config(`    thresholds: ['ttft_p50_ms <= 0.001', 'ttft_p99_ms <= 60000', 'success_rate >= 0.5']\n`),
  );

  async function cli(
    ...extra: string[]
  ): Promise<{ code: number; output: string; document: ResultsDocument; summary: string }> {
    const output = join(directory, `out-${extra.length}`);
    let text = '';
    const streams = { stdout: (s: string) => void (text += s), stderr: (s: string) => void (text += s) };
    const code = await runCli(
      ['--config', configPath, '--simulate', '--simulate-profile', profilePath, '--output', output, ...extra],
      streams,
      {},
    );
    return {
      code,
      output: text,
      document: JSON.parse(readFileSync(join(output, 'results.json'), 'utf8')) as ResultsDocument,
      summary: existsSync(join(output, 'summary.md')) ? readFileSync(join(output, 'summary.md'), 'utf8') : '',
    };
  }

  it('publishes the failed threshold, the inconclusive p99 and the passing one, then exits 1', async () => {
    const { code, document, summary } = await cli();
    expect(code).toBe(1);
    expect(document.verdict).toBe('fail');
    expect(document.thresholds?.map((t) => [t.expression, t.status, t.reason])).toEqual([
      ['ttft_p50_ms <= 0.001', 'fail', undefined],
      ['ttft_p99_ms <= 60000', 'inconclusive', 'needs ≥ 100 samples, has 24'],
      ['success_rate >= 0.5', 'pass', undefined],
    ]);
    expect(summary).toContain('## exo-bench: ❌ fail');
    expect(summary).toContain('⚠️ inconclusive: needs ≥ 100 samples, has 24');
    expect(summary).toContain('1 passed, 1 failed, 1 inconclusive.');
  });

  it('exits 0 with --no-fail-on-threshold, still reporting the failure', async () => {
    const { code, output, document } = await cli('--no-fail-on-threshold');
    expect(document.verdict).toBe('fail');
    expect(code).toBe(0);
    expect(output).toContain('ttft_p50_ms <= 0.001 (stage steady: observed');
  });
});
