/**
 * The simulator's profile: cluster shape, timing model, model catalogue, openai-flavour options and
 * faults. Every field has a default (roughly a 1B 4-bit model on one Apple M3 Ultra); a profile file
 * (JSON or YAML) or an object overrides any subset.
 */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import type { FaultSpec } from './faults.js';
import { validateFaultSpec } from './faults.js';

/** A model in the simulator's catalogue (`/models`, placement, model cards). */
export interface SimulatorModelSpec {
  /** Full Hugging Face ID, e.g. `mlx-community/Llama-3.2-1B-Instruct-4bit`. */
  modelId: string;
  nLayers: number;
  storageSizeBytes: number;
  hiddenSize?: number;
  numKeyValueHeads?: number;
  supportsTensor?: boolean;
  family?: string;
  quantization?: string;
  baseModel?: string;
  contextLength?: number;
  /**
   * Multiplies the profile's prefill and decode rates for this model (default: 1 for ~1B models;
   * smaller models are faster). E.g. 1.5 for the 0.6B Qwen.
   */
  speedFactor?: number;
}

/** Options of the `openai` flavour (a plain OpenAI-compatible server like llama.cpp or vLLM). */
export interface OpenAiFlavorProfile {
  /** The model the server serves and reports (`/v1/models`, `model` in chunks). */
  model: string;
  /** Tokens per `data:` chunk (vLLM/llama.cpp may merge several). */
  tokensPerChunk: number;
  /** This many `delta.reasoning_content` tokens precede the content (they count as completion tokens). */
  reasoningTokens: number;
  /** `on_request`: usage chunk only with `stream_options.include_usage`; `never`: no usage at all. */
  usage: 'on_request' | 'never';
  /** Stop with `finish_reason: "stop"` after this many tokens (the EOS token counts, as llama.cpp does). */
  stopAfterTokens: number | null;
  /** `system_fingerprint` field (llama.cpp sends its build). */
  systemFingerprint: string;
}

