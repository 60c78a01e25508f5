/**
 * What a workflow or a config can point the action at. `api-url` is limited to http/https in the
 * action as in the CLI; the config names no file (audited here, so a new field that does fails this
 * test and gets confined to the workspace); the config loader survives random and mutated YAML.
 */
import fc from 'fast-check';
import { readInputs } from '../../src/action/inputs.js';
import { parseConfigText } from '../../src/config/index.js';
import { configSchema, type SchemaNode } from '../../src/config/schema.js';
import { ConfigError, InputError } from '../../src/core/errors.js';
import { validateApiUrl } from '../../src/run/node-options.js';

describe('api-url: http and https only', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
  });

  it.each([
    'file:///etc/passwd',
    'javascript:alert(1)',
    'data:text/plain,x',
    'ftp://host/',
    'unix:/var/run/x',
  ])('the action refuses %s naming the input', (url) => {
    process.env['INPUT_API-URL'] = url;
    expect(() => readInputs()).toThrow(InputError);
    expect(() => readInputs()).toThrow(`input api-url must be an http:// or https:// URL, got "${url}"`);
  });

  it('the action refuses text that is not a URL', () => {
    process.env['INPUT_API-URL'] = '127.0.0.1:52415';
    expect(() => readInputs()).toThrow(/^input api-url (is not a URL|must be an http)/);
  });

  it('a host:port without a scheme is quoted as typed, and the hint gives the URL that was meant', () => {
    process.env['INPUT_API-URL'] = 'localhost:52415';
    let error: unknown;
    try {
      readInputs();
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toBe(
      'input api-url must be an http:// or https:// URL, got "localhost:52415"',
    );
    expect((error as InputError).hint).toBe('Use e.g. http://localhost:52415');
  });

  it('the action accepts http and https, without a trailing slash', () => {
    process.env['INPUT_API-URL'] = 'https://exo.example:8443/';
    expect(readInputs().apiUrl).toBe('https://exo.example:8443');
    process.env['INPUT_API-URL'] = ' http://127.0.0.1:52415 ';
    expect(readInputs().apiUrl).toBe('http://127.0.0.1:52415');
    delete process.env['INPUT_API-URL'];
    expect(readInputs().apiUrl).toBeUndefined();
  });

  it('one check for both shells, naming the flag or input', () => {
    expect(() => validateApiUrl('--api-url', 'file:///x')).toThrow(
      '--api-url must be an http:// or https:// URL, got "file:///x"',
    );
  });

  it('the github-token input is masked as soon as it is read', () => {
    const writes: string[] = [];
    const original = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string | Uint8Array) => {
      writes.push(String(chunk));
      return true;
    }) as typeof process.stdout.write;
    try {
      process.env['INPUT_GITHUB-TOKEN'] = 'ghs_secretTokenValue123';
      readInputs();
    } finally {
      process.stdout.write = original;
    }
    expect(writes.join('')).toContain('::add-mask::ghs_secretTokenValue123');
  });
});

describe('the config names no file (audit)', () => {
  /** Every property path of the schema, with its node. */
  function properties(node: SchemaNode, path: string[] = []): Array<[string, SchemaNode]> {
    const out: Array<[string, SchemaNode]> = [];
    for (const [name, child] of Object.entries(node.properties ?? {})) {
      out.push([[...path, name].join('.'), child], ...properties(child, [...path, name]));
    }
    if (node.items) out.push(...properties(node.items, [...path, '[]']));
    if (typeof node.additionalProperties === 'object')
      out.push(...properties(node.additionalProperties, [...path, '*']));
    return out;
  }

  it('no key of the schema is a path, file or directory', () => {
    const names = properties(configSchema).map(([path]) => path);
    expect(names.length).toBeGreaterThan(20);
    // base_url is a URL (http/https, checked by the schema); environment values go to EXO's process.
    expect(names.filter((path) => /(file|path|dir|folder|profile|include|import)/i.test(path))).toEqual([]);
  });

  it('target.base_url is http or https only', () => {
    const text = (url: string): string => `
target: { kind: openai, base_url: '${url}', model: m }
stages: [{ name: s, prompt_length: 1, generation_length: 1, time_between_requests: 0, iterations: 1 }]
`;
    expect(() => parseConfigText(text('file:///etc/passwd'), 'c.yaml', {})).toThrow(ConfigError);
    expect(parseConfigText(text('http://127.0.0.1:8080'), 'c.yaml', {}).config.target).toMatchObject({
      base_url: 'http://127.0.0.1:8080',
    });
  });
});

