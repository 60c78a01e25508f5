/**
 * The job summary: verdict first, then per-stage tables, latency, cluster facts, errors, charts and the
 * legend. Pure functions over results.json; everything from a server or a user file is escaped. The
 * whole text is kept under a size budget far below GitHub's 1 MiB limit: sections are added in order of
 * importance and the ones that do not fit are named at the end (they are in the artifact).
 */
import { METRIC_DEFINITIONS, type LoadStatistics } from '../metrics/aggregate.js';
import type { Summary } from '../metrics/stats.js';
import { escapeMarkdownCell, escapeMarkdownText, markdownInlineCode } from './markdown.js';
import { stageStatistics, type ResultsDocument, type StageResults, type Verdict } from './results.js';
import { renderComparisonSection, renderThresholdsSection } from '../verdict/render.js';

/** Summaries above this are cut section by section (GitHub drops a summary over 1 MiB whole). */
export const SUMMARY_BUDGET_BYTES = 512 * 1024;

/** Most points a chart gets; longer series are averaged into this many buckets. */
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
  return value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

function formatPercent(ratio: number, total: number): string {
  return total === 0 ? '–' : `${(ratio * 100).toFixed(1)}%`;
}

function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined) return '–';
  return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
}

/** Renders a Markdown table; cells are escaped by the caller where they hold foreign text. */
export function table(header: string[], rows: string[][]): string {
  const lines = [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`];
  for (const row of rows) lines.push(`| ${row.join(' | ')} |`);
  return lines.join('\n');
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

function headline(document: ResultsDocument): string {
  const lines = [`## exo-bench: ${VERDICT_BADGES[document.verdict]}`, ''];
  const meta = document.metadata;
  const role = meta.is_primary ? 'primary' : 'secondary';
  const label = meta.hardware_label
    ? ` · ${escapeMarkdownText(meta.hardware_label)}#${meta.node_index ?? 0}`
    : '';
  const models = [...new Set(document.configuration.model_ids)].map((m) => markdownInlineCode(m)).join(', ');
  const where =
    meta.target?.kind === 'openai'
      ? `OpenAI-compatible server ${markdownInlineCode(meta.target.base_url)}`
      : `${document.cluster.expected_nodes} node${document.cluster.expected_nodes === 1 ? '' : 's'}`;
  lines.push(
    `Config ${markdownInlineCode(meta.config_file)} · ${role}${label} · ${where} · ${models} · endpoint ${markdownInlineCode(meta.endpoint)}`,
  );
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
    lines.push(
      '',
      `**${run.successful_requests}/${run.total_requests}** requests succeeded (${formatPercent(run.success_rate, run.total_requests)}), ` +
        `TTFT p50 ${formatNumber(run.ttft_ms.p50)} ms / p95 ${formatNumber(run.ttft_ms.p95)} ms, ` +
        `E2E p95 ${formatNumber(run.e2e_ms.p95)} ms, ${formatNumber(run.output_tokens_per_second)} output tok/s.`,
    );
  }
  return lines.join('\n');
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
  if (run && stages.length > 1)
    rows.push(seedRow('**all stages**', run, String(Math.max(...stages.map((s) => s.peak_in_flight)))));
  const warmups = stages.filter((stage) => stage.warmup_requests > 0);
  const note = warmups.length
    ? `\n\nExcluded as warmup: ${warmups.map((s) => `${escapeMarkdownText(s.name)} ${s.warmup_requests}`).join(', ')}.`
    : '';
  return `### Stages\n\n${table(header, rows)}${note}`;
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
  const rows = stages.map((stage) => latencyRow(escapeMarkdownCell(stage.name), stage, stage.itl_ms));
  if (run && stages.length > 1) rows.push(latencyRow('**all stages**', run, undefined));
  const chunkNote = stages.some((s) => s.token_counts_from_chunks > 0)
    ? '\n\nSome responses carried no `usage`: their token counts are chunk counts (flagged in results.json).'
    : '';
  const multiTokenStages = stages
    .filter((s) => s.multi_token_chunk_requests > 0)
    .map((s) => escapeMarkdownText(s.name));
  const multiTokenNote = multiTokenStages.length
    ? `\n\n**Several tokens per chunk** in ${multiTokenStages.join(', ')}: ITL there is the gap between chunks, not between tokens; TPOT comes from the server's token count.`
    : '';
  return `### Latency (ms)\n\n${table(header, rows)}${chunkNote}${multiTokenNote}`;
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
        `- ${name}: ${stage.invalid_events} stream line${stage.invalid_events === 1 ? '' : 's'} could not be used (not JSON, not SSE) in ${stage.requests_with_invalid_events} of ${stage.total_requests} requests: the server's stream is malformed; counts per request are in requests.jsonl (\`invalid_events\`).`,
      );
    }
    if (stage.token_counts_from_chunks > 0) {
      notes.push(
        `- ${name}: ${stage.token_counts_from_chunks} responses carried no \`usage\`: their output tokens are chunk counts (approximate if chunks hold several tokens).`,
      );
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
  return `### Prompt and output lengths\n\n${table(header, stages.map(promptOutputRow))}${notesText}`;
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

function mermaidLine(title: string, xLabel: string, yLabel: string, values: number[]): string {
  const points = downsample(values).map((v) => Number(v.toFixed(2)));
  return [
    '```mermaid',
    'xychart-beta',
    `    title "${title}"`,
    `    x-axis "${xLabel}" 1 --> ${Math.max(2, points.length)}`,
    `    y-axis "${yLabel}"`,
    `    line [${points.join(', ')}]`,
    '```',
  ].join('\n');
}

function chartsSection(document: ResultsDocument, records: ChartInputs | undefined): string | undefined {
  const { stages } = document.results;
  if (stages.length === 0) return undefined;
  const parts = ['### Charts'];
  if (records && records.ttftMsInSendOrder.length > 1) {
    parts.push(
      mermaidLine(
        'TTFT of each request, in send order',
        'request (bucketed)',
        'ms',
        records.ttftMsInSendOrder,
      ),
    );
  }
  // Mermaid reads labels as HTML and `#…;` as entity codes: keep letters and plain punctuation only.
  // eslint-disable-next-line no-control-regex
  const safeNames = stages.map((stage) => stage.name.replace(/["\\<>&#;`\u0000-\u001f]/g, ' ').slice(0, 30));
  parts.push(
    [
      '```mermaid',
      'xychart-beta',
      '    title "Output tokens/s per stage"',
      `    x-axis [${safeNames.map((name) => `"${name}"`).join(', ')}]`,
      '    y-axis "tok/s"',
      `    bar [${stages.map((stage) => stage.output_tokens_per_second.toFixed(1)).join(', ')}]`,
      '```',
    ].join('\n'),
  );
  const inFlight = stages.flatMap((stage) => stage.in_flight_samples.map((sample) => sample.in_flight));
  if (inFlight.length > 1)
    parts.push(mermaidLine('Requests in flight over time', 'time (bucketed)', 'requests', inFlight));
  return parts.join('\n\n');
}

function validitySection(document: ResultsDocument): string | undefined {
  const v = document.validity;
  if (!document.metadata.is_primary || document.results.stages.length === 0) return undefined;
  return (
    `### Load generator\n\nDispatch lag p99 ${formatNumber(v.dispatch_lag_p99_ms, 2)} ms (bound ${v.max_dispatch_lag_p99_ms} ms) · ` +
    `event-loop delay p99 ${formatNumber(v.event_loop_delay_p99_ms, 2)} ms (bound ${v.max_event_loop_delay_p99_ms} ms) · ${v.valid ? 'valid' : '**invalid**'}`
  );
}

function legendSection(): string {
  return `<details><summary>Metric definitions</summary>\n\n${table(
    ['Metric', 'Definition'],
    METRIC_DEFINITIONS.map(([name, formula]) => [name, escapeMarkdownCell(formula)]),
  )}\n\n</details>`;
}

/** The thresholds and the baseline comparison (src/verdict/render.ts), right under the headline. */
function gateSections(document: ResultsDocument): Array<[string, string | undefined]> {
  return [
    ['thresholds', renderThresholdsSection(document.thresholds)],
    ['comparison', renderComparisonSection(document.comparison, SUMMARY_BUDGET_BYTES / 4)],
  ];
}

/** Per-request series the charts need, derived from the records (not kept in results.json). */
export interface ChartInputs {
  ttftMsInSendOrder: number[];
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
    ['stages', stagesSection(document)],
    ['latency', latencySection(document)],
    ['prompt and output lengths', promptsSection(document)],
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