/** Everything that shapes the simulated cluster. Durations in ms, rates per second, sizes in bytes. */
export interface SimulatorProfile {
  // ---- cluster ----
  /** `nodeMemory[n].ramTotal` of every node (default 128 GiB). */
  nodeRamTotalBytes: number;
  /** `ramAvailable` of an idle node (default 120 GiB); loaded shards subtract from it. */
  nodeRamAvailableBytes: number;
  /** `nodeIdentities[n].chipId` (default `Apple M3 Ultra`). */
  chipId: string;
  /** `nodeIdentities[n].modelId` (default `Mac15,14`, a Mac Studio). */
  hardwareModelId: string;
  /** Nodes have RDMA (Thunderbolt 5) links, so `MlxJaccl` placements succeed (default false). */
  rdmaEnabled: boolean;
  /** Period of node reports: `lastSeen` and `lastEventAppliedIdx` move (default 1000). */
  heartbeatIntervalMs: number;
  // ---- cluster formation (exo-api.md 12.1, 12.2, 1.3) ----
  /**
   * Each node probes its peers' `GET /node_id` once per this period, at its own random phase; the edge
   * A→B appears at A's first round after both are up and B has a `nodeNetwork` entry (EXO: 10000,
   * the multi-node default). 0 = edges exist as soon as both nodes are in the topology.
   */
  probeIntervalMs: number;
  /** A node's `nodeNetwork` entry appears this long after it joins (multi-node default 1000). */
  nodeNetworkDelayMs: number;
  /** A node's `nodeBackends` entry appears this long after it joins (multi-node default 2000). */
  nodeBackendsDelayMs: number;
  /**
   * A node joining or leaving starts a master election lasting this long, during which commands wait
   * (EXO: 3000, the multi-node default). 0 = no elections.
   */
  electionMs: number;
  /**
   * Who wins an election when seniority and commands seen are equal: `node_id` (EXO: the greatest node
   * ID) or `newest` (the node that started last: a deterministic way to make a late joiner win).
   */
  electionTieBreak: 'node_id' | 'newest';
  /** A stopped node leaves the topology after this much silence (EXO: 30000). */
  nodeTimeoutMs: number;
  /**
   * Nodes' APIs refuse connections until started through the control server
   * (`POST /_simulator/nodes/{i}/start`), as EXO processes started by each CI job. Default false.
   */
  nodesStartStopped: boolean;
  // ---- cost of /state (exo-api.md 12.4) ----
  /**
   * Time the serving node is busy per MiB of serialised state, for `GET /state` and `/state/{path}`
   * alike (EXO dumps the whole state either way). While busy, that node's responses and token writes
   * wait; other nodes are unaffected. Default 20: pydantic-core's `model_dump(by_alias=True)` of a
   * deeply nested state (tasks with chat messages, many small dicts) produces ~100 MB/s of Python
   * objects, and FastAPI's `jsonable_encoder` walk plus `json.dumps` costs about as much again, so
   * ~20 ms per MiB on an M-series core, i.e. tens of ms for a state of a few MB.
   */
  stateCostMsPerMiB: number;
  /** Fixed part of the cost of one `/state` request (default 1: routing, the state lock, the walk). */
  stateCostFixedMs: number;
  // ---- runner lifecycle ----
  runnerIdleMs: number;
  /** RunnerConnecting and RunnerConnected, each (multi-node instances only). */
  runnerConnectMs: number;
  /** Whole-model load time (RunnerLoading, spread over the shard's layers). Default 3000. */
  loadDurationMs: number;
  runnerLoadedMs: number;
  warmupMs: number;
  /** RunnerShuttingDown lasts this long before the runner disappears and its memory is freed. */
  shutdownMs: number;
  /**
   * Models already on every node's disk: `DownloadCompleted` at once. `true` = all (the 1-node
   * default), `false` = none (the multi-node default: each node downloads), or a list of model IDs.
   * Models found in a node's models dirs count as on disk too.
   */
  modelsOnDisk: boolean | string[];
  /** Download rate of models not on disk (default 500 MB/s; multi-node 100 MB/s, an internet link). */
  downloadBytesPerSecond: number;
  /**
   * Every node's writable models dir (`EXO_DEFAULT_MODELS_DIR`; `--models-dir`): a completed download
   * writes `<dir>/<org>--<name>/config.json` there, and a model found there is on disk at start.
   * null (default): downloads are remembered in memory only.
   */
  modelsDir: string | null;
  /** Read-only models dirs of every node (`EXO_MODELS_READ_ONLY_DIRS`): found models are `readOnly`. */
  modelsReadOnlyDirs: string[];
  /** First runner re-creation back-off after a crash (EXO: 500, doubling). */
  retryBackoffBaseMs: number;
  /** Back-off cap (EXO: 10000). */
  retryBackoffCapMs: number;
  /** After this many runner creations without deletion the instance is deleted (EXO: 5). */
  maxRunnerCreations: number;
  /** Delay between `/place_instance` or `POST /instance` and the instance appearing (default 20). */
  placementDelayMs: number;
  /** Delay between `DELETE /instance/{id}` and the instance disappearing (default 5). */
  deleteDelayMs: number;
  // ---- generation timing ----
  /** Prefill rate of uncached prompt tokens (default 4000). */
  prefillTokensPerSecond: number;
  /** Fixed cost of every prefill (default 10). */
  prefillOverheadMs: number;
  /** Decode rate of a single stream (default 150). */
  decodeTokensPerSecond: number;
  /**
   * Per-stream slow-down per extra stream in the batch: per-stream rate = decode /
   * (1 + slowdown × (batch − 1)). Default 0.08 (batch 8: 96 tok/s per stream, 770 tok/s in total).
   */
  decodeSlowdownPerExtraStream: number;
  /** Added to every decode step per extra node of the instance (pipeline hop). Default 0.5. */
  interNodeStepMs: number;
  /** Sequences batched per instance (EXO_MAX_CONCURRENT_REQUESTS, default 8); more queue. */
  maxConcurrentRequests: number;
  /** A `: prefill_progress` comment per this many prefilled tokens (default 2048). */
  prefillProgressChunkTokens: number;
  /** SSE keep-alive after this long without bytes (EXO: 10000). */
  keepAliveIntervalMs: number;
  /** Prefix cache size per instance, in cached prompt blocks (16 tokens each). */
  prefixCacheMaxBlocks: number;
  /**
   * 0 (default): every SSE event is written when it is generated. N > 0: events of a stream are held
   * and written together every N ms — fewer syscalls for very large loads, at the cost of up to N ms
   * of delivery jitter (ground-truth times stay the generation times).
   */
  streamWriteCoalesceMs: number;
  // ---- chat endpoint output length ----
  /** Per-token EOS probability on `/v1/chat/completions` (default 0: exactly `max_tokens`). */
  chatEosProbabilityPerToken: number;
  /** When set, chat completions stop (EOS) after this many tokens if below `max_tokens`. */
  chatOutputTokens: number | null;
  // ---- tokenizer ----
  templateTokensPerMessage: number;
  templateTokensPerRequest: number;
  // ---- other ----
  /** Extra or overriding catalogue entries (matched by modelId). */
  models: SimulatorModelSpec[];
  openai: OpenAiFlavorProfile;
  /** Ground-truth records kept (oldest dropped first). */
  groundTruthCapacity: number;
  /** Faults active from the start. */
  faults: FaultSpec;
}

