/**
 * The EXO simulator: a real HTTP server on 127.0.0.1 that behaves like an EXO cluster (exo-api.md) or
 * like a plain OpenAI-compatible server, with a timing model and fault injection. Used in-process by
 * tests and as `exo-bench simulate`. See src/simulator/README.md.
 */
import { SimulatorRuntime } from './server.js';
import type { SimulatorFlavor } from './server.js';
import type { SimulatorProfile } from './profile.js';
import { ProfileError, loadProfileFile, resolveProfile } from './profile.js';
import type { FaultSpec } from './faults.js';
import type { GroundTruthRecord } from './ground-truth.js';
import { EXO_MODEL_DIR_VARIABLES, parseExoStart } from './exo-args.js';

export type { SimulatorFlavor } from './server.js';
export type { SimulatorProfile, SimulatorModelSpec, OpenAiFlavorProfile } from './profile.js';
export {
  DEFAULT_PROFILE,
  FAST_TEST_PROFILE,
  MULTI_NODE_DEFAULTS,
  BUILTIN_MODELS,
  ProfileError,
  resolveProfile,
  loadProfileFile,
} from './profile.js';
export type {
  FaultSpec,
  FaultSelector,
  RequestFault,
  HttpErrorFault,
  ErrorChunkFault,
  EofFault,
  StallFault,
  SlowHeadersFault,
  KeepAliveOnlyFault,
  RunnerFailureFault,
  PlacementFailureFault,
  NodeLossFault,
} from './faults.js';
export type { GroundTruthRecord, RequestOutcome } from './ground-truth.js';
export { countPromptTokens, countTextTokens, DEFAULT_TEMPLATE_TOKENS } from './tokenizer.js';
export type { TemplateTokens } from './tokenizer.js';

/** How to start a simulator. */
export interface SimulatorOptions {
  /** Number of nodes (each its own API port), default 1. */
  nodes?: number;
  /** First port; node i listens on port + i. 0 (default) = free ports. */
  port?: number;
  /** Listen address (default 127.0.0.1). */
  host?: string;
  /** Seed of node IDs, UUIDs and sampling (default: random, like EXO's fresh IDs per start). */
  seed?: number;
  /** `exo` (default) or `openai`. */
  flavor?: SimulatorFlavor;
  /** Profile overrides, or a path to a JSON/YAML profile file. */
  profile?: Partial<SimulatorProfile> | string;
  /** Every node's writable models dir (overrides the profile's `modelsDir`; `--models-dir`). */
  modelsDir?: string;
  /** Nodes refuse connections until started through the control server (`--stopped-nodes`). */
  nodesStartStopped?: boolean;
}

/** One node's API. */
export interface SimulatorNodeInfo {
  node_id: string;
  /** `http://127.0.0.1:PORT` */
  url: string;
}

/** A running simulator. */
export interface SimulatorHandle {
  nodes: SimulatorNodeInfo[];
  /** URL of the first node. */
  url: string;
  /** URL of the control server (`/_simulator/*`, node start/stop), e.g. `http://127.0.0.1:P`. */
  control: string;
  /** The resolved profile in use. */
  profile: SimulatorProfile;
  /** Replaces the active faults (same format as `POST /_simulator/faults`). */
  setFaults(f: FaultSpec): void;
  clearFaults(): void;
  /** Ground truth, oldest first (the live records: they keep changing while requests run). */
  requests(): GroundTruthRecord[];
  /** Node `index` dies now: its API stops answering and it leaves the cluster (instances deleted). */
  killNode(index: number): Promise<void>;
  /** Starts node `index` as `exo ARGS` with `env` would (see POST /_simulator/nodes/{i}/start). */
  startNode(index: number, args?: string[], env?: Record<string, string>): Promise<SimulatorNodeInfo>;
  /** Stops node `index`'s process: API dark at once, out of the topology after `nodeTimeoutMs`. */
  stopNode(index: number): void;
  /** Stops every server and timer. */
  close(): Promise<void>;
}

