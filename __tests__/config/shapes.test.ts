/**
 * The workload-shape fields of a stage (arrival, burstiness, concurrency, ramp_to_rate) and the run's
 * seed: their defaults, and a clear, positioned error for each combination that has no meaning.
 */
import { parseConfigText } from '../../src/config/index.js';
import { ConfigError, type ConfigProblem } from '../../src/core/errors.js';

const config = (stageYaml: string, topLevel = ''): string => `hardware_plan: { sim: 1 }
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

const stageOf = (text: string) => parseConfigText(text, 'c.yaml', {}).config.stages[0];

describe('defaults: every existing config keeps its meaning', () => {
  it('a stage without shape fields is the seed schedule: constant arrivals, open loop, seed 0', () => {
    const loaded = parseConfigText(config('time_between_requests: 1\niterations: 3'), 'c.yaml', {});
    expect(loaded.config.seed).toBe(0);
    expect(loaded.config.stages[0]).toEqual({
      name: 's',
      prompt_length: 20,
      generation_length: 10,
      time_between_requests: 1,
      iterations: 3,
      no_overlap: false,
      arrival: 'constant',
      warmup_requests: 0,
      warmup: false,
    });
  });

  it('gamma without burstiness is burstiness 1 (Poisson); poisson has none', () => {
    expect(stageOf(config('arrival: gamma\ntime_between_requests: 1\niterations: 3'))).toMatchObject({
      arrival: 'gamma',
      burstiness: 1,
    });
    expect(stageOf(config('arrival: poisson\ntime_between_requests: 1\niterations: 3'))).not.toHaveProperty(
      'burstiness',
    );
  });

  it('concurrency may leave time_between_requests out (no pause)', () => {
    expect(stageOf(config('concurrency: 8\niterations: 20'))).toMatchObject({
      concurrency: 8,
      time_between_requests: 0,
      no_overlap: false,
    });
  });

  it('keeps a seed, a ramp and a concurrency pause as written', () => {
    const loaded = parseConfigText(
      config('time_between_requests: 0.5\nramp_to_rate: 20\niterations: 400', 'seed: 12345678901'),
      'c.yaml',
      {},
    );
    expect(loaded.config.seed).toBe(12345678901);
    expect(loaded.config.stages[0]).toMatchObject({ ramp_to_rate: 20, time_between_requests: 0.5 });
  });
});

describe('errors', () => {
  it('time_between_requests is required unless the stage sets concurrency', () => {
    expect(problemsOf(config('iterations: 3'))).toEqual([
      {
        path: 'stages[0]',
        line: 5,
        message:
          'missing required key "time_between_requests" (a number ≥ 0); required unless the stage sets concurrency',
      },
    ]);
  });

  it('names the arrival processes, with did-you-mean', () => {
    expect(problemsOf(config('arrival: poison\ntime_between_requests: 1\niterations: 3'))).toEqual([
      {
        path: 'stages[0].arrival',
        line: 8,
        message: 'expected "constant", "poisson" or "gamma", found "poison"; did you mean "poisson"?',
      },
    ]);
  });

  it('burstiness needs gamma', () => {
    expect(
      problemsOf(config('arrival: poisson\nburstiness: 0.5\ntime_between_requests: 1\niterations: 3')),
    ).toEqual([
      {
        path: 'stages[0].burstiness',
        line: 9,
        message: 'burstiness is the shape of gamma gaps: it needs arrival: gamma, found arrival: poisson',
      },
    ]);
  });

  it('concurrency does not combine with arrival, ramp_to_rate or no_overlap', () => {
    expect(
      problemsOf(
        config('concurrency: 4\narrival: poisson\nramp_to_rate: 3\ntime_between_requests: 1\niterations: 9'),
      ),
    ).toEqual([
      {
        path: 'stages[0].concurrency',
        line: 8,
        message:
          'concurrency is a closed loop (a request is sent when one completes), so it does not combine with arrival: poisson or ramp_to_rate; remove one of them',
      },
    ]);
    expect(problemsOf(config('concurrency: 4\nno_overlap: true\niterations: 9'))[0]?.message).toBe(
      'concurrency is a closed loop (a request is sent when one completes), so it does not combine with no_overlap: true; remove one of them',
    );
    // Inherited from the top level: the stage must say no_overlap: false.
    expect(problemsOf(config('concurrency: 4\niterations: 9', 'no_overlap: true'))[0]?.message).toBe(
      'concurrency is a closed loop (a request is sent when one completes), so it does not combine with no_overlap: true (inherited from the top level; write no_overlap: false in this stage); remove one of them',
    );
    expect(
      stageOf(config('concurrency: 4\nno_overlap: false\niterations: 9', 'no_overlap: true')),
    ).toMatchObject({ concurrency: 4, no_overlap: false });
  });

  it('open-loop shapes do not combine with no_overlap', () => {
    expect(
      problemsOf(config('arrival: gamma\nno_overlap: true\ntime_between_requests: 1\niterations: 3')),
    ).toEqual([
      {
        path: 'stages[0].arrival',
        line: 8,
        message:
          'arrival: gamma shape(s) open-loop arrivals, but the stage has no_overlap: true, which sends one request at a time',
      },
    ]);
    expect(
      problemsOf(config('ramp_to_rate: 5\ntime_between_requests: 1\niterations: 3', 'no_overlap: true'))[0]
        ?.path,
    ).toBe('stages[0].ramp_to_rate');
  });

  it('concurrency above iterations, a ramp from a gap of 0, and limits', () => {
    expect(problemsOf(config('concurrency: 10\niterations: 3'))).toEqual([
      {
        path: 'stages[0].concurrency',
        line: 8,
        message:
          'expected an integer ≤ iterations (3), found 10; no more than iterations requests are ever in flight',
      },
    ]);
    expect(problemsOf(config('ramp_to_rate: 5\ntime_between_requests: 0\niterations: 3'))).toEqual([
      {
        path: 'stages[0].time_between_requests',
        line: 9,
        message:
          'expected a number > 0 with ramp_to_rate (the ramp starts at 1/time_between_requests requests per second), found 0',
      },
    ]);
    expect(problemsOf(config('concurrency: 0\niterations: 3'))[0]?.message).toBe(
      'expected an integer ≥ 1, found 0',
    );
    expect(problemsOf(config('ramp_to_rate: 0\ntime_between_requests: 1\niterations: 3'))[0]?.message).toBe(
      'expected a number > 0, found 0',
    );
    expect(problemsOf(config('time_between_requests: 1\niterations: 3', 'seed: -1'))[0]).toMatchObject({
      path: 'seed',
      message: 'expected an integer ≥ 0, found -1',
    });
    expect(problemsOf(config('time_between_requests: 1\niterations: 3', 'seed: 1.5'))[0]?.message).toBe(
      'expected an integer ≥ 0, found 1.5 (not an integer)',
    );
  });

  it('caps a ramp by its own length, not iterations × gap', () => {
    // 10M requests from 1/day to 1/day·(1 + ε): 2 × (10⁷ − 1) / (2/86,400) s ≈ 2,740 years.
    expect(
      problemsOf(config('time_between_requests: 86400\nramp_to_rate: 0.0000116\niterations: 10000000'))[0]
        ?.message,
    ).toMatch(/^expected a ramp of at most 2,592,000 s \(30 days\), found 2 × \(iterations − 1\)/);
    // 2 → 200,000/s over 10M requests lasts 100 s, though iterations × gap would be 57 days.
    expect(() =>
      parseConfigText(
        config('time_between_requests: 0.5\nramp_to_rate: 200000\niterations: 10000000'),
        'c.yaml',
        {},
      ),
    ).not.toThrow();
  });
});
