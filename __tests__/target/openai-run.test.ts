/**
 * runNode against the simulator's `openai` flavour over real sockets: no cluster, calibrated prompts of
 * exactly prompt_length tokens (stand-in tokenizer, chat-template overhead), cache hit rates with and
 * without nonces, the API key kept out of every output, and the stream shapes of real servers.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runNode, type NodeRunOutcome } from '../../src/run/benchmark.js';
import { parseConfigText } from '../../src/config/index.js';
import type { RequestRecord } from '../../src/metrics/record.js';
import {
  DEFAULT_PROFILE,
  FAST_TEST_PROFILE,
  startSimulator,
  type SimulatorProfile,
} from '../../src/simulator/index.js';
import { MemoryLogger } from '../helpers/memory-logger.js';

const SECRET = 'sk-test-0123456789abcdef';

interface Run {
  outcome: NodeRunOutcome;
  records: RequestRecord[];
  logger: MemoryLogger;
  files: string;
}

/** One run of `stagesYaml` (and extra top-level YAML) against a fresh openai-flavour simulator. */
async function runAgainstSimulator(
  stagesYaml: string,
  options: {
    extra?: string;
    profile?: Partial<SimulatorProfile>;
    openai?: Partial<SimulatorProfile['openai']>;
  } = {},
): Promise<Run> {
  const simulator = await startSimulator({
    flavor: 'openai',
    seed: 3,
    profile: {
      ...FAST_TEST_PROFILE,
      ...options.profile,
      openai: { ...DEFAULT_PROFILE.openai, ...options.openai },
    },
  });
  try {
    const config = parseConfigText(
      `target:
  kind: openai
  base_url: http://127.0.0.1:1/v1
  model: ${DEFAULT_PROFILE.openai.model}
  api_key_env: SIM_KEY
max_dispatch_lag_p99_ms: 1000
${options.extra ?? ''}
stages:
${stagesYaml}`,
      'openai.yaml',
      {},
    );
    const outputDir = mkdtempSync(join(tmpdir(), 'exo-bench-openai-'));
    const logger = new MemoryLogger();
    const masked: string[] = [];
    // The simulator's URL stands for --api-url, which overrides base_url.
    const outcome = await runNode(
      config,
      {
        apiUrl: simulator.url,
        isPrimary: true,
        expectedNodes: 0,
        timeoutSeconds: 10,
        outputDir,
        runId: 'openai-test',
        env: { SIM_KEY: SECRET },
      },
      { logger, mask: (value) => masked.push(value) },
    );
    expect(masked).toEqual([SECRET]);
    const files = ['results.json', 'requests.jsonl', 'summary.md', 'report.html']
      .map((name) => readFileSync(join(outputDir, name), 'utf8'))
      .join('\n');
    const records = readFileSync(outcome.requestsPath, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as RequestRecord);
    return { outcome, records, logger, files };
  } finally {
    await simulator.close();
  }
}

const stage = (name: string, promptLength: number, iterations = 3, generation = 4): string =>
  `  - name: ${name}
    prompt_length: ${promptLength}
    generation_length: ${generation}
    time_between_requests: 0.01
    iterations: ${iterations}
`;

describe('openai target: prompts of exactly prompt_length tokens', () => {
  const lengths = [64, 100, 512, 2000, 8000];
  let run: Run;

  beforeAll(async () => {
    run = await runAgainstSimulator(lengths.map((length) => stage(`p${length}`, length)).join(''));
  });

  it('passes without any cluster call, and records the target', () => {
    expect(run.outcome.verdict).toBe('pass');
    expect(run.outcome.document.metadata.target).toEqual({
      kind: 'openai',
      base_url: run.outcome.document.metadata.api_url,
      models: [DEFAULT_PROFILE.openai.model],
    });
    expect(run.logger.lines).toContain('## Target');
    expect(run.logger.lines).not.toContain('## Cluster');
  });

  it.each(lengths)(
    'stage p%i: every request measured exactly its prompt_length, calibrated exactly',
    (length) => {
      const result = run.outcome.document.results.stages.find((s) => s.name === `p${length}`)!;
      const prompts = run.records.filter((r) => r.stage === `p${length}`).map((r) => r.prompt_tokens);
      expect(prompts).toEqual([length, length, length]);
      expect(result.prompt_tokens).toMatchObject({ min: length, p50: length, max: length });
      expect(result.prompt_length).toMatchObject({
        requested_tokens: length,
        exact_requests: 3,
        reported_requests: 3,
        approximate: false,
      });
      expect(result.prompt_length.calibration.status).toBe('exact');
      expect(result.prompt_length.calibration.probes).toBeGreaterThan(0);
      expect(result.prompt_length.calibration.probes).toBeLessThanOrEqual(4);
    },
  );

  it('has no cache hits with nonces, and keeps probes out of the results', () => {
    for (const result of run.outcome.document.results.stages) {
      expect(result.cache_hit_rate).toBe(0);
      expect(result.cache_hit_source).toBe('cached_tokens');
      expect(result.fired_requests).toBe(3);
    }
    expect(run.records).toHaveLength(lengths.length * 3);
  });

  it('never writes or logs the API key', () => {
    expect(run.files).not.toContain(SECRET);
    expect(run.logger.lines.join('\n')).not.toContain(SECRET);
  });

  it('tells the summary reader the lengths', () => {
    expect(run.outcome.summaryMarkdown).toContain('### Prompt and output lengths');
    expect(run.outcome.summaryMarkdown).toContain('| p8000 | 8000 | 8,000 / 8,000 / 8,000 | 3/3 | exact, ');
  });
});

