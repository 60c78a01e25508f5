/**
 * The job summary: verdict first, then per-stage tables, latency, cluster facts, errors, charts and the
 * legend. Pure functions over results.json; everything from a server or a user file is escaped. The
 * whole text is kept under a size budget far below GitHub's 1 MiB limit: sections are added in order of
 * importance and the ones that do not fit are named at the end (they are in the artifact).
 */
import { describeShape } from '../load/arrivals.js';
import { isPrimaryOnlyStage } from '../load/schedule.js';
import type { LoadStatistics } from '../metrics/aggregate.js';
import { METRIC_DEFINITIONS } from '../metrics/definitions.js';
import type { Summary } from '../metrics/stats.js';
import { escapeMarkdownCell, escapeMarkdownText, markdownInlineCode, table } from '../util/markdown.js';
import {
  stageStatistics,
  type PrefixCacheComparison,
  type ResultsDocument,
  type StageResults,
  type Verdict,
} from '../results/document.js';
import { renderComparisonSection, renderThresholdsSection } from '../verdict/render.js';
import {
  inFlightPeaks,
  niceMax,
  timeAxis,
  ttftOverTime,
  type ChartInputs,
  type TimeSeries,
} from './charts.js';
import { provenanceMarkdown, simulatedBannerMarkdown } from './provenance.js';
import {
  boundValue,
  curvePoints,
  formatLoad,
  loadUnit,
  probeTableHeader,
  probeTableRows,
  searchSentence,
} from './search-report.js';
import type { SearchResults } from '../load/search.js';
import { formatGrouped } from '../util/number-format.js';

export type { ChartInputs } from './charts.js';

/** Summaries above this are cut section by section (GitHub drops a summary over 1 MiB whole). */
export const SUMMARY_BUDGET_BYTES = 512 * 1024;

/** Most points a series of requests gets; longer series are averaged into this many buckets. */
export const MAX_CHART_POINTS = 100;

const VERDICT_BADGES: Record<Verdict, string> = {
  pass: '✅ pass',
  fail: '❌ fail',
  invalid: '⚠️ invalid',
  error: '💥 error',
};

/** Formats a number for a table: fixed decimals, `–` for missing. */
export function formatNumber(value: number | null | undefined, decimals = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  return formatGrouped(value, decimals);
}

function formatPercent(ratio: number, total: number): string {
  return total === 0 ? '–' : `${(ratio * 100).toFixed(1)}%`;
}

function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined) return '–';
  return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
}

function seedRow(name: string, stats: LoadStatistics, peakInFlight: string): string[] {
  return [
    name,
    String(stats.total_requests),
    String(stats.successful_requests),
    String(stats.failed_requests),
    formatPercent(stats.success_rate, stats.total_requests),
    String(stats.total_tokens),
    formatNumber(stats.avg_tokens_per_request),
    formatNumber(stats.avg_time_per_request, 2),
    formatNumber(stats.output_tokens_per_second),
    formatNumber(stats.requests_per_second, 2),
    peakInFlight,
  ];
}

function latencyRow(name: string, stats: LoadStatistics, itl: StageResults['itl_ms'] | undefined): string[] {
  const ms = (summary: Summary, key: 'p50' | 'p95' | 'p99'): string => formatNumber(summary[key]);
  return [
    name,
    ms(stats.ttft_ms, 'p50'),
    ms(stats.ttft_ms, 'p95'),
    ms(stats.ttft_ms, 'p99'),
    ms(stats.tpot_ms, 'p50'),
    ms(stats.tpot_ms, 'p95'),
    formatNumber(itl?.p50),
    formatNumber(itl?.p99),
    ms(stats.e2e_ms, 'p50'),
    ms(stats.e2e_ms, 'p95'),
    ms(stats.e2e_ms, 'p99'),
    formatNumber(stats.dispatch_lag_ms.p50, 2),
    formatNumber(stats.dispatch_lag_ms.p99, 2),
  ];
}

/** `a`, `a and b`, `a, b and c`: names joined for a sentence (escaped). */
function nameList(names: readonly string[]): string {
  const escaped = names.map((name) => escapeMarkdownText(name));
  if (escaped.length <= 1) return escaped.join('');
  return `${escaped.slice(0, -1).join(', ')} and ${escaped.at(-1) ?? ''}`;
}

/** The stages the run-level figures cover (results.run_stages; every stage in documents before 1.4). */
export function runStages(document: ResultsDocument): string[] {
  return document.results.run_stages ?? document.results.stages.map((stage) => stage.name);
}

