/** Thresholds: the grammar, the config errors it produces, and how each is judged. */
import { parseConfigText } from '../../src/config/index.js';
import { ConfigError, formatConfigProblem } from '../../src/core/errors.js';
import type { LoadStatistics } from '../../src/metrics/aggregate.js';
import { computeStatistics } from '../../src/metrics/aggregate.js';
import type { RequestRecord } from '../../src/metrics/record.js';
import { requiredSamplesFor } from '../../src/metrics/catalog.js';
import {
  evaluateThreshold,
  evaluateThresholds,
  parseThreshold,
  type Threshold,
} from '../../src/verdict/thresholds.js';

function parsed(text: string, scope: 'run' | 'stage' = 'stage'): Threshold {
  const result = parseThreshold(text, scope);
  if (!('threshold' in result)) throw new Error(result.error);
  return result.threshold;
}

function errorOf(text: string, scope: 'run' | 'stage' = 'stage'): string {
  const result = parseThreshold(text, scope);
  return 'error' in result ? result.error : 'accepted';
}

/** `count` successful requests whose TTFT is 10, 20, 30 … ms. */
function records(count: number, failures = 0): RequestRecord[] {
  return Array.from({ length: count + failures }, (_, index) => ({
    stage: 's',
    index,
    warmup: false,
    scheduled_at_ms: index * 100,
    dispatched_at_ms: index * 100,
    sent_at_ms: index * 100,
    first_token_at_ms: index * 100 + (index + 1) * 10,
    ended_at_ms: index * 100 + 500,
    ok: index < count,
    output_tokens: index < count ? 10 : 0,
    output_tokens_source: 'usage' as const,
    token_chunks: 10,
    reasoning_chunks: 0,
    keep_alives: 0,
  }));
}

describe('parseThreshold', () => {
  it.each([
    ['ttft_p95_ms <= 800', 'ttft_p95_ms', '<=', 800],
    ['success_rate>=0.99', 'success_rate', '>=', 0.99],
    ['  failed_requests == 0 ', 'failed_requests', '==', 0],
    ['output_tokens_per_second > 5e1', 'output_tokens_per_second', '>', 50],
    ['itl_p99_ms < 120.5', 'itl_p99_ms', '<', 120.5],
    ['avg_time_per_request_s != -1', 'avg_time_per_request_s', '!=', -1],
  ])('reads %j', (text, metric, comparator, limit) => {
    const threshold = parsed(text);
    expect([threshold.metric.name, threshold.comparator, threshold.limit]).toEqual([
      metric,
      comparator,
      limit,
    ]);
    expect(threshold.expression).toBe(text.trim());
  });

  it.each([
    ['ttft_p95 <= 800', 'unknown metric "ttft_p95"; did you mean "ttft_p95_ms"?'],
    ['sucess_rate >= 0.99', 'unknown metric "sucess_rate"; did you mean "success_rate"?'],
    [
      'latency <= 3',
      'unknown metric "latency"; configs/README.md lists the metrics (the unit is part of the name: _ms, _s)',
    ],
    [
      'ttft_p95_ms 800',
      'expected a comparator (<, <=, >, >=, == or !=) after "ttft_p95_ms"; write "<metric> <comparator> <number>", e.g. "ttft_p95_ms <= 800"',
    ],
    ['failed_requests = 0', '"=" is not a comparator; did you mean "=="?'],
    [
      'ttft_p95_ms <= 800ms',
      'expected a number after "ttft_p95_ms <=", found "800ms" (no unit: it is in the metric name)',
    ],
    [
      'success_rate >= 99%',
      'expected a number, found "99%"; success_rate is a ratio from 0 to 1 (write 0.99 for 99%)',
    ],
    ['ttft_p95_ms <=', 'expected a number after "ttft_p95_ms <=", found nothing'],
    [
      '<= 800',
      'expected a threshold; write "<metric> <comparator> <number>", e.g. "ttft_p95_ms <= 800", found "<= 800"',
    ],
  ])('refuses %j', (text, message) => {
    expect(errorOf(text)).toBe(message);
  });

  it('keeps ITL metrics to stages: the run has no ITL histogram', () => {
    expect(errorOf('itl_p50_ms < 10', 'run')).toBe(
      '"itl_p50_ms" is only measured per stage; put this threshold under a stage\'s thresholds',
    );
  });
});

describe('the sample rule', () => {
  it('asks ⌈100 / (100 − q)⌉ samples of a percentile pq, 1 of a mean', () => {
    expect(['p50', 'p90', 'p95', 'p99', 'mean'].map((s) => requiredSamplesFor(s as 'p50'))).toEqual([
      2, 10, 20, 100, 1,
    ]);
  });
});

