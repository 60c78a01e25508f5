/** The `search:` stage field: defaults, and a positioned error for each way to get it wrong. */
import { ConfigError, type ConfigProblem } from '../../src/core/errors.js';
import { parseConfigText } from '../../src/config/index.js';

const head = `hardware_plan: {M3ULTRA_GPU80_512GB: 1}
model_ids: [m]
`;

function problemsOf(text: string): string[] {
  try {
    parseConfigText(text, 'c.yaml', {});
  } catch (error) {
    if (error instanceof ConfigError)
      return error.problems.map((p: ConfigProblem) => `${p.line}:${p.column}: ${p.path}: ${p.message}`);
    throw error;
  }
  throw new Error('the config was accepted');
}

const searchStage = (search: string, extra = ''): string => `${head}stages:
  - name: s
    prompt_length: 64
    generation_length: 8
${extra}    search: ${search}
`;

describe('search: a valid stage', () => {
  it('needs no time_between_requests nor iterations, and gets every default', () => {
    const { config } = parseConfigText(
      searchStage('{metric: ttft_p99_ms, max: 500, concurrency: {min: 1, max: 32}}'),
      'c.yaml',
      {},
    );
    expect(config.stages[0]).toEqual({
      name: 's',
      prompt_length: 64,
      generation_length: 8,
      time_between_requests: 0,
      // The request budget: max_probes × probe_requests (p99 needs 100 samples: 200 per probe).
      iterations: 12 * 200,
      no_overlap: false,
      arrival: 'constant',
      warmup_requests: 0,
      warmup: false,
      search: {
        metric: 'ttft_p99_ms',
        max: 500,
        concurrency: { min: 1, max: 32 },
        probe_requests: 200,
        tolerance: 0.05,
        max_probes: 12,
        max_failure_rate: 0.01,
      },
    });
  });

  it('takes min for a metric where bigger is better, and capacity thresholds', () => {
    const { config } = parseConfigText(
      searchStage(
        '{metric: success_rate, min: 0.99, rate: {min: 1, max: 8}, probe_requests: 30, tolerance: 0.1, max_probes: 6}',
        `    thresholds: ['capacity_rps >= 2']\n`,
      ) + `thresholds: ['capacity_rps > 1']\n`,
      'c.yaml',
      {},
    );
    expect(config.stages[0]?.search).toMatchObject({ metric: 'success_rate', min: 0.99, probe_requests: 30 });
    expect(config.stages[0]?.thresholds).toEqual(['capacity_rps >= 2']);
  });
});

