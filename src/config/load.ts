/**
 * Loading a config: read the file, parse YAML with positions, substitute `${VAR}`, validate, apply
 * defaults. Every problem is collected and thrown once as a `ConfigError`, each with file, line,
 * column and config path; nothing here lets a bare exception or a stack trace reach the user.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { ConfigError } from '../core/errors.js';
import type { ConfigProblem } from '../core/errors.js';
import type { LoadedConfig } from './types.js';
import { closestMatch, formatNumber, formatPath } from './describe.js';
import {
  findStructureProblems,
  parseYaml,
  pathAtOffset,
  positionAtOffset,
  positionOfPath,
  scalarSourceAt,
} from './source.js';
import type { PathSegment, YamlSource } from './source.js';
import { substituteVariables } from './substitute.js';
import { loadStageTraces } from './trace-file.js';
import type { VariableMap } from './substitute.js';
import { validateConfig } from './validate.js';
import type { PathProblem } from './validate.js';

/** Configs are a few kilobytes; a larger file is a mistake (a log, a binary) and must not eat memory. */
export const MAX_CONFIG_FILE_BYTES = 1024 * 1024;

/** Same as YAML's default; a document expanding aliases more than this is an attack, not a config. */
const MAX_ALIAS_COUNT = 100;

function unpositioned(file: string, message: string): ConfigProblem {
  return { file, line: 0, column: 0, path: '', message };
}

function describeTopLevel(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `${JSON.stringify(value)} (a string)`;
  return `${String(value)} (a ${typeof value})`;
}

/** Problems are reported in file order so they read top to bottom, like the file. */
function byPosition(a: ConfigProblem, b: ConfigProblem): number {
  return a.line - b.line || a.column - b.column;
}

function yamlSyntaxProblems(source: YamlSource, file: string): ConfigProblem[] {
  return source.document.errors.map((error) => {
    const offset = error.pos[0];
    const { line, column } = positionAtOffset(source, offset);
    const firstLine = error.message.split('\n')[0] ?? error.message;
    const path = error.code === 'DUPLICATE_KEY' ? formatPath(pathAtOffset(source, offset)) : '';
    const message =
      error.code === 'DUPLICATE_KEY'
        ? 'duplicate key; a key may appear only once in a mapping'
        : error.code === 'MULTIPLE_DOCS'
          ? 'expected one YAML document, found a second one (after "---"); put the whole config in one document'
          : `invalid YAML: ${firstLine}`;
    return { file, line, column, path, message };
  });
}

/** Replaces `${VAR}` in every string value (not keys), in place; returns a problem per failed reference. */
function substituteAll(value: unknown, variables: VariableMap, path: PathSegment[]): PathProblem[] {
  if (typeof value !== 'object' || value === null) return [];
  const container = value as Record<PathSegment, unknown>;
  const keys: PathSegment[] = Array.isArray(value) ? value.map((_, index) => index) : Object.keys(value);
  const problems: PathProblem[] = [];
  for (const key of keys) {
    const item = container[key];
    const itemPath = [...path, key];
    if (typeof item === 'string') {
      const result = substituteVariables(item, variables);
      container[key] = result.text;
      for (const message of result.problems) problems.push({ path: itemPath, message, at: 'value' });
    } else {
      problems.push(...substituteAll(item, variables, itemPath));
    }
  }
  return problems;
}

/**
 * The document as a plain object, once its syntax and structure passed: throws a positioned
 * ConfigError for an alias bomb, an empty file or a top level that is not a mapping.
 */
function topLevelMapping(source: ReturnType<typeof parseYaml>, file: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = source.document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    // Alias bombs and the like; the parser has already accepted the syntax.
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError([
      { file, ...positionOfPath(source, []), path: '', message: `invalid YAML: ${reason}` },
    ]);
  }

  if (value === null || value === undefined) {
    throw new ConfigError([
      unpositioned(
        file,
        'the file is empty; expected a mapping with at least hardware_plan, model_ids and stages',
      ),
    ]);
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError([
      {
        file,
        ...positionOfPath(source, []),
        path: '',
        message: `expected a mapping of config keys (hardware_plan, model_ids, stages, …) at the top level, found ${describeTopLevel(value)}`,
      },
    ]);
  }

  return value as Record<string, unknown>;
}

/**
 * Parses and validates config text. `file` is used in messages, and to find the trace files of trace
 * stages (relative to its folder; they are read here). `variables` resolves `${VAR}`
 * references (default: `process.env`). Throws `ConfigError` holding every problem found.
 */
