/**
 * Validation of a config value (already parsed and substituted) against the schema, plus the rules the
 * schema cannot state, then the typed `BenchConfig` with every default applied.
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import { validate as generatedValidator } from './schema-validator.generated.js';
import type { ArrivalProcess, BenchConfig, InstanceMeta, SearchConfig, StageConfig } from './types.js';
import {
  configSchema,
  DEFAULT_TRACE_BLOCK_TOKENS,
  DEPRECATED_ALIASES,
  ENVIRONMENT_NAME_PATTERN,
  LIMITS,
  RUNNER_LABEL_PATTERN,
  SHARED_PREFIX_KEYS,
  SEARCH_KEYS,
  STAGE_KEYS,
  STAGE_LOAD_KEYS,
  TRACE_DERIVED_KEYS,
  TOP_LEVEL_KEYS,
} from './schema.js';
import type { SchemaNode } from './schema.js';
import { closestMatch, describeExpectation, describeValue, formatNumber } from './describe.js';
import type { PathSegment } from './source.js';
import { buildTarget, TARGET_KEYS, targetProblems } from './target.js';
import { parseThreshold } from './thresholds.js';
import { regressionMetricProblem } from './regression.js';
import { METRICS, SEARCHABLE_METRIC_NAMES } from '../metrics/catalog.js';
import { DEFAULT_BURSTINESS } from './schema.js';

/** A problem before it is positioned: where in the config, what, and whether it is about a key. */
export interface PathProblem {
  path: PathSegment[];
  message: string;
  /** Point at the key rather than the value (unknown keys, invalid names). */
  at: 'key' | 'value';
}

/** The outcome of validation: the config when there is no error, and every finding either way. */
export interface ValidationResult {
  config: BenchConfig | undefined;
  errors: PathProblem[];
  warnings: PathProblem[];
}

/**
 * The schema's validator, generated ahead of time (scripts/config-validator.mjs, `npm run schema`) with
 * the options of CONFIG_AJV_OPTIONS there: all errors, defaults filled in (they live in the schema only),
 * YAML `.inf`/`.nan` refused as numbers, union types for `environment`. Compiling the schema at start-up
 * instead cost 70–90 ms of CPU per run.
 */
const schemaValidator = generatedValidator as unknown as ValidateFunction;

function pathFromPointer(pointer: string, data: unknown): PathSegment[] {
  if (pointer === '') return [];
  const path: PathSegment[] = [];
  let node = data;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const segment = Array.isArray(node) ? Number(key) : key;
    path.push(segment);
    node = (node as Record<PathSegment, unknown> | undefined)?.[segment];
  }
  return path;
}

function valueAt(data: unknown, path: readonly PathSegment[]): unknown {
  let node = data;
  for (const segment of path) node = (node as Record<PathSegment, unknown> | null | undefined)?.[segment];
  return node;
}

function schemaAt(path: readonly PathSegment[]): SchemaNode {
  let schema = configSchema;
  for (const segment of path) {
    const next =
      typeof segment === 'number'
        ? schema.items
        : (schema.properties?.[segment] ??
          (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined));
    if (!next) return {};
    schema = next;
  }
  return schema;
}

const KEY_PATTERN_WORDS: Record<string, string> = {
  [RUNNER_LABEL_PATTERN]:
    'a runner label: a letter or digit, then letters, digits, ".", "_" or "-" (at most 100 characters, no spaces)',
  [ENVIRONMENT_NAME_PATTERN]: 'a variable name: letters, digits and "_", not starting with a digit',
};

function unknownKeyMessage(key: string, parentPath: readonly PathSegment[]): string {
  if (parentPath.length === 1 && parentPath[0] === 'target') {
    const suggestion = closestMatch(key, TARGET_KEYS);
    return suggestion
      ? `unknown key; did you mean "${suggestion}"?`
      : `unknown key; expected one of ${TARGET_KEYS.join(', ')}`;
  }
  if (parentPath.length === 3 && parentPath[0] === 'stages' && parentPath[2] === 'shared_prefix') {
    const suggestion = closestMatch(key, SHARED_PREFIX_KEYS);
    return suggestion
      ? `unknown key; did you mean "${suggestion}"?`
      : `unknown key; expected one of ${SHARED_PREFIX_KEYS.join(', ')}`;
  }
  if (parentPath.length >= 3 && parentPath[0] === 'stages' && parentPath[2] === 'search') {
    const known = parentPath.length === 3 ? SEARCH_KEYS : ['min', 'max'];
    const suggestion = closestMatch(key, known);
    return suggestion
      ? `unknown key; did you mean "${suggestion}"?`
      : `unknown key; expected one of ${known.join(', ')}`;
  }
  const inStage = parentPath.length === 2 && parentPath[0] === 'stages';
  const known = inStage ? STAGE_KEYS : TOP_LEVEL_KEYS;
  const other = inStage ? TOP_LEVEL_KEYS : STAGE_KEYS;
  const suggestion = closestMatch(key, known);
  if (suggestion) return `unknown key; did you mean "${suggestion}"?`;
  if (other.includes(key)) {
    return inStage
      ? `unknown stage key; "${key}" is a top-level key`
      : `unknown top-level key; "${key}" belongs in each stage`;
  }
  if (key === '<<') return 'unknown key "<<"; a merge key needs an alias after it, e.g. "<<: *defaults"';
  return `unknown key; expected one of ${known.join(', ')}`;
}

const VALUE_KEYWORDS = new Set([
  'type',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'enum',
  'minLength',
  'pattern',
  'minItems',
  'minProperties',
]);