function headline(document: ResultsDocument): string {
  const simulated = document.provenance?.simulated ? ' · 🧪 simulated' : '';
  const lines = [`## exo-bench: ${VERDICT_BADGES[document.verdict]}${simulated}`, ''];
  const banner = simulatedBannerMarkdown(document.provenance);
  if (banner) lines.push(banner, '');
  const meta = document.metadata;
  const merged = document.merge;
  const role = merged
    ? `merged run of ${merged.nodes.length} node${merged.nodes.length === 1 ? '' : 's'}`
    : meta.is_primary
      ? 'primary'
      : 'secondary';
  const label =
    meta.hardware_label && !merged
      ? ` · ${escapeMarkdownText(meta.hardware_label)}#${meta.node_index ?? 0}`
      : '';
  const models = [...new Set(document.configuration.model_ids)].map((m) => markdownInlineCode(m)).join(', ');
  const expected = document.cluster.expected_nodes;
  // A merged run already says how many nodes it merged; the plan's count only when it differs.
  const where =
    meta.target?.kind === 'openai'
      ? `OpenAI-compatible server ${markdownInlineCode(meta.target.base_url)}`
      : merged && merged.nodes.length === expected
        ? undefined
        : `${expected} ${merged ? 'planned ' : ''}node${expected === 1 ? '' : 's'}`;
  lines.push(
    [
      `Config ${markdownInlineCode(meta.config_file)}`,
      `${role}${label}`,
      ...(where === undefined ? [] : [where]),
      models,
      `endpoint ${markdownInlineCode(meta.endpoint)}`,
    ].join(' · '),
  );
  const provenance = provenanceMarkdown(document.provenance);
  if (provenance) lines.push('', `<sub>${provenance}</sub>`);
  if (document.error) {
    lines.push(
      '',
      `> **${escapeMarkdownText(document.error.kind)} error:** ${escapeMarkdownText(document.error.message)}`,
    );
    if (document.error.hint) lines.push(`>`, `> Hint: ${escapeMarkdownText(document.error.hint)}`);
  }
  if (!document.validity.valid) {
    lines.push('', '**The run is invalid — the load generator could not keep its schedule:**');
    for (const reason of document.validity.reasons) lines.push(`- ${escapeMarkdownText(reason)}`);
  }
  const run = document.results.run;
  if (run) {
    const covered = runStages(document);
    const left = document.results.stages.filter((s) => !covered.includes(s.name));
    const warmups = left.filter((s) => !s.search).map((s) => s.name);
    const searches = left.filter((s) => s.search).map((s) => s.name);
    const leftOut = [
      ...(warmups.length ? [`warm-up left out: ${nameList(warmups)}`] : []),
      ...(searches.length ? [`capacity search left out: ${nameList(searches)}`] : []),
    ];
    const scope =
      document.results.stages.length <= 1
        ? ''
        : ` Run-level figures cover ${covered.length === 1 ? 'stage' : 'stages'} ${nameList(covered)}` +
          (leftOut.length ? ` (${leftOut.join('; ')})` : '') +
          (covered.length > 1 ? "; where their shapes differ, compare the stages' own rows." : '.');
    lines.push(
      '',
      `**${run.successful_requests}/${run.total_requests}** requests succeeded (${formatPercent(run.success_rate, run.total_requests)}), ` +
        `TTFT p50 ${formatNumber(run.ttft_ms.p50)} ms / p95 ${formatNumber(run.ttft_ms.p95)} ms, ` +
        `E2E p95 ${formatNumber(run.e2e_ms.p95)} ms, ${formatNumber(run.output_tokens_per_second)} output tok/s.${scope}`,
    );
  }
  for (const stage of document.results.stages)
    if (stage.search)
      lines.push(
        '',
        `**Capacity search ${escapeMarkdownText(stage.name)}:** ${escapeMarkdownText(searchSentence(stage.search))}.`,
      );
  return lines.join('\n');
}

/** The failed thresholds of a scope, as `ttft_p95_ms <= 800 (912.3)`; `–` when none failed. */
function failedThresholds(document: ResultsDocument, scope: 'run' | string): string {
  const failed = (document.thresholds ?? []).filter(
    (outcome) =>
      outcome.status === 'fail' &&
      (scope === 'run' ? outcome.scope === 'run' : outcome.scope !== 'run' && outcome.scope.stage === scope),
  );
  if (failed.length === 0) return '–';
  return failed
    .map(
      (outcome) =>
        `❌ ${markdownInlineCode(outcome.expression, { inTableCell: true })} (${formatNumber(outcome.observed)})`,
    )
    .join('<br>');
}

/** The columns of the compact stage table, in the summary and in report.html. */
export const COMPACT_STAGE_HEADER: readonly string[] = [
  'Stage',
  'Requests',
  'Success',
  'TTFT p50 ms',
  'TTFT p95 ms',
  'E2E p95 ms',
  'Output tok/s',
  'Failed thresholds',
];

/** A row of the compact stage table; `name` and `thresholds` come escaped for where they go. */
export function compactRow(name: string, stats: LoadStatistics, thresholds: string): string[] {
  return [
    name,
    String(stats.total_requests),
    `${formatPercent(stats.success_rate, stats.total_requests)}${stats.failed_requests > 0 ? ` (${stats.failed_requests} failed)` : ''}`,
    formatNumber(stats.ttft_ms.p50),
    formatNumber(stats.ttft_ms.p95),
    formatNumber(stats.e2e_ms.p95),
    formatNumber(stats.output_tokens_per_second),
    thresholds,
  ];
}

