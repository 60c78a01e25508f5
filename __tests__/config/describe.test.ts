import {
  closestMatch,
  describeExpectation,
  describeValue,
  editDistance,
  formatNumber,
  formatPath,
} from '../../src/config/describe.js';
import { STAGE_KEYS, TOP_LEVEL_KEYS } from '../../src/config/index.js';

describe('formatPath', () => {
  it.each([
    [[], ''],
    [['stages', 2, 'iterations'], 'stages[2].iterations'],
    [['hardware_plan', 'M3-ULTRA'], 'hardware_plan["M3-ULTRA"]'],
    [['model_ids', 0], 'model_ids[0]'],
  ])('%j → %s', (path, expected) => {
    expect(formatPath(path)).toBe(expected);
  });
});

describe('formatNumber', () => {
  it.each([
    [0, '0'],
    [1.5, '1.5'],
    [9999, '9999'],
    [10_000_000, '10,000,000'],
    [-2_592_000, '-2,592,000'],
    [Infinity, '.inf'],
    [-Infinity, '-.inf'],
    [NaN, '.nan'],
  ])('%p → %s', (value, expected) => {
    expect(formatNumber(value)).toBe(expected);
  });
});

describe('describeValue', () => {
  const integerSchema = { type: 'integer', minimum: 1 } as const;
  it.each([
    [0, '0'],
    [1.5, '1.5 (not an integer)'],
    ['ten', '"ten" (a string)'],
    [true, 'true (a boolean)'],
    [null, 'an empty value'],
    [[], 'an empty list'],
    [{ a: 1 }, 'a mapping'],
    [NaN, '.nan (not a finite number)'],
  ])('%p in an integer field → %s', (value, expected) => {
    expect(describeValue(value, integerSchema)).toBe(expected);
  });

  it('quotes what the user wrote and shortens long strings', () => {
    expect(describeValue(Infinity, integerSchema, '1e400')).toBe(
      '1e400 (too large: YAML reads it as infinity)',
    );
    expect(describeValue('x'.repeat(100), { type: 'integer' })).toBe(`"${'x'.repeat(60)}…" (a string)`);
  });
});

describe('describeExpectation', () => {
  it('names the bound that was broken', () => {
    const schema = { type: 'integer', minimum: 1, maximum: 10_000_000 } as const;
    expect(describeExpectation(schema, new Set(['minimum']))).toBe('an integer ≥ 1');
    expect(describeExpectation(schema, new Set(['type']))).toBe('an integer ≥ 1');
    expect(describeExpectation(schema, new Set(['maximum']))).toBe('an integer ≤ 10,000,000');
    expect(describeExpectation({ type: 'number', exclusiveMinimum: 0 })).toBe('a number > 0');
  });

  it('lists enum values, hiding deprecated aliases', () => {
    expect(describeExpectation({ type: 'string', enum: ['A', 'B', 'C'] }, new Set(), ['C'])).toBe(
      '"A" or "B"',
    );
  });
});

describe('closestMatch', () => {
  it.each([
    ['time_between_request', 'time_between_requests'],
    ['iteartions', 'iterations'],
    ['Iterations', 'iterations'],
    ['prompt_len', 'prompt_length'],
    ['nme', 'name'],
  ])('%s → %s among stage keys', (word, expected) => {
    expect(closestMatch(word, STAGE_KEYS)).toBe(expected);
  });

  it.each([['model_id'], ['hardware'], ['timeout']])('%s has a suggestion among top-level keys', (word) => {
    expect(closestMatch(word, TOP_LEVEL_KEYS)).toBeDefined();
  });

  it('suggests nothing for unrelated words', () => {
    expect(closestMatch('owner', TOP_LEVEL_KEYS)).toBeUndefined();
    expect(closestMatch('x', STAGE_KEYS)).toBeUndefined();
  });

  it('counts a transposition as one edit', () => {
    expect(editDistance('ab', 'ba')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
  });
});
