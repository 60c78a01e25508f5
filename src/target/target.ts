/**
 * What the load is aimed at: an EXO cluster (orchestrated by exo-bench) or any OpenAI-compatible
 * `/v1/chat/completions` server (vLLM, llama.cpp's server, SGLang, Ollama…) that is already running.
 * This module turns the config's `target` into what requests need: base URL, paths, headers (with the
 * API key, read from the environment and never stored), the models to name and the output-length
 * forcing fields.
 */
import type { BenchConfig, ForceOutputLength, TargetConfig } from '../config/types.js';
import { ExoBenchError, InputError } from '../core/errors.js';

/** The target server did not become usable (not reachable, refused the key, no such model). */
export class TargetError extends ExoBenchError {
  constructor(message: string, hint?: string, options?: { cause?: unknown }) {
    super('cluster', message, hint, options);
    this.name = 'TargetError';
  }
}

/** A target resolved for one run: where requests go and what they carry. */
export interface ResolvedTarget {
  kind: TargetConfig['kind'];
  /** Server root, no trailing slash and no trailing `/v1` (paths add it). */
  baseUrl: string;
  /** Models requests rotate over (EXO: `model_ids`; openai: `[target.model]`). */
  models: string[];
  /** Path of the chat endpoint the load uses, below the base URL's own path. */
  chatPath: string;
  /** Headers of every request (content type; `authorization` when a key is configured). */
  headers: Record<string, string>;
  /** The API key, when one is configured: to be masked in logs, never written anywhere. */
  apiKey: string | undefined;
  forceOutputLength: ForceOutputLength;
}

/**
 * Normalises a server URL: no trailing slash, and a trailing `/v1` removed, because OpenAI clients
 * conventionally take `http://host:8000/v1` while the paths here start with `/v1`.
 */
export function normaliseBaseUrl(url: string): string {
  return url.replace(/\/+$/, '').replace(/\/v1$/, '');
}

/** Reads the API key named by `api_key_env`; an unset or empty variable is an input error. */
export function readApiKey(target: TargetConfig, env: NodeJS.ProcessEnv): string | undefined {
  if (target.kind !== 'openai' || target.api_key_env === undefined) return undefined;
  const value = env[target.api_key_env];
  if (value === undefined || value.trim() === '') {
    throw new InputError(
      `target.api_key_env names ${target.api_key_env}, but that environment variable is ${value === undefined ? 'not set' : 'empty'}`,
      `Export it before the run (in a workflow: env: ${target.api_key_env}: \${{ secrets.${target.api_key_env} }}), or remove api_key_env if the server needs no key.`,
    );
  }
  return value.trim();
}

/**
 * Resolves the config's target against the URL the shell chose (`--api-url` / `api-url`, the config's
 * `base_url`, or EXO's local port) and the environment that holds the API key.
 */
export function resolveTarget(config: BenchConfig, apiUrl: string, env: NodeJS.ProcessEnv): ResolvedTarget {
  const target = config.target;
  const apiKey = readApiKey(target, env);
  const baseUrl = normaliseBaseUrl(apiUrl);
  const basePath = new URL(baseUrl).pathname.replace(/\/+$/, '');
  const endpointPath =
    target.kind === 'exo' && config.endpoint === 'bench' ? '/bench/chat/completions' : '/v1/chat/completions';
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (apiKey !== undefined) headers.authorization = `Bearer ${apiKey}`;
  return {
    kind: target.kind,
    baseUrl,
    models: target.kind === 'openai' ? [target.model] : [...config.model_ids],
    chatPath: `${basePath}${endpointPath}`,
    headers,
    apiKey,
    forceOutputLength: target.kind === 'openai' ? target.force_output_length : 'none',
  };
}

/**
 * The URL a node run talks to: the shell's explicit URL wins; else an openai target's `base_url`;
 * else EXO on this machine at `fallbackUrl`.
 */
export function targetApiUrl(
  config: BenchConfig,
  explicitUrl: string | undefined,
  fallbackUrl: string,
): string {
  if (explicitUrl !== undefined) return explicitUrl;
  if (config.target.kind === 'openai') return config.target.base_url;
  return fallbackUrl;
}

/**
 * Request fields that make a server generate exactly `max_tokens` (where it supports them):
 * vLLM's `ignore_eos`, or `min_tokens` (vLLM, SGLang). Servers that do not know them ignore them.
 */
export function forceOutputFields(
  mode: ForceOutputLength,
  generationLength: number,
): Record<string, unknown> {
  if (mode === 'ignore_eos') return { ignore_eos: true };
  if (mode === 'min_tokens') return { min_tokens: generationLength };
  return {};
}