export function parseConfigText(
  text: string,
  file: string,
  variables: VariableMap = process.env,
): LoadedConfig {
  const source = parseYaml(text);
  const syntaxProblems = yamlSyntaxProblems(source, file);
  // After a syntax error the tree is a guess; validating it would report phantom problems.
  if (syntaxProblems.length > 0) throw new ConfigError(syntaxProblems.sort(byPosition));

  const positioned = (problem: PathProblem): ConfigProblem => ({
    file,
    ...positionOfPath(source, problem.path, problem.at),
    path: formatPath(problem.path),
    message: problem.message,
  });
  const yamlWarnings: ConfigProblem[] = source.document.warnings.map((warning) => ({
    file,
    ...positionAtOffset(source, warning.pos[0]),
    path: formatPath(pathAtOffset(source, warning.pos[0])),
    message: `YAML: ${warning.message.split('\n')[0] ?? warning.message}`,
  }));

  const structureProblems = findStructureProblems(source).map(({ offset, message }) => ({
    file,
    ...positionAtOffset(source, offset),
    path: formatPath(pathAtOffset(source, offset)),
    message,
  }));
  if (structureProblems.length > 0) throw new ConfigError(structureProblems.sort(byPosition));

  const data = topLevelMapping(source, file);
  const substitutionProblems = substituteAll(data, variables, []);
  const result = validateConfig(data, (path) => scalarSourceAt(source, path));
  const problems = [...substitutionProblems, ...result.errors].map(positioned).sort(byPosition);
  if (problems.length > 0 || result.config === undefined) throw new ConfigError(problems);
  // Trace stages: their files are read now (relative to this file), so a bad trace fails the load.
  const rawStages = Array.isArray(data.stages) ? (data.stages as unknown[]) : [];
  const { traces, problems: traceProblems } = loadStageTraces(
    result.config,
    file,
    (index) => {
      const raw = rawStages[index];
      return typeof raw === 'object' && raw !== null && 'iterations' in raw;
    },
    (path, at) => positionOfPath(source, path, at),
  );
  if (traceProblems.length > 0) throw new ConfigError(traceProblems);
  return {
    config: result.config,
    file,
    warnings: [...yamlWarnings, ...result.warnings.map(positioned)].sort(byPosition),
    ...(traces.size > 0 ? { traces } : {}),
  };
}

/** A YAML file beside the missing one whose name is close (`bench-simple.yml` for `bench_simple.yaml`). */
async function similarConfigFile(path: string): Promise<string | undefined> {
  try {
    const names = (await readdir(dirname(resolve(path)))).filter((name) => /\.ya?ml$/i.test(name));
    const match = closestMatch(basename(path), names);
    return match === undefined ? undefined : join(dirname(path), match);
  } catch {
    return undefined;
  }
}

function readProblem(path: string, error: unknown, similar?: string): ConfigProblem {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return {
        ...unpositioned(
          path,
          `no such file: looked for ${resolve(path)} (the path is relative to the working directory ${process.cwd()})` +
            (similar ? `; did you mean ${similar}?` : ''),
        ),
        code: 'missing_file',
      };
    case 'EISDIR':
      return unpositioned(path, 'is a directory; expected a YAML config file');
    case 'EACCES':
    case 'EPERM':
      return unpositioned(path, 'permission denied; the config file must be readable');
    default:
      return unpositioned(
        path,
        `cannot read the file: ${error instanceof Error ? error.message : String(error)}`,
      );
  }
}

/**
 * Reads, parses and validates the config file at `path` (relative to the working directory).
 * `variables` resolves `${VAR}` references (default: `process.env`). Throws `ConfigError`, also for a
 * missing file, a directory or a file too large to be a config.
 */
export async function loadConfigFile(
  path: string,
  variables: VariableMap = process.env,
): Promise<LoadedConfig> {
  let text: string;
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    if (info.size > MAX_CONFIG_FILE_BYTES) {
      throw new ConfigError([
        unpositioned(
          path,
          `expected a config of at most 1 MiB, found ${formatNumber(info.size)} bytes; is this the right file?`,
        ),
      ]);
    }
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const missing = (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
    throw new ConfigError([readProblem(path, error, missing ? await similarConfigFile(path) : undefined)]);
  }
  return parseConfigText(text, path, variables);
}
