/** The `target` and `calibrate_prompts` keys: what each target kind needs, forbids and defaults to. */
import { parseConfigText } from '../../src/config/index.js';
import { ConfigError } from '../../src/core/errors.js';

const STAGES = `stages:
  - name: s
    prompt_length: 64
    generation_length: 16
    time_between_requests: 1
    iterations: 2
`;

function problems(text: string): string[] {
  try {
    parseConfigText(text, 'c.yaml', {});
  } catch (error) {
    if (error instanceof ConfigError)
      return error.problems.map((p) => `${p.line}:${p.column}: ${p.path ? `${p.path}: ` : ''}${p.message}`);
    throw error;
  }
  return [];
}

describe('target kind openai', () => {
  it('needs no hardware_plan nor model_ids; its model stands in model_ids', () => {
    const { config } = parseConfigText(
      `target:\n  kind: openai\n  base_url: http://127.0.0.1:8000/v1\n  model: Qwen/Qwen3-0.6B\n  api_key_env: OPENAI_API_KEY\n${STAGES}`,
      'c.yaml',
      {},
    );
    expect(config.target).toEqual({
      kind: 'openai',
      base_url: 'http://127.0.0.1:8000/v1',
      model: 'Qwen/Qwen3-0.6B',
      api_key_env: 'OPENAI_API_KEY',
      force_output_length: 'none',
    });
    expect(config.model_ids).toEqual(['Qwen/Qwen3-0.6B']);
    expect(config.hardware_plan).toEqual({});
    expect(config.calibrate_prompts).toBe(true);
  });

  it('requires base_url and model, naming them', () => {
    expect(problems(`target:\n  kind: openai\n${STAGES}`)).toEqual([
      '2:3: target: missing required key "base_url" for target kind "openai" (the server URL, e.g. http://127.0.0.1:8000/v1)',
      '2:3: target: missing required key "model" for target kind "openai" (the model to request)',
    ]);
  });

  it('takes only http and https URLs', () => {
    expect(problems(`target:\n  kind: openai\n  base_url: ftp://host\n  model: m\n${STAGES}`)[0]).toMatch(
      /target\.base_url: expected an http:\/\/ or https:\/\/ URL, found "ftp:\/\/host"/,
    );
  });

  it('refuses model_ids, the bench endpoint and a plan of several nodes', () => {
    expect(
      problems(
        `hardware_plan:\n  A: 2\nmodel_ids: [x]\nendpoint: bench\ntarget:\n  kind: openai\n  base_url: http://h\n  model: m\n${STAGES}`,
      ),
    ).toEqual([
      '2:3: hardware_plan: expected at most 1 node with target kind "openai" and load_from: primary (one job sends the load; there is no cluster), found 2; with load_from: all_nodes every node of hardware_plan sends its share to the one server',
      '3:1: model_ids: model_ids is for EXO targets; with target kind "openai", name the model in target.model',
      '4:11: endpoint: expected "chat" with target kind "openai", found "bench" (EXO\'s own endpoint); use target.force_output_length for exact output lengths',
    ]);
  });

  it('accepts force_output_length ignore_eos and min_tokens, and suggests near misses', () => {
    const { config } = parseConfigText(
      `target:\n  kind: openai\n  base_url: https://h/v1\n  model: m\n  force_output_length: min_tokens\n${STAGES}`,
      'c.yaml',
      {},
    );
    expect(config.target).toMatchObject({ force_output_length: 'min_tokens' });
    expect(
      problems(
        `target:\n  kind: openai\n  base_url: https://h\n  model: m\n  force_output_lenght: min_tokens\n${STAGES}`,
      ),
    ).toEqual(['5:3: target.force_output_lenght: unknown key; did you mean "force_output_length"?']);
  });
});

describe('target kind exo (the default)', () => {
  it('still requires hardware_plan and model_ids', () => {
    expect(problems(STAGES)).toEqual([
      '1:1: missing required key "hardware_plan" (a mapping with at least one runner label)',
      '1:1: missing required key "model_ids" (a non-empty list of model ids)',
    ]);
  });

  it('refuses the openai-only keys', () => {
    expect(
      problems(
        `hardware_plan:\n  A: 1\nmodel_ids: [x]\ntarget:\n  base_url: http://h\n  force_output_length: ignore_eos\n${STAGES}`,
      ),
    ).toEqual([
      '5:3: target.base_url: "base_url" is for target kind "openai"; an EXO target takes its URL from --api-url / api-url and its models from model_ids',
      '6:24: target.force_output_length: expected "none" for an EXO target, found "ignore_eos"; EXO ignores these fields: use endpoint: bench, which generates exactly generation_length tokens',
    ]);
  });

  it('turns calibration off on request', () => {
    const { config } = parseConfigText(
      `hardware_plan:\n  A: 1\nmodel_ids: [x]\ncalibrate_prompts: false\n${STAGES}`,
      'c.yaml',
      {},
    );
    expect(config.calibrate_prompts).toBe(false);
    expect(config.target).toEqual({ kind: 'exo' });
  });
});
