/**
 * Runs the action's bundles the way the GitHub runner does (actions/runner, node handler): a child
 * `node dist/<main|post>/index.js` with every input as `INPUT_<NAME>` (upper-cased, dashes kept;
 * action.yml defaults filled in for inputs the step does not give), fresh GITHUB_OUTPUT,
 * GITHUB_STEP_SUMMARY, GITHUB_ENV and GITHUB_STATE files per step, and, for the post step, the main
 * step's saved state as `STATE_<name>` variables.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
/**
 * The bundles under test: the repository's dist/, or a copy named by EXO_BENCH_E2E_DIST (so a rebuild
 * running in the same tree cannot pull files from under a test run).
 */
export const DIST_DIR = resolve(process.env.EXO_BENCH_E2E_DIST ?? join(REPO_ROOT, 'dist'));

/** Which bundle a step runs. */
export type StepKind = 'main' | 'post';

export const BUNDLES: Record<StepKind, string> = {
  main: join(DIST_DIR, 'main', 'index.js'),
  post: join(DIST_DIR, 'post', 'index.js'),
};
/** The CLI bundle (`exo-bench simulate`). */
export const CLI_BUNDLE = join(DIST_DIR, 'cli', 'index.js');

/** The bundles exist (the suite runs what `npm run build` produced, as the runner would). */
export function missingBundles(): string[] {
  return [...Object.values(BUNDLES), CLI_BUNDLE].filter((path) => !existsSync(path));
}

/** A simulator in its own process (`exo-bench simulate`), as the docs run it. */
export interface SimulatorProcess {
  nodes: Array<{ node_id: string; url: string }>;
  /** The control server (`POST /_simulator/nodes/{i}/start` …). */
  control: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `exo-bench simulate` and waits (bounded) for its JSON line of nodes. */
export async function startSimulatorProcess(args: string[], timeoutMs = 15_000): Promise<SimulatorProcess> {
  const child = spawn(process.execPath, [CLI_BUNDLE, 'simulate', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const ready = await new Promise<Pick<SimulatorProcess, 'nodes' | 'control'>>((resolveNodes, reject) => {
    let stdout = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the simulator did not start within ${timeoutMs} ms: ${stderr}`));
    }, timeoutMs);
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const newline = stdout.indexOf('\n');
      if (newline < 0) return;
      clearTimeout(timer);
      try {
        resolveNodes(JSON.parse(stdout.slice(0, newline)) as Pick<SimulatorProcess, 'nodes' | 'control'>);
      } catch (error) {
        reject(error as Error);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the simulator exited with ${code}: ${stderr}`));
    });
  });
  return {
    ...ready,
    child,
    stop: () =>
      new Promise<void>((resolveStop) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolveStop();
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolveStop();
        });
        child.kill('SIGTERM');
      }),
  };
}

const actionYaml = parse(readFileSync(join(REPO_ROOT, 'action.yml'), 'utf8')) as {
  inputs: Record<string, { default?: string }>;
};

/** The runner's variable name of an input: `config-file` → `INPUT_CONFIG-FILE`. */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

/**
 * Parses a file written by @actions/core's file commands (GITHUB_OUTPUT, GITHUB_ENV, GITHUB_STATE):
 * `name<<ghadelimiter_<uuid>` / value lines / delimiter. Also accepts the one-line `name=value` form.
 * Later entries win, as on the runner.
 */
export function parseFileCommands(text: string): Map<string, string> {
  const values = new Map<string, string>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i] as string;
    if (line === '') continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc as unknown as [string, string, string];
      const valueLines: string[] = [];
      i += 1;
      while (i < lines.length && lines[i] !== delimiter) valueLines.push(lines[i++] as string);
      if (i >= lines.length) throw new Error(`file command ${name}: delimiter ${delimiter} never closed`);
      values.set(name, valueLines.join('\n'));
      continue;
    }
    const equals = line.indexOf('=');
    if (equals <= 0) throw new Error(`not a file command: ${JSON.stringify(line)}`);
    values.set(line.slice(0, equals), line.slice(equals + 1));
  }
  return values;
}

