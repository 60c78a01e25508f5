/**
 * Every error path of the bundled action, as the runner runs it (INPUT_*, GITHUB_OUTPUT,
 * GITHUB_STEP_SUMMARY, GITHUB_STATE fed to the post step): each publishes one summary that lists its
 * problems with their positions and hints that fit, writes exactly one annotation per problem, sets
 * every output, and the post step after it never claims an interruption that did not happen.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Outputs } from '../../src/action/constants.js';
import { missingBundles, runStep, type StepResult } from './runner.js';

const GOOD = `hardware_plan: { M3ULTRA: 1 }
timeout_seconds: 2
model_ids: [mlx-community/Llama-3.2-1B-Instruct-4bit]
stages:
  - { name: s, prompt_length: 64, generation_length: 8, time_between_requests: 1, iterations: 1 }
`;
/** A bad value (line 1), and on line 5 a typo'd key, so the key it meant is missing: three problems. */
const BAD = `hardware_plan: { M3ULTRA: 0 }
timeout_seconds: 2
model_ids: [mlx-community/Llama-3.2-1B-Instruct-4bit]
stages:
  - { name: s, prompt_length: 64, generation_length: 8, time_between_request: 1, iterations: 1 }
`;
const CONFIG_DOCS = 'https://github.com/exo/bench-action/blob/v1/configs/README.md';

/** Annotations the step wrote (error and warning workflow commands). */
function annotations(step: StepResult): Array<{ command: string; message: string }> {
  return step.commands.filter((c) => c.command === 'error' || c.command === 'warning');
}

function describeStep(step: StepResult): string {
  return `exit ${step.exitCode}\n${step.stdout}\n${step.stderr}`;
}