/** Turns ajv's errors (several per bad value) into one problem per value, in the user's terms. */
function schemaProblems(
  errors: readonly ErrorObject[],
  data: unknown,
  writtenAs: (path: readonly PathSegment[]) => string | undefined,
): PathProblem[] {
  const problems: PathProblem[] = [];
  const failedKeywordsByPointer = new Map<string, Set<string>>();
  const missingKeysAt = new Map<string, { key: string; problem: PathProblem }[]>();
  for (const error of errors) {
    const path = pathFromPointer(error.instancePath, data);
    const params = error.params as Record<string, unknown>;
    if (error.propertyName !== undefined) {
      // An error inside `propertyNames`: the key itself is wrong.
      if (error.keyword !== 'pattern') continue;
      const pattern = String(params.pattern);
      problems.push({
        path: [...path, error.propertyName],
        message: `expected ${KEY_PATTERN_WORDS[pattern] ?? `a key matching ${pattern}`}, found ${JSON.stringify(error.propertyName)}`,
        at: 'key',
      });
    } else if (error.keyword === 'additionalProperties') {
      const key = String(params.additionalProperty);
      problems.push({ path: [...path, key], message: unknownKeyMessage(key, path), at: 'key' });
    } else if (error.keyword === 'required') {
      const key = String(params.missingProperty);
      const expected = describeExpectation(schemaAt([...path, key]), new Set(), hiddenEnumValues(key));
      // The stage schema asks for the gap only where `concurrency` is not set: say so.
      const unless = key === 'time_between_requests' ? '; required unless the stage sets concurrency' : '';
      const problem: PathProblem = {
        path,
        message: `missing required key "${key}" (${expected})${unless}`,
        at: 'value',
      };
      problems.push(problem);
      const siblings = missingKeysAt.get(error.instancePath) ?? [];
      siblings.push({ key, problem });
      missingKeysAt.set(error.instancePath, siblings);
    } else if (VALUE_KEYWORDS.has(error.keyword)) {
      const failed = failedKeywordsByPointer.get(error.instancePath) ?? new Set<string>();
      failed.add(error.keyword);
      failedKeywordsByPointer.set(error.instancePath, failed);
    }
  }
  // A conditional requirement (`else`) is reported before the plain ones: put the missing keys of one
  // mapping back in the schema's order, in the places they took.
  for (const [pointer, siblings] of missingKeysAt) {
    const keys = Object.keys(schemaAt(pathFromPointer(pointer, data)).properties ?? {});
    const positions = siblings.map((entry) => problems.indexOf(entry.problem)).sort((a, b) => a - b);
    const sorted = [...siblings].sort((a, b) => keys.indexOf(a.key) - keys.indexOf(b.key));
    positions.forEach(
      (position, index) => (problems[position] = (sorted[index] as (typeof sorted)[0]).problem),
    );
  }
  for (const [pointer, failed] of failedKeywordsByPointer) {
    const path = pathFromPointer(pointer, data);
    const schema = schemaAt(path);
    const value = valueAt(data, path);
    const lastKey = path[path.length - 1];
    const hidden = typeof lastKey === 'string' ? hiddenEnumValues(lastKey) : [];
    let message = `expected ${describeExpectation(schema, failed, hidden)}, found ${describeValue(value, schema, writtenAs(path))}`;
    if (path[0] === 'environment' && (failed.has('maximum') || failed.has('minimum'))) {
      message += '; quote the value to export it as text, digit for digit';
    }
    if (path[0] === 'target' && path[1] === 'base_url' && failed.has('pattern')) {
      message = `expected an http:// or https:// URL, found ${describeValue(value, schema, writtenAs(path))}`;
    }
    if (path[0] === 'regression' && path.length === 2) {
      message = `expected a tolerance as a percentage, e.g. 10%, found ${describeValue(value, schema, writtenAs(path))}`;
    }
    if (failed.has('enum') && typeof value === 'string' && schema.enum) {
      const suggestion = closestMatch(
        value,
        schema.enum.filter((option) => !hidden.includes(option)),
      );
      if (suggestion) message += `; did you mean "${suggestion}"?`;
    }
    problems.push({ path, message, at: 'value' });
  }
  return problems;
}

function hiddenEnumValues(key: string): string[] {
  return Object.keys(DEPRECATED_ALIASES[key] ?? {});
}

/**
 * The fields the schema has already checked, as the code sees them: the loaded config's own types
 * (src/config/types.ts), where the file may still leave out what the loader derives or fills in.
 */
type StageLoadKey = 'prompt_length' | 'generation_length' | 'time_between_requests' | 'iterations';

/** A stage as checked: the load fields are absent in a trace stage, a search stage or a closed loop's gap. */
type CheckedStage = Omit<StageConfig, StageLoadKey | 'no_overlap' | 'arrival' | 'search'> &
  Partial<Pick<StageConfig, StageLoadKey | 'no_overlap'>> & {
    /** Always there: the schema's default (constant). */
    arrival: ArrivalProcess;
    search?: CheckedSearch;
  };

/** A search as checked: probe_requests defaults from the metric (defaultProbeRequests). */
type CheckedSearch = Omit<SearchConfig, 'probe_requests'> & { probe_requests?: number };

/** The keys an ordinary stage requires and a search stage must leave out (it sets its own load). */
const SCHEDULE_KEYS = ['time_between_requests', 'iterations'] as const;

/** Requests per probe when `probe_requests` is not given: twice the metric's sample minimum, ≥ 20. */
export function defaultProbeRequests(metric: string): number {
  return Math.max(20, 2 * (METRICS.get(metric)?.requiredSamples ?? 0));
}

/** The config as checked: before the target fills model_ids, the alias is resolved, and so on. */
type CheckedConfig = Omit<
  BenchConfig,
  | 'hardware_plan'
  | 'environment'
  | 'model_ids'
  | 'stages'
  | 'instance_meta'
  | 'target'
  | 'load_from'
  | 'clock_skew_tolerance_ms'
  | 'all_nodes_start_delay_seconds'
