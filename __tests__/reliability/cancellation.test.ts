/**
 * Cancellation as a user (Ctrl-C) or the runner (cancelling a job: SIGINT, then SIGTERM) does it, to
 * the built bundles in child processes, mid-stage, against a simulator in its own process: firing
 * stops, the requests in flight are cancelled and recorded as such, results, summary and outputs are
 * written, the instance is deleted, and the process exits non-zero within a few seconds.
 * Build first (`npm run build`); the suite runs dist/.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RequestRecord } from '../../src/metrics/record.js';
import type { ResultsDocument } from '../../src/results/document.js';
import { FAST_TEST_PROFILE } from '../../src/simulator/profile.js';
import {
  CLI_BUNDLE,
  missingBundles,
  startSimulatorProcess,
  startStep,
  waitFor,
  type SimulatorProcess,
} from '../e2e/runner.js';
import { writeProfile } from '../helpers/simulator-process.js';

const MODEL = 'mlx-community/Llama-3.2-1B-Instruct-4bit';

/**
 * One stage scheduled for 30 s, of requests that each stream for 2 s (200 tokens at 100 tok/s): at any
 * moment ~40 are in flight, so a signal always finds some to cancel.
 */
const CONFIG = `hardware_plan: { sim: 1 }
timeout_seconds: 20
request_timeout_seconds: 20
max_dispatch_lag_p99_ms: 1000
calibrate_prompts: false
model_ids: ['${MODEL}']
stages:
  - name: long
    prompt_length: 32
    generation_length: 200
    time_between_requests: 0.05
    iterations: 600
`;

/** How long a cancelled run may take from the signal to the exit. */
const EXIT_WITHIN_MS = 8_000;

let simulator: SimulatorProcess;
let root: string;

beforeAll(async () => {
  const missing = missingBundles();
  if (missing.length > 0) throw new Error(`run npm run build first; missing: ${missing.join(', ')}`);
  root = mkdtempSync(join(tmpdir(), 'exo-bench-cancel-'));
  simulator = await startSimulatorProcess([
    '--nodes',
    '1',
    '--profile',
    writeProfile({
      ...FAST_TEST_PROFILE,
      decodeTokensPerSecond: 100,
      decodeSlowdownPerExtraStream: 0,
      maxConcurrentRequests: 256,
    }),
  ]);
}, 20_000);

afterAll(async () => {
  await simulator?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
});

function records(path: string): RequestRecord[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as RequestRecord];
      } catch {
        return []; // a line being written
      }
    });
}

async function instanceStatus(instanceId: string): Promise<number> {
  const response = await fetch(`${simulator.nodes[0]!.url}/instance/${encodeURIComponent(instanceId)}`);
  await response.arrayBuffer();
  return response.status;
}

