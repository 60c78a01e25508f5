/**
 * Escaping for Markdown built from user data (labels, stage names, model ids, error messages), so a
 * name such as `a|b` or `<img>` can neither break a table nor inject HTML into a job summary.
 * CommonMark lets a backslash escape any ASCII punctuation, so escaping more than needed is harmless.
 */

/** Characters that can start or end Markdown syntax anywhere in a line (emphasis, code, links, HTML, tables). */
const INLINE_SPECIAL = /[\\`*_[\]<>|~#&!]/g;

/** Line starts that would turn text into a list item, a heading or a quote. */
const BLOCK_START = /^(\s*)([-+=]|\d+[.)])/;

function collapseLineBreaks(text: string): string {
  // A line break would end a table row or start a new block; one line is what callers ask for.
  return text.replace(/\r\n|\r|\n/g, ' ');
}

/** Escapes text for use in a Markdown paragraph or list item; line breaks become spaces. */
export function escapeMarkdownText(text: string): string {
  return collapseLineBreaks(text)
    .replace(INLINE_SPECIAL, '\\$&')
    .replace(
      BLOCK_START,
      (_match, space: string, marker: string) => `${space}${marker.replace(/([-+=.)])$/, '\\$1')}`,
    );
}

/** Escapes text for one cell of a GFM table (a `|` would otherwise end the cell). */
export function escapeMarkdownCell(text: string): string {
  return escapeMarkdownText(text);
}

/**
 * Wraps text in an inline code span, which shows it verbatim. The fence is one backtick longer than
 * the longest run inside, as CommonMark requires. In a table cell `|` must still be escaped: GFM splits
 * cells before it parses code spans.
 */
export function markdownInlineCode(text: string, options: { inTableCell?: boolean } = {}): string {
  let content = collapseLineBreaks(text);
  if (options.inTableCell) content = content.replace(/\|/g, '\\|');
  const longestRun = Math.max(0, ...(content.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  // A space on each side keeps a leading or trailing backtick from merging with the fence.
  const padded = content.startsWith('`') || content.endsWith('`') ? ` ${content} ` : content;
  return `${fence}${padded}${fence}`;
}

/** Renders a Markdown table; cells are escaped by the caller where they hold foreign text. */
export function table(header: string[], rows: string[][]): string {
  const lines = [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`];
  for (const row of rows) lines.push(`| ${row.join(' | ')} |`);
  return lines.join('\n');
}
