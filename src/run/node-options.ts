/**
 * Defaults and flag parsing shared by the action and the CLI, so both shells derive a node's options
 * the same way from a config.
 */
import { randomBytes } from 'node:crypto';
import type { BenchConfig } from '../config/types.js';
import { InputError } from '../core/errors.js';

/** What a node run takes from the config unless told otherwise. */
export interface NodeDefaults {
  /** The hardware_plan total. */
  expectedNodes: number;
  timeoutSeconds: number;
  /** A short random ID for nonces and metadata (the action uses GitHub's run id instead). */
  runId: string;
}

/** Derives a node's defaults from a config. */
export function nodeDefaults(config: BenchConfig): NodeDefaults {
  return {
    expectedNodes: Object.values(config.hardware_plan).reduce((sum, count) => sum + count, 0),
    timeoutSeconds: config.timeout_seconds,
    runId: randomBytes(4).toString('hex'),
  };
}

/** Parses a whole number ≥ 1, naming the flag or input in the error. */
export function parsePositiveInteger(name: string, value: string): number {
  const trimmed = value.trim();
  if (!/^\d+$/.test(trimmed) || Number(trimmed) < 1 || !Number.isSafeInteger(Number(trimmed))) {
    throw new InputError(`${name} must be a whole number ≥ 1, got "${value}"`);
  }
  return Number(trimmed);
}

/** Parses a whole number ≥ 0 (a node index), naming the flag or input in the error. */
export function parseNonNegativeInteger(name: string, value: string): number {
  const trimmed = value.trim();
  if (!/^\d+$/.test(trimmed) || !Number.isSafeInteger(Number(trimmed))) {
    throw new InputError(`${name} must be a whole number ≥ 0, got "${value}"`);
  }
  return Number(trimmed);
}

/**
 * Parses a schedule start (`schedule-start-ms`, `--schedule-start-ms`): epoch milliseconds, a whole
 * number as the plan printed it (`start_at_ms`). Seconds are refused by size (before 2001 as ms).
 */
export function parseScheduleStartMs(name: string, value: string): number {
  const startMs = parsePositiveInteger(name, value);
  if (startMs < 1e12)
    throw new InputError(
      `${name} must be epoch milliseconds (the plan's start_at_ms, 13 digits), got "${value}"`,
      'Pass the start_at_ms of the plan (mode: plan, exo-bench plan) unchanged.',
    );
  return startMs;
}

/** Parses true/false the way YAML 1.2 and @actions/core do (true|True|TRUE|false|False|FALSE). */
export function parseBooleanFlag(name: string, value: string): boolean {
  const trimmed = value.trim();
  if (['true', 'True', 'TRUE'].includes(trimmed)) return true;
  if (['false', 'False', 'FALSE'].includes(trimmed)) return false;
  throw new InputError(`${name} must be true or false, got "${value}"`);
}

/**
 * Accepts only http(s) URLs: the API URL is where requests (and nothing else) go, so `file:`, `data:`
 * or a typo must not reach undici. Returns the URL without a trailing slash. `name` is the flag or
 * input, for the message (`--api-url`, `input api-url`).
 */
export function validateApiUrl(name: string, value: string): string {
  const typed = value.trim();
  // `localhost:52415` parses as a URL of scheme `localhost:`: say what was typed, and what was meant.
  const withScheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(typed) ? undefined : `http://${typed}`;
  const hint = `Use e.g. ${withScheme && URL.canParse(withScheme) ? withScheme : 'http://127.0.0.1:52415'}`;
  let url: URL;
  try {
    url = new URL(typed);
  } catch {
    throw new InputError(`${name} is not a URL: got "${value}"`, hint);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InputError(`${name} must be an http:// or https:// URL, got "${value}"`, hint);
  }
  return url.toString().replace(/\/+$/, '');
}
