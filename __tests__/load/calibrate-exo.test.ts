/**
 * Calibration works for the EXO target too: probes read usage.prompt_tokens on /v1/chat/completions and
 * generation_stats.prompt_tokens on /bench/chat/completions (where usage is null), against the EXO
 * simulator over real sockets.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runNode } from '../../src/run/benchmark.js';
import { parseConfigText } from '../../src/config/index.js';
import { FAST_TEST_PROFILE, startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';
import { MemoryLogger } from '../helpers/memory-logger.js';

describe.each(['chat', 'bench'])('EXO target, endpoint %s', (endpoint) => {
  let simulator: SimulatorHandle;

  beforeAll(async () => {
    simulator = await startSimulator({ nodes: 1, seed: 5, profile: { ...FAST_TEST_PROFILE } });
  });

  afterAll(async () => {
    await simulator.close();
  });

  it('sends prompts of exactly prompt_length tokens', async () => {
    const config = parseConfigText(
      `hardware_plan: {A: 1}
model_ids: [mlx-community/Llama-3.2-1B-Instruct-4bit]
endpoint: ${endpoint}
max_dispatch_lag_p99_ms: 1000
stages:
  - {name: p100, prompt_length: 100, generation_length: 4, time_between_requests: 0.01, iterations: 3}
  - {name: p1500, prompt_length: 1500, generation_length: 4, time_between_requests: 0.01, iterations: 3}
  - {name: again, prompt_length: 100, generation_length: 4, time_between_requests: 0.01, iterations: 2}
`,
      'exo.yaml',
      {},
    );
    const outcome = await runNode(
      config,
      {
        apiUrl: simulator.url,
        isPrimary: true,
        expectedNodes: 1,
        timeoutSeconds: 20,
        outputDir: mkdtempSync(join(tmpdir(), 'exo-bench-calibrate-')),
        runId: 'exo-calibration',
        pollIntervalMs: 20,
      },
      { logger: new MemoryLogger() },
    );
    expect(outcome.verdict).toBe('pass');
    const stages = outcome.document.results.stages;
    expect(
      stages.map((s) => [
        s.name,
        s.prompt_tokens.min,
        s.prompt_tokens.max,
        s.prompt_length.calibration.status,
      ]),
    ).toEqual([
      ['p100', 100, 100, 'exact'],
      ['p1500', 1500, 1500, 'exact'],
      ['again', 100, 100, 'exact'],
    ]);
    // The third stage reuses the first stage's calibration.
    expect(stages[2]?.prompt_length.calibration.probes).toBe(0);
    expect(stages.every((s) => s.cache_hit_rate === 0)).toBe(true);
  });
});
