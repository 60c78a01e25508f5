/**
 * Provenance, rendered: one line for the summary's header and a table for report.html, plus the banner
 * a simulated run carries. Pure functions; every value is escaped (a workflow or runner name is user
 * text), and a link is made only of parts that look like what they claim to be.
 */
import { escapeHtml } from './html-escape.js';
import { escapeMarkdownText, markdownInlineCode } from '../util/markdown.js';
import type { Provenance } from '../results/document.js';

const SERVER = /^https?:\/\/[A-Za-z0-9.-]+(:\d+)?$/;
const REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
const SHA = /^[0-9a-f]{7,64}$/;
const RUN_URL = /^https?:\/\/[A-Za-z0-9.-]+(:\d+)?\/[A-Za-z0-9_./-]+$/;

/** The commit's page, when server, repository and SHA all look right. */
export function commitUrl(provenance: Provenance): string | undefined {
  const { server_url: server, repository, commit } = provenance;
  if (!server || !repository || !commit) return undefined;
  if (!SERVER.test(server) || !REPOSITORY.test(repository) || !SHA.test(commit)) return undefined;
  return `${server}/${repository}/commit/${commit}`;
}

/** The run's page, when it is a plain http(s) URL. */
export function runUrl(provenance: Provenance): string | undefined {
  return provenance.run_url && RUN_URL.test(provenance.run_url) ? provenance.run_url : undefined;
}

function shortSha(commit: string): string {
  return commit.slice(0, 7);
}

function runnerText(runner: Provenance['runner']): string | undefined {
  if (!runner) return undefined;
  const platform = [runner.os, runner.arch].filter(Boolean).join(' ');
  if (!runner.name && !platform) return undefined;
  return runner.name ? `${runner.name}${platform ? ` (${platform})` : ''}` : platform;
}

/** The banner of a simulated run, in Markdown: a quote block no reader skims past. */
export function simulatedBannerMarkdown(provenance: Provenance | undefined): string | undefined {
  if (!provenance?.simulated) return undefined;
  const profile = provenance.simulator_profile
    ? ` (profile ${markdownInlineCode(provenance.simulator_profile)})`
    : '';
  return `> 🧪 **SIMULATED RUN** — the server was exo-bench's built-in simulator${profile}, not EXO on real hardware. Node names, chips and every figure below are made up by the simulator's timing model.`;
}

/**
 * The provenance line of the summary's header: repository @ commit (linked), ref, event, run and
 * attempt (linked), workflow / job, runner, tool version, start time, config and its hash.
 */
export function provenanceMarkdown(provenance: Provenance | undefined): string | undefined {
  if (!provenance) return undefined;
  const parts: string[] = [];
  if (provenance.repository || provenance.commit) {
    const repository = provenance.repository ? escapeMarkdownText(provenance.repository) : '';
    const url = commitUrl(provenance);
    const sha = provenance.commit ? markdownInlineCode(shortSha(provenance.commit)) : '';
    const commit = provenance.commit ? (url ? `[${sha}](${url})` : sha) : '';
    parts.push([repository, commit].filter(Boolean).join(' @ '));
  }
  if (provenance.ref) parts.push(markdownInlineCode(provenance.ref));
  if (provenance.event) parts.push(escapeMarkdownText(provenance.event));
  if (provenance.run_id) {
    const attempt = provenance.run_attempt !== undefined ? ` attempt ${provenance.run_attempt}` : '';
    const text = `run ${escapeMarkdownText(provenance.run_id)}${attempt}`;
    const url = runUrl(provenance);
    parts.push(url ? `[${text}](${url})` : text);
  }
  if (provenance.workflow || provenance.job)
    parts.push(
      [
        provenance.workflow ? `workflow ${escapeMarkdownText(provenance.workflow)}` : '',
        provenance.job ? `job ${markdownInlineCode(provenance.job)}` : '',
      ]
        .filter(Boolean)
        .join(' / '),
    );
  const runner = runnerText(provenance.runner);
  if (runner) parts.push(`${provenance.source === 'cli' ? 'host' : 'runner'} ${escapeMarkdownText(runner)}`);
  // A version is digits and dots: escaped as text, `0.` would read as the start of a list.
  parts.push(
    `exo-bench ${/^[0-9A-Za-z.+-]+$/.test(provenance.tool_version) ? provenance.tool_version : markdownInlineCode(provenance.tool_version)}`,
  );
  parts.push(`started ${escapeMarkdownText(formatUtc(provenance.started_at))}`);
  parts.push(
    `config ${markdownInlineCode(provenance.config_file)}${provenance.config_sha256 ? ` (sha256 ${markdownInlineCode(provenance.config_sha256.slice(0, 12))})` : ''}`,
  );
  return parts.join(' · ');
}

/** `2025-01-02T03:04:05.678Z` → `2025-01-02 03:04:05 UTC`; anything else as is. */
export function formatUtc(iso: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(\.\d+)?Z$/.exec(iso);
  return match ? `${match[1]} ${match[2]} UTC` : iso;
}

/** Provenance as rows of label and HTML (escaped; links only from checked parts). */
export function provenanceHtmlRows(provenance: Provenance | undefined): Array<[string, string]> {
  if (!provenance) return [];
  const rows: Array<[string, string]> = [];
  const link = (text: string, url: string | undefined): string =>
    url ? `<a href="${escapeHtml(url)}">${escapeHtml(text)}</a>` : escapeHtml(text);
  if (provenance.repository) rows.push(['Repository', escapeHtml(provenance.repository)]);
  if (provenance.commit)
    rows.push(['Commit', `<code>${link(shortSha(provenance.commit), commitUrl(provenance))}</code>`]);
  if (provenance.ref) rows.push(['Ref', `<code>${escapeHtml(provenance.ref)}</code>`]);
  if (provenance.event) rows.push(['Event', escapeHtml(provenance.event)]);
  if (provenance.run_id)
    rows.push([
      'Run',
      link(
        `${provenance.run_id}${provenance.run_attempt !== undefined ? ` (attempt ${provenance.run_attempt})` : ''}`,
        runUrl(provenance),
      ),
    ]);
  if (provenance.workflow) rows.push(['Workflow', escapeHtml(provenance.workflow)]);
  if (provenance.job) rows.push(['Job', escapeHtml(provenance.job)]);
  const runner = runnerText(provenance.runner);
  if (runner) rows.push([provenance.source === 'cli' ? 'Host' : 'Runner', escapeHtml(runner)]);
  rows.push(['exo-bench', escapeHtml(provenance.tool_version)]);
  rows.push(['Started', escapeHtml(formatUtc(provenance.started_at))]);
  rows.push([
    'Config',
    `<code>${escapeHtml(provenance.config_file)}</code>${provenance.config_sha256 ? ` (sha256 <code>${escapeHtml(provenance.config_sha256)}</code>)` : ''}`,
  ]);
  rows.push([
    'Server',
    provenance.simulated
      ? `<strong>simulated</strong>${provenance.simulator_profile ? ` (profile <code>${escapeHtml(provenance.simulator_profile)}</code>)` : ''}`
      : 'real',
  ]);
  return rows;
}
