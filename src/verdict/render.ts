/**
 * Markdown of the gates: the thresholds table and the comparison tables (in the job summary and the PR
 * comment), and the PR comment itself. Pure functions; text from the config or a baseline is escaped.
 */
import { escapeMarkdownCell, escapeMarkdownText, markdownInlineCode, table } from '../util/markdown.js';
import type { ResultsDocument, Verdict } from '../results/document.js';
import type { ComparisonResult, ComparisonStatus, MetricComparison } from './compare.js';
import { formatChange } from './index.js';
import type { MetricUnit } from '../metrics/catalog.js';
import type { ThresholdOutcome } from './thresholds.js';
import { formatGrouped } from '../util/number-format.js';

/** GitHub refuses issue comments longer than this many characters. */
export const COMMENT_MAX_CHARS = 65_536;

/** The sample rule, as printed under the thresholds table. */
export const SAMPLE_RULE =
  'A percentile pq is judged on ≥ ⌈100 ÷ (100 − q)⌉ samples (p50 ≥ 2, p90 ≥ 10, p95 ≥ 20, p99 ≥ 100); below that it is inconclusive.';

const DECIMALS: Record<MetricUnit, number> = {
  ms: 1,
  s: 3,
  ratio: 4,
  requests: 0,
  tokens: 1,
  'tokens/s': 1,
  'requests/s': 2,
  'requests in flight': 0,
};

/** A value with its unit: `512.3 ms`, `0.9900`, `12 requests`. */
export function formatValue(value: number | null | undefined, unit: MetricUnit): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  const text = formatGrouped(value, DECIMALS[unit]);
  return unit === 'ratio' ? text : `${text} ${unit}`;
}

function unitOf(metric: string): MetricUnit {
  if (metric.endsWith('_ms')) return 'ms';
  if (metric.endsWith('_s')) return 's';
  if (metric === 'success_rate') return 'ratio';
  if (metric === 'capacity_rps') return 'requests/s';
  if (metric === 'capacity_concurrency') return 'requests in flight';
  if (metric.endsWith('_per_second')) return metric.startsWith('output_tokens') ? 'tokens/s' : 'requests/s';
  return metric.includes('tokens') ? 'tokens' : 'requests';
}

const THRESHOLD_BADGES = { pass: '✅ pass', fail: '❌ fail', inconclusive: '⚠️ inconclusive' } as const;

/** The thresholds table, or undefined when the config has none. */
export function renderThresholdsSection(
  thresholds: readonly ThresholdOutcome[] | undefined,
): string | undefined {
  if (!thresholds || thresholds.length === 0) return undefined;
  const rows = thresholds.map((outcome) => [
    outcome.scope === 'run' ? 'run' : `stage ${escapeMarkdownCell(outcome.scope.stage)}`,
    markdownInlineCode(outcome.expression, { inTableCell: true }),
    formatValue(outcome.observed, unitOf(outcome.metric)),
    String(outcome.samples),
    `${THRESHOLD_BADGES[outcome.status]}${outcome.reason ? `: ${escapeMarkdownCell(outcome.reason)}` : ''}`,
  ]);
  const failed = thresholds.filter((t) => t.status === 'fail').length;
  const inconclusive = thresholds.filter((t) => t.status === 'inconclusive').length;
  const tally = `${thresholds.length - failed - inconclusive} passed, ${failed} failed, ${inconclusive} inconclusive.`;
  return `### Thresholds\n\n${tally}\n\n${table(['Scope', 'Threshold', 'Observed', 'Samples', 'Result'], rows)}\n\n_${SAMPLE_RULE}_`;
}

const COMPARISON_BADGES: Record<ComparisonStatus, string> = {
  regression: '❌ regression',
  improvement: '🚀 improvement',
  unchanged: '✅ unchanged',
  inconclusive: '➖ inconclusive',
};

function interval(metric: MetricComparison): string {
  if (metric.ci_low === null || metric.ci_high === null) return '–';
  const signed = (value: number): string =>
    `${value >= 0 ? '+' : '−'}${formatValue(Math.abs(value), metric.unit)}`;
  return `${signed(metric.ci_low)} … ${signed(metric.ci_high)}`;
}

function comparisonRow(metric: MetricComparison): string[] {
  return [
    `${markdownInlineCode(metric.metric, { inTableCell: true })} ${metric.better === 'smaller' ? '↓' : '↑'}`,
    formatValue(metric.baseline, metric.unit),
    formatValue(metric.current, metric.unit),
    formatChange(metric.change_ratio),
    interval(metric),
    `±${(metric.tolerance_ratio * 100).toFixed(metric.tolerance_ratio * 100 < 1 ? 1 : 0)}%`,
    `${COMPARISON_BADGES[metric.status]}${metric.reason ? ` (${escapeMarkdownCell(metric.reason)})` : ''}`,
  ];
}

