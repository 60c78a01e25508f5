/**
 * `load_from` (issue #18): the default keeps every existing config's meaning (and leaves the config's
 * keys as they were), `all_nodes` takes a skew tolerance; closed loops and capacity searches are the
 * primary's alone on an EXO target and refused with a positioned error on an openai target (its starts
 * are fixed at plan time, and nothing can fix the end of such a stage). An openai target shares its load
 * between the runners of hardware_plan on starts fixed at plan time (all_nodes_start_delay_seconds,
 * all_nodes_drain_seconds), fields refused wherever else they would do nothing.
 */
import { parseConfigText } from '../../src/config/index.js';
import { ConfigError, type ConfigProblem } from '../../src/core/errors.js';
import { isPrimaryOnlyStage } from '../../src/load/schedule.js';

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

  it('keeps closed loops and capacity searches with an EXO target: the primary sends them alone', () => {
    const text = `hardware_plan: { sim: 4 }
model_ids: [m]
load_from: all_nodes
no_overlap: true
stages:
  - name: open
    prompt_length: 20
    generation_length: 10
    no_overlap: false
    time_between_requests: 0.1
    iterations: 8
  - name: one-at-a-time
    prompt_length: 20
    generation_length: 10
    time_between_requests: 0
    iterations: 4
  - name: slots
    prompt_length: 20
    generation_length: 10
    no_overlap: false
    concurrency: 4
    iterations: 8
  - name: capacity
    prompt_length: 20
    generation_length: 10
    search: { metric: ttft_p95_ms, max: 500, rate: { min: 1, max: 8 } }
`;
    const { config: loaded } = parseConfigText(text, 'c.yaml', {});
    expect(loaded.load_from).toBe('all_nodes');
    expect(loaded.stages.map((stage) => [stage.name, isPrimaryOnlyStage(stage)])).toEqual([
      ['open', false],
      ['one-at-a-time', true],
      ['slots', true],
      ['capacity', true],
    ]);
    const explicit = parseConfigText(
      config('concurrency: 4\niterations: 8', 'load_from: all_nodes\ntarget: { kind: exo }'),
      'c.yaml',
      {},
    ).config;
    expect(explicit.stages[0]?.concurrency).toBe(4);
  });
});

