export const id = 175;
export const ids = [175];
export const modules = {

/***/ 72175:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  playSimulatedPrimary: () => (/* binding */ playSimulatedPrimary),
  startSimulatorForConfig: () => (/* binding */ startSimulatorForConfig)
});

// EXTERNAL MODULE: ./src/cluster/client.ts
var client = __webpack_require__(74931);
// EXTERNAL MODULE: ./src/load/duration.ts
var duration = __webpack_require__(2178);
// EXTERNAL MODULE: ./src/cluster/orchestrate.ts
var orchestrate = __webpack_require__(85734);
// EXTERNAL MODULE: external "node:http"
var external_node_http_ = __webpack_require__(37067);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(51455);
// EXTERNAL MODULE: ./node_modules/yaml/dist/index.js
var dist = __webpack_require__(38815);
;// CONCATENATED MODULE: ./src/simulator/faults.ts
const ENDPOINT_ALIASES = {
    chat: '/v1/chat/completions',
    bench: '/bench/chat/completions',
};
/** Live fault state: counts are decremented as requests are hit. */
class FaultState {
    rng;
    requestFaults = [];
    runnerFailure = null;
    placementFailuresRemaining = 0;
    constructor(rng) {
        this.rng = rng;
    }
    /** Replaces all faults (node loss is scheduled by the caller). */
    set(spec) {
        this.requestFaults = (spec.requests ?? []).map((fault) => ({
            fault,
            remaining: fault.count ?? Number.POSITIVE_INFINITY,
        }));
        this.runnerFailure = spec.runnerFailure
            ? { ...spec.runnerFailure, remaining: spec.runnerFailure.failures ?? 1 }
            : null;
        const placement = spec.placementFailure;
        this.placementFailuresRemaining =
            placement === true
                ? Number.POSITIVE_INFINITY
                : placement && typeof placement === 'object'
                    ? (placement.count ?? Number.POSITIVE_INFINITY)
                    : 0;
    }
    clear() {
        this.set({});
    }
    /** Picks the faults of one request (consumes counts). */
    pick(endpointPath, model, stream) {
        const choice = {};
        for (const entry of this.requestFaults) {
            if (entry.remaining <= 0)
                continue;
            const f = entry.fault;
            if (f.kind === 'slow_headers' ? choice.slowHeaders : choice.fault)
                continue;
            if (f.model !== undefined && f.model !== model)
                continue;
            if (f.endpoint !== undefined && (ENDPOINT_ALIASES[f.endpoint] ?? f.endpoint) !== endpointPath)
                continue;
            if (f.stream !== undefined && f.stream !== stream)
                continue;
            const fraction = f.fraction ?? 1;
            if (fraction < 1 && this.rng.next() >= fraction)
                continue;
            entry.remaining--;
            if (f.kind === 'slow_headers')
                choice.slowHeaders = f;
            else
                choice.fault = f;
        }
        return choice;
    }
    /** True (and consumes one) when the next placement must fail silently. */
    takePlacementFailure() {
        if (this.placementFailuresRemaining <= 0)
            return false;
        this.placementFailuresRemaining--;
        return true;
    }
    /** The runner failure to apply to a new runner creation of `model`, if any (consumes one). */
    takeRunnerFailure(model) {
        const f = this.runnerFailure;
        if (!f || f.remaining <= 0)
            return null;
        if (f.model !== undefined && f.model !== model)
            return null;
        f.remaining--;
        return f;
    }
}
const REQUEST_KINDS = new Set([
    'http_error',
    'error_chunk',
    'eof',
    'stall',
    'slow_headers',
    'keep_alive_only',
]);
const HTTP_STATUSES = new Set([404, 422, 429, 500, 503]);
/** Checks a fault document (from JSON); returns a list of problems, empty when valid. */
function validateFaultSpec(value) {
    const problems = [];
    if (value === null || typeof value !== 'object' || Array.isArray(value))
        return ['faults must be an object'];
    const spec = value;
    for (const key of Object.keys(spec)) {
        if (!['requests', 'runnerFailure', 'placementFailure', 'nodeLoss'].includes(key)) {
            problems.push(`unknown fault key '${key}'`);
        }
    }
    if (spec.requests !== undefined) {
        if (!Array.isArray(spec.requests))
            problems.push('requests must be a list');
        else
            spec.requests.forEach((f, i) => {
                const r = f;
                if (!r || typeof r !== 'object')
                    return problems.push(`requests[${i}] must be an object`);
                if (typeof r.kind !== 'string' || !REQUEST_KINDS.has(r.kind)) {
                    problems.push(`requests[${i}].kind must be one of ${[...REQUEST_KINDS].join(', ')}`);
                }
                if (r.kind === 'http_error' && !HTTP_STATUSES.has(r.status)) {
                    problems.push(`requests[${i}].status must be one of 404, 422, 429, 500, 503`);
                }
                if (r.kind === 'stall' && typeof r.stallMs !== 'number')
                    problems.push(`requests[${i}].stallMs must be a number`);
                if (r.kind === 'slow_headers' && typeof r.delayMs !== 'number') {
                    problems.push(`requests[${i}].delayMs must be a number`);
                }
                for (const k of ['fraction', 'count', 'afterTokens']) {
                    if (r[k] !== undefined && (typeof r[k] !== 'number' || r[k] < 0)) {
                        problems.push(`requests[${i}].${k} must be a non-negative number`);
                    }
                }
                return undefined;
            });
    }
    if (spec.nodeLoss !== undefined) {
        if (!Array.isArray(spec.nodeLoss))
            problems.push('nodeLoss must be a list');
        else
            spec.nodeLoss.forEach((n, i) => {
                if (!n || typeof n.node !== 'number') {
                    problems.push(`nodeLoss[${i}].node must be a node index`);
                }
            });
    }
    if (spec.runnerFailure !== undefined &&
        (spec.runnerFailure === null || typeof spec.runnerFailure !== 'object')) {
        problems.push('runnerFailure must be an object');
    }
    return problems;
}

;// CONCATENATED MODULE: ./src/simulator/profile.ts
/**
 * The simulator's profile: cluster shape, timing model, model catalogue, openai-flavour options and
 * faults. Every field has a default (roughly a 1B 4-bit model on one Apple M3 Ultra); a profile file
 * (JSON or YAML) or an object overrides any subset.
 */