describe('evaluateThreshold', () => {
  const stats: LoadStatistics = computeStatistics(records(20, 1));

  it('passes and fails on the observed value, with the samples behind it', () => {
    expect(evaluateThreshold(parsed('ttft_p50_ms <= 200'), 'run', stats)).toMatchObject({
      status: 'pass',
      observed: 105,
      samples: 20,
      required_samples: 2,
    });
    expect(evaluateThreshold(parsed('ttft_p50_ms < 100'), 'run', stats)).toMatchObject({
      status: 'fail',
      observed: 105,
    });
    expect(evaluateThreshold(parsed('failed_requests == 0'), 'run', stats)).toMatchObject({
      status: 'fail',
      observed: 1,
    });
    expect(evaluateThreshold(parsed('success_rate >= 0.95'), 'run', stats).status).toBe('pass');
  });

  it('says inconclusive, with how many samples it needs, when a percentile rests on too few', () => {
    expect(evaluateThreshold(parsed('ttft_p95_ms <= 1'), 'run', stats).status).toBe('fail');
    expect(evaluateThreshold(parsed('ttft_p99_ms <= 1'), 'run', stats)).toMatchObject({
      status: 'inconclusive',
      samples: 20,
      required_samples: 100,
      reason: 'needs ≥ 100 samples, has 20',
    });
  });

  it('says inconclusive for a latency nobody measured (no successful request)', () => {
    const none = computeStatistics(records(0, 3));
    expect(evaluateThreshold(parsed('e2e_mean_ms < 10'), 'run', none)).toMatchObject({
      status: 'inconclusive',
      reason: 'needs ≥ 1 samples, has 0',
    });
  });

  it('judges top-level thresholds on the run and stage thresholds on their stage', () => {
    const stage = { ...computeStatistics(records(4)), name: 'small' };
    const outcomes = evaluateThresholds(
      {
        thresholds: ['total_requests == 21'],
        stages: [{ name: 'small', thresholds: ['total_requests == 4'] }],
      },
      { run: stats, stages: [stage] },
    );
    expect(outcomes.map((o) => [o.scope, o.status])).toEqual([
      ['run', 'pass'],
      [{ stage: 'small' }, 'pass'],
    ]);
  });
});

describe('thresholds and regression in a config', () => {
  const base = `hardware_plan: { M3: 1 }
model_ids: [m]
stages:
  - name: first
    prompt_length: 8
    generation_length: 8
    time_between_requests: 0.1
    iterations: 30
  - name: second
    prompt_length: 8
    generation_length: 8
    time_between_requests: 0.1
    iterations: 30
    thresholds:
      - ttft_p95 <= 800
      - itl_p99_ms < 50
`;

  function problems(text: string): string[] {
    try {
      parseConfigText(text, 'bench.yaml', {});
    } catch (error) {
      if (error instanceof ConfigError) return error.problems.map(formatConfigProblem);
      throw error;
    }
    return [];
  }

  it('are kept as written, at the top level and per stage', () => {
    const { config } = parseConfigText(
      `${base.replace('ttft_p95 <=', 'ttft_p95_ms <=')}thresholds: ['success_rate >= 0.99']\nregression: { ttft_p95_ms: 10%, output_tokens_per_second: 5% }\n`,
      'bench.yaml',
      {},
    );
    expect(config.thresholds).toEqual(['success_rate >= 0.99']);
    expect(config.stages[1]?.thresholds).toEqual(['ttft_p95_ms <= 800', 'itl_p99_ms < 50']);
    expect(config.stages[0]).not.toHaveProperty('thresholds');
    expect(config.regression).toEqual({ ttft_p95_ms: '10%', output_tokens_per_second: '5%' });
  });

  it('refuse unknown metrics with file:line:col, the path and a suggestion', () => {
    expect(problems(base)).toEqual([
      'bench.yaml:15:9: stages[1].thresholds[0]: unknown metric "ttft_p95"; did you mean "ttft_p95_ms"?',
    ]);
  });

  it('refuse malformed expressions, stage-only metrics at the top level and bad regression entries', () => {
    const text = `${base.replace('ttft_p95 <=', 'ttft_p95_ms <=')}thresholds:
  - itl_p50_ms < 3
  - success_rate >= 99%
regression:
  ttft_p59_ms: 10%
  e2e_p95_ms: 0.1
  itl_p50_ms: 5%
  total_requests: 5%
`;
    expect(problems(text)).toEqual([
      'bench.yaml:18:5: thresholds[0]: "itl_p50_ms" is only measured per stage; put this threshold under a stage\'s thresholds',
      'bench.yaml:19:5: thresholds[1]: expected a number, found "99%"; success_rate is a ratio from 0 to 1 (write 0.99 for 99%)',
      'bench.yaml:21:3: regression.ttft_p59_ms: unknown metric "ttft_p59_ms"; did you mean "ttft_p50_ms"?',
      'bench.yaml:22:15: regression.e2e_p95_ms: expected a tolerance as a percentage, e.g. 10%, found 0.1 (a number)',
      'bench.yaml:23:3: regression.itl_p50_ms: "itl_p50_ms" cannot be compared with a baseline (it is not recorded per request); use a threshold',
      'bench.yaml:24:3: regression.total_requests: "total_requests" cannot be compared with a baseline (the config fixes it); use a threshold',
    ]);
  });
});