> & {
  /** Absent only for an openai target. */
  hardware_plan?: Record<string, number>;
  /** As written: numbers and booleans become text in buildConfig. */
  environment: Record<string, string | number | boolean>;
  /** Absent only for an openai target. */
  model_ids?: string[];
  stages: CheckedStage[];
  instance_meta: InstanceMeta | 'MlxIbv';
  target?: Record<string, unknown>;
  load_from: 'primary' | 'all_nodes';
  clock_skew_tolerance_ms: number;
  all_nodes_start_delay_seconds: number;
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isFiniteNumber = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value);

/**
 * Variables the config must not set. `environment` is exported to later steps (GITHUB_ENV) and to
 * `exo-command`, and a config can come from a pull request: these names would let it load code or files
 * from anywhere (BASH_ENV, LD_PRELOAD, NODE_OPTIONS, …), redirect the runner (GITHUB_*, RUNNER_*,
 * ACTIONS_*), or move EXO off the node's provisioned home and namespace.
 */
const RESERVED_VARIABLES = new Set([
  'PATH',
  'HOME',
  'SHELL',
  'BASH_ENV',
  'ENV',
  'CDPATH',
  'IFS',
  'PS4',
  'PROMPT_COMMAND',
  'NODE_OPTIONS',
  'NODE_PATH',
  'PYTHONPATH',
  'PYTHONSTARTUP',
  'PERL5LIB',
  'PERL5OPT',
  'RUBYOPT',
  'GIT_SSH_COMMAND',
  'EXO_HOME',
  'EXO_ZENOH_NAMESPACE',
  'EXO_LIBP2P_NAMESPACE',
  'EXO_BOOTSTRAP_PEERS',
]);
const RESERVED_PREFIXES = [
  'LD_',
  'DYLD_',
  'GITHUB_',
  'RUNNER_',
  'ACTIONS_',
  'INPUT_',
  'STATE_',
  'EXO_BENCH_',
];

/** Why `name` may not be set by the config, or undefined when it may. */
export function reservedVariableReason(name: string): string | undefined {
  const upper = name.toUpperCase();
  const prefix = RESERVED_PREFIXES.find((p) => upper.startsWith(p));
  if (!RESERVED_VARIABLES.has(upper) && !prefix) return undefined;
  return `expected a variable the benchmark may set, found ${JSON.stringify(name)}: ${prefix ? `names starting with ${prefix} are` : 'it is'} reserved (it would change how the runner, the shell or EXO itself behaves, not the benchmark)`;
}

/** Whether a field passed the schema: no problem was found in it or anywhere below it. */
type Usable = (...path: PathSegment[]) => boolean;

/**
 * Rules across fields. Each runs only where the fields it reads passed the schema, so one mistake is
 * reported once (a huge `iterations` is not also a too-long stage).
 */
function crossFieldProblems(
  data: Record<string, unknown>,
  badPaths: readonly PathSegment[][],
  written: ReadonlySet<string>,
): PathProblem[] {
  const ok: Usable = (...path) =>
    !badPaths.some((bad) => path.every((segment, index) => bad[index] === segment));
  const problems: PathProblem[] = [
    ...planSizeProblems(data, ok),
    ...environmentProblems(data),
    ...gateProblems(data, ok),
    ...loadFromProblems(data, ok),
    ...plannedScheduleProblems(data, ok, written),
  ];
  const stages = data.stages;
  if (!Array.isArray(stages)) return problems;
  const firstIndexByName = new Map<string, number>();
  stages.forEach((stage: unknown, index) => {
    if (!isRecord(stage)) return;
    problems.push(
      ...duplicateNameProblems(stage, index, firstIndexByName, ok),
      ...stageShapeProblems(stage, index, ok),
      ...searchStageProblems(stage, index, ok),
      ...warmupProblems(stage, index, ok),
      ...shapeProblems(stage, index, data.no_overlap === true, ok),
      ...stageDurationProblems(stage, index, ok),
    );
  });
  if (
    stages.length > 0 &&
    stages.every(
      (stage: unknown, index) => isRecord(stage) && stage.warmup === true && ok('stages', index, 'warmup'),
    )
  ) {
    problems.push({
      path: ['stages'],
      message:
        'every stage is a warm-up stage (warmup: true): nothing would be measured; keep warmup: true on the first stages only',
      at: 'key',
    });
  }
  return problems;
}

/** A GitHub Actions matrix runs at most LIMITS.maxNodesTotal jobs, one per node. */
function planSizeProblems(data: Record<string, unknown>, ok: Usable): PathProblem[] {
  const plan = data.hardware_plan;
  if (!isRecord(plan) || !ok('hardware_plan')) return [];
  const counts = Object.values(plan).filter(isFiniteNumber);
  const totalNodes = counts.reduce((sum, count) => sum + count, 0);
  if (counts.length !== Object.keys(plan).length || totalNodes <= LIMITS.maxNodesTotal) return [];
  return [
    {
      path: ['hardware_plan'],
      message: `expected at most ${LIMITS.maxNodesTotal} nodes in total (a GitHub Actions matrix runs at most ${LIMITS.maxNodesTotal} jobs), found ${formatNumber(totalNodes)}`,
      at: 'value',
    },
  ];
}

/** Variables the config may not set (reservedVariableReason). */
function environmentProblems(data: Record<string, unknown>): PathProblem[] {
  const environment = data.environment;
  if (!isRecord(environment)) return [];
  return Object.keys(environment).flatMap((name) => {
    const reason = reservedVariableReason(name);
    return reason ? [{ path: ['environment', name], message: reason, at: 'key' as const }] : [];
  });
}

/** A stage name used before (`firstIndexByName` remembers the first use of each). */
function duplicateNameProblems(
  stage: Record<string, unknown>,
  index: number,
  firstIndexByName: Map<string, number>,
  ok: Usable,
): PathProblem[] {
  const name = stage.name;
  if (typeof name !== 'string' || !ok('stages', index, 'name')) return [];
  const first = firstIndexByName.get(name);
  if (first === undefined) {
    firstIndexByName.set(name, index);
    return [];
  }
  return [
    {
      path: ['stages', index, 'name'],
      message: `expected a unique stage name, found ${JSON.stringify(name)} again (the name of stages[${first}])`,
      at: 'value',
    },
  ];
}