/** Starts a simulator and resolves once every node listens. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<SimulatorHandle> {
  const nodes = options.nodes ?? 1;
  if (!Number.isInteger(nodes) || nodes < 1)
    throw new ProfileError(`nodes must be a positive integer (got ${nodes})`);
  const profile =
    typeof options.profile === 'string'
      ? await loadProfileFile(options.profile, nodes)
      : resolveProfile(options.profile ?? {}, 'profile', nodes);
  if (options.modelsDir !== undefined) profile.modelsDir = options.modelsDir;
  if (options.nodesStartStopped !== undefined) profile.nodesStartStopped = options.nodesStartStopped;
  if (nodes === 1) {
    // A lone node has nobody to link to: its late nodeNetwork/nodeBackends reports would only slow
    // single-node runs down, which stay as fast as before the multi-node realism.
    profile.nodeNetworkDelayMs = 0;
    profile.nodeBackendsDelayMs = 0;
  }
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 32);
  const runtime = new SimulatorRuntime(profile, options.flavor ?? 'exo', seed, nodes);
  const host = options.host ?? '127.0.0.1';
  try {
    await runtime.listen(host, options.port ?? 0);
  } catch (error) {
    await runtime.close();
    throw error;
  }
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const infos = runtime.cluster.nodes.map((n) => ({ node_id: n.id, url: `http://${urlHost}:${n.port}` }));
  let closed: Promise<void> | null = null;
  const nodeInfo = (index: number): SimulatorNodeInfo => {
    const node = runtime.cluster.nodes[index];
    if (!node) throw new ProfileError(`no node ${index}`);
    return { node_id: node.id, url: `http://${urlHost}:${node.port}` };
  };
  return {
    nodes: infos,
    url: infos[0]?.url ?? '',
    control: `http://${urlHost}:${runtime.controlPort}`,
    profile,
    startNode: async (index, args = [], env = {}) => {
      nodeInfo(index);
      await runtime.cluster.startNode(index, parseExoStart(args, env));
      return nodeInfo(index);
    },
    stopNode: (index) => runtime.cluster.stopNode(index),
    setFaults: (f) => runtime.setFaults(f),
    clearFaults: () => runtime.clearFaults(),
    requests: () => runtime.cluster.groundTruth.list(),
    killNode: async (index) => {
      runtime.cluster.killNode(index, 0);
    },
    close: () => (closed ??= runtime.close()),
  };
}

/** `--help` text of `exo-bench simulate`. */
export const simulateUsage = `Usage: exo-bench simulate [options]
       exo-bench simulate node --control URL --index I [exo flags...]

Runs an EXO cluster simulator on 127.0.0.1 until SIGINT/SIGTERM. When ready it prints one JSON line:
{"nodes":[{"node_id":"…","url":"http://127.0.0.1:PORT"}, …],"control":"http://127.0.0.1:P"}
With more than one node the cluster behaves like real Macs: links form over ~10 s, elections take
3 s, models are downloaded (see src/simulator/README.md; a profile can turn each off).

Options:
  --nodes N          number of nodes, each with its own API port (default 1)
  --port P           first port; node i listens on P+i (default 0: free ports)
  --seed S           seed of node IDs, UUIDs and sampling (default random)
  --profile FILE     timing/fault profile, JSON or YAML (see src/simulator/README.md)
  --flavor F         exo (default) or openai (a plain OpenAI-compatible server)
  --models-dir DIR   every node's writable models dir (EXO_DEFAULT_MODELS_DIR): completed downloads
                     leave a marker there, and a later run finds them (no download)
  --stopped-nodes    node APIs refuse connections until started through the control server
  -h, --help         show this help

\`simulate node\` plays the \`exo\` command of one node (a CI job): it starts node I through the control
server with its exo flags (--api-port, --namespace, -m/--force-master, …) and its EXO_DEFAULT_MODELS_DIR,
EXO_MODELS_DIRS and EXO_MODELS_READ_ONLY_DIRS, runs until SIGTERM/SIGINT, then stops the node.

Control endpoints (node ports and the control port): POST/DELETE /_simulator/faults,
GET/DELETE /_simulator/requests, GET /_simulator/stats; control port also
POST /_simulator/nodes/{i}/start {"args":[...],"env":{...}} and POST /_simulator/nodes/{i}/stop.`;

interface SimulateIo {
  stdout: (line: string) => void;
  stderr: (line: string) => void;
}

const defaultIo: SimulateIo = {
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
};

function parseFlags(argv: string[]): { options: SimulatorOptions; help: boolean } | { error: string } {
  const options: SimulatorOptions = {};
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const takeValue = (): string | null => {
      if (arg.startsWith('--') && eq > 0) return arg.slice(eq + 1);
      const v = argv[i + 1];
      if (v === undefined) return null;
      i++;
      return v;
    };
    const intValue = (flag: string, min: number): number | string => {
      const v = takeValue();
      if (v === null || !/^\d+$/.test(v) || Number(v) < min) return `${flag} needs an integer ≥ ${min}`;
      return Number(v);
    };
    switch (name) {
      case '-h':
      case '--help':
        help = true;
        break;
      case '--nodes': {
        const v = intValue('--nodes', 1);
        if (typeof v === 'string') return { error: v };
        options.nodes = v;
        break;
      }
      case '--port': {
        const v = intValue('--port', 0);
        if (typeof v === 'string') return { error: v };
        if (v > 65535) return { error: '--port must be ≤ 65535' };
        options.port = v;
        break;
      }
      case '--seed': {
        const v = intValue('--seed', 0);
        if (typeof v === 'string') return { error: v };
        options.seed = v;
        break;
      }
      case '--profile': {
        const v = takeValue();
        if (!v) return { error: '--profile needs a file path' };
        options.profile = v;
        break;
      }
      case '--models-dir': {
        const v = takeValue();
        if (!v) return { error: '--models-dir needs a directory' };
        options.modelsDir = v;
        break;
      }
      case '--stopped-nodes':
        options.nodesStartStopped = true;
        break;
      case '--flavor':
      case '--flavour': {
        const v = takeValue();
        if (v !== 'exo' && v !== 'openai') return { error: '--flavor must be exo or openai' };
        options.flavor = v;
        break;
      }
      default:
        return { error: `unknown option ${arg}` };
    }
  }
  return { options, help };
}

