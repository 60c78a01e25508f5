/**
 * The `target` and prompt-calibration parts of a config: their schema nodes (wired into schema.ts) and
 * the rules JSON schema cannot state (which keys each target kind needs or forbids).
 */
import { formatNumber } from './describe.js';
import type { SchemaNode } from './schema.js';
import type { PathSegment } from './source.js';
import type { BenchConfig, TargetConfig } from './types.js';

/** What a `base_url` may look like: http or https, with a host. */
export const BASE_URL_PATTERN = '^https?://[^\\s/?#]+[^\\s]*$';

/** The `target` mapping. Kind-specific requirements are checked in {@link targetProblems}. */
export const targetSchema: SchemaNode = {
  title: 'target',
  description:
    'What the load is aimed at: `exo` (default) brings up an EXO cluster from hardware_plan and model_ids; `openai` uses an already running OpenAI-compatible server (vLLM, llama.cpp, SGLang, Ollama…) at base_url.',
  type: 'object',
  additionalProperties: false,
  properties: {
    kind: {
      description: '`exo`: an EXO cluster orchestrated by exo-bench. `openai`: any OpenAI-compatible server.',
      type: 'string',
      enum: ['exo', 'openai'],
      default: 'exo',
    },
    base_url: {
      description:
        'openai only, required: the server root, http or https (a trailing /v1 is accepted). The action input api-url or the CLI flag --api-url overrides it.',
      type: 'string',
      pattern: BASE_URL_PATTERN,
      examples: ['http://127.0.0.1:8000/v1'],
    },
    model: {
      description: 'openai only, required: the model every request names (`model` of the request body).',
      type: 'string',
      minLength: 1,
      pattern: '\\S',
      examples: ['Qwen/Qwen3-0.6B'],
    },
    api_key_env: {
      description:
        'openai only: name of the environment variable holding the API key, sent as `Authorization: Bearer`; masked in logs, never written to results.',
      type: 'string',
      pattern: '^[A-Za-z_][A-Za-z0-9_]*$',
      examples: ['OPENAI_API_KEY'],
    },
    force_output_length: {
      description:
        'openai only: make the server generate exactly generation_length tokens where it supports it: `ignore_eos` (vLLM) or `min_tokens` (vLLM, SGLang). `none` (default) sends neither.',
      type: 'string',
      enum: ['none', 'ignore_eos', 'min_tokens'],
      default: 'none',
    },
  },
};

/** The top-level switch of prompt calibration. */
export const calibratePromptsSchema: SchemaNode = {
  description:
    'Before each stage, probe the server (a few max_tokens: 1 requests, excluded from the results) to find the prompt text whose usage.prompt_tokens, chat template and nonce included, equals prompt_length.',
  type: 'boolean',
  default: true,
};

/** Keys of `target`, in schema order. */
export const TARGET_KEYS: readonly string[] = Object.keys(targetSchema.properties ?? {});

const OPENAI_ONLY_KEYS = ['base_url', 'model', 'api_key_env'] as const;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Rules between `target` and the rest: an `exo` target needs `hardware_plan` and `model_ids`; an
 * `openai` target needs `base_url` and `model`, takes no `model_ids` and, with `load_from: primary`, at
 * most one node of `hardware_plan` (there is no cluster: one job sends the load; with `all_nodes` its
 * nodes are the runners that share the load, docs/load-from.md). Fields with schema problems
 * (`badPaths`) are not judged again.
 */
export function targetProblems(
  data: Record<string, unknown>,
  badPaths: readonly PathSegment[][],
  describeRequired: (key: string) => string,
): Array<{ path: PathSegment[]; message: string; at: 'key' | 'value' }> {
  const problems: Array<{ path: PathSegment[]; message: string; at: 'key' | 'value' }> = [];
  const ok = (...path: PathSegment[]): boolean =>
    !badPaths.some((bad) => path.every((segment, index) => bad[index] === segment));
  const target = data.target;
  if (target !== undefined && (!isRecord(target) || !ok('target'))) return problems;
  const kind = isRecord(target) && target.kind === 'openai' ? 'openai' : 'exo';
  if (kind === 'exo') {
    for (const key of ['hardware_plan', 'model_ids']) {
      if (data[key] === undefined)
        problems.push({
          path: [],
          message: `missing required key "${key}" (${describeRequired(key)})`,
          at: 'value',
        });
    }
    if (isRecord(target)) {
      for (const key of OPENAI_ONLY_KEYS) {
        if (target[key] !== undefined)
          problems.push({
            path: ['target', key],
            message: `"${key}" is for target kind "openai"; an EXO target takes its URL from --api-url / api-url and its models from model_ids`,
            at: 'key',
          });
      }
      if (target.force_output_length !== undefined && target.force_output_length !== 'none')
        problems.push({
          path: ['target', 'force_output_length'],
          message: `expected "none" for an EXO target, found ${JSON.stringify(target.force_output_length)}; EXO ignores these fields: use endpoint: bench, which generates exactly generation_length tokens`,
          at: 'value',
        });
    }
    return problems;
  }
  const openai = target as Record<string, unknown>;
  for (const key of ['base_url', 'model']) {
    if (openai[key] === undefined)
      problems.push({
        path: ['target'],
        message: `missing required key "${key}" for target kind "openai" (${key === 'base_url' ? 'the server URL, e.g. http://127.0.0.1:8000/v1' : 'the model to request'})`,
        at: 'value',
      });
  }
  if (data.model_ids !== undefined)
    problems.push({
      path: ['model_ids'],
      message: 'model_ids is for EXO targets; with target kind "openai", name the model in target.model',
      at: 'key',
    });
  if (data.endpoint === 'bench' && ok('endpoint'))
    problems.push({
      path: ['endpoint'],
      message:
        'expected "chat" with target kind "openai", found "bench" (EXO\'s own endpoint); use target.force_output_length for exact output lengths',
      at: 'value',
    });
  const plan = data.hardware_plan;
  if (isRecord(plan) && ok('hardware_plan')) {
    const total = Object.values(plan).reduce<number>(
      (sum, count) => sum + (typeof count === 'number' ? count : 0),
      0,
    );
    if (total > 1 && data.load_from !== 'all_nodes')
      problems.push({
        path: ['hardware_plan'],
        message: `expected at most 1 node with target kind "openai" and load_from: primary (one job sends the load; there is no cluster), found ${formatNumber(total)}; with load_from: all_nodes every node of hardware_plan sends its share to the one server`,
        at: 'value',
      });
  }
  return problems;
}

/** The typed target of a checked config. */
export function buildTarget(target: Record<string, unknown> | undefined): TargetConfig {
  if (target?.kind !== 'openai') return { kind: 'exo' };
  return {
    kind: 'openai',
    base_url: String(target.base_url),
    model: String(target.model),
    ...(typeof target.api_key_env === 'string' ? { api_key_env: target.api_key_env } : {}),
    force_output_length:
      target.force_output_length === 'ignore_eos' || target.force_output_length === 'min_tokens'
        ? target.force_output_length
        : 'none',
  };
}

/** The models requests name: EXO's `model_ids`, or the openai target's one model. */
export function targetModels(config: Pick<BenchConfig, 'target' | 'model_ids'>): string[] {
  return config.target.kind === 'openai' ? [config.target.model] : [...config.model_ids];
}
