/**
 * A 3-node simulated cluster driven as three CLI processes, the way three matrix jobs would: one
 * primary and two secondaries, each talking to its own node. All three must exit 0.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ResultsDocument } from '../../src/results/document.js';
import { FAST_TEST_PROFILE } from '../../src/simulator/index.js';
import {
  CLI_BUNDLE,
  startSimulatorProcess,
  writeProfile,
  type SimulatorProcess,
} from '../helpers/simulator-process.js';

const CONFIG = `
hardware_plan:
  M3ULTRA_GPU80_512GB: 2
  M4PRO_GPU16_24GB: 1
timeout_seconds: 20
max_dispatch_lag_p99_ms: 1000
model_ids: [mlx-community/Llama-3.2-1B-Instruct-4bit]
stages:
  - { name: first, prompt_length: 32, generation_length: 8, time_between_requests: 0.02, iterations: 10 }
  - { name: second, prompt_length: 64, generation_length: 8, time_between_requests: 0.01, iterations: 10 }
`;

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCli(args: string[], timeoutMs = 40_000): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI_BUNDLE, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('three CLI processes against a 3-node simulated cluster', () => {
  let simulator: SimulatorProcess;
  let results: CliResult[];
  let outputs: string[];

  beforeAll(async () => {
    simulator = await startSimulatorProcess([
      '--nodes',
      '3',
      '--port',
      '0',
      '--profile',
      writeProfile(FAST_TEST_PROFILE),
    ]);
    const dir = mkdtempSync(join(tmpdir(), 'exo-bench-multinode-'));
    const config = join(dir, 'config.yaml');
    writeFileSync(config, CONFIG);
    outputs = [0, 1, 2].map((i) => join(dir, `out-${i}`));
    results = await Promise.all(
      simulator.nodes.map((node, i) =>
        runCli([
          '--config',
          config,
          '--api-url',
          node.url,
          '--is-primary',
          i === 0 ? 'true' : 'false',
          '--expected-nodes',
          '3',
          '--output',
          outputs[i]!,
        ]),
      ),
    );
  }, 60_000);

  afterAll(async () => {
    await simulator?.stop();
  });

  it('all three exit 0', () => {
    expect(results.map((r) => [r.code, r.code === 0 ? '' : r.stderr])).toEqual([
      [0, ''],
      [0, ''],
      [0, ''],
    ]);
  });

  it('the primary ran both stages on a 3-node instance', () => {
    const primary = JSON.parse(readFileSync(join(outputs[0]!, 'results.json'), 'utf8')) as ResultsDocument;
    expect(primary.verdict).toBe('pass');
    expect(primary.results.stages.map((s) => [s.name, s.counted_successful_requests])).toEqual([
      ['first', 10],
      ['second', 10],
    ]);
    expect(primary.cluster.instances[0]!.node_ids).toHaveLength(3);
    expect(results[0]!.stdout).toContain('\nJSON RESULTS\n');
  });

  it('the secondaries saw the instance, waited for its deletion, and wrote their own view', () => {
    for (const i of [1, 2]) {
      const secondary = JSON.parse(
        readFileSync(join(outputs[i]!, 'results.json'), 'utf8'),
      ) as ResultsDocument;
      expect(secondary.metadata.is_primary).toBe(false);
      expect(secondary.verdict).toBe('pass');
      expect(secondary.cluster.nodes).toHaveLength(3);
      expect(secondary.cluster.instances).toHaveLength(1);
      expect(results[i]!.stderr).toContain('the primary deleted its instances');
    }
  });
});