/** At least one request of a stage is measured; a warm-up stage is not judged, so takes no thresholds. */
function warmupProblems(stage: Record<string, unknown>, index: number, ok: Usable): PathProblem[] {
  const problems: PathProblem[] = [];
  const { iterations, warmup_requests: warmup } = stage;
  if (
    isFiniteNumber(iterations) &&
    ok('stages', index, 'iterations') &&
    isFiniteNumber(warmup) &&
    ok('stages', index, 'warmup_requests') &&
    warmup >= iterations
  ) {
    problems.push({
      path: ['stages', index, 'warmup_requests'],
      message: `expected an integer < iterations (${formatNumber(iterations)}), found ${formatNumber(warmup)}; at least one request of the stage must be measured`,
      at: 'value',
    });
  }
  if (stage.warmup === true && ok('stages', index, 'warmup') && Array.isArray(stage.thresholds)) {
    problems.push({
      path: ['stages', index, 'thresholds'],
      message:
        'a warm-up stage (warmup: true) is not judged, so it takes no thresholds; remove them, or remove warmup: true',
      at: 'key',
    });
  }
  return problems;
}

/**
 * A stage lasts at most LIMITS.maxStageDurationSeconds: iterations × time_between_requests, or a ramp's
 * 2(N − 1)/(r0 + R) (src/load/arrivals.ts).
 */
function stageDurationProblems(stage: Record<string, unknown>, index: number, ok: Usable): PathProblem[] {
  const { iterations, time_between_requests: gapSeconds, ramp_to_rate: ramp } = stage;
  if (!isFiniteNumber(iterations) || !ok('stages', index, 'iterations') || !isFiniteNumber(gapSeconds))
    return [];
  const rampOk = isFiniteNumber(ramp) && ok('stages', index, 'ramp_to_rate');
  if (rampOk && gapSeconds > 0) {
    const durationSeconds = (2 * Math.max(0, iterations - 1)) / (1 / gapSeconds + ramp);
    if (durationSeconds <= LIMITS.maxStageDurationSeconds) return [];
    return [
      {
        path: ['stages', index],
        message: `expected a ramp of at most ${formatNumber(LIMITS.maxStageDurationSeconds)} s (30 days), found 2 × (iterations − 1) ÷ (1/time_between_requests + ramp_to_rate) = ${formatNumber(durationSeconds)} s`,
        at: 'value',
      },
    ];
  }
  if (rampOk || !ok('stages', index, 'time_between_requests')) return [];
  const durationSeconds = iterations * gapSeconds;
  if (durationSeconds <= LIMITS.maxStageDurationSeconds) return [];
  return [
    {
      path: ['stages', index],
      message: `expected iterations × time_between_requests ≤ ${formatNumber(LIMITS.maxStageDurationSeconds)} s (30 days), found ${formatNumber(iterations)} × ${formatNumber(gapSeconds)} = ${formatNumber(durationSeconds)} s`,
      at: 'value',
    },
  ];
}

/**
 * The fields of a stage that depend on whether it replays a trace: a trace gives the lengths and the
 * times (so they are required elsewhere, and contradictions here), and trace_speed / trace_block_tokens
 * mean nothing without one. shared_prefix needs room after its prefix for the request's own tokens.
 */
function stageShapeProblems(
  stage: Record<string, unknown>,
  index: number,
  ok: (...path: PathSegment[]) => boolean,
): PathProblem[] {
  const problems: PathProblem[] = [];
  const path = ['stages', index];
  const isTrace = stage.trace !== undefined;
  if (isTrace) {
    for (const key of TRACE_DERIVED_KEYS) {
      if (stage[key] === undefined) continue;
      problems.push({
        path: [...path, key],
        message: `a trace stage takes ${key} from its trace (${key === 'time_between_requests' ? 'the timestamps' : key === 'prompt_length' ? "each request's input_length" : "each request's output_length"}); remove it, or remove trace`,
        at: 'key',
      });
    }
    if (stage.no_overlap === true)
      problems.push({
        path: [...path, 'no_overlap'],
        message:
          'a trace stage sends each request at its timestamp; no_overlap cannot apply: remove it, or remove trace',
        at: 'key',
      });
    // `arrival` is always there (the schema's default, constant): only another process contradicts a trace.
    for (const key of ['arrival', 'burstiness', 'concurrency', 'ramp_to_rate'])
      if (stage[key] !== undefined && !(key === 'arrival' && stage[key] === 'constant'))
        problems.push({
          path: [...path, key],
          message: `a trace stage sends each request at its timestamp; ${key} cannot apply: remove it, or remove trace`,
          at: 'key',
        });
    if (stage.shared_prefix !== undefined)
      problems.push({
        path: [...path, 'shared_prefix'],
        message:
          "a trace stage's prompts share what its hash_ids say; shared_prefix cannot apply: remove it, or remove trace",
        at: 'key',
      });
  } else {
    // A search stage sets its own schedule (searchStageProblems): it needs only the lengths.
    // A closed loop (concurrency) has no gap: time_between_requests is then its optional pause.
    const required = STAGE_LOAD_KEYS.filter((key) =>
      stage.search !== undefined
        ? !(SCHEDULE_KEYS as readonly string[]).includes(key)
        : key !== 'time_between_requests' || stage.concurrency === undefined,
    );
    const missing = required.filter((key) => stage[key] === undefined);
    for (const key of missing) {
      const expected = describeExpectation(schemaAt([...path, key]), new Set());
      const unless = key === 'time_between_requests' ? '; required unless the stage sets concurrency' : '';
      problems.push({ path, message: `missing required key "${key}" (${expected})${unless}`, at: 'value' });
    }
    for (const key of ['trace_speed', 'trace_block_tokens'])
      if (stage[key] !== undefined)
        problems.push({
          path: [...path, key],
          message: `${key} applies to a trace replay only; add trace: FILE, or remove it`,
          at: 'key',
        });
  }
  const prefix = stage.shared_prefix;
  if (
    isRecord(prefix) &&
    isFiniteNumber(prefix.tokens) &&
    isFiniteNumber(stage.prompt_length) &&
    ok(...path, 'shared_prefix') &&
    ok(...path, 'prompt_length') &&
    prefix.tokens >= stage.prompt_length
  ) {
    problems.push({
      path: [...path, 'shared_prefix', 'tokens'],
      message: `expected an integer < prompt_length (${formatNumber(stage.prompt_length)}), found ${formatNumber(prefix.tokens)}; each prompt needs tokens of its own after the shared prefix`,
      at: 'value',
    });
  }
  return problems;
}