describe('load_from: all_nodes with an openai target (stage starts fixed at plan time)', () => {
  const openai = (topLevel: string, stage = 'time_between_requests: 1, iterations: 3'): string =>
    `${topLevel}
target: { kind: openai, base_url: 'http://127.0.0.1:8000', model: m }
stages: [{name: s, prompt_length: 20, generation_length: 10, ${stage}}]
`;

  it('spreads over the runners of hardware_plan, with a start delay of 120 s and the request timeout as drain by default', () => {
    const { config: loaded } = parseConfigText(
      openai('load_from: all_nodes\nhardware_plan: { LOADGEN: 4 }\nrequest_timeout_seconds: 45'),
      'c.yaml',
      {},
    );
    expect(loaded).toMatchObject({
      hardware_plan: { LOADGEN: 4 },
      load_from: 'all_nodes',
      clock_skew_tolerance_ms: 20,
      all_nodes_start_delay_seconds: 120,
      all_nodes_drain_seconds: 45,
    });
    const given = parseConfigText(
      openai(
        'load_from: all_nodes\nhardware_plan: { LOADGEN: 2 }\nall_nodes_start_delay_seconds: 5\nall_nodes_drain_seconds: 1.5',
      ),
      'c.yaml',
      {},
    ).config;
    expect([given.all_nodes_start_delay_seconds, given.all_nodes_drain_seconds]).toEqual([5, 1.5]);
  });

  it('leaves every other config without the two fields (their documents are unchanged)', () => {
    const primary = parseConfigText(openai('hardware_plan: { LOADGEN: 1 }'), 'c.yaml', {}).config;
    const exo = parseConfigText(
      config('time_between_requests: 1\niterations: 3', 'load_from: all_nodes'),
      'c.yaml',
      {},
    ).config;
    for (const loaded of [primary, exo]) {
      expect(loaded).not.toHaveProperty('all_nodes_start_delay_seconds');
      expect(loaded).not.toHaveProperty('all_nodes_drain_seconds');
    }
  });

  it('needs hardware_plan: the runners that share the load', () => {
    expect(problemsOf(openai('load_from: all_nodes'))).toEqual([
      {
        path: '',
        message: expect.stringMatching(
          /^missing required key "hardware_plan" for load_from: all_nodes with target kind "openai"/,
        ),
        line: 1,
      },
    ]);
  });

  it('keeps one node with load_from: primary, and says how to spread the load', () => {
    expect(problemsOf(openai('hardware_plan: { LOADGEN: 4 }'))).toEqual([
      {
        path: 'hardware_plan',
        message: expect.stringContaining('with load_from: all_nodes every node of hardware_plan sends'),
        line: 1,
      },
    ]);
  });

  const WHY =
    'load_from: all_nodes with target kind "openai" shares open-loop stages only (its stage starts are fixed at plan time, and a plan-time schedule cannot know where a closed loop or capacity search ends, so no stage after it could be given a start; an EXO target runs such a stage on the primary alone)';

  it('refuses a closed loop or capacity search, at the stage key: a plan-time schedule cannot know where it ends', () => {
    expect(
      problemsOf(
        openai('load_from: all_nodes\nhardware_plan: { LOADGEN: 4 }', 'concurrency: 4, iterations: 8'),
      ),
    ).toEqual([
      {
        path: 'stages[0].concurrency',
        message: `${WHY}: give this stage time_between_requests instead, or use load_from: primary`,
        line: 4,
      },
    ]);
    expect(
      problemsOf(
        openai(
          'load_from: all_nodes\nhardware_plan: { LOADGEN: 4 }',
          'search: { metric: ttft_p95_ms, max: 500, rate: { min: 1, max: 8 } }',
        ),
      ),
    ).toEqual([
      {
        path: 'stages[0].search',
        message: `${WHY}: run a capacity search with load_from: primary`,
        line: 4,
      },
    ]);
  });

  it("refuses no_overlap: the stage's own, and the inherited one once", () => {
    expect(
      problemsOf(
        openai(
          'load_from: all_nodes\nhardware_plan: { LOADGEN: 4 }',
          'no_overlap: true, time_between_requests: 0, iterations: 8',
        ),
      ),
    ).toEqual([
      {
        path: 'stages[0].no_overlap',
        message: `${WHY}: one request at a time is one client's loop; use load_from: primary`,
        line: 4,
      },
    ]);
    const inherited = problemsOf(
      `load_from: all_nodes
hardware_plan: { LOADGEN: 4 }
no_overlap: true
target: { kind: openai, base_url: 'http://127.0.0.1:8000', model: m }
stages:
  - {name: s, prompt_length: 20, generation_length: 10, time_between_requests: 0, iterations: 8}
  - {name: t, prompt_length: 20, generation_length: 10, time_between_requests: 0, iterations: 8}
`,
    );
    expect(inherited).toEqual([
      {
        path: 'no_overlap',
        message: `${WHY}: one request at a time is one client's loop; use load_from: primary (no_overlap is inherited from the top level)`,
        line: 3,
      },
    ]);
  });

  it('refuses the two fields where they would do nothing, at the key: load_from primary, or an EXO target', () => {
    expect(problemsOf(openai('hardware_plan: { LOADGEN: 1 }\nall_nodes_start_delay_seconds: 30'))).toEqual([
      {
        path: 'all_nodes_start_delay_seconds',
        message:
          'all_nodes_start_delay_seconds is for load_from: all_nodes with target kind "openai" (stage starts fixed at plan time); with load_from: primary one node sends the load, each stage once the previous one has ended: remove it',
        line: 2,
      },
    ]);
    expect(
      problemsOf(
        config('time_between_requests: 1\niterations: 3', 'load_from: all_nodes\nall_nodes_drain_seconds: 5'),
      ),
    ).toEqual([
      {
        path: 'all_nodes_drain_seconds',
        message:
          'all_nodes_drain_seconds is for load_from: all_nodes with target kind "openai" (stage starts fixed at plan time); an EXO target\'s nodes read each stage\'s start from the cluster state, published once the previous stage has drained: remove it',
        line: 4,
      },
    ]);
  });

  it('refuses a delay or drain that is not a positive number of seconds', () => {
    expect(
      problemsOf(
        openai(
          'load_from: all_nodes\nhardware_plan: { LOADGEN: 2 }\nall_nodes_start_delay_seconds: 0\nall_nodes_drain_seconds: -1',
        ),
      ).map((problem) => problem.path),
    ).toEqual(['all_nodes_start_delay_seconds', 'all_nodes_drain_seconds']);
  });
});
