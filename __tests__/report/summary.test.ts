/**
 * The summary's renderers as pure functions, with literal expectations: the compact stage table, the
 * run-level row and what it covers, provenance and the simulated banner, the charts (palette, axes
 * from 0, time in seconds, stage starts, true peaks), and the error summary of a step that could not run.
 */
import type { StageConfig } from '../../src/config/types.js';
import { computeStatistics, outputLengthStatistics } from '../../src/metrics/aggregate.js';
import type { RequestRecord } from '../../src/metrics/record.js';
import { inFlightPeaks, niceMax, timeAxis, type ChartRequest } from '../../src/report/charts.js';
import { renderErrorSummary } from '../../src/report/error-summary.js';
import { renderHtmlReport } from '../../src/report/html.js';
import { provenanceMarkdown, simulatedBannerMarkdown } from '../../src/report/provenance.js';
import {
  ownStageStatistics,
  type Provenance,
  type ResultsDocument,
  type StageResults,
} from '../../src/results/document.js';
import { mermaidTimeChart, renderSummary } from '../../src/report/summary.js';
import { promptLengthStatistics } from '../../src/load/prompt-length.js';
import type { SearchResults } from '../../src/load/search.js';

const PROVENANCE: Provenance = {
  source: 'github-actions',
  tool_version: '0.1.0',
  started_at: '2025-03-04T05:06:07.890Z',
  config_file: '.github/configs/bench_simple.yaml',
  config_sha256: 'ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12',
  simulated: true,
  simulator_profile: 'default',
  repository: 'exo/bench-e2e',
  commit: '0123456789abcdef0123456789abcdef01234567',
  ref: 'refs/heads/main',
  event: 'push',
  server_url: 'https://github.com',
  run_id: '4242',
  run_attempt: 2,
  run_url: 'https://github.com/exo/bench-e2e/actions/runs/4242/attempts/2',
  workflow: 'Bench',
  job: 'bench',
  runner: { name: 'studio-1', os: 'macOS', arch: 'ARM64' },
};

/** `count` successful requests of a stage, `gapMs` apart from `startMs`, each open `durationMs`. */
function records(
  stage: string,
  count: number,
  startMs: number,
  gapMs: number,
  durationMs: number,
): RequestRecord[] {
  return Array.from({ length: count }, (_, index) => {
    const sent = startMs + index * gapMs;
    return {
      stage,
      index,
      warmup: false,
      scheduled_at_ms: sent,
      dispatched_at_ms: sent,
      sent_at_ms: sent,
      first_token_at_ms: sent + 100,
      ended_at_ms: sent + durationMs,
      ok: true,
      output_tokens: 10,
      output_tokens_source: 'usage',
      token_chunks: 10,
      reasoning_chunks: 0,
      keep_alives: 0,
      prompt_tokens: 64,
    } as RequestRecord;
  });
}

function stage(
  name: string,
  stageRecords: RequestRecord[],
  warmup = false,
  shape: Partial<StageConfig> = {},
): StageResults {
  const config: StageConfig = {
    name,
    prompt_length: 64,
    generation_length: 10,
    time_between_requests: 1,
    iterations: stageRecords.length,
    no_overlap: false,
    warmup_requests: 0,
    warmup,
    ...shape,
  };
  const calibration = { status: 'exact' as const, probes: 0, models: [] };
  return {
    name,
    config,
    ...ownStageStatistics(computeStatistics(stageRecords)),
    prompt_length: promptLengthStatistics(stageRecords, 64, calibration),
    output_length: outputLengthStatistics(stageRecords, 10),
    started_at_ms: Math.min(...stageRecords.map((r) => r.scheduled_at_ms)),
    ended_at_ms: Math.max(...stageRecords.map((r) => r.ended_at_ms)),
    peak_in_flight: 1,
    itl_ms: { count: 0, mean: null, min: null, p50: null, p90: null, p95: null, p99: null, max: null },
    interrupted: false,
    in_flight_samples: [],
  } as unknown as StageResults;
}