/**
 * One compact table (8 columns, fits ~1,000 px): the figures people compare, and any failed threshold.
 * The full tables follow, folded.
 */
function compactStagesSection(document: ResultsDocument): string | undefined {
  const { stages, run } = document.results;
  if (stages.length === 0) return undefined;
  const covered = runStages(document);
  const rows = stages.map((stage) =>
    compactRow(
      `${escapeMarkdownCell(stage.name)} · ${stage.search ? 'capacity search' : escapeMarkdownCell(describeShape(stage.config))}${stage.interrupted ? ' (interrupted)' : ''}${covered.includes(stage.name) ? '' : stage.search ? ' _(all probes)_' : ' _(warm-up)_'}`,
      stageStatistics(stage),
      failedThresholds(document, stage.name),
    ),
  );
  if (run && stages.length > 1)
    rows.push(
      compactRow(
        covered.length === stages.length ? '**all stages**' : '**run** (no warm-up)',
        run,
        failedThresholds(document, 'run'),
      ),
    );
  return `### Stages\n\n${table([...COMPACT_STAGE_HEADER], rows)}`;
}

function stagesSection(document: ResultsDocument): string | undefined {
  const { stages, run } = document.results;
  if (stages.length === 0) return undefined;
  const header = [
    'Stage',
    'Requests',
    'Successful',
    'Failed',
    'Success Rate',
    'Total Tokens',
    'Avg Tokens/Req',
    'Avg Time/Req (s)',
    'Output tok/s',
    'Req/s',
    'Peak in flight',
  ];
  const rows = stages.map((stage) =>
    seedRow(
      `${escapeMarkdownCell(stage.name)}${stage.interrupted ? ' (interrupted)' : ''}`,
      stageStatistics(stage),
      String(stage.peak_in_flight),
    ),
  );
  const covered = runStages(document);
  const runName = covered.length === stages.length ? '**all stages**' : '**run** (no warm-up)';
  if (run && stages.length > 1)
    rows.push(
      seedRow(
        runName,
        run,
        String(Math.max(...stages.filter((s) => covered.includes(s.name)).map((s) => s.peak_in_flight))),
      ),
    );
  const warmups = stages.filter((stage) => stage.warmup_requests > 0);
  const note = warmups.length
    ? `\n\nExcluded as warmup: ${warmups.map((s) => `${escapeMarkdownText(s.name)} ${s.warmup_requests}`).join(', ')}.`
    : '';
  return `#### Requests and throughput (the seed's metrics)\n\n${table(header, rows)}${note}`;
}

function latencySection(document: ResultsDocument): string | undefined {
  const { stages, run } = document.results;
  if (stages.length === 0) return undefined;
  const header = [
    'Stage',
    'TTFT p50',
    'TTFT p95',
    'TTFT p99',
    'TPOT p50',
    'TPOT p95',
    'ITL p50',
    'ITL p99',
    'E2E p50',
    'E2E p95',
    'E2E p99',
    'Lag p50',
    'Lag p99',
  ];
  const rows = stages.map((stage) =>
    latencyRow(escapeMarkdownCell(stage.name), stageStatistics(stage), stage.itl_ms),
  );
  const covered = runStages(document);
  if (run && stages.length > 1)
    rows.push(
      latencyRow(
        covered.length === stages.length ? '**all stages**' : '**run** (no warm-up)',
        run,
        undefined,
      ),
    );
  const chunkNote = stages.some((s) => s.token_counts_from_chunks > 0)
    ? '\n\nSome responses carried no `usage`: their token counts are chunk counts (flagged in results.json).'
    : '';
  const multiTokenStages = stages
    .filter((s) => s.multi_token_chunk_requests > 0)
    .map((s) => escapeMarkdownText(s.name));
  const multiTokenNote = multiTokenStages.length
    ? `\n\n**Several tokens per chunk** in ${multiTokenStages.join(', ')}: ITL there is the gap between chunks, not between tokens; TPOT comes from the server's token count.`
    : '';
  return `#### Latency (ms)\n\n${table(header, rows)}${chunkNote}${multiTokenNote}`;
}

/** A shared_prefix or trace stage's prefix-cache hit rate: expected from the workload, reported by the server. */
function prefixCacheNote(cache: PrefixCacheComparison): string {
  const percent = (value: number): string => `${(value * 100).toFixed(1)}%`;
  const from = cache.source === 'trace' ? "the trace's hash_ids" : 'shared_prefix';
  const expected = `expected ${percent(cache.expected_hit_rate)} of prompt tokens (${cache.expected_hit_requests} requests hit; from ${from})`;
  if (cache.reported_hit_rate === null || cache.expected_for_reported === null)
    return `prefix cache ${expected}; the server reported no cache figure.`;
  const reported =
    cache.reported_source === 'prefix_cache_hit'
      ? `reported ${percent(cache.reported_hit_rate)} of requests with a hit (EXO prefix_cache_hit; expected ${percent(cache.expected_for_reported)})`
      : `reported ${percent(cache.reported_hit_rate)} (cached_tokens)`;
  const gap = cache.reported_hit_rate - cache.expected_for_reported;
  const flag =
    Math.abs(gap) > 0.05
      ? ` — ${gap < 0 ? 'below' : 'above'} the expectation by ${(Math.abs(gap) * 100).toFixed(1)} points ⚠️`
      : '';
  return `prefix cache ${expected}, ${reported}${flag}.`;
}

