/**
 * The `exo-bench` command. Every flag of the seed's bench script (`--api-port --config --expected-nodes
 * --is-primary --timeout-seconds --output FILE --git-commit --hardware-labels`) with its meaning, plus
 * ours (`--api-url`, `--output-dir`, `--simulate`, …).
 * Exit codes: 0 the run passed, 1 it failed (or was invalid, or could not run), 2 bad usage or config.
 */
import { copyFileSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runNode, type NodeRunOutcome } from '../run/benchmark.js';
import { applySimulatedClockOffset, simulatedClockOffsetMs } from '../run/clock-offset.js';
import { loadConfigFile } from '../config/index.js';
import type { LoadedConfig } from '../config/types.js';
import {
  ConfigError,
  ExoBenchError,
  InputError,
  describeError,
  formatConfigProblem,
} from '../core/errors.js';
import { buildPlan, planStartAtMs } from '../plan/plan.js';
import { systemClock } from '../util/clock.js';
import type { SimulatorHandle } from '../simulator/index.js';
import { targetApiUrl } from '../target/index.js';
import { abortOnSignals } from '../util/signals.js';
import { VERSION } from '../core/version.js';
import { closestMatch } from '../config/describe.js';
import { describeVerdict, failedOnlyOnGates, resolveBaseline } from '../verdict/index.js';
import { cliProvenance } from './provenance.js';
import { CliLogger, type CliStreams } from './logger.js';
import { renderResultsTable } from './render.js';
import { parseHardwareLabels, seedJsonResultsBlock } from '../results/seed-document.js';
import {
  nodeDefaults,
  parseBooleanFlag,
  parseNonNegativeInteger,
  parsePositiveInteger,
  parseScheduleStartMs,
  validateApiUrl,
} from '../run/node-options.js';

/** Exit codes of the command. */
export const ExitCode = { Pass: 0, Fail: 1, Usage: 2 } as const;

export const usage = `exo-bench ${VERSION}: staged, fire-and-forget load benchmarks for EXO clusters

Usage:
  exo-bench [run] --config FILE [options]     run this node's part of a benchmark
  exo-bench plan --config FILE                print the GitHub Actions matrix for hardware_plan
  exo-bench merge --output DIR NODE_DIR...    merge the result folders of a run's nodes into one result
  exo-bench simulate [options]                run the EXO simulator (see exo-bench simulate --help)

Run options, the seed bench script's (same meaning; the seed's command line runs unchanged):
  --api-port N           EXO API at http://127.0.0.1:N. Optional: without it, --api-url, --simulate or an
                         openai target's base_url, the port is 52415 (EXO's default)
  --config FILE          benchmark config (YAML)
  --expected-nodes N     nodes the cluster must have (default: the hardware_plan total)
  --is-primary BOOL      true: place models and run the stages; false: wait as a secondary (default true)
  --timeout-seconds N    deadline for nodes and runners (default: the config's timeout_seconds)
  --output PATH          FILE: the results document (results.json, a superset of the seed's) is also
                         written to FILE. DIR: the output folder, as --output-dir. PATH is a FILE when it
                         ends in .json or is an existing file; a DIR when it ends in / or is an existing
                         folder, or otherwise (e.g. --output out)
  --git-commit SHA       recorded as metadata.git_commit (default null)
  --hardware-labels A,B  recorded as metadata.hardware_labels, a list (default [])

Run options, ours:
  --api-url URL          EXO API base URL (instead of --api-port), or the OpenAI-compatible server's
                         (overrides target.base_url), http or https
  --output-dir DIR       where results.json, requests.jsonl, summary.md, report.html go (default: with
                         --output FILE, FILE without .json plus "-files/" beside it; else ./exo-bench-results)
  --simulate             start the embedded simulator (EXO with the config's node count, or an
                         OpenAI-compatible server for target kind openai) and run against it
  --simulate-profile F   simulator profile file (JSON or YAML) for --simulate
  --label L --index I    hardware label and node index, recorded in the results
  --run-id ID            the run's id, recorded as metadata.run_id (default: random per process); give
                         every node of one run the same ID (and its own --label/--index) to merge them
  --schedule-start-ms MS load_from: all_nodes with an openai target: the first stage's start, epoch ms,
                         the start_at_ms \`exo-bench plan\` printed; the same on every node (required there)
  --baseline FILE        compare with an earlier run's results.json (its requests.jsonl beside it)
  --no-fail-on-threshold exit 0 when only thresholds or regressions failed (they are still reported)
  -h, --help             this text
  --version              the version

Standard output ends with the seed's block: a line of 80 =, JSON RESULTS, another, the results document
(indent 2), and a closing line.

Exit codes: 0 pass, 1 fail / invalid / error, 2 bad usage or config.
`;

