/** Every config shipped under configs/ loads cleanly, and the two main ones say what the seed says. */
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { loadConfigFile } from '../../src/config/index.js';

const repositoryRoot = join(new URL('.', import.meta.url).pathname, '..', '..');

function yamlFilesUnder(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return yamlFilesUnder(path);
    return /\.ya?ml$/.test(entry.name) ? [path] : [];
  });
}

const shippedConfigs = yamlFilesUnder(join(repositoryRoot, 'configs')).map((path) =>
  relative(repositoryRoot, path),
);

describe('configs/', () => {
  it('ships the seed configs and examples', () => {
    expect(shippedConfigs.sort()).toEqual(
      expect.arrayContaining([
        'configs/bench_config.yaml',
        'configs/bench_simple.yaml',
        'configs/examples/sustained_load.yaml',
        'configs/examples/varying_prompts.yaml',
        'configs/examples/capacity-search.yaml',
        'configs/examples/poisson.yaml',
        'configs/examples/concurrency.yaml',
        'configs/examples/ramp.yaml',
        'configs/examples/load-from-all-nodes.yaml',
        'configs/examples/load-from-openai.yaml',
      ]),
    );
  });

  it.each(shippedConfigs)('%s is valid and draws no warning', async (path) => {
    const loaded = await loadConfigFile(join(repositoryRoot, path), {});
    expect(loaded.warnings).toEqual([]);
  });

  it('load-from-all-nodes.yaml shares its open-loop stages between the four nodes', async () => {
    const { config } = await loadConfigFile(
      join(repositoryRoot, 'configs/examples/load-from-all-nodes.yaml'),
      {},
    );
    expect([config.load_from, config.clock_skew_tolerance_ms]).toEqual(['all_nodes', 20]);
    expect(config.stages.map((stage) => [stage.concurrency, stage.no_overlap])).toEqual([
      [undefined, false],
      [undefined, false],
    ]);
  });

  it('load-from-openai.yaml spreads its open-loop stages over four runners against one server', async () => {
    const { config } = await loadConfigFile(
      join(repositoryRoot, 'configs/examples/load-from-openai.yaml'),
      {},
    );
    expect(config).toMatchObject({
      hardware_plan: { LOADGEN: 4 },
      target: { kind: 'openai' },
      load_from: 'all_nodes',
      clock_skew_tolerance_ms: 20,
      all_nodes_start_delay_seconds: 180,
      all_nodes_drain_seconds: 30,
    });
  });

  it('bench_simple.yaml is the original bench.py run: one node, one stage, one request', async () => {
    const { config } = await loadConfigFile(join(repositoryRoot, 'configs/bench_simple.yaml'), {});
    expect(config.hardware_plan).toEqual({ M3ULTRA_GPU80_512GB: 1 });
    expect(config.timeout_seconds).toBe(600);
    expect(config.model_ids).toEqual(['mlx-community/Llama-3.2-1B-Instruct-4bit']);
    expect(config.stages).toEqual([
      {
        name: 'simple',
        // 20 in the seed: below the chat template's own length, so it could never be reached.
        prompt_length: 64,
        generation_length: 100,
        time_between_requests: 1,
        iterations: 1,
        no_overlap: false,
        arrival: 'constant',
        warmup_requests: 0,
        warmup: false,
      },
    ]);
  });

  it('bench_config.yaml runs warmup, medium_load, stress_test and cooldown on four nodes', async () => {
    const { config } = await loadConfigFile(join(repositoryRoot, 'configs/bench_config.yaml'), {});
    expect(config.hardware_plan).toEqual({ M3ULTRA_GPU80_512GB: 4 });
    expect(config.environment).toEqual({ OVERRIDE_MEMORY_MB: '512' });
    expect(config.stages.map((stage) => [stage.name, stage.iterations])).toEqual([
      ['warmup', 10],
      ['medium_load', 20],
      ['stress_test', 30],
      ['cooldown', 5],
    ]);
    const [warmup, medium, stress] = config.stages;
    // The stress test overlaps: shorter gaps and longer prompts than any other stage.
    expect(stress?.time_between_requests).toBeLessThan(medium?.time_between_requests ?? 0);
    expect(stress?.prompt_length).toBeGreaterThan(medium?.prompt_length ?? Infinity);
    expect(medium?.prompt_length).toBeGreaterThan(warmup?.prompt_length ?? Infinity);
  });

  it('capacity-search.yaml is a rate search of TTFT p95 with every default applied', async () => {
    const { config } = await loadConfigFile(
      join(repositoryRoot, 'configs/examples/capacity-search.yaml'),
      {},
    );
    const search = config.stages.find((stage) => stage.search)?.search;
    expect(search).toEqual({
      metric: 'ttft_p95_ms',
      max: 500,
      rate: { min: 0.5, max: 64 },
      probe_requests: 40,
      tolerance: 0.05,
      max_probes: 12,
      max_failure_rate: 0.01,
    });
    expect(config.thresholds).toEqual(['capacity_rps >= 4']);
  });
});
