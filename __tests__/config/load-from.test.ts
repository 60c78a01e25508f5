/**
 * `load_from` (issue #18): the default keeps every existing config's meaning (and leaves the config's
 * keys as they were), `all_nodes` takes a skew tolerance, and what cannot be shared between nodes is
 * refused with a positioned error: closed loops, capacity searches and openai targets.
 */
import { parseConfigText } from '../../src/config/index.js';
import { ConfigError, type ConfigProblem } from '../../src/core/errors.js';

const config = (stageYaml: string, topLevel = ''): string => `hardware_plan: { sim: 4 }
model_ids: [m]
${topLevel}
stages:
  - name: s
    prompt_length: 20
    generation_length: 10
${stageYaml
  .trim()
  .split('\n')
  .map((line) => `    ${line.trim()}`)
  .join('\n')}
`;

function problemsOf(text: string): Pick<ConfigProblem, 'path' | 'message' | 'line'>[] {
  try {
    parseConfigText(text, 'c.yaml', {});
  } catch (error) {
    if (error instanceof ConfigError)
      return error.problems.map(({ path, message, line }) => ({ path, message, line }));
    throw error;
  }
  throw new Error('the config was accepted');
}

describe('load_from', () => {
  it('defaults to primary, which adds no key to the config (existing documents are unchanged)', () => {
    const { config: loaded } = parseConfigText(
      config('time_between_requests: 1\niterations: 3'),
      'c.yaml',
      {},
    );
    expect(loaded).not.toHaveProperty('load_from');
    expect(loaded).not.toHaveProperty('clock_skew_tolerance_ms');
    const explicit = parseConfigText(
      config('time_between_requests: 1\niterations: 3', 'load_from: primary'),
      'c.yaml',
      {},
    ).config;
    expect(explicit).toEqual(loaded);
  });

  it('all_nodes keeps open-loop stages of every shape and writes the skew tolerance (default 20 ms)', () => {
    const { config: loaded } = parseConfigText(
      config(
        'arrival: poisson\ntime_between_requests: 0.1\nramp_to_rate: 20\niterations: 30',
        'load_from: all_nodes',
      ),
      'c.yaml',
      {},
    );
    expect(loaded.load_from).toBe('all_nodes');
    expect(loaded.clock_skew_tolerance_ms).toBe(20);
    const tolerant = parseConfigText(
      config(
        'time_between_requests: 0.1\niterations: 3',
        'load_from: all_nodes\nclock_skew_tolerance_ms: 2.5',
      ),
      'c.yaml',
      {},
    ).config;
    expect(tolerant.clock_skew_tolerance_ms).toBe(2.5);
  });

  it('refuses an unknown value and a tolerance that is not positive', () => {
    expect(problemsOf(config('time_between_requests: 1\niterations: 3', 'load_from: everyone'))).toEqual([
      expect.objectContaining({ path: 'load_from', message: expect.stringContaining('all_nodes') }),
    ]);
    expect(
      problemsOf(
        config('time_between_requests: 1\niterations: 3', 'load_from: all_nodes\nclock_skew_tolerance_ms: 0'),
      ),
    ).toEqual([expect.objectContaining({ path: 'clock_skew_tolerance_ms' })]);
  });

  it('refuses a concurrency stage with all_nodes, at the stage key', () => {
    expect(problemsOf(config('concurrency: 4\niterations: 8', 'load_from: all_nodes'))).toEqual([
      {
        path: 'stages[0].concurrency',
        message: expect.stringMatching(/^load_from: all_nodes shares open-loop stages only/),
        line: 8,
      },
    ]);
  });

  it("refuses no_overlap with all_nodes: the stage's own, and the inherited one once", () => {
    expect(
      problemsOf(config('no_overlap: true\ntime_between_requests: 0\niterations: 8', 'load_from: all_nodes')),
    ).toEqual([expect.objectContaining({ path: 'stages[0].no_overlap', line: 8 })]);
    const inherited = problemsOf(
      `${config('time_between_requests: 0\niterations: 8', 'load_from: all_nodes\nno_overlap: true')}  - name: t
    prompt_length: 20
    generation_length: 10
    time_between_requests: 0
    iterations: 8
`,
    );
    expect(inherited).toEqual([
      expect.objectContaining({
        path: 'no_overlap',
        message: expect.stringContaining('no_overlap is inherited from the top level'),
      }),
    ]);
  });

  it('refuses a capacity search stage with all_nodes', () => {
    const text = `hardware_plan: { sim: 2 }
model_ids: [m]
load_from: all_nodes
stages:
  - name: s
    prompt_length: 20
    generation_length: 10
    search: { metric: ttft_p95_ms, max: 500, rate: { min: 1, max: 8 } }
`;
    expect(problemsOf(text)).toEqual([
      expect.objectContaining({
        path: 'stages[0].search',
        message: expect.stringContaining('capacity search'),
      }),
    ]);
  });

  it('refuses all_nodes with an openai target (no cluster state to agree through)', () => {
    const text = `load_from: all_nodes
target: { kind: openai, base_url: 'http://127.0.0.1:8000', model: m }
stages: [{name: s, prompt_length: 20, generation_length: 10, time_between_requests: 1, iterations: 3}]
`;
    expect(problemsOf(text)).toEqual([
      expect.objectContaining({
        path: 'load_from',
        message: expect.stringContaining('needs an EXO target'),
      }),
    ]);
  });
});