/** A search stage sets its own load: the fields of a schedule or a shape have no meaning there. */
function searchOwnLoadProblems(stage: Record<string, unknown>, index: number): PathProblem[] {
  const problems: PathProblem[] = [];
  const setsLoad = (key: string, why: string): void => {
    problems.push({
      path: ['stages', index, key],
      message: `a search stage sets its own load, so it takes no ${key} (${why}); remove it, or remove search`,
      at: 'key',
    });
  };
  if (stage.time_between_requests !== undefined) setsLoad('time_between_requests', 'each probe has its rate');
  if (stage.iterations !== undefined) setsLoad('iterations', 'search.probe_requests sizes each probe');
  if (stage.no_overlap !== undefined)
    setsLoad('no_overlap', 'search.concurrency: {min: 1, max: 1} probes one at a time');
  if (isFiniteNumber(stage.warmup_requests) && stage.warmup_requests > 0)
    setsLoad('warmup_requests', 'every request of a probe counts');
  if (stage.warmup === true)
    setsLoad('warmup', 'a search stage is already left out of the run-level figures');
  if (stage.trace !== undefined) setsLoad('trace', 'a trace has its own times');
  for (const key of ['arrival', 'burstiness', 'concurrency', 'ramp_to_rate'])
    if (stage[key] !== undefined && !(key === 'arrival' && stage[key] === 'constant'))
      setsLoad(key, 'its probes send at a constant rate or keep search.concurrency in flight');
  return problems;
}

/** A search stage's thresholds judge its capacity: its probes are overloaded on purpose. */
function searchThresholdProblems(stage: Record<string, unknown>, index: number): PathProblem[] {
  const problems: PathProblem[] = [];
  if (Array.isArray(stage.thresholds)) {
    stage.thresholds.forEach((text: unknown, thresholdIndex) => {
      if (typeof text !== 'string') return;
      const parsed = parseThreshold(text, 'stage');
      if ('threshold' in parsed && !parsed.threshold.metric.capacity) {
        problems.push({
          path: ['stages', index, 'thresholds', thresholdIndex],
          message: `a search stage's thresholds judge its capacity (capacity_rps, capacity_concurrency), not "${parsed.threshold.metric.name}": its probes are overloaded on purpose; the search's own bound is search.max`,
          at: 'value',
        });
      }
    });
  }
  return problems;
}

/**
 * A search stage (`search:`) sets its own load, so it takes no `time_between_requests` or `iterations`
 * (nor `no_overlap`, `warmup_requests`, `warmup` or a trace), and its search must name a metric a search
 * can judge, with the bound on the metric's good side, and one range.
 */
function searchStageProblems(
  stage: Record<string, unknown>,
  index: number,
  ok: (...path: PathSegment[]) => boolean,
): PathProblem[] {
  const search = stage.search;
  if (search === undefined) return [];
  if (!isRecord(search) || !ok('stages', index, 'search')) return [];
  const problems: PathProblem[] = [
    ...searchOwnLoadProblems(stage, index),
    ...searchThresholdProblems(stage, index),
  ];
  const path: PathSegment[] = ['stages', index, 'search'];
  const { metric, max, min, rate, concurrency, probe_requests: probeRequests } = search;
  const definition = typeof metric === 'string' ? METRICS.get(metric) : undefined;
  if (typeof metric === 'string' && !SEARCHABLE_METRIC_NAMES.includes(metric)) {
    const suggestion = closestMatch(metric, SEARCHABLE_METRIC_NAMES);
    problems.push({
      path: [...path, 'metric'],
      message: definition
        ? `"${metric}" cannot be searched (the load does not move it); search a latency such as ttft_p95_ms, or success_rate, output_tokens_per_second`
        : `unknown metric "${metric}"; ${suggestion ? `did you mean "${suggestion}"?` : 'configs/README.md lists the metrics a search can judge'}`,
      at: 'value',
    });
  } else if (definition) {
    const side = definition.better === 'smaller' ? 'max' : 'min';
    const other = side === 'max' ? 'min' : 'max';
    if (search[other] !== undefined) {
      problems.push({
        path: [...path, other],
        message: `${metric} is better ${definition.better}, so its bound is "${side}" (a probe passes at ${side === 'max' ? '≤' : '≥'} it), not "${other}"`,
        at: 'key',
      });
    } else if (search[side] === undefined) {
      problems.push({
        path,
        message: `missing required key "${side}" (the bound of ${metric}: a probe passes at ${side === 'max' ? '≤' : '≥'} it)`,
        at: 'value',
      });
    }
    if (
      isFiniteNumber(probeRequests) &&
      ok(...path, 'probe_requests') &&
      probeRequests < definition.requiredSamples
    ) {
      problems.push({
        path: [...path, 'probe_requests'],
        message: `expected at least ${definition.requiredSamples} (the samples ${metric} needs to be judged), found ${formatNumber(probeRequests)}`,
        at: 'value',
      });
    }
  } else if (max === undefined && min === undefined) {
    problems.push({ path, message: 'missing required key "max" (the bound of the metric)', at: 'value' });
  }
  if ((rate === undefined) === (concurrency === undefined)) {
    problems.push({
      path,
      message:
        rate === undefined
          ? 'missing the range: give "rate: {min, max}" (requests per second) or "concurrency: {min, max}" (requests in flight)'
          : 'give either "rate" or "concurrency", not both: a search varies one load',
      at: 'value',
    });
  }
  for (const key of ['rate', 'concurrency'] as const) {
    const range = search[key];
    if (!isRecord(range) || !ok(...path, key)) continue;
    if (isFiniteNumber(range.min) && isFiniteNumber(range.max) && range.min > range.max) {
      problems.push({
        path: [...path, key, 'max'],
        message: `expected max ≥ min (${formatNumber(range.min)}), found ${formatNumber(range.max)}`,
        at: 'value',
      });
    }
  }
  return problems;
}