/**
 * `exo-bench simulate`: parses flags, starts the simulator, prints the JSON line of nodes, serves until
 * SIGINT/SIGTERM (or `signal` aborts) and resolves with the exit code (0; 2 for bad flags; 1 on failure).
 */
export async function runSimulateCommand(
  argv: string[],
  io: SimulateIo = defaultIo,
  signal?: AbortSignal,
): Promise<number> {
  if (argv[0] === 'node') return runSimulateNodeCommand(argv.slice(1), io, signal);
  const parsed = parseFlags(argv);
  if ('error' in parsed) {
    io.stderr(`exo-bench simulate: ${parsed.error}`);
    io.stderr(simulateUsage);
    return 2;
  }
  if (parsed.help) {
    io.stdout(simulateUsage);
    return 0;
  }
  let handle: SimulatorHandle;
  try {
    handle = await startSimulator(parsed.options);
  } catch (error) {
    io.stderr(`exo-bench simulate: ${(error as Error).message}`);
    return 1;
  }
  const until = untilStopped(signal);
  io.stdout(JSON.stringify({ nodes: handle.nodes, control: handle.control }));
  try {
    await until.stopped;
    await handle.close();
  } finally {
    until.release();
  }
  return 0;
}

/** `stopped` resolves on SIGINT, SIGTERM or `signal`; the listeners stay until `release()`. */
function untilStopped(signal?: AbortSignal): { stopped: Promise<void>; release(): void } {
  // Signal listeners do not keep the event loop alive; `simulate node` has nothing else that does.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  let resolveStopped: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));
  // Stays installed until release(): a signal that comes while the node stops is absorbed, not fatal.
  const stop = (): void => resolveStopped();
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  if (signal?.aborted) stop();
  else signal?.addEventListener('abort', stop, { once: true });
  return {
    stopped,
    release: () => {
      clearInterval(keepAlive);
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      signal?.removeEventListener('abort', stop);
    },
  };
}

/**
 * `exo-bench simulate node --control URL --index I [exo flags...]`: the `exo` process of one node. It
 * posts start with its flags and EXO_* models-dir variables, prints the node's `{"node_id","url"}`,
 * runs until SIGTERM/SIGINT (or `signal`), then posts stop and exits 0 (1 if the control server fails).
 */
export async function runSimulateNodeCommand(
  argv: string[],
  io: SimulateIo = defaultIo,
  signal?: AbortSignal,
  env: Record<string, string | undefined> = process.env,
): Promise<number> {
  let control: string | null = null;
  let index: number | null = null;
  const exoArgs: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--control' || arg.startsWith('--control=')) {
      control = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : (argv[++i] ?? null);
    } else if (arg === '--index' || arg.startsWith('--index=')) {
      const v = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[++i];
      index = v !== undefined && /^\d+$/.test(v) ? Number(v) : null;
      if (index === null) {
        io.stderr('exo-bench simulate node: --index needs an integer ≥ 0');
        return 2;
      }
    } else exoArgs.push(arg);
  }
  if (!control || index === null) {
    io.stderr('exo-bench simulate node: --control URL and --index I are required');
    io.stderr(simulateUsage);
    return 2;
  }
  const base = control.replace(/\/+$/, '');
  const forwarded: Record<string, string> = {};
  for (const name of EXO_MODEL_DIR_VARIABLES) {
    const value = env[name];
    if (value !== undefined && value !== '') forwarded[name] = value;
  }
  const post = async (action: 'start' | 'stop', body: unknown): Promise<string> => {
    const res = await fetch(`${base}/_simulator/nodes/${index}/${action}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${action}: HTTP ${res.status} ${text}`);
    return text;
  };
  // Listening before the node starts: a job stopped right after starting EXO still stops the node.
  const until = untilStopped(signal);
  try {
    try {
      io.stdout((await post('start', { args: exoArgs, env: forwarded })).trim());
    } catch (error) {
      io.stderr(`exo-bench simulate node: ${(error as Error).message}`);
      return 1;
    }
    await until.stopped;
    try {
      await post('stop', {});
    } catch (error) {
      io.stderr(`exo-bench simulate node: ${(error as Error).message}`);
      return 1;
    }
    return 0;
  } finally {
    until.release();
  }
}
