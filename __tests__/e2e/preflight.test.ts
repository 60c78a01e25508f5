/**
 * Runner pre-flight through the bundled action (issue #10): plan mode with a github-token lists the
 * self-hosted runners from a local stand-in of the GitHub REST API (GITHUB_API_URL), publishes the
 * table and `runners-ready`, and fails after publishing when a label falls short.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitHubStandin, makeRunners } from '../helpers/github-standin.js';
import { runStep, type StepResult } from './runner.js';

const CONFIG = `hardware_plan:
  M3ULTRA_GPU80_512GB: 2
  M4PRO_GPU16_24GB: 1
model_ids: [mlx-community/Llama-3.2-1B-Instruct-4bit]
stages:
  - { name: s, prompt_length: 32, generation_length: 8, time_between_requests: 1, iterations: 1 }
`;

describe('plan mode with runner pre-flight', () => {
  let standin: GitHubStandin;

  beforeAll(async () => {
    standin = await GitHubStandin.start({ owner: 'exo', repo: 'bench-e2e' });
  });
  afterAll(async () => {
    await standin.close();
  });

  async function plan(inputs: Record<string, string>): Promise<StepResult> {
    const root = mkdtempSync(join(tmpdir(), 'exo-bench-preflight-'));
    const workspace = join(root, 'workspace');
    mkdirSync(workspace, { recursive: true });
    writeFileSync(join(workspace, 'cluster.yaml'), CONFIG);
    return runStep({
      kind: 'main',
      stepDir: join(root, 'step'),
      workspace,
      runnerTemp: root,
      inputs: { mode: 'plan', 'config-file': 'cluster.yaml', ...inputs },
      env: { GITHUB_API_URL: standin.baseUrl },
      timeoutMs: 30_000,
    });
  }

  it('all labels present: runners-ready true, a table in the summary, the token never printed', async () => {
    standin.setRunners([
      ...makeRunners('ultra', 2, ['self-hosted', 'macOS', 'm3ultra_gpu80_512gb']),
      ...makeRunners('pro', 1, ['self-hosted', 'M4PRO_GPU16_24GB'], { busy: true }),
    ]);
    const result = await plan({ 'github-token': standin.token });
    expect(result.exitCode).toBe(0);
    expect(result.outputs.get('runners-ready')).toBe('true');
    expect(result.summary).toMatch(/\| M3ULTRA\\_GPU80\\_512GB \| 2 \| 2 \| 0 \| 0 \|/);
    expect(result.summary).toMatch(/\| M4PRO\\_GPU16\\_24GB \| 1 \| 1 \| 1 \| 0 \|/);
    // The one place the token may appear is the mask command itself, which the runner consumes.
    expect(result.stdout).toContain(`::add-mask::${standin.token}`);
    const printed = result.stdout.replace(`::add-mask::${standin.token}`, '');
    expect(printed + result.stderr + result.summary).not.toContain(standin.token);
    expect(standin.listRequests.length).toBeGreaterThan(0);
  });

  it('a label short: publishes the plan and runners-ready false, then fails once', async () => {
    standin.setRunners([
      ...makeRunners('ultra', 1, ['self-hosted', 'M3ULTRA_GPU80_512GB']),
      ...makeRunners('pro', 1, ['M4PRO_GPU16_24GB'], { status: 'offline' }),
    ]);
    const result = await plan({ 'github-token': standin.token });
    expect(result.exitCode).toBe(1);
    expect(result.outputs.get('runners-ready')).toBe('false');
    expect(JSON.parse(result.outputs.get('matrix')!).include).toHaveLength(3);
    expect(result.summary).toContain('M4PRO\\_GPU16\\_24GB');
    expect(result.commands.filter((c) => c.command === 'error')).toHaveLength(1);
  });

  it('require-runners false: reports the shortfall and still passes', async () => {
    const result = await plan({ 'github-token': standin.token, 'require-runners': 'false' });
    expect(result.exitCode).toBe(0);
    expect(result.outputs.get('runners-ready')).toBe('false');
  });

  it('a token that may not read runners: says so, runners-ready unknown, continues', async () => {
    standin.access = 'forbidden';
    try {
      const result = await plan({ 'github-token': standin.token });
      expect(result.exitCode).toBe(0);
      expect(result.outputs.get('runners-ready')).toBe('unknown');
      expect(result.summary + result.stdout).toMatch(/Administration: read/);
    } finally {
      standin.access = 'ok';
    }
  });

  it('no token: runners-ready unknown, nothing listed', async () => {
    standin.resetRequests();
    const result = await plan({});
    expect(result.exitCode).toBe(0);
    expect(result.outputs.get('runners-ready')).toBe('unknown');
    expect(standin.listRequests).toHaveLength(0);
  });
});