/**
 * The load-shape fields of a stage that only make sense together: `burstiness` with `gamma`, a closed
 * loop (`concurrency`, `no_overlap`) without open-loop shapes, a ramp from a finite starting rate.
 */
function shapeProblems(
  stage: Record<string, unknown>,
  index: number,
  topLevelNoOverlap: boolean,
  ok: (...path: PathSegment[]) => boolean,
): PathProblem[] {
  const problems: PathProblem[] = [];
  const usable = (key: string): boolean => stage[key] !== undefined && ok('stages', index, key);
  const arrival = usable('arrival') ? stage.arrival : 'constant';
  if (usable('burstiness') && arrival !== 'gamma') {
    problems.push({
      path: ['stages', index, 'burstiness'],
      message: `burstiness is the shape of gamma gaps: it needs arrival: gamma, found arrival: ${String(arrival)}`,
      at: 'key',
    });
  }
  const openShapes = [
    ...(arrival !== 'constant' ? [`arrival: ${String(arrival)}`] : []),
    ...(usable('ramp_to_rate') ? ['ramp_to_rate'] : []),
  ];
  const noOverlapWritten = stage.no_overlap === true && ok('stages', index, 'no_overlap');
  const noOverlapInherited = stage.no_overlap === undefined && topLevelNoOverlap;
  const noOverlapWhere = noOverlapWritten
    ? 'no_overlap: true'
    : 'no_overlap: true (inherited from the top level; write no_overlap: false in this stage)';
  if (usable('concurrency')) {
    const concurrency = stage.concurrency as number;
    const closedConflicts = [
      ...openShapes,
      ...(noOverlapWritten || noOverlapInherited ? [noOverlapWhere] : []),
    ];
    if (closedConflicts.length > 0) {
      problems.push({
        path: ['stages', index, 'concurrency'],
        message: `concurrency is a closed loop (a request is sent when one completes), so it does not combine with ${closedConflicts.join(' or ')}; remove one of them`,
        at: 'key',
      });
    }
    const iterations = stage.iterations;
    if (isFiniteNumber(iterations) && ok('stages', index, 'iterations') && concurrency > iterations) {
      problems.push({
        path: ['stages', index, 'concurrency'],
        message: `expected an integer ≤ iterations (${formatNumber(iterations)}), found ${formatNumber(concurrency)}; no more than iterations requests are ever in flight`,
        at: 'value',
      });
    }
  } else if (openShapes.length > 0 && (noOverlapWritten || noOverlapInherited)) {
    problems.push({
      path: ['stages', index, usable('ramp_to_rate') && arrival === 'constant' ? 'ramp_to_rate' : 'arrival'],
      message: `${openShapes.join(' and ')} shape(s) open-loop arrivals, but the stage has ${noOverlapWhere}, which sends one request at a time`,
      at: 'key',
    });
  }
  if (
    usable('ramp_to_rate') &&
    stage.time_between_requests === 0 &&
    ok('stages', index, 'time_between_requests')
  ) {
    problems.push({
      path: ['stages', index, 'time_between_requests'],
      message:
        'expected a number > 0 with ramp_to_rate (the ramp starts at 1/time_between_requests requests per second), found 0',
      at: 'value',
    });
  }
  return problems;
}

/** Threshold expressions and `regression` metric names: the grammar lives in src/verdict/. */
function gateProblems(data: Record<string, unknown>, ok: (...path: PathSegment[]) => boolean): PathProblem[] {
  const problems: PathProblem[] = [];
  const checkThresholds = (list: unknown, path: PathSegment[], scope: 'run' | 'stage'): void => {
    if (!Array.isArray(list) || !ok(...path)) return;
    list.forEach((text: unknown, index) => {
      if (typeof text !== 'string') return;
      const parsed = parseThreshold(text, scope);
      if ('error' in parsed) problems.push({ path: [...path, index], message: parsed.error, at: 'value' });
    });
  };
  checkThresholds(data.thresholds, ['thresholds'], 'run');
  const modes = new Set(
    (Array.isArray(data.stages) ? data.stages : []).flatMap((stage: unknown) => {
      if (!isRecord(stage) || !isRecord(stage.search)) return [];
      return [stage.search.concurrency !== undefined ? 'concurrency' : 'rate'];
    }),
  );
  const checkCapacity = (list: unknown, path: PathSegment[], stageModes: Set<string>): void => {
    if (!Array.isArray(list) || !ok(...path)) return;
    list.forEach((text: unknown, index) => {
      if (typeof text !== 'string') return;
      const parsed = parseThreshold(text, 'stage');
      if (!('threshold' in parsed)) return;
      const mode = parsed.threshold.metric.capacity;
      if (mode && !stageModes.has(mode)) {
        problems.push({
          path: [...path, index],
          message: `${parsed.threshold.metric.name} is measured by a ${mode} search only (a stage with search.${mode}); ${path.length === 1 ? 'no stage has one' : 'this stage has none'}`,
          at: 'value',
        });
      }
    });
  };
  checkCapacity(data.thresholds, ['thresholds'], modes);
  if (Array.isArray(data.stages)) {
    data.stages.forEach((stage: unknown, index) => {
      if (!isRecord(stage)) return;
      const own = isRecord(stage.search)
        ? new Set([stage.search.concurrency !== undefined ? 'concurrency' : 'rate'])
        : new Set<string>();
      checkCapacity(stage.thresholds, ['stages', index, 'thresholds'], own);
    });
  }
  if (Array.isArray(data.stages)) {
    data.stages.forEach((stage: unknown, index) => {
      if (isRecord(stage)) checkThresholds(stage.thresholds, ['stages', index, 'thresholds'], 'stage');
    });
  }
  if (isRecord(data.regression)) {
    for (const name of Object.keys(data.regression)) {
      const problem = regressionMetricProblem(name);
      if (problem) problems.push({ path: ['regression', name], message: problem, at: 'key' });
    }
  }
  return problems;
}

