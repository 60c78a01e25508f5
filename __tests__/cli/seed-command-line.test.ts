/**
 * The seed workflow's exact command line, run by the built CLI against a simulator process: it must run
 * unchanged, write the seed's document to the --output file (every key path and type of the seed's
 * interface), and end standard output with the seed's JSON RESULTS block.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FAST_TEST_PROFILE } from '../../src/simulator/index.js';
import {
  CLI_BUNDLE,
  REPO_ROOT,
  startSimulatorProcess,
  writeProfile,
  type SimulatorProcess,
} from '../helpers/simulator-process.js';

/** A type of the seed's interface: JSON type names, `[]` for a list of, `|` for alternatives. */
type SeedType = 'number' | 'integer' | 'string' | 'boolean' | 'string[]' | 'number|null' | 'string|null';

/** Every key of the seed's document, with its type, from its interface (bench.py, exo 89a1c2d58). */
const SEED_METADATA: Record<string, SeedType> = {
  benchmark_started_at: 'number',
  benchmark_completed_at: 'number',
  total_duration_s: 'number',
  git_commit: 'string|null',
  config_file: 'string',
  hardware_labels: 'string[]',
  expected_nodes: 'integer',
  timeout_seconds: 'integer',
};
const SEED_CLUSTER: Record<string, SeedType> = {
  model_ids: 'string[]',
  instance_ids: 'string[]',
  instance_count: 'integer',
  runner_count: 'integer',
  sharding: 'string',
  instance_meta: 'string',
};
const SEED_CONFIGURATION_STAGE: Record<string, SeedType> = {
  name: 'string',
  prompt_length: 'integer',
  generation_length: 'integer',
  time_between_requests: 'number',
  iterations: 'integer',
};
const SEED_RESULTS_STAGE: Record<string, SeedType> = {
  name: 'string',
  total_requests: 'integer',
  successful_requests: 'integer',
  failed_requests: 'integer',
  success_rate: 'number',
  total_tokens: 'integer',
  avg_tokens_per_request: 'number',
  avg_time_per_request: 'number',
  avg_time_to_first_token: 'number|null',
  std_time_to_first_token: 'number|null',
  avg_decode_tps: 'number|null',
  avg_ms_per_token: 'number|null',
  std_ms_per_token: 'number|null',
  stage_started_at: 'number',
  stage_completed_at: 'number',
  stage_duration_s: 'number',
};
const SEED_REQUEST: Record<string, SeedType> = {
  request_id: 'integer',
  success: 'boolean',
  tokens: 'integer',
  elapsed_s: 'number',
  started_at: 'number',
  completed_at: 'number',
  time_to_first_token_s: 'number|null',
  decode_tps: 'number|null',
  error: 'string|null',
};
const SEED_NODE_MEMORY: Record<string, SeedType> = {
  ram_total_bytes: 'integer',
  ram_available_bytes: 'integer',
  ram_used_bytes: 'integer',
  swap_total_bytes: 'integer',
  swap_available_bytes: 'integer',
  swap_used_bytes: 'integer',
};
const SEED_INSTANCE_TASKS: Record<string, SeedType> = {
  instance_id: 'string',
  node_id: 'string',
  pending_tasks: 'integer',
  running_tasks: 'integer',
  total_active_tasks: 'integer',
};
const SEED_NODE_TASKS: Record<string, SeedType> = {
  node_id: 'string',
  pending_tasks: 'integer',
  running_tasks: 'integer',
  total_active_tasks: 'integer',
  instance_count: 'integer',
};

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.every((v) => typeof v === 'string') ? 'string[]' : 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function matches(value: unknown, type: SeedType): boolean {
  const actual = typeOf(value);
  return type.split('|').some((t) => t === actual || (t === 'number' && actual === 'integer'));
}

/** Every key path of `spec` that is missing from `object` or has another type, as `path: type ≠ actual`. */
function mismatches(object: unknown, spec: Record<string, SeedType>, path: string): string[] {
  if (typeof object !== 'object' || object === null) return [`${path}: not an object`];
  const record = object as Record<string, unknown>;
  return Object.entries(spec).flatMap(([key, type]) =>
    !(key in record)
      ? [`${path}.${key}: missing`]
      : matches(record[key], type)
        ? []
        : [`${path}.${key}: ${type} ≠ ${typeOf(record[key])} ${JSON.stringify(record[key])}`],
  );
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runBuiltCli(args: string[], timeoutMs = 60_000): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI_BUNDLE, ...args], { cwd: REPO_ROOT });
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