/** The built-in catalogue. */
export const BUILTIN_MODELS: readonly SimulatorModelSpec[] = [
  {
    modelId: 'mlx-community/Llama-3.2-1B-Instruct-4bit',
    nLayers: 16,
    storageSizeBytes: 729_808_896,
    hiddenSize: 2048,
    numKeyValueHeads: 8,
    supportsTensor: true,
    family: 'llama',
    quantization: '4bit',
    baseModel: 'Llama 3.2 1B',
    contextLength: 131072,
    speedFactor: 1,
  },
  {
    modelId: 'mlx-community/Qwen3-0.6B-4bit',
    nLayers: 28,
    storageSizeBytes: 351_272_960,
    hiddenSize: 1024,
    numKeyValueHeads: 8,
    supportsTensor: true,
    family: 'qwen',
    quantization: '4bit',
    baseModel: 'Qwen3 0.6B',
    contextLength: 40960,
    speedFactor: 1.5,
  },
];

/** The defaults of every profile field. */
export const DEFAULT_PROFILE: SimulatorProfile = {
  nodeRamTotalBytes: 128 * 1024 ** 3,
  nodeRamAvailableBytes: 120 * 1024 ** 3,
  chipId: 'Apple M3 Ultra',
  hardwareModelId: 'Mac15,14',
  rdmaEnabled: false,
  heartbeatIntervalMs: 1000,
  probeIntervalMs: 0,
  nodeNetworkDelayMs: 0,
  nodeBackendsDelayMs: 0,
  electionMs: 0,
  electionTieBreak: 'node_id',
  nodeTimeoutMs: 30_000,
  nodesStartStopped: false,
  stateCostMsPerMiB: 20,
  stateCostFixedMs: 1,
  runnerIdleMs: 100,
  runnerConnectMs: 200,
  loadDurationMs: 3000,
  runnerLoadedMs: 50,
  warmupMs: 500,
  shutdownMs: 300,
  modelsOnDisk: true,
  downloadBytesPerSecond: 500_000_000,
  modelsDir: null,
  modelsReadOnlyDirs: [],
  retryBackoffBaseMs: 500,
  retryBackoffCapMs: 10_000,
  maxRunnerCreations: 5,
  placementDelayMs: 20,
  deleteDelayMs: 5,
  prefillTokensPerSecond: 4000,
  prefillOverheadMs: 10,
  decodeTokensPerSecond: 150,
  decodeSlowdownPerExtraStream: 0.08,
  interNodeStepMs: 0.5,
  maxConcurrentRequests: 8,
  prefillProgressChunkTokens: 2048,
  keepAliveIntervalMs: 10_000,
  prefixCacheMaxBlocks: 1_000_000,
  streamWriteCoalesceMs: 0,
  chatEosProbabilityPerToken: 0,
  chatOutputTokens: null,
  templateTokensPerMessage: 5,
  templateTokensPerRequest: 26,
  models: [],
  openai: {
    model: 'mlx-community/Llama-3.2-1B-Instruct-4bit',
    tokensPerChunk: 1,
    reasoningTokens: 0,
    usage: 'on_request',
    stopAfterTokens: null,
    systemFingerprint: 'b9928-81ff7abe5',
  },
  groundTruthCapacity: 1_000_000,
  faults: {},
};

