/**
 * report.html: a self-contained page (inline CSS and SVG, no script, nothing fetched at view time)
 * with everything the summary has — verdict, provenance, thresholds, the compact and full stage tables
 * with the run-level row, cluster, load generator, charts with labelled axes — and the definitions.
 * All text is HTML-escaped; links are made only from checked parts.
 */
import { describeShape } from '../load/arrivals.js';
import type { LoadStatistics } from '../metrics/aggregate.js';
import { METRIC_DEFINITIONS } from '../metrics/definitions.js';
import {
  inFlightPeaks,
  niceMax,
  timeAxis,
  ttftOverTime,
  type ChartInputs,
  type TimeSeries,
} from './charts.js';
import { escapeHtml } from './html-escape.js';
import { provenanceHtmlRows } from './provenance.js';
import { stageStatistics, type MergeFacts, type ResultsDocument } from '../results/document.js';
import {
  CHART_PALETTE,
  COMPACT_STAGE_HEADER,
  clientCpuText,
  compactRow,
  formatNumber,
  runStages,
} from './summary.js';
import type { SearchResults } from '../load/search.js';
import {
  boundValue,
  curvePoints,
  formatLoad,
  formatMetric,
  loadUnit,
  probeTableHeader,
  probeTableRows,
  searchBound,
  searchSentence,
} from './search-report.js';

export { escapeHtml } from './html-escape.js';

const WIDTH = 900;
const HEIGHT = 280;
const LEFT = 64;
const RIGHT = 16;
const TOP = 28;
const BOTTOM = 44;

/** Ticks for an axis from 0 to `max`: 0 and four more, evenly spaced. */
function ticks(max: number): number[] {
  return [0, 1, 2, 3, 4].map((i) => (max * i) / 4);
}

function svgFrame(title: string, xTitle: string, yTitle: string, body: string, yMax: number): string {
  const plotBottom = HEIGHT - BOTTOM;
  const yTicks = ticks(yMax)
    .map((value) => {
      const y = plotBottom - (value / yMax) * (plotBottom - TOP);
      return (
        `<line x1="${LEFT - 4}" y1="${y.toFixed(1)}" x2="${WIDTH - RIGHT}" y2="${y.toFixed(1)}" stroke="#d0d7de" stroke-width="0.5"/>` +
        `<text x="${LEFT - 8}" y="${(y + 4).toFixed(1)}" font-size="11" text-anchor="end">${escapeHtml(formatNumber(value, value < 10 ? 1 : 0))}</text>`
      );
    })
    .join('');
  return `<figure><figcaption>${escapeHtml(title)}</figcaption><svg viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${escapeHtml(title)}" font-family="system-ui,sans-serif" fill="${CHART_PALETTE.text}">
${yTicks}<line x1="${LEFT}" y1="${plotBottom}" x2="${WIDTH - RIGHT}" y2="${plotBottom}" stroke="${CHART_PALETTE.axis}"/><line x1="${LEFT}" y1="${TOP}" x2="${LEFT}" y2="${plotBottom}" stroke="${CHART_PALETTE.axis}"/>
${body}
<text x="${(LEFT + WIDTH - RIGHT) / 2}" y="${HEIGHT - 6}" font-size="12" text-anchor="middle">${escapeHtml(xTitle)}</text>
<text x="14" y="${(TOP + plotBottom) / 2}" font-size="12" text-anchor="middle" transform="rotate(-90 14 ${(TOP + plotBottom) / 2})">${escapeHtml(yTitle)}</text></svg></figure>`;
}

