/**
 * Typed errors. Every error the user can see names what went wrong and carries a hint they can act on.
 * Shells (action, CLI) map `kind` to exit codes and annotations; nothing else inspects messages.
 */
import { CONFIG_DOCS_URL } from './docs.js';

/** The families of failure a user must be able to tell apart. */
export type ErrorKind = 'config' | 'input' | 'cluster' | 'stream' | 'threshold' | 'cancelled' | 'internal';

/** Base class of every error exo-bench raises on purpose. */
export class ExoBenchError extends Error {
  readonly kind: ErrorKind;
  /** What the user can do about it; printed after the message. */
  readonly hint: string | undefined;

  constructor(kind: ErrorKind, message: string, hint?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ExoBenchError';
    this.kind = kind;
    this.hint = hint;
  }
}

/** One problem found in a config file, positioned for annotations and `file:line:col` messages. */
export interface ConfigProblem {
  file: string;
  /** 1-based; 0 when the problem has no position (missing file, empty file). */
  line: number;
  /** 1-based; 0 when the problem has no position. */
  column: number;
  /** Path in the config, e.g. `stages[2].iterations`; empty for the whole document. */
  path: string;
  message: string;
  /** `missing_file`: the file itself was not found (the hint is about paths, not fields). */
  code?: 'missing_file';
}

/** Formats a problem as one line: `file:line:col: path: message`. */
export function formatConfigProblem(problem: ConfigProblem): string {
  const where = problem.line > 0 ? `${problem.file}:${problem.line}:${problem.column}` : problem.file;
  const path = problem.path ? `${problem.path}: ` : '';
  return `${where}: ${path}${problem.message}`;
}

/** A config that cannot be used; holds every problem found, not just the first. */
export class ConfigError extends ExoBenchError {
  readonly problems: ConfigProblem[];

  constructor(problems: ConfigProblem[], hint?: string) {
    super(
      'config',
      problems.map(formatConfigProblem).join('\n'),
      hint ??
        (problems.some((problem) => problem.code === 'missing_file')
          ? 'The config path is relative to the working directory (in a workflow: the workspace, after actions/checkout).'
          : `Fix the config file; ${CONFIG_DOCS_URL} documents every field.`),
    );
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** Bad action inputs or command-line flags; `problems` holds each bad input on its own (one or more). */
export class InputError extends ExoBenchError {
  readonly problems: string[];

  constructor(message: string, hint?: string, problems?: string[]) {
    super('input', message, hint);
    this.name = 'InputError';
    this.problems = problems ?? [message];
  }
}

/** The cluster did not become what the config asks for (nodes, placement, runners, cleanup). */
export class ClusterError extends ExoBenchError {
  constructor(message: string, hint?: string, options?: { cause?: unknown }) {
    super('cluster', message, hint, options);
    this.name = 'ClusterError';
  }
}

/** The run was cancelled (SIGINT/SIGTERM or an outer deadline). */
export class CancelledError extends ExoBenchError {
  constructor(message = 'cancelled') {
    super('cancelled', message);
    this.name = 'CancelledError';
  }
}

/** Renders any thrown value as one readable message with its hint, never a stack trace. */
export function describeError(error: unknown): string {
  if (error instanceof ExoBenchError) {
    return error.hint ? `${error.message}\nHint: ${error.hint}` : error.message;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}
