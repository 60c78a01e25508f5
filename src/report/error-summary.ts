/**
 * The summary of a step that could not run: bad inputs, a config that does not load, a plan that
 * cannot be made, a node that failed before its run began. One shape for every such path: what could
 * not be done, each problem as a list item with its position, the hints that fit, and absolute links
 * to the documentation (a summary is read on github.com, not in a checkout). Pure; every text escaped.
 */
import { escapeMarkdownText, markdownInlineCode } from '../util/markdown.js';
import { provenanceMarkdown, simulatedBannerMarkdown } from './provenance.js';
import type { Provenance } from '../results/document.js';

/** One problem: where (a `file:line:col`, an input name), and what. */
export interface ErrorSummaryProblem {
  where?: string;
  message: string;
}

/** What the error summary says. */
export interface ErrorSummary {
  /** What could not be done, one sentence without a full stop: `The config has 2 problems`. */
  headline: string;
  problems: ErrorSummaryProblem[];
  /** What the user can do, each a sentence. */
  hints: string[];
  /** Documentation, as label and absolute URL. */
  links: Array<{ label: string; url: string }>;
  provenance?: Provenance;
}

const SAFE_URL = /^https:\/\/[A-Za-z0-9.-]+(:\d+)?\/[A-Za-z0-9_./#-]*$/;

/** Renders the error summary. */
export function renderErrorSummary(summary: ErrorSummary): string {
  const lines = ['## exo-bench: 💥 error', ''];
  const banner = simulatedBannerMarkdown(summary.provenance);
  if (banner) lines.push(banner, '');
  lines.push(`**${escapeMarkdownText(summary.headline)}:**`, '');
  for (const problem of summary.problems) {
    const where = problem.where ? `${markdownInlineCode(problem.where)} ` : '';
    lines.push(`- ${where}${escapeMarkdownText(problem.message)}`);
  }
  if (summary.hints.length > 0) {
    lines.push('');
    for (const hint of summary.hints) lines.push(`**Hint:** ${escapeMarkdownText(hint)}`, '');
    lines.pop();
  }
  const links = summary.links.filter((link) => SAFE_URL.test(link.url));
  if (links.length > 0) {
    lines.push('', links.map((link) => `${escapeMarkdownText(link.label)}: <${link.url}>`).join(' · '));
  }
  const provenance = provenanceMarkdown(summary.provenance);
  if (provenance) lines.push('', `<sub>${provenance}</sub>`);
  return `${lines.join('\n')}\n`;
}
