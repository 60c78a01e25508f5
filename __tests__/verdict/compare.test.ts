/** The bootstrap comparison on synthetic samples, the baseline files, and the Markdown of the gates. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootstrapDifference, seedOf } from '../../src/verdict/bootstrap.js';
import { parseBaselineSpec, readBaselineFiles, resolveBaseline } from '../../src/verdict/baseline.js';
import { compareMetric, likeForLikeProblems } from '../../src/verdict/compare.js';
import type { ResultsDocument } from '../../src/results/document.js';
import type { RequestSample } from '../../src/metrics/samples.js';
import { commentMarker, renderThresholdsSection, COMMENT_MAX_CHARS } from '../../src/verdict/render.js';
import { seededRandom } from '../../src/verdict/bootstrap.js';

/** n requests with TTFT drawn around `ttftMs` (±20 %, seeded), one every 100 ms. */
function samples(n: number, ttftMs: number, seed: number): RequestSample[] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, (_, index) => {
    const ttft = ttftMs * (0.8 + 0.4 * random());
    return {
      ok: true,
      ttftMs: ttft,
      ttfatMs: ttft,
      tpotMs: 5,
      e2eMs: ttft + 50,
      e2eFromScheduleMs: ttft + 50,
      dispatchLagMs: 0.1,
      connectMs: 0,
      outputTokens: 10,
      sentAtMs: index * 100,
      endedAtMs: index * 100 + ttft + 50,
    };
  });
}

describe('compareMetric', () => {
  it('finds no regression between two samples of the same distribution', () => {
    for (let seed = 1; seed <= 20; seed += 1) {
      const result = compareMetric(
        'ttft_p50_ms',
        0.1,
        samples(40, 100, seed),
        samples(40, 100, seed + 100),
        'x',
      );
      expect([seed, result.status]).not.toEqual([seed, 'regression']);
      expect([seed, result.status]).not.toEqual([seed, 'improvement']);
    }
  });

  it('calls a 50 % slower median a regression, and the mirror image an improvement', () => {
    const slower = compareMetric('ttft_p50_ms', 0.1, samples(40, 100, 1), samples(40, 150, 2), 'x');
    expect(slower.status).toBe('regression');
    expect(slower.ci_low).toBeGreaterThan(0);
    expect(slower.change_ratio).toBeGreaterThan(0.3);
    expect(compareMetric('ttft_p50_ms', 0.1, samples(40, 150, 1), samples(40, 100, 2), 'x').status).toBe(
      'improvement',
    );
  });

  it('says a real but tolerated change is not a regression', () => {
    const result = compareMetric('ttft_p50_ms', 1, samples(40, 100, 1), samples(40, 150, 2), 'x');
    expect(result.status).not.toBe('regression');
  });

  it('is inconclusive below 10 samples on a side, and says so', () => {
    expect(compareMetric('ttft_p50_ms', 0.1, samples(9, 100, 1), samples(40, 300, 2), 'x')).toMatchObject({
      status: 'inconclusive',
      reason: 'needs ≥ 10 samples on each side, has 9 (baseline) and 40 (now)',
    });
  });

  it('is deterministic: the same samples and seed give the same interval', () => {
    const a = samples(30, 100, 5);
    const b = samples(30, 110, 6);
    const statistic = (s: readonly RequestSample[]): number =>
      s.reduce((sum, r) => sum + (r.ttftMs ?? 0), 0) / s.length;
    expect(bootstrapDifference(a, b, statistic, seedOf('s\u0000m'))).toEqual(
      bootstrapDifference(a, b, statistic, seedOf('s\u0000m')),
    );
  });
});

describe('baselines', () => {
  it('parses run:<id>, latest and paths, and refuses a malformed run', () => {
    expect(parseBaselineSpec('run:123')).toEqual({ kind: 'run', runId: 123 });
    expect(parseBaselineSpec(' latest ')).toEqual({ kind: 'latest' });
    expect(parseBaselineSpec('out/results.json')).toEqual({ kind: 'file', path: 'out/results.json' });
    expect(() => parseBaselineSpec('run:abc')).toThrow('expected run:<id>');
  });

  it('reads requests.jsonl beside results.json, skipping a torn last line', () => {
    const directory = mkdtempSync(join(tmpdir(), 'exo-bench-baseline-'));
    writeFileSync(
      join(directory, 'results.json'),
      JSON.stringify({ schema_version: '1.1.0', tool: { name: 'exo-bench', version: '0' } }),
    );
    writeFileSync(
      join(directory, 'requests.jsonl'),
      '{"stage":"a","ok":true}\n{"stage":"a","ok":true}\n{"stage":"a","o',
    );
    expect(readBaselineFiles(join(directory, 'results.json')).records).toHaveLength(2);
    expect(readBaselineFiles(directory).records).toHaveLength(2);
  });

  it('turns a baseline that cannot be had into a reason, never a throw', async () => {
    await expect(resolveBaseline('/nonexistent/results.json', undefined)).resolves.toEqual({
      status: 'unavailable',
      source: '/nonexistent/results.json',
      reason: 'baseline /nonexistent/results.json does not exist',
    });
    await expect(resolveBaseline('latest', undefined)).resolves.toMatchObject({ status: 'unavailable' });
  });
});

