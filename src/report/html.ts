/**
 * report.html: a self-contained page (inline CSS and SVG, no script, nothing fetched at view time)
 * with the stage tables and the same three charts as the summary. All text is HTML-escaped.
 */
import { stageStatistics, type ResultsDocument } from './results.js';
import { downsample, formatNumber, type ChartInputs } from './summary.js';
import { METRIC_DEFINITIONS } from '../metrics/aggregate.js';

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}

const WIDTH = 640;
const HEIGHT = 200;
const PAD = 36;

function axisMax(values: number[]): number {
  const max = Math.max(1e-9, ...values);
  return max * 1.1;
}

/** A line chart as inline SVG. */
export function svgLine(title: string, unit: string, series: number[]): string {
  const values = downsample(series);
  const yMax = axisMax(values);
  const step = values.length > 1 ? (WIDTH - 2 * PAD) / (values.length - 1) : 0;
  const points = values
    .map(
      (v, i) =>
        `${(PAD + i * step).toFixed(1)},${(HEIGHT - PAD - (v / yMax) * (HEIGHT - 2 * PAD)).toFixed(1)}`,
    )
    .join(' ');
  return `<figure><figcaption>${escapeHtml(title)}</figcaption><svg viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${escapeHtml(title)}">
<line x1="${PAD}" y1="${HEIGHT - PAD}" x2="${WIDTH - PAD}" y2="${HEIGHT - PAD}" stroke="#888"/><line x1="${PAD}" y1="${PAD}" x2="${PAD}" y2="${HEIGHT - PAD}" stroke="#888"/>
<text x="${PAD}" y="${PAD - 8}" font-size="11">${escapeHtml(formatNumber(yMax, 1))} ${escapeHtml(unit)}</text>
<polyline fill="none" stroke="#2f6fdf" stroke-width="1.5" points="${points}"/></svg></figure>`;
}

/** A bar chart as inline SVG. */
export function svgBars(title: string, unit: string, labels: string[], values: number[]): string {
  const yMax = axisMax(values);
  const slot = (WIDTH - 2 * PAD) / Math.max(1, values.length);
  const bars = values
    .map((v, i) => {
      const h = (v / yMax) * (HEIGHT - 2 * PAD);
      const x = PAD + i * slot + slot * 0.15;
      return (
        `<rect x="${x.toFixed(1)}" y="${(HEIGHT - PAD - h).toFixed(1)}" width="${(slot * 0.7).toFixed(1)}" height="${h.toFixed(1)}" fill="#2f6fdf"><title>${escapeHtml(labels[i] ?? '')}: ${escapeHtml(formatNumber(v))} ${escapeHtml(unit)}</title></rect>` +
        `<text x="${(x + slot * 0.35).toFixed(1)}" y="${HEIGHT - PAD + 14}" font-size="11" text-anchor="middle">${escapeHtml((labels[i] ?? '').slice(0, 16))}</text>`
      );
    })
    .join('');
  return `<figure><figcaption>${escapeHtml(title)}</figcaption><svg viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${escapeHtml(title)}">
<line x1="${PAD}" y1="${HEIGHT - PAD}" x2="${WIDTH - PAD}" y2="${HEIGHT - PAD}" stroke="#888"/>
<text x="${PAD}" y="${PAD - 8}" font-size="11">${escapeHtml(formatNumber(yMax, 1))} ${escapeHtml(unit)}</text>${bars}</svg></figure>`;
}

function htmlTable(header: string[], rows: string[][]): string {
  const head = header.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows
    .map((row) => `<tr>${row.map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}</tr>`)
    .join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

/** Renders the whole page. */
export function renderHtmlReport(document: ResultsDocument, charts: ChartInputs): string {
  const stages = document.results.stages;
  // Our figures (the seed's, under the same names in results.json, are in its requests[] too).
  const stageRows = stages
    .map(stageStatistics)
    .map((s, index) => [
      stages[index]?.name ?? '',
      String(s.total_requests),
      String(s.successful_requests),
      String(s.failed_requests),
      `${(s.success_rate * 100).toFixed(1)}%`,
      String(s.total_tokens),
      formatNumber(s.ttft_ms.p50),
      formatNumber(s.ttft_ms.p95),
      formatNumber(s.tpot_ms.p50),
      formatNumber(s.e2e_ms.p95),
      formatNumber(s.output_tokens_per_second),
      String(stages[index]?.peak_in_flight ?? 0),
    ]);
  const parts = [
    `<h1>exo-bench: ${escapeHtml(document.verdict)}</h1>`,
    `<p>Config <code>${escapeHtml(document.metadata.config_file)}</code>, ${document.cluster.expected_nodes} node(s), started ${escapeHtml(document.metadata.started_at)}.</p>`,
  ];
  if (document.error)
    parts.push(
      `<p class="error"><strong>${escapeHtml(document.error.kind)} error:</strong> ${escapeHtml(document.error.message)}</p>`,
    );
  for (const reason of document.validity.reasons)
    parts.push(`<p class="error">Invalid: ${escapeHtml(reason)}</p>`);
  if (stages.length > 0) {
    parts.push(
      '<h2>Stages</h2>',
      htmlTable(
        [
          'Stage',
          'Requests',
          'OK',
          'Failed',
          'Success',
          'Tokens',
          'TTFT p50 ms',
          'TTFT p95 ms',
          'TPOT p50 ms',
          'E2E p95 ms',
          'Output tok/s',
          'Peak in flight',
        ],
        stageRows,
      ),
      '<h2>Charts</h2>',
    );
    if (charts.ttftMsInSendOrder.length > 1)
      parts.push(svgLine('TTFT of each request, in send order', 'ms', charts.ttftMsInSendOrder));
    parts.push(
      svgBars(
        'Output tokens/s per stage',
        'tok/s',
        stages.map((s) => s.name),
        stages.map((s) => s.output_tokens_per_second),
      ),
    );
    const inFlight = stages.flatMap((s) => s.in_flight_samples.map((p) => p.in_flight));
    if (inFlight.length > 1) parts.push(svgLine('Requests in flight over time', 'requests', inFlight));
    parts.push(
      '<h2>Definitions</h2>',
      htmlTable(
        ['Metric', 'Definition'],
        METRIC_DEFINITIONS.map(([a, b]) => [a, b]),
      ),
    );
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>exo-bench report</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:72rem}table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:right}td:first-child,th:first-child{text-align:left}.error{color:#b00}figure{margin:1rem 0}</style>
</head><body>
${parts.join('\n')}
</body></html>
`;
}