function calibrationCell(stage: StageResults): string {
  const calibration = stage.prompt_length.calibration;
  const probes =
    calibration.probes > 0 ? `, ${calibration.probes} probe${calibration.probes === 1 ? '' : 's'}` : '';
  const flag = calibration.status === 'exact' ? '' : ' ⚠️';
  return `${calibration.status}${probes}${flag}`;
}

function promptOutputRow(stage: StageResults): string[] {
  const prompt = stage.prompt_length;
  const output = stage.output_length;
  const achieved = stage.prompt_tokens;
  const tokensPerChunk = stage.token_chunks > 0 ? stage.output_tokens_total / stage.token_chunks : null;
  return [
    escapeMarkdownCell(stage.name),
    String(prompt.requested_tokens),
    achieved.count > 0
      ? `${formatNumber(achieved.min, 0)} / ${formatNumber(achieved.p50, 0)} / ${formatNumber(achieved.max, 0)}`
      : '–',
    prompt.reported_requests > 0 ? `${prompt.exact_requests}/${prompt.reported_requests}` : '–',
    calibrationCell(stage),
    stage.cache_hit_rate === null ? '–' : `${(stage.cache_hit_rate * 100).toFixed(1)}%`,
    String(output.requested_tokens),
    formatNumber(output.achieved_tokens.mean),
    `${output.short_requests} / ${output.over_requests}`,
    `${(output.shortfall_ratio * 100).toFixed(1)}%`,
    formatNumber(tokensPerChunk, 2),
  ];
}

/**
 * Prompt and output lengths as the server counted them: requested against achieved, calibration, cache
 * hits, early stops; plus the notes a reader needs to trust the latency figures (multi-token chunks,
 * counts from chunks, reasoning).
 */
function promptsSection(document: ResultsDocument): string | undefined {
  const stages = document.results.stages.filter((stage) => stage.prompt_length !== undefined);
  if (stages.length === 0) return undefined;
  const header = [
    'Stage',
    'Prompt req',
    'Prompt min / p50 / max',
    'Exact',
    'Calibration',
    'Cache hit',
    'Output req',
    'Output mean',
    'Short / over',
    'Shortfall',
    'Tokens/chunk',
  ];
  const notes: string[] = [];
  for (const stage of stages) {
    const name = escapeMarkdownText(stage.name);
    const calibration = stage.prompt_length.calibration;
    for (const model of calibration.models) {
      if (model.status === 'approximate' || model.status === 'estimate')
        notes.push(
          `- ${name}: prompt length is **approximate** for ${markdownInlineCode(model.model)} (${model.status}${model.note ? `: ${escapeMarkdownText(model.note)}` : ''}).`,
        );
    }
    if (stage.multi_token_chunk_requests > 0) {
      notes.push(
        `- ${name}: the server sent several tokens per chunk (${stage.multi_token_chunk_requests} of ${stage.counted_successful_requests} requests, ${formatNumber(stage.output_tokens_total / Math.max(1, stage.token_chunks), 2)} tokens/chunk): **ITL shows gaps between chunks, not tokens**; TPOT uses the server's token count.`,
      );
    }
    if (stage.invalid_events > 0) {
      notes.push(
        `- ${name}: ${stage.invalid_events} stream line${stage.invalid_events === 1 ? '' : 's'} could not be used (not JSON, not SSE) in ${stage.requests_with_invalid_events} of ${stage.counted_requests} requests: the server's stream is malformed; counts per request are in requests.jsonl (\`invalid_events\`).`,
      );
    }
    if (stage.token_counts_from_chunks > 0) {
      notes.push(
        `- ${name}: ${stage.token_counts_from_chunks} responses carried no \`usage\`: their output tokens are chunk counts (approximate if chunks hold several tokens).`,
      );
    }
    const cache = stage.prefix_cache;
    if (cache) {
      notes.push(`- ${name}: ${prefixCacheNote(cache)}`);
    }
    const output = stage.output_length;
    if (output.short_requests > 0 || output.over_requests > 0) {
      const reasons = Object.entries(output.finish_reasons)
        .map(([reason, count]) => `${escapeMarkdownText(reason)} ${count}`)
        .join(', ');
      notes.push(
        `- ${name}: output ${formatNumber(output.achieved_tokens.mean)} tokens on average for ${output.requested_tokens} requested; ${output.short_requests} short, ${output.over_requests} over \`max_tokens\` (finish reasons: ${reasons}).`,
      );
    }
    if (
      stage.reasoning_tokens > 0 ||
      (stage.ttfat_ms.p50 !== null && stage.ttfat_ms.p50 !== stage.ttft_ms.p50)
    ) {
      notes.push(
        `- ${name}: reasoning model — ${stage.reasoning_tokens > 0 ? `${stage.reasoning_tokens} reasoning tokens (usage)` : 'the server reported no reasoning token count'}; time to first answer token (TTFAT) p50 ${formatNumber(stage.ttfat_ms.p50)} ms / p95 ${formatNumber(stage.ttfat_ms.p95)} ms, against TTFT p50 ${formatNumber(stage.ttft_ms.p50)} ms.`,
      );
    }
  }
  const notesText = notes.length > 0 ? `\n\n${notes.slice(0, 40).join('\n')}` : '';
  return `#### Prompt and output lengths\n\n${table(header, stages.map(promptOutputRow))}${notesText}`;
}