describe('Markdown of the gates', () => {
  it('renders each threshold with scope, expression, observed value, samples and result, escaped', () => {
    expect(
      renderThresholdsSection([
        {
          expression: 'ttft_p95_ms <= 800',
          scope: { stage: 'a|b' },
          metric: 'ttft_p95_ms',
          comparator: '<=',
          limit: 800,
          observed: 512.25,
          samples: 40,
          required_samples: 20,
          status: 'pass',
        },
        {
          expression: 'ttft_p99_ms <= 800',
          scope: 'run',
          metric: 'ttft_p99_ms',
          comparator: '<=',
          limit: 800,
          observed: 700,
          samples: 40,
          required_samples: 100,
          status: 'inconclusive',
          reason: 'needs ≥ 100 samples, has 40',
        },
      ]),
    ).toBe(
      [
        '### Thresholds',
        '',
        '1 passed, 0 failed, 1 inconclusive.',
        '',
        '| Scope | Threshold | Observed | Samples | Result |',
        '| --- | --- | --- | --- | --- |',
        '| stage a\\|b | `ttft_p95_ms <= 800` | 512.3 ms | 40 | ✅ pass |',
        '| run | `ttft_p99_ms <= 800` | 700.0 ms | 40 | ⚠️ inconclusive: needs ≥ 100 samples, has 40 |',
        '',
        '_A percentile pq is judged on ≥ ⌈100 ÷ (100 − q)⌉ samples (p50 ≥ 2, p90 ≥ 10, p95 ≥ 20, p99 ≥ 100); below that it is inconclusive._',
      ].join('\n'),
    );
  });

  it('keeps the comment marker one HTML comment whatever the names hold', () => {
    expect(commentMarker('Bench', 'configs/a.yaml')).toBe('<!-- exo-bench:Bench:configs/a.yaml -->');
    expect(commentMarker('x --> <b>', 'c--d')).toBe('<!-- exo-bench:x -_ _b_:c-d -->');
    expect(COMMENT_MAX_CHARS).toBe(65_536);
  });
});

describe('likeForLikeProblems', () => {
  /** The parts of a results document the like-for-like check reads, placed on `nodes` nodes. */
  const documentWith = (nodes: number, sharding = 'Pipeline'): ResultsDocument =>
    ({
      schema_version: '1.3.0',
      metadata: { is_primary: true },
      verdict: 'pass',
      configuration: { model_ids: ['m'], endpoint: 'chat', hardware_plan: { M3ULTRA: 4 }, stages: [] },
      cluster: {
        expected_nodes: 4,
        nodes: [],
        instances: [
          {
            instance_id: `i${nodes}`,
            model_id: 'm',
            kind: 'MlxRingInstance',
            shard_kind: `${sharding}ShardMetadata`,
            node_ids: Array.from({ length: nodes }, (_, i) => `n${i}-${Math.random()}`),
            sharding,
            instance_meta: 'MlxRing',
          },
        ],
      },
    }) as unknown as ResultsDocument;

  it('compares placements by node count, sharding and kind, not by node ids (new on every start)', () => {
    expect(likeForLikeProblems(documentWith(4), documentWith(4))).toEqual([]);
    expect(likeForLikeProblems(documentWith(4), documentWith(1))).toEqual([
      'placements differ: m on 4 nodes (Pipeline, MlxRing) vs m on 1 node (Pipeline, MlxRing)',
    ]);
    expect(likeForLikeProblems(documentWith(4), documentWith(4, 'Tensor'))).toEqual([
      'placements differ: m on 4 nodes (Pipeline, MlxRing) vs m on 4 nodes (Tensor, MlxRing)',
    ]);
  });

  it('has nothing to compare against a document from before placements were recorded', () => {
    const older = documentWith(1);
    delete older.cluster.instances[0]!.sharding;
    expect(likeForLikeProblems(older, documentWith(4))).toEqual([]);
  });
});
