/** Loading configs: defaults, aliases, `${VAR}` references, positions, and the file-level failures. */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfigFile, parseConfigText } from '../../src/config/index.js';
import type { LoadedConfig } from '../../src/config/index.js';
import { ConfigError, describeError } from '../../src/core/errors.js';
import type { ConfigProblem } from '../../src/core/errors.js';

const minimal = `hardware_plan:
  M3ULTRA_GPU80_512GB: 1
model_ids:
  - mlx-community/Llama-3.2-1B-Instruct-4bit
stages:
  - name: simple
    prompt_length: 20
    generation_length: 100
    time_between_requests: 1
    iterations: 1
`;

function problemsOf(text: string, variables: Record<string, string | undefined> = {}): ConfigProblem[] {
  try {
    parseConfigText(text, 'c.yaml', variables);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('the config was accepted');
}

describe('parseConfigText: a valid config', () => {
  it('applies every default', () => {
    const loaded: LoadedConfig = parseConfigText(minimal, 'c.yaml', {});
    expect(loaded).toEqual({
      file: 'c.yaml',
      warnings: [],
      config: {
        hardware_plan: { M3ULTRA_GPU80_512GB: 1 },
        environment: {},
        timeout_seconds: 600,
        model_ids: ['mlx-community/Llama-3.2-1B-Instruct-4bit'],
        stages: [
          {
            name: 'simple',
            prompt_length: 20,
            generation_length: 100,
            time_between_requests: 1,
            iterations: 1,
            no_overlap: false,
            arrival: 'constant',
            warmup_requests: 0,
            warmup: false,
          },
        ],
        seed: 0,
        sharding: 'Pipeline',
        instance_meta: 'MlxRing',
        no_overlap: false,
        endpoint: 'chat',
        unique_prompts: true,
        target: { kind: 'exo' },
        calibrate_prompts: true,
        request_timeout_seconds: 600,
        stream_idle_timeout_seconds: 60,
        max_dispatch_lag_p99_ms: 5,
        snapshot_interval_seconds: 2,
      },
    });
  });

  it('keeps every explicit value, hardware labels in file order and repeated model ids', () => {
    const text = `hardware_plan:
  M4PRO_GPU16_24GB: 2
  M3ULTRA_GPU80_512GB: 1
environment:
  OVERRIDE_MEMORY_MB: 512
  RATIO: 0.5
  VERBOSE: true
  NAME: exo
timeout_seconds: 900
model_ids: [a/b, a/b]
sharding: Tensor
instance_meta: MlxJaccl
no_overlap: true
endpoint: bench
unique_prompts: false
request_timeout_seconds: 30
stream_idle_timeout_seconds: 10
max_dispatch_lag_p99_ms: 2.5
snapshot_interval_seconds: 0.5
stages:
  - {name: a, prompt_length: 1, generation_length: 1, time_between_requests: 0, iterations: 3, warmup_requests: 2}
  - {name: b, prompt_length: 1, generation_length: 1, time_between_requests: 0, iterations: 1, no_overlap: false}
`;
    const { config } = parseConfigText(text, 'c.yaml', {});
    expect(Object.keys(config.hardware_plan)).toEqual(['M4PRO_GPU16_24GB', 'M3ULTRA_GPU80_512GB']);
    expect(config.environment).toEqual({
      OVERRIDE_MEMORY_MB: '512',
      RATIO: '0.5',
      VERBOSE: 'true',
      NAME: 'exo',
    });
    expect(config.model_ids).toEqual(['a/b', 'a/b']);
    expect(config).toMatchObject({
      timeout_seconds: 900,
      sharding: 'Tensor',
      instance_meta: 'MlxJaccl',
      no_overlap: true,
      endpoint: 'bench',
      unique_prompts: false,
      request_timeout_seconds: 30,
      stream_idle_timeout_seconds: 10,
      max_dispatch_lag_p99_ms: 2.5,
      snapshot_interval_seconds: 0.5,
    });
    // A stage inherits no_overlap unless it says otherwise.
    expect(config.stages.map((stage) => [stage.name, stage.no_overlap, stage.warmup_requests])).toEqual([
      ['a', true, 2],
      ['b', false, 0],
    ]);
  });

  it('accepts the limits themselves', () => {
    const text = minimal
      .replace('prompt_length: 20', 'prompt_length: 10000000')
      .replace('generation_length: 100', 'generation_length: 10000000')
      .replace('iterations: 1\n', 'iterations: 30\n')
      .replace('time_between_requests: 1', 'time_between_requests: 86400');
    const { config } = parseConfigText(`${text}timeout_seconds: 604800\n`, 'c.yaml', {});
    expect(config.stages[0]?.iterations).toBe(30);
    expect(config.timeout_seconds).toBe(604_800);
  });

  it('supports anchors and merge keys for shared stage fields', () => {
    const text = `hardware_plan: {a: 1}
model_ids: [m]
defaults: &defaults {prompt_length: 20, generation_length: 100, time_between_requests: 1}
`;
    // `defaults` is not a config key: sharing works through an anchor on the first stage instead.
    expect(problemsOf(`${text}stages: []\n`).map((problem) => problem.path)).toEqual(['defaults', 'stages']);
    const shared = `hardware_plan: {a: 1}
model_ids: [m]
stages:
  - &first {name: one, prompt_length: 20, generation_length: 100, time_between_requests: 1, iterations: 2}
  - <<: *first
    name: two
`;
    const { config } = parseConfigText(shared, 'c.yaml', {});
    expect(config.stages.map((stage) => [stage.name, stage.prompt_length, stage.iterations])).toEqual([
      ['one', 20, 2],
      ['two', 20, 2],
    ]);
  });
});

describe('the MlxIbv alias', () => {
  it('is read as MlxJaccl with a positioned warning', () => {
    const loaded = parseConfigText(`${minimal}instance_meta: MlxIbv\n`, 'c.yaml', {});
    expect(loaded.config.instance_meta).toBe('MlxJaccl');
    expect(loaded.warnings).toEqual([
      {
        file: 'c.yaml',
        line: 11,
        column: 16,
        path: 'instance_meta',
        message: '"MlxIbv" is the old name of "MlxJaccl"; it still works, but write "MlxJaccl"',
      },
    ]);
  });

  it('is not offered in messages about invalid values', () => {
    expect(problemsOf(`${minimal}instance_meta: mlxibv\n`).map((problem) => problem.message)).toEqual([
      'expected "MlxRing" or "MlxJaccl", found "mlxibv"',
    ]);
  });
});

describe('YAML warnings', () => {
  it('are passed on, positioned, without refusing the config', () => {
    const loaded = parseConfigText(minimal.replace('name: simple', 'name: !custom simple'), 'c.yaml', {});
    expect(loaded.config.stages[0]?.name).toBe('simple');
    expect(loaded.warnings).toEqual([
      {
        file: 'c.yaml',
        line: 6,
        column: 11,
        path: 'stages[0].name',
        message: 'YAML: Unresolved tag: !custom',
      },
    ]);
  });
});

describe('${VAR} references', () => {
  const withReferences = `hardware_plan:
  M3ULTRA_GPU80_512GB: 1
environment:
  TOKEN: "\${HF_TOKEN}"
  PRICE: "costs $\${AMOUNT}"
  EMPTY: "[\${BLANK}]"
model_ids:
  - "\${ORG}/\${MODEL}"
stages:
  - name: "run-\${RUN}"
    prompt_length: 20
    generation_length: 100
    time_between_requests: 1
    iterations: 1
`;
  const variables = { HF_TOKEN: 'hf_x', BLANK: '', ORG: 'mlx-community', MODEL: 'Llama', RUN: '7' };

  it('replaces references in every string value; $${ stays a literal ${', () => {
    const { config } = parseConfigText(withReferences, 'c.yaml', variables);
    expect(config.environment).toEqual({ TOKEN: 'hf_x', PRICE: 'costs ${AMOUNT}', EMPTY: '[]' });
    expect(config.model_ids).toEqual(['mlx-community/Llama']);
    expect(config.stages[0]?.name).toBe('run-7');
  });

  it('does not expand the text a variable brings in', () => {
    const { config } = parseConfigText(withReferences, 'c.yaml', { ...variables, MODEL: '${HF_TOKEN}' });
    expect(config.model_ids).toEqual(['mlx-community/${HF_TOKEN}']);
  });

  it('names every unset variable where it is used', () => {
    expect(problemsOf(withReferences, { BLANK: '', RUN: '1' })).toEqual([
      {
        file: 'c.yaml',
        line: 4,
        column: 10,
        path: 'environment.TOKEN',
        message: 'environment variable HF_TOKEN is not set (referenced as "${HF_TOKEN}")',
      },
      {
        file: 'c.yaml',
        line: 8,
        column: 5,
        path: 'model_ids[0]',
        message: 'environment variable ORG is not set (referenced as "${ORG}")',
      },
      {
        file: 'c.yaml',
        line: 8,
        column: 5,
        path: 'model_ids[0]',
        message: 'environment variable MODEL is not set (referenced as "${MODEL}")',
      },
    ]);
  });

  it('uses process.env when no variables are given', () => {
    process.env.EXO_BENCH_TEST_MODEL = 'from-process-env';
    try {
      const { config } = parseConfigText(
        minimal.replace(/- mlx-community.*/, '- ${EXO_BENCH_TEST_MODEL}'),
        'c.yaml',
      );
      expect(config.model_ids).toEqual(['from-process-env']);
    } finally {
      delete process.env.EXO_BENCH_TEST_MODEL;
    }
  });
});

describe('positions', () => {
  it('point at the value, the key of an unknown key, and the stage of a missing key', () => {
    const text = `hardware_plan:
  M3ULTRA_GPU80_512GB: 1
model_ids: [m]
stages:
  - name: a
    prompt_length: 20
    generation_length: 100
    iterations:   0
    time_between_requsts: 1
`;
    expect(problemsOf(text)).toEqual([
      {
        file: 'c.yaml',
        line: 5,
        column: 5,
        path: 'stages[0]',
        message:
          'missing required key "time_between_requests" (a number ≥ 0); required unless the stage sets concurrency',
      },
      {
        file: 'c.yaml',
        line: 8,
        column: 19,
        path: 'stages[0].iterations',
        message: 'expected an integer ≥ 1, found 0',
      },
      {
        file: 'c.yaml',
        line: 9,
        column: 5,
        path: 'stages[0].time_between_requsts',
        message: 'unknown key; did you mean "time_between_requests"?',
      },
    ]);
  });

  it('count columns in characters on lines after multi-byte text', () => {
    const text = minimal
      .replace('name: simple', 'name: "ünïcødé"')
      .replace('iterations: 1', 'iterations: -1');
    expect(problemsOf(text).map(({ line, column }) => [line, column])).toEqual([[10, 17]]);
  });

  it('are 0 for problems about the whole file', () => {
    expect(problemsOf('   \n')).toEqual([
      {
        file: 'c.yaml',
        line: 0,
        column: 0,
        path: '',
        message: 'the file is empty; expected a mapping with at least hardware_plan, model_ids and stages',
      },
    ]);
  });
});

describe('loadConfigFile', () => {
  let directory: string;
  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'exo-bench-config-'));
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  async function loadError(path: string): Promise<ConfigError> {
    try {
      await loadConfigFile(path, {});
    } catch (error) {
      if (error instanceof ConfigError) return error;
      throw error;
    }
    throw new Error(`${path} was accepted`);
  }

  it('loads a file and reports it under the path as given', async () => {
    const path = join(directory, 'ok.yaml');
    writeFileSync(path, minimal);
    const loaded = await loadConfigFile(path, {});
    expect(loaded.file).toBe(path);
    expect(loaded.config.stages[0]?.name).toBe('simple');
  });

  it('names a missing file, the absolute path it tried and the directory it is relative to', async () => {
    const path = join(directory, 'nope.yaml');
    const error = await loadError(path);
    expect(error.message).toBe(
      `${path}: no such file: looked for ${path} (the path is relative to the working directory ${process.cwd()})`,
    );
    expect(error.problems[0]?.code).toBe('missing_file');
    expect(error.hint).toMatch(/relative to the working directory/);
  });

  it('suggests a YAML file of a close name beside a missing one', async () => {
    writeFileSync(join(directory, 'bench-simple.yml'), minimal);
    const error = await loadError(join(directory, 'bench_simple.yaml'));
    expect(error.message).toMatch(new RegExp(`; did you mean ${join(directory, 'bench-simple.yml')}\\?$`));
  });

  it('refuses a directory', async () => {
    const path = join(directory, 'configs');
    mkdirSync(path);
    expect((await loadError(path)).message).toBe(`${path}: is a directory; expected a YAML config file`);
  });

  it('refuses a file too large to be a config', async () => {
    const path = join(directory, 'huge.yaml');
    writeFileSync(path, `# ${'x'.repeat(2 * 1024 * 1024)}\n`);
    expect((await loadError(path)).message).toBe(
      `${path}: expected a config of at most 1 MiB, found 2,097,155 bytes; is this the right file?`,
    );
  });

  it('reports problems with the file path, and describeError adds the hint without a stack', async () => {
    const path = join(directory, 'bad.yaml');
    writeFileSync(path, minimal.replace('iterations: 1', 'iterations: ten'));
    const error = await loadError(path);
    expect(describeError(error)).toBe(
      `${path}:10:17: stages[0].iterations: expected an integer ≥ 1, found "ten" (a string)\n` +
        'Hint: Fix the config file; https://github.com/exo/bench-action/blob/v1/configs/README.md documents every field.',
    );
  });
});