/** Workflow commands the step printed (`::warning file=…::message`). */
export interface WorkflowCommand {
  command: string;
  message: string;
}

function workflowCommands(stdout: string): WorkflowCommand[] {
  return [...stdout.matchAll(/^::([a-z-]+)(?: [^:]*)?::(.*)$/gm)].map((match) => ({
    command: match[1] as string,
    message: (match[2] as string).replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%25/g, '%'),
  }));
}

/** What a finished step left behind. */
export interface StepResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  outputs: Map<string, string>;
  /** The step's GITHUB_STEP_SUMMARY file ('' when nothing was written). */
  summary: string;
  exported: Map<string, string>;
  state: Map<string, string>;
  commands: WorkflowCommand[];
  durationMs: number;
}

/** How to run one step. */
export interface StepOptions {
  kind: StepKind;
  /** A folder of its own for the step's runner files. */
  stepDir: string;
  /** The job's workspace: the step's cwd and GITHUB_WORKSPACE. */
  workspace: string;
  /** The job's RUNNER_TEMP (shared by the steps of one job). */
  runnerTemp: string;
  inputs: Record<string, string>;
  /** Extra environment (GITHUB_RUN_ID, the artifact service, …). */
  env?: Record<string, string>;
  /** The main step's GITHUB_STATE, for a post step. */
  state?: Map<string, string>;
  /** Bound on the step's run time; the step is killed and the result rejected after it. */
  timeoutMs: number;
}

/** A running step. */
export interface RunningStep {
  child: ChildProcess;
  /** Live stdout, for waits on progress lines. */
  stdout(): string;
  result: Promise<StepResult>;
  files: { output: string; summary: string; env: string; state: string };
}

/** Starts a step and returns at once. */
export function startStep(options: StepOptions): RunningStep {
  mkdirSync(options.stepDir, { recursive: true });
  const files = {
    output: join(options.stepDir, 'github_output'),
    summary: join(options.stepDir, 'step_summary.md'),
    env: join(options.stepDir, 'github_env'),
    state: join(options.stepDir, 'github_state'),
  };
  for (const file of Object.values(files)) writeFileSync(file, '');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    // The runner user's home, per job: the default models dir (~/.exo/models) must not land in the real one.
    HOME: join(dirname(options.runnerTemp), 'home'),
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    RUNNER_TEMP: options.runnerTemp,
    GITHUB_WORKSPACE: options.workspace,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_ENV: files.env,
    GITHUB_STATE: files.state,
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: 'exo/bench-e2e',
    ...options.env,
  };
  for (const [name, input] of Object.entries(actionYaml.inputs)) {
    const value = options.inputs[name] ?? input.default;
    if (value !== undefined) env[inputVariable(name)] = value;
  }
  for (const name of Object.keys(options.inputs)) {
    if (!(name in actionYaml.inputs)) throw new Error(`action.yml has no input ${name}`);
  }
  for (const [name, value] of options.state ?? []) env[`STATE_${name}`] = value;
  const startedAt = Date.now();
  const child = spawn(process.execPath, [BUNDLES[options.kind]], {
    cwd: options.workspace,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const result = new Promise<StepResult>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`${options.kind} step did not end within ${options.timeoutMs} ms:\n${stdout}\n${stderr}`),
      );
    }, options.timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (exitCode, signal) => {
      clearTimeout(timer);
      const read = (path: string): string => readFileSync(path, 'utf8');
      resolve({
        exitCode,
        signal,
        stdout,
        stderr,
        outputs: parseFileCommands(read(files.output)),
        summary: read(files.summary),
        exported: parseFileCommands(read(files.env)),
        state: parseFileCommands(read(files.state)),
        commands: workflowCommands(stdout),
        durationMs: Date.now() - startedAt,
      });
    });
  });
  return { child, stdout: () => stdout, result, files };
}

/** Runs a step to its end. */
export function runStep(options: StepOptions): Promise<StepResult> {
  return startStep(options).result;
}

/** Waits (bounded) until `predicate` holds, polling every 50 ms. */
export async function waitFor(what: string, predicate: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