/** Where a run's files go: the output folder, and the seed's results file when one was asked for. */
export interface OutputPaths {
  outputDir: string;
  resultsFile?: string;
}

/**
 * Reads `--output` and `--output-dir`. The seed's `--output` names a file; ours named a folder. A path
 * ending in .json or naming an existing file is a file; one ending in / or naming an existing folder is a
 * folder; anything else stays a folder, as before. With a file and no `--output-dir`, our files go
 * beside it, into a folder named after it (`/tmp/r.json` → `/tmp/r-files/`), so runs never mix.
 */
export function resolveOutputPaths(output: string | undefined, outputDir: string | undefined): OutputPaths {
  if (output === undefined) return { outputDir: resolve(outputDir ?? 'exo-bench-results') };
  const existing = existsSync(output) ? statSync(output) : undefined;
  const isFolder =
    /[/\\]$/.test(output) ||
    existing?.isDirectory() === true ||
    (existing === undefined && extname(output).toLowerCase() !== '.json');
  if (isFolder) {
    if (outputDir !== undefined)
      throw new InputError(
        `--output ${output} is a folder and --output-dir is ${outputDir}: give one`,
        'Use --output FILE.json for the results file, --output-dir DIR for the folder.',
      );
    return { outputDir: resolve(output) };
  }
  const resultsFile = resolve(output);
  const stem = basename(resultsFile, extname(resultsFile));
  return {
    resultsFile,
    outputDir: resolve(outputDir ?? join(dirname(resultsFile), `${stem}-files`)),
  };
}

function configErrorExit(error: unknown, logger: CliLogger): number {
  if (error instanceof ConfigError) {
    for (const problem of error.problems) logger.error(formatConfigProblem(problem));
    return ExitCode.Usage;
  }
  if (error instanceof ExoBenchError && (error.kind === 'input' || error.kind === 'config')) {
    logger.error(describeError(error));
    return ExitCode.Usage;
  }
  logger.error(describeError(error));
  return ExitCode.Fail;
}

async function loadConfig(
  path: string | undefined,
  env: NodeJS.ProcessEnv,
  logger: CliLogger,
): Promise<LoadedConfig> {
  if (!path)
    throw new InputError(
      '--config FILE is required',
      'Pass the benchmark config, e.g. --config configs/bench_simple.yaml',
    );
  const loaded = await loadConfigFile(path, env);
  for (const warning of loaded.warnings) logger.warning(formatConfigProblem(warning));
  return loaded;
}

async function planCommand(
  args: string[],
  streams: CliStreams,
  env: NodeJS.ProcessEnv,
  logger: CliLogger,
): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { config: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
  });
  if (values.help) {
    streams.stdout(
      'Usage: exo-bench plan --config FILE\nPrints {"include": [{label, index, is_primary, expected_nodes, sends_load[, start_at_ms]}, …]}.\nstart_at_ms (load_from: all_nodes with an openai target): the first stage\'s start, now + all_nodes_start_delay_seconds; give it to every node as --schedule-start-ms.\n',
    );
    return ExitCode.Pass;
  }
  const loaded = await loadConfig(values.config, env, logger);
  const startAtMs = planStartAtMs(loaded.config, systemClock.nowMs());
  streams.stdout(`${JSON.stringify(buildPlan(loaded.config, startAtMs))}\n`);
  return ExitCode.Pass;
}

