/** The plan as a short job-summary section: what will run where, readable before any node starts. */
import { escapeMarkdownCell, markdownInlineCode } from '../util/markdown.js';
import type { Plan } from './plan.js';

/**
 * Renders the plan: a heading, one line with the node count and the config file, and a table of
 * label | index | primary | sends load. Labels and the file name come from the user and are escaped.
 */
export function renderPlanMarkdown(plan: Plan, configFile: string): string {
  const nodeCount = plan.include.length;
  const lines = [
    '### exo-bench plan',
    '',
    `${nodeCount} ${nodeCount === 1 ? 'node' : 'nodes'} from ${markdownInlineCode(configFile)}.`,
    '',
    '| label | index | primary | sends load |',
    '| --- | ---: | --- | --- |',
    ...plan.include.map(
      (entry) =>
        `| ${escapeMarkdownCell(entry.label)} | ${entry.index} | ${entry.is_primary ? 'yes' : 'no'} | ${entry.sends_load ? 'yes' : 'no'} |`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}