/** A series over time as an SVG line: x in seconds with ticks, y from 0, stage starts as dashed rules. */
export function svgTimeChart(title: string, yTitle: string, series: TimeSeries): string {
  const yMax = niceMax(series.values);
  const plotWidth = WIDTH - LEFT - RIGHT;
  const plotBottom = HEIGHT - BOTTOM;
  const x = (seconds: number): number => LEFT + (seconds / series.spanSeconds) * plotWidth;
  const y = (value: number): number => plotBottom - (value / yMax) * (plotBottom - TOP);
  const points = series.values
    .map((value, i) => `${x((i + 0.5) * series.bucketSeconds).toFixed(1)},${y(value).toFixed(1)}`)
    .join(' ');
  const xMax = niceMax([series.spanSeconds]);
  const xTicks = ticks(xMax)
    .filter((seconds) => seconds <= series.spanSeconds * 1.0001)
    .map(
      (seconds) =>
        `<line x1="${x(seconds).toFixed(1)}" y1="${plotBottom}" x2="${x(seconds).toFixed(1)}" y2="${plotBottom + 4}" stroke="${CHART_PALETTE.axis}"/>` +
        `<text x="${x(seconds).toFixed(1)}" y="${plotBottom + 16}" font-size="11" text-anchor="middle">${escapeHtml(formatNumber(seconds, seconds < 10 ? 1 : 0))}</text>`,
    )
    .join('');
  const boundaries = series.boundaries
    .map(
      (boundary) =>
        `<line x1="${x(boundary.atSeconds).toFixed(1)}" y1="${TOP}" x2="${x(boundary.atSeconds).toFixed(1)}" y2="${plotBottom}" stroke="${CHART_PALETTE.boundaryText}" stroke-dasharray="4 3"/>` +
        `<text x="${(x(boundary.atSeconds) + 3).toFixed(1)}" y="${TOP + 10}" font-size="11" fill="${CHART_PALETTE.boundaryText}">${escapeHtml(boundary.name.slice(0, 24))}</text>`,
    )
    .join('');
  return svgFrame(
    title,
    'time since the first stage started (s)',
    yTitle,
    `${xTicks}${boundaries}<polyline fill="none" stroke="${CHART_PALETTE.data}" stroke-width="2" points="${points}"/>`,
    yMax,
  );
}

/**
 * A capacity search's curve as SVG: the metric of each probe against its load on a linear x axis from
 * 0 (probes sorted by load, passing ones filled, failing ones hollow), the bound as a dashed red rule,
 * and the bracket [capacity_low, capacity_high] as a green band with the capacity as its left edge.
 */
