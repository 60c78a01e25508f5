/**
 * The invalid-config corpus: every `invalid/NN-name.yaml` must be refused with exactly the messages in
 * its sibling `NN-name.expected` (one problem per line, `file:line:col: path: message`). The file name in
 * messages is the corpus file's base name.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfigText } from '../../src/config/index.js';
import { ConfigError } from '../../src/core/errors.js';

const corpusDirectory = join(fileURLToPath(new URL('.', import.meta.url)), 'invalid');
const corpus = readdirSync(corpusDirectory)
  .filter((name) => name.endsWith('.yaml'))
  .sort();

/** The variables every corpus file sees; `MODEL` is set, anything else is not. */
const variables = { MODEL: 'mlx-community/Llama-3.2-1B-Instruct-4bit' };

function problemsOf(name: string): ConfigError {
  const text = readFileSync(join(corpusDirectory, name), 'utf8');
  try {
    parseConfigText(text, name, variables);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`${name} was accepted`);
}

describe('the invalid-config corpus', () => {
  it('has at least 30 cases, each with its expected messages', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(30);
    const expectedFiles = readdirSync(corpusDirectory).filter((name) => name.endsWith('.expected'));
    expect(expectedFiles.sort()).toEqual(corpus.map((name) => name.replace(/\.yaml$/, '.expected')));
  });

  it.each(corpus)('%s is refused with exactly the expected messages', (name) => {
    const expected = readFileSync(join(corpusDirectory, name.replace(/\.yaml$/, '.expected')), 'utf8');
    const error = problemsOf(name);
    expect(error.message).toBe(expected.trimEnd());
    expect(error.kind).toBe('config');
    // Messages are for people: one line each, never a stack.
    expect(error.message).not.toMatch(/\n\s+at /);
    for (const problem of error.problems) {
      expect(problem.file).toBe(name);
      expect(problem.message).not.toContain('\n');
    }
  });
});