describe('openai target: short prompts, cache and calibration fallbacks', () => {
  it('reaches 16 and 17 tokens with a small chat template, and flags what the template forbids', async () => {
    const small = await runAgainstSimulator(stage('p16', 16) + stage('p17', 17), {
      profile: { templateTokensPerRequest: 3, templateTokensPerMessage: 4 },
    });
    const [p16, p17] = small.outcome.document.results.stages;
    expect(small.records.map((r) => r.prompt_tokens)).toEqual([16, 16, 16, 17, 17, 17]);
    expect(p16?.prompt_length.calibration.status).toBe('exact');
    expect(p17?.prompt_length.calibration.status).toBe('exact');

    // The default template alone (31 tokens) plus a nonce is longer than 16.
    const floor = await runAgainstSimulator(stage('p16', 16, 1));
    const result = floor.outcome.document.results.stages[0]!;
    expect(result.prompt_length.calibration.status).toBe('approximate');
    expect(result.prompt_length.approximate).toBe(true);
    expect(floor.outcome.summaryMarkdown).toMatch(
      /prompt length is \*\*approximate\*\*.*shortest possible prompt/,
    );
  });

  it('sees a high cache hit rate without nonces', async () => {
    const cached = await runAgainstSimulator(stage('same_prompt', 1000, 5), {
      extra: 'unique_prompts: false',
    });
    const result = cached.outcome.document.results.stages[0]!;
    expect(cached.records.every((r) => r.prompt_tokens === 1000)).toBe(true);
    expect(result.cache_hit_rate).toBeGreaterThan(0.9);
  });

  it('falls back to an estimate, flagged, when the server sends no usage', async () => {
    const noUsage = await runAgainstSimulator(stage('no_usage', 300, 2, 6), { openai: { usage: 'never' } });
    const result = noUsage.outcome.document.results.stages[0]!;
    expect(result.prompt_length.calibration.status).toBe('estimate');
    expect(result.prompt_length.calibration.probes).toBe(1);
    expect(result.token_counts_from_chunks).toBe(2);
    expect(result.total_tokens).toBe(12);
    expect(noUsage.outcome.summaryMarkdown).toContain('carried no `usage`');
    expect(noUsage.outcome.verdict).toBe('pass');
  });

  it('skips probes entirely with calibrate_prompts: false', async () => {
    const off = await runAgainstSimulator(stage('off', 300, 2), { extra: 'calibrate_prompts: false' });
    const result = off.outcome.document.results.stages[0]!;
    expect(result.prompt_length.calibration).toMatchObject({ status: 'off', probes: 0 });
    expect(off.records.every((r) => r.prompt_tokens !== 300)).toBe(true);
  });
});

describe('openai target: stream shapes of real servers', () => {
  it('measures several tokens per chunk with per-token TPOT from usage, and says so', async () => {
    const multi = await runAgainstSimulator(stage('multi', 64, 3, 16), { openai: { tokensPerChunk: 4 } });
    const result = multi.outcome.document.results.stages[0]!;
    expect(multi.records.map((r) => [r.output_tokens, r.token_chunks])).toEqual([
      [16, 4],
      [16, 4],
      [16, 4],
    ]);
    expect(result.multi_token_chunk_requests).toBe(3);
    expect(result.output_tokens_total / result.token_chunks).toBe(4);
    expect(result.tpot_ms.count).toBe(3);
    expect(multi.outcome.summaryMarkdown).toContain('**Several tokens per chunk** in multi');
    expect(multi.outcome.summaryMarkdown).toContain('ITL shows gaps between chunks, not tokens');
  });

  it('times the first answer token apart from the first (reasoning) token', async () => {
    const reasoning = await runAgainstSimulator(stage('think', 64, 3, 12), {
      openai: { reasoningTokens: 5 },
    });
    const result = reasoning.outcome.document.results.stages[0]!;
    for (const record of reasoning.records) {
      expect(record.reasoning_chunks).toBe(5);
      expect(record.first_content_at_ms!).toBeGreaterThan(record.first_token_at_ms!);
    }
    expect(result.ttfat_ms.p50!).toBeGreaterThan(result.ttft_ms.p50!);
    expect(reasoning.outcome.summaryMarkdown).toMatch(/think: reasoning model .* \(TTFAT\) p50/);
  });

  it('reports the output shortfall of a server that stops early', async () => {
    const early = await runAgainstSimulator(stage('early', 64, 3, 20), { openai: { stopAfterTokens: 5 } });
    const output = early.outcome.document.results.stages[0]!.output_length;
    expect(output).toMatchObject({
      requested_tokens: 20,
      short_requests: 3,
      over_requests: 0,
      finish_reasons: { stop: 3 },
    });
    // The simulator, like llama.cpp, counts the EOS token: 5 tokens and EOS make 6.
    expect(early.records.map((r) => r.output_tokens)).toEqual([6, 6, 6]);
    expect(output.achieved_tokens.mean).toBe(6);
    expect(output.shortfall_ratio).toBeCloseTo(0.7);
    expect(early.outcome.summaryMarkdown).toMatch(
      /early: output 6\.0 tokens on average for 20 requested; 3 short/,
    );
  });
});