function aliasWarnings(data: Record<string, unknown>): PathProblem[] {
  const warnings: PathProblem[] = [];
  for (const [key, aliases] of Object.entries(DEPRECATED_ALIASES)) {
    const value = data[key];
    if (typeof value !== 'string') continue;
    const current = aliases[value];
    if (current === undefined) continue;
    warnings.push({
      path: [key],
      message: `"${value}" is the old name of "${current}"; it still works, but write "${current}"`,
      at: 'value',
    });
    data[key] = current;
  }
  return warnings;
}

function buildSearch(search: CheckedSearch): SearchConfig {
  return {
    metric: search.metric,
    ...(search.max !== undefined ? { max: search.max } : {}),
    ...(search.min !== undefined ? { min: search.min } : {}),
    ...(search.rate ? { rate: { ...search.rate } } : {}),
    ...(search.concurrency ? { concurrency: { ...search.concurrency } } : {}),
    probe_requests: search.probe_requests ?? defaultProbeRequests(search.metric),
    tolerance: search.tolerance,
    max_probes: search.max_probes,
    max_failure_rate: search.max_failure_rate,
  };
}

function buildConfig(checked: CheckedConfig): BenchConfig {
  const stages: StageConfig[] = checked.stages.map((stage) => {
    const search = stage.search ? buildSearch(stage.search) : undefined;
    return {
      name: stage.name,
      // A trace stage's lengths, gap and (when not given) iterations are filled in once its trace is read
      // (src/config/trace-file.ts); until then they are 0.
      prompt_length: stage.prompt_length ?? 0,
      generation_length: stage.generation_length ?? 0,
      // A search stage: no schedule of its own (each probe sets one); iterations = its request budget.
      // A concurrency stage may leave its pause out: none.
      time_between_requests: stage.time_between_requests ?? 0,
      iterations: stage.iterations ?? (search ? search.max_probes * search.probe_requests : 0),
      // A trace stage sends at its timestamps, a search stage sets its own load: never one at a time.
      no_overlap: search || stage.trace !== undefined ? false : (stage.no_overlap ?? checked.no_overlap),
      arrival: stage.arrival,
      ...(stage.arrival === 'gamma' ? { burstiness: stage.burstiness ?? DEFAULT_BURSTINESS } : {}),
      ...(stage.concurrency !== undefined ? { concurrency: stage.concurrency } : {}),
      ...(stage.ramp_to_rate !== undefined ? { ramp_to_rate: stage.ramp_to_rate } : {}),
      warmup_requests: stage.warmup_requests,
      warmup: stage.warmup,
      ...(stage.thresholds ? { thresholds: [...stage.thresholds] } : {}),
      ...(stage.trace !== undefined
        ? {
            trace: stage.trace,
            trace_speed: stage.trace_speed ?? 1,
            trace_block_tokens: stage.trace_block_tokens ?? DEFAULT_TRACE_BLOCK_TOKENS,
          }
        : {}),
      ...(stage.shared_prefix
        ? { shared_prefix: { tokens: stage.shared_prefix.tokens, groups: stage.shared_prefix.groups } }
        : {}),
      ...(search ? { search } : {}),
    };
  });
  const environment: Record<string, string> = {};
  // Numbers and booleans become the text a shell would see: 512 → "512", true → "true".
  for (const [name, value] of Object.entries(checked.environment)) environment[name] = String(value);
  const target = buildTarget(checked.target);
  return {
    hardware_plan: { ...(checked.hardware_plan ?? {}) },
    environment,
    timeout_seconds: checked.timeout_seconds,
    // An openai target's one model stands in model_ids, so every reader of the config sees what ran.
    model_ids: target.kind === 'openai' ? [target.model] : [...(checked.model_ids ?? [])],
    stages,
    seed: checked.seed,
    sharding: checked.sharding,
    instance_meta: checked.instance_meta === 'MlxIbv' ? 'MlxJaccl' : checked.instance_meta,
    no_overlap: checked.no_overlap,
    endpoint: checked.endpoint,
    unique_prompts: checked.unique_prompts,
    target,
    calibrate_prompts: checked.calibrate_prompts,
    request_timeout_seconds: checked.request_timeout_seconds,
    stream_idle_timeout_seconds: checked.stream_idle_timeout_seconds,
    max_dispatch_lag_p99_ms: checked.max_dispatch_lag_p99_ms,
    snapshot_interval_seconds: checked.snapshot_interval_seconds,
    // The default (primary) leaves both out, so existing configs and their documents are unchanged.
    ...(checked.load_from === 'all_nodes'
      ? { load_from: 'all_nodes' as const, clock_skew_tolerance_ms: checked.clock_skew_tolerance_ms }
      : {}),
    // Only where they apply (openai + all_nodes): every other config and its documents are unchanged.
    ...(checked.load_from === 'all_nodes' && target.kind === 'openai'
      ? {
          all_nodes_start_delay_seconds: checked.all_nodes_start_delay_seconds,
          all_nodes_drain_seconds: checked.all_nodes_drain_seconds ?? checked.request_timeout_seconds,
        }
      : {}),
    ...(checked.thresholds ? { thresholds: [...checked.thresholds] } : {}),
    ...(checked.regression ? { regression: { ...checked.regression } } : {}),
  };
}

