/** Tests of src/util/markdown.ts (kept here with its first user, plan mode's summary). */
import { escapeMarkdownCell, escapeMarkdownText, markdownInlineCode } from '../../src/util/markdown.js';

describe('escapeMarkdownText', () => {
  it.each([
    ['plain words', 'plain words'],
    ['a|b', 'a\\|b'],
    ['<script>alert(1)</script>', '\\<script\\>alert(1)\\</script\\>'],
    ['`code`', '\\`code\\`'],
    ['*bold* _it_ ~~del~~', '\\*bold\\* \\_it\\_ \\~\\~del\\~\\~'],
    ['[link](http://x)', '\\[link\\](http://x)'],
    ['![img](x)', '\\!\\[img\\](x)'],
    ['back\\slash', 'back\\\\slash'],
    ['&amp; &copy;', '\\&amp; \\&copy;'],
    ['# heading', '\\# heading'],
    ['- item', '\\- item'],
    ['+ item', '\\+ item'],
    ['1. item', '1\\. item'],
    ['2) item', '2\\) item'],
    ['line one\nline two\r\nthree', 'line one line two three'],
  ])('%j → %j', (text, expected) => {
    expect(escapeMarkdownText(text)).toBe(expected);
  });

  it('leaves hyphens and dots inside text alone', () => {
    expect(escapeMarkdownText('mlx-community/Llama-3.2-1B')).toBe('mlx-community/Llama-3.2-1B');
  });
});

describe('escapeMarkdownCell', () => {
  it('keeps a cell on one line and its pipes escaped', () => {
    expect(escapeMarkdownCell('a | b\nc')).toBe('a \\| b c');
  });
});

describe('markdownInlineCode', () => {
  it.each([
    ['plain', '`plain`'],
    // Ends with a backtick, so the content is padded with a space on each side.
    ['has `tick`', '`` has `tick` ``'],
    ['a``b', '```a``b```'],
  ])('%j → %j', (text, expected) => {
    expect(markdownInlineCode(text)).toBe(expected);
  });

  it('escapes pipes only inside a table cell', () => {
    expect(markdownInlineCode('a|b')).toBe('`a|b`');
    expect(markdownInlineCode('a|b', { inTableCell: true })).toBe('`a\\|b`');
  });
});
