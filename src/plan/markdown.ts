/** The plan as a short job-summary section: what will run where, readable before any node starts. */
import { escapeMarkdownCell, markdownInlineCode } from '../util/markdown.js';
import type { Plan } from './plan.js';

/**
 * Renders the plan: a heading, one line with the node count and the config file (and, when the plan
 * fixed the schedule, when the first stage starts), and a table of label | index | primary | sends
 * load. Labels and the file name come from the user and are escaped.
 */
export function renderPlanMarkdown(plan: Plan, configFile: string): string {
  const nodeCount = plan.include.length;
  const startAtMs = plan.include[0]?.start_at_ms;
  const lines = [
    '### exo-bench plan',
    '',
    `${nodeCount} ${nodeCount === 1 ? 'node' : 'nodes'} from ${markdownInlineCode(configFile)}.`,
    ...(startAtMs !== undefined
      ? [
          '',
          `The first stage starts at ${new Date(startAtMs).toISOString()} (\`start_at_ms\` ${startAtMs}, this job's clock + \`all_nodes_start_delay_seconds\`): every node sends its share of each stage to the one server on starts derived from it.`,
        ]
      : []),
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