/**
 * Validates a top-level mapping (mutated: ajv writes the defaults into it) and builds the config.
 * `writtenAs` gives a number's spelling in the file, so messages quote what the user wrote.
 * Returns every problem found; `config` is set only when there are none.
 */
export function validateConfig(
  data: Record<string, unknown>,
  writtenAs: (path: readonly PathSegment[]) => string | undefined = () => undefined,
): ValidationResult {
  const validate = schemaValidator;
  // The keys as written: ajv writes the defaults into `data`, and a field given where it does not apply
  // is an error only when the user wrote it.
  const written = new Set(Object.keys(data));
  const valid = validate(data);
  const errors = valid ? [] : schemaProblems(validate.errors ?? [], data, writtenAs);
  // First, so that a missing hardware_plan or model_ids reads before the schema's own missing keys.
  errors.unshift(
    ...targetProblems(
      data,
      errors.map((problem) => problem.path),
      (key) => describeExpectation(schemaAt([key]), new Set(), hiddenEnumValues(key)),
    ),
  );
  errors.push(
    ...crossFieldProblems(
      data,
      errors.map((problem) => problem.path),
      written,
    ),
  );
  const warnings = aliasWarnings(data);
  if (errors.length > 0) return { config: undefined, errors, warnings };
  return { config: buildConfig(data as unknown as CheckedConfig), errors, warnings };
}

/** The fields of a schedule fixed at plan time (load_from: all_nodes with an openai target). */
const PLANNED_SCHEDULE_KEYS = ['all_nodes_start_delay_seconds', 'all_nodes_drain_seconds'] as const;

/**
 * `all_nodes_start_delay_seconds` and `all_nodes_drain_seconds` fix an openai target's shared schedule
 * at plan time. Written anywhere else they would do nothing: a positioned error at the key, as for the
 * other fields of one target kind or one load shape (`base_url` on an EXO target, `burstiness` without
 * gamma). `written`: the keys the user wrote (ajv has since filled in the defaults).
 */
function plannedScheduleProblems(
  data: Record<string, unknown>,
  ok: Usable,
  written: ReadonlySet<string>,
): PathProblem[] {
  if (!ok('load_from') || !ok('target')) return [];
  const openai = isRecord(data.target) && data.target.kind === 'openai';
  if (data.load_from === 'all_nodes' && openai) return [];
  const why =
    data.load_from !== 'all_nodes'
      ? 'with load_from: primary one node sends the load, each stage once the previous one has ended'
      : "an EXO target's nodes read each stage's start from the cluster state, published once the previous stage has drained";
  return PLANNED_SCHEDULE_KEYS.filter((key) => written.has(key) && ok(key)).map((key) => ({
    path: [key],
    message: `${key} is for load_from: all_nodes with target kind "openai" (stage starts fixed at plan time); ${why}: remove it`,
    at: 'key' as const,
  }));
}

/**
 * `load_from: all_nodes` shares each stage's open-loop schedule between the nodes (src/load/schedule.ts).
 * A closed loop (`concurrency`, `no_overlap`) and a capacity search adapt to the server's answers, so no
 * node can derive where the stage ends. On an EXO target that needs no deriving: the primary sends such
 * a stage alone and publishes the next stage's start once the cluster has drained, so they are allowed.
 * An openai target's starts are fixed at plan time, and a plan cannot know where such a stage ends:
 * refused there, at the stage key.
 */
function loadFromProblems(
  data: Record<string, unknown>,
  ok: (...path: PathSegment[]) => boolean,
): PathProblem[] {
  if (data.load_from !== 'all_nodes' || !ok('load_from')) return [];
  const problems: PathProblem[] = [];
  const openai = isRecord(data.target) && data.target.kind === 'openai';
  // An openai target's nodes are the runners of hardware_plan: without one there is nobody to share with.
  if (openai && data.hardware_plan === undefined)
    problems.push({
      path: [],
      message:
        'missing required key "hardware_plan" for load_from: all_nodes with target kind "openai" (the runners that share the load, e.g. {LOADGEN: 4}: one matrix job each, all sending to the one server)',
      at: 'value',
    });
  // EXO targets: a closed loop or capacity search is the primary's alone (isPrimaryOnlyStage).
  if (!openai) return problems;
  let inheritedReported = false;
  const why =
    'load_from: all_nodes with target kind "openai" shares open-loop stages only (its stage starts are fixed at plan time, and a plan-time schedule cannot know where a closed loop or capacity search ends, so no stage after it could be given a start; an EXO target runs such a stage on the primary alone)';
  const stages = Array.isArray(data.stages) ? data.stages : [];
  stages.forEach((stage: unknown, index) => {
    if (!isRecord(stage)) return;
    if (stage.search !== undefined && ok('stages', index, 'search'))
      problems.push({
        path: ['stages', index, 'search'],
        message: `${why}: run a capacity search with load_from: primary`,
        at: 'key',
      });
    if (stage.concurrency !== undefined && ok('stages', index, 'concurrency'))
      problems.push({
        path: ['stages', index, 'concurrency'],
        message: `${why}: give this stage time_between_requests instead, or use load_from: primary`,
        at: 'key',
      });
    const inherited =
      stage.no_overlap === undefined && stage.trace === undefined && stage.search === undefined;
    const noOverlap = inherited ? data.no_overlap : stage.no_overlap;
    if (noOverlap === true && ok('stages', index) && !(inherited && inheritedReported)) {
      inheritedReported ||= inherited;
      problems.push({
        path: stage.no_overlap === true ? ['stages', index, 'no_overlap'] : ['no_overlap'],
        message: `${why}: one request at a time is one client's loop; use load_from: primary${stage.no_overlap === true ? '' : ' (no_overlap is inherited from the top level)'}`,
        at: 'key',
      });
    }
  });
  return problems;
}