describe('the seed workflow command line, unchanged', () => {
  let simulator: SimulatorProcess;
  let run: Run;
  let outputFile: string;
  let document: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

  beforeAll(async () => {
    simulator = await startSimulatorProcess([
      '--nodes',
      '1',
      '--port',
      '0',
      '--profile',
      writeProfile(FAST_TEST_PROFILE),
    ]);
    const port = new URL(simulator.nodes[0]!.url).port;
    outputFile = join(mkdtempSync(join(tmpdir(), 'exo-bench-seed-')), 'bench_results_1_1_123.json');
    run = await runBuiltCli([
      '--api-port',
      port,
      '--config',
      'configs/bench_simple.yaml',
      '--expected-nodes',
      '1',
      '--is-primary',
      'true',
      '--timeout-seconds',
      '600',
      '--output',
      outputFile,
      '--git-commit',
      'abc123',
      '--hardware-labels',
      'M3ULTRA_GPU80_512GB',
    ]);
    if (existsSync(outputFile)) document = JSON.parse(readFileSync(outputFile, 'utf8')) as typeof document;
  }, 90_000);

  afterAll(async () => {
    await simulator?.stop();
  });

  it('exits 0 and writes the results document to the --output file, our files beside it', () => {
    expect([run.code, run.code === 0 ? '' : run.stderr]).toEqual([0, '']);
    expect(document.verdict).toBe('pass');
    const folder = outputFile.replace(/\.json$/, '-files');
    for (const file of ['results.json', 'requests.jsonl', 'summary.md'])
      expect(existsSync(join(folder, file))).toBe(true);
    expect(readFileSync(join(folder, 'results.json'), 'utf8')).toBe(readFileSync(outputFile, 'utf8'));
  });

  it('has every key path of the seed document with its type', () => {
    const problems = [
      ...mismatches(document.metadata, SEED_METADATA, 'metadata'),
      ...mismatches(document.cluster, SEED_CLUSTER, 'cluster'),
    ];
    const configurationStages = document.configuration?.stages as unknown[];
    const resultStages = document.results?.stages as Array<Record<string, unknown>>;
    const snapshots = document.metrics?.snapshots as Array<Record<string, unknown>>;
    expect(configurationStages).toHaveLength(1);
    expect(resultStages).toHaveLength(1);
    expect(snapshots.length).toBeGreaterThan(0);
    configurationStages.forEach((stage, i) =>
      problems.push(...mismatches(stage, SEED_CONFIGURATION_STAGE, `configuration.stages[${i}]`)),
    );
    resultStages.forEach((stage, i) => {
      problems.push(...mismatches(stage, SEED_RESULTS_STAGE, `results.stages[${i}]`));
      const requests = stage.requests as unknown[];
      if (!Array.isArray(requests)) problems.push(`results.stages[${i}].requests: not a list`);
      else
        requests.forEach((request, j) =>
          problems.push(...mismatches(request, SEED_REQUEST, `results.stages[${i}].requests[${j}]`)),
        );
    });
    snapshots.forEach((snapshot, i) => {
      const path = `metrics.snapshots[${i}]`;
      problems.push(...mismatches(snapshot, { timestamp: 'number' }, path));
      const memory = snapshot.node_memory as Record<string, unknown>;
      if (typeof memory !== 'object' || memory === null || Object.keys(memory).length === 0)
        problems.push(`${path}.node_memory: no node`);
      else
        for (const [nodeId, entry] of Object.entries(memory))
          problems.push(...mismatches(entry, SEED_NODE_MEMORY, `${path}.node_memory.${nodeId}`));
      for (const [key, spec] of [
        ['instance_tasks', SEED_INSTANCE_TASKS],
        ['node_tasks', SEED_NODE_TASKS],
      ] as const) {
        const entries = snapshot[key] as unknown[];
        if (!Array.isArray(entries) || entries.length === 0) problems.push(`${path}.${key}: empty`);
        else entries.forEach((entry, j) => problems.push(...mismatches(entry, spec, `${path}.${key}[${j}]`)));
      }
    });
    expect(problems).toEqual([]);
  });

  it('records the flags and the run the seed way', () => {
    expect(document.metadata).toMatchObject({
      git_commit: 'abc123',
      config_file: 'configs/bench_simple.yaml',
      hardware_labels: ['M3ULTRA_GPU80_512GB'],
      expected_nodes: 1,
      timeout_seconds: 600,
    });
    const { benchmark_started_at: started, benchmark_completed_at: completed } = document.metadata as {
      benchmark_started_at: number;
      benchmark_completed_at: number;
    };
    expect(started).toBeGreaterThan(1.7e9); // epoch seconds, not ms
    expect(completed).toBeGreaterThanOrEqual(started);
    expect(document.cluster).toMatchObject({
      model_ids: ['mlx-community/Llama-3.2-1B-Instruct-4bit'],
      instance_count: 1,
      sharding: 'Pipeline',
      instance_meta: 'MlxRing',
    });
    expect(document.cluster.instance_ids).toHaveLength(1);
    const stage = document.results.stages[0] as Record<string, unknown>;
    expect(stage).toMatchObject({
      name: 'simple',
      total_requests: 1,
      successful_requests: 1,
      failed_requests: 0,
      success_rate: 1,
    });
    // One request: the lone success stays in TTFT (only when there are more is the first left out).
    expect(stage.avg_time_to_first_token).not.toBeNull();
    expect(stage.std_time_to_first_token).toBeNull();
    expect(stage.stage_completed_at as number).toBeGreaterThanOrEqual(stage.stage_started_at as number);
  });

  it('ends standard output with the JSON RESULTS block holding the document', () => {
    const banner = '='.repeat(80);
    const opening = `${banner}\nJSON RESULTS\n${banner}\n`;
    const at = run.stdout.lastIndexOf(opening);
    expect(at).toBeGreaterThanOrEqual(0);
    const block = run.stdout.slice(at + opening.length);
    expect(block.endsWith(`\n${banner}\n`)).toBe(true);
    const printed = block.slice(0, -(banner.length + 2));
    expect(printed).toBe(JSON.stringify(document, null, 2));
  });
});
