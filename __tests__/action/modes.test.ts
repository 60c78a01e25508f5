/**
 * The action's steps in process, without the bundles (issue #16): runMainStep and runPostStep with
 * ports backed by files in a temporary folder (summary, outputs, state, exported variables, uploaded
 * artifacts), inputs as the runner passes them (`INPUT_<NAME>`, action.yml's defaults filled in).
 * The bundles themselves are covered by __tests__/e2e/action.test.ts.
 */
import {
  appendFileSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parse } from 'yaml';
import type { ArtifactResult, Ports } from '../../src/core/ports.js';
import { Outputs, State } from '../../src/action/constants.js';
import { runMainStep } from '../../src/action/modes.js';
import { runPostStep } from '../../src/action/post-step.js';
import { MemoryLogger } from '../helpers/memory-logger.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const ACTION_INPUTS = (
  parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as { inputs: Record<string, { default?: string }> }
).inputs;

/** Two short stages on one simulated node: 4 + 3 requests. */
const CONFIG = `hardware_plan:
  M3ULTRA: 1
  M4PRO: 1
timeout_seconds: 30
request_timeout_seconds: 10
max_dispatch_lag_p99_ms: 500
model_ids:
  - 'mlx-community/Llama-3.2-1B-Instruct-4bit'
stages:
  - name: 'first'
    prompt_length: 48
    generation_length: 8
    time_between_requests: 0.05
    iterations: 4
  - name: 'second'
    prompt_length: 64
    generation_length: 12
    time_between_requests: 0.05
    iterations: 3
`;

/** Ports whose every effect lands in a file of `dir`, as the runner's file commands do. */
interface FilePorts {
  ports: Ports;
  logger: MemoryLogger;
  summary(): string;
  outputs(): Record<string, string>;
  state(): Record<string, string>;
  exported(): Record<string, string>;
  masked: string[];
  /** Artifact name → file names uploaded (copied to `dir/artifacts/<name>/`). */
  artifacts: Map<string, string[]>;
}

function readKeyValues(file: string): Record<string, string> {
  if (!existsSync(file)) return {};
  return JSON.parse(`{${readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).join(',')}}`) as Record<
    string,
    string
  >;
}

function filePorts(dir: string, state: Record<string, string> = {}): FilePorts {
  const files = {
    summary: join(dir, 'step_summary.md'),
    outputs: join(dir, 'outputs'),
    state: join(dir, 'state'),
    env: join(dir, 'env'),
  };
  for (const [name, value] of Object.entries(state))
    appendFileSync(files.state, `${JSON.stringify(name)}:${JSON.stringify(value)}\n`);
  const logger = new MemoryLogger();
  const masked: string[] = [];
  const artifacts = new Map<string, string[]>();
  const keyValue = (file: string) => (name: string, value: string) =>
    appendFileSync(file, `${JSON.stringify(name)}:${JSON.stringify(value)}\n`);
  const ports: Ports = {
    logger,
    summary: { write: async (markdown) => appendFileSync(files.summary, markdown) },
    outputs: { set: keyValue(files.outputs) },
    env: { exportVariable: keyValue(files.env), mask: (value) => masked.push(value) },
    state: { save: keyValue(files.state), get: (name) => readKeyValues(files.state)[name] ?? '' },
    artifact: {
      async upload(name: string, uploads: string[]): Promise<ArtifactResult> {
        const target = join(dir, 'artifacts', name);
        mkdirSync(target, { recursive: true });
        for (const file of uploads) copyFileSync(file, join(target, basename(file)));
        artifacts.set(name, uploads.map((file) => basename(file)).sort());
        return { id: 7 };
      },
    },
  };
  return {
    ports,
    logger,
    summary: () => (existsSync(files.summary) ? readFileSync(files.summary, 'utf8') : ''),
    outputs: () => readKeyValues(files.outputs),
    state: () => readKeyValues(files.state),
    exported: () => readKeyValues(files.env),
    masked,
    artifacts,
  };
}