describe('search: errors', () => {
  it('an ordinary stage still requires time_between_requests and iterations', () => {
    expect(
      problemsOf(`${head}stages:
  - name: s
    prompt_length: 64
    generation_length: 8
`),
    ).toEqual([
      '4:5: stages[0]: missing required key "time_between_requests" (a number ≥ 0); required unless the stage sets concurrency',
      '4:5: stages[0]: missing required key "iterations" (an integer ≥ 1)',
    ]);
  });

  it('a search stage takes no schedule of its own', () => {
    expect(
      problemsOf(
        searchStage(
          '{metric: ttft_p95_ms, max: 500, rate: {min: 1, max: 8}}',
          `    time_between_requests: 1\n    iterations: 10\n    warmup: true\n`,
        ),
      ),
    ).toEqual([
      // warmup: true on the only stage is also the "nothing measured" mistake.
      '3:1: stages: every stage is a warm-up stage (warmup: true): nothing would be measured; keep warmup: true on the first stages only',
      '7:5: stages[0].time_between_requests: a search stage sets its own load, so it takes no time_between_requests (each probe has its rate); remove it, or remove search',
      '8:5: stages[0].iterations: a search stage sets its own load, so it takes no iterations (search.probe_requests sizes each probe); remove it, or remove search',
      '9:5: stages[0].warmup: a search stage sets its own load, so it takes no warmup (a search stage is already left out of the run-level figures); remove it, or remove search',
    ]);
  });

  it('names the metric with a did-you-mean, and refuses metrics a load does not move', () => {
    expect(problemsOf(searchStage('{metric: ttft_p95, max: 500, rate: {min: 1, max: 8}}'))).toEqual([
      '7:22: stages[0].search.metric: unknown metric "ttft_p95"; did you mean "ttft_p95_ms"?',
    ]);
    expect(problemsOf(searchStage('{metric: total_requests, min: 5, rate: {min: 1, max: 8}}'))).toEqual([
      '7:22: stages[0].search.metric: "total_requests" cannot be searched (the load does not move it); search a latency such as ttft_p95_ms, or success_rate, output_tokens_per_second',
    ]);
  });

  it('wants the bound on the metric side, one range, min ≤ max, and enough probe requests', () => {
    expect(problemsOf(searchStage('{metric: ttft_p95_ms, min: 500, rate: {min: 1, max: 8}}'))).toEqual([
      '7:35: stages[0].search.min: ttft_p95_ms is better smaller, so its bound is "max" (a probe passes at ≤ it), not "min"',
    ]);
    expect(problemsOf(searchStage('{metric: success_rate, rate: {min: 1, max: 8}}'))).toEqual([
      '7:13: stages[0].search: missing required key "min" (the bound of success_rate: a probe passes at ≥ it)',
    ]);
    expect(problemsOf(searchStage('{metric: ttft_p95_ms, max: 500}'))).toEqual([
      '7:13: stages[0].search: missing the range: give "rate: {min, max}" (requests per second) or "concurrency: {min, max}" (requests in flight)',
    ]);
    expect(
      problemsOf(
        searchStage('{metric: ttft_p95_ms, max: 500, rate: {min: 1, max: 8}, concurrency: {min: 1, max: 8}}'),
      ),
    ).toEqual([
      '7:13: stages[0].search: give either "rate" or "concurrency", not both: a search varies one load',
    ]);
    expect(problemsOf(searchStage('{metric: ttft_p95_ms, max: 500, rate: {min: 8, max: 2}}'))).toEqual([
      '7:65: stages[0].search.rate.max: expected max ≥ min (8), found 2',
    ]);
    expect(
      problemsOf(searchStage('{metric: ttft_p99_ms, max: 500, rate: {min: 1, max: 8}, probe_requests: 50}')),
    ).toEqual([
      '7:85: stages[0].search.probe_requests: expected at least 100 (the samples ttft_p99_ms needs to be judged), found 50',
    ]);
    expect(
      problemsOf(searchStage('{metric: ttft_p95_ms, max: 500, concurrency: {min: 0.5, max: 8}}')),
    ).toEqual([
      '7:64: stages[0].search.concurrency.min: expected an integer ≥ 1, found 0.5 (not an integer)',
    ]);
  });

  it('suggests the keys of search and of its ranges', () => {
    expect(
      problemsOf(searchStage('{metric: ttft_p95_ms, max: 500, rate: {min: 1, maks: 8}, max_probe: 4}')),
    ).toEqual([
      '7:51: stages[0].search.rate: missing required key "max" (a number > 0)',
      '7:60: stages[0].search.rate.maks: unknown key; expected one of min, max',
      '7:70: stages[0].search.max_probe: unknown key; did you mean "max_probes"?',
    ]);
  });

  it('keeps capacity thresholds to search stages, and a search stage to capacity thresholds', () => {
    expect(
      problemsOf(
        searchStage(
          '{metric: ttft_p95_ms, max: 500, rate: {min: 1, max: 8}}',
          `    thresholds: ['ttft_p95_ms <= 500', 'capacity_concurrency >= 2']\n`,
        ) + `thresholds: ['capacity_concurrency >= 4']\n`,
      ),
    ).toEqual([
      '7:18: stages[0].thresholds[0]: a search stage\'s thresholds judge its capacity (capacity_rps, capacity_concurrency), not "ttft_p95_ms": its probes are overloaded on purpose; the search\'s own bound is search.max',
      '7:40: stages[0].thresholds[1]: capacity_concurrency is measured by a concurrency search only (a stage with search.concurrency); this stage has none',
      '9:14: thresholds[0]: capacity_concurrency is measured by a concurrency search only (a stage with search.concurrency); no stage has one',
    ]);
  });
});
