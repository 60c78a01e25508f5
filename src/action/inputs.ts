/**
 * The action's inputs, read once from the runner into one typed object. Behaviour modules never call
 * core.getInput; they receive an ActionInputs.
 */
import * as core from '@actions/core';
import { closestMatch } from '../config/describe.js';
import { InputError } from '../core/errors.js';
import {
  parseBooleanFlag,
  parseNonNegativeInteger,
  parsePositiveInteger,
  parseScheduleStartMs,
  validateApiUrl,
} from '../run/node-options.js';
import { Inputs } from './constants.js';

/** What the action does in this step. */
export type ActionMode = 'plan' | 'provision' | 'node' | 'merge';

/** Every input, parsed and validated. */
export interface ActionInputs {
  mode: ActionMode;
  configFile: string;
  isPrimary: boolean;
  apiUrl: string | undefined;
  apiPort: number;
  expectedNodes: number | undefined;
  timeoutSeconds: number | undefined;
  hardwareLabel: string | undefined;
  nodeIndex: number;
  exoCommand: string | undefined;
  simulate: boolean;
  outputDir: string | undefined;
  uploadArtifact: boolean;
  artifactName: string | undefined;
  githubToken: string | undefined;
  runnerScope: 'repo' | 'org';
  waitForRunnersSeconds: number;
  /** Undefined = the default: required when a token is given. */
  requireRunners: boolean | undefined;
  /** A results.json path, `run:<id>` or `latest` (src/verdict/baseline.ts). */
  baseline: string | undefined;
  /** Fail the step on a failed threshold or a regression (after publishing). */
  failOnThreshold: boolean;
  /** Post (or update) the PR comment on pull_request events. */
  commentOnPr: boolean;
  /** Writable models dir kept between runs (EXO_DEFAULT_MODELS_DIR); undefined = the default. */
  modelsDir: string | undefined;
  /** Pre-staged read-only models dirs, colon-separated (EXO_MODELS_READ_ONLY_DIRS). */
  readOnlyModelsDirs: string | undefined;
  /** merge mode: which artifacts of this run are node results (`*` matches any text); undefined = the default. */
  nodeArtifacts: string | undefined;
  /** node mode, load_from: all_nodes with an openai target: the plan's first stage start, epoch ms. */
  scheduleStartMs: number | undefined;
}

function optional(name: string): string | undefined {
  const value = core.getInput(name);
  return value === '' ? undefined : value;
}

/**
 * Collects every bad input instead of stopping at the first: a step with `mode: bogus` and
 * `node-index: first` hears about both at once.
 */
class InputProblems {
  readonly messages: string[] = [];
  readonly hints: string[] = [];

  /** The parsed value, or `fallback` after recording why it could not be parsed. */
  take<T>(parse: () => T, fallback: T): T {
    try {
      return parse();
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      this.messages.push(error.message);
      if (error.hint) this.hints.push(error.hint);
      return fallback;
    }
  }

  throwIfAny(): void {
    if (this.messages.length === 0) return;
    const hints = [...new Set(this.hints)];
    throw new InputError(this.messages.join('\n'), hints.length ? hints.join(' ') : undefined, this.messages);
  }
}

function booleanInput(problems: InputProblems, name: string, fallback: boolean): boolean {
  const value = optional(name);
  return value === undefined
    ? fallback
    : problems.take(() => parseBooleanFlag(`input ${name}`, value), fallback);
}

function nonNegativeInteger(name: string, value: string): number {
  return parseNonNegativeInteger(`input ${name}`, value);
}

function oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
  const value = optional(name) ?? fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  const suggestion = closestMatch(value, allowed);
  throw new InputError(
    `input ${name} must be ${allowed.slice(0, -1).join(', ')} or ${allowed.at(-1) ?? ''}, got "${value}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`,
  );
}