const VALID = `hardware_plan:
  M3ULTRA: 2
timeout_seconds: 60
model_ids: ['mlx-community/Llama-3.2-1B-Instruct-4bit']
environment: { OVERRIDE_MEMORY_MB: 512 }
stages:
  - name: warm
    prompt_length: 64
    generation_length: 16
    time_between_requests: 0.5
    iterations: 4
    thresholds: ['ttft_p95_ms <= 800']
  - { name: b, prompt_length: 8, generation_length: 8, time_between_requests: 0, iterations: 1, no_overlap: true }
thresholds: ['success_rate >= 0.99']
`;

/** Either a valid config or a ConfigError whose every problem is positioned: nothing else. */
function expectConfigOrPositionedErrors(text: string): void {
  let result: unknown;
  try {
    result = parseConfigText(text, 'fuzz.yaml', { HOME: '/home/x' });
  } catch (error) {
    if (!(error instanceof ConfigError))
      throw new Error(`not a ConfigError for ${JSON.stringify(text)}: ${String(error)}`);
    expect(error.problems.length).toBeGreaterThan(0);
    for (const problem of error.problems) {
      expect(problem.file).toBe('fuzz.yaml');
      expect(typeof problem.message).toBe('string');
      expect(problem.message.length).toBeGreaterThan(0);
      expect(problem.line).toBeGreaterThanOrEqual(0);
      if (problem.line > 0) expect([text, problem, problem.column > 0]).toEqual([text, problem, true]);
    }
    return;
  }
  expect(result).toHaveProperty('config.stages');
}

/** Bounded: each property stops after its time budget even if runs remain. */
const FUZZ = { numRuns: 400, interruptAfterTimeLimit: 3_000, markInterruptAsFailure: false } as const;

describe('config loader fuzz (fast-check, bounded)', () => {
  it('the seed config is valid', () => {
    expect(parseConfigText(VALID, 'fuzz.yaml', {}).config.stages).toHaveLength(2);
  });

  it('random text never crashes it', () => {
    const yamlish = fc.stringMatching(/^[\s\S]{0,200}$/);
    const tokens = fc
      .array(
        fc.constantFrom(
          'stages:',
          '- ',
          '  ',
          '\n',
          ': ',
          '{',
          '}',
          '[',
          ']',
          ',',
          '&a ',
          '*a',
          '<<: *a',
          '!!str ',
          '!!binary ',
          '? ',
          '|',
          '>',
          '"',
          "'",
          '#',
          '---',
          '...',
          '%YAML 1.2',
          'name: x',
          'iterations: 1e400',
          '${X}',
          '${HOME}',
          '\t',
          '\r\n',
          'hardware_plan:',
          'model_ids:',
          'null',
          '~',
          '0x1F',
          '.inf',
          '-.nan',
          '\u0000',
          '\uFEFF',
        ),
        { maxLength: 60 },
      )
      .map((parts) => parts.join(''));
    fc.assert(fc.property(fc.oneof(yamlish, tokens), expectConfigOrPositionedErrors), FUZZ);
  });

  it('a valid config mutated (deleted, duplicated, replaced or inserted characters) never crashes it', () => {
    const mutation = fc.record({
      at: fc.nat({ max: VALID.length }),
      length: fc.nat({ max: 12 }),
      insert: fc.oneof(
        fc.string({ maxLength: 8 }),
        fc.constantFrom('\n', ': ', '- ', '  ', '{', '[', '*', '&', '!', '"', '#', '9'.repeat(400)),
      ),
    });
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 5 }), (mutations) => {
        let text = VALID;
        for (const { at, length, insert } of mutations) {
          const position = Math.min(at, text.length);
          text = text.slice(0, position) + insert + text.slice(position + length);
        }
        expectConfigOrPositionedErrors(text);
      }),
      FUZZ,
    );
  });

  it('an alias bomb and a deep nest are refused with a positioned error, quickly', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 0; i < 8; i += 1)
      bomb.push(
        `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10)
          .fill(`*${String.fromCharCode(97 + i)}`)
          .join(', ')}]`,
      );
    const started = Date.now();
    expectConfigOrPositionedErrors(bomb.join('\n'));
    expectConfigOrPositionedErrors(`${'['.repeat(2_000)}${']'.repeat(2_000)}`);
    expectConfigOrPositionedErrors(`stages:\n${'  - '.repeat(500)}x`);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
