/**
 * Plan mode as the runner runs it (issue #2's acceptance): the bundled main step with INPUT_* variables
 * and the runner's command files, and the CLI's plan command on good and bad configs.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI_BUNDLE, REPO_ROOT, runStep } from './runner.js';

function workspace(): { root: string; workspace: string; runnerTemp: string } {
  const root = mkdtempSync(join(tmpdir(), 'exo-bench-plan-'));
  const ws = join(root, 'workspace');
  const runnerTemp = join(root, 'runner-temp');
  mkdirSync(ws, { recursive: true });
  mkdirSync(runnerTemp, { recursive: true });
  return { root, workspace: ws, runnerTemp };
}

describe('plan mode of the bundled action', () => {
  it('writes the 4-entry matrix of bench_config.yaml and every plan output', async () => {
    const { root, workspace: ws, runnerTemp } = workspace();
    copyFileSync(join(REPO_ROOT, 'configs', 'bench_config.yaml'), join(ws, 'bench_config.yaml'));
    const result = await runStep({
      kind: 'main',
      stepDir: join(root, 'step'),
      workspace: ws,
      runnerTemp,
      inputs: { mode: 'plan', 'config-file': 'bench_config.yaml' },
      timeoutMs: 20_000,
    });
    expect(result.exitCode).toBe(0);
    const label = 'M3ULTRA_GPU80_512GB';
    expect(JSON.parse(result.outputs.get('matrix')!)).toEqual({
      include: [0, 1, 2, 3].map((index) => ({
        label,
        index,
        is_primary: index === 0,
        expected_nodes: 4,
        sends_load: index === 0,
      })),
    });
    expect(result.outputs.get('expected-nodes')).toBe('4');
    expect(result.outputs.get('timeout-seconds')).toBe('600');
    expect(JSON.parse(result.outputs.get('environment')!)).toEqual({ OVERRIDE_MEMORY_MB: '512' });
    expect(result.outputs.get('config-file')).toBe('bench_config.yaml');
    expect(result.outputs.get('runners-ready')).toBe('unknown');
    expect(result.summary).toContain('| M3ULTRA\\_GPU80\\_512GB | 0 | yes |');
  });

  it('orders two labels as the config does, the first node primary', async () => {
    const { root, workspace: ws, runnerTemp } = workspace();
    writeFileSync(
      join(ws, 'two.yaml'),
      'hardware_plan: { a: 2, b: 1 }\nmodel_ids: [m]\nstages:\n  - { name: s, prompt_length: 8, generation_length: 8, time_between_requests: 1, iterations: 1 }\n',
    );
    const result = await runStep({
      kind: 'main',
      stepDir: join(root, 'step'),
      workspace: ws,
      runnerTemp,
      inputs: { mode: 'plan', 'config-file': 'two.yaml' },
      timeoutMs: 20_000,
    });
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.outputs.get('matrix')!)).toEqual({
      include: [
        { label: 'a', index: 0, is_primary: true, expected_nodes: 3, sends_load: true },
        { label: 'a', index: 1, is_primary: false, expected_nodes: 3, sends_load: false },
        { label: 'b', index: 0, is_primary: false, expected_nodes: 3, sends_load: false },
      ],
    });
  });

  it('turns config errors into error annotations at their lines, one per problem, and fails', async () => {
    const { root, workspace: ws, runnerTemp } = workspace();
    writeFileSync(
      join(ws, 'bad.yaml'),
      'hardware_plan: { a: 0 }\nmodel_ids: [m]\nstages:\n  - { name: s, prompt_length: 8, generation_length: 8, time_between_request: 1, iterations: 1 }\n',
    );
    const result = await runStep({
      kind: 'main',
      stepDir: join(root, 'step'),
      workspace: ws,
      runnerTemp,
      inputs: { mode: 'plan', 'config-file': 'bad.yaml' },
      timeoutMs: 20_000,
    });
    expect(result.exitCode).toBe(1);
    const annotations = result.stdout
      .split('\n')
      .filter((line) => line.startsWith('::error title=exo-bench config,file=bad.yaml,'));
    expect(annotations.length).toBeGreaterThanOrEqual(2);
    expect(annotations.some((line) => /line=1,.*col=/.test(line) && line.includes('hardware_plan'))).toBe(
      true,
    );
    expect(annotations.some((line) => /line=4,/.test(line) && line.includes('did you mean'))).toBe(true);
    // One annotation per problem and no other: "the config has 2 problems" is a log line, not a third.
    expect(result.commands.filter((c) => c.command === 'error')).toHaveLength(annotations.length);
    expect(result.stdout).toContain('exo-bench: the config has');
    expect(result.summary).toMatch(/^## exo-bench: 💥 error\n/);
    // Every declared output is still set.
    expect(result.outputs.get('config-file')).toBe('bad.yaml');
    expect(result.outputs.has('matrix')).toBe(true);
  });

  it('fails cleanly with no inputs at all (a missing config, not a module error)', () => {
    const { workspace: ws } = workspace();
    const run = spawnSync(process.execPath, [join(REPO_ROOT, 'dist', 'main', 'index.js')], {
      cwd: ws,
      env: { PATH: process.env.PATH ?? '' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('.github/configs/bench_simple.yaml');
    expect(run.stdout + run.stderr).not.toMatch(/ERR_MODULE_NOT_FOUND|Cannot find (module|package)|\n\s+at /);
  });
});

describe('exo-bench plan', () => {
  it('prints the matrix', () => {
    const run = spawnSync(
      process.execPath,
      [CLI_BUNDLE, 'plan', '--config', join(REPO_ROOT, 'configs', 'bench_config.yaml')],
      {
        encoding: 'utf8',
        timeout: 20_000,
      },
    );
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout).include).toHaveLength(4);
  });

  it('exits 2 with one line per problem, each with file:line:col', () => {
    const { workspace: ws } = workspace();
    const bad = join(ws, 'bad.yaml');
    writeFileSync(bad, 'hardware_plan: { a: -1 }\ntimeout_seconds: abc\nmodel_ids: []\nstages: []\n');
    const run = spawnSync(process.execPath, [CLI_BUNDLE, 'plan', '--config', bad], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.status).toBe(2);
    const lines = run.stderr.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(4);
    for (const line of lines)
      expect(line).toMatch(new RegExp(`^error: ${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: `));
    expect(run.stdout).toBe('');
  });
});