export const mergeUsage = `Usage: exo-bench merge --output DIR [--baseline FILE] [--no-fail-on-threshold] NODE_DIR...

Merges the result folders of one run's nodes (each holds results.json and requests.jsonl, as a node run
writes them) into one result for the whole run in DIR: results.json, requests.jsonl (every request once,
each line with its "node"), summary.md and report.html with a per-node breakdown. Every figure is
recomputed from the merged records; thresholds and --baseline are judged on the merged result.

Exit codes: 0 pass, 1 fail / invalid / error (a node missing or failed), 2 bad usage or input (a folder
without results.json, a node given twice, folders of different runs or configs).
`;

const MERGE_OPTIONS = {
  output: { type: 'string' },
  baseline: { type: 'string' },
  'no-fail-on-threshold': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** What a node run or a merge wrote: its verdict, its document and the paths of its files. */
type WrittenOutcome = Pick<
  NodeRunOutcome,
  'verdict' | 'document' | 'resultsPath' | 'requestsPath' | 'summaryPath' | 'reportPath'
>;

/** The results table on stdout (when a stage ran), then the verdict with every reason, never a bare `verdict: invalid`. */
function printTableAndVerdict(outcome: WrittenOutcome, streams: CliStreams, logger: CliLogger): void {
  if (outcome.document.results.stages.length > 0)
    streams.stdout(`\n${renderResultsTable(outcome.document)}\n\n`);
  const verdictLine = describeVerdict(outcome.document);
  if (outcome.verdict === 'pass') logger.info(verdictLine);
  else logger.warning(verdictLine);
}

function logFilePaths(outcome: WrittenOutcome, logger: CliLogger): void {
  logger.info(`results: ${outcome.resultsPath}`);
  logger.info(`requests: ${outcome.requestsPath}`);
  logger.info(`summary: ${outcome.summaryPath}`);
  logger.info(`report: ${outcome.reportPath}`);
}

/** Pass on a pass; with --no-fail-on-threshold also when only the gates (thresholds, regressions) failed. */
function exitCodeOf(outcome: WrittenOutcome, noFailOnThreshold: boolean): number {
  if (outcome.verdict !== 'pass' && failedOnlyOnGates(outcome.document) && noFailOnThreshold)
    return ExitCode.Pass;
  return outcome.verdict === 'pass' ? ExitCode.Pass : ExitCode.Fail;
}

async function mergeCommand(args: string[], streams: CliStreams, logger: CliLogger): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: MERGE_OPTIONS,
    strict: true,
    allowPositionals: true,
  });
  if (values.help) {
    streams.stdout(mergeUsage);
    return ExitCode.Pass;
  }
  if (values.output === undefined)
    throw new InputError('merge: --output DIR is required', 'Name the folder the merged result goes to.');
  if (positionals.length === 0)
    throw new InputError('merge: no NODE_DIR given', 'Give the result folder of every node of the run.');
  const { readNodeFolder, runMerge } = await import('../merge/index.js');
  const nodes = positionals.map((folder) => readNodeFolder(resolve(folder), folder));
  const baseline =
    values.baseline === undefined ? undefined : await resolveBaseline(values.baseline, undefined);
  if (baseline?.status === 'unavailable') logger.warning(`baseline: ${baseline.reason}`);
  const outcome = runMerge(nodes, {
    outputDir: resolve(values.output),
    logger,
    ...(baseline ? { baseline } : {}),
  });
  printTableAndVerdict(outcome, streams, logger);
  logFilePaths(outcome, logger);
  return exitCodeOf(outcome, values['no-fail-on-threshold'] === true);
}