function clusterSection(document: ResultsDocument): string | undefined {
  const { nodes, instances } = document.cluster;
  if (nodes.length === 0 && instances.length === 0) return undefined;
  const parts = ['### Cluster'];
  if (nodes.length > 0) {
    parts.push(
      table(
        ['Node', 'Chip', 'Name', 'RAM total', 'RAM available'],
        nodes.map((node) => [
          markdownInlineCode(node.node_id.slice(0, 12), { inTableCell: true }),
          escapeMarkdownCell(node.chip || '–'),
          escapeMarkdownCell(node.friendly_name || '–'),
          formatBytes(node.ram_total_bytes),
          formatBytes(node.ram_available_bytes),
        ]),
      ),
    );
  }
  if (instances.length > 0) {
    parts.push(
      table(
        ['Instance', 'Model', 'Kind', 'Nodes'],
        instances.map((instance) => [
          markdownInlineCode(instance.instance_id.slice(0, 8), { inTableCell: true }),
          escapeMarkdownCell(instance.model_id),
          escapeMarkdownCell(`${instance.kind} / ${instance.shard_kind}`),
          String(instance.node_ids.length),
        ]),
      ),
    );
  }
  return parts.join('\n\n');
}

/**
 * A merged run's nodes: what each sent and saw (counts and TTFT from its own records), its verdict, and
 * its memory from the cluster facts and snapshots; then the merge's problems and missing nodes.
 */
function nodesSection(document: ResultsDocument): string | undefined {
  const merged = document.merge;
  if (!merged) return undefined;
  const rows = merged.nodes.map((node) => [
    `${escapeMarkdownCell(node.node)}${node.is_primary ? ' (primary)' : ''}`,
    escapeMarkdownCell(node.verdict),
    String(node.requests),
    String(node.successful_requests),
    formatPercent(node.requests > 0 ? node.successful_requests / node.requests : 0, node.requests),
    formatNumber(node.ttft_p50_ms),
    formatNumber(node.ttft_p95_ms),
    formatBytes(node.ram_total_bytes),
    formatBytes(node.ram_used_peak_bytes),
    node.node_id ? markdownInlineCode(node.node_id.slice(0, 12), { inTableCell: true }) : '–',
  ]);
  const parts = [
    `### Nodes

${merged.requests} request${merged.requests === 1 ? '' : 's'} merged from ${merged.nodes.length} node${merged.nodes.length === 1 ? '' : 's'}, each once (identity: node + stage + index); every figure above is computed from the merged records.`,
    table(
      [
        'Node',
        'Verdict',
        'Requests',
        'Success',
        'Success rate',
        'TTFT p50 (ms)',
        'TTFT p95 (ms)',
        'RAM total',
        'RAM used (peak)',
        'EXO node',
      ],
      rows,
    ),
  ];
  // load_from: all_nodes: every node sent its share, on its own clock.
  const schedule = merged.schedule;
  const primaryOnly = document.configuration.stages.filter(isPrimaryOnlyStage).map((stage) => stage.name);
  const alone =
    primaryOnly.length === 0
      ? ''
      : ` Sent by the primary alone (closed loop or capacity search): ${primaryOnly.map((name) => escapeMarkdownText(name)).join(', ')}.`;
  if (schedule)
    parts.push(
      `Load from every node (load_from: all_nodes): request i of a stage from node i mod ${merged.nodes.length}.${alone} Clock skew between the nodes: ${schedule.skew_ms === null ? 'not measured on every node (assumed within the tolerance)' : `${formatNumber(schedule.skew_ms)} ms`}, tolerance ${formatNumber(schedule.skew_tolerance_ms)} ms.`,
    );
  if (merged.problems.length > 0)
    parts.push(
      `**Merge problems:**\n\n${merged.problems.map((problem) => `- ${escapeMarkdownText(problem)}`).join('\n')}`,
    );
  return parts.join('\n\n');
}