export function svgSearchChart(stageName: string, search: SearchResults): string | undefined {
  const points = curvePoints(search);
  if (points.length === 0) return undefined;
  const bound = boundValue(search);
  const yMax = niceMax([...points.map((p) => p.value as number), bound]);
  const xMax = niceMax([...points.map((p) => p.load), search.capacity_high ?? 0]);
  const plotWidth = WIDTH - LEFT - RIGHT;
  const plotBottom = HEIGHT - BOTTOM;
  const x = (load: number): number => LEFT + (load / xMax) * plotWidth;
  const y = (value: number): number => plotBottom - (Math.min(value, yMax) / yMax) * (plotBottom - TOP);
  const xTicks = ticks(xMax)
    .map(
      (load) =>
        `<line x1="${x(load).toFixed(1)}" y1="${plotBottom}" x2="${x(load).toFixed(1)}" y2="${plotBottom + 4}" stroke="${CHART_PALETTE.axis}"/>` +
        `<text x="${x(load).toFixed(1)}" y="${plotBottom + 16}" font-size="11" text-anchor="middle">${escapeHtml(formatNumber(load, load < 10 ? 1 : 0))}</text>`,
    )
    .join('');
  let band = '';
  if (search.capacity !== null) {
    const high = search.capacity_high ?? xMax;
    band =
      `<rect x="${x(search.capacity).toFixed(1)}" y="${TOP}" width="${Math.max(1, x(high) - x(search.capacity)).toFixed(1)}" height="${plotBottom - TOP}" fill="${CHART_PALETTE.capacity}" opacity="0.6"><title>bracket ${escapeHtml(formatLoad(search.capacity_low))}–${escapeHtml(search.capacity_high === null ? '∞' : formatLoad(search.capacity_high))} ${escapeHtml(loadUnit(search))}</title></rect>` +
      `<line x1="${x(search.capacity).toFixed(1)}" y1="${TOP}" x2="${x(search.capacity).toFixed(1)}" y2="${plotBottom}" stroke="#1a7f37" stroke-width="1.5"/>` +
      `<text x="${(x(search.capacity) - 4).toFixed(1)}" y="${TOP + 12}" font-size="11" text-anchor="end" fill="#1a7f37">capacity ${escapeHtml(formatLoad(search.capacity))} ${escapeHtml(loadUnit(search))}</text>`;
  }
  const rule =
    `<line x1="${LEFT}" y1="${y(bound).toFixed(1)}" x2="${WIDTH - RIGHT}" y2="${y(bound).toFixed(1)}" stroke="${CHART_PALETTE.boundaryText}" stroke-dasharray="6 4" stroke-width="1.5"/>` +
    `<text x="${WIDTH - RIGHT - 4}" y="${(y(bound) - 5).toFixed(1)}" font-size="11" text-anchor="end" fill="${CHART_PALETTE.boundaryText}">${escapeHtml(searchBound(search))}</text>`;
  const line = `<polyline fill="none" stroke="${CHART_PALETTE.data}" stroke-width="2" points="${points.map((p) => `${x(p.load).toFixed(1)},${y(p.value as number).toFixed(1)}`).join(' ')}"/>`;
  const dots = points
    .map(
      (p) =>
        `<circle cx="${x(p.load).toFixed(1)}" cy="${y(p.value as number).toFixed(1)}" r="4" stroke="${CHART_PALETTE.data}" stroke-width="2" fill="${p.passed ? CHART_PALETTE.data : '#ffffff'}"><title>probe ${p.index}: ${escapeHtml(formatLoad(p.load))} ${escapeHtml(loadUnit(search))} → ${escapeHtml(formatMetric(p.value, search.metric))} (${p.passed ? 'pass' : 'fail'})</title></circle>`,
    )
    .join('');
  return svgFrame(
    `${stageName}: ${search.metric} against the load (filled: pass, hollow: fail; values above the axis are drawn at its top)`,
    search.mode === 'rate' ? 'requests per second' : 'requests in flight',
    search.metric,
    `${band}${xTicks}${rule}${line}${dots}`,
    yMax,
  );
}

/** A per-stage figure as SVG bars, y from 0, each bar labelled with its stage. */
export function svgBars(title: string, yTitle: string, labels: string[], values: number[]): string {
  const yMax = niceMax(values);
  const plotBottom = HEIGHT - BOTTOM;
  const slot = (WIDTH - LEFT - RIGHT) / Math.max(1, values.length);
  const bars = values
    .map((value, i) => {
      const h = (value / yMax) * (plotBottom - TOP);
      const x = LEFT + i * slot + slot * 0.2;
      return (
        `<rect x="${x.toFixed(1)}" y="${(plotBottom - h).toFixed(1)}" width="${(slot * 0.6).toFixed(1)}" height="${h.toFixed(1)}" fill="${CHART_PALETTE.data}"><title>${escapeHtml(labels[i] ?? '')}: ${escapeHtml(formatNumber(value))}</title></rect>` +
        `<text x="${(x + slot * 0.3).toFixed(1)}" y="${(plotBottom - h - 4).toFixed(1)}" font-size="11" text-anchor="middle">${escapeHtml(formatNumber(value))}</text>` +
        `<text x="${(x + slot * 0.3).toFixed(1)}" y="${plotBottom + 16}" font-size="11" text-anchor="middle">${escapeHtml((labels[i] ?? '').slice(0, 24))}</text>`
      );
    })
    .join('');
  return svgFrame(title, 'stage', yTitle, bars, yMax);
}

/** A table; cells are text (escaped here) unless given as `{ html }`; numbers are right-aligned. */
type Cell = string | { html: string };

