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
import type { GroundTruthRecord } from './groundTruth.js';

export type { SimulatorFlavor } from './server.js';
export type { SimulatorProfile, SimulatorModelSpec, OpenAiFlavorProfile } from './profile.js';
export {
  DEFAULT_PROFILE,
  FAST_TEST_PROFILE,
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
export type { GroundTruthRecord, RequestOutcome } from './groundTruth.js';
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
  /** The resolved profile in use. */
  profile: SimulatorProfile;
  /** Replaces the active faults (same format as `POST /_simulator/faults`). */
  setFaults(f: FaultSpec): void;
  clearFaults(): void;
  /** Ground truth, oldest first (the live records: they keep changing while requests run). */
  requests(): GroundTruthRecord[];
  /** Node `index` dies now: its API stops answering and it leaves the cluster (instances deleted). */
  killNode(index: number): Promise<void>;
  /** Stops every server and timer. */
  close(): Promise<void>;
}

/** Starts a simulator and resolves once every node listens. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<SimulatorHandle> {
  const profile =
    typeof options.profile === 'string'
      ? await loadProfileFile(options.profile)
      : resolveProfile(options.profile ?? {});
  const nodes = options.nodes ?? 1;
  if (!Number.isInteger(nodes) || nodes < 1)
    throw new ProfileError(`nodes must be a positive integer (got ${nodes})`);
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
  return {
    nodes: infos,
    url: infos[0]?.url ?? '',
    profile,
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

Runs an EXO cluster simulator on 127.0.0.1 until SIGINT/SIGTERM. When ready it prints one JSON line:
{"nodes":[{"node_id":"…","url":"http://127.0.0.1:PORT"}, …]}

Options:
  --nodes N          number of nodes, each with its own API port (default 1)
  --port P           first port; node i listens on P+i (default 0: free ports)
  --seed S           seed of node IDs, UUIDs and sampling (default random)
  --profile FILE     timing/fault profile, JSON or YAML (see src/simulator/README.md)
  --flavor F         exo (default) or openai (a plain OpenAI-compatible server)
  -h, --help         show this help

Control endpoints: POST/DELETE /_simulator/faults, GET/DELETE /_simulator/requests, GET /_simulator/stats.`;

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
  io.stdout(JSON.stringify({ nodes: handle.nodes }));
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      signal?.removeEventListener('abort', stop);
      resolve();
    };
    if (signal?.aborted) return stop();
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    signal?.addEventListener('abort', stop, { once: true });
  });
  await handle.close();
  return 0;
}