/** The run command's flags (also what an unknown flag is matched against for a did-you-mean). */
const RUN_OPTIONS = {
  'api-port': { type: 'string' },
  'api-url': { type: 'string' },
  config: { type: 'string' },
  'expected-nodes': { type: 'string' },
  'is-primary': { type: 'string' },
  'timeout-seconds': { type: 'string' },
  output: { type: 'string' },
  'output-dir': { type: 'string' },
  'git-commit': { type: 'string' },
  'hardware-labels': { type: 'string' },
  simulate: { type: 'boolean' },
  'simulate-profile': { type: 'string' },
  label: { type: 'string' },
  index: { type: 'string' },
  'run-id': { type: 'string' },
  'schedule-start-ms': { type: 'string' },
  baseline: { type: 'string' },
  'no-fail-on-threshold': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `--run-id`: letters, digits, `.`, `_` and `-`, at most 100 (it goes into nonces and file names' metadata). */
export function parseRunId(value: string): string {
  if (!/^[A-Za-z0-9._-]{1,100}$/.test(value))
    throw new InputError(
      `--run-id must be 1 to 100 letters, digits, ".", "_" or "-", got ${JSON.stringify(value)}`,
      'Give every node of one run the same id, e.g. --run-id "$(date +%s)".',
    );
  return value;
}

/** `Unknown option '--simulat'` → ` Did you mean --simulate?` (or '' when nothing is close). */
export function didYouMean(message: string, flags: readonly string[]): string {
  const unknown = /Unknown option '--([^'=]+)/.exec(message)?.[1];
  if (!unknown) return '';
  const match = closestMatch(unknown, flags);
  return match ? ` Did you mean --${match}?` : '';
}

/**
 * A logger that notices, once, that nothing listens at the API URL (ECONNREFUSED) and says what to do,
 * `--simulate` included: a first try without EXO otherwise waits timeout_seconds in silence.
 */
function withConnectionHint(logger: CliLogger, configPath: string): CliLogger {
  let hinted = false;
  const info = logger.info.bind(logger);
  logger.info = (message: string): void => {
    info(message);
    if (hinted || !/ECONNREFUSED|connect(ion)? refused/i.test(message)) return;
    hinted = true;
    logger.warning(
      `nothing listens there yet (connection refused). Start EXO (or the server), point --api-url / --api-port at it, ` +
        `or try without a server: exo-bench --simulate --config ${configPath}`,
    );
  };
  return logger;
}

function parseRunFlags(args: string[]) {
  return parseArgs({ args, options: RUN_OPTIONS, strict: true }).values;
}

/** The run command's flags as parsed. */
type RunFlags = ReturnType<typeof parseRunFlags>;

/** The node's flags, checked, each with its default from the config when not given. */
function nodeFlags(values: RunFlags, loaded: LoadedConfig) {
  if (values['api-port'] !== undefined && values['api-url'] !== undefined) {
    throw new InputError(
      '--api-port and --api-url are mutually exclusive',
      'Give the port for a local node, or the whole URL.',
    );
  }
  const defaults = nodeDefaults(loaded.config);
  const expectedNodes =
    values['expected-nodes'] !== undefined
      ? parsePositiveInteger('--expected-nodes', values['expected-nodes'])
      : defaults.expectedNodes;
  const timeoutSeconds =
    values['timeout-seconds'] !== undefined
      ? parsePositiveInteger('--timeout-seconds', values['timeout-seconds'])
      : defaults.timeoutSeconds;
  const nodeIndex = values.index !== undefined ? parseNonNegativeInteger('--index', values.index) : undefined;
  const isPrimary =
    values['is-primary'] !== undefined ? parseBooleanFlag('--is-primary', values['is-primary']) : true;
  const { outputDir, resultsFile } = resolveOutputPaths(values.output, values['output-dir']);
  const hardwareLabels =
    values['hardware-labels'] === undefined ? [] : parseHardwareLabels(values['hardware-labels']);
  const scheduleStartMs =
    values['schedule-start-ms'] === undefined
      ? undefined
      : parseScheduleStartMs('--schedule-start-ms', values['schedule-start-ms']);
  return {
    scheduleStartMs,
    expectedNodes,
    timeoutSeconds,
    nodeIndex,
    isPrimary,
    outputDir,
    resultsFile,
    hardwareLabels,
    defaultRunId: defaults.runId,
  };
}