/** The built-in catalogue. */
const BUILTIN_MODELS = [
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
const DEFAULT_PROFILE = {
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
const MULTI_NODE_DEFAULTS = {
    probeIntervalMs: 10_000,
    nodeNetworkDelayMs: 1000,
    nodeBackendsDelayMs: 2000,
    electionMs: 3000,
    modelsOnDisk: false,
    downloadBytesPerSecond: 100_000_000,
};
/** A profile whose lifecycle takes ~100 ms and whose decode is fast: for tests. */
const FAST_TEST_PROFILE = {
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
class ProfileError extends Error {
    constructor(message) {
        super(message);
        this.name = 'ProfileError';
    }
}
/** Problems of `models`: a list of specs, each with a modelId, and nLayers and storageSizeBytes unless built in. */
function modelsProblems(value) {
    if (!Array.isArray(value))
        return ['models must be a list'];
    const problems = [];
    value.forEach((model, index) => {
        const spec = model;
        if (!spec || typeof spec.modelId !== 'string')
            problems.push(`models[${index}].modelId must be a string`);
        else if (typeof spec.nLayers !== 'number' || typeof spec.storageSizeBytes !== 'number') {
            const builtin = BUILTIN_MODELS.some((builtinModel) => builtinModel.modelId === spec.modelId);
            if (!builtin)
                problems.push(`models[${index}] needs nLayers and storageSizeBytes`);
        }
    });
    return problems;
}
/** Problems of `openai`: a mapping of known fields, each of its default's type (stopAfterTokens: a number or null). */
function openaiProblems(value) {
    if (value === null || typeof value !== 'object')
        return ['openai must be a mapping'];
    const problems = [];
    for (const [field, fieldValue] of Object.entries(value)) {
        const defaultValue = DEFAULT_PROFILE.openai[field];
        if (defaultValue === undefined)
            problems.push(`unknown field 'openai.${field}'`);
        else if (field === 'stopAfterTokens'
            ? fieldValue !== null && typeof fieldValue !== 'number'
            : typeof fieldValue !== typeof defaultValue) {
            problems.push(`openai.${field} must be a ${typeof defaultValue}`);
        }
    }
    return problems;
}
/** Problems of one known field's value: its own rule, else the type of its default (numbers finite, ≥ 0). */
function fieldProblems(key, value, expected) {
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
    if (typeof value !== typeof expected)
        return [`${key} must be a ${typeof expected}`];
    if (typeof value === 'number' && (!Number.isFinite(value) || value < 0))
        return [`${key} must be a finite number ≥ 0`];
    return [];
}
/** Checks field types against the defaults and merges `override` onto them. */
function resolveProfile(override = {}, source = 'profile', nodeCount = 1) {
    if (override === null || typeof override !== 'object' || Array.isArray(override)) {
        throw new ProfileError(`${source}: the profile must be a mapping`);
    }
    const problems = [];
    const defaults = DEFAULT_PROFILE;
    const given = override;
    for (const [key, value] of Object.entries(given)) {
        if (!(key in defaults)) {
            problems.push(`unknown field '${key}'`);
            continue;
        }
        if (value === undefined)
            continue;
        problems.push(...fieldProblems(key, value, defaults[key]));
    }
    if (problems.length > 0)
        throw new ProfileError(`${source}: ${problems.join('; ')}`);
    const defined = Object.fromEntries(Object.entries(given).filter(([, fieldValue]) => fieldValue !== undefined));
    const profile = {
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
async function loadProfileFile(path, nodeCount = 1) {
    const text = await (0,promises_.readFile)(path, 'utf8');
    let parsed;
    try {
        parsed = path.endsWith('.json') ? JSON.parse(text) : (0,dist/* parse */.qg)(text);
    }
    catch (error) {
        throw new ProfileError(`${path}: ${error.message}`);
    }
    return resolveProfile((parsed ?? {}), path, nodeCount);
}
/** The catalogue: built-ins with the profile's `models` merged in (same ID → fields override). */
function buildCatalogue(profile) {
    const catalogue = new Map();
    const complete = (m) => ({
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
    for (const m of BUILTIN_MODELS)
        catalogue.set(m.modelId, complete(m));
    for (const m of profile.models) {
        const base = catalogue.get(m.modelId);
        catalogue.set(m.modelId, complete({ ...(base ?? {}), ...m }));
    }
    return catalogue;
}

// EXTERNAL MODULE: ./src/util/clock.ts
var clock = __webpack_require__(97110);
;// CONCATENATED MODULE: ./src/simulator/random.ts
/**
 * Seeded randomness for the simulator. Node IDs, instance/runner/task/command UUIDs, fault sampling and
 * EOS sampling all draw from one generator, so a fixed `--seed` replays the same cluster.
 */
/** A small, fast, seedable PRNG (sfc32). Not cryptographic: the simulator only needs repeatability. */
class Rng {
    a;
    b;
    c;
    d;
    constructor(seed) {
        // splitmix32 spreads a small integer seed over the four words so nearby seeds diverge at once.
        let s = seed >>> 0;
        const next = () => {
            s = (s + 0x9e3779b9) >>> 0;
            let z = s;
            z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
            z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
            return (z ^ (z >>> 16)) >>> 0;
        };
        this.a = next();
        this.b = next();
        this.c = next();
        this.d = next();
        for (let i = 0; i < 12; i++)
            this.uint32();
    }
    /** A uniformly distributed unsigned 32-bit integer. */
    uint32() {
        const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
        this.d = (this.d + 1) >>> 0;
        this.a = this.b ^ (this.b >>> 9);
        this.b = (this.c + (this.c << 3)) >>> 0;
        this.c = (this.c << 21) | (this.c >>> 11);
        this.c = (this.c + t) >>> 0;
        return t;
    }
    /** A float in [0, 1). */
    next() {
        return this.uint32() / 4294967296;
    }
    /** An integer in [min, max] (both inclusive). */
    int(min, max) {
        return min + Math.floor(this.next() * (max - min + 1));
    }
    /** `length` lowercase hex characters (EXO node IDs are 32 of them). */
    hex(length) {
        let out = '';
        while (out.length < length)
            out += this.uint32().toString(16).padStart(8, '0');
        return out.slice(0, length);
    }
    /** A UUID4 string, as EXO uses for instance, runner, task and command IDs. */
    uuid4() {
        const h = this.hex(32).split('');
        h[12] = '4';
        h[16] = '89ab'[parseInt(h[16] ?? '0', 16) & 3] ?? '8';
        const s = h.join('');
        return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
    }
}
/**
 * Wall-clock epoch milliseconds with sub-millisecond precision (ground truth and timing): the engine's
 * own clock function, so the client's and the simulator's timestamps compare directly.
 */


;// CONCATENATED MODULE: ./src/simulator/ground-truth.ts
/**
 * Ground truth: what the simulator really did with every chat/bench request, so a benchmark's own
 * measurements can be checked against it (`GET /_simulator/requests`).
 */
/** A bounded log of records, oldest dropped first. */
class GroundTruthLog {
    capacity;
    buffer = [];
    start = 0;
    constructor(capacity) {
        this.capacity = capacity;
    }
    add(record) {
        if (this.capacity <= 0)
            return;
        if (this.buffer.length < this.capacity) {
            this.buffer.push(record);
            return;
        }
        // Full: overwrite the oldest slot (a ring) instead of shifting a million-entry array.
        this.buffer[this.start] = record;
        this.start = (this.start + 1) % this.capacity;
    }
    get size() {
        return this.buffer.length;
    }
    /** Records oldest first, from `offset` (0 = oldest kept), at most `limit`. */
    list(offset = 0, limit = Number.POSITIVE_INFINITY) {
        const out = [];
        const n = this.buffer.length;
        for (let i = Math.max(0, offset); i < n && out.length < limit; i++) {
            const r = this.buffer[(this.start + i) % n];
            if (r)
                out.push(r);
        }
        return out;
    }
    clear() {
        this.buffer.length = 0;
        this.start = 0;
    }
}

;// CONCATENATED MODULE: ./src/simulator/election.ts
/** Seniority of a node started with `--force-master` / `-m`. */
const FORCED_MASTER_SENIORITY = 1_000_000;
/** The election state of the cluster. */
class Election {
    durationMs;
    tieBreak;
    candidates;
    onResult;
    /** Index of the current master (null before the first node started). */
    masterIndex = null;
    /** Epoch ms at which the running campaign ends (0: none running). */
    endsAtMs = 0;
    /** How many campaigns have ended (observable through the control server). */
    completed = 0;
    timer = null;
    waiters = [];
    settledPromise = null;
    constructor(durationMs, tieBreak, candidates, 
    /** Called when a campaign ends with a winner; `changed` when the master is another node. */
    onResult) {
        this.durationMs = durationMs;
        this.tieBreak = tieBreak;
        this.candidates = candidates;
        this.onResult = onResult;
    }
    /** True while a campaign runs. */
    get running() {
        return this.timer !== null;
    }
    /** Null when no campaign runs (the fast path of every command), else a promise of its end. */
    settled() {
        if (this.timer === null)
            return null;
        return (this.settledPromise ??= new Promise((resolve) => this.waiters.push(resolve)));
    }
    /**
     * A node joined or left: a new campaign starts (cancelling a running one, as EXO's clock bump does).
     * With `durationMs` 0 it resolves at once.
     */
    trigger() {
        if (this.timer)
            clearTimeout(this.timer);
        this.timer = null;
        // A node's start-up campaign has no timeout (election.py: campaign_timeout=0.0).
        if (this.durationMs <= 0 || (this.masterIndex === null && this.candidates().length <= 1)) {
            this.finish();
            return;
        }
        this.endsAtMs = Date.now() + this.durationMs;
        this.timer = setTimeout(() => {
            this.timer = null;
            this.finish();
        }, this.durationMs);
        this.timer.unref();
    }
    /** The winner among `nodes` by EXO's ordering (exposed for tests of the rule). */
    static winner(nodes, tieBreak) {
        let best = null;
        for (const node of nodes) {
            if (!best) {
                best = node;
                continue;
            }
            const d = node.seniority - best.seniority ||
                node.commandsSeen - best.commandsSeen ||
                (tieBreak === 'newest'
                    ? node.startedSeq - best.startedSeq
                    : node.id < best.id
                        ? -1
                        : node.id > best.id
                            ? 1
                            : 0);
            if (d > 0)
                best = node;
        }
        return best;
    }
    finish() {
        this.endsAtMs = 0;
        const candidates = this.candidates();
        const winner = Election.winner(candidates, this.tieBreak);
        if (winner) {
            // election.py: the winner's seniority becomes max(seniority, number of candidates).
            winner.seniority = Math.max(winner.seniority, candidates.length);
            const changed = this.masterIndex !== winner.index;
            const first = this.masterIndex === null;
            this.masterIndex = winner.index;
            this.completed++;
            this.onResult(winner, changed && !first);
        }
        const waiters = this.waiters;
        this.waiters = [];
        this.settledPromise = null;
        for (const w of waiters)
            w();
    }
    /** Stops the timer (simulator shutdown); waiters are released. */
    stop() {
        if (this.timer)
            clearTimeout(this.timer);
        this.timer = null;
        const waiters = this.waiters;
        this.waiters = [];
        this.settledPromise = null;
        for (const w of waiters)
            w();
    }
}

;// CONCATENATED MODULE: ./src/simulator/topology.ts
/** Epoch ms of `node`'s first probe round at or after `atMs`. */
function nextProbeRound(node, atMs, intervalMs) {
    const first = node.upAtMs + node.probePhaseMs;
    if (atMs <= first)
        return first;
    return first + Math.ceil((atMs - first) / intervalMs) * intervalMs;
}
/** When `node`'s `nodeNetwork` entry exists from (epoch ms). */
function networkAtMs(node, profile) {
    return node.upAtMs + profile.nodeNetworkDelayMs;
}
/** When `node`'s `nodeBackends` entry exists from (epoch ms). */
function backendsAtMs(node, profile) {
    return node.upAtMs + profile.nodeBackendsDelayMs;
}
/**
 * Whether the edge source→sink exists at `nowMs`. The source's worker creates it at its first probe
 * round after it has synced the cluster state (one election after its start) and the sink has a
 * `nodeNetwork` entry; it deletes it at its first round after the sink stopped answering. A stopped
 * source probes no more: its edges stay as they were until it leaves the topology.
 */
function edgeExists(source, sink, nowMs, profile) {
    if (source === sink || !source.inTopology || !sink.inTopology)
        return false;
    const interval = profile.probeIntervalMs;
    const t = source.downAtMs !== null ? Math.min(nowMs, source.downAtMs) : nowMs;
    if (interval <= 0)
        return sink.downAtMs === null || sink.downAtMs > t;
    const from = Math.max(source.upAtMs + profile.electionMs, networkAtMs(sink, profile));
    const created = nextProbeRound(source, from, interval);
    if (created > t)
        return false;
    if (sink.downAtMs !== null && sink.downAtMs >= sink.upAtMs) {
        const deleted = nextProbeRound(source, Math.max(created, sink.downAtMs), interval);
        if (deleted <= t)
            return false;
    }
    return true;
}
/**
 * Whether the nodes (indices) form one simple directed cycle visiting all of them, as
 * `rx.simple_cycles` would list it: a single node always does; two need edges both ways.
 */
function formsCycle(nodes, edge) {
    if (nodes.length <= 1)
        return true;
    const [start, ...rest] = nodes;
    const used = new Set();
    const visit = (at) => {
        if (used.size === rest.length)
            return edge(at, start);
        for (const next of rest) {
            if (used.has(next) || !edge(at, next))
                continue;
            used.add(next);
            if (visit(next))
                return true;
            used.delete(next);
        }
        return false;
    };
    return visit(start);
}
/** Every subset of `pool` of `size` elements that contains all of `required` (lexicographic order). */
function* subsetsWith(pool, size, required) {
    const optional = pool.filter((n) => !required.includes(n));
    const need = size - required.length;
    if (need < 0 || need > optional.length)
        return;
    const pick = [];
    function* walk(from) {
        if (pick.length === need) {
            yield [...required, ...pick].sort((a, b) => a - b);
            return;
        }
        for (let i = from; i <= optional.length - (need - pick.length); i++) {
            pick.push(optional[i]);
            yield* walk(i + 1);
            pick.pop();
        }
    }
    yield* walk(0);
}

;// CONCATENATED MODULE: ./src/simulator/placement.ts


/** Backends each instance meta can run on (placement.py INSTANCE_META_BACKENDS), sorted as Python does. */
const META_BACKENDS = {
    MlxRing: ['MlxCpu', 'MlxCuda', 'MlxMetal'],
    MlxJaccl: ['MlxMetal'],
};
/** Above this many live nodes, cycles are searched only among the nodes with the most free RAM. */
const MAX_ENUMERATED_NODES = 12;
/**
 * The live nodes placement looks at: all of them, or with many the required ones and those with the
 * most free RAM; undefined when a required node is not live.
 */
function candidateNodes(cluster, requiredNodeIds) {
    let live = cluster.liveNodes();
    const required = live.filter((node) => requiredNodeIds.includes(node.id));
    if (required.length < requiredNodeIds.length)
        return undefined;
    if (live.length > MAX_ENUMERATED_NODES) {
        const others = live
            .filter((node) => !required.includes(node))
            .sort((a, b) => cluster.ramAvailable(b) - cluster.ramAvailable(a));
        live = [...required, ...others].slice(0, Math.max(MAX_ENUMERATED_NODES, required.length));
    }
    return { live, required };
}
function nodeAt(placement, index) {
    return placement.byIndex.get(index);
}
/** Free RAM of a cycle's nodes together. */
function ramOf(placement, cycle) {
    return cycle.reduce((sum, index) => sum + placement.cluster.ramAvailable(nodeAt(placement, index)), 0);
}
/**
 * The cycles of the smallest size (at least `minNodes`, every required node) with enough free RAM, and
 * for Tensor a size that divides the hidden size and the KV heads; or EXO's error.
 */
function smallestCycles(placement, sharding, minNodes, pool, requiredIndices) {
    const { cluster, spec, modelId, now } = placement;
    const edge = (from, to) => cluster.edgeExists(nodeAt(placement, from), nodeAt(placement, to), now);
    const tensorOk = (size) => spec.hiddenSize % size === 0 && spec.numKeyValueHeads % size === 0;
    let anyWithMemory = false;
    for (let size = Math.max(1, minNodes, requiredIndices.length); size <= pool.length; size++) {
        const withMemory = [];
        for (const subset of subsetsWith(pool, size, requiredIndices)) {
            if (ramOf(placement, subset) >= spec.storageSizeBytes && formsCycle(subset, edge))
                withMemory.push(subset);
        }
        if (withMemory.length === 0)
            continue;
        anyWithMemory = true;
        if (sharding === 'Tensor' && !spec.supportsTensor) {
            return {
                error: `Requested Tensor sharding but this model does not support tensor parallelism: ${modelId}`,
            };
        }
        if (sharding === 'Tensor' && !tensorOk(size))
            continue;
        return withMemory;
    }
    if (!anyWithMemory)
        return { error: 'No cycles found with sufficient memory' };
    return {
        error: `No tensor sharding found for model with hidden_size=${spec.hiddenSize}, num_key_value_heads=${spec.numKeyValueHeads} across candidate cycles`,
    };
}
/** The cycle with the most of the model downloaded, then the most free RAM; the first on a tie. */
function bestCycle(placement, cycles) {
    const score = (cycle) => cycle.reduce((sum, index) => sum + placement.cluster.downloadFraction(nodeAt(placement, index).id, placement.modelId), 0);
    let best = cycles[0];
    for (const cycle of cycles.slice(1)) {
        const difference = score(cycle) - score(best);
        if (difference > 0 || (difference === 0 && ramOf(placement, cycle) > ramOf(placement, best)))
            best = cycle;
    }
    return best;
}
/** Computes (without creating) the instance EXO would place, or EXO's error message. */
function placeInstance(cluster, modelId, sharding, meta, minNodes, requiredNodeIds = []) {
    const spec = cluster.catalogue.get(modelId);
    if (!spec)
        return { error: `Model card not found: ${modelId}` };
    const now = (0,clock/* preciseNowMs */.no)();
    const candidates = candidateNodes(cluster, requiredNodeIds);
    if (!candidates)
        return { error: 'No cycles found with sufficient memory' };
    const { live, required } = candidates;
    const placement = {
        cluster,
        modelId,
        spec,
        byIndex: new Map(live.map((node) => [node.index, node])),
        now,
    };
    const pool = live.map((node) => node.index);
    const requiredIndices = required.map((node) => node.index);
    const smallest = smallestCycles(placement, sharding, minNodes, pool, requiredIndices);
    if (!Array.isArray(smallest))
        return smallest;
    const backends = META_BACKENDS[meta];
    const withBackends = smallest.filter((cycle) => cycle.every((index) => cluster.hasBackends(nodeAt(placement, index), now)));
    if (withBackends.length === 0) {
        const list = backends.map((backend) => `'${backend}'`).join(', ');
        return { error: `No cycle where every node supports a backend in [${list}] for ${modelId}` };
    }
    if (meta === 'MlxJaccl' && !cluster.profile.rdmaEnabled) {
        return { error: 'Requested RDMA (MlxJaccl) but no RDMA-connected cycles available' };
    }
    const chosen = bestCycle(placement, withBackends).map((index) => nodeAt(placement, index));
    // A single-node placement is always MlxRing + Pipeline, whatever was asked.
    return buildInstance(cluster, spec, chosen, chosen.length === 1 ? 'Pipeline' : sharding, chosen.length === 1 ? 'MlxRing' : meta);
}
function buildInstance(cluster, spec, chosen, sharding, meta) {
    const instanceId = cluster.rng.uuid4();
    const runnerToShard = {};
    const nodeToRunner = {};
    const memoryDeltaByNode = {};
    const k = chosen.length;
    let start = 0;
    chosen.forEach((node, rank) => {
        const runnerId = cluster.rng.uuid4();
        let startLayer = 0;
        let endLayer = spec.nLayers;
        let bytes = Math.floor(spec.storageSizeBytes / k);
        if (sharding === 'Pipeline') {
            const layers = Math.floor(spec.nLayers / k) + (rank < spec.nLayers % k ? 1 : 0);
            startLayer = start;
            endLayer = start + layers;
            start = endLayer;
            bytes = Math.floor((spec.storageSizeBytes * layers) / spec.nLayers);
        }
        runnerToShard[runnerId] = {
            [`${sharding}ShardMetadata`]: {
                modelCard: cluster.modelCard(spec),
                deviceRank: rank,
                worldSize: k,
                immediateException: false,
                shouldTimeout: null,
                startLayer,
                endLayer,
                nLayers: spec.nLayers,
            },
        };
        nodeToRunner[node.id] = runnerId;
        memoryDeltaByNode[node.id] = bytes;
    });
    const port = cluster.rng.int(49152, 65535);
    const shardAssignments = { modelId: spec.modelId, runnerToShard, nodeToRunner };
    let body;
    if (meta === 'MlxRing') {
        const hostsByNode = {};
        chosen.forEach((node, i) => {
            hostsByNode[node.id] = chosen.map((_peer, j) => ({ ip: i === j ? '0.0.0.0' : '127.0.0.1', port }));
        });
        body = { MlxRingInstance: { instanceId, shardAssignments, hostsByNode, ephemeralPort: port } };
    }
    else {
        const jacclCoordinators = {};
        for (const node of chosen)
            jacclCoordinators[node.id] = `127.0.0.1:${port}`;
        const jacclDevices = chosen.map((_a, i) => chosen.map((_b, j) => (i === j ? null : `rdma_en${3 + j}`)));
        body = { MlxJacclInstance: { instanceId, shardAssignments, jacclDevices, jacclCoordinators } };
    }
    return { instance: body, nodeIds: chosen.map((n) => n.id), memoryDeltaByNode };
}
/** Every preview, de-duplicated by (sharding, meta, nodes), as `/instance/previews` lists them. */
function listPreviews(cluster, modelId, requiredNodeIds) {
    const out = [];
    const seen = new Set();
    const live = cluster.liveNodes().length;
    for (const sharding of ['Pipeline', 'Tensor']) {
        for (const meta of ['MlxRing', 'MlxJaccl']) {
            for (let minNodes = 1; minNodes <= live; minNodes++) {
                const result = placeInstance(cluster, modelId, sharding, meta, minNodes, requiredNodeIds);
                const key = `${sharding}|${meta}|${'error' in result ? `!${result.error}` : result.nodeIds.join(',')}`;
                if (seen.has(key))
                    continue;
                seen.add(key);
                out.push('error' in result
                    ? {
                        model_id: modelId,
                        sharding,
                        instance_meta: meta,
                        instance: null,
                        memory_delta_by_node: null,
                        error: result.error,
                    }
                    : {
                        model_id: modelId,
                        sharding,
                        instance_meta: meta,
                        instance: result.instance,
                        memory_delta_by_node: result.memoryDeltaByNode,
                        error: null,
                    });
            }
        }
    }
    return out;
}

;// CONCATENATED MODULE: ./src/simulator/tokenizer.ts
/**
 * A deterministic stand-in tokenizer. Real tokenizers are unavailable (no model files here), but the
 * benchmark needs `usage.prompt_tokens` to depend on the text the way a real one does: roughly one
 * token per word or punctuation mark, long words split every 4 characters, plus a fixed chat-template
 * overhead per message and per request (Llama 3's template adds a header per message and a system
 * preamble per request).
 */
/** Defaults of {@link TemplateTokens}. */
const DEFAULT_TEMPLATE_TOKENS = {
    templateTokensPerMessage: 5,
    templateTokensPerRequest: 26,
};
/** Prefix-cache granularity: prompts are compared in blocks of this many tokens. */
const PREFIX_BLOCK_TOKENS = 16;
// Words (letters, digits, underscore, any script) or single other non-space characters.
const TOKEN_RE = /[\p{L}\p{N}_]+|[^\s\p{L}\p{N}_]/gu;
const WORD_PIECE_CHARS = 4;
/** Extracts the text of a message's `content` (string, a text part, or a list of parts). */
function contentText(content) {
    if (typeof content === 'string')
        return content;
    if (content === null || content === undefined)
        return null;
    const parts = Array.isArray(content) ? content : [content];
    let text = '';
    for (const part of parts) {
        if (typeof part === 'string')
            text += part;
        else if (part !== null && typeof part === 'object') {
            const p = part;
            if (typeof p.text === 'string')
                text += (text ? '\n' : '') + p.text;
        }
    }
    return text;
}
/** Incremental two-lane FNV-1a so that 53 bits of hash survive as a JS number. */
class PrefixHasher {
    h1 = 0x811c9dc5;
    h2 = 0x01000193 ^ 0x5bd1e995;
    count = 0;
    blockHashes = [];
    addToken(token) {
        let h1 = this.h1;
        let h2 = this.h2;
        for (let i = 0; i < token.length; i++) {
            const c = token.charCodeAt(i);
            h1 = Math.imul(h1 ^ c, 0x01000193);
            h2 = Math.imul(h2 ^ c, 0x01000193) ^ (h2 >>> 15);
        }
        // A separator keeps "ab"+"c" apart from "a"+"bc".
        h1 = Math.imul(h1 ^ 0x1f, 0x01000193);
        h2 = Math.imul(h2 ^ 0x1f, 0x01000193);
        this.h1 = h1;
        this.h2 = h2;
        this.count++;
        if (this.count % PREFIX_BLOCK_TOKENS === 0)
            this.blockHashes.push(this.value());
    }
    value() {
        return (this.h1 >>> 0) * 0x200000 + ((this.h2 >>> 0) & 0x1fffff);
    }
}
function addText(hasher, text) {
    TOKEN_RE.lastIndex = 0;
    for (let m = TOKEN_RE.exec(text); m !== null; m = TOKEN_RE.exec(text)) {
        const word = m[0];
        if (word.length <= WORD_PIECE_CHARS)
            hasher.addToken(word);
        else
            for (let i = 0; i < word.length; i += WORD_PIECE_CHARS)
                hasher.addToken(word.slice(i, i + WORD_PIECE_CHARS));
    }
}
/**
 * Tokenises a chat request the way the simulator's engine sees it: request overhead first, then per
 * message a role header and the content. Messages whose content is null are dropped, as EXO does.
 */
function fingerprintPrompt(messages, template = DEFAULT_TEMPLATE_TOKENS) {
    const hasher = new PrefixHasher();
    for (let i = 0; i < template.templateTokensPerRequest; i++)
        hasher.addToken(`\u0000req${i}`);
    for (const message of messages) {
        if (message === null || typeof message !== 'object')
            continue;
        const m = message;
        const text = contentText(m.content);
        if (text === null)
            continue;
        const role = typeof m.role === 'string' ? m.role : 'user';
        for (let i = 0; i < template.templateTokensPerMessage; i++)
            hasher.addToken(`\u0000${role}${i}`);
        addText(hasher, text);
    }
    return { tokenCount: hasher.count, blockHashes: hasher.blockHashes, fullHash: hasher.value() };
}
/** Number of tokens of a plain text (no template). */
function countTextTokens(text) {
    const hasher = new PrefixHasher();
    addText(hasher, text);
    return hasher.count;
}
/**
 * Prompt tokens the simulator reports in `usage.prompt_tokens` for these chat messages (OpenAI shape:
 * `{role, content}` with string or part-list content), template overhead included.
 */
function countPromptTokens(messages, template) {
    return fingerprintPrompt(messages, { ...DEFAULT_TEMPLATE_TOKENS, ...template }).tokenCount;
}
/**
 * Output vocabulary: what generated tokens say. Each entry is one token; the JSON-escaped forms are
 * precomputed so the hot path only concatenates strings.
 */
const OUTPUT_VOCABULARY = [
    ' the',
    ' cluster',
    ' of',
    ' and',
    ' model',
    ' to',
    ' a',
    ' in',
    ' token',
    ' is',
    ',',
    ' that',
    ' for',
    ' node',
    ' with',
    ' as',
    ' on',
    ' it',
    '.',
    ' be',
    ' this',
    ' by',
    ' memory',
    ' are',
    ' from',
    ' at',
    ' layer',
    ' an',
    ' we',
    ' can',
    ' which',
    ' batch',
    ' stream',
    ' or',
    ' has',
    ' not',
    ' its',
    ' more',
    ' each',
    ' time',
    ' first',
    ' one',
    ' will',
    ' data',
    ' runs',
    ' all',
    ' into',
    ' when',
    ' fast',
    ' load',
    ' Mac',
    ' ring',
    ' shard',
    ' if',
    ' then',
    ' so',
    ' out',
    ' new',
    ' also',
    ' over',
    ' after',
    ' best',
    ' way',
    '\n',
];
/** {@link OUTPUT_VOCABULARY} as JSON string literals (with quotes). */
const OUTPUT_VOCABULARY_JSON = OUTPUT_VOCABULARY.map((t) => JSON.stringify(t));
/** Index into the output vocabulary of token `index` of a request seeded with `tokenSeed`. */
function outputTokenIndex(tokenSeed, index) {
    return (tokenSeed + index * 7) % OUTPUT_VOCABULARY.length;
}
/** The text of the first `count` generated tokens of a request (non-streaming bodies). */
function outputText(tokenSeed, count) {
    let text = '';
    for (let i = 0; i < count; i++)
        text += OUTPUT_VOCABULARY[outputTokenIndex(tokenSeed, i)];
    return text;
}

;// CONCATENATED MODULE: ./src/simulator/engine.ts


/** One request being generated. Mutable on purpose: the hot path must not allocate. */
class Sequence {
    commandId;
    endpointPath;
    bench;
    stream;
    model;
    maxTokens;
    fingerprint;
    usePrefixCache;
    tokenSeed;
    record;
    sink;
    fault;
    state = 'waiting';
    /** Tokens the request will emit before finishing (≤ max_tokens; smaller when EOS is sampled). */
    outputTokens;
    finishReason;
    cachedTokens = 0;
    prefixCacheHit = 'none';
    tokensEmitted = 0;
    admittedAtMs = 0;
    firstTokenDueAtMs = 0;
    prefillMs = 0;
    promptTokensPerSecond = 0;
    nextProgressAtMs = Number.POSITIVE_INFINITY;
    progressProcessedTokens = 0;
    progressStepMs = 0;
    progressStepTokens = 0;
    /** No bytes at all until then (injected stall). */
    stallUntilMs = 0;
    stallDone = false;
    /** The engine tick in which this sequence emitted its first token (it sits out that tick's step). */
    startedAtTick = -1;
    /** Set by the cluster: the task entry (`TextGeneration` body) shown in `/state`. */
    task = null;
    instanceId = null;
    constructor(commandId, endpointPath, bench, stream, model, maxTokens, fingerprint, usePrefixCache, tokenSeed, record, sink, fault, outputTokens) {
        this.commandId = commandId;
        this.endpointPath = endpointPath;
        this.bench = bench;
        this.stream = stream;
        this.model = model;
        this.maxTokens = maxTokens;
        this.fingerprint = fingerprint;
        this.usePrefixCache = usePrefixCache;
        this.tokenSeed = tokenSeed;
        this.record = record;
        this.sink = sink;
        this.fault = fault;
        this.outputTokens = outputTokens;
        this.finishReason = outputTokens < maxTokens ? 'stop' : 'length';
    }
    get promptTokens() {
        return this.fingerprint.tokenCount;
    }
}
/** An LRU-ish set of prompt prefix blocks seen by one instance's KV cache. */
class PrefixCache {
    maxBlocks;
    minCachedTokens;
    blocks = new Map();
    /** Full-prompt hash → the prompt_tps of the prefill that stored it (reported again on exact hits). */
    full = new Map();
    /**
     * @param minCachedTokens partial hits shorter than this count as misses: every prompt shares the
     *   chat template's preamble, and a benchmark with unique prompts must not see hits from it.
     */
    constructor(maxBlocks, minCachedTokens = 0) {
        this.maxBlocks = maxBlocks;
        this.minCachedTokens = minCachedTokens;
    }
    lookup(fp) {
        const storedTps = this.full.get(fp.fullHash);
        if (storedTps !== undefined && fp.tokenCount > 0) {
            return { cachedTokens: Math.max(0, fp.tokenCount - 1), hit: 'exact', storedTps };
        }
        let blocks = 0;
        while (blocks < fp.blockHashes.length && this.blocks.has(fp.blockHashes[blocks]))
            blocks++;
        // The last prompt token is always recomputed (its logits start generation).
        const cachedTokens = Math.min(blocks * PREFIX_BLOCK_TOKENS, Math.max(0, fp.tokenCount - 1));
        if (cachedTokens <= this.minCachedTokens)
            return { cachedTokens: 0, hit: 'none', storedTps: 0 };
        return { cachedTokens, hit: 'partial', storedTps: 0 };
    }
    store(fp, promptTps) {
        for (const h of fp.blockHashes)
            this.blocks.set(h, true);
        this.full.set(fp.fullHash, promptTps);
        if (this.blocks.size > this.maxBlocks) {
            // Evict the oldest tenth (Map iterates in insertion order).
            let drop = Math.ceil(this.maxBlocks / 10);
            for (const key of this.blocks.keys()) {
                this.blocks.delete(key);
                if (--drop <= 0)
                    break;
            }
            if (this.full.size > this.maxBlocks)
                this.full.clear();
        }
    }
}
/** The batch scheduler of one instance. */
class InstanceEngine {
    timing;
    prefixCache;
    hooks;
    /** Runners are all Ready/Running: sequences may be admitted. */
    isReady = false;
    queue = [];
    active = [];
    decodingCount = 0;
    /**
     * The sequences of `active` in prefill, in admission order. Prefill events (first tokens, progress)
     * are found here, not by a pass over the whole batch: at 1,000 requests/s into a batch of 5,000,
     * every admission and every first token would otherwise visit all 5,000.
     */
    prefilling = [];
    /** Sequences of `active` finished in a tick and not yet compacted out. */
    doneCount = 0;
    tick = 0;
    timer = null;
    timerAtMs = Number.POSITIVE_INFINITY;
    nextStepAtMs = 0;
    onTimerBound = () => this.onTimer();
    constructor(timing, prefixCache, hooks) {
        this.timing = timing;
        this.prefixCache = prefixCache;
        this.hooks = hooks;
    }
    /** Sequences waiting for a batch slot. */
    get queuedCount() {
        return this.queue.length;
    }
    setReady(ready) {
        this.isReady = ready;
        if (ready)
            this.pump();
    }
    /** Adds a sequence: it waits until the runners are ready and a batch slot is free. */
    enqueue(seq) {
        seq.state = 'queued';
        this.queue.push(seq);
        this.pump();
    }
    /** Takes a sequence out (client gone, cancel, instance deleted). Idempotent. */
    remove(seq) {
        if (seq.state === 'queued') {
            const i = this.queue.indexOf(seq);
            if (i >= 0)
                this.queue.splice(i, 1);
            seq.state = 'done';
            return;
        }
        const i = this.active.indexOf(seq);
        if (i < 0)
            return;
        if (seq.state === 'decode')
            this.decodingCount--;
        else if (seq.state === 'prefill') {
            const j = this.prefilling.indexOf(seq);
            if (j >= 0)
                this.prefilling.splice(j, 1);
        }
        else if (seq.state === 'done')
            this.doneCount--;
        seq.state = 'done';
        this.active.splice(i, 1);
        this.hooks.left(seq);
        if (this.active.length === 0)
            this.hooks.idle();
        this.pump();
    }
    /** Every sequence, queued or active (for deletion). */
    all() {
        return [...this.active, ...this.queue];
    }
    /** Stops the timer (instance deleted). */
    stop() {
        this.isReady = false;
        if (this.timer)
            clearTimeout(this.timer);
        this.timer = null;
        this.timerAtMs = Number.POSITIVE_INFINITY;
    }
    stepMs() {
        const t = this.timing;
        const batch = Math.max(1, this.decodingCount);
        const perStreamRate = t.decodeTokensPerSecond / (1 + t.decodeSlowdownPerExtraStream * (batch - 1));
        return 1000 / perStreamRate + t.extraStepMs;
    }
    pump() {
        if (!this.isReady)
            return;
        const now = (0,clock/* preciseNowMs */.no)();
        while (this.active.length < this.timing.maxConcurrentRequests && this.queue.length > 0) {
            this.admit(this.queue.shift(), now);
        }
        this.schedule(now);
    }
    admit(seq, now) {
        const t = this.timing;
        const wokeIdleRunner = this.active.length === 0;
        let storedTps = 0;
        if (seq.usePrefixCache) {
            const hit = this.prefixCache.lookup(seq.fingerprint);
            seq.cachedTokens = hit.cachedTokens;
            seq.prefixCacheHit = hit.hit;
            storedTps = hit.storedTps;
        }
        const uncached = seq.promptTokens - seq.cachedTokens;
        const computeMs = (uncached / t.prefillTokensPerSecond) * 1000;
        seq.prefillMs = t.prefillOverheadMs + computeMs;
        seq.promptTokensPerSecond = storedTps || (seq.prefillMs > 0 ? uncached / (seq.prefillMs / 1000) : 0);
        seq.admittedAtMs = now;
        seq.firstTokenDueAtMs = now + seq.prefillMs;
        seq.state = 'prefill';
        this.prefilling.push(seq);
        const chunk = t.prefillProgressChunkTokens;
        if (chunk > 0 && uncached > chunk) {
            seq.progressStepTokens = chunk;
            seq.progressStepMs = (chunk / t.prefillTokensPerSecond) * 1000;
            seq.progressProcessedTokens = seq.cachedTokens;
            seq.nextProgressAtMs = now + t.prefillOverheadMs + seq.progressStepMs;
        }
        this.active.push(seq);
        this.hooks.admitted(seq, wokeIdleRunner);
    }
    schedule(now) {
        let at = Number.POSITIVE_INFINITY;
        for (const seq of this.prefilling) {
            if (seq.firstTokenDueAtMs < at)
                at = seq.firstTokenDueAtMs;
            if (seq.nextProgressAtMs < at)
                at = seq.nextProgressAtMs;
        }
        if (this.decodingCount > 0 && this.nextStepAtMs < at)
            at = this.nextStepAtMs;
        if (at === Number.POSITIVE_INFINITY) {
            if (this.timer)
                clearTimeout(this.timer);
            this.timer = null;
            this.timerAtMs = at;
            return;
        }
        if (this.timer && this.timerAtMs <= at)
            return;
        if (this.timer)
            clearTimeout(this.timer);
        this.timerAtMs = at;
        this.timer = setTimeout(this.onTimerBound, Math.max(0, at - now));
    }
    onTimer() {
        this.timer = null;
        this.timerAtMs = Number.POSITIVE_INFINITY;
        const now = (0,clock/* preciseNowMs */.no)();
        const tick = ++this.tick;
        // Timers fire up to ~1 ms late or early; treat events due within a quarter ms as due.
        const horizon = now + 0.25;
        // A pass over the whole batch costs per sequence: prefill events come from `prefilling` and the
        // compaction runs only when some sequence finished, so a plain decode step is one pass.
        let stillPrefilling = 0;
        for (let i = 0; i < this.prefilling.length; i++) {
            const seq = this.prefilling[i];
            while (seq.nextProgressAtMs <= horizon) {
                seq.progressProcessedTokens += seq.progressStepTokens;
                if (seq.progressProcessedTokens >= seq.promptTokens) {
                    seq.nextProgressAtMs = Number.POSITIVE_INFINITY;
                    break;
                }
                seq.sink.prefillProgress(seq, seq.progressProcessedTokens, seq.promptTokens);
                seq.nextProgressAtMs += seq.progressStepMs;
            }
            if (seq.firstTokenDueAtMs <= horizon) {
                seq.nextProgressAtMs = Number.POSITIVE_INFINITY;
                if (seq.usePrefixCache)
                    this.prefixCache.store(seq.fingerprint, seq.promptTokensPerSecond);
                if (this.decodingCount === 0)
                    this.nextStepAtMs = now + this.stepMs();
                seq.state = 'decode';
                this.decodingCount++;
                seq.startedAtTick = tick;
                this.emit(seq, now);
            }
            else {
                this.prefilling[stillPrefilling++] = seq;
            }
        }
        this.prefilling.length = stillPrefilling;
        if (this.decodingCount > 0 && this.nextStepAtMs <= horizon) {
            for (const seq of this.active) {
                if (seq.state === 'decode' && seq.startedAtTick !== tick)
                    this.emit(seq, now);
            }
            const step = this.stepMs();
            this.nextStepAtMs += step;
            if (this.nextStepAtMs < now)
                this.nextStepAtMs = now + step;
        }
        // Compact finished sequences out of the batch.
        const removed = this.doneCount > 0;
        if (removed) {
            let kept = 0;
            for (let i = 0; i < this.active.length; i++) {
                const seq = this.active[i];
                if (seq.state === 'done')
                    this.hooks.left(seq);
                else
                    this.active[kept++] = seq;
            }
            this.active.length = kept;
            this.doneCount = 0;
            if (kept === 0)
                this.hooks.idle();
        }
        if (removed)
            this.pump();
        else
            this.schedule(now);
    }
    /** Emits the next token of a decoding sequence, or applies its fault, or finishes it. */
    emit(seq, now) {
        if (seq.stallUntilMs > now)
            return;
        const fault = seq.fault;
        if (fault && seq.tokensEmitted >= (('afterTokens' in fault ? fault.afterTokens : 0) ?? 0)) {
            if (fault.kind === 'stall' && !seq.stallDone) {
                seq.stallDone = true;
                seq.stallUntilMs = now + fault.stallMs;
                return;
            }
            if (fault.kind === 'error_chunk') {
                this.finishSeq(seq);
                seq.sink.errorChunk(seq, fault.message ?? 'Runner shutdown before completing command (exitcode=1)');
                return;
            }
            if (fault.kind === 'eof') {
                this.finishSeq(seq);
                seq.sink.abort(seq, 'eof');
                return;
            }
        }
        if (seq.tokensEmitted < seq.outputTokens) {
            seq.sink.token(seq, seq.tokensEmitted);
            seq.tokensEmitted++;
        }
        if (seq.tokensEmitted >= seq.outputTokens) {
            this.finishSeq(seq);
            // The final chunk follows on the next turn of the event loop, not in this call: building it and
            // ending the response take a few hundred µs, and done synchronously they held the last token
            // back (measured: it reached the client 0.7-2.8 ms after its ground-truth time, in one read with
            // the final chunk, against 0.2-0.5 ms for the first token). The sink ignores a closed response.
            setImmediate(() => seq.sink.finish(seq));
        }
    }
    /** Marks a sequence of the batch done; the tick's compaction takes it out. */
    finishSeq(seq) {
        if (seq.state === 'decode')
            this.decodingCount--;
        if (seq.state !== 'done')
            this.doneCount++;
        seq.state = 'done';
    }
}

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(73024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
;// CONCATENATED MODULE: ./src/simulator/downloads.ts
/**
 * Model downloads (exo-api.md 2.3, 4.9, 12.3): per node, `DownloadPending` → `DownloadOngoing` →
 * `DownloadCompleted` at the profile's rate, and the models dirs that make a second run download
 * nothing: a completed download leaves `<dir>/<org>--<name>/config.json` in the node's writable models
 * dir (`EXO_DEFAULT_MODELS_DIR`), and a model found in a writable or read-only dir
 * (`EXO_MODELS_READ_ONLY_DIRS`) is `DownloadCompleted` as soon as the node starts.
 */



/** The folder name of a model in a models dir, as EXO's downloader names it (`org--name`). */
function modelFolderName(modelId) {
    return modelId.replaceAll('/', '--');
}
/** Where a model is on a node's disk: its folder and whether the dir is read-only; null if absent. */
function findModelOnDisk(node, modelId) {
    const folder = modelFolderName(modelId);
    for (const dir of node.writableModelsDirs) {
        const directory = (0,external_node_path_.join)(dir, folder);
        if ((0,external_node_fs_.existsSync)((0,external_node_path_.join)(directory, 'config.json')))
            return { directory, readOnly: false };
    }
    for (const dir of node.readOnlyModelsDirs) {
        const directory = (0,external_node_path_.join)(dir, folder);
        if ((0,external_node_fs_.existsSync)((0,external_node_path_.join)(directory, 'config.json')))
            return { directory, readOnly: true };
    }
    return null;
}
/** Writes the marker of a completed download into the node's first writable models dir. */
function writeModelMarker(node, spec) {
    const dir = node.writableModelsDirs[0];
    if (dir === undefined)
        return null;
    const directory = (0,external_node_path_.join)(dir, modelFolderName(spec.modelId));
    try {
        (0,external_node_fs_.mkdirSync)(directory, { recursive: true });
        const config = {
            model_type: spec.family,
            num_hidden_layers: spec.nLayers,
            hidden_size: spec.hiddenSize,
            num_key_value_heads: spec.numKeyValueHeads,
            simulated: 'exo-bench simulator: a marker of a completed download, not model weights',
        };
        (0,external_node_fs_.writeFileSync)((0,external_node_path_.join)(directory, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
        return directory;
    }
    catch {
        return null; // An unwritable dir only costs the next run a download, as in EXO.
    }
}
/** The directory `/state` shows for a model that is not on disk yet. */
function defaultModelDirectory(node, modelId) {
    const dir = node.writableModelsDirs[0] ?? '/Users/sim/.exo/models';
    return (0,external_node_path_.join)(dir, modelFolderName(modelId));
}
/** The shard of a whole model on one node (the `shardMetadata` of a download found at start). */
function wholeModelShard(card, spec) {
    return {
        PipelineShardMetadata: {
            modelCard: card,
            deviceRank: 0,
            worldSize: 1,
            immediateException: false,
            shouldTimeout: null,
            startLayer: 0,
            endLayer: spec.nLayers,
            nLayers: spec.nLayers,
        },
    };
}
/** Rejection of an aborted {@link sleep}. */
class Aborted extends Error {
}
/** setTimeout as a promise that rejects with {@link Aborted} when `signal` aborts. */
function sleep(ms, signal) {
    return new Promise((resolve, reject) => {
        if (signal.aborted)
            return reject(new Aborted());
        const timer = setTimeout(() => {
            signal.removeEventListener('abort', onAbort);
            resolve();
        }, Math.max(0, ms));
        const onAbort = () => {
            clearTimeout(timer);
            reject(new Aborted());
        };
        signal.addEventListener('abort', onAbort, { once: true });
    });
}
/**
 * Download entries per node of the instance; resolves when every node has the model (never, for a
 * node that left). Rejects with an abort error when `signal` aborts.
 */
function runDownloads(host, inst, signal) {
    const p = host.profile;
    const total = inst.card.storageSizeBytes;
    const waits = inst.nodeIds.map(async (nodeId, i) => {
        const node = host.nodeById(nodeId);
        const perNode = host.downloads.get(nodeId);
        if (!node || !perNode)
            return new Promise(() => undefined);
        const found = node.modelsOnDisk.has(inst.modelId) ? null : findModelOnDisk(node, inst.modelId);
        const common = (directory) => ({
            nodeId,
            shardMetadata: inst.shards[i],
            modelDirectory: directory,
        });
        if (node.modelsOnDisk.has(inst.modelId) || found) {
            const previous = perNode.get(inst.modelId)?.DownloadCompleted;
            const directory = found?.directory ?? previous?.modelDirectory;
            perNode.set(inst.modelId, {
                DownloadCompleted: {
                    ...common(directory ?? defaultModelDirectory(node, inst.modelId)),
                    total: { inBytes: total },
                    readOnly: found?.readOnly ?? previous?.readOnly ?? false,
                },
            });
            host.addBookkeepingTask('DownloadModel', inst, 'Complete');
            host.bump();
            return;
        }
        const directory = defaultModelDirectory(node, inst.modelId);
        const task = host.addBookkeepingTask('DownloadModel', inst, 'Pending');
        perNode.set(inst.modelId, {
            DownloadPending: { ...common(directory), downloaded: { inBytes: 0 }, total: { inBytes: total } },
        });
        host.bump();
        await sleep(p.runnerIdleMs / 2, signal);
        task.taskStatus = 'Running';
        const durationMs = (total / p.downloadBytesPerSecond) * 1000;
        const started = (0,clock/* preciseNowMs */.no)();
        for (;;) {
            const elapsed = (0,clock/* preciseNowMs */.no)() - started;
            const done = Math.min(total, Math.floor((elapsed / Math.max(1, durationMs)) * total));
            if (done >= total)
                break;
            perNode.set(inst.modelId, {
                DownloadOngoing: {
                    ...common(directory),
                    downloadProgress: {
                        total: { inBytes: total },
                        downloaded: { inBytes: done },
                        downloadedThisSession: { inBytes: done },
                        completedFiles: Math.floor((done / total) * 7),
                        totalFiles: 7,
                        speed: p.downloadBytesPerSecond,
                        etaMs: Math.round(durationMs - elapsed),
                        files: {},
                    },
                },
            });
            host.bump();
            await sleep(Math.min(250, durationMs / 4), signal);
        }
        // A real DownloadModel task stays Running forever after a download (exo-api.md 2.3).
        node.modelsOnDisk.add(inst.modelId);
        const written = writeModelMarker(node, inst.card);
        perNode.set(inst.modelId, {
            DownloadCompleted: { ...common(written ?? directory), total: { inBytes: total }, readOnly: false },
        });
        host.bump();
    });
    return Promise.all(waits).then(() => undefined);
}

;// CONCATENATED MODULE: ./src/simulator/lifecycle.ts

/** Walks the runner state machine (exo-api.md 4.9), with retries after injected failures. */
async function runLifecycle(cluster, inst) {
    const p = cluster.profile;
    const signal = inst.lifecycle.signal;
    try {
        await sleep(0, signal);
        for (;;) {
            inst.creations++;
            const failure = cluster.faults.takeRunnerFailure(inst.modelId);
            cluster.setRunners(inst, () => ({ RunnerIdle: {} }));
            for (const _ of inst.runnerIds)
                cluster.addBookkeepingTask('CreateRunner', inst, 'Complete');
            const downloaded = runDownloads(cluster, inst, signal);
            downloaded.catch(() => undefined);
            await sleep(p.runnerIdleMs, signal);
            if (inst.runnerIds.length > 1) {
                cluster.addBookkeepingTask('ConnectToGroup', inst, 'Complete');
                cluster.setRunners(inst, () => ({ RunnerConnecting: {} }));
                await sleep(p.runnerConnectMs, signal);
                cluster.setRunners(inst, () => ({ RunnerConnected: {} }));
                await sleep(p.runnerConnectMs, signal);
            }
            await downloaded;
            cluster.addBookkeepingTask('LoadModel', inst, 'Complete');
            const maxLayers = Math.max(1, ...inst.shardLayers);
            const failAt = failure
                ? Math.min(maxLayers, Math.max(0, failure.atLayer ?? Math.floor(maxLayers / 2)))
                : -1;
            for (let step = 0; step <= maxLayers; step++) {
                if (step === failAt) {
                    await failRunners(cluster, inst, failure, signal);
                    break;
                }
                cluster.setRunners(inst, (i) => {
                    const total = inst.shardLayers[i] ?? 0;
                    const loaded = Math.min(total, Math.round((step / maxLayers) * total));
                    const want = total > 0 ? Math.floor((inst.shardBytes[i] ?? 0) * (loaded / total)) : 0;
                    cluster.reserve(inst, i, want);
                    return { RunnerLoading: { layersLoaded: loaded, totalLayers: total } };
                });
                if (step < maxLayers)
                    await sleep(p.loadDurationMs / maxLayers, signal);
            }
            if (failAt >= 0) {
                if (inst.deleted)
                    return;
                continue;
            }
            inst.shardBytes.forEach((bytes, i) => cluster.reserve(inst, i, bytes));
            cluster.setRunners(inst, () => ({ RunnerLoaded: {} }));
            await sleep(p.runnerLoadedMs, signal);
            cluster.addBookkeepingTask('StartWarmup', inst, 'Complete');
            cluster.setRunners(inst, () => ({ RunnerWarmingUp: {} }));
            await sleep(p.warmupMs, signal);
            cluster.setRunners(inst, () => ({ RunnerReady: { prefillServerPort: null } }));
            inst.engine.setReady(true);
            return;
        }
    }
    catch (error) {
        if (!(error instanceof Aborted))
            throw error;
    }
}
/** RunnerFailed (latched for the back-off), then either retry or delete the instance. */
async function failRunners(cluster, inst, failure, signal) {
    const p = cluster.profile;
    const message = failure.errorMessage ?? 'Terminated (exitcode=1)\nRunner error: simulated failure';
    cluster.setRunners(inst, () => ({ RunnerFailed: { errorMessage: message, diagnostics: [] } }));
    inst.reservedBytes.forEach((_b, i) => cluster.reserve(inst, i, 0));
    for (const seq of inst.engine.all()) {
        if (seq.state === 'prefill' || seq.state === 'decode') {
            inst.engine.remove(seq);
            seq.sink.errorChunk(seq, message.split('\n')[0] ?? message);
        }
    }
    if (inst.creations >= p.maxRunnerCreations) {
        // EXO's worker deletes the instance after 5 creations; the failure stays visible briefly.
        await sleep(Math.min(p.retryBackoffBaseMs, 500), signal);
        cluster.deleteInstance(inst.id, 0);
        return;
    }
    const backoff = Math.min(p.retryBackoffCapMs, p.retryBackoffBaseMs * 2 ** (inst.creations - 1));
    await sleep(backoff, signal);
}

;// CONCATENATED MODULE: ./src/simulator/instances.ts



/** The shards of an instance's assignments, in node order: node, runner, shard and its layer count. */
function assignedShards(nodeToRunner, runnerToShard) {
    const nodeIds = [];
    const runnerIds = [];
    const shards = [];
    const shardLayers = [];
    for (const [nodeId, runnerId] of Object.entries(nodeToRunner)) {
        const shard = runnerToShard[runnerId];
        if (!shard)
            continue;
        const shardMetadata = Object.values(shard)[0];
        nodeIds.push(nodeId);
        runnerIds.push(runnerId);
        shards.push(shard);
        shardLayers.push(Math.max(0, shardMetadata.endLayer - shardMetadata.startLayer));
    }
    return { nodeIds, runnerIds, shards, shardLayers };
}
/** The memory each shard takes: an equal part of the model with tensor sharding, else its share of the layers. */
function shardMemoryBytes(card, shards, shardLayers) {
    const isTensor = shards.some((shard) => 'TensorShardMetadata' in shard);
    return shardLayers.map((layers) => isTensor
        ? Math.floor(card.storageSizeBytes / Math.max(1, shards.length))
        : Math.floor((card.storageSizeBytes * layers) / Math.max(1, card.nLayers)));
}
/** The instance's batch engine, timed by the profile, whose hooks move task statuses and runner Running/Ready. */
function createEngine(cluster, instance) {
    const profile = cluster.profile;
    const { card } = instance;
    return new InstanceEngine({
        prefillTokensPerSecond: profile.prefillTokensPerSecond * card.speedFactor,
        prefillOverheadMs: profile.prefillOverheadMs,
        decodeTokensPerSecond: profile.decodeTokensPerSecond * card.speedFactor,
        decodeSlowdownPerExtraStream: profile.decodeSlowdownPerExtraStream,
        extraStepMs: profile.interNodeStepMs * Math.max(0, instance.nodeIds.length - 1),
        maxConcurrentRequests: profile.maxConcurrentRequests,
        prefillProgressChunkTokens: profile.prefillProgressChunkTokens,
    }, new PrefixCache(profile.prefixCacheMaxBlocks, profile.templateTokensPerRequest + profile.templateTokensPerMessage), {
        admitted: (sequence, wokeIdleRunner) => {
            if (wokeIdleRunner) {
                if (sequence.task)
                    sequence.task.taskStatus = 'Running';
                cluster.setRunners(instance, () => ({ RunnerRunning: {} }));
            }
        },
        left: (sequence) => {
            if (sequence.task &&
                (sequence.task.taskStatus === 'Pending' || sequence.task.taskStatus === 'Running')) {
                sequence.task.taskStatus = 'Complete';
                cluster.bump();
            }
            instance.inFlight.delete(sequence);
        },
        idle: () => {
            if (!instance.deleted)
                cluster.setRunners(instance, () => ({ RunnerReady: { prefillServerPort: null } }));
        },
    });
}
/**
 * Registers an instance from its tagged camelCase JSON (validated by the caller) and starts its
 * runners. Posting an existing ID is a no-op.
 */
function createInstance(cluster, json, startLifecycle = true) {
    const variant = Object.keys(json)[0];
    const body = json[variant];
    const id = body.instanceId;
    if (cluster.instances.has(id))
        return cluster.instances.get(id) ?? null;
    const assignments = body.shardAssignments;
    const modelId = assignments.modelId;
    const { nodeIds, runnerIds, shards, shardLayers } = assignedShards(assignments.nodeToRunner, assignments.runnerToShard);
    const card = cluster.catalogue.get(modelId) ?? cardFromShard(cluster, modelId, shards[0]);
    const shardBytes = shardMemoryBytes(card, shards, shardLayers);
    const instance = {
        id,
        modelId,
        card,
        variant,
        json,
        nodeIds,
        runnerIds,
        shards,
        shardLayers,
        shardBytes,
        reservedBytes: shardBytes.map(() => 0),
        deleted: false,
        creations: 0,
        lifecycle: new AbortController(),
        // Set just below: the engine's hooks need the instance.
        engine: null,
        inFlight: new Set(),
    };
    instance.engine = createEngine(cluster, instance);
    cluster.instances.set(id, instance);
    cluster.bump();
    for (const waiter of [...cluster.instanceWaiters])
        waiter(instance);
    if (startLifecycle)
        void runLifecycle(cluster, instance);
    return instance;
}
function cardFromShard(cluster, modelId, shard) {
    const meta = shard ? Object.values(shard)[0] : {};
    const card = (meta.modelCard ?? {});
    const storage = card.storageSize?.inBytes;
    return buildCatalogue({
        ...cluster.profile,
        models: [
            {
                modelId,
                nLayers: typeof meta.nLayers === 'number' ? meta.nLayers : 16,
                storageSizeBytes: typeof storage === 'number' ? storage : 0,
            },
        ],
    }).get(modelId);
}

;// CONCATENATED MODULE: ./src/simulator/nodes.ts



/**
 * The node's process stops now: its API stops answering, it leaves elections (one starts), and it
 * leaves the topology (instances using it deleted) after `removalDelayMs` of silence.
 */
function killNode(cluster, index, removalDelayMs = 0) {
    const node = cluster.nodes[index];
    if (!node || !node.alive)
        return;
    node.alive = false;
    const downAt = (0,clock/* preciseNowMs */.no)();
    node.downAtMs = downAt;
    cluster.onNodeDeath(node);
    if (!node.isolated)
        cluster.election.trigger();
    const remove = () => {
        // A node that came back meanwhile stays.
        if (node.alive || node.downAtMs !== downAt || !node.inTopology)
            return;
        node.inTopology = false;
        cluster.downloads.delete(node.id);
        for (const inst of [...cluster.instances.values()]) {
            if (inst.nodeIds.includes(node.id))
                cluster.deleteInstance(inst.id, 0);
        }
        cluster.bump();
    };
    if (removalDelayMs > 0)
        cluster.later(removalDelayMs, remove);
    else
        remove();
}
/**
 * `POST /_simulator/nodes/{i}/start`: the node's process starts. Its API answers (the caller listens),
 * it joins the topology (links form per topology.ts) unless its namespace differs from the running
 * nodes', and an election starts. A restarted process is a new one: seniority and commands reset.
 */
async function startNode(cluster, index, options = {}) {
    const node = cluster.nodes[index];
    if (!node)
        return null;
    if (node.alive)
        return node;
    const namespace = options.namespace ?? 'default';
    const others = cluster.nodes.filter((n) => n !== node && n.alive && !n.isolated);
    node.isolated = others.length > 0 && others.some((n) => n.namespace !== namespace);
    node.namespace = namespace;
    node.forceMaster = options.forceMaster ?? false;
    node.seniority = node.forceMaster ? FORCED_MASTER_SENIORITY : 1;
    node.commandsSeen = 0;
    node.startedSeq = cluster.nextStartSeq();
    if (options.writableModelsDirs)
        node.writableModelsDirs = [...options.writableModelsDirs];
    if (options.readOnlyModelsDirs)
        node.readOnlyModelsDirs = [...options.readOnlyModelsDirs];
    const now = (0,clock/* preciseNowMs */.no)();
    node.upAtMs = now;
    node.downAtMs = null;
    node.lastSeenMs = now;
    node.alive = true;
    await cluster.onNodeStart(node);
    if (!node.isolated) {
        node.inTopology = true;
        if (!cluster.downloads.has(node.id))
            cluster.downloads.set(node.id, new Map());
        reportModelsFound(cluster, node);
        cluster.election.trigger();
    }
    cluster.bump();
    return node;
}
/** Models found in the node's models dirs are `DownloadCompleted` from its start (exo-api.md 12.3). */
function reportModelsFound(cluster, node) {
    const perNode = cluster.downloads.get(node.id);
    if (!perNode)
        return;
    for (const spec of cluster.catalogue.values()) {
        const found = findModelOnDisk(node, spec.modelId);
        if (!found)
            continue;
        perNode.set(spec.modelId, {
            DownloadCompleted: {
                nodeId: node.id,
                shardMetadata: wholeModelShard(cluster.modelCard(spec), spec),
                modelDirectory: found.directory,
                total: { inBytes: spec.storageSizeBytes },
                readOnly: found.readOnly,
            },
        });
    }
}
/**
 * A new master starts from an empty state (exo-api.md 12.2): instances, runners and tasks are gone,
 * open streams of the deleted instances end without `[DONE]`, and the event index restarts low.
 */
function resetState(cluster) {
    for (const inst of [...cluster.instances.values()]) {
        inst.deleted = true;
        inst.lifecycle.abort();
        for (const seq of inst.engine.all()) {
            inst.engine.remove(seq);
            inst.inFlight.delete(seq);
            seq.task = null;
            seq.sink.abort(seq, 'deleted');
        }
        inst.engine.stop();
        inst.reservedBytes.forEach((_b, i) => cluster.reserve(inst, i, 0));
    }
    cluster.instances.clear();
    cluster.runners.clear();
    cluster.tasks.clear();
    cluster.eventIdx = cluster.liveNodes().length;
}

;// CONCATENATED MODULE: ./src/simulator/state-json.ts


/** camelCase → snake_case for the SSE contexts (tags, which start uppercase, and IDs are kept). */
function toSnakeCase(value) {
    if (Array.isArray(value))
        return value.map(toSnakeCase);
    if (value === null || typeof value !== 'object')
        return value;
    const out = {};
    for (const [k, v] of Object.entries(value)) {
        const key = /^[a-z][a-zA-Z0-9]*$/.test(k) && /[A-Z]/.test(k)
            ? k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)
            : k;
        out[key] = toSnakeCase(v);
    }
    return out;
}
/** snake_case → camelCase (POST /instance accepts both spellings). */
function toCamelCase(value) {
    if (Array.isArray(value))
        return value.map(toCamelCase);
    if (value === null || typeof value !== 'object')
        return value;
    const out = {};
    for (const [k, v] of Object.entries(value)) {
        const key = /^[a-z][a-z0-9]*(_[a-z0-9]+)+$/.test(k)
            ? k.replace(/_([a-z0-9])/g, (_m, c) => c.toUpperCase())
            : k;
        out[key] = toCamelCase(v);
    }
    return out;
}
/** ISO-8601 with microseconds: `Z` in full `/state`, `+00:00` in `/state/<path>` (as EXO). */
function isoMicros(epochMs, suffix) {
    const whole = Math.floor(epochMs);
    const micros = Math.floor((epochMs - whole) * 1000);
    return `${new Date(whole).toISOString().slice(0, -1)}${String(micros).padStart(3, '0')}${suffix}`;
}
/** The camelCase model card (section 3 of exo-api.md). */
function modelCard(spec) {
    return {
        modelId: spec.modelId,
        storageSize: { inBytes: spec.storageSizeBytes },
        nLayers: spec.nLayers,
        hiddenSize: spec.hiddenSize,
        supportsTensor: spec.supportsTensor,
        numKeyValueHeads: spec.numKeyValueHeads,
        tasks: ['TextGeneration'],
        components: null,
        family: spec.family,
        quantization: spec.quantization,
        baseModel: spec.baseModel,
        capabilities: ['text'],
        backends: ['MlxMetal', 'MlxCuda', 'MlxCpu'],
        reasoningDialect: 'none',
        contextLength: spec.contextLength,
        usesCfg: false,
        trustRemoteCode: false,
        isCustom: false,
        vision: null,
        samplingDefaults: {
            temperature: 0.6,
            topP: 0.9,
            topK: null,
            minP: null,
            repetitionPenalty: null,
            presencePenalty: null,
            frequencyPenalty: null,
            thinking: null,
            nonThinking: null,
        },
    };
}
/** A `/models` entry (snake_case). */
function modelListEntry(spec) {
    return {
        id: spec.modelId,
        object: 'model',
        created: 1750582800,
        owned_by: 'exo',
        hugging_face_id: spec.modelId,
        name: spec.modelId.split('/').pop(),
        description: '',
        context_length: spec.contextLength,
        tags: [],
        storage_size_megabytes: Math.round(spec.storageSizeBytes / 1024 / 1024),
        supports_tensor: spec.supportsTensor,
        tasks: ['TextGeneration'],
        is_custom: false,
        family: spec.family,
        quantization: spec.quantization,
        base_model: spec.baseModel,
        capabilities: ['text'],
        reasoning_dialect: 'none',
    };
}
/**
 * `topology.connections`: source node → sink node → the edges between them, for every pair whose link
 * has formed by `now` (plus the RDMA interfaces when the profile has them).
 */
function connectionsJson(cluster, live, now) {
    const connections = {};
    for (const source of live) {
        const sinks = {};
        for (const sink of live) {
            if (!cluster.edgeExists(source, sink, now))
                continue;
            const edges = [
                {
                    sinkMultiaddr: {
                        address: `/ip4/127.0.0.1/tcp/${sink.port}`,
                        address_type: 'ip4',
                        ip_address: '127.0.0.1',
                        port: sink.port,
                    },
                },
            ];
            if (cluster.profile.rdmaEnabled)
                edges.push({
                    sourceRdmaIface: `rdma_en${3 + sink.index}`,
                    sinkRdmaIface: `rdma_en${3 + source.index}`,
                });
            sinks[sink.id] = edges;
        }
        if (Object.keys(sinks).length > 0)
            connections[source.id] = sinks;
    }
    return connections;
}
/** The whole `/state` document (camelCase). `tsSuffix` differs between `/state` and `/state/<path>`. */
function buildState(cluster, tsSuffix) {
    const live = cluster.liveNodes();
    const objectOf = (entries) => Object.fromEntries(entries);
    const busyNodes = new Set();
    for (const instance of cluster.instances.values())
        if (instance.engine.active.length > 0)
            for (const nodeId of instance.nodeIds)
                busyNodes.add(nodeId);
    const now = (0,clock/* preciseNowMs */.no)();
    const connections = connectionsJson(cluster, live, now);
    const networked = live.filter((node) => now >= networkAtMs(node, cluster.profile));
    const withBackends = live.filter((node) => cluster.hasBackends(node, now));
    const profile = cluster.profile;
    return {
        instances: objectOf([...cluster.instances.values()].map((instance) => [instance.id, instance.json])),
        runners: objectOf(cluster.runners),
        downloads: objectOf([...cluster.downloads].map(([nodeId, byModel]) => [nodeId, [...byModel.values()]])),
        tasks: objectOf(cluster.tasks),
        lastSeen: objectOf(live.map((node) => [node.id, isoMicros(node.lastSeenMs, tsSuffix)])),
        topology: { nodes: live.map((node) => node.id), connections },
        lastEventAppliedIdx: cluster.eventIdx,
        nodeIdentities: objectOf(live.map((node) => [
            node.id,
            {
                modelId: profile.hardwareModelId,
                chipId: profile.chipId,
                friendlyName: node.friendlyName,
                osVersion: '26.2',
                osBuildVersion: '25C56',
            },
        ])),
        nodeMemory: objectOf(live.map((node) => [
            node.id,
            {
                ramTotal: { inBytes: profile.nodeRamTotalBytes },
                ramAvailable: { inBytes: cluster.ramAvailable(node) },
                swapTotal: { inBytes: 0 },
                swapAvailable: { inBytes: 0 },
            },
        ])),
        nodeDisk: objectOf(live.map((node) => [
            node.id,
            { total: { inBytes: 994662584320 }, available: { inBytes: 500000000000 } },
        ])),
        nodeSystem: objectOf(live.map((node) => {
            const busy = busyNodes.has(node.id);
            return [
                node.id,
                {
                    gpuUsage: busy ? 0.85 : 0.02,
                    temp: busy ? 58.5 : 41.5,
                    sysPower: cluster.sysPowerWatts(node.id),
                    pcpuUsage: busy ? 0.2 : 0.05,
                    ecpuUsage: 0.1,
                },
            ];
        })),
        nodeNetwork: objectOf(networked.map((node) => [
            node.id,
            { interfaces: [{ name: 'en0', ipAddress: '127.0.0.1', interfaceType: 'ethernet' }] },
        ])),
        nodeThunderbolt: {},
        nodeThunderboltBridge: {},
        nodeRdmaCtl: {},
        nodeBackends: objectOf(withBackends.map((node) => [node.id, ['MlxCpu', 'MlxMetal']])),
        thunderboltBridgeCycles: [],
        instanceLinks: {},
        prefillServerPorts: {},
        customModelCards: {},
    };
}

;// CONCATENATED MODULE: ./src/simulator/cluster.ts











/** The shared cluster state and its behaviour. */
class SimCluster {
    profile;
    rng;
    nodes = [];
    catalogue;
    instances = new Map();
    runners = new Map();
    downloads = new Map();
    tasks = new Map();
    /** Open chat/bench requests by command ID (for `/v1/cancel`). */
    commands = new Map();
    faults;
    groundTruth;
    eventIdx = 0;
    tokensWritten = 0;
    activeStreams = 0;
    /** Callbacks of `/instance/await` requests, told about every new instance. */
    instanceWaiters = new Set();
    timers = new Set();
    heartbeat = null;
    startCounter = 0;
    election;
    /** Called when a node must stop answering (the HTTP layer closes its server). */
    onNodeStart = async () => undefined;
    /** Called when a node must stop answering (the HTTP layer closes its server). */
    onNodeDeath = () => undefined;
    constructor(profile, rng, nodeCount) {
        this.profile = profile;
        this.rng = rng;
        this.catalogue = buildCatalogue(profile);
        this.faults = new FaultState(rng);
        this.groundTruth = new GroundTruthLog(profile.groundTruthCapacity);
        const now = (0,clock/* preciseNowMs */.no)();
        const onDisk = profile.modelsOnDisk;
        const stopped = profile.nodesStartStopped;
        for (let i = 0; i < nodeCount; i++) {
            this.nodes.push({
                index: i,
                id: rng.hex(32),
                friendlyName: `sim-${i}`,
                port: 0,
                alive: !stopped,
                inTopology: !stopped,
                reservedBytes: 0,
                lastSeenMs: now,
                modelsOnDisk: new Set(onDisk === true ? [...this.catalogue.keys()] : onDisk === false ? [] : onDisk),
                writableModelsDirs: profile.modelsDir ? [profile.modelsDir] : [],
                readOnlyModelsDirs: [...profile.modelsReadOnlyDirs],
                forceMaster: false,
                seniority: 1,
                commandsSeen: 0,
                startedSeq: stopped ? 0 : ++this.startCounter,
                namespace: 'default',
                isolated: false,
                upAtMs: stopped ? Number.POSITIVE_INFINITY : now,
                downAtMs: null,
                probePhaseMs: 0,
                busy: { untilMs: 0, stateRequests: 0, stateBytes: 0, stateBusyMs: 0 },
            });
            // A node that has not started yet has no downloads entry (nodes.ts adds it at start).
            if (!stopped)
                this.downloads.set(this.nodes[i].id, new Map());
        }
        // Phases after the IDs, so that a seed gives the same node IDs as before links existed.
        for (const node of this.nodes)
            node.probePhaseMs = rng.next() * profile.probeIntervalMs;
        this.election = new Election(profile.electionMs, profile.electionTieBreak, () => this.nodes.filter((n) => n.alive && !n.isolated), (_winner, changed) => {
            if (changed)
                resetState(this);
        });
        if (!stopped) {
            for (const node of this.nodes)
                reportModelsFound(this, node);
            if (nodeCount > 1)
                this.election.trigger();
            else
                this.election.masterIndex = 0;
        }
    }
    /** Starts periodic node reports (lastSeen, lastEventAppliedIdx). */
    start() {
        this.heartbeat = setInterval(() => {
            const now = (0,clock/* preciseNowMs */.no)();
            for (const node of this.nodes) {
                if (!node.alive || !node.inTopology)
                    continue;
                node.lastSeenMs = now;
                this.eventIdx++;
            }
        }, this.profile.heartbeatIntervalMs);
        this.heartbeat.unref();
    }
    /** Stops every timer and lifecycle. */
    stop() {
        if (this.heartbeat)
            clearInterval(this.heartbeat);
        this.election.stop();
        for (const t of this.timers)
            clearTimeout(t);
        this.timers.clear();
        for (const inst of this.instances.values()) {
            inst.lifecycle.abort();
            inst.engine.stop();
        }
    }
    /** setTimeout that `stop()` cancels. */
    later(ms, fn) {
        const t = setTimeout(() => {
            this.timers.delete(t);
            fn();
        }, ms);
        this.timers.add(t);
    }
    bump() {
        this.eventIdx++;
    }
    /** Nodes in the cluster state (reporting, or silent for less than `nodeTimeoutMs`). */
    liveNodes() {
        return this.nodes.filter((n) => n.inTopology);
    }
    /** Whether the topology has the edge source→sink now (see topology.ts). */
    edgeExists(source, sink, now = (0,clock/* preciseNowMs */.no)()) {
        return edgeExists(source, sink, now, this.profile);
    }
    /** Whether the node's `nodeBackends` entry exists (placement needs it for every node of a cycle). */
    hasBackends(node, now = (0,clock/* preciseNowMs */.no)()) {
        return node.inTopology && now >= backendsAtMs(node, this.profile);
    }
    /** Download fraction of a model on a node (placement prefers the most downloaded cycle). */
    downloadFraction(nodeId, modelId) {
        const entry = this.downloads.get(nodeId)?.get(modelId);
        if (!entry)
            return 0;
        if ('DownloadCompleted' in entry)
            return 1;
        const ongoing = entry.DownloadOngoing;
        const progress = ongoing?.downloadProgress;
        if (progress)
            return progress.downloaded.inBytes / Math.max(1, progress.total.inBytes);
        return 0;
    }
    /**
     * A command (placement, creation, deletion, chat/bench request) is about to run: every running node
     * counts it (the election's second key). Resolves after a running election; null when none runs.
     */
    command() {
        const wait = this.election.settled();
        for (const node of this.nodes)
            if (node.alive)
                node.commandsSeen++;
        return wait;
    }
    nodeById(id) {
        return this.nodes.find((n) => n.id === id);
    }
    ramAvailable(node) {
        return Math.max(0, this.profile.nodeRamAvailableBytes - node.reservedBytes);
    }
    // ---------------------------------------------------------------- model cards
    /** The camelCase model card (section 3 of exo-api.md). */
    modelCard(spec) {
        return modelCard(spec);
    }
    /** A `/models` entry (snake_case). */
    modelListEntry(spec) {
        return modelListEntry(spec);
    }
    /** True if some node reports `DownloadCompleted` for the model. */
    isDownloadedAnywhere(modelId) {
        for (const perNode of this.downloads.values()) {
            const entry = perNode.get(modelId);
            if (entry && 'DownloadCompleted' in entry)
                return true;
        }
        return false;
    }
    // ---------------------------------------------------------------- placement
    /** Computes (without creating) the instance EXO would place (placement.ts). */
    place(modelId, sharding, meta, minNodes, requiredNodeIds = []) {
        return placeInstance(this, modelId, sharding, meta, minNodes, requiredNodeIds);
    }
    /** Every preview, as `/instance/previews` lists them (placement.ts). */
    previews(modelId, requiredNodeIds) {
        return listPreviews(this, modelId, requiredNodeIds);
    }
    // ---------------------------------------------------------------- instances
    /** Registers an instance from its tagged camelCase JSON and starts its runners (instances.ts). */
    createInstance(json, startLifecycle = true) {
        return createInstance(this, json, startLifecycle);
    }
    /** Resolves when an instance for `modelId` exists (or `timeoutMs` passes: null). */
    awaitInstance(modelId, timeoutMs, signal) {
        for (const inst of this.instances.values())
            if (inst.modelId === modelId && !inst.deleted)
                return Promise.resolve(inst);
        return new Promise((resolve) => {
            let timer = null;
            const done = (inst) => {
                this.instanceWaiters.delete(waiter);
                if (timer)
                    clearTimeout(timer);
                signal.removeEventListener('abort', onAbort);
                resolve(inst);
            };
            const waiter = (inst) => {
                if (inst.modelId === modelId)
                    done(inst);
            };
            const onAbort = () => done(null);
            this.instanceWaiters.add(waiter);
            signal.addEventListener('abort', onAbort, { once: true });
            if (timeoutMs > 0)
                timer = setTimeout(() => done(null), timeoutMs);
        });
    }
    setRunners(inst, status) {
        inst.runnerIds.forEach((rid, i) => this.runners.set(rid, status(i)));
        this.bump();
    }
    addBookkeepingTask(tag, inst, status) {
        const taskId = this.rng.uuid4();
        const body = { taskId, taskStatus: status, instanceId: inst.id };
        this.tasks.set(taskId, { [tag]: body });
        return body;
    }
    /** Sets the bytes runner `runnerIndex` holds on its node (memory is taken while loading). */
    reserve(inst, runnerIndex, bytes) {
        const node = this.nodeById(inst.nodeIds[runnerIndex] ?? '');
        const before = inst.reservedBytes[runnerIndex] ?? 0;
        inst.reservedBytes[runnerIndex] = bytes;
        if (node)
            node.reservedBytes += bytes - before;
    }
    /**
     * Deletes an instance after `delayMs`: its in-flight tasks become Cancelled, its streams end without
     * `[DONE]`, its runners shut down and then disappear, freeing memory. Returns false if unknown.
     */
    deleteInstance(id, delayMs = this.profile.deleteDelayMs) {
        const inst = this.instances.get(id);
        if (!inst || inst.deleted)
            return false;
        const run = () => {
            if (inst.deleted)
                return;
            inst.deleted = true;
            inst.lifecycle.abort();
            for (const seq of inst.engine.all()) {
                if (seq.task)
                    seq.task.taskStatus = 'Cancelled';
                inst.engine.remove(seq);
                inst.inFlight.delete(seq);
                seq.sink.abort(seq, 'deleted');
            }
            inst.engine.stop();
            this.instances.delete(id);
            this.addBookkeepingTask('Shutdown', inst, 'Complete');
            this.setRunners(inst, () => ({ RunnerShuttingDown: {} }));
            this.later(this.profile.shutdownMs, () => {
                for (const rid of inst.runnerIds)
                    this.runners.delete(rid);
                inst.reservedBytes.forEach((_b, i) => this.reserve(inst, i, 0));
                this.bump();
            });
        };
        if (delayMs > 0)
            this.later(delayMs, run);
        else
            run();
        return true;
    }
    // ---------------------------------------------------------------- requests
    /** The instance a new request for `model` goes to: fewest Pending+Running tasks, first on ties. */
    route(model) {
        let best = null;
        for (const inst of this.instances.values()) {
            if (inst.deleted || inst.modelId !== model)
                continue;
            if (!best || inst.inFlight.size < best.inFlight.size)
                best = inst;
        }
        return best;
    }
    /** Adds a request's TextGeneration task (Pending) and hands it to the instance's engine. */
    submit(inst, seq, messages, schedule = true) {
        const taskId = this.rng.uuid4();
        const body = {
            taskId,
            taskStatus: 'Pending',
            instanceId: inst.id,
            commandId: seq.commandId,
            taskParams: {
                model: seq.model,
                input: messages,
                max_output_tokens: seq.maxTokens,
                bench: seq.bench,
                stream: seq.stream,
                use_prefix_cache: seq.usePrefixCache,
            },
            errorType: null,
            errorMessage: null,
        };
        seq.task = body;
        seq.instanceId = inst.id;
        seq.record.instance_id = inst.id;
        this.tasks.set(taskId, { TextGeneration: body });
        this.commands.set(seq.commandId, seq);
        inst.inFlight.add(seq);
        this.bump();
        if (schedule)
            inst.engine.enqueue(seq);
    }
    /**
     * The HTTP response of a request ended: its task is removed, as EXO does, except when the client
     * went away (`clientGone`): EXO's `TaskFinished` send then runs in a cancelled scope and never
     * happens, so the task stays `Cancelled` for good, prompt included (exo-api.md 12.5).
     */
    endRequest(seq, clientGone = false) {
        this.commands.delete(seq.commandId);
        const inst = seq.instanceId ? this.instances.get(seq.instanceId) : undefined;
        if (inst) {
            inst.engine.remove(seq);
            inst.inFlight.delete(seq);
        }
        if (seq.task) {
            if (clientGone)
                seq.task.taskStatus = 'Cancelled';
            else
                this.tasks.delete(seq.task.taskId);
            seq.task = null;
            this.bump();
        }
    }
    /** `/v1/cancel/{id}`: the stream ends without `[DONE]`. */
    cancel(commandId) {
        const seq = this.commands.get(commandId);
        if (!seq || seq.state === 'done')
            return false;
        if (seq.task)
            seq.task.taskStatus = 'Cancelled';
        const inst = seq.instanceId ? this.instances.get(seq.instanceId) : undefined;
        inst?.engine.remove(seq);
        inst?.inFlight.delete(seq);
        seq.state = 'done';
        seq.sink.abort(seq, 'cancelled');
        return true;
    }
    // ---------------------------------------------------------------- nodes
    /** The node's process stops now; it leaves the topology after `removalDelayMs` (nodes.ts). */
    killNode(index, removalDelayMs = 0) {
        killNode(this, index, removalDelayMs);
    }
    /** `POST /_simulator/nodes/{i}/stop`: out of the topology after `nodeTimeoutMs` (nodes.ts). */
    stopNode(index) {
        killNode(this, index, this.profile.nodeTimeoutMs);
    }
    /** `POST /_simulator/nodes/{i}/start` (nodes.ts). */
    startNode(index, options = {}) {
        return startNode(this, index, options);
    }
    /** Hands out the order of node starts (the `newest` election tie-break). */
    nextStartSeq() {
        return ++this.startCounter;
    }
    // ---------------------------------------------------------------- state
    /** The whole `/state` document (camelCase); see state-json.ts. */
    buildState(tsSuffix) {
        return buildState(this, tsSuffix);
    }
    /** Simulated `sysPower` of a node: ~18 W idle, ~95 W while one of its instances generates. */
    sysPowerWatts(nodeId) {
        for (const inst of this.instances.values()) {
            if (inst.engine.active.length > 0 && inst.nodeIds.includes(nodeId))
                return 95;
        }
        return 18;
    }
}

;// CONCATENATED MODULE: ./src/simulator/responses.ts


/** `"<size in hex>\r\n"` heads of HTTP/1.1 body chunks, by size: token events repeat a few sizes. */
const CHUNK_HEADS = new Array(4096).fill(undefined);
function chunkHead(byteLength) {
    if (byteLength >= CHUNK_HEADS.length)
        return `${byteLength.toString(16)}\r\n`;
    return (CHUNK_HEADS[byteLength] ??= `${byteLength.toString(16)}\r\n`);
}
/** Sends a JSON body with Content-Length. */
function sendJson(res, status, body, headers = {}) {
    if (res.headersSent || res.destroyed)
        return;
    const text = JSON.stringify(body);
    res.writeHead(status, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(text),
        ...headers,
    });
    res.end(text);
}
/** EXO's handled-error envelope: `{"error":{"message","type":<reason phrase>,"param":null,"code"}}`. */
function errorEnvelope(status, message) {
    return { error: { message, type: external_node_http_.STATUS_CODES[status] ?? 'Error', param: null, code: status } };
}
/** Sends EXO's error envelope. */
function sendExoError(res, status, message) {
    sendJson(res, status, errorEnvelope(status, message));
}
/** Sends FastAPI's 422. */
function sendValidationError(res, detail) {
    sendJson(res, 422, { detail });
}
/** EXO's unhandled-exception answer: `500 text/plain Internal Server Error`. */
function sendPlain500(res) {
    if (res.headersSent || res.destroyed)
        return;
    res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8', 'content-length': 21 });
    res.end('Internal Server Error');
}
/** Reads a request body (≤ `limitBytes`); resolves null if the client went away or sent too much. */
function readBody(req, limitBytes = 64 * 1024 * 1024) {
    return new Promise((resolve) => {
        const chunks = [];
        let size = 0;
        let settled = false;
        const finish = (value) => {
            if (settled)
                return;
            settled = true;
            resolve(value);
        };
        req.on('data', (chunk) => {
            size += chunk.length;
            if (size > limitBytes) {
                finish(null);
                req.destroy();
                return;
            }
            chunks.push(chunk);
        });
        req.on('end', () => finish(Buffer.concat(chunks).toString('utf8')));
        req.on('error', () => finish(null));
        req.on('close', () => finish(settled ? null : Buffer.concat(chunks).toString('utf8')));
    });
}
const NEVER_BUSY = { untilMs: 0 };
/** One open HTTP response of a chat/bench request (or an `/instance/await` stream). */
class ResponseContext {
    res;
    nodeIndex;
    sse;
    record;
    busy;
    /** The socket is gone or the response ended: every write is dropped. */
    closed = false;
    /** Headers (and anything written before) are held back until this is true. */
    headersReleased = true;
    pending = '';
    status = 200;
    headers = {};
    /** Epoch ms of the last byte written (drives keep-alives). */
    lastWriteAtMs = (0,clock/* preciseNowMs */.no)();
    /** The sequence whose output this is, if any. */
    seq = null;
    /** Called once when the response is finished or the client left. */
    onClosed = null;
    constructor(res, nodeIndex, 
    /** SSE responses get keep-alives. */
    sse, record, 
    /** The serving node's busy clock: while busy (serving `/state`), writes wait for it. */
    busy = NEVER_BUSY) {
        this.res = res;
        this.nodeIndex = nodeIndex;
        this.sse = sse;
        this.record = record;
        this.busy = busy;
        res.on('close', () => this.handleClose());
        res.on('error', () => this.handleClose());
    }
    handleClose() {
        if (this.closed && !this.onClosed)
            return;
        this.closed = true;
        const cb = this.onClosed;
        this.onClosed = null;
        cb?.();
    }
    /** Delays the status line until `release()` (slow-headers fault). */
    holdHeaders() {
        this.headersReleased = false;
    }
    /** Sends the held status line and whatever was written meanwhile. */
    release() {
        if (this.headersReleased)
            return;
        this.headersReleased = true;
        if (this.res.destroyed)
            return;
        if (this.headSet) {
            this.res.writeHead(this.status, this.headers);
            if (this.pending)
                this.res.write(this.pending);
            this.pending = '';
            if (this.endPending)
                this.res.end();
        }
    }
    headSet = false;
    endPending = false;
    /** Sets status and headers (sent now, or at `release()`). */
    head(status, headers) {
        this.status = status;
        this.headers = headers;
        this.eventStream = Object.entries(headers).some(([name, value]) => name.toLowerCase() === 'content-type' && value.startsWith('text/event-stream'));
        this.headSet = true;
        const now = (0,clock/* preciseNowMs */.no)();
        if (this.headersReleased && now < this.busy.untilMs) {
            this.holdHeaders();
            setTimeout(() => this.release(), this.busy.untilMs - now);
            return;
        }
        if (this.headersReleased && !this.res.destroyed && !this.res.headersSent)
            this.res.writeHead(status, headers);
    }
    /**
     * Set by the runtime when the profile asks for write coalescing: text is appended to `pending` and
     * the runtime flushes every dirty context once per interval (fewer syscalls, coarser timing).
     */
    coalesce = null;
    coalescing = false;
    /** The socket of a chunked response whose header is out: body chunks go straight to it. */
    directSocket = null;
    headerFlushed = false;
    /** Whether `head()` declared `text/event-stream` (EXO's SSE and the openai flavour's alike). */
    eventStream = false;
    /** Text written while the node was busy, sent when it is free again (null: none waiting). */
    delayed = null;
    endAfterDelayed = false;
    /** Writes body text; dropped once closed; held while the serving node is busy. */
    write(text) {
        if (this.closed)
            return;
        const now = (0,clock/* preciseNowMs */.no)();
        this.lastWriteAtMs = now;
        if (this.delayed !== null || now < this.busy.untilMs) {
            if (this.delayed === null) {
                this.delayed = '';
                // Off the direct path until the held text is out (rawWrite takes the socket back).
                this.directSocket = null;
                this.scheduleDelayed(now);
            }
            this.delayed += text;
            return;
        }
        this.writeNow(text);
    }
    scheduleDelayed(now) {
        setTimeout(() => this.flushDelayed(), Math.max(0, this.busy.untilMs - now));
    }
    flushDelayed() {
        const now = (0,clock/* preciseNowMs */.no)();
        if (now < this.busy.untilMs)
            return this.scheduleDelayed(now);
        const text = this.delayed ?? '';
        this.delayed = null;
        if (this.res.destroyed)
            return;
        if (text)
            this.writeNow(text);
        if (this.endAfterDelayed) {
            this.endAfterDelayed = false;
            this.finishEnd();
        }
    }
    writeNow(text) {
        if (!this.headersReleased) {
            this.pending += text;
            return;
        }
        if (this.coalesce) {
            this.pending += text;
            if (!this.coalescing) {
                this.coalescing = true;
                this.coalesce(this);
            }
            return;
        }
        this.rawWrite(text);
    }
    /**
     * The per-token path: one SSE event whose UTF-8 size the caller knows (no `Buffer.byteLength`),
     * written as latin1 when it is all ASCII (the same bytes, copied instead of UTF-8 encoded), with the
     * clock reading the caller took for the ground truth (no second one for the keep-alive bookkeeping).
     * Anything but a plain chunked stream (held headers, coalescing, first chunk) takes `write`.
     */
    writeEvent(text, byteLength, ascii, atMs) {
        const socket = this.directSocket;
        if (socket === null ||
            this.coalesce !== null ||
            this.closed ||
            socket.destroyed ||
            atMs < this.busy.untilMs) {
            this.write(text);
            return;
        }
        this.lastWriteAtMs = atMs;
        socket.write(chunkHead(byteLength) + text + '\r\n', ascii ? 'latin1' : 'utf8');
    }
    /** Sends what coalescing held back. */
    flushCoalesced() {
        this.coalescing = false;
        if (!this.pending || this.res.destroyed)
            return;
        const text = this.pending;
        this.pending = '';
        this.rawWrite(text);
    }
    /**
     * Once the header of a chunked response is out, body chunks go straight to the socket with our own
     * chunk framing: `res.write` costs a cork, a nextTick and a 3-buffer writev per call, which dominates
     * at tens of thousands of tokens per second. Ordering is safe because the direct path is only taken
     * when nothing of the response's own is waiting (see `takeSocket`): from then on both paths end in the
     * same socket's write queue.
     */
    rawWrite(text) {
        const socket = this.directSocket ?? this.takeSocket();
        if (socket !== null && !socket.destroyed) {
            socket.write(chunkHead(Buffer.byteLength(text)) + text + '\r\n');
            return;
        }
        this.res.write(text);
    }
    /**
     * The socket of an event-stream response, once its header is in the socket's queue and the response
     * holds nothing back. Node 24.22 keeps `res.write` data in the response's own buffer until the next
     * tick and merges what piled up into one chunk: writing to the socket meanwhile put a token ahead of
     * the status line, and waiting for the flush merged the first token into the role chunk. So the
     * header is flushed on its own first (`flushHeaders`), and the socket is used only once the
     * response's `writableLength` (its own buffer and the socket's queue) is zero. On Node 20 and 24
     * alike every body chunk then goes direct, the first included.
     */
    takeSocket() {
        const res = this.res;
        const socket = res.socket;
        if (!this.eventStream || !socket || socket.destroyed)
            return null;
        if (!this.headerFlushed) {
            this.headerFlushed = true;
            res.flushHeaders();
        }
        if (!res.chunkedEncoding || res.writableLength !== 0) {
            return null;
        }
        this.directSocket = socket;
        return socket;
    }
    /** Ends the response (optionally with a last piece of text). */
    end(text) {
        if (this.closed)
            return;
        if (text)
            this.write(text);
        // No more writes (keep-alives included) from here on, even while the headers are held.
        this.closed = true;
        if (this.delayed !== null) {
            this.endAfterDelayed = true;
            return;
        }
        this.finishEnd();
    }
    finishEnd() {
        if (!this.headersReleased) {
            this.endPending = true;
            return;
        }
        if (this.coalesce)
            this.flushCoalesced();
        this.res.end();
        // The 'close' event follows; onClosed runs there so the task lives until the socket is done.
    }
    /** Kills the connection without a proper end (node loss, injected truncation). */
    destroy() {
        this.closed = true;
        this.res.destroy();
    }
}

;// CONCATENATED MODULE: ./src/simulator/sinks.ts



/** EXO's streaming response headers. */
const EXO_SSE_HEADERS = {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'close',
    'x-accel-buffering': 'no',
};
/** llama.cpp's streaming headers (chat_stream_headers.txt); Node adds Transfer-Encoding and Keep-Alive. */
const OPENAI_SSE_HEADERS = {
    'access-control-allow-origin': '',
    'x-accel-buffering': 'no',
    server: 'llama.cpp',
    'content-type': 'text/event-stream',
};
const DONE = 'data: [DONE]\n\n';
const EXO_TOKEN_SUFFIX = '}}]}\n\n';
/** What follows the per-request prefix of an EXO token event, by output token: `"text"}}]}\n\n`. */
const EXO_TOKEN_TAILS = OUTPUT_VOCABULARY_JSON.map((json) => json + EXO_TOKEN_SUFFIX);
/** UTF-8 sizes of {@link EXO_TOKEN_TAILS}. */
const EXO_TOKEN_TAIL_BYTES = EXO_TOKEN_TAILS.map((tail) => Buffer.byteLength(tail));
/** Whether every character is ASCII (then its latin1 and UTF-8 bytes are the same). */
function isAscii(text) {
    return Buffer.byteLength(text) === text.length;
}
const EXO_TOKEN_TAIL_ASCII = EXO_TOKEN_TAILS.map(isAscii);
function usageObject(seq, completionTokens) {
    return {
        prompt_tokens: seq.promptTokens,
        completion_tokens: completionTokens,
        total_tokens: seq.promptTokens + completionTokens,
        prompt_tokens_details: { cached_tokens: seq.cachedTokens, audio_tokens: 0 },
        completion_tokens_details: {
            reasoning_tokens: 0,
            audio_tokens: 0,
            accepted_prediction_tokens: 0,
            rejected_prediction_tokens: 0,
        },
    };
}
/** Shared bookkeeping of every sink: ground truth and counters. */
class BaseSink {
    cluster;
    ctx;
    constructor(cluster, ctx) {
        this.cluster = cluster;
        this.ctx = ctx;
    }
    /** Records token `index` in the ground truth; returns the time it stands for (epoch ms). */
    noteToken(seq, index) {
        const t = (0,clock/* preciseNowMs */.no)();
        const r = seq.record;
        if (index === 0)
            r.first_token_at_ms = t;
        r.last_token_at_ms = t;
        r.tokens_emitted = index + 1;
        this.cluster.tokensWritten++;
        return t;
    }
    settle(seq, outcome, finishReason) {
        const r = seq.record;
        if (r.outcome !== 'pending')
            return;
        r.outcome = outcome;
        r.finish_reason = finishReason;
        r.prompt_tokens = seq.promptTokens;
        r.cached_tokens = seq.cachedTokens;
        r.ended_at_ms = (0,clock/* preciseNowMs */.no)();
    }
    /** `generation_stats` (exo-api.md 6): `memoryKey` is `in_bytes` in SSE, `inBytes` in JSON. */
    generationStats(seq, memoryKey) {
        const r = seq.record;
        const spanMs = (r.last_token_at_ms ?? 0) - (r.first_token_at_ms ?? 0);
        const generationTps = seq.tokensEmitted > 1 && spanMs > 0 ? (seq.tokensEmitted - 1) / (spanMs / 1000) : 0;
        const inst = seq.instanceId ? this.cluster.instances.get(seq.instanceId) : undefined;
        const weights = inst ? (inst.shardBytes[0] ?? 0) : 0;
        // Peak memory = weights + a KV cache guess, over-reported by 2^30/10^9 like EXO.
        const peak = Math.round((weights + seq.promptTokens * 32_768 + 268_435_456) * (2 ** 30 / 1e9));
        return {
            prompt_tps: Math.round(seq.promptTokensPerSecond * 10) / 10,
            generation_tps: Math.round(generationTps * 10) / 10,
            prompt_tokens: seq.promptTokens,
            generation_tokens: seq.tokensEmitted,
            peak_memory_usage: { [memoryKey]: peak },
            prefix_cache_hit: seq.prefixCacheHit,
        };
    }
}
/** EXO SSE (`/v1/chat/completions` and `/bench/chat/completions` with `stream: true`). */
class ExoStreamSink extends BaseSink {
    /** A token event is `prefix + EXO_TOKEN_TAILS[token]`: one concatenation, its size a sum. */
    prefix;
    prefixBytes;
    prefixAscii;
    envelope;
    constructor(cluster, ctx, seq) {
        super(cluster, ctx);
        const created = Math.floor(Date.now() / 1000);
        this.envelope = `{"id":${JSON.stringify(seq.commandId)},"object":"chat.completion","created":${created},"model":${JSON.stringify(seq.model)}`;
        this.prefix = `data: ${this.envelope},"choices":[{"index":0,"delta":{"role":"assistant","content":`;
        this.prefixBytes = Buffer.byteLength(this.prefix);
        this.prefixAscii = this.prefixBytes === this.prefix.length;
    }
    prefillProgress(seq, processedTokens, totalTokens) {
        this.ctx.write(`: prefill_progress {"PrefillProgressChunk":{"model":${JSON.stringify(seq.model)},"processed_tokens":${processedTokens},"total_tokens":${totalTokens}}}\n\n`);
    }
    token(seq, index) {
        const atMs = this.noteToken(seq, index);
        const token = outputTokenIndex(seq.tokenSeed, index);
        this.ctx.writeEvent(this.prefix + EXO_TOKEN_TAILS[token], this.prefixBytes + EXO_TOKEN_TAIL_BYTES[token], this.prefixAscii && EXO_TOKEN_TAIL_ASCII[token], atMs);
    }
    finish(seq) {
        const final = `data: ${this.envelope},"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":"${seq.finishReason}"}],"usage":${JSON.stringify(usageObject(seq, seq.tokensEmitted))}}\n\n`;
        const stats = `: generation_stats ${JSON.stringify(this.generationStats(seq, 'in_bytes'))}\n\n`;
        this.settle(seq, 'completed', seq.finishReason);
        this.ctx.end(final + stats + DONE);
    }
    errorChunk(seq, message) {
        this.settle(seq, 'error_chunk', null);
        this.ctx.end(`data: ${JSON.stringify({ error: { message, type: 'InternalServerError', code: 500 } })}\n\n${DONE}`);
    }
    abort(seq, outcome) {
        this.settle(seq, outcome, null);
        this.ctx.end();
    }
}
/** EXO non-streaming chat (5.3) and bench (6) bodies; nothing is sent until the end. */
class ExoJsonSink extends BaseSink {
    prefillProgress() { }
    token(seq, index) {
        this.noteToken(seq, index);
    }
    body(seq, finishReason, complete) {
        const content = outputText(seq.tokenSeed, seq.tokensEmitted);
        const base = {
            id: seq.commandId,
            object: 'chat.completion',
            created: Math.floor(Date.now() / 1000),
            model: seq.model,
        };
        if (!seq.bench) {
            const choice = { index: 0, message: { role: 'assistant', content } };
            if (finishReason)
                choice.finish_reason = finishReason;
            const out = { ...base, choices: [choice] };
            if (complete)
                out.usage = usageObject(seq, seq.tokensEmitted);
            return out;
        }
        const r = seq.record;
        const end = (0,clock/* preciseNowMs */.no)();
        const first = r.first_token_at_ms;
        const elapsedS = (end - r.arrived_at_ms) / 1000;
        const prefillS = first !== null ? (first - r.arrived_at_ms) / 1000 : elapsedS;
        const generationS = first !== null ? (end - first) / 1000 : 0;
        const nodes = this.cluster.liveNodes().map((n) => {
            const watts = this.cluster.sysPowerWatts(n.id);
            return {
                node_id: n.id,
                samples: Math.max(1, Math.round(elapsedS)),
                avg_sys_power: watts,
                prefill_avg_sys_power: watts,
                generation_avg_sys_power: watts,
                prefill_energy_joules: round3(watts * prefillS),
                generation_energy_joules: round3(watts * generationS),
            };
        });
        const totalWatts = nodes.reduce((s, n) => s + n.avg_sys_power, 0);
        return {
            ...base,
            choices: [
                {
                    index: 0,
                    message: {
                        role: 'assistant',
                        content,
                        reasoning_content: null,
                        name: null,
                        tool_calls: null,
                        tool_call_id: null,
                        function_call: null,
                    },
                    logprobs: null,
                    finish_reason: finishReason,
                },
            ],
            usage: null,
            service_tier: null,
            generation_stats: complete ? this.generationStats(seq, 'inBytes') : null,
            power_usage: {
                elapsed_seconds: round3(elapsedS),
                nodes,
                total_avg_sys_power_watts: totalWatts,
                total_energy_joules: round3(totalWatts * elapsedS),
                prefill_seconds: round3(prefillS),
                generation_seconds: round3(generationS),
                prefill_energy_joules: round3(totalWatts * prefillS),
                generation_energy_joules: round3(totalWatts * generationS),
                prefill_avg_sys_power_watts: first !== null ? totalWatts : null,
                generation_avg_sys_power_watts: first !== null ? totalWatts : null,
            },
        };
    }
    sendBody(body) {
        const text = JSON.stringify(body);
        this.ctx.head(200, {
            'content-type': 'application/json',
            'content-length': String(Buffer.byteLength(text)),
        });
        this.ctx.end(text);
    }
    finish(seq) {
        this.settle(seq, 'completed', seq.finishReason);
        this.sendBody(this.body(seq, seq.finishReason, true));
    }
    /**
     * A generation that fails after the request was accepted (exo-api.md 12.6, reproduced): chat answers
     * HTTP 200 `application/json` with an EMPTY body; bench's error is wrapped in an exception group
     * that misses the JSON handler, so it is `500 text/plain Internal Server Error`.
     */
    errorChunk(seq, _message) {
        this.settle(seq, 'error_chunk', null);
        if (seq.bench) {
            seq.record.http_status = 500;
            this.ctx.head(500, { 'content-type': 'text/plain; charset=utf-8', 'content-length': '21' });
            this.ctx.end('Internal Server Error');
        }
        else {
            seq.record.http_status = 200;
            this.ctx.head(200, { 'content-type': 'application/json', 'content-length': '0' });
            this.ctx.end();
        }
    }
    abort(seq, outcome) {
        this.settle(seq, outcome, null);
        if (outcome === 'eof') {
            this.ctx.destroy();
        }
        else if (seq.tokensEmitted > 0) {
            this.sendBody(this.body(seq, null, false));
        }
        else if (!this.ctx.closed) {
            seq.record.http_status = 500;
            this.ctx.closed = true;
            sendPlain500(this.ctx.res);
        }
    }
}
function round3(x) {
    return Math.round(x * 1000) / 1000;
}
/** llama.cpp-style `timings` object. */
function timings(seq, completionTokens) {
    const r = seq.record;
    const uncached = seq.promptTokens - seq.cachedTokens;
    const predictedMs = (r.last_token_at_ms ?? 0) - (r.first_token_at_ms ?? 0);
    return {
        cache_n: seq.cachedTokens,
        prompt_n: uncached,
        prompt_ms: round3(seq.prefillMs),
        prompt_per_token_ms: uncached > 0 ? seq.prefillMs / uncached : 0,
        prompt_per_second: seq.promptTokensPerSecond,
        predicted_n: completionTokens,
        predicted_ms: round3(Math.max(0.001, predictedMs)),
        predicted_per_token_ms: completionTokens > 0 ? Math.max(0.001, predictedMs) / completionTokens : 0,
        predicted_per_second: predictedMs > 0 ? (completionTokens / predictedMs) * 1000 : 1_000_000,
    };
}
/** OpenAI-compatible SSE in the manner of llama.cpp (role-only first chunk, `chat.completion.chunk`). */
class OpenAiStreamSink extends BaseSink {
    options;
    tail;
    /** `}}]` + tail + `}\n\n`: what follows the delta's JSON string in a token chunk. */
    chunkEnd;
    chunkEndBytes;
    chunkEndAscii;
    created = Math.floor(Date.now() / 1000);
    buffered = '';
    bufferedKind = 'content';
    bufferedCount = 0;
    /** The output token of a one-token chunk (its JSON is precomputed); -1 otherwise. */
    bufferedToken = -1;
    bufferedAtMs = 0;
    constructor(cluster, ctx, options) {
        super(cluster, ctx);
        this.options = options;
        this.tail = `,"created":${this.created},"id":${JSON.stringify(options.responseId)},"model":${JSON.stringify(options.profile.model)},"system_fingerprint":${JSON.stringify(options.profile.systemFingerprint)},"object":"chat.completion.chunk"`;
        this.chunkEnd = `}}]${this.tail}}\n\n`;
        this.chunkEndBytes = Buffer.byteLength(this.chunkEnd);
        this.chunkEndAscii = this.chunkEndBytes === this.chunkEnd.length;
    }
    prefillProgress() { }
    flush() {
        if (this.bufferedCount === 0)
            return;
        const head = this.bufferedKind === 'content' ? OPENAI_CONTENT_HEAD : OPENAI_REASONING_HEAD;
        if (this.bufferedToken >= 0) {
            // One token per chunk (llama.cpp's default): no JSON.stringify, no byte count.
            const token = this.bufferedToken;
            this.ctx.writeEvent(head + OUTPUT_VOCABULARY_JSON[token] + this.chunkEnd, head.length + OUTPUT_VOCABULARY_JSON_BYTES[token] + this.chunkEndBytes, this.chunkEndAscii && OUTPUT_VOCABULARY_JSON_ASCII[token], this.bufferedAtMs);
        }
        else {
            this.ctx.write(head + JSON.stringify(this.buffered) + this.chunkEnd);
        }
        this.buffered = '';
        this.bufferedCount = 0;
        this.bufferedToken = -1;
    }
    token(seq, index) {
        const atMs = this.noteToken(seq, index);
        if (index === 0) {
            // llama.cpp sends the role-only chunk together with the first token.
            this.ctx.write(`data: {"choices":[{"finish_reason":null,"index":0,"delta":{"role":"assistant","content":null}}]${this.tail}}\n\n`);
        }
        const kind = index < this.options.profile.reasoningTokens ? 'reasoning_content' : 'content';
        if (kind !== this.bufferedKind)
            this.flush();
        this.bufferedKind = kind;
        const token = outputTokenIndex(seq.tokenSeed, index);
        this.buffered += OUTPUTS[token];
        this.bufferedToken = this.bufferedCount === 0 ? token : -1;
        this.bufferedAtMs = atMs;
        this.bufferedCount++;
        if (this.bufferedCount >= Math.max(1, this.options.profile.tokensPerChunk))
            this.flush();
    }
    completionTokens(seq) {
        // llama.cpp counts the EOS token of a stopped generation.
        return seq.tokensEmitted + (seq.finishReason === 'stop' ? 1 : 0);
    }
    finish(seq) {
        this.flush();
        if (seq.tokensEmitted === 0) {
            this.ctx.write(`data: {"choices":[{"finish_reason":null,"index":0,"delta":{"role":"assistant","content":null}}]${this.tail}}\n\n`);
        }
        const n = this.completionTokens(seq);
        const withUsage = this.options.includeUsage && this.options.profile.usage !== 'never';
        const t = JSON.stringify(timings(seq, n));
        let out = `data: {"choices":[{"finish_reason":"${seq.finishReason}","index":0,"delta":{}}]${this.tail}${withUsage ? '' : `,"timings":${t}`}}\n\n`;
        if (withUsage) {
            const usage = {
                completion_tokens: n,
                prompt_tokens: seq.promptTokens,
                total_tokens: seq.promptTokens + n,
                prompt_tokens_details: { cached_tokens: seq.cachedTokens },
            };
            out += `data: {"choices":[]${this.tail},"usage":${JSON.stringify(usage)},"timings":${t}}\n\n`;
        }
        this.settle(seq, 'completed', seq.finishReason);
        this.ctx.end(out + DONE);
    }
    errorChunk(seq, message) {
        this.flush();
        this.settle(seq, 'error_chunk', null);
        this.ctx.end(`data: ${JSON.stringify({ error: { code: 500, message, type: 'server_error' } })}\n\n${DONE}`);
    }
    abort(seq, outcome) {
        this.flush();
        this.settle(seq, outcome, null);
        // Without Connection: close the client could not tell the end; a cut stream closes the socket.
        this.ctx.destroy();
    }
}
const OUTPUTS = OUTPUT_VOCABULARY_JSON.map((j) => JSON.parse(j));
const OUTPUT_VOCABULARY_JSON_BYTES = OUTPUT_VOCABULARY_JSON.map((j) => Buffer.byteLength(j));
const OUTPUT_VOCABULARY_JSON_ASCII = OUTPUT_VOCABULARY_JSON.map(isAscii);
/** Token chunks of the OpenAI flavour start with one of these (ASCII), then the delta's JSON string. */
const OPENAI_CONTENT_HEAD = 'data: {"choices":[{"finish_reason":null,"index":0,"delta":{"content":';
const OPENAI_REASONING_HEAD = 'data: {"choices":[{"finish_reason":null,"index":0,"delta":{"reasoning_content":';
/** OpenAI-compatible non-streaming body (chat_nonstream.json). */
class OpenAiJsonSink extends BaseSink {
    options;
    constructor(cluster, ctx, options) {
        super(cluster, ctx);
        this.options = options;
    }
    prefillProgress() { }
    token(seq, index) {
        this.noteToken(seq, index);
    }
    finish(seq) {
        const reasoning = Math.min(seq.tokensEmitted, this.options.profile.reasoningTokens);
        const all = outputText(seq.tokenSeed, seq.tokensEmitted);
        const reasoningText = outputText(seq.tokenSeed, reasoning);
        const n = seq.tokensEmitted + (seq.finishReason === 'stop' ? 1 : 0);
        const message = { role: 'assistant', content: all.slice(reasoningText.length) };
        if (reasoning > 0)
            message.reasoning_content = reasoningText;
        const body = {
            choices: [{ finish_reason: seq.finishReason, index: 0, message }],
            created: Math.floor(Date.now() / 1000),
            model: this.options.profile.model,
            system_fingerprint: this.options.profile.systemFingerprint,
            object: 'chat.completion',
        };
        if (this.options.profile.usage !== 'never') {
            body.usage = {
                completion_tokens: n,
                prompt_tokens: seq.promptTokens,
                total_tokens: seq.promptTokens + n,
                prompt_tokens_details: { cached_tokens: seq.cachedTokens },
            };
        }
        body.id = this.options.responseId;
        body.timings = timings(seq, n);
        this.settle(seq, 'completed', seq.finishReason);
        const text = JSON.stringify(body);
        this.ctx.head(200, {
            'content-type': 'application/json; charset=utf-8',
            'content-length': String(Buffer.byteLength(text)),
        });
        this.ctx.end(text);
    }
    errorChunk(seq, message) {
        this.settle(seq, 'error_chunk', null);
        seq.record.http_status = 500;
        const text = JSON.stringify({ error: { code: 500, message, type: 'server_error' } });
        this.ctx.head(500, {
            'content-type': 'application/json; charset=utf-8',
            'content-length': String(Buffer.byteLength(text)),
        });
        this.ctx.end(text);
    }
    abort(seq, outcome) {
        this.settle(seq, outcome, null);
        this.ctx.destroy();
    }
}

;// CONCATENATED MODULE: ./src/simulator/validation.ts
/**
 * Request validation with FastAPI/pydantic's 422 `{"detail": [...]}` shapes, so clients see the same
 * errors as from EXO.
 */
/** EXO's default `max_tokens` when the field is absent. */
const DEFAULT_MAX_TOKENS = 32168;
const ROLES = ['system', 'user', 'assistant', 'developer', 'tool', 'function'];
const ROLES_TEXT = "'system', 'user', 'assistant', 'developer', 'tool' or 'function'";
/** pydantic's message for a body that is not an object. */
function notAnObject(input) {
    return [
        {
            type: 'model_attributes_type',
            loc: ['body'],
            msg: 'Input should be a valid dictionary or object to extract fields from',
            input,
        },
    ];
}
/** Parses a JSON body; returns the value or FastAPI's `json_invalid` detail. */
function parseJsonBody(text) {
    try {
        return { value: JSON.parse(text) };
    }
    catch (error) {
        const match = /position (\d+)/.exec(error.message);
        return {
            detail: [
                {
                    type: 'json_invalid',
                    loc: ['body', match ? Number(match[1]) : 0],
                    msg: 'JSON decode error',
                    input: {},
                    ctx: { error: 'Expecting value' },
                },
            ],
        };
    }
}
function checkInt(value, loc, out) {
    if (typeof value === 'number' && Number.isInteger(value))
        return value;
    if (typeof value === 'number') {
        out.push({
            type: 'int_from_float',
            loc,
            msg: 'Input should be a valid integer, got a number with a fractional part',
            input: value,
        });
    }
    else if (typeof value === 'string' && /^-?\d+$/.test(value.trim()))
        return Number(value);
    else if (typeof value === 'string') {
        out.push({
            type: 'int_parsing',
            loc,
            msg: 'Input should be a valid integer, unable to parse string as an integer',
            input: value,
        });
    }
    else
        out.push({ type: 'int_type', loc, msg: 'Input should be a valid integer', input: value });
    return null;
}
function checkBool(value, loc, out) {
    if (typeof value === 'boolean')
        return value;
    if (value === 0 || value === 1)
        return value === 1;
    if (typeof value === 'string' &&
        ['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'].includes(value.toLowerCase())) {
        return ['true', '1', 'yes', 'on'].includes(value.toLowerCase());
    }
    out.push({
        type: 'bool_parsing',
        loc,
        msg: 'Input should be a valid boolean, unable to interpret input',
        input: value,
    });
    return null;
}
/** `model`: required, a string. */
function checkModel(fields, body, detail) {
    if (!('model' in fields))
        detail.push({ type: 'missing', loc: ['body', 'model'], msg: 'Field required', input: body });
    else if (typeof fields.model !== 'string') {
        detail.push({
            type: 'string_type',
            loc: ['body', 'model'],
            msg: 'Input should be a valid string',
            input: fields.model,
        });
    }
}
/** One message of `messages`: an object with a known role and a string (or structured) content. */
function checkMessage(message, index, detail) {
    if (message === null || typeof message !== 'object' || Array.isArray(message)) {
        detail.push({
            type: 'model_type',
            loc: ['body', 'messages', index],
            msg: 'Input should be a valid dictionary or instance of ChatCompletionMessage',
            input: message,
        });
        return;
    }
    const messageFields = message;
    if (!('role' in messageFields))
        detail.push({
            type: 'missing',
            loc: ['body', 'messages', index, 'role'],
            msg: 'Field required',
            input: message,
        });
    else if (typeof messageFields.role !== 'string' || !ROLES.includes(messageFields.role)) {
        detail.push({
            type: 'literal_error',
            loc: ['body', 'messages', index, 'role'],
            msg: `Input should be ${ROLES_TEXT}`,
            input: messageFields.role,
            ctx: { expected: ROLES_TEXT },
        });
    }
    const content = messageFields.content;
    if (content !== undefined &&
        content !== null &&
        typeof content !== 'string' &&
        typeof content !== 'object') {
        detail.push({
            type: 'string_type',
            loc: ['body', 'messages', index, 'content', 'str'],
            msg: 'Input should be a valid string',
            input: content,
        });
    }
}
/** `messages`: required, a list of messages. */
function checkMessages(fields, body, detail) {
    if (!('messages' in fields))
        detail.push({ type: 'missing', loc: ['body', 'messages'], msg: 'Field required', input: body });
    else if (!Array.isArray(fields.messages)) {
        detail.push({
            type: 'list_type',
            loc: ['body', 'messages'],
            msg: 'Input should be a valid list',
            input: fields.messages,
        });
    }
    else
        fields.messages.forEach((message, index) => checkMessage(message, index, detail));
}
/** Validates a chat/bench body the way EXO's pydantic model does (the fields the simulator uses). */
function validateChatBody(body, bench) {
    if (body === null || typeof body !== 'object' || Array.isArray(body))
        return { detail: notAnObject(body) };
    const fields = body;
    const detail = [];
    checkModel(fields, body, detail);
    checkMessages(fields, body, detail);
    let stream = false;
    if (fields.stream !== undefined && fields.stream !== null)
        stream = checkBool(fields.stream, ['body', 'stream'], detail) ?? false;
    let maxTokens = DEFAULT_MAX_TOKENS;
    if (fields.max_tokens !== undefined && fields.max_tokens !== null) {
        maxTokens = checkInt(fields.max_tokens, ['body', 'max_tokens'], detail) ?? DEFAULT_MAX_TOKENS;
    }
    let usePrefixCache = !bench;
    if (bench && fields.use_prefix_cache !== undefined && fields.use_prefix_cache !== null) {
        usePrefixCache = checkBool(fields.use_prefix_cache, ['body', 'use_prefix_cache'], detail) ?? false;
    }
    const streamOptions = fields.stream_options;
    const includeUsage = streamOptions !== null &&
        typeof streamOptions === 'object' &&
        streamOptions.include_usage === true;
    if (detail.length > 0)
        return { detail };
    return {
        value: {
            model: fields.model,
            messages: fields.messages,
            stream,
            maxTokens: Math.max(0, maxTokens),
            usePrefixCache,
            includeUsage,
        },
    };
}

;// CONCATENATED MODULE: ./src/simulator/chat-routes.ts






function newRecord(rt, node, endpoint, arrivedAtMs) {
    const record = {
        id: rt.rng.uuid4(),
        endpoint,
        model: null,
        stream: false,
        node_index: node.index,
        instance_id: null,
        arrived_at_ms: arrivedAtMs,
        first_token_at_ms: null,
        last_token_at_ms: null,
        ended_at_ms: null,
        tokens_emitted: 0,
        prompt_tokens: 0,
        cached_tokens: 0,
        max_tokens: null,
        finish_reason: null,
        http_status: null,
        outcome: 'pending',
        fault: null,
    };
    rt.cluster.groundTruth.add(record);
    return record;
}
function httpErrorRecord(rt, record, status) {
    record.outcome = 'http_error';
    record.http_status = status;
    record.ended_at_ms = (0,clock/* preciseNowMs */.no)();
}
async function chat(rt, node, req, res, path, arrivedAtMs) {
    const record = newRecord(rt, node, path, arrivedAtMs);
    const bench = path === '/bench/chat/completions';
    const body = await rt.jsonBody(req, res);
    if (body === undefined) {
        httpErrorRecord(rt, record, res.headersSent ? res.statusCode : 0);
        return;
    }
    const validated = validateChatBody(body, bench);
    if ('detail' in validated) {
        httpErrorRecord(rt, record, rt.flavor === 'openai' ? 400 : 422);
        if (rt.flavor === 'openai') {
            const first = validated.detail[0];
            return sendJson(res, 400, {
                error: {
                    code: 400,
                    message: first ? `${first.loc.slice(1).join('.')}: ${first.msg}` : 'invalid request',
                    type: 'invalid_request_error',
                },
            });
        }
        return sendValidationError(res, validated.detail);
    }
    const request = validated.value;
    record.model = request.model;
    record.stream = request.stream;
    record.max_tokens = request.maxTokens;
    const choice = rt.cluster.faults.pick(path, request.model, request.stream);
    record.fault = choice.fault?.kind ?? choice.slowHeaders?.kind ?? null;
    if (choice.fault?.kind === 'http_error') {
        const fault = choice.fault;
        const send = () => sendInjectedError(rt, res, fault);
        httpErrorRecord(rt, record, fault.status);
        if (choice.slowHeaders)
            setTimeout(send, choice.slowHeaders.delayMs).unref();
        else
            send();
        return;
    }
    const instance = rt.flavor === 'openai' ? rt.openaiInstance : rt.cluster.route(request.model);
    if (!instance) {
        httpErrorRecord(rt, record, 404);
        return sendExoError(res, 404, `No instance found for model ${request.model}`);
    }
    startSequence(rt, node, res, record, request, bench, path, instance, choice);
}
function sendInjectedError(rt, res, fault) {
    const message = fault.message ?? `Simulated ${fault.status} (injected fault)`;
    if (fault.plainText) {
        if (res.headersSent || res.destroyed)
            return;
        res.writeHead(fault.status, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(fault.status === 500 ? 'Internal Server Error' : message);
        return;
    }
    if (rt.flavor === 'openai') {
        return sendJson(res, fault.status, {
            error: {
                code: fault.status,
                message,
                type: fault.status >= 500 ? 'server_error' : 'invalid_request_error',
            },
        });
    }
    if (fault.status === 422) {
        return sendValidationError(res, [{ type: 'value_error', loc: ['body'], msg: message, input: null }]);
    }
    sendJson(res, fault.status, errorEnvelope(fault.status, message));
}
function outputTokens(rt, request, bench) {
    const max = request.maxTokens;
    if (rt.flavor === 'openai') {
        const stop = rt.profile.openai.stopAfterTokens;
        return stop !== null && stop < max ? stop : max;
    }
    if (bench)
        return max; // EOS is banned on the bench endpoint.
    const fixed = rt.profile.chatOutputTokens;
    if (fixed !== null && fixed < max)
        return fixed;
    const eosProbability = rt.profile.chatEosProbabilityPerToken;
    if (eosProbability > 0) {
        // Geometric number of tokens before EOS.
        const sampled = Math.floor(Math.log(1 - rt.rng.next()) / Math.log(1 - Math.min(eosProbability, 0.999999)));
        return Math.min(max, Math.max(1, sampled + 1));
    }
    return max;
}
function startSequence(rt, node, res, record, request, bench, path, instance, choice) {
    const openai = rt.flavor === 'openai';
    const commandId = rt.rng.uuid4();
    record.id = commandId;
    const ctx = new ResponseContext(res, node.index, request.stream && !openai, record, node.busy);
    const fingerprint = fingerprintPrompt(request.messages, rt.profile);
    record.prompt_tokens = fingerprint.tokenCount;
    const usePrefixCache = openai ? true : request.usePrefixCache;
    const openaiOptions = {
        profile: rt.profile.openai,
        includeUsage: request.includeUsage,
        responseId: `chatcmpl-${commandId.replace(/-/g, '')}`,
    };
    const sink = openai
        ? request.stream
            ? new OpenAiStreamSink(rt.cluster, ctx, openaiOptions)
            : new OpenAiJsonSink(rt.cluster, ctx, openaiOptions)
        : request.stream
            ? new ExoStreamSink(rt.cluster, ctx, { commandId, model: request.model })
            : new ExoJsonSink(rt.cluster, ctx);
    const bodyFault = choice.fault && choice.fault.kind !== 'http_error' && choice.fault.kind !== 'keep_alive_only'
        ? choice.fault
        : null;
    const sequence = new Sequence(commandId, path, bench, request.stream, request.model, request.maxTokens, fingerprint, usePrefixCache, rt.rng.uint32() % 4096, record, sink, bodyFault, outputTokens(rt, request, bench));
    ctx.seq = sequence;
    if (request.stream && rt.profile.streamWriteCoalesceMs > 0)
        ctx.coalesce = rt.markDirty;
    rt.open.add(ctx);
    rt.cluster.activeStreams = rt.open.size;
    ctx.onClosed = () => {
        rt.open.delete(ctx);
        rt.dirty.delete(ctx);
        const clientGone = record.outcome === 'pending';
        if (clientGone) {
            record.outcome = 'client_disconnected';
            record.ended_at_ms = (0,clock/* preciseNowMs */.no)();
            record.prompt_tokens = sequence.promptTokens;
            record.cached_tokens = sequence.cachedTokens;
        }
        if (record.http_status === null)
            record.http_status = res.statusCode;
        rt.cluster.endRequest(sequence, clientGone);
    };
    if (choice.slowHeaders) {
        ctx.holdHeaders();
        setTimeout(() => ctx.release(), choice.slowHeaders.delayMs).unref();
    }
    if (request.stream) {
        ctx.head(200, openai ? { ...OPENAI_SSE_HEADERS } : { ...EXO_SSE_HEADERS });
        // EXO's first bytes are always a keep-alive comment; llama.cpp sends nothing until a token.
        if (!openai)
            ctx.write(': keep-alive\n\n');
    }
    const keepAliveOnly = choice.fault?.kind === 'keep_alive_only';
    rt.cluster.submit(instance, sequence, request.messages, !keepAliveOnly);
}

;// CONCATENATED MODULE: ./src/simulator/exo-args.ts
/** EXO variables of the models dirs, forwarded by `exo-bench simulate node`. */
const exo_args_EXO_MODEL_DIR_VARIABLES = (/* unused pure expression or super */ null && ([
    'EXO_DEFAULT_MODELS_DIR',
    'EXO_MODELS_DIRS',
    'EXO_MODELS_READ_ONLY_DIRS',
]));
const splitDirs = (value) => (value ?? '').split(':').filter((d) => d.length > 0);
/**
 * Reads `--force-master`/`-m`, `--namespace S`, `--api-port N` (either `--flag value` or
 * `--flag=value`) and the models-dir variables; other EXO flags are accepted and ignored.
 */
function parseExoStart(args, env) {
    const out = { apiPort: null, forceMaster: false };
    for (let i = 0; i < args.length; i++) {
        const arg = args[i];
        const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
        const name = eq > 0 ? arg.slice(0, eq) : arg;
        const value = () => (eq > 0 ? arg.slice(eq + 1) : args[++i]);
        if (name === '-m' || name === '--force-master')
            out.forceMaster = true;
        else if (name === '--namespace')
            out.namespace = value();
        else if (name === '--api-port') {
            const port = Number(value());
            out.apiPort = Number.isInteger(port) ? port : null;
        }
    }
    const writable = [...splitDirs(env.EXO_DEFAULT_MODELS_DIR), ...splitDirs(env.EXO_MODELS_DIRS)];
    if (writable.length > 0)
        out.writableModelsDirs = writable;
    const readOnly = splitDirs(env.EXO_MODELS_READ_ONLY_DIRS);
    if (readOnly.length > 0)
        out.readOnlyModelsDirs = readOnly;
    return out;
}

;// CONCATENATED MODULE: ./src/simulator/control.ts





async function routeControl(rt, method, path, url, req, res) {
    if (path === '/_simulator/faults') {
        if (method === 'GET')
            return sendJson(res, 200, { faults: rt.currentFaults });
        if (method === 'DELETE') {
            rt.clearFaults();
            return sendJson(res, 200, { faults: {} });
        }
        if (method === 'POST' || method === 'PUT') {
            const text = await readBody(req);
            if (text === null)
                return;
            const parsed = parseJsonBody(text);
            if ('detail' in parsed)
                return sendValidationError(res, parsed.detail);
            const problems = validateFaultSpec(parsed.value);
            if (problems.length > 0)
                return sendExoError(res, 400, problems.join('; '));
            rt.setFaults(parsed.value);
            return sendJson(res, 200, { faults: rt.currentFaults });
        }
    }
    if (path === '/_simulator/requests') {
        if (method === 'DELETE') {
            rt.cluster.groundTruth.clear();
            return sendJson(res, 200, { cleared: true });
        }
        if (method === 'GET')
            return sendRequests(rt, url, res);
    }
    if (path === '/_simulator/stats' && method === 'GET') {
        const cpu = process.cpuUsage();
        return sendJson(res, 200, {
            cpu_user_us: cpu.user,
            cpu_system_us: cpu.system,
            active_streams: rt.open.size,
            tokens_written: rt.cluster.tokensWritten,
            requests_recorded: rt.cluster.groundTruth.size,
            time_ms: (0,clock/* preciseNowMs */.no)(),
            nodes: rt.cluster.nodes.map((n) => ({
                index: n.index,
                node_id: n.id,
                alive: n.alive,
                in_topology: n.inTopology,
                state_requests: n.busy.stateRequests,
                state_bytes: n.busy.stateBytes,
                state_busy_ms: Math.round(n.busy.stateBusyMs * 1000) / 1000,
            })),
            master_node_id: rt.cluster.election.masterIndex === null
                ? null
                : (rt.cluster.nodes[rt.cluster.election.masterIndex]?.id ?? null),
            election_running: rt.cluster.election.running,
        });
    }
    const nodeControl = /^\/_simulator\/nodes\/(\d+)\/(start|stop)$/.exec(path);
    if (nodeControl && method === 'POST') {
        return controlNode(rt, Number(nodeControl[1]), nodeControl[2], req, res);
    }
    return sendExoError(res, 404, 'Not Found');
}
/**
 * `POST /_simulator/nodes/{i}/start` (body `{"args": [...exo flags], "env": {EXO_*}}`) →
 * `{"node_id","url"}`; `POST /_simulator/nodes/{i}/stop` → `{"node_id","stopped":true}`.
 */
async function controlNode(rt, index, action, req, res) {
    const node = rt.cluster.nodes[index];
    const text = await readBody(req);
    if (text === null)
        return;
    if (!node)
        return sendExoError(res, 404, `No node ${index} (the simulator has ${rt.cluster.nodes.length})`);
    if (action === 'stop') {
        rt.cluster.stopNode(index);
        return sendJson(res, 200, { node_id: node.id, stopped: true });
    }
    let body = {};
    if (text.trim() !== '') {
        const parsed = parseJsonBody(text);
        if ('detail' in parsed)
            return sendValidationError(res, parsed.detail);
        if (parsed.value === null || typeof parsed.value !== 'object' || Array.isArray(parsed.value))
            return sendExoError(res, 400, 'the body must be {"args": [...], "env": {...}}');
        body = parsed.value;
    }
    const args = Array.isArray(body.args) ? body.args.filter((a) => typeof a === 'string') : [];
    const env = (body.env && typeof body.env === 'object' ? body.env : {});
    const options = parseExoStart(args, env);
    try {
        await rt.cluster.startNode(index, options);
    }
    catch (error) {
        return sendExoError(res, 500, `node ${index} could not listen: ${error.message}`);
    }
    const host = rt.host.includes(':') ? `[${rt.host}]` : rt.host;
    sendJson(res, 200, {
        node_id: node.id,
        url: `http://${host}:${node.port}`,
        isolated: node.isolated,
        api_port_requested: options.apiPort,
    });
}
/** A JSON array of records, written in slices so a million entries never form one string. */
function sendRequests(rt, url, res) {
    const offset = Number(url.searchParams.get('offset') ?? 0) || 0;
    const limitParam = url.searchParams.get('limit');
    const limit = limitParam === null ? Number.POSITIVE_INFINITY : Number(limitParam) || 0;
    const records = rt.cluster.groundTruth.list(offset, limit);
    res.writeHead(200, { 'content-type': 'application/json' });
    const SLICE = 5000;
    res.write('[');
    for (let i = 0; i < records.length; i += SLICE) {
        const part = records.slice(i, i + SLICE).map((r) => JSON.stringify(r));
        res.write((i > 0 ? ',' : '') + part.join(','));
    }
    res.end(']');
}

;// CONCATENATED MODULE: ./src/simulator/instance-routes.ts




function previews(rt, url, res) {
    const modelId = url.searchParams.get('model_id');
    if (modelId === null)
        return sendValidationError(res, [missingQuery('model_id')]);
    if (rt.cluster.liveNodes().length === 0)
        return sendJson(res, 200, { previews: [] });
    if (!rt.cluster.catalogue.has(modelId))
        return sendExoError(res, 400, `Failed to load model card for ${modelId}`);
    const nodeIds = url.searchParams.getAll('node_ids');
    sendJson(res, 200, { previews: rt.cluster.previews(modelId, nodeIds) });
}
function placement(rt, url, res) {
    const query = url.searchParams;
    const detail = [];
    const modelId = query.get('model_id');
    if (modelId === null)
        detail.push(missingQuery('model_id'));
    const sharding = query.get('sharding') ?? 'Pipeline';
    if (sharding !== 'Pipeline' && sharding !== 'Tensor')
        detail.push(enumError(['query', 'sharding'], sharding, ['Pipeline', 'Tensor']));
    const meta = query.get('instance_meta') ?? 'MlxRing';
    if (meta !== 'MlxRing' && meta !== 'MlxJaccl')
        detail.push(enumError(['query', 'instance_meta'], meta, ['MlxRing', 'MlxJaccl']));
    const minNodesText = query.get('min_nodes') ?? '1';
    if (!/^\d+$/.test(minNodesText)) {
        detail.push({
            type: 'int_parsing',
            loc: ['query', 'min_nodes'],
            msg: 'Input should be a valid integer, unable to parse string as an integer',
            input: minNodesText,
        });
    }
    if (detail.length > 0)
        return sendValidationError(res, detail);
    if (!rt.cluster.catalogue.has(modelId))
        return sendPlain500(res);
    const result = rt.cluster.place(modelId, sharding, meta, Number(minNodesText));
    if ('error' in result)
        return sendExoError(res, 400, result.error);
    sendJson(res, 200, result.instance);
}
async function instance_routes_placeInstance(rt, req, res) {
    const body = await rt.jsonBody(req, res);
    if (body === undefined)
        return;
    if (body === null || typeof body !== 'object' || Array.isArray(body))
        return sendValidationError(res, notAnObject(body));
    const fields = body;
    const detail = [];
    if (typeof fields.model_id !== 'string') {
        detail.push(fields.model_id === undefined
            ? { type: 'missing', loc: ['body', 'model_id'], msg: 'Field required', input: body }
            : {
                type: 'string_type',
                loc: ['body', 'model_id'],
                msg: 'Input should be a valid string',
                input: fields.model_id,
            });
    }
    const sharding = fields.sharding ?? 'Pipeline';
    if (sharding !== 'Pipeline' && sharding !== 'Tensor')
        detail.push(enumError(['body', 'sharding'], sharding, ['Pipeline', 'Tensor']));
    const meta = fields.instance_meta ?? 'MlxRing';
    if (meta !== 'MlxRing' && meta !== 'MlxJaccl')
        detail.push(enumError(['body', 'instance_meta'], meta, ['MlxRing', 'MlxJaccl']));
    const minNodes = fields.min_nodes ?? 1;
    if (typeof minNodes !== 'number' || !Number.isInteger(minNodes)) {
        detail.push({
            type: 'int_type',
            loc: ['body', 'min_nodes'],
            msg: 'Input should be a valid integer',
            input: minNodes,
        });
    }
    if (detail.length > 0)
        return sendValidationError(res, detail);
    const spec = rt.cluster.catalogue.get(fields.model_id);
    if (!spec)
        return sendPlain500(res);
    sendJson(res, 200, {
        message: 'Command received.',
        command_id: rt.rng.uuid4(),
        model_card: rt.cluster.modelCard(spec),
    });
    // Placement runs later on the master; a failure creates nothing and reports nothing.
    rt.cluster.later(rt.profile.placementDelayMs, () => {
        if (rt.cluster.faults.takePlacementFailure())
            return;
        const result = rt.cluster.place(spec.modelId, sharding, meta, minNodes);
        if (!('error' in result))
            rt.cluster.createInstance(result.instance);
    });
}
async function postInstance(rt, req, res) {
    const body = await rt.jsonBody(req, res);
    if (body === undefined)
        return;
    if (body === null || typeof body !== 'object' || Array.isArray(body))
        return sendValidationError(res, notAnObject(body));
    const raw = body.instance;
    if (raw === undefined) {
        return sendValidationError(res, [
            { type: 'missing', loc: ['body', 'instance'], msg: 'Field required', input: body },
        ]);
    }
    const instance = toCamelCase(raw);
    const problem = checkInstanceJson(instance);
    if (problem)
        return sendValidationError(res, [problem]);
    const variant = Object.keys(instance)[0];
    const inner = instance[variant];
    const modelId = inner.shardAssignments.modelId;
    const spec = rt.cluster.catalogue.get(modelId);
    const firstShard = Object.values(inner.shardAssignments.runnerToShard)[0];
    const shardCard = Object.values(firstShard)[0].modelCard;
    const storage = spec?.storageSizeBytes ?? (shardCard?.storageSize?.inBytes || 0);
    const available = rt.cluster.liveNodes().reduce((sum, node) => sum + rt.cluster.ramAvailable(node), 0);
    if (!rt.cluster.instances.has(inner.instanceId) && storage > available) {
        const gb = (x) => (x / 1024 ** 3).toFixed(1);
        return sendExoError(res, 400, `Insufficient memory to create instance. Required: ${gb(storage)}GB, Available: ${gb(available)}GB`);
    }
    const card = spec ? rt.cluster.modelCard(spec) : (shardCard ?? {});
    sendJson(res, 200, { message: 'Command received.', command_id: rt.rng.uuid4(), model_card: card });
    rt.cluster.later(rt.profile.placementDelayMs, () => rt.cluster.createInstance(instance));
}
function awaitInstance(rt, node, url, res) {
    const modelId = url.searchParams.get('model_id');
    const timeoutText = url.searchParams.get('timeout_seconds') ?? '0';
    const detail = [];
    if (modelId === null)
        detail.push(missingQuery('model_id'));
    const timeout = Number(timeoutText);
    if (!Number.isFinite(timeout)) {
        detail.push({
            type: 'float_parsing',
            loc: ['query', 'timeout_seconds'],
            msg: 'Input should be a valid number, unable to parse string as a number',
            input: timeoutText,
        });
    }
    else if (timeout < 0 || timeout > 300) {
        detail.push({
            type: timeout < 0 ? 'greater_than_equal' : 'less_than_equal',
            loc: ['query', 'timeout_seconds'],
            msg: timeout < 0
                ? 'Input should be greater than or equal to 0'
                : 'Input should be less than or equal to 300',
            input: timeoutText,
            ctx: timeout < 0 ? { ge: 0 } : { le: 300 },
        });
    }
    if (detail.length > 0)
        return sendValidationError(res, detail);
    const ctx = new ResponseContext(res, node.index, true, null, node.busy);
    rt.open.add(ctx);
    const abort = new AbortController();
    ctx.onClosed = () => {
        rt.open.delete(ctx);
        abort.abort();
    };
    ctx.head(200, { ...EXO_SSE_HEADERS });
    ctx.write(': keep-alive\n\n');
    void rt.cluster.awaitInstance(modelId, timeout * 1000, abort.signal).then((instance) => {
        if (ctx.closed)
            return;
        const message = instance
            ? { type: 'ready', instance: toSnakeCase(instance.json) }
            : { type: 'timeout', message: `No instance found for model ${modelId}` };
        ctx.end(`data: ${JSON.stringify(message)}\n\n`);
    });
}
function missingQuery(name) {
    return { type: 'missing', loc: ['query', name], msg: 'Field required', input: null };
}
function enumError(loc, input, values) {
    const expected = values.map((value) => `'${value}'`).join(' or ');
    return { type: 'enum', loc, msg: `Input should be ${expected}`, input, ctx: { expected } };
}
/** Structural check of a posted instance; returns pydantic-like detail or null. */
function checkInstanceJson(instance) {
    const bad = (msg, loc = []) => ({
        type: 'value_error',
        loc: ['body', 'instance', ...loc],
        msg,
        input: instance,
    });
    if (instance === null || typeof instance !== 'object' || Array.isArray(instance))
        return bad('Input should be a valid dictionary');
    const keys = Object.keys(instance);
    const variant = keys[0];
    if (keys.length !== 1 || (variant !== 'MlxRingInstance' && variant !== 'MlxJacclInstance')) {
        return {
            type: 'union_tag_invalid',
            loc: ['body', 'instance'],
            msg: "Input tag not found; expected one of 'MlxRingInstance', 'MlxJacclInstance'",
            input: instance,
        };
    }
    const inner = instance[variant];
    if (!inner || typeof inner !== 'object')
        return bad('Input should be a valid dictionary', [variant]);
    if (typeof inner.instanceId !== 'string')
        return bad('Field required', [variant, 'instanceId']);
    const assignments = inner.shardAssignments;
    if (!assignments || typeof assignments !== 'object')
        return bad('Field required', [variant, 'shardAssignments']);
    if (typeof assignments.modelId !== 'string')
        return bad('Field required', [variant, 'shardAssignments', 'modelId']);
    const runnerToShard = assignments.runnerToShard;
    const nodeToRunner = assignments.nodeToRunner;
    if (!runnerToShard || typeof runnerToShard !== 'object' || Object.keys(runnerToShard).length === 0) {
        return bad('Field required', [variant, 'shardAssignments', 'runnerToShard']);
    }
    if (!nodeToRunner || typeof nodeToRunner !== 'object')
        return bad('Field required', [variant, 'shardAssignments', 'nodeToRunner']);
    for (const [runnerId, shard] of Object.entries(runnerToShard)) {
        const tagged = shard;
        const tag = tagged && typeof tagged === 'object' ? Object.keys(tagged)[0] : undefined;
        if (!tag || !['PipelineShardMetadata', 'TensorShardMetadata', 'CfgShardMetadata'].includes(tag)) {
            return bad('Input tag not found', [variant, 'shardAssignments', 'runnerToShard', runnerId]);
        }
        const shardMetadata = tagged[tag];
        for (const field of ['startLayer', 'endLayer', 'deviceRank', 'worldSize', 'nLayers']) {
            if (typeof shardMetadata?.[field] !== 'number')
                return bad('Field required', [variant, 'shardAssignments', 'runnerToShard', runnerId, tag, field]);
        }
    }
    for (const [nodeId, runnerId] of Object.entries(nodeToRunner)) {
        if (typeof runnerId !== 'string' || !(runnerId in runnerToShard))
            return bad('runner not in runnerToShard', [variant, 'shardAssignments', 'nodeToRunner', nodeId]);
    }
    if (variant === 'MlxRingInstance' && typeof inner.ephemeralPort !== 'number')
        return bad('Field required', [variant, 'ephemeralPort']);
    return null;
}

;// CONCATENATED MODULE: ./src/simulator/server.ts
/**
 * The simulator's HTTP side: one `http.Server` per node on 127.0.0.1, all sharing one `SimCluster`.
 * Routes follow exo-api.md (flavour `exo`) or a llama.cpp-like OpenAI server (flavour `openai`).
 */








/** Everything the running simulator holds; `index.ts` wraps it in the public handle. */
class SimulatorRuntime {
    profile;
    flavor;
    cluster;
    servers = [];
    sockets = [];
    /** Open chat/bench/await responses (keep-alives, node loss). */
    open = new Set();
    sweeper = null;
    flusher = null;
    /** Streams with coalesced writes waiting for the next flush. */
    dirty = new Set();
    markDirty = (ctx) => {
        this.dirty.add(ctx);
    };
    currentFaults = {};
    rng;
    /** The always-ready instance of the openai flavour. */
    openaiInstance = null;
    constructor(profile, flavor, seed, nodeCount) {
        this.profile = profile;
        this.flavor = flavor;
        this.rng = new Rng(seed);
        this.cluster = new SimCluster(profile, this.rng, nodeCount);
        this.cluster.onNodeDeath = (node) => this.stopNodeServer(node);
    }
    host = '127.0.0.1';
    /** The control server (`/_simulator/*` and node start/stop), on its own port. */
    controlServer = null;
    controlPort = 0;
    /** Listens on `host`, node i on `port + i` (or free ports for port 0); stopped nodes only get a port. */
    async listen(host, port) {
        this.host = host;
        for (const node of this.cluster.nodes) {
            this.sockets.push(new Set());
            const server = this.createNodeServer(node);
            this.servers.push(server);
            await listenOn(server, host, port === 0 ? 0 : port + node.index);
            const address = server.address();
            node.port = typeof address === 'object' && address ? address.port : 0;
            // A stopped node refuses connections until started: its port is kept, the socket closed.
            if (!node.alive)
                await new Promise((resolve) => server.close(() => resolve()));
        }
        this.cluster.onNodeStart = (node) => this.startNodeServer(node);
        this.controlServer = (0,external_node_http_.createServer)({ keepAliveTimeout: 5000, requestTimeout: 0 }, (req, res) => {
            res.on('error', () => undefined);
            const url = new URL(req.url ?? '/', 'http://sim');
            routeControl(this, req.method ?? 'GET', url.pathname, url, req, res).catch(() => sendPlain500(res));
        });
        await listenOn(this.controlServer, host, 0);
        const controlAddress = this.controlServer.address();
        this.controlPort = typeof controlAddress === 'object' && controlAddress ? controlAddress.port : 0;
        this.cluster.start();
        const sweepMs = Math.max(5, Math.min(1000, this.profile.keepAliveIntervalMs / 4));
        this.sweeper = setInterval(() => this.sweepKeepAlives(), sweepMs);
        this.sweeper.unref();
        if (this.profile.streamWriteCoalesceMs > 0) {
            this.flusher = setInterval(() => {
                for (const ctx of this.dirty)
                    ctx.flushCoalesced();
                this.dirty.clear();
            }, this.profile.streamWriteCoalesceMs);
            this.flusher.unref();
        }
        if (this.flavor === 'openai')
            this.setUpOpenAiInstance();
        this.setFaults(this.profile.faults);
    }
    createNodeServer(node) {
        const server = (0,external_node_http_.createServer)({ keepAliveTimeout: 5000, requestTimeout: 0, headersTimeout: 60_000, noDelay: true }, (req, res) => this.handle(node, req, res));
        server.maxHeadersCount = 200;
        // EXO streams never time out on the server side.
        server.timeout = 0;
        const sockets = this.sockets[node.index];
        server.on('connection', (socket) => {
            sockets.add(socket);
            socket.on('close', () => sockets.delete(socket));
            socket.on('error', () => undefined);
        });
        server.on('clientError', (_err, socket) => {
            if (socket.writable)
                socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
            else
                socket.destroy();
        });
        return server;
    }
    /** A started node listens again on its port (a new server: a closed one cannot be reused safely). */
    async startNodeServer(node) {
        const server = this.createNodeServer(node);
        this.servers[node.index] = server;
        await listenOn(server, this.host, node.port);
    }
    setUpOpenAiInstance() {
        const model = this.profile.openai.model;
        if (!this.cluster.catalogue.has(model)) {
            const base = this.cluster.catalogue.get('mlx-community/Llama-3.2-1B-Instruct-4bit');
            if (base)
                this.cluster.catalogue.set(model, { ...base, modelId: model });
        }
        const placed = this.cluster.place(model, 'Pipeline', 'MlxRing', 1);
        if ('error' in placed)
            throw new Error(`openai flavour: cannot place ${model}: ${placed.error}`);
        const inst = this.cluster.createInstance(placed.instance, false);
        if (!inst)
            throw new Error('openai flavour: no instance');
        inst.engine.setReady(true);
        this.openaiInstance = inst;
    }
    /** Replaces the active faults (and schedules node losses). */
    setFaults(spec) {
        this.currentFaults = spec;
        this.cluster.faults.set(spec);
        for (const loss of spec.nodeLoss ?? []) {
            this.cluster.later(loss.afterMs ?? 0, () => this.cluster.killNode(loss.node, loss.removalDelayMs ?? 0));
        }
    }
    clearFaults() {
        this.setFaults({});
    }
    get faults() {
        return this.currentFaults;
    }
    stopNodeServer(node) {
        for (const ctx of [...this.open]) {
            if (ctx.nodeIndex !== node.index)
                continue;
            if (ctx.record && ctx.record.outcome === 'pending') {
                ctx.record.outcome = 'eof';
                ctx.record.ended_at_ms = (0,clock/* preciseNowMs */.no)();
            }
            ctx.destroy();
        }
        const server = this.servers[node.index];
        if (server?.listening)
            server.close();
        for (const socket of this.sockets[node.index] ?? [])
            socket.destroy();
    }
    /** Stops everything; resolves when every server is closed. */
    async close() {
        if (this.sweeper)
            clearInterval(this.sweeper);
        if (this.flusher)
            clearInterval(this.flusher);
        this.cluster.stop();
        for (const ctx of [...this.open])
            ctx.destroy();
        if (this.controlServer) {
            const control = this.controlServer;
            await new Promise((resolve) => {
                control.close(() => resolve());
                control.closeAllConnections();
            });
        }
        await Promise.all(this.servers.map((server, i) => new Promise((resolve) => {
            if (server.listening)
                server.close(() => resolve());
            else
                resolve();
            for (const socket of this.sockets[i] ?? [])
                socket.destroy();
        })));
    }
    sweepKeepAlives() {
        const wall = (0,clock/* preciseNowMs */.no)();
        const interval = this.profile.keepAliveIntervalMs;
        if (this.flavor === 'openai')
            return;
        for (const ctx of this.open) {
            if (!ctx.sse || ctx.closed)
                continue;
            if (ctx.seq && ctx.seq.stallUntilMs > wall)
                continue;
            if (wall - ctx.lastWriteAtMs >= interval)
                ctx.write(': keep-alive\n\n');
        }
    }
    // ------------------------------------------------------------------ routing
    handle(node, req, res) {
        const arrivedAtMs = (0,clock/* preciseNowMs */.no)();
        res.on('error', () => undefined);
        req.on('error', () => undefined);
        if (!node.alive) {
            res.destroy();
            return;
        }
        const url = new URL(req.url ?? '/', 'http://sim');
        const path = url.pathname;
        const method = req.method ?? 'GET';
        const run = () => {
            this.route(node, method, path, url, req, res, arrivedAtMs).catch(() => {
                if (!res.headersSent)
                    sendPlain500(res);
                else
                    res.destroy();
            });
        };
        // A node busy serialising its state answers nothing meanwhile (simulator controls excepted).
        const busyMs = node.busy.untilMs - arrivedAtMs;
        if (busyMs > 0 && !path.startsWith('/_simulator/'))
            setTimeout(run, busyMs);
        else
            run();
    }
    async route(node, method, path, url, req, res, arrivedAtMs) {
        // Simulator control endpoints (both flavours).
        if (path.startsWith('/_simulator/'))
            return routeControl(this, method, path, url, req, res);
        if (this.flavor === 'exo' && isCommand(method, path)) {
            // Commands wait while a master election runs (exo-api.md 1.3); every running node counts them.
            const election = this.cluster.command();
            if (election)
                await election;
        }
        if (this.flavor === 'openai') {
            if (path === '/v1/models' && method === 'GET')
                return this.openAiModels(res);
            if (path === '/v1/chat/completions' && method === 'POST')
                return chat(this, node, req, res, path, arrivedAtMs);
            return sendJson(res, 404, { error: { code: 404, message: 'File Not Found', type: 'not_found_error' } });
        }
        const seg = path.split('/').filter((s) => s.length > 0);
        const allow = (m) => {
            if (method === m)
                return true;
            sendExoError(res, 405, 'Method Not Allowed');
            return false;
        };
        if (path === '/node_id')
            return void (allow('GET') && sendJson(res, 200, node.id));
        if (path === '/state')
            return void (allow('GET') && this.sendState(node, this.cluster.buildState('Z'), res));
        if (seg[0] === 'state' && seg.length > 1)
            return void (allow('GET') && this.statePath(node, seg.slice(1), res));
        if (path === '/models' || path === '/v1/models')
            return void (allow('GET') && this.models(url, res));
        if (path === '/instance/previews')
            return void (allow('GET') && previews(this, url, res));
        if (path === '/instance/placement')
            return void (allow('GET') && placement(this, url, res));
        if (path === '/instance/await')
            return void (allow('GET') && awaitInstance(this, node, url, res));
        if (path === '/place_instance')
            return allow('POST') ? instance_routes_placeInstance(this, req, res) : undefined;
        if (path === '/instance')
            return allow('POST') ? postInstance(this, req, res) : undefined;
        if (seg[0] === 'instance' && seg.length === 2) {
            const id = decodeURIComponent(seg[1] ?? '');
            if (method === 'GET') {
                const inst = this.cluster.instances.get(id);
                return inst ? sendJson(res, 200, inst.json) : sendExoError(res, 404, 'Instance not found');
            }
            if (method === 'DELETE') {
                if (!this.cluster.deleteInstance(id))
                    return sendExoError(res, 404, 'Instance not found');
                return sendJson(res, 200, {
                    message: 'Command received.',
                    command_id: this.rng.uuid4(),
                    instance_id: id,
                });
            }
            return sendExoError(res, 405, 'Method Not Allowed');
        }
        if (path === '/v1/chat/completions' ||
            path === '/ollama/v1/chat/completions' ||
            path === '/bench/chat/completions') {
            return allow('POST') ? chat(this, node, req, res, path, arrivedAtMs) : undefined;
        }
        if (seg[0] === 'v1' && seg[1] === 'cancel' && seg.length === 3) {
            if (!allow('POST'))
                return;
            const id = decodeURIComponent(seg[2] ?? '');
            return this.cluster.cancel(id)
                ? sendJson(res, 200, { message: 'Command cancelled.', command_id: id })
                : sendExoError(res, 404, 'Command not found or already completed');
        }
        if (path === '/v1/feature-flags')
            return sendJson(res, 200, { disaggregation: false });
        return sendExoError(res, 404, 'Not Found');
    }
    // ------------------------------------------------------------------ state & models
    /**
     * Charges the serving node for serialising the whole state (exo-api.md 12.4): it is busy for
     * `stateCostFixedMs + stateCostMsPerMiB × MiB`, measured on the full document whatever the path,
     * and the answer leaves when that time is over. Timers, not CPU: other nodes are unaffected.
     */
    chargeState(node, stateText) {
        const bytes = Buffer.byteLength(stateText);
        const costMs = this.profile.stateCostFixedMs + (this.profile.stateCostMsPerMiB * bytes) / 1024 ** 2;
        const busy = node.busy;
        busy.stateRequests++;
        busy.stateBytes += bytes;
        busy.stateBusyMs += costMs;
        const now = (0,clock/* preciseNowMs */.no)();
        busy.untilMs = Math.max(now, busy.untilMs) + costMs;
        return busy.untilMs - now;
    }
    sendState(node, state, res) {
        const text = JSON.stringify(state);
        this.later(this.chargeState(node, text), () => {
            if (res.headersSent || res.destroyed)
                return;
            res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
            res.end(text);
        });
    }
    later(ms, fn) {
        if (ms <= 0)
            fn();
        else
            setTimeout(fn, ms);
    }
    statePath(node, segments, res) {
        const keys = segments.map((s) => decodeURIComponent(s));
        const state = this.cluster.buildState('+00:00');
        const delayMs = this.chargeState(node, JSON.stringify(state));
        let cursor = state;
        for (const key of keys) {
            if (Array.isArray(cursor) && /^\d+$/.test(key) && Number(key) < cursor.length)
                cursor = cursor[Number(key)];
            else if (cursor !== null &&
                typeof cursor === 'object' &&
                !Array.isArray(cursor) &&
                Object.hasOwn(cursor, key)) {
                cursor = cursor[key];
            }
            else {
                return this.later(delayMs, () => sendExoError(res, 404, `unable to find path '${keys.join('.')}' in state json`));
            }
        }
        const found = cursor;
        this.later(delayMs, () => sendJson(res, 200, found));
    }
    models(url, res) {
        const downloadedOnly = url.searchParams.get('status') === 'downloaded';
        const data = [...this.cluster.catalogue.values()]
            .filter((m) => !downloadedOnly || this.cluster.isDownloadedAnywhere(m.modelId))
            .map((m) => this.cluster.modelListEntry(m));
        sendJson(res, 200, { object: 'list', data });
    }
    openAiModels(res) {
        const model = this.profile.openai.model;
        sendJson(res, 200, {
            object: 'list',
            data: [
                {
                    id: model,
                    object: 'model',
                    created: Math.floor(Date.now() / 1000),
                    owned_by: 'llamacpp',
                    meta: null,
                },
            ],
        });
    }
    // ------------------------------------------------------------------ chat
    async jsonBody(req, res) {
        const text = await readBody(req);
        if (text === null)
            return undefined;
        const parsed = parseJsonBody(text);
        if ('detail' in parsed) {
            if (this.flavor === 'openai') {
                sendJson(res, 400, {
                    error: {
                        code: 400,
                        message: 'Failed to parse the request body as JSON',
                        type: 'invalid_request_error',
                    },
                });
            }
            else
                sendValidationError(res, parsed.detail);
            return undefined;
        }
        return parsed.value;
    }
}
/** Listens and resolves once bound (rejects on EADDRINUSE and the like). */
function listenOn(server, host, port) {
    return new Promise((resolve, reject) => {
        server.once('error', reject);
        // A large backlog: thousands of simultaneous connects otherwise overflow it (PERFORMANCE.md).
        server.listen({ host, port, backlog: 8192 }, () => {
            server.off('error', reject);
            resolve();
        });
    });
}
/** Requests that are EXO commands: they wait for a running election. */
function isCommand(method, path) {
    if (method === 'DELETE')
        return path.startsWith('/instance/');
    if (method !== 'POST')
        return false;
    return (path === '/place_instance' ||
        path === '/instance' ||
        path === '/v1/chat/completions' ||
        path === '/ollama/v1/chat/completions' ||
        path === '/bench/chat/completions');
}

;// CONCATENATED MODULE: ./src/simulator/index.ts
/**
 * The EXO simulator: a real HTTP server on 127.0.0.1 that behaves like an EXO cluster (exo-api.md) or
 * like a plain OpenAI-compatible server, with a timing model and fault injection. Used in-process by
 * tests and as `exo-bench simulate`. See src/simulator/README.md.
 */





/** Starts a simulator and resolves once every node listens. */
async function startSimulator(options = {}) {
    const nodes = options.nodes ?? 1;
    if (!Number.isInteger(nodes) || nodes < 1)
        throw new ProfileError(`nodes must be a positive integer (got ${nodes})`);
    const profile = typeof options.profile === 'string'
        ? await loadProfileFile(options.profile, nodes)
        : resolveProfile(options.profile ?? {}, 'profile', nodes);
    if (options.modelsDir !== undefined)
        profile.modelsDir = options.modelsDir;
    if (options.nodesStartStopped !== undefined)
        profile.nodesStartStopped = options.nodesStartStopped;
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
    }
    catch (error) {
        await runtime.close();
        throw error;
    }
    const urlHost = host.includes(':') ? `[${host}]` : host;
    const infos = runtime.cluster.nodes.map((n) => ({ node_id: n.id, url: `http://${urlHost}:${n.port}` }));
    let closed = null;
    const nodeInfo = (index) => {
        const node = runtime.cluster.nodes[index];
        if (!node)
            throw new ProfileError(`no node ${index}`);
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
const simulateUsage = (/* unused pure expression or super */ null && (`Usage: exo-bench simulate [options]
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
POST /_simulator/nodes/{i}/start {"args":[...],"env":{...}} and POST /_simulator/nodes/{i}/stop.`));
const defaultIo = {
    stdout: (line) => process.stdout.write(`${line}\n`),
    stderr: (line) => process.stderr.write(`${line}\n`),
};
function parseFlags(argv) {
    const options = {};
    let help = false;
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        const eq = arg.indexOf('=');
        const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
        const takeValue = () => {
            if (arg.startsWith('--') && eq > 0)
                return arg.slice(eq + 1);
            const v = argv[i + 1];
            if (v === undefined)
                return null;
            i++;
            return v;
        };
        const intValue = (flag, min) => {
            const v = takeValue();
            if (v === null || !/^\d+$/.test(v) || Number(v) < min)
                return `${flag} needs an integer ≥ ${min}`;
            return Number(v);
        };
        switch (name) {
            case '-h':
            case '--help':
                help = true;
                break;
            case '--nodes': {
                const v = intValue('--nodes', 1);
                if (typeof v === 'string')
                    return { error: v };
                options.nodes = v;
                break;
            }
            case '--port': {
                const v = intValue('--port', 0);
                if (typeof v === 'string')
                    return { error: v };
                if (v > 65535)
                    return { error: '--port must be ≤ 65535' };
                options.port = v;
                break;
            }
            case '--seed': {
                const v = intValue('--seed', 0);
                if (typeof v === 'string')
                    return { error: v };
                options.seed = v;
                break;
            }
            case '--profile': {
                const v = takeValue();
                if (!v)
                    return { error: '--profile needs a file path' };
                options.profile = v;
                break;
            }
            case '--models-dir': {
                const v = takeValue();
                if (!v)
                    return { error: '--models-dir needs a directory' };
                options.modelsDir = v;
                break;
            }
            case '--stopped-nodes':
                options.nodesStartStopped = true;
                break;
            case '--flavor':
            case '--flavour': {
                const v = takeValue();
                if (v !== 'exo' && v !== 'openai')
                    return { error: '--flavor must be exo or openai' };
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
async function runSimulateCommand(argv, io = defaultIo, signal) {
    if (argv[0] === 'node')
        return runSimulateNodeCommand(argv.slice(1), io, signal);
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
    let handle;
    try {
        handle = await startSimulator(parsed.options);
    }
    catch (error) {
        io.stderr(`exo-bench simulate: ${error.message}`);
        return 1;
    }
    const until = untilStopped(signal);
    io.stdout(JSON.stringify({ nodes: handle.nodes, control: handle.control }));
    try {
        await until.stopped;
        await handle.close();
    }
    finally {
        until.release();
    }
    return 0;
}
/** `stopped` resolves on SIGINT, SIGTERM or `signal`; the listeners stay until `release()`. */
function untilStopped(signal) {
    // Signal listeners do not keep the event loop alive; `simulate node` has nothing else that does.
    const keepAlive = setInterval(() => undefined, 1 << 30);
    let resolveStopped = () => undefined;
    const stopped = new Promise((resolve) => (resolveStopped = resolve));
    // Stays installed until release(): a signal that comes while the node stops is absorbed, not fatal.
    const stop = () => resolveStopped();
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    if (signal?.aborted)
        stop();
    else
        signal?.addEventListener('abort', stop, { once: true });
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
async function runSimulateNodeCommand(argv, io = defaultIo, signal, env = process.env) {
    let control = null;
    let index = null;
    const exoArgs = [];
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg === '--control' || arg.startsWith('--control=')) {
            control = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : (argv[++i] ?? null);
        }
        else if (arg === '--index' || arg.startsWith('--index=')) {
            const v = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[++i];
            index = v !== undefined && /^\d+$/.test(v) ? Number(v) : null;
            if (index === null) {
                io.stderr('exo-bench simulate node: --index needs an integer ≥ 0');
                return 2;
            }
        }
        else
            exoArgs.push(arg);
    }
    if (!control || index === null) {
        io.stderr('exo-bench simulate node: --control URL and --index I are required');
        io.stderr(simulateUsage);
        return 2;
    }
    const base = control.replace(/\/+$/, '');
    const forwarded = {};
    for (const name of EXO_MODEL_DIR_VARIABLES) {
        const value = env[name];
        if (value !== undefined && value !== '')
            forwarded[name] = value;
    }
    const post = async (action, body) => {
        const res = await fetch(`${base}/_simulator/nodes/${index}/${action}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(body),
        });
        const text = await res.text();
        if (!res.ok)
            throw new Error(`${action}: HTTP ${res.status} ${text}`);
        return text;
    };
    // Listening before the node starts: a job stopped right after starting EXO still stops the node.
    const until = untilStopped(signal);
    try {
        try {
            io.stdout((await post('start', { args: exoArgs, env: forwarded })).trim());
        }
        catch (error) {
            io.stderr(`exo-bench simulate node: ${error.message}`);
            return 1;
        }
        await until.stopped;
        try {
            await post('stop', {});
        }
        catch (error) {
            io.stderr(`exo-bench simulate node: ${error.message}`);
            return 1;
        }
        return 0;
    }
    finally {
        until.release();
    }
}

;// CONCATENATED MODULE: ./src/run/simulated-target.ts
/**
 * `--simulate` / `simulate: true`: the embedded simulator standing in for whatever the config targets —
 * an EXO cluster with the config's node count, or an OpenAI-compatible server serving the config's
 * model. Both shells start it the same way. A simulated secondary also gets a stand-in primary, so a
 * matrix of dry-run jobs (each with its own simulator) passes like a real cluster's.
 */





/** Starts a simulator shaped like the config's target; `profilePath` overrides the default profile. */
function startSimulatorForConfig(config, expectedNodes, profilePath) {
    const target = config.target;
    return startSimulator({
        nodes: Math.max(1, expectedNodes),
        ...(target.kind === 'openai' ? { flavor: 'openai' } : {}),
        ...(profilePath
            ? { profile: profilePath }
            : target.kind === 'openai'
                ? { profile: { openai: { ...DEFAULT_PROFILE.openai, model: target.model } } }
                : {}),
    });
}
/** How long the stand-in primary keeps its instances (at most): the secondary's wait, not a benchmark. */
const STAND_IN_HOLD_MAX_MS = 5_000;
/**
 * A dry run of a secondary (`simulate: true`, `is-primary: false`): each matrix job has a simulator of
 * its own, so nobody else will place the models on it. This plays the primary's part in that simulated
 * cluster, from node 0 — waits for the cluster to settle, places every model across the planned nodes,
 * waits for the runners, keeps the instances for the scheduled load (at most 5 s), and deletes them —
 * so that the secondary's own code path (wait for the instances, then for their deletion) runs for
 * real, against node 1. Resolves when done, with the reason when it could not play its part (the
 * secondary would otherwise wait for instances that never come).
 */
async function playSimulatedPrimary(simulator, config, expectedNodes, timeoutSeconds, logger, 
/** Aborted when the secondary's run ends, whatever the stand-in was doing (it still deletes). */
signal) {
    const prefix = 'simulated primary: ';
    const quiet = {
        info: (message) => logger.info(`${prefix}${message}`),
        warning: (message) => logger.info(`${prefix}${message}`),
        error: (message) => logger.warning(`${prefix}${message}`),
        debug: () => undefined,
        group: (_name, fn) => fn(),
    };
    const context = {
        client: new client/* ExoClient */.Gp(simulator.nodes[0]?.url ?? simulator.url),
        clock: clock/* systemClock */.ml,
        logger: quiet,
        pollIntervalMs: 250,
        progressIntervalMs: 10_000,
        signal,
    };
    const deadlineMs = clock/* systemClock */.ml.nowMs() + timeoutSeconds * 1000;
    const placed = [];
    try {
        await (0,orchestrate/* waitForNodes */.iw)(context, expectedNodes, deadlineMs);
        const plan = { sharding: config.sharding, instanceMeta: config.instance_meta, nodeCount: expectedNodes };
        for (const modelId of config.model_ids)
            placed.push((await (0,orchestrate/* placeInstance */.b_)(context, modelId, plan, deadlineMs)).instanceId);
        await (0,orchestrate/* waitForInstancesReady */.s7)(context, placed, deadlineMs);
        // A capacity search stage has no schedule of its own: its first probe, at `min`, stands for it.
        const scheduledMs = (0,duration/* scheduledLoadMs */.uM)(config);
        await clock/* systemClock */.ml.sleep(Math.min(STAND_IN_HOLD_MAX_MS, scheduledMs), signal);
    }
    catch (error) {
        if (signal.aborted)
            return undefined;
        const message = error instanceof Error ? error.message : String(error);
        quiet.error(message);
        return message;
    }
    finally {
        const cleanup = { ...context };
        delete cleanup.signal;
        await (0,orchestrate/* deleteInstances */.E8)(cleanup, placed, clock/* systemClock */.ml.nowMs() + 30_000);
    }
    return undefined;
}


/***/ })

};