function htmlTable(header: string[], rows: Cell[][]): string {
  const head = header.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const cell = (value: Cell): string => {
    if (typeof value !== 'string') return `<td>${value.html}</td>`;
    const numeric = /^[-+]?[\d,.]+( ?%| ms)?$|^–$/.test(value);
    return `<td${numeric ? ' class="num"' : ''}>${escapeHtml(value)}</td>`;
  };
  const body = rows.map((row) => `<tr>${row.map(cell).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

const gib = (bytes: number | undefined): string => (bytes === undefined ? '–' : (bytes / 2 ** 30).toFixed(1));

/** A merged run's nodes: counts and TTFT from each node's own records, verdict, memory; then problems. */
function mergedNodesHtml(merge: MergeFacts): string[] {
  const parts = [
    '<h2>Nodes</h2>',
    `<p>${merge.requests} request(s) merged from ${merge.nodes.length} node(s), each once (identity: node + stage + index); every figure on this page is computed from the merged records.</p>`,
    htmlTable(
      [
        'Node',
        'Verdict',
        'Requests',
        'Success',
        'TTFT p50 (ms)',
        'TTFT p95 (ms)',
        'RAM total GiB',
        'RAM used peak GiB',
        'Source',
      ],
      merge.nodes.map((node) => [
        `${node.node}${node.is_primary ? ' (primary)' : ''}`,
        node.verdict,
        String(node.requests),
        String(node.successful_requests),
        formatNumber(node.ttft_p50_ms),
        formatNumber(node.ttft_p95_ms),
        gib(node.ram_total_bytes),
        gib(node.ram_used_peak_bytes),
        node.source,
      ]),
    ),
  ];
  for (const problem of merge.problems) parts.push(`<p class="error">Merge: ${escapeHtml(problem)}</p>`);
  return parts;
}

function percent(stats: LoadStatistics): string {
  return stats.total_requests === 0 ? '–' : `${(stats.success_rate * 100).toFixed(1)}%`;
}

function fullRow(name: string, stats: LoadStatistics): Cell[] {
  return [
    name,
    String(stats.successful_requests),
    String(stats.failed_requests),
    String(stats.total_tokens),
    formatNumber(stats.ttft_ms.p99),
    formatNumber(stats.tpot_ms.p50),
    formatNumber(stats.tpot_ms.p95),
    formatNumber(stats.e2e_ms.p50),
    formatNumber(stats.e2e_ms.p99),
    formatNumber(stats.requests_per_second, 2),
    formatNumber(stats.dispatch_lag_ms.p99, 2),
  ];
}

function failedThresholds(document: ResultsDocument, scope: string): string {
  const failed = (document.thresholds ?? []).filter(
    (t) =>
      t.status === 'fail' &&
      (scope === 'run' ? t.scope === 'run' : t.scope !== 'run' && t.scope.stage === scope),
  );
  return failed.length
    ? failed.map((t) => `✗ ${t.expression} (${formatNumber(t.observed)})`).join('; ')
    : '–';
}

/** The stages the run-level figures leave out, by why: `warm-up left out: a; capacity search left out: b`. */
function leftOutNote(stages: ResultsDocument['results']['stages'], covered: readonly string[]): string {
  const left = stages.filter((stage) => !covered.includes(stage.name));
  const warmups = left.filter((stage) => !stage.search).map((stage) => stage.name);
  const searches = left.filter((stage) => stage.search).map((stage) => stage.name);
  return [
    ...(warmups.length ? [`warm-up left out: ${warmups.join(', ')}`] : []),
    ...(searches.length ? [`capacity search left out: ${searches.join(', ')}`] : []),
  ].join('; ');
}

type Stages = ResultsDocument['results']['stages'];

/** The heading with the verdict, and the banner of a simulated run. */
function headlineHtml(document: ResultsDocument): string[] {
  const simulated = document.provenance?.simulated === true;
  const parts = [`<h1>exo-bench: ${escapeHtml(document.verdict)}${simulated ? ' · simulated' : ''}</h1>`];
  if (simulated)
    parts.push(
      `<p class="banner"><strong>SIMULATED RUN</strong> — the server was exo-bench's built-in simulator${document.provenance?.simulator_profile ? ` (profile <code>${escapeHtml(document.provenance.simulator_profile)}</code>)` : ''}, not EXO on real hardware. Node names, chips and every figure below are made up by the simulator's timing model.</p>`,
    );
  return parts;
}

/** One line on what ran: config, role, target, models, endpoint, start. */
function runContextHtml(document: ResultsDocument): string[] {
  const meta = document.metadata;
  const expected = document.cluster.expected_nodes;
  // A merged run already says how many nodes it merged; the plan's count only when it differs.
  const where =
    meta.target?.kind === 'openai'
      ? ` · OpenAI-compatible server <code>${escapeHtml(meta.target.base_url)}</code>`
      : document.merge
        ? document.merge.nodes.length === expected
          ? ''
          : ` · ${expected} planned node(s)`
        : ` · ${expected} node(s)`;
  const models = [...new Set(document.configuration.model_ids)]
    .map((modelId) => `<code>${escapeHtml(modelId)}</code>`)
    .join(', ');
  return [
    `<p>Config <code>${escapeHtml(meta.config_file)}</code> · ${document.merge ? `merged run of ${document.merge.nodes.length} node(s)` : meta.is_primary ? 'primary' : 'secondary'}${meta.hardware_label && !document.merge ? ` · ${escapeHtml(meta.hardware_label)}#${meta.node_index ?? 0}` : ''}${where} · model ${models} · endpoint <code>${escapeHtml(meta.endpoint)}</code> · started ${escapeHtml(meta.started_at)}</p>`,
  ];
}

function provenanceHtml(document: ResultsDocument): string[] {
  const provenance = provenanceHtmlRows(document.provenance);
  if (provenance.length === 0) return [];
  return [
    `<details open><summary>Provenance</summary><table class="kv">${provenance.map(([key, value]) => `<tr><th>${escapeHtml(key)}</th><td>${value}</td></tr>`).join('')}</table></details>`,
  ];
}

/** The run's error, if it stopped on one, and every reason the run is invalid. */
function problemsHtml(document: ResultsDocument): string[] {
  const parts: string[] = [];
  if (document.error)
    parts.push(
      `<p class="error"><strong>${escapeHtml(document.error.kind)} error:</strong> ${escapeHtml(document.error.message)}${document.error.hint ? `<br>Hint: ${escapeHtml(document.error.hint)}` : ''}</p>`,
    );
  for (const reason of document.validity.reasons)
    parts.push(`<p class="error">Invalid: ${escapeHtml(reason)}</p>`);
  return parts;
}

/** The run-level figures in one sentence, with the stages they cover. */
function runSentenceHtml(document: ResultsDocument, covered: readonly string[]): string[] {
  const { stages, run } = document.results;
  if (!run) return [];
  return [
    `<p><strong>${run.successful_requests}/${run.total_requests}</strong> requests succeeded (${escapeHtml(percent(run))}), TTFT p50 ${escapeHtml(formatNumber(run.ttft_ms.p50))} ms / p95 ${escapeHtml(formatNumber(run.ttft_ms.p95))} ms, E2E p95 ${escapeHtml(formatNumber(run.e2e_ms.p95))} ms, ${escapeHtml(formatNumber(run.output_tokens_per_second))} output tok/s — over ${escapeHtml(covered.join(', '))}${
      covered.length < stages.length ? ` (${escapeHtml(leftOutNote(stages, covered))})` : ''
    }.</p>`,
  ];
}

function thresholdsHtml(document: ResultsDocument): string[] {
  if (!document.thresholds || document.thresholds.length === 0) return [];
  return [
    '<h2>Thresholds</h2>',
    htmlTable(
      ['Scope', 'Threshold', 'Observed', 'Samples', 'Result'],
      document.thresholds.map((threshold) => [
        threshold.scope === 'run' ? 'run' : `stage ${threshold.scope.stage}`,
        { html: `<code>${escapeHtml(threshold.expression)}</code>` },
        formatNumber(threshold.observed, 2),
        String(threshold.samples),
        `${threshold.status}${threshold.reason ? `: ${threshold.reason}` : ''}`,
      ]),
    ),
  ];
}

function comparisonHtml(document: ResultsDocument): string[] {
  const comparison = document.comparison;
  if (!comparison) return [];
  return [
    '<h2>Compared with the baseline</h2>',
    `<p>${escapeHtml(comparison.baseline.source)}: ${comparison.comparable ? `${comparison.regressions} regression(s), ${comparison.improvements} improvement(s)` : escapeHtml(`not compared: ${comparison.reasons.join('; ')}`)}.</p>`,
  ];
}

/** The compact table: one row per stage, and the run-level row when there are several stages. */
function compactStagesHtml(document: ResultsDocument, covered: readonly string[], runName: string): string[] {
  const { stages, run } = document.results;
  const rows = stages.map((stage) =>
    compactRow(
      `${stage.name} · ${stage.search ? 'capacity search' : describeShape(stage.config)}${covered.includes(stage.name) ? '' : stage.search ? ' (all probes)' : ' (warm-up)'}`,
      stageStatistics(stage),
      failedThresholds(document, stage.name),
    ),
  );
  if (run && stages.length > 1) rows.push(compactRow(runName, run, failedThresholds(document, 'run')));
  return ['<h2>Stages</h2>', htmlTable([...COMPACT_STAGE_HEADER], rows)];
}

/** A section per capacity-search stage: its sentence, its chart and its probes. */
function searchSectionsHtml(stages: Stages): string[] {
  const parts: string[] = [];
  for (const stage of stages) {
    if (!stage.search) continue;
    const chart = svgSearchChart(stage.name, stage.search);
    parts.push(
      `<h2>Capacity search: ${escapeHtml(stage.name)}</h2>`,
      `<p>${escapeHtml(searchSentence(stage.search))}. Its requests are left out of the run-level figures: they are overloaded on purpose.</p>`,
      ...(chart ? [chart] : []),
      htmlTable(probeTableHeader(stage.search), probeTableRows(stage.search)),
    );
  }
  return parts;
}

/** The full table, folded: the figures the compact table leaves out. */
function fullStagesHtml(document: ResultsDocument, runName: string): string[] {
  const { stages, run } = document.results;
  const rows = stages.map((stage) => fullRow(stage.name, stageStatistics(stage)));
  if (run && stages.length > 1) rows.push(fullRow(runName, run));
  return [
    '<details><summary>More figures per stage</summary>',
    htmlTable(
      [
        'Stage',
        'OK',
        'Failed',
        'Tokens',
        'TTFT p99 ms',
        'TPOT p50 ms',
        'TPOT p95 ms',
        'E2E p50 ms',
        'E2E p99 ms',
        'Req/s',
        'Lag p99 ms',
      ],
      rows,
    ),
    '</details>',
  ];
}

function clusterHtml(document: ResultsDocument): string[] {
  const { nodes, instances } = document.cluster;
  if (nodes.length === 0 && instances.length === 0) return [];
  const parts = ['<h2>Cluster</h2>'];
  if (nodes.length > 0)
    parts.push(
      htmlTable(
        ['Node', 'Chip', 'Name', 'RAM total GiB', 'RAM available GiB'],
        nodes.map((node) => [
          { html: `<code>${escapeHtml(node.node_id.slice(0, 12))}</code>` },
          node.chip || '–',
          node.friendly_name || '–',
          gib(node.ram_total_bytes),
          gib(node.ram_available_bytes),
        ]),
      ),
    );
  if (instances.length > 0)
    parts.push(
      htmlTable(
        ['Instance', 'Model', 'Kind', 'Nodes'],
        instances.map((instance) => [
          { html: `<code>${escapeHtml(instance.instance_id.slice(0, 8))}</code>` },
          instance.model_id,
          `${instance.kind} / ${instance.shard_kind}`,
          String(instance.node_ids.length),
        ]),
      ),
    );
  return parts;
}

/** The load generator's own health: dispatch lag and event-loop delay against their bounds. */
function loadGeneratorHtml(document: ResultsDocument): string[] {
  const validity = document.validity;
  const cpu = clientCpuText(document);
  return [
    '<h2>Load generator</h2>',
    `<p>Dispatch lag p99 ${escapeHtml(formatNumber(validity.dispatch_lag_p99_ms, 2))} ms (bound ${validity.max_dispatch_lag_p99_ms} ms) · event-loop delay p99 ${escapeHtml(formatNumber(validity.event_loop_delay_p99_ms, 2))} ms (bound ${validity.max_event_loop_delay_p99_ms} ms) · ${escapeHtml(validity.status ?? (validity.valid ? 'valid' : 'invalid'))}</p>`,
    ...(cpu ? [`<p>${escapeHtml(cpu)}</p>`] : []),
    ...(validity.notes ?? []).map((note) => `<p class="note">${escapeHtml(note)}</p>`),
  ];
}

/** TTFT and requests in flight over time, and output tokens/s per stage when there are several. */
function chartsHtml(stages: Stages, charts: ChartInputs): string[] {
  const chartParts: string[] = [];
  const requests = charts.requests ?? [];
  const axis = timeAxis(stages, requests);
  if (axis) {
    const ttft = ttftOverTime(axis, requests);
    if (ttft) chartParts.push(svgTimeChart('Mean TTFT of the requests sent, over time', 'TTFT (ms)', ttft));
    chartParts.push(
      svgTimeChart(
        'Requests in flight (peak per bucket)',
        'requests in flight',
        inFlightPeaks(axis, requests),
      ),
    );
  }
  if (stages.length >= 2)
    chartParts.push(
      svgBars(
        'Output tokens/s per stage',
        'output tok/s',
        stages.map((stage) => stage.name),
        stages.map((stage) => stage.output_tokens_per_second),
      ),
    );
  return chartParts.length > 0 ? ['<h2>Charts</h2>', ...chartParts] : [];
}

function definitionsHtml(): string[] {
  return [
    '<h2>Definitions</h2>',
    htmlTable(
      ['Metric', 'Definition'],
      METRIC_DEFINITIONS.map(({ name, formula }) => [name, formula]),
    ),
  ];
}

/** Renders the whole page: its sections in the order of the summary. */
export function renderHtmlReport(document: ResultsDocument, charts: ChartInputs): string {
  const { stages } = document.results;
  const covered = runStages(document);
  const runName = covered.length === stages.length ? 'all stages' : 'run (no warm-up)';
  const hasStages = stages.length > 0;
  const parts = [
    ...headlineHtml(document),
    ...runContextHtml(document),
    ...provenanceHtml(document),
    ...problemsHtml(document),
    ...runSentenceHtml(document, covered),
    ...(document.merge ? mergedNodesHtml(document.merge) : []),
    ...thresholdsHtml(document),
    ...comparisonHtml(document),
    ...(hasStages
      ? [
          ...compactStagesHtml(document, covered, runName),
          ...searchSectionsHtml(stages),
          ...fullStagesHtml(document, runName),
        ]
      : []),
    ...clusterHtml(document),
    ...(document.metadata.is_primary && hasStages ? loadGeneratorHtml(document) : []),
    ...(hasStages ? [...chartsHtml(stages, charts), ...definitionsHtml()] : []),
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>exo-bench report</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:60rem;color:#1f2328;text-align:left}table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #d0d7de;padding:.25rem .5rem;text-align:left;vertical-align:top}td.num{text-align:right;font-variant-numeric:tabular-nums}table.kv th{background:#f6f8fa;font-weight:600;white-space:nowrap}.error{color:#cf222e}.banner{background:#fff8c5;border:2px solid #d4a72c;padding:.75rem 1rem;font-size:1.1rem}.note{color:#57606a}figure{margin:1rem 0}figcaption{font-weight:600;margin-bottom:.25rem}</style>
</head><body>
${parts.join('\n')}
</body></html>
`;
}