/** The API URL of a real server: --api-url, --api-port on this machine, an openai target's base_url, else EXO here. */
function serverApiUrl(values: RunFlags, loaded: LoadedConfig): string {
  if (values['api-url'] !== undefined) return validateApiUrl('--api-url', values['api-url']);
  if (values['api-port'] !== undefined) {
    const port = parsePositiveInteger('--api-port', values['api-port']);
    if (port > 65535) throw new InputError(`--api-port must be a TCP port (1-65535), got ${port}`);
    return `http://127.0.0.1:${port}`;
  }
  return targetApiUrl(loaded.config, undefined, 'http://127.0.0.1:52415');
}

/** Cancels the run on SIGINT/SIGTERM; a second signal exits at once (a user pressing Ctrl-C again does not want to wait for cleanup). */
function cancelOnSignals(logger: CliLogger): ReturnType<typeof abortOnSignals> {
  return abortOnSignals({
    onSignal: (name) =>
      logger.warning(`${name}: stopping the run (in-flight requests are cancelled, instances deleted)`),
    onRepeat: (name) => {
      logger.error(`${name} again: exiting without cleanup`);
      process.exit(130);
    },
  });
}

/** What the run wrote, on stdout and in the log: the seed's --output copy, the table, the verdict, the files, the seed's block last. */
function reportRun(
  outcome: NodeRunOutcome,
  resultsFile: string | undefined,
  streams: CliStreams,
  logger: CliLogger,
): void {
  if (resultsFile !== undefined) {
    // The seed's --output: the same document as results.json (its keys are a superset of the seed's).
    mkdirSync(dirname(resultsFile), { recursive: true });
    copyFileSync(outcome.resultsPath, resultsFile);
  }
  printTableAndVerdict(outcome, streams, logger);
  if (outcome.document.validity.status === 'inconclusive')
    logger.info(`validity: ${outcome.document.validity.notes?.join('; ') ?? 'inconclusive'}`);
  if (resultsFile !== undefined) logger.info(`results file: ${resultsFile}`);
  logFilePaths(outcome, logger);
  // The seed's last block, after everything else on stdout (scripts scrape the log for it).
  streams.stdout(`\n${seedJsonResultsBlock(outcome.document)}`);
}