function baselineLine(comparison: ComparisonResult): string {
  const { baseline } = comparison;
  const parts = [`Baseline: ${markdownInlineCode(baseline.source)}`];
  if (baseline.run_id) parts.push(`run ${markdownInlineCode(baseline.run_id)}`);
  if (baseline.started_at) parts.push(`started ${escapeMarkdownText(baseline.started_at)}`);
  if (baseline.verdict) parts.push(`verdict ${escapeMarkdownText(baseline.verdict)}`);
  if (baseline.url && /^https?:\/\//.test(baseline.url)) parts.push(`[link](${encodeURI(baseline.url)})`);
  return parts.join(' · ');
}

/** The comparison tables (one per stage), or why there was no comparison; undefined without a baseline. */
export function renderComparisonSection(
  comparison: ComparisonResult | null | undefined,
  maxChars = Infinity,
): string | undefined {
  if (!comparison) return undefined;
  const parts = ['### Compared with the baseline', baselineLine(comparison)];
  if (!comparison.comparable) {
    parts.push(
      `**Not compared:**\n${comparison.reasons.map((reason) => `- ${escapeMarkdownText(reason)}`).join('\n')}`,
    );
    return parts.join('\n\n');
  }
  parts.push(
    `${comparison.regressions} regression${comparison.regressions === 1 ? '' : 's'}, ${comparison.improvements} improvement${comparison.improvements === 1 ? '' : 's'}.`,
  );
  const footer = `_Method: ${escapeMarkdownText(comparison.method)}. ↓ smaller is better, ↑ bigger is better; the interval is of now − baseline._`;
  let used = parts.join('\n\n').length + footer.length + 200;
  let omitted = 0;
  for (const stage of comparison.stages) {
    const text = `#### Stage ${escapeMarkdownText(stage.stage)}\n\n${table(
      ['Metric', 'Baseline', 'Now', 'Change', '95% interval', 'Tolerance', 'Verdict'],
      stage.metrics.map(comparisonRow),
    )}`;
    if (used + text.length + 2 > maxChars) {
      omitted += 1;
      continue;
    }
    parts.push(text);
    used += text.length + 2;
  }
  if (omitted > 0)
    parts.push(
      `_${omitted} stage table${omitted === 1 ? '' : 's'} omitted for size; see results.json in the artifact._`,
    );
  parts.push(footer);
  return parts.join('\n\n');
}

const VERDICT_BADGES: Record<Verdict, string> = {
  pass: '✅ pass',
  fail: '❌ fail',
  invalid: '⚠️ invalid',
  error: '💥 error',
};

/** The hidden marker that identifies this workflow's and config's comment, so it is updated in place. */
export function commentMarker(workflow: string, configFile: string): string {
  // The marker must stay one HTML comment: no "--" or ">" from the names can end it early.
  const clean = (text: string): string => text.replace(/[^A-Za-z0-9._/ @:+-]/g, '_').replace(/-{2,}/g, '-');
  return `<!-- exo-bench:${clean(workflow)}:${clean(configFile)} -->`;
}

/** Links in the comment: the run's page and the artifact. */
export interface CommentLinks {
  runUrl?: string;
  artifactUrl?: string;
}

/**
 * The PR comment: marker, verdict, thresholds, comparison and links, kept within GitHub's 65,536
 * characters (stage tables are dropped first, then the text is cut with a note).
 */
export function renderPrComment(
  document: ResultsDocument,
  marker: string,
  links: CommentLinks,
  maxChars = COMMENT_MAX_CHARS,
): string {
  const meta = document.metadata;
  const head = [
    marker,
    `## exo-bench: ${VERDICT_BADGES[document.verdict]}`,
    '',
    `Config ${markdownInlineCode(meta.config_file)}${meta.hardware_label ? ` · ${escapeMarkdownText(meta.hardware_label)}` : ''} · ${[...new Set(document.configuration.model_ids)].map((m) => markdownInlineCode(m)).join(', ')}`,
  ];
  if (document.error)
    head.push(
      '',
      `> **${escapeMarkdownText(document.error.kind)} error:** ${escapeMarkdownText(document.error.message)}`,
    );
  if (!document.validity.valid) {
    head.push('', '**The run is invalid — the load generator could not keep its schedule:**');
    for (const reason of document.validity.reasons) head.push(`- ${escapeMarkdownText(reason)}`);
  }
  const run = document.results.run;
  if (run) {
    head.push(
      '',
      `**${run.successful_requests}/${run.total_requests}** requests succeeded · TTFT p95 ${formatValue(run.ttft_ms.p95, 'ms')} · ${formatValue(run.output_tokens_per_second, 'tokens/s')}`,
    );
  }
  const linkParts: string[] = [];
  if (links.runUrl && /^https?:\/\//.test(links.runUrl))
    linkParts.push(`[Workflow run](${encodeURI(links.runUrl)})`);
  if (links.artifactUrl && /^https?:\/\//.test(links.artifactUrl))
    linkParts.push(`[Artifact (results.json, requests.jsonl, report.html)](${encodeURI(links.artifactUrl)})`);
  const footer = linkParts.length > 0 ? linkParts.join(' · ') : '';
  const thresholds = renderThresholdsSection(document.thresholds) ?? '';
  const fixed = [head.join('\n'), thresholds, footer].join('\n\n').length;
  const comparison = renderComparisonSection(document.comparison, maxChars - fixed - 100) ?? '';
  let body = [head.join('\n'), thresholds, comparison, footer].filter((part) => part !== '').join('\n\n');
  if (body.length > maxChars) {
    const note = '\n\n_Cut to fit a comment; the job summary and the artifact have everything._';
    body = body.slice(0, maxChars - note.length) + note;
  }
  return `${body}\n`.slice(0, maxChars);
}
