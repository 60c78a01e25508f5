/**
 * A run's HTTP client: the lean HTTP/1.1 client by default, undici's Agent for the control plane and the
 * stages alike with EXO_BENCH_HTTP_CLIENT=undici (src/run/benchmark.ts, dispatchersFor). Both carry a
 * whole run against the in-process simulator: the cluster phase (node id, state, placement, runners,
 * deletion) and a streamed stage, every request recorded and ok.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runNode } from '../../src/run/benchmark.js';
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
stages:
  - name: short
    prompt_length: 32
    generation_length: 8
    time_between_requests: 0.01
    iterations: 12
`;

describe.each([
  ['the lean client (default)', {}],
  ['undici (EXO_BENCH_HTTP_CLIENT=undici)', { EXO_BENCH_HTTP_CLIENT: 'undici' }],
])('a whole run over %s', (_name, env: Record<string, string>) => {
  it('places, streams every request to its end, cleans up and passes', async () => {
    const simulator = await startSimulator({ nodes: 1, seed: 3, profile: { ...FAST_TEST_PROFILE } });
    try {
      const outputDir = mkdtempSync(join(tmpdir(), 'exo-bench-client-'));
      const outcome = await runNode(
        parseConfigText(CONFIG, 'config.yaml', {}),
        {
          apiUrl: simulator.url,
          isPrimary: true,
          expectedNodes: 1,
          timeoutSeconds: 30,
          outputDir,
          runId: 'client',
          pollIntervalMs: 20,
          env,
        },
        { logger: new MemoryLogger() },
      );
      expect(outcome.verdict).toBe('pass');
      const records = readFileSync(outcome.requestsPath, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as RequestRecord);
      expect(records).toHaveLength(12);
      expect(records.every((record) => record.ok && record.output_tokens === 8)).toBe(true);
      // The primary deleted what it placed: the simulator has no instance left.
      const state = (await (await fetch(`${simulator.url}/state`)).json()) as { instances: object };
      expect(Object.keys(state.instances)).toHaveLength(0);
    } finally {
      await simulator.close();
    }
  });
});