async function runCommand(
  args: string[],
  streams: CliStreams,
  env: NodeJS.ProcessEnv,
  cliLogger: CliLogger,
): Promise<number> {
  const values = parseRunFlags(args);
  const logger = values.simulate ? cliLogger : withConnectionHint(cliLogger, values.config ?? 'FILE');
  if (values.help) {
    streams.stdout(usage);
    return ExitCode.Pass;
  }
  const loaded = await loadConfig(values.config, env, logger);
  const flags = nodeFlags(values, loaded);
  // The tests of load_from: all_nodes run each node process with a clock of its own (src/run/clock-offset.ts).
  const simulatedOffset = simulatedClockOffsetMs(env);
  if (simulatedOffset !== undefined) {
    applySimulatedClockOffset(simulatedOffset);
    logger.warning(`this node's clock is shifted by ${simulatedOffset} ms (simulated clock skew)`);
  }
  let simulator: SimulatorHandle | undefined;
  let apiUrl: string;
  const cancel = cancelOnSignals(logger);
  try {
    if (values.simulate) {
      // The simulator loads only when asked for (keeps the command's start-up short).
      const { startSimulatorForConfig } = await import('../run/simulated-target.js');
      simulator = await startSimulatorForConfig(
        loaded.config,
        flags.expectedNodes,
        values['simulate-profile'],
      );
      apiUrl = simulator.url;
      logger.info(
        `simulator: ${simulator.nodes.length} node${simulator.nodes.length === 1 ? '' : 's'} at ${simulator.nodes.map((node) => node.url).join(', ')}`,
      );
    } else apiUrl = serverApiUrl(values, loaded);
    const baseline =
      values.baseline === undefined ? undefined : await resolveBaseline(values.baseline, undefined);
    if (baseline?.status === 'unavailable') logger.warning(`baseline: ${baseline.reason}`);
    const outcome = await runNode(
      loaded,
      {
        ...(baseline ? { baseline } : {}),
        apiUrl,
        isPrimary: flags.isPrimary,
        expectedNodes: flags.expectedNodes,
        timeoutSeconds: flags.timeoutSeconds,
        outputDir: flags.outputDir,
        runId: values['run-id'] !== undefined ? parseRunId(values['run-id']) : flags.defaultRunId,
        env,
        gitCommit: values['git-commit'] ?? null,
        hardwareLabels: flags.hardwareLabels,
        ...(values.label ? { hardwareLabel: values.label } : {}),
        ...(flags.nodeIndex !== undefined ? { nodeIndex: flags.nodeIndex } : {}),
        ...(flags.scheduleStartMs !== undefined ? { scheduleStartMs: flags.scheduleStartMs } : {}),
        provenance: cliProvenance(loaded.file, {
          simulated: values.simulate === true,
          profilePath: values['simulate-profile'],
        }),
      },
      { logger, mask: (value) => logger.mask(value) },
      cancel.signal,
    );
    reportRun(outcome, flags.resultsFile, streams, logger);
    return exitCodeOf(outcome, values['no-fail-on-threshold'] === true);
  } finally {
    cancel.dispose();
    await simulator?.close();
  }
}

/** Runs the command with the given arguments; resolves with the exit code. */
export async function runCli(argv: string[], streams: CliStreams, env: NodeJS.ProcessEnv): Promise<number> {
  const logger = new CliLogger(streams, env.EXO_BENCH_DEBUG === '1');
  const [first, ...rest] = argv;
  try {
    if (first === '--version') {
      streams.stdout(`${VERSION}\n`);
      return ExitCode.Pass;
    }
    if (first === '-h' || first === '--help' || first === 'help') {
      streams.stdout(usage);
      return ExitCode.Pass;
    }
    if (first === 'plan') return await planCommand(rest, streams, env, logger);
    if (first === 'merge') return await mergeCommand(rest, streams, logger);
    if (first === 'simulate') {
      if (rest.includes('--help') || rest.includes('-h')) {
        streams.stdout((await import('../simulator/index.js')).simulateUsage);
        return ExitCode.Pass;
      }
      const { runSimulateCommand } = await import('../simulator/index.js');
      return await runSimulateCommand(rest, {
        stdout: (line) => streams.stdout(line.endsWith('\n') ? line : `${line}\n`),
        stderr: (line) => streams.stderr(line.endsWith('\n') ? line : `${line}\n`),
      });
    }
    return await runCommand(first === 'run' ? rest : argv, streams, env, logger);
  } catch (error) {
    // By code, not class: parseArgs' TypeError may come from another realm (a VM context).
    const code = (error as { code?: unknown } | null)?.code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
      const flags =
        first === 'plan'
          ? ['config', 'help']
          : first === 'merge'
            ? Object.keys(MERGE_OPTIONS)
            : Object.keys(RUN_OPTIONS);
      logger.error(
        `${(error as Error).message}${didYouMean((error as Error).message, flags)}\nRun exo-bench --help for the flags.`,
      );
      return ExitCode.Usage;
    }
    return configErrorExit(error, logger);
  }
}