/**
 * Defaults that replace {@link DEFAULT_PROFILE}'s for a simulator of more than one node: a real
 * multi-Mac cluster forms its links late, elects a master, and downloads models (exo-api.md 12).
 * Fields given explicitly (profile file or object) win over these.
 */
export const MULTI_NODE_DEFAULTS: Partial<SimulatorProfile> = {
  probeIntervalMs: 10_000,
  nodeNetworkDelayMs: 1000,
  nodeBackendsDelayMs: 2000,
  electionMs: 3000,
  modelsOnDisk: false,
  downloadBytesPerSecond: 100_000_000,
};

/** A profile whose lifecycle takes ~100 ms and whose decode is fast: for tests. */
export const FAST_TEST_PROFILE: Partial<SimulatorProfile> = {
  runnerIdleMs: 5,
  runnerConnectMs: 5,
  loadDurationMs: 60,
  runnerLoadedMs: 5,
  warmupMs: 20,
  shutdownMs: 20,
  placementDelayMs: 5,
  deleteDelayMs: 2,
  retryBackoffBaseMs: 20,
  retryBackoffCapMs: 100,
  prefillTokensPerSecond: 50_000,
  prefillOverheadMs: 1,
  decodeTokensPerSecond: 1000,
  heartbeatIntervalMs: 100,
  // Multi-node realism stays on, only short: links within ~60 ms, 20 ms elections, fast downloads.
  probeIntervalMs: 40,
  nodeNetworkDelayMs: 5,
  nodeBackendsDelayMs: 10,
  electionMs: 20,
  nodeTimeoutMs: 300,
  downloadBytesPerSecond: 20_000_000_000,
  stateCostFixedMs: 0,
};

/** Thrown for a profile that cannot be used; names the field. */
export class ProfileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProfileError';
  }
}

/** Problems of `models`: a list of specs, each with a modelId, and nLayers and storageSizeBytes unless built in. */
function modelsProblems(value: unknown): string[] {
  if (!Array.isArray(value)) return ['models must be a list'];
  const problems: string[] = [];
  value.forEach((model: unknown, index) => {
    const spec = model as Record<string, unknown> | null;
    if (!spec || typeof spec.modelId !== 'string') problems.push(`models[${index}].modelId must be a string`);
    else if (typeof spec.nLayers !== 'number' || typeof spec.storageSizeBytes !== 'number') {
      const builtin = BUILTIN_MODELS.some((builtinModel) => builtinModel.modelId === spec.modelId);
      if (!builtin) problems.push(`models[${index}] needs nLayers and storageSizeBytes`);
    }
  });
  return problems;
}

/** Problems of `openai`: a mapping of known fields, each of its default's type (stopAfterTokens: a number or null). */
function openaiProblems(value: unknown): string[] {
  if (value === null || typeof value !== 'object') return ['openai must be a mapping'];
  const problems: string[] = [];
  for (const [field, fieldValue] of Object.entries(value)) {
    const defaultValue = (DEFAULT_PROFILE.openai as unknown as Record<string, unknown>)[field];
    if (defaultValue === undefined) problems.push(`unknown field 'openai.${field}'`);
    else if (
      field === 'stopAfterTokens'
        ? fieldValue !== null && typeof fieldValue !== 'number'
        : typeof fieldValue !== typeof defaultValue
    ) {
      problems.push(`openai.${field} must be a ${typeof defaultValue}`);
    }
  }
  return problems;
}