/** Reads and validates every input; throws one InputError naming every input at fault. */
export function readInputs(): ActionInputs {
  const problems = new InputProblems();
  const mode = problems.take(
    () => oneOf<ActionMode>(Inputs.Mode, ['plan', 'provision', 'node', 'merge'], 'node'),
    'node',
  );
  const runnerScope = problems.take(
    () => oneOf<'repo' | 'org'>(Inputs.RunnerScope, ['repo', 'org'], 'repo'),
    'repo',
  );
  const apiPort = problems.take(() => {
    const port = parsePositiveInteger(`input ${Inputs.ApiPort}`, optional(Inputs.ApiPort) ?? '52415');
    if (port > 65535) throw new InputError(`input api-port must be a TCP port (1-65535), got ${port}`);
    return port;
  }, 52415);
  const expectedNodes = optional(Inputs.ExpectedNodes);
  const timeoutSeconds = optional(Inputs.TimeoutSeconds);
  const nodeIndex = optional(Inputs.NodeIndex);
  const githubToken = optional(Inputs.GithubToken);
  if (githubToken) core.setSecret(githubToken);
  const requireRunners = optional(Inputs.RequireRunners);
  const apiUrl = optional(Inputs.ApiUrl);
  const scheduleStartMs = optional(Inputs.ScheduleStartMs);
  const inputs: ActionInputs = {
    mode,
    configFile: optional(Inputs.ConfigFile) ?? '.github/configs/bench_simple.yaml',
    isPrimary: booleanInput(problems, Inputs.IsPrimary, true),
    apiUrl:
      apiUrl === undefined
        ? undefined
        : problems.take(() => validateApiUrl(`input ${Inputs.ApiUrl}`, apiUrl), undefined),
    apiPort,
    expectedNodes:
      expectedNodes === undefined
        ? undefined
        : problems.take(
            () => parsePositiveInteger(`input ${Inputs.ExpectedNodes}`, expectedNodes),
            undefined,
          ),
    timeoutSeconds:
      timeoutSeconds === undefined
        ? undefined
        : problems.take(
            () => parsePositiveInteger(`input ${Inputs.TimeoutSeconds}`, timeoutSeconds),
            undefined,
          ),
    hardwareLabel: optional(Inputs.HardwareLabel),
    nodeIndex:
      nodeIndex === undefined ? 0 : problems.take(() => nonNegativeInteger(Inputs.NodeIndex, nodeIndex), 0),
    exoCommand: optional(Inputs.ExoCommand),
    simulate: booleanInput(problems, Inputs.Simulate, false),
    outputDir: optional(Inputs.OutputDir),
    uploadArtifact: booleanInput(problems, Inputs.UploadArtifact, true),
    artifactName: optional(Inputs.ArtifactName),
    githubToken,
    runnerScope,
    waitForRunnersSeconds: problems.take(
      () => nonNegativeInteger(Inputs.WaitForRunners, optional(Inputs.WaitForRunners) ?? '0'),
      0,
    ),
    requireRunners:
      requireRunners === undefined
        ? undefined
        : problems.take(() => parseBooleanFlag(`input ${Inputs.RequireRunners}`, requireRunners), undefined),
    baseline: optional(Inputs.Baseline)?.trim(),
    failOnThreshold: booleanInput(problems, Inputs.FailOnThreshold, true),
    commentOnPr: booleanInput(problems, Inputs.CommentOnPr, false),
    modelsDir: optional(Inputs.ModelsDir),
    readOnlyModelsDirs: optional(Inputs.ModelsReadOnlyDirs),
    nodeArtifacts: optional(Inputs.NodeArtifacts)?.trim(),
    scheduleStartMs:
      scheduleStartMs === undefined
        ? undefined
        : problems.take(
            () => parseScheduleStartMs(`input ${Inputs.ScheduleStartMs}`, scheduleStartMs),
            undefined,
          ),
  };
  problems.throwIfAny();
  return inputs;
}