function document(stages: StageResults[], runRecords: RequestRecord[], runStages: string[]): ResultsDocument {
  return {
    schema_version: '1.4.0',
    tool: { name: 'exo-bench', version: '0.1.0' },
    metadata: {
      started_at: PROVENANCE.started_at,
      ended_at: PROVENANCE.started_at,
      config_file: 'bench.yaml',
      api_url: 'http://127.0.0.1:52415',
      is_primary: true,
      run_id: '4242-2',
      endpoint: 'chat',
      hardware_label: 'M3ULTRA',
      node_index: 0,
    },
    cluster: { expected_nodes: 1, nodes: [], instances: [] },
    configuration: {
      model_ids: ['mlx-community/Llama-3.2-1B-Instruct-4bit'],
      stages: stages.map((s) => s.config),
    },
    results: { stages, run: computeStatistics(runRecords), run_stages: runStages },
    metrics: { snapshots: [] },
    validity: {
      valid: true,
      status: 'inconclusive',
      reasons: [],
      notes: ['stage warmup: dispatch lag p99 0.10 ms from 4 requests, not judged (a p99 needs ≥ 100)'],
      dispatch_lag_p99_ms: 0.1,
      max_dispatch_lag_p99_ms: 5,
      event_loop_delay_p99_ms: 1.2,
      max_event_loop_delay_p99_ms: 20,
    },
    verdict: 'pass',
    error: null,
    thresholds: [],
    provenance: PROVENANCE,
  } as unknown as ResultsDocument;
}

describe('provenance', () => {
  it('is one line: repository @ linked short commit, ref, event, linked run and attempt, workflow / job, runner, version, UTC start, config and hash', () => {
    expect(provenanceMarkdown(PROVENANCE)).toBe(
      'exo/bench-e2e @ [`0123456`](https://github.com/exo/bench-e2e/commit/0123456789abcdef0123456789abcdef01234567) · `refs/heads/main` · push · [run 4242 attempt 2](https://github.com/exo/bench-e2e/actions/runs/4242/attempts/2) · workflow Bench / job `bench` · runner studio-1 (macOS ARM64) · exo-bench 0.1.0 · started 2025-03-04 05:06:07 UTC · config `.github/configs/bench_simple.yaml` (sha256 `ab12cd34ef56`)',
    );
  });

  it('links nothing built from parts that do not look like a server, repository and SHA', () => {
    const line = provenanceMarkdown({
      ...PROVENANCE,
      server_url: 'javascript:alert(1)',
      run_url: 'javascript:x',
    });
    expect(line).not.toContain('](');
    expect(line).toContain('`0123456`');
  });

  it('says "simulated" loudly, with the profile', () => {
    expect(simulatedBannerMarkdown(PROVENANCE)).toBe(
      "> 🧪 **SIMULATED RUN** — the server was exo-bench's built-in simulator (profile `default`), not EXO on real hardware. Node names, chips and every figure below are made up by the simulator's timing model.",
    );
    expect(simulatedBannerMarkdown({ ...PROVENANCE, simulated: false })).toBeUndefined();
  });
});