function errorsSection(document: ResultsDocument): string | undefined {
  const rows: string[][] = [];
  for (const stage of document.results.stages) {
    for (const error of stage.errors.slice(0, 5)) {
      rows.push([
        escapeMarkdownCell(stage.name),
        `\`${error.error_class}\``,
        String(error.count),
        escapeMarkdownCell(error.example.slice(0, 200)),
      ]);
    }
  }
  if (rows.length === 0) return undefined;
  return `### Most frequent errors\n\n${table(['Stage', 'Class', 'Count', 'Example'], rows)}`;
}

/** Averages a series into at most `maxPoints` buckets (charts stay readable and small). */
export function downsample(values: number[], maxPoints = MAX_CHART_POINTS): number[] {
  if (values.length <= maxPoints) return values;
  const out: number[] = [];
  for (let bucket = 0; bucket < maxPoints; bucket += 1) {
    const from = Math.floor((bucket * values.length) / maxPoints);
    const to = Math.floor(((bucket + 1) * values.length) / maxPoints);
    let sum = 0;
    for (let i = from; i < to; i += 1) sum += values[i] as number;
    out.push(sum / Math.max(1, to - from));
  }
  return out;
}

/**
 * Colours of every chart, set in each chart's init block: GitHub's default Mermaid theme draws pale
 * lavender lines, and a dark-mode page would turn black text invisible. A white plot with dark text
 * and saturated series reads the same in both modes. The data is dark blue; stage starts are light
 * red bands behind it.
 */
export const CHART_PALETTE = {
  data: '#0550ae',
  boundary: '#ffcecb',
  boundaryText: '#cf222e',
  /** The capacity band of a search chart. */
  capacity: '#aceebb',
  text: '#1f2328',
  axis: '#57606a',
} as const;

function mermaidInit(seriesColours: readonly string[]): string {
  const theme = {
    xyChart: {
      backgroundColor: '#ffffff',
      titleColor: CHART_PALETTE.text,
      xAxisLabelColor: CHART_PALETTE.text,
      xAxisTitleColor: CHART_PALETTE.text,
      xAxisTickColor: CHART_PALETTE.axis,
      xAxisLineColor: CHART_PALETTE.axis,
      yAxisLabelColor: CHART_PALETTE.text,
      yAxisTitleColor: CHART_PALETTE.text,
      yAxisTickColor: CHART_PALETTE.axis,
      yAxisLineColor: CHART_PALETTE.axis,
      plotColorPalette: seriesColours.join(', '),
    },
  };
  return `%%{init: ${JSON.stringify({ theme: 'base', themeVariables: theme, xyChart: { width: 900, height: 300 } })}}%%`;
}

/** Mermaid reads labels as HTML and `#…;` as entity codes: keep letters and plain punctuation only. */
function mermaidLabel(text: string, maxLength = 30): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/["\\<>&#;`\u0000-\u001f]/g, ' ').slice(0, maxLength);
}

function fixed(value: number): string {
  return String(Number(value.toFixed(2)));
}

/**
 * A line over time: x in seconds from 0, y from 0. Stage starts are drawn as thin full-height bars of a
 * light colour behind the line (xychart-beta has no vertical rules), and named in the caption.
 */
export function mermaidTimeChart(title: string, yLabel: string, series: TimeSeries): string {
  const yMax = niceMax(series.values);
  const marked = series.boundaries.length > 0;
  const lines = [
    '```mermaid',
    mermaidInit(marked ? [CHART_PALETTE.boundary, CHART_PALETTE.data] : [CHART_PALETTE.data]),
    'xychart-beta',
    `    title "${mermaidLabel(title, 80)}"`,
    `    x-axis "time since the first stage started (s)" 0 --> ${fixed(series.spanSeconds)}`,
    `    y-axis "${mermaidLabel(yLabel)}" 0 --> ${fixed(yMax)}`,
  ];
  if (marked) {
    const rules = new Array<number>(series.values.length).fill(0);
    for (const boundary of series.boundaries) {
      const index = Math.min(
        rules.length - 1,
        Math.max(0, Math.floor(boundary.atSeconds / series.bucketSeconds)),
      );
      rules[index] = yMax;
    }
    lines.push(`    bar [${rules.map(fixed).join(', ')}]`);
  }
  lines.push(`    line [${series.values.map(fixed).join(', ')}]`, '```');
  return lines.join('\n');
}

/** The caption under a time chart: bucket width, and where each stage starts. */
function timeCaption(series: TimeSeries, what: string, stages: readonly StageResults[]): string {
  const starts = [
    `${escapeMarkdownText(stages[0]?.name ?? '')} 0 s`,
    ...series.boundaries.map((b) => `${escapeMarkdownText(b.name)} ${formatNumber(b.atSeconds, 1)} s`),
  ];
  return `<sub>${what}, per ${formatNumber(series.bucketSeconds, 2)} s. ${series.boundaries.length ? 'Light red bands mark where a stage starts: ' : 'Stage: '}${starts.join(' · ')}.</sub>`;
}