/** Problems of one known field's value: its own rule, else the type of its default (numbers finite, ≥ 0). */
function fieldProblems(key: string, value: unknown, expected: unknown): string[] {
  switch (key) {
    case 'modelsDir':
      return value !== null && typeof value !== 'string' ? [`${key} must be a path or null`] : [];
    case 'modelsReadOnlyDirs':
      return !Array.isArray(value) || !value.every((path) => typeof path === 'string')
        ? [`${key} must be a list of paths`]
        : [];
    case 'electionTieBreak':
      return value !== 'node_id' && value !== 'newest' ? [`${key} must be node_id or newest`] : [];
    case 'chatOutputTokens':
      return value !== null && typeof value !== 'number' ? [`${key} must be a number or null`] : [];
    case 'modelsOnDisk':
      return typeof value !== 'boolean' &&
        !(Array.isArray(value) && value.every((modelId) => typeof modelId === 'string'))
        ? [`${key} must be true, false or a list of model IDs`]
        : [];
    case 'models':
      return modelsProblems(value);
    case 'faults':
      return validateFaultSpec(value).map((problem) => `faults: ${problem}`);
    case 'openai':
      return openaiProblems(value);
  }
  if (typeof value !== typeof expected) return [`${key} must be a ${typeof expected}`];
  if (typeof value === 'number' && (!Number.isFinite(value) || value < 0))
    return [`${key} must be a finite number ≥ 0`];
  return [];
}

/** Checks field types against the defaults and merges `override` onto them. */
export function resolveProfile(
  override: Partial<SimulatorProfile> = {},
  source = 'profile',
  nodeCount = 1,
): SimulatorProfile {
  if (override === null || typeof override !== 'object' || Array.isArray(override)) {
    throw new ProfileError(`${source}: the profile must be a mapping`);
  }
  const problems: string[] = [];
  const defaults = DEFAULT_PROFILE as unknown as Record<string, unknown>;
  const given = override as Record<string, unknown>;
  for (const [key, value] of Object.entries(given)) {
    if (!(key in defaults)) {
      problems.push(`unknown field '${key}'`);
      continue;
    }
    if (value === undefined) continue;
    problems.push(...fieldProblems(key, value, defaults[key]));
  }
  if (problems.length > 0) throw new ProfileError(`${source}: ${problems.join('; ')}`);
  const defined = Object.fromEntries(
    Object.entries(given).filter(([, fieldValue]) => fieldValue !== undefined),
  ) as Partial<SimulatorProfile>;
  const profile: SimulatorProfile = {
    ...DEFAULT_PROFILE,
    ...(nodeCount > 1 ? MULTI_NODE_DEFAULTS : {}),
    ...defined,
    openai: { ...DEFAULT_PROFILE.openai, ...(override.openai ?? {}) },
  };
  if (profile.maxConcurrentRequests < 1)
    throw new ProfileError(`${source}: maxConcurrentRequests must be ≥ 1`);
  if (profile.decodeTokensPerSecond <= 0 || profile.prefillTokensPerSecond <= 0) {
    throw new ProfileError(`${source}: token rates must be > 0`);
  }
  return profile;
}

/** Reads a profile file (`.json`, or YAML for anything else) and resolves it. */
export async function loadProfileFile(path: string, nodeCount = 1): Promise<SimulatorProfile> {
  const text = await readFile(path, 'utf8');
  let parsed: unknown;
  try {
    parsed = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ProfileError(`${path}: ${(error as Error).message}`);
  }
  return resolveProfile((parsed ?? {}) as Partial<SimulatorProfile>, path, nodeCount);
}

/** The catalogue: built-ins with the profile's `models` merged in (same ID → fields override). */
export function buildCatalogue(profile: SimulatorProfile): Map<string, Required<SimulatorModelSpec>> {
  const catalogue = new Map<string, Required<SimulatorModelSpec>>();
  const complete = (m: SimulatorModelSpec): Required<SimulatorModelSpec> => ({
    hiddenSize: 2048,
    numKeyValueHeads: 8,
    supportsTensor: true,
    family: 'unknown',
    quantization: '',
    baseModel: m.modelId.split('/').pop() ?? m.modelId,
    contextLength: 131072,
    speedFactor: 1,
    ...m,
  });
  for (const m of BUILTIN_MODELS) catalogue.set(m.modelId, complete(m));
  for (const m of profile.models) {
    const base = catalogue.get(m.modelId);
    catalogue.set(m.modelId, complete({ ...(base ?? {}), ...m } as SimulatorModelSpec));
  }
  return catalogue;
}
