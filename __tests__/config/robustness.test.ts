/**
 * Whatever the file holds, loading ends in a config or a ConfigError, never another exception (which
 * would reach the user as a stack trace). Inputs: random text, and valid configs with random edits.
 */
import fc from 'fast-check';
import { parseConfigText } from '../../src/config/index.js';
import { ConfigError } from '../../src/core/errors.js';

const valid = `hardware_plan:
  M3ULTRA_GPU80_512GB: 2
environment:
  OVERRIDE_MEMORY_MB: 512
model_ids:
  - "\${MODEL}"
stages:
  - &s {name: a, prompt_length: 20, generation_length: 100, time_between_requests: 1, iterations: 3}
  - <<: *s
    name: b
    warmup_requests: 1
`;

function loadsOrRefuses(text: string): void {
  try {
    parseConfigText(text, 'c.yaml', { MODEL: 'm' });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const problem of error.problems) {
      expect(problem.line).toBeGreaterThanOrEqual(0);
      expect(problem.column).toBeGreaterThanOrEqual(0);
      expect(problem.message.length).toBeGreaterThan(0);
    }
  }
}

/** Characters that matter to YAML and to our checks, so random edits hit interesting cases. */
const yamlish = fc.constantFrom(
  ...':-[]{}&*!|>\'"#%@`,?<$ \n\t0123456789.eE+~'.split(''),
  '.inf',
  '.nan',
  '---',
  'null',
  'true',
  '${',
  '1e400',
  '<<',
);

describe('loading arbitrary input', () => {
  it('ends in a config or a ConfigError for random text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => loadsOrRefuses(text)),
      { numRuns: 300 },
    );
  });

  it('ends in a config or a ConfigError for valid configs with random edits', () => {
    expect(() => parseConfigText(valid, 'c.yaml', { MODEL: 'm' })).not.toThrow();
    const edit = fc.record({
      at: fc.nat({ max: valid.length }),
      remove: fc.nat({ max: 6 }),
      insert: fc.array(yamlish, { maxLength: 4 }).map((parts) => parts.join('')),
    });
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 3 }), (edits) => {
        let text = valid;
        for (const { at, remove, insert } of edits) {
          const position = Math.min(at, text.length);
          text = text.slice(0, position) + insert + text.slice(position + remove);
        }
        loadsOrRefuses(text);
      }),
      { numRuns: 300 },
    );
  });
});
