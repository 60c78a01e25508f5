import { ConfigError, describeError, formatConfigProblem, InputError } from '../src/core/errors.js';

describe('formatConfigProblem', () => {
  it('prints file:line:col, the config path and the message', () => {
    expect(
      formatConfigProblem({
        file: 'c.yaml',
        line: 3,
        column: 5,
        path: 'stages[0].iterations',
        message: 'must be ≥ 1',
      }),
    ).toBe('c.yaml:3:5: stages[0].iterations: must be ≥ 1');
  });

  it('omits the position when there is none', () => {
    expect(
      formatConfigProblem({ file: 'c.yaml', line: 0, column: 0, path: '', message: 'file is empty' }),
    ).toBe('c.yaml: file is empty');
  });
});

describe('describeError', () => {
  it('joins every config problem, one per line, and adds the hint', () => {
    const error = new ConfigError([
      { file: 'a.yaml', line: 1, column: 1, path: 'x', message: 'unknown key' },
      { file: 'a.yaml', line: 2, column: 1, path: 'y', message: 'unknown key' },
    ]);
    expect(describeError(error).split('\n')).toEqual([
      'a.yaml:1:1: x: unknown key',
      'a.yaml:2:1: y: unknown key',
      'Hint: Fix the config file; https://github.com/exo/bench-action/blob/v1/configs/README.md documents every field.',
    ]);
  });

  it('describes plain errors and non-errors without a stack', () => {
    expect(describeError(new InputError('bad flag'))).toBe('bad flag');
    expect(describeError(new Error('boom'))).toBe('boom');
    expect(describeError(42)).toBe('42');
  });
});
