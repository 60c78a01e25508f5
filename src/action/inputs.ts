/**
 * The action's inputs, read once from the runner into one typed object. Behaviour modules never call
 * core.getInput; they receive an ActionInputs.
 */
import * as core from '@actions/core';
import { InputError } from '../errors.js';
import {
  parseBooleanFlag,
  parseNonNegativeInteger,
  parsePositiveInteger,
  validateApiUrl,
} from '../node-options.js';
import { Inputs } from './constants.js';

/** What the action does in this step. */
export type ActionMode = 'plan' | 'provision' | 'node';

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
}

function optional(name: string): string | undefined {
  const value = core.getInput(name);
  return value === '' ? undefined : value;
}

function booleanInput(name: string, fallback: boolean): boolean {
  const value = optional(name);
  return value === undefined ? fallback : parseBooleanFlag(`input ${name}`, value);
}

function nonNegativeInteger(name: string, value: string): number {
  return parseNonNegativeInteger(`input ${name}`, value);
}

/** Reads and validates every input; throws InputError naming the input at fault. */
export function readInputs(): ActionInputs {
  const mode = optional(Inputs.Mode) ?? 'node';
  if (mode !== 'plan' && mode !== 'provision' && mode !== 'node') {
    throw new InputError(`input mode must be plan, provision or node, got "${mode}"`);
  }
  const runnerScope = optional(Inputs.RunnerScope) ?? 'repo';
  if (runnerScope !== 'repo' && runnerScope !== 'org') {
    throw new InputError(`input runner-scope must be repo or org, got "${runnerScope}"`);
  }
  const apiPort = parsePositiveInteger(`input ${Inputs.ApiPort}`, optional(Inputs.ApiPort) ?? '52415');
  if (apiPort > 65535) throw new InputError(`input api-port must be a TCP port (1-65535), got ${apiPort}`);
  const expectedNodes = optional(Inputs.ExpectedNodes);
  const timeoutSeconds = optional(Inputs.TimeoutSeconds);
  const nodeIndex = optional(Inputs.NodeIndex);
  const githubToken = optional(Inputs.GithubToken);
  if (githubToken) core.setSecret(githubToken);
  const requireRunners = optional(Inputs.RequireRunners);
  const apiUrl = optional(Inputs.ApiUrl);
  return {
    mode,
    configFile: optional(Inputs.ConfigFile) ?? '.github/configs/bench_simple.yaml',
    isPrimary: booleanInput(Inputs.IsPrimary, true),
    apiUrl: apiUrl === undefined ? undefined : validateApiUrl(`input ${Inputs.ApiUrl}`, apiUrl),
    apiPort,
    expectedNodes:
      expectedNodes === undefined
        ? undefined
        : parsePositiveInteger(`input ${Inputs.ExpectedNodes}`, expectedNodes),
    timeoutSeconds:
      timeoutSeconds === undefined
        ? undefined
        : parsePositiveInteger(`input ${Inputs.TimeoutSeconds}`, timeoutSeconds),
    hardwareLabel: optional(Inputs.HardwareLabel),
    nodeIndex: nodeIndex === undefined ? 0 : nonNegativeInteger(Inputs.NodeIndex, nodeIndex),
    exoCommand: optional(Inputs.ExoCommand),
    simulate: booleanInput(Inputs.Simulate, false),
    outputDir: optional(Inputs.OutputDir),
    uploadArtifact: booleanInput(Inputs.UploadArtifact, true),
    artifactName: optional(Inputs.ArtifactName),
    githubToken,
    runnerScope,
    waitForRunnersSeconds: nonNegativeInteger(Inputs.WaitForRunners, optional(Inputs.WaitForRunners) ?? '0'),
    requireRunners:
      requireRunners === undefined
        ? undefined
        : parseBooleanFlag(`input ${Inputs.RequireRunners}`, requireRunners),
    baseline: optional(Inputs.Baseline)?.trim(),
    failOnThreshold: booleanInput(Inputs.FailOnThreshold, true),
    commentOnPr: booleanInput(Inputs.CommentOnPr, false),
    modelsDir: optional(Inputs.ModelsDir),
    readOnlyModelsDirs: optional(Inputs.ModelsReadOnlyDirs),
  };
}