/** The bar chart of a per-stage figure: y from 0; only for two stages or more (one bar shows nothing). */
export function mermaidStageBars(
  title: string,
  yLabel: string,
  names: readonly string[],
  values: readonly number[],
): string {
  return [
    '```mermaid',
    mermaidInit([CHART_PALETTE.data]),
    'xychart-beta',
    `    title "${mermaidLabel(title, 80)}"`,
    `    x-axis [${names.map((name) => `"${mermaidLabel(name)}"`).join(', ')}]`,
    `    y-axis "${mermaidLabel(yLabel)}" 0 --> ${fixed(niceMax(values))}`,
    `    bar [${values.map((v) => v.toFixed(1)).join(', ')}]`,
    '```',
  ].join('\n');
}

function chartsSection(document: ResultsDocument, charts: ChartInputs | undefined): string | undefined {
  const { stages } = document.results;
  if (stages.length === 0) return undefined;
  const parts: string[] = [];
  const requests = charts?.requests ?? [];
  const axis = timeAxis(stages, requests);
  if (axis) {
    const ttft = ttftOverTime(axis, requests);
    if (ttft)
      parts.push(
        mermaidTimeChart('TTFT of the requests sent, over time', 'TTFT (ms)', ttft),
        timeCaption(ttft, 'Mean TTFT of the requests sent', stages),
      );
    const inFlight = inFlightPeaks(axis, requests);
    parts.push(
      mermaidTimeChart('Requests in flight (peak)', 'requests in flight', inFlight),
      timeCaption(inFlight, 'Most requests in flight at any moment', stages),
    );
  }
  if (stages.length >= 2)
    parts.push(
      mermaidStageBars(
        'Output tokens/s per stage',
        'output tok/s',
        stages.map((stage) => stage.name),
        stages.map((stage) => stage.output_tokens_per_second),
      ),
    );
  return parts.length > 0 ? ['### Charts', ...parts].join('\n\n') : undefined;
}

/**
 * A capacity search's curve: the metric of each probe against its load (probes sorted by load, one
 * category each: xychart-beta spaces points evenly), the bound as a second line, and the capacity
 * named on its own x label (xychart-beta has no vertical rules, and a bar series draws a stub even at 0).
 */
export function mermaidSearchChart(stageName: string, search: SearchResults): string | undefined {
  const points = curvePoints(search);
  if (points.length === 0) return undefined;
  const bound = boundValue(search);
  const values = points.map((probe) => probe.value as number);
  const yMax = niceMax([...values, bound]);
  const label = (load: number): string =>
    `"${formatLoad(load)}${search.capacity !== null && load === search.capacity ? ' = capacity' : ''}"`;
  return [
    '```mermaid',
    mermaidInit([CHART_PALETTE.data, CHART_PALETTE.boundaryText]),
    'xychart-beta',
    `    title "${mermaidLabel(`${stageName}: ${search.metric} against the load`, 80)}"`,
    `    x-axis "${mermaidLabel(search.mode === 'rate' ? 'requests per second' : 'requests in flight')}" [${points.map((probe) => label(probe.load)).join(', ')}]`,
    `    y-axis "${mermaidLabel(search.metric)}" 0 --> ${fixed(yMax)}`,
    `    line [${values.map(fixed).join(', ')}]`,
    `    line [${points.map(() => fixed(bound)).join(', ')}]`,
    '```',
  ].join('\n');
}

/** Each search stage: its sentence, its curve and its probes. */
function searchSections(document: ResultsDocument): string | undefined {
  const parts: string[] = [];
  for (const stage of document.results.stages) {
    const search = stage.search;
    if (!search) continue;
    const name = escapeMarkdownText(stage.name);
    parts.push(`### Capacity search: ${name}`, `${escapeMarkdownText(searchSentence(search))}.`);
    const chart = mermaidSearchChart(stage.name, search);
    if (chart) {
      const capacity =
        search.capacity === null
          ? ''
          : ` The capacity, ${formatLoad(search.capacity)} ${loadUnit(search)}, is the highest passing load (marked on its label).`;
      parts.push(
        chart,
        `<sub>Blue: ${escapeMarkdownText(search.metric)} of each probe, probes sorted by load (one step each, not to scale). Red: the bound ${escapeMarkdownText(String(boundValue(search)))}.${capacity} A search stage's requests are left out of the run-level figures: they are overloaded on purpose.</sub>`,
      );
    }
    parts.push(
      table(
        probeTableHeader(search).map(escapeMarkdownCell),
        // Numbers and fixed words only (nothing from a server): no escaping, which would turn 7.7 into 7\.7.
        probeTableRows(search),
      ),
    );
  }
  return parts.length > 0 ? parts.join('\n\n') : undefined;
}

/**
 * What the load generator cost the machine, one sentence for the "Load generator" section (summary and
 * report.html): the run's CPU seconds, per 1,000 requests and share of a core, and the busiest stage's
 * share. Numbers, fixed words and a stage name from the config (escape for the output format).
 */