describe('the summary at a glance', () => {
  const warmup = records('warmup', 4, 0, 500, 300);
  const stress = records('stress_test', 6, 2000, 100, 400);
  const doc = document(
    [
      stage('warmup', warmup, true),
      stage('stress_test', stress, false, { arrival: 'poisson', time_between_requests: 0.1 }),
    ],
    stress,
    ['stress_test'],
  );
  const requests: ChartRequest[] = [...warmup, ...stress].map((r) => ({
    stage: r.stage,
    sentAtMs: r.sent_at_ms,
    endedAtMs: r.ended_at_ms,
    ttftMs: 100,
  }));
  const summary = renderSummary(doc, { ttftMsInSendOrder: [], requests });

  it('leads with the verdict, the simulated badge and banner, then provenance', () => {
    expect(summary.split('\n').slice(0, 3)).toEqual([
      '## exo-bench: ✅ pass · 🧪 simulated',
      '',
      expect.stringMatching(/^> 🧪 \*\*SIMULATED RUN\*\*/),
    ]);
    expect(summary).toContain('\n<sub>exo/bench-e2e @ [`0123456`]');
  });

  it('says which stages the headline figures cover, and that the warm-up is left out', () => {
    expect(summary).toContain(
      '**6/6** requests succeeded (100.0%), TTFT p50 100.0 ms / p95 100.0 ms, E2E p95 400.0 ms, 66.7 output tok/s. Run-level figures cover stage stress\\_test (warm-up left out: warmup).',
    );
  });

  it('has one compact table of eight columns, each stage with its load shape, the warm-up stage marked, the run row named for what it covers', () => {
    expect(summary).toContain(
      [
        '### Stages',
        '',
        '| Stage | Requests | Success | TTFT p50 ms | TTFT p95 ms | E2E p95 ms | Output tok/s | Failed thresholds |',
        '| --- | --- | --- | --- | --- | --- | --- | --- |',
        '| warmup · constant 1/s _(warm-up)_ | 4 | 100.0% | 100.0 | 100.0 | 300.0 | 22.2 | – |',
        '| stress\\_test · poisson 10/s | 6 | 100.0% | 100.0 | 100.0 | 400.0 | 66.7 | – |',
        '| **run** (no warm-up) | 6 | 100.0% | 100.0 | 100.0 | 400.0 | 66.7 | – |',
      ].join('\n'),
    );
  });

  it('folds the full tables in <details>', () => {
    expect(summary).toMatch(
      /<details><summary>All figures per stage[^<]*<\/summary>\n\n#### Requests and throughput/,
    );
    expect(summary).toContain('#### Latency (ms)');
  });

  it('draws time charts in seconds from 0 with the palette in each init block, and no chart of one point', () => {
    const charts = summary.slice(summary.indexOf('### Charts'));
    const blocks = [
      ...charts.matchAll(
        /```mermaid\n(%%\{init: [^\n]+\}%%)\nxychart-beta\n {4}title "([^"]+)"\n {4}x-axis ([^\n]+)\n {4}y-axis ([^\n]+)/g,
      ),
    ];
    expect(blocks.map((m) => m[2])).toEqual([
      'TTFT of the requests sent, over time',
      'Requests in flight (peak)',
      'Output tokens/s per stage',
    ]);
    for (const block of blocks) {
      expect(block[1]).toMatch(/"plotColorPalette":"(#ffcecb, )?#0550ae"/);
      expect(block[1]).toContain('"backgroundColor":"#ffffff"');
      expect(block[4]).toMatch(/^"[^"]+" 0 --> \d/);
    }
    expect(blocks[0]?.[3]).toBe('"time since the first stage started (s)" 0 --> 2.9');
    expect(charts).toContain('Light red bands mark where a stage starts: warmup 0 s · stress\\_test 2.0 s.');
    const single = renderSummary(
      document([stage('simple', records('simple', 1, 0, 1000, 500))], [], ['simple']),
      {
        ttftMsInSendOrder: [100],
        requests: [{ stage: 'simple', sentAtMs: 0, endedAtMs: 500, ttftMs: 100 }],
      },
    );
    expect(single).not.toContain('```mermaid');
  });

  it('keeps to its size budget: a section that does not fit is left out (the first ones are the most important), and the summary says which', () => {
    const full = Buffer.byteLength(summary, 'utf8');
    for (const budget of [full + 1000, 4000, 1500]) {
      const small = renderSummary(doc, { ttftMsInSendOrder: [], requests }, budget);
      expect(Buffer.byteLength(small, 'utf8')).toBeLessThanOrEqual(budget);
      expect(small.startsWith('## exo-bench: ✅ pass · 🧪 simulated\n')).toBe(true);
      if (budget > full) expect(small).toBe(summary);
    }
    const tight = renderSummary(doc, { ttftMsInSendOrder: [], requests }, 4000);
    expect(tight).toContain('### Stages');
    expect(tight.trimEnd().split('\n').at(-1)).toBe(
      '_Omitted to stay under the summary size limit: charts, legend (see the artifact)._',
    );
    const tighter = renderSummary(doc, { ttftMsInSendOrder: [], requests }, 1500);
    expect(tighter).not.toContain('### Stages');
    expect(tighter.trimEnd().split('\n').at(-1)).toMatch(
      /^_Omitted to stay under the summary size limit: stages, all figures per stage, .*charts.* \(see the artifact\)\._$/,
    );
  });

  it('report.html carries the same: provenance, banner, the run row, labelled axes, text left-aligned', () => {
    const html = renderHtmlReport(doc, { ttftMsInSendOrder: [], requests });
    expect(html).toContain('<strong>SIMULATED RUN</strong>');
    expect(html).toContain(
      '<tr><th>Commit</th><td><code><a href="https://github.com/exo/bench-e2e/commit/0123456789abcdef0123456789abcdef01234567">0123456</a></code></td></tr>',
    );
    expect(html).toContain('<td>run (no warm-up)</td>');
    expect(html).toContain('>time since the first stage started (s)</text>');
    expect(html).toContain('>TTFT (ms)</text>');
    expect(html).toMatch(/td,th\{[^}]*text-align:left/);
  });
});

describe('chart data', () => {
  it('in flight is the true peak of each bucket, not an average', () => {
    // Three requests open together for 10 ms inside the first of two 1 s buckets, then one long one.
    const requests: ChartRequest[] = [
      { stage: 's', sentAtMs: 100, endedAtMs: 110 },
      { stage: 's', sentAtMs: 101, endedAtMs: 111 },
      { stage: 's', sentAtMs: 102, endedAtMs: 112 },
      { stage: 's', sentAtMs: 0, endedAtMs: 2000 },
    ];
    const axis = timeAxis([{ name: 's', started_at_ms: 0, ended_at_ms: 2000 }], requests, 2);
    expect(axis).toBeDefined();
    expect(inFlightPeaks(axis!, requests).values).toEqual([4, 1]);
  });

  it('rounds axis tops up to a round number', () => {
    expect([niceMax([0]), niceMax([7.3]), niceMax([14]), niceMax([812])]).toEqual([1, 8, 15, 1000]);
  });

  it('a time chart is Mermaid with a y axis from 0 and rules at stage starts', () => {
    expect(
      mermaidTimeChart('T', 'ms', {
        bucketSeconds: 1,
        spanSeconds: 4,
        values: [1, 2, 3, 4],
        boundaries: [{ name: 'b', atSeconds: 2 }],
      }),
    ).toBe(
      [
        '```mermaid',
        '%%{init: {"theme":"base","themeVariables":{"xyChart":{"backgroundColor":"#ffffff","titleColor":"#1f2328","xAxisLabelColor":"#1f2328","xAxisTitleColor":"#1f2328","xAxisTickColor":"#57606a","xAxisLineColor":"#57606a","yAxisLabelColor":"#1f2328","yAxisTitleColor":"#1f2328","yAxisTickColor":"#57606a","yAxisLineColor":"#57606a","plotColorPalette":"#ffcecb, #0550ae"}},"xyChart":{"width":900,"height":300}}}%%',
        'xychart-beta',
        '    title "T"',
        '    x-axis "time since the first stage started (s)" 0 --> 4',
        '    y-axis "ms" 0 --> 5',
        '    bar [0, 0, 5, 0]',
        '    line [1, 2, 3, 4]',
        '```',
      ].join('\n'),
    );
  });
});

describe('the error summary of a step that could not run', () => {
  it('lists every problem with its position, the hint, the absolute docs link and provenance', () => {
    expect(
      renderErrorSummary({
        headline: 'The config bench.yaml has 2 problems',
        problems: [
          {
            where: 'bench.yaml:4:5',
            message: 'stages[0].time_between_request: unknown key; did you mean "time_between_requests"?',
          },
          { where: 'bench.yaml:1:18', message: 'hardware_plan.a: expected an integer ≥ 1, found 0' },
        ],
        hints: ['Nothing ran. Fix the config and run again.'],
        links: [
          { label: 'Config reference', url: 'https://github.com/exo/bench-action/blob/v1/configs/README.md' },
        ],
      }),
    ).toBe(
      [
        '## exo-bench: 💥 error',
        '',
        '**The config bench.yaml has 2 problems:**',
        '',
        '- `bench.yaml:4:5` stages\\[0\\].time\\_between\\_request: unknown key; did you mean "time\\_between\\_requests"?',
        '- `bench.yaml:1:18` hardware\\_plan.a: expected an integer ≥ 1, found 0',
        '',
        '**Hint:** Nothing ran. Fix the config and run again.',
        '',
        'Config reference: <https://github.com/exo/bench-action/blob/v1/configs/README.md>',
        '',
      ].join('\n'),
    );
  });

  it('drops a link that is not a plain https URL', () => {
    const text = renderErrorSummary({
      headline: 'x',
      problems: [{ message: 'y' }],
      hints: [],
      links: [{ label: 'bad', url: 'javascript:alert(1)' }],
    });
    expect(text).not.toContain('javascript');
  });
});

describe('a capacity search stage', () => {
  const SEARCH: SearchResults = {
    metric: 'ttft_p95_ms',
    max: 100,
    mode: 'rate',
    range_min: 15,
    range_max: 120,
    tolerance: 0.05,
    capacity: 40.63,
    capacity_low: 40.63,
    capacity_high: 42.43,
    converged: true,
    reason: 'converged',
    probes: (
      [
        [15, 'bracket', 7.7, true],
        [30, 'bracket', 12.3, true],
        [60, 'bracket', 1069.5, false],
        [42.43, 'bisect', 157.9, false],
        [35.68, 'bisect', 11.1, true],
        [38.91, 'bisect', 23.3, true],
        [40.63, 'bisect', 40.8, true],
      ] as const
    ).map(([load, phase, value, passed], index) => ({
      index,
      phase,
      load,
      requests: 120,
      failures: 0,
      value,
      samples: 120,
      passed,
      ...(passed ? {} : { failed_on: 'metric' as const }),
      started_at_ms: 1000 * index,
      ended_at_ms: 1000 * index + 900,
      achieved_rps: load * 0.98,
    })),
  };
  const knee = { ...stage('knee', records('knee', 7, 0, 100, 50)), search: SEARCH } as StageResults;
  const doc = document([knee], [], []);
  doc.results.run = null;
  const summary = renderSummary(doc, { ttftMsInSendOrder: [], requests: [] });

  it('says the capacity and its bracket under the headline', () => {
    expect(summary).toContain(
      '**Capacity search knee:** capacity 40.63 req/s within ttft\\_p95\\_ms ≤ 100 (bracket 40.63–42.43 req/s; converged, 7 probes).',
    );
  });

  it('draws the metric against the load, probes sorted by load, with the bound and the capacity', () => {
    expect(summary).toContain(
      [
        '### Capacity search: knee',
        '',
        'capacity 40.63 req/s within ttft\\_p95\\_ms ≤ 100 (bracket 40.63–42.43 req/s; converged, 7 probes).',
        '',
        '```mermaid',
      ].join('\n'),
    );
    expect(summary).toContain(
      [
        'xychart-beta',
        '    title "knee: ttft_p95_ms against the load"',
        '    x-axis "requests per second" ["15", "30", "35.68", "38.91", "40.63 = capacity", "42.43", "60"]',
        '    y-axis "ttft_p95_ms" 0 --> 1200',
        '    line [7.7, 12.3, 11.1, 23.3, 40.8, 157.9, 1069.5]',
        '    line [100, 100, 100, 100, 100, 100, 100]',
        '```',
      ].join('\n'),
    );
    // The metric and the bound: blue, red.
    expect(summary).toContain('"plotColorPalette":"#0550ae, #cf222e"');
  });

  it('lists the probes in the order they ran', () => {
    expect(summary).toContain(
      [
        '| Probe | Phase | Load (req/s) | Requests | Failed | ttft\\_p95\\_ms | Samples | Achieved req/s | Result |',
        '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
        '| 0 | bracket | 15 | 120 | 0 | 7.7 | 120 | 14.70 | pass |',
        '| 1 | bracket | 30 | 120 | 0 | 12.3 | 120 | 29.40 | pass |',
        '| 2 | bracket | 60 | 120 | 0 | 1070 | 120 | 58.80 | fail (over the bound) |',
      ].join('\n'),
    );
  });

  it('marks the stage row as all probes together', () => {
    expect(summary).toContain('| knee · capacity search _(all probes)_ |');
  });

  it('draws the same curve in report.html, with the bound and the capacity', () => {
    const html = renderHtmlReport(doc, { ttftMsInSendOrder: [], requests: [] });
    expect(html).toContain('<h2>Capacity search: knee</h2>');
    expect(html).toContain('capacity 40.63 req/s</text>');
    expect(html).toContain('ttft_p95_ms ≤ 100</text>');
    expect(html).toContain('<title>probe 2: 60 req/s → 1070 (fail)</title>');
    expect(html).toContain('<td>fail (over the bound)</td>');
  });
});