/** What every cancelled run must have left behind. */
async function expectPartialResultsAndCleanup(outputDir: string): Promise<ResultsDocument> {
  const results = JSON.parse(readFileSync(join(outputDir, 'results.json'), 'utf8')) as ResultsDocument;
  expect(results.verdict).toBe('error');
  expect(results.error?.kind).toBe('cancelled');
  const stage = results.results.stages[0]!;
  expect(stage.interrupted).toBe(true);
  // Firing stopped: far fewer than the 600 scheduled.
  expect(stage.counted_requests).toBeGreaterThan(0);
  expect(stage.counted_requests).toBeLessThan(600);

  // Every request fired is in requests.jsonl; those in flight at the signal are `cancelled`.
  const written = records(join(outputDir, 'requests.jsonl'));
  expect(written).toHaveLength(stage.counted_requests);
  const cancelled = written.filter((r) => r.error_class === 'cancelled');
  expect(cancelled.length).toBeGreaterThan(0);
  expect(cancelled.every((r) => r.error_message === 'cancelled: the run was stopped')).toBe(true);
  expect(stage.errors.find((e) => e.error_class === 'cancelled')?.count).toBe(cancelled.length);
  expect(stage.counted_successful_requests + stage.counted_failed_requests).toBe(stage.counted_requests);

  const summary = readFileSync(join(outputDir, 'summary.md'), 'utf8');
  expect(summary).toMatch(/^## exo-bench: 💥 error/);
  expect(summary).toContain('long (interrupted)');
  expect(existsSync(join(outputDir, 'report.html'))).toBe(true);

  // The instance the run placed is gone.
  expect(results.cluster.instances).toHaveLength(1);
  expect(await instanceStatus(results.cluster.instances[0]!.instance_id)).toBe(404);
  return results;
}

it('the CLI: SIGINT mid-stage → cancelled records, results and summary written, instance deleted, exit 1', async () => {
  const dir = join(root, 'cli');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.yaml'), CONFIG);
  const outputDir = join(dir, 'out');
  const child = spawn(
    process.execPath,
    [
      CLI_BUNDLE,
      '--config',
      join(dir, 'config.yaml'),
      '--api-url',
      simulator.nodes[0]!.url,
      '--output',
      outputDir,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    await waitFor(
      '20 records of the stage',
      () => records(join(outputDir, 'requests.jsonl')).length >= 20,
      20_000,
    );
    const signalledAt = Date.now();
    child.kill('SIGINT');
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([
      exited,
      new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), EXIT_WITHIN_MS))),
    ]);
    clearTimeout(timer);
    expect([code, output]).toEqual([1, output]);
    expect(Date.now() - signalledAt).toBeLessThan(EXIT_WITHIN_MS);
    expect(output).toContain('SIGINT: stopping the run');
    expect(output).toMatch(/deleted instance /);
    await expectPartialResultsAndCleanup(outputDir);
  } finally {
    child.kill('SIGKILL');
  }
}, 45_000);

it('the action: SIGINT mid-stage → outputs, job summary and results published, instance deleted, step fails', async () => {
  const job = join(root, 'action');
  const workspace = join(job, 'workspace');
  const runnerTemp = join(job, 'runner-temp');
  mkdirSync(workspace, { recursive: true });
  mkdirSync(runnerTemp, { recursive: true });
  writeFileSync(join(workspace, 'bench.yaml'), CONFIG);
  const outputDir = join(runnerTemp, 'exo-bench-results');
  const running = startStep({
    kind: 'main',
    stepDir: join(job, 'step'),
    workspace,
    runnerTemp,
    inputs: {
      'config-file': 'bench.yaml',
      'api-url': simulator.nodes[0]!.url,
      'expected-nodes': '1',
      'upload-artifact': 'false',
    },
    timeoutMs: 45_000,
  });
  await waitFor(
    '20 records of the stage',
    () => records(join(outputDir, 'requests.jsonl')).length >= 20,
    20_000,
  );
  const signalledAt = Date.now();
  running.child.kill('SIGINT');
  const step = await running.result;
  expect(Date.now() - signalledAt).toBeLessThan(EXIT_WITHIN_MS);
  expect([step.exitCode, step.stdout]).toEqual([1, step.stdout]);
  expect(step.stdout).toContain('SIGINT: stopping the run; partial results will be published');

  const results = await expectPartialResultsAndCleanup(outputDir);
  const run = results.results.run!;
  // The outputs carry the verdict and the counts of what was recorded.
  expect(Object.fromEntries(step.outputs)).toMatchObject({
    verdict: 'error',
    'results-path': join(outputDir, 'results.json'),
    'summary-path': join(outputDir, 'summary.md'),
    'total-requests': String(run.total_requests),
    'successful-requests': String(run.successful_requests),
    'failed-requests': String(run.failed_requests),
  });
  expect(step.summary).toMatch(/^## exo-bench: 💥 error/);
  expect(step.summary).toContain('long (interrupted)');
  // Main cleaned up itself: the post step will have nothing to do.
  expect(step.state.get('cleaned-up')).toBe('true');
  expect(step.state.get('placed-instances')).toBe('');
  expect(step.commands.some((c) => c.command === 'error' && /cancelled/.test(c.message))).toBe(true);
}, 45_000);
