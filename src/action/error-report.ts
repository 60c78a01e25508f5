/**
 * What the action publishes when a step cannot do its work (bad inputs, a config that does not load,
 * a plan that cannot be made, a node that fails before its run): one summary and one annotation per
 * problem, with hints that fit the error and absolute links to the docs.
 */
import { resolve } from 'node:path';
import { docsUrl, type DocsEnvironment } from '../core/docs.js';
import {
  ConfigError,
  ExoBenchError,
  InputError,
  formatConfigProblem,
  type ConfigProblem,
} from '../core/errors.js';
import type { Ports } from '../core/ports.js';
import type { ErrorSummary } from '../report/error-summary.js';
import type { Provenance } from '../results/document.js';

/** Where the step ran and what it was asked to do, as far as it got. */
export interface ErrorContext {
  mode?: string;
  configFile?: string;
  /** The workspace config paths are relative to (GITHUB_WORKSPACE, else the working directory). */
  workspace: string;
  env: DocsEnvironment;
  provenance?: Provenance;
}

function where(problem: ConfigProblem): string {
  return problem.line > 0 ? `${problem.file}:${problem.line}:${problem.column}` : problem.file;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** The error summary of a step that failed with `error`. */
export function errorSummaryFor(error: unknown, context: ErrorContext): ErrorSummary {
  const withProvenance = context.provenance ? { provenance: context.provenance } : {};
  const readme = { label: 'exo-bench docs', url: docsUrl('README.md', context.env) };
  if (error instanceof ConfigError) {
    const missing = error.problems.find((problem) => problem.code === 'missing_file');
    if (missing) {
      return {
        headline: 'The config file was not found',
        problems: error.problems.map((problem) => ({ where: problem.file, message: problem.message })),
        hints: [
          `config-file is read relative to the workspace ${context.workspace}: this step looked for ${resolve(context.workspace, missing.file)}. ` +
            'Check out the repository before this step (actions/checkout) and check the path and its spelling.',
        ],
        links: [readme],
        ...withProvenance,
      };
    }
    return {
      headline: `The config ${error.problems[0]?.file ?? context.configFile ?? ''} has ${plural(error.problems.length, 'problem')}`,
      problems: error.problems.map((problem) => ({
        where: where(problem),
        message: `${problem.path ? `${problem.path}: ` : ''}${problem.message}`,
      })),
      hints: ['Nothing ran. Fix the config (each problem is also annotated on its line) and run again.'],
      links: [{ label: 'Config reference', url: docsUrl('configs/README.md', context.env) }],
      ...withProvenance,
    };
  }
  if (error instanceof InputError) {
    return {
      headline: `The step's inputs have ${plural(error.problems.length, 'problem')}`,
      problems: error.problems.map((message) => ({ message })),
      hints: error.hint ? [error.hint] : [],
      links: [{ label: 'Inputs', url: docsUrl('action.yml', context.env) }, readme],
      ...withProvenance,
    };
  }
  const mode = context.mode ? `${context.mode} step` : 'step';
  if (error instanceof ExoBenchError) {
    return {
      headline: `The ${mode} failed (${error.kind} error)`,
      problems: [{ message: error.message }],
      hints: error.hint ? [error.hint] : [],
      links: [readme],
      ...withProvenance,
    };
  }
  return {
    headline: `The ${mode} failed with an unexpected error`,
    problems: [{ message: error instanceof Error ? error.message : String(error) }],
    hints: ['This is a bug in exo-bench: please report it with the step log.'],
    links: [readme],
    ...withProvenance,
  };
}

/**
 * One annotation per problem: a config problem at its line (it shows in the PR's file view), any other
 * error once, with its hint and the link that documents it.
 */
export function annotateError(error: unknown, ports: Ports, env: DocsEnvironment): void {
  if (error instanceof ConfigError) {
    for (const problem of error.problems) {
      ports.logger.error(formatConfigProblem(problem), {
        title: 'exo-bench config',
        file: problem.file,
        ...(problem.line > 0 ? { startLine: problem.line, startColumn: problem.column } : {}),
      });
    }
    return;
  }
  if (error instanceof InputError) {
    const list = error.problems.length > 1 ? error.problems.map((p) => `- ${p}`).join('\n') : error.message;
    ports.logger.error(
      `${list}${error.hint ? `\nHint: ${error.hint}` : ''}\nInputs: ${docsUrl('action.yml', env)}`,
      { title: `exo-bench input${error.problems.length > 1 ? 's' : ''}` },
    );
    return;
  }
  if (error instanceof ExoBenchError) {
    ports.logger.error(error.hint ? `${error.message}\nHint: ${error.hint}` : error.message, {
      title: `exo-bench ${error.kind} error`,
    });
    return;
  }
  ports.logger.error(error instanceof Error ? error.message : String(error), { title: 'exo-bench' });
}

/** The one-line reason the step failed, for the log (the annotations already say what is wrong). */
export function failureLine(error: unknown): string {
  if (error instanceof ConfigError)
    return `exo-bench: the config has ${plural(error.problems.length, 'problem')} (see the annotations and the job summary)`;
  if (error instanceof InputError)
    return `exo-bench: the step's inputs have ${plural(error.problems.length, 'problem')} (see the annotation and the job summary)`;
  return `exo-bench: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
}