describe('hostile YAML', () => {
  it('refuses an alias bomb instead of expanding it', () => {
    const bomb = [
      'a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]',
      ...Array.from({ length: 8 }, (_, level) => {
        const previous = String.fromCharCode(97 + level);
        const current = String.fromCharCode(98 + level);
        return `${current}: &${current} [${Array(10).fill(`*${previous}`).join(', ')}]`;
      }),
    ].join('\n');
    const problems = problemsOf(`${bomb}\n`);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toMatch(/^invalid YAML: .*alias/i);
  });

  it('reports every problem at once, in file order', () => {
    const text = `stages: 3
hardware_plan: {}
model_ids: [""]
bogus: 1
`;
    expect(problemsOf(text).map((problem) => `${problem.line}:${problem.column} ${problem.path}`)).toEqual([
      '1:9 stages',
      '2:16 hardware_plan',
      '3:13 model_ids[0]',
      '4:1 bogus',
    ]);
  });
});

describe('warm-up stages', () => {
  const stage = (extra: string): string =>
    `  - {name: s${extra.length}, prompt_length: 8, generation_length: 8, time_between_requests: 1, iterations: 2${extra}}\n`;
  const config = (stages: string): string => `hardware_plan: {a: 1}\nmodel_ids: [m]\nstages:\n${stages}`;

  it('marks a whole stage as warm-up (default false)', () => {
    const { config: loaded } = parseConfigText(config(stage(', warmup: true') + stage('')), 'c.yaml', {});
    expect(loaded.stages.map((s) => s.warmup)).toEqual([true, false]);
  });

  it('refuses thresholds on a warm-up stage, and a config of warm-up stages only', () => {
    expect(() =>
      parseConfigText(
        config(stage(', warmup: true, thresholds: ["ttft_p95_ms <= 1"]') + stage('')),
        'c.yaml',
        {},
      ),
    ).toThrow(/stages\[0\]\.thresholds: a warm-up stage \(warmup: true\) is not judged/);
    expect(() => parseConfigText(config(stage(', warmup: true')), 'c.yaml', {})).toThrow(
      /stages: every stage is a warm-up stage/,
    );
  });
});