export function clientCpuText(document: ResultsDocument): string | undefined {
  const cpu = document.client_cpu;
  if (!cpu) return undefined;
  const perThousand =
    cpu.client_cpu_seconds_per_1000_requests === null
      ? ''
      : `, ${formatNumber(cpu.client_cpu_seconds_per_1000_requests, 2)} s per 1,000 requests`;
  const share =
    cpu.client_cpu_share === null ? '' : `, ${formatNumber(cpu.client_cpu_share * 100, 1)} % of one core`;
  let busiest: { name: string; share: number } | undefined;
  for (const stage of document.results.stages) {
    const stageShare = stage.client_cpu?.client_cpu_share;
    if (stageShare !== null && stageShare !== undefined && (!busiest || stageShare > busiest.share))
      busiest = { name: stage.name, share: stageShare };
  }
  const busiestText = busiest
    ? `; busiest stage ${busiest.name}: ${formatNumber(busiest.share * 100, 1)} % of one core`
    : '';
  const simulated = cpu.includes_simulated_server
    ? ' Includes the simulated server (--simulate runs it in the same process).'
    : '';
  return (
    `Client CPU ${formatNumber(cpu.client_cpu_seconds, 2)} s over ${formatNumber(cpu.wall_seconds, 1)} s ` +
    `for ${cpu.requests} request${cpu.requests === 1 ? '' : 's'}${perThousand}${share} (${cpu.cores} core${cpu.cores === 1 ? '' : 's'})${busiestText}.${simulated}`
  );
}

function validitySection(document: ResultsDocument): string | undefined {
  const v = document.validity;
  if (!document.metadata.is_primary || document.results.stages.length === 0) return undefined;
  const status = v.status ?? (v.valid ? 'valid' : 'invalid');
  const verdict =
    status === 'invalid'
      ? '**invalid**'
      : status === 'inconclusive'
        ? 'inconclusive (too few requests to judge a p99; not failed)'
        : 'valid';
  const notes = (v.notes ?? []).map((note) => `- ${escapeMarkdownText(note)}`).join('\n');
  const cpu = clientCpuText(document);
  return (
    `### Load generator\n\nDispatch lag p99 ${formatNumber(v.dispatch_lag_p99_ms, 2)} ms (bound ${v.max_dispatch_lag_p99_ms} ms) · ` +
    `event-loop delay p99 ${formatNumber(v.event_loop_delay_p99_ms, 2)} ms (bound ${v.max_event_loop_delay_p99_ms} ms) · ${verdict}` +
    (cpu ? `\n\n${escapeMarkdownText(cpu)}` : '') +
    (notes ? `\n\n${notes}` : '')
  );
}

/** The full per-stage tables, folded: they are wide, and most readers need only the compact one. */
function detailsSection(document: ResultsDocument): string | undefined {
  const tables = [stagesSection(document), latencySection(document), promptsSection(document)].filter(
    (text): text is string => text !== undefined,
  );
  if (tables.length === 0) return undefined;
  return `<details><summary>All figures per stage: the seed's metrics, latency percentiles, prompt and output lengths</summary>\n\n${tables.join('\n\n')}\n\n</details>`;
}

function legendSection(): string {
  return `<details><summary>Metric definitions</summary>\n\n${table(
    ['Metric', 'Definition'],
    METRIC_DEFINITIONS.map(({ name, formula }) => [name, escapeMarkdownCell(formula)]),
  )}\n\n</details>`;
}

/** The thresholds and the baseline comparison (src/verdict/render.ts), right under the headline. */
function gateSections(document: ResultsDocument): Array<[string, string | undefined]> {
  return [
    ['thresholds', renderThresholdsSection(document.thresholds)],
    ['comparison', renderComparisonSection(document.comparison, SUMMARY_BUDGET_BYTES / 4)],
  ];
}

/** Renders the whole summary within the budget. */
export function renderSummary(
  document: ResultsDocument,
  charts?: ChartInputs,
  budgetBytes = SUMMARY_BUDGET_BYTES,
): string {
  const sections: Array<[string, string | undefined]> = [
    ['headline', headline(document)],
    ...gateSections(document),
    ['nodes', nodesSection(document)],
    ['stages', compactStagesSection(document)],
    ['capacity search', searchSections(document)],
    ['all figures per stage', detailsSection(document)],
    ['errors', errorsSection(document)],
    ['cluster', clusterSection(document)],
    ['load generator', validitySection(document)],
    ['charts', chartsSection(document, charts)],
    ['legend', document.results.stages.length > 0 ? legendSection() : undefined],
  ];
  const kept: string[] = [];
  const omitted: string[] = [];
  let size = 0;
  const reserve = 200; // room for the "omitted" note
  for (const [name, text] of sections) {
    if (text === undefined) continue;
    const bytes = Buffer.byteLength(text, 'utf8') + 2;
    if (size + bytes + reserve > budgetBytes) {
      omitted.push(name);
      continue;
    }
    kept.push(text);
    size += bytes;
  }
  if (omitted.length > 0)
    kept.push(`_Omitted to stay under the summary size limit: ${omitted.join(', ')} (see the artifact)._`);
  return `${kept.join('\n\n')}\n`;
}