describe('error paths of the bundled action', () => {
  let root: string;
  let workspace: string;
  let counter = 0;

  beforeAll(() => {
    const missing = missingBundles();
    if (missing.length > 0) throw new Error(`run npm run build first; missing: ${missing.join(', ')}`);
    root = mkdtempSync(join(tmpdir(), 'exo-bench-errors-'));
    workspace = join(root, 'workspace');
    mkdirSync(join(workspace, '.github', 'configs'), { recursive: true });
    writeFileSync(join(workspace, '.github', 'configs', 'good.yaml'), GOOD);
    writeFileSync(join(workspace, '.github', 'configs', 'bad.yaml'), BAD);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  /** Runs main, then post with main's state, in a job of its own. */
  async function mainAndPost(
    inputs: Record<string, string>,
  ): Promise<{ main: StepResult; post: StepResult }> {
    counter += 1;
    const job = join(root, `job-${counter}`);
    const runnerTemp = join(job, 'runner-temp');
    mkdirSync(runnerTemp, { recursive: true });
    const common = { workspace, runnerTemp, timeoutMs: 30_000 };
    const main = await runStep({ ...common, kind: 'main', stepDir: join(job, 'main'), inputs });
    const post = await runStep({
      ...common,
      kind: 'post',
      stepDir: join(job, 'post'),
      inputs,
      state: main.state,
    });
    return { main, post };
  }

  /** What every error path has in common. */
  function expectErrorPath(main: StepResult, post: StepResult, problems: number): void {
    expect([main.exitCode, describeStep(main)]).toEqual([1, describeStep(main)]);
    expect(main.summary).toMatch(/^## exo-bench: 💥 error\n/);
    expect(annotations(main)).toHaveLength(problems);
    expect([...main.outputs.keys()].sort()).toEqual(Object.values(Outputs).sort());
    // The post step: main finished, so nothing was interrupted and there is nothing to publish.
    expect([post.exitCode, describeStep(post)]).toEqual([0, describeStep(post)]);
    expect(post.summary).toBe('');
    expect(annotations(post)).toEqual([]);
    expect(main.summary + post.summary + post.stdout).not.toMatch(/interrupted/i);
  }

  it('input: every bad input in one list, one annotation, a hint and the inputs reference', async () => {
    const { main, post } = await mainAndPost({
      mode: 'bogus',
      'node-index': 'first',
      'config-file': '.github/configs/good.yaml',
    });
    expectErrorPath(main, post, 1);
    expect(main.summary).toContain("**The step's inputs have 2 problems:**");
    expect(main.summary).toContain('- input mode must be plan, provision, node or merge, got "bogus"');
    expect(main.summary).toContain('- input node-index must be a whole number ≥ 0, got "first"');
    expect(main.summary).toContain('Inputs: <https://github.com/exo/bench-action/blob/v1/action.yml>');
    expect(annotations(main)[0]?.message).toContain('got "bogus"');
    expect(annotations(main)[0]?.message).toContain('got "first"');
    expect(main.outputs.get(Outputs.Verdict)).toBe('error');
  });

  it('input: api-url without a scheme quotes what was typed and suggests the URL meant', async () => {
    const { main, post } = await mainAndPost({
      'api-url': 'localhost:52415',
      'config-file': '.github/configs/good.yaml',
    });
    expectErrorPath(main, post, 1);
    expect(main.summary).toContain('input api-url must be an http:// or https:// URL, got "localhost:52415"');
    expect(main.summary).toContain('**Hint:** Use e.g. http://localhost:52415');
  });

  it('config: each problem as a list item with file:line:col, one annotation at each line, the config reference by absolute URL', async () => {
    const { main, post } = await mainAndPost({ 'config-file': '.github/configs/bad.yaml' });
    expectErrorPath(main, post, 3);
    expect(main.summary).toContain('**The config .github/configs/bad.yaml has 3 problems:**');
    expect(main.summary).toMatch(/^- `\.github\/configs\/bad\.yaml:1:\d+` hardware\\_plan\.M3ULTRA: /m);
    expect(main.summary).toMatch(
      /^- `\.github\/configs\/bad\.yaml:5:\d+` stages\\\[0\\\]\.time\\_between\\_request: unknown key; did you mean "time\\_between\\_requests"\?$/m,
    );
    expect(main.summary).toContain(`Config reference: <${CONFIG_DOCS}>`);
    expect(main.stdout).toMatch(/^::error title=exo-bench config,file=\.github\/configs\/bad\.yaml,line=5,/m);
  });

  it('config: a missing file says which path was tried relative to which workspace, and points at no field docs', async () => {
    const { main, post } = await mainAndPost({ 'config-file': '.github/configs/bench_simpel.yaml' });
    expectErrorPath(main, post, 1);
    expect(main.summary).toContain('**The config file was not found:**');
    // Markdown escapes `_` in text; it renders as typed.
    const escaped = (text: string): string => text.replace(/_/g, '\\_');
    expect(main.summary).toContain(
      `this step looked for ${escaped(join(workspace, '.github', 'configs', 'bench_simpel.yaml'))}`,
    );
    expect(main.summary).toContain(`config-file is read relative to the workspace ${escaped(workspace)}`);
    expect(main.summary).toContain('actions/checkout');
    expect(main.summary).not.toContain('configs/README.md');
  });

  it('plan: a config error in plan mode publishes the same summary, one annotation per problem', async () => {
    const { main, post } = await mainAndPost({ mode: 'plan', 'config-file': '.github/configs/bad.yaml' });
    expectErrorPath(main, post, 3);
    expect(main.summary).toContain('**The config .github/configs/bad.yaml has 3 problems:**');
    expect(main.outputs.get(Outputs.Matrix)).toBe('');
  });

  it('plan: wait-for-runners without a token is a warning, not silence', async () => {
    const { main } = await mainAndPost({
      mode: 'plan',
      'config-file': '.github/configs/good.yaml',
      'wait-for-runners': '300',
    });
    expect(main.exitCode).toBe(0);
    expect(annotations(main).map((a) => a.message)).toEqual([
      expect.stringMatching(/^wait-for-runners: 300 has no effect without github-token/),
    ]);
  });

  it('node: a run that cannot reach its server publishes its summary with the error and hint, one annotation', async () => {
    const { main, post } = await mainAndPost({
      'config-file': '.github/configs/good.yaml',
      'api-url': 'http://127.0.0.1:9',
      'timeout-seconds': '1',
      'upload-artifact': 'false',
    });
    expectErrorPath(main, post, 1);
    expect(main.summary).toMatch(/^> \*\*cluster error:\*\* /m);
    expect(main.summary).toMatch(/^> Hint: /m);
    expect(main.outputs.get(Outputs.Verdict)).toBe('error');
  });
});