/** Runs `fn` with the runner's input variables and a workspace; restores the environment after. */
async function withInputs<T>(
  workspace: string,
  inputs: Record<string, string>,
  fn: () => Promise<T>,
): Promise<T> {
  const saved = { ...process.env };
  for (const name of Object.keys(process.env)) if (name.startsWith('INPUT_')) delete process.env[name];
  for (const [name, input] of Object.entries(ACTION_INPUTS)) {
    if (!(name in inputs) && input.default === undefined) continue;
    process.env[`INPUT_${name.toUpperCase()}`] = inputs[name] ?? input.default;
  }
  for (const name of Object.keys(inputs)) if (!(name in ACTION_INPUTS)) throw new Error(`no input ${name}`);
  Object.assign(process.env, {
    GITHUB_WORKSPACE: workspace,
    RUNNER_TEMP: join(workspace, 'runner-temp'),
    GITHUB_RUN_ID: '99',
    GITHUB_RUN_ATTEMPT: '1',
    HOME: join(workspace, 'home'),
  });
  const cwd = process.cwd();
  process.chdir(workspace);
  try {
    return await fn();
  } finally {
    process.chdir(cwd);
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
  }
}

describe('the main and post steps in process, over file-backed ports', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'exo-bench-modes-'));
    mkdirSync(join(dir, 'runner-temp'));
    writeFileSync(join(dir, 'bench.yaml'), CONFIG);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('plan: the matrix and the plan summary, every output set', async () => {
    const files = filePorts(dir);
    const failure = await withInputs(dir, { mode: 'plan', 'config-file': 'bench.yaml' }, () =>
      runMainStep(files.ports),
    );
    expect(failure).toBeUndefined();
    const outputs = files.outputs();
    expect(Object.keys(outputs).sort()).toEqual(Object.values(Outputs).sort());
    expect(JSON.parse(outputs[Outputs.Matrix] ?? '')).toEqual({
      include: [
        { label: 'M3ULTRA', index: 0, is_primary: true, expected_nodes: 2, sends_load: true },
        { label: 'M4PRO', index: 0, is_primary: false, expected_nodes: 2, sends_load: false },
      ],
    });
    expect(outputs[Outputs.ExpectedNodes]).toBe('2');
    expect(files.summary()).toContain('### exo-bench plan');
    expect(files.state()[State.MainFinished]).toBe('true');
  });

  it('plan, openai target with load_from: all_nodes: every entry and the schedule-start-ms output carry one start', async () => {
    writeFileSync(
      join(dir, 'openai.yaml'),
      `hardware_plan: { LOADGEN: 4 }
load_from: all_nodes
all_nodes_start_delay_seconds: 60
target: { kind: openai, base_url: 'http://127.0.0.1:8000', model: m }
stages: [{ name: s, prompt_length: 20, generation_length: 10, time_between_requests: 1, iterations: 8 }]
`,
    );
    const files = filePorts(dir);
    const before = Date.now();
    const failure = await withInputs(dir, { mode: 'plan', 'config-file': 'openai.yaml' }, () =>
      runMainStep(files.ports),
    );
    const after = Date.now();
    expect(failure).toBeUndefined();
    const outputs = files.outputs();
    const start = Number(outputs[Outputs.ScheduleStartMs]);
    expect(start).toBeGreaterThanOrEqual(before + 60_000);
    expect(start).toBeLessThanOrEqual(after + 60_001);
    const matrix = JSON.parse(outputs[Outputs.Matrix] ?? '') as {
      include: Array<{ sends_load: boolean; start_at_ms: number }>;
    };
    expect(matrix.include.map((entry) => [entry.sends_load, entry.start_at_ms])).toEqual(
      [0, 1, 2, 3].map(() => [true, start]),
    );
    expect(files.summary()).toContain(`\`start_at_ms\` ${start}`);
  });

  it('plan of an EXO config: the schedule-start-ms output is empty', async () => {
    const files = filePorts(dir);
    await withInputs(dir, { mode: 'plan', 'config-file': 'bench.yaml' }, () => runMainStep(files.ports));
    expect(files.outputs()[Outputs.ScheduleStartMs]).toBe('');
  });

  it('node: a schedule-start-ms that is not epoch milliseconds fails the step, naming the input', async () => {
    const files = filePorts(dir);
    const failure = await withInputs(
      dir,
      { mode: 'node', 'config-file': 'bench.yaml', simulate: 'true', 'schedule-start-ms': '1900000000' },
      () => runMainStep(files.ports),
    );
    expect(failure?.message).toContain("the step's inputs have 1 problem");
    expect(files.logger.lines.join('\n')).toContain(
      'input schedule-start-ms must be epoch milliseconds (the plan\'s start_at_ms, 13 digits), got "1900000000"',
    );
  });

  it('node, simulated primary: runs the stages, publishes summary, outputs and artifact', async () => {
    const files = filePorts(dir);
    const failure = await withInputs(
      dir,
      {
        mode: 'node',
        'config-file': 'bench.yaml',
        simulate: 'true',
        'is-primary': 'true',
        'expected-nodes': '1',
        'hardware-label': 'M3ULTRA',
        'output-dir': join(dir, 'out'),
      },
      () => runMainStep(files.ports),
    );
    expect(failure).toBeUndefined();
    const outputs = files.outputs();
    expect(Object.keys(outputs).sort()).toEqual(Object.values(Outputs).sort());
    expect(outputs).toMatchObject({
      [Outputs.Verdict]: 'pass',
      [Outputs.TotalRequests]: '7',
      [Outputs.SuccessfulRequests]: '7',
      [Outputs.FailedRequests]: '0',
      [Outputs.TotalTokens]: String(4 * 8 + 3 * 12),
      [Outputs.ArtifactId]: '7',
      [Outputs.ResultsPath]: join(dir, 'out', 'results.json'),
    });
    const results = JSON.parse(readFileSync(join(dir, 'out', 'results.json'), 'utf8')) as {
      verdict: string;
      results: { stages: Array<{ name: string; counted_requests: number }> };
    };
    expect(results.verdict).toBe('pass');
    expect(results.results.stages.map((stage) => [stage.name, stage.counted_requests])).toEqual([
      ['first', 4],
      ['second', 3],
    ]);
    expect(files.summary()).toContain('first');
    expect(files.summary()).toContain('second');
    expect([...files.artifacts.values()][0]).toEqual(
      expect.arrayContaining(['report.html', 'requests.jsonl', 'results.json', 'summary.md']),
    );
    // Provisioning exported the node's EXO variables; main says it finished, so post has nothing to do.
    expect(Object.keys(files.exported())).toEqual(expect.arrayContaining(['EXO_HOME', 'EXO_BENCH_EXO_ARGS']));
    expect(files.state()).toMatchObject({ [State.MainFinished]: 'true', [State.CleanedUp]: 'true' });
    const post = await withInputs(dir, {}, () => runPostStep(filePorts(dir, files.state()).ports));
    expect(post.skipped).toBe(true);
  }, 60_000);

  it('node with a config error: fails once, verdict error, an error summary that names the file', async () => {
    writeFileSync(join(dir, 'bad.yaml'), CONFIG.replace('iterations: 4', 'iterations: four'));
    const files = filePorts(dir);
    const failure = await withInputs(
      dir,
      { mode: 'node', 'config-file': 'bad.yaml', simulate: 'true', 'output-dir': join(dir, 'out') },
      () => runMainStep(files.ports),
    );
    expect(failure?.message).toBe(
      'exo-bench: the config has 1 problem (see the annotations and the job summary)',
    );
    expect(files.outputs()[Outputs.Verdict]).toBe('error');
    expect(Object.keys(files.outputs()).sort()).toEqual(Object.values(Outputs).sort());
    expect(files.summary()).toMatch(/bad\.yaml/);
    expect(files.summary()).toMatch(/iterations/);
    expect(files.logger.lines.some((line) => line.startsWith('error: ') && line.includes('iterations'))).toBe(
      true,
    );
  });

  it('post after a main step that died: an "interrupted" summary from the records, uploaded as the artifact', async () => {
    const out = join(dir, 'out');
    mkdirSync(out);
    const record = (index: number, ok: boolean) =>
      JSON.stringify({
        stage: 'first',
        index,
        warmup: false,
        ok,
        scheduled_at_ms: 1000 + index * 50,
        sent_at_ms: 1000 + index * 50,
        first_token_at_ms: ok ? 1100 + index * 50 : null,
        ended_at_ms: 1300 + index * 50,
        output_tokens: ok ? 8 : 0,
        ...(ok ? {} : { error_kind: 'http', error_message: 'HTTP 500' }),
      });
    writeFileSync(join(out, 'requests.jsonl'), `${record(0, true)}\n${record(1, false)}\n`);
    const files = filePorts(dir, { [State.OutputDir]: out, [State.ArtifactName]: 'exo-bench-M3ULTRA-0-1' });
    const report = await withInputs(dir, {}, () => runPostStep(files.ports));
    expect(report).toMatchObject({ skipped: false, partialSummary: true, artifactId: 7 });
    expect(files.summary()).toContain('## exo-bench: 💥 interrupted');
    expect(files.summary()).toContain('2 request records were written');
    expect(files.artifacts.get('exo-bench-M3ULTRA-0-1')).toEqual(['requests.jsonl', 'summary.md']);
  });
});
